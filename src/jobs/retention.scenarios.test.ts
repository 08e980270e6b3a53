import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, refusalCodes, START, world, type World } from '../../test/factories.js';
import { DomainError } from '../domain/errors.js';
import { SYSTEM } from '../policy/actors.js';
import type { Profile } from '../policy/profile.schema.js';
import { profiles } from '../profile/profiles.js';
import { SERVICE_KINDS, serviceRule, vendorAuthorisationRule, type ServiceKindId } from '../policy/retention.policy.js';
import { findPatronById } from '../storage/patron.repository.js';
import * as retention from '../storage/retention.repository.js';
import { findServiceRecord } from '../storage/service-record.repository.js';
import { checkin, checkout, declareLost } from '../usecases/circulation.usecases.js';
import { run } from '../usecases/context.js';
import { pay, waiveFine } from '../usecases/fine.usecases.js';
import { cancelHold, expireHolds, placeHold } from '../usecases/hold.usecases.js';
import { exportPatron, setPatronStatus } from '../usecases/patron.usecases.js';
import { retainLoanPage, retainPatronPage, setReadingHistory } from '../usecases/retention.usecases.js';
import {
  bookRoom,
  closeInterlibraryLoan,
  closeReferenceRequest,
  endComputerSession,
  recordReferenceRequest,
  requestInterlibraryLoan,
  signUpForProgram,
  startComputerSession,
} from '../usecases/service-record.usecases.js';
import { placeLegalHold, releaseLegalHold } from '../usecases/legal-hold.usecases.js';
import { saveArtefact } from '../usecases/oidc.usecases.js';
import { recordVendorConsent, recordVendorSignIn } from '../usecases/vendor-sign-in.usecases.js';
import { createVendor } from '../usecases/vendor.usecases.js';
import { runRetention, type LibraryResult, type RetentionOptions } from './retention.job.js';

/**
 * The retention promises of every shipped profile, as scenarios: the real use cases make the records,
 * the clock moves (as `--as-of` moves the CLI's), and `runRetention` disposes of what the profile no
 * longer allows. The generated scenarios cite each rule's clause from the profile itself, so a profile
 * that changes a period or a clause changes the test with it; the hand-written ones follow the issue.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const ALL_PROFILES: Profile[] = profiles().all();
const CATEGORY_OF: Record<ServiceKindId, string> = {
  'computer-session': 'computer-sessions',
  'program-signup': 'program-signups',
  'room-booking': 'room-bookings',
  'ill-request': 'ill-requests',
  'reference-request': 'reference-requests',
};

const plusMonths = (iso: string, months: number) => DateTime.fromISO(iso, { zone: 'utc' }).plus({ months }).toJSDate().toISOString();
const plusMs = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe.each(ENGINES)('retention scenarios on %s', (engine) => {
  let database: TestDatabase;
  let w: World;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
  });
  afterAll(() => database.drop());

  /** A fresh library of the profile, with the clock set back to the scenario's start. */
  const libraryOf = async (profileId: string, at: string = START) => {
    w.clock.set(at);
    return (await buildLibrary(w, { profileId })).library.id;
  };
  /** One retention run of one library at `at` (the clock stays there). */
  const retainAt = async (libraryId: string, at: string, options: Omit<RetentionOptions, 'libraryId'> = {}): Promise<LibraryResult> => {
    w.clock.set(at);
    const report = await runRetention(w.runtime, { ...options, libraryId });
    return report.libraries[0] as LibraryResult;
  };
  const category = (result: LibraryResult, name: string) => {
    const found = result.categories.find((c) => c.category === name);
    if (!found) throw new Error(`no ${name} in the report`);
    return found;
  };
  const loanIdsOf = async (patronId: string) => (await database.db.selectFrom('loans').select('id').where('patron_id', '=', patronId).execute()).map((r) => r.id);
  const exportedBarcodes = async (cardNumber: string) => (await w.act(exportPatron, { cardNumber }, { purpose: 'account-service' })).loans.map((l) => l.itemBarcode).sort();
  const patronExists = async (patronId: string) => (await findPatronById(database.db, patronId)) !== undefined;
  const finesOf = (patronId: string) => database.db.selectFrom('fines').selectAll().where('patron_id', '=', patronId).orderBy('id').execute();
  const paymentsOf = (patronId: string) => database.db.selectFrom('payments').selectAll().where('patron_id', '=', patronId).execute();
  const holdsOf = (patronId: string) => database.db.selectFrom('holds').selectAll().where('patron_id', '=', patronId).execute();
  /** A patron with an item out all scenario long: never purged as inactive, so only the rule under test acts. */
  const anchoredPatron = async (libraryId: string) => {
    const patron = await buildPatron(w, { libraryId });
    const anchor = await buildItem(w, { libraryId, title: 'Anchor' });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: anchor.barcode });
    return { patron, anchor };
  };
  /** An OpenID Connect vendor of the library whose contract names the patron's category (registered as the system). */
  const vendorOf = async (libraryId: string, name: string) =>
    (await w.act(createVendor, { libraryId, protocol: 'oidc', name, redirectUris: [`https://${name.toLowerCase().replace(/\W+/g, '-')}.example/callback`], claims: ['category'] }, { actor: SYSTEM })).vendor;
  /**
   * A patron signs in to a vendor, now: the sign-in is recorded (the authorisation, the month's count),
   * they answer the consent page, and the provider keeps a grant for the pair (long-lived, so only
   * retention or a revocation can take it).
   */
  const signIn = async (patronId: string, vendorId: string) => {
    expect(await w.act(recordVendorSignIn, { patronId, vendorId }, { purpose: 'authentication' })).toBe(true);
    await w.act(recordVendorConsent, { patronId, vendorId, claims: ['category'] }, { purpose: 'self-service' });
    await w.act(saveArtefact, { model: 'Grant', id: `grant-${patronId}-${vendorId}`, payload: { accountId: patronId, clientId: vendorId }, expiresIn: 3 * 365 * 86_400 });
  };
  const authorisedVendors = async (patronId: string) =>
    (await database.db.selectFrom('vendor_authorisations').select('vendor_id').where('patron_id', '=', patronId).execute()).map((r) => r.vendor_id).sort();
  const grantsOf = async (patronId: string) =>
    (await database.db.selectFrom('oidc_store').select('id').where('account_id', '=', patronId).where('model', '=', 'Grant').execute()).map((r) => r.id).sort();

  // ── Generated: every rule of every shipped profile, kept just before its period ends, gone at it ──

  describe.each(ALL_PROFILES.map((p) => [p.id, p] as const))('profile %s', (_id, profile) => {
    const r = profile.retention;
    const loanRule = r.loans.afterReturn === 'anonymise' ? 'patron–item link broken on return' : `loan kept ${r.loans.months} months after return`;

    it(`loans: ${loanRule}, never while the item is out (${r.loans.clause})`, async () => {
      // Given a patron (with another item out) who borrows an item
      const libraryId = await libraryOf(profile.id);
      const { patron, anchor } = await anchoredPatron(libraryId);
      const item = await buildItem(w, { libraryId });
      await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
      const returnedAt = plusMs(START, 7 * DAY);
      if (r.loans.afterReturn === 'anonymise') {
        // When a run happens the moment before the return, Then the loan is kept (the item is out)
        const before = await retainAt(libraryId, plusMs(returnedAt, -1));
        expect(category(before, 'circulation').disposed).toBe(0);
        expect(await exportedBarcodes(patron.cardNumber)).toEqual([anchor.barcode, item.barcode].sort());
        w.clock.set(returnedAt);
        await w.act(checkin, { itemBarcode: item.barcode });
        // When a run happens at the return, Then the link is gone and the export shows only what is out
        const after = await retainAt(libraryId, returnedAt);
        expect(category(after, 'circulation')).toMatchObject({ disposed: 1, clause: r.loans.clause });
      } else {
        w.clock.set(returnedAt);
        await w.act(checkin, { itemBarcode: item.barcode });
        // When a run happens a millisecond before the months have passed, Then the history is there
        const periodEnds = plusMonths(returnedAt, r.loans.months);
        const before = await retainAt(libraryId, plusMs(periodEnds, -1));
        expect(category(before, 'circulation').disposed).toBe(0); // not yet a candidate
        expect(await exportedBarcodes(patron.cardNumber)).toEqual([anchor.barcode, item.barcode].sort());
        // When a run happens when they have, Then it is gone
        const after = await retainAt(libraryId, periodEnds);
        expect(category(after, 'circulation')).toMatchObject({ disposed: 1, clause: r.loans.clause });
      }
      expect(await exportedBarcodes(patron.cardNumber)).toEqual([anchor.barcode]);
      expect(await loanIdsOf(patron.id)).toHaveLength(1);
    });

    it(`reading history: ${r.readingHistory.offered ? 'kept for a patron who opts in, deleted at once on opt-out' : 'not offered'} (${r.readingHistory.clause})`, async () => {
      const libraryId = await libraryOf(profile.id);
      const { patron } = await anchoredPatron(libraryId);
      if (!r.readingHistory.offered) {
        // Given a library whose policy keeps no history, When a patron asks to keep theirs, Then it is refused
        expect(await refusalCodes(w.act(setReadingHistory, { cardNumber: patron.cardNumber, keep: true }))).toEqual(['READING_HISTORY_NOT_OFFERED']);
        return;
      }
      // Given a patron who opted in and returned a book
      await w.act(setReadingHistory, { cardNumber: patron.cardNumber, keep: true });
      const item = await buildItem(w, { libraryId });
      await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
      w.clock.advanceDays(7);
      await w.act(checkin, { itemBarcode: item.barcode });
      // When runs happen past the loan rule's period, Then the history stays
      const later = r.loans.afterReturn === 'anonymise' ? plusMs(w.clock.now().toISOString(), DAY) : plusMonths(w.clock.now().toISOString(), r.loans.months + 1);
      const result = await retainAt(libraryId, later);
      expect(category(result, 'circulation')).toMatchObject({ disposed: 0, kept: 1 });
      expect(await loanIdsOf(patron.id)).toHaveLength(2);
      // When the patron opts out, Then the history goes in that same call
      const out = await w.act(setReadingHistory, { cardNumber: patron.cardNumber, keep: false });
      expect(out).toMatchObject({ readingHistory: false, loansDeleted: 1 });
      expect(await loanIdsOf(patron.id)).toHaveLength(1);
    });

    it(`fines, fees and payments: kept while owed, then ${r.fines.days} days after settlement (${r.fines.clause})`, async () => {
      // Given a patron with two overdue fines: one paid, one waived
      const libraryId = await libraryOf(profile.id);
      const { patron } = await anchoredPatron(libraryId);
      const [a, b] = [await buildItem(w, { libraryId }), await buildItem(w, { libraryId })];
      for (const item of [a, b]) await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
      w.clock.advanceDays(30);
      const fineA = (await w.act(checkin, { itemBarcode: a.barcode })).fine;
      const fineB = (await w.act(checkin, { itemBarcode: b.barcode })).fine;
      expect(fineA && fineB).toBeTruthy();
      // When a run happens long after, while they are owed, Then they stay
      const owed = await retainAt(libraryId, plusMs(w.clock.now().toISOString(), (r.fines.days + 10) * DAY));
      expect(category(owed, 'fines').disposed).toBe(0);
      expect(await finesOf(patron.id)).toHaveLength(2);
      // When one is paid and the other waived
      await w.act(pay, { cardNumber: patron.cardNumber, amountCents: fineA?.amountCents ?? 0 });
      const stillOpen = (await finesOf(patron.id)).find((f) => f.status === 'open');
      await w.act(waiveFine, { fineId: stillOpen?.id ?? '', reason: 'First offence' });
      const settledAt = w.clock.now().toISOString();
      expect(await paymentsOf(patron.id)).toHaveLength(1);
      if (r.fines.days > 0) {
        // Then a run a millisecond before the period ends keeps them
        const before = await retainAt(libraryId, plusMs(settledAt, r.fines.days * DAY - 1));
        expect(category(before, 'fines').disposed).toBe(0);
        expect(await finesOf(patron.id)).toHaveLength(2);
      }
      // And a run when it ends deletes both, with the payment
      const after = await retainAt(libraryId, plusMs(settledAt, r.fines.days * DAY));
      expect(category(after, 'fines')).toMatchObject({ disposed: 2, clause: r.fines.clause });
      expect(await finesOf(patron.id)).toEqual([]);
      expect(await paymentsOf(patron.id)).toEqual([]);
      expect(await database.db.selectFrom('payment_allocations').selectAll().where('fine_id', 'in', [fineA?.id ?? '', fineB?.id ?? '']).execute()).toEqual([]);
    });

    it(`holds: ended holds go ${r.holds.days} days after they end, waiting holds stay (${r.holds.clause})`, async () => {
      // Given a patron with a hold waiting in the queue, and three holds that end: cancelled, fulfilled, expired
      const libraryId = await libraryOf(profile.id);
      const patron = await buildPatron(w, { libraryId });
      const other = await buildPatron(w, { libraryId });
      const [queued, cancelled, fulfilled, expired] = [await buildItem(w, { libraryId }), await buildItem(w, { libraryId }), await buildItem(w, { libraryId }), await buildItem(w, { libraryId })];
      await w.act(checkout, { cardNumber: other.cardNumber, itemBarcode: queued.barcode });
      await w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: queued.barcode });
      const toCancel = await w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: cancelled.barcode });
      await w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: fulfilled.barcode });
      await w.act(placeHold, { cardNumber: patron.cardNumber, itemBarcode: expired.barcode });
      // When a run happens while all four are open, Then all stay
      const open = await retainAt(libraryId, plusMs(START, HOUR));
      expect(category(open, 'holds').disposed).toBe(0);
      expect(await holdsOf(patron.id)).toHaveLength(4);
      await w.act(cancelHold, { holdId: toCancel.id });
      await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: fulfilled.barcode });
      w.clock.advanceDays(10); // past the 7-day pick-up deadline
      expect((await w.act(expireHolds, { libraryId })).expired).toBe(1);
      const lastEnd = w.clock.now().toISOString();
      if (r.holds.days > 0) {
        const before = await retainAt(libraryId, plusMs(lastEnd, r.holds.days * DAY - 1));
        expect((await holdsOf(patron.id)).length).toBeGreaterThan(1);
        expect(category(before, 'holds').clause).toBe(r.holds.clause);
      }
      // When a run happens the period after the last one ended, Then only the waiting hold is left
      const after = await retainAt(libraryId, plusMs(lastEnd, r.holds.days * DAY));
      expect(category(after, 'holds')).toMatchObject({ clause: r.holds.clause });
      expect((await holdsOf(patron.id)).map((h) => [h.item_id, h.status])).toEqual([[queued.id, 'pending']]);
    });

    it(`patrons: inactive ${r.inactivePatrons.months} months purged ${r.inactivePatrons.sweep} (${r.inactivePatrons.clause}), deceased purged ${r.deceasedPatrons.sweep} (${r.deceasedPatrons.clause}); never with items out or money owed`, async () => {
      // Given patrons registered at one instant: idle; idle with an item out; idle owing a fine; deceased; deceased with an item out
      const libraryId = await libraryOf(profile.id);
      const idle = await buildPatron(w, { libraryId });
      const withItem = await buildPatron(w, { libraryId });
      const owing = await buildPatron(w, { libraryId });
      const deceased = await buildPatron(w, { libraryId });
      const deceasedWithItem = await buildPatron(w, { libraryId });
      for (const p of [withItem, owing, deceasedWithItem]) await w.act(checkout, { cardNumber: p.cardNumber, itemBarcode: (await buildItem(w, { libraryId, barcode: `K-${p.id.slice(0, 8)}` })).barcode });
      w.clock.advanceDays(30);
      await w.act(checkin, { itemBarcode: `K-${owing.id.slice(0, 8)}` });
      for (const p of [deceased, deceasedWithItem]) await w.act(setPatronStatus, { patronId: p.id, status: 'deceased' });
      // When a dry run looks a millisecond before the inactivity period ends, Then nobody inactive would go
      const periodEnds = plusMonths(START, r.inactivePatrons.months);
      const before = await retainAt(libraryId, plusMs(periodEnds, -1), { dryRun: true });
      expect(category(before, 'inactive-patrons').disposed).toBe(0);
      expect(category(before, 'deceased-patrons').disposed).toBe(1);
      // When a run happens when it ends
      const after = await retainAt(libraryId, periodEnds);
      // Then the idle and the deceased patron are purged, their data keys shredded; the others stay
      expect(category(after, 'inactive-patrons')).toMatchObject({ disposed: 1, kept: 2, clause: r.inactivePatrons.clause });
      expect(category(after, 'deceased-patrons')).toMatchObject({ disposed: 1, kept: 1, clause: r.deceasedPatrons.clause });
      for (const gone of [idle, deceased]) {
        expect(await patronExists(gone.id)).toBe(false);
        expect(await w.runtime.vault.hasKey(gone.id)).toBe(false);
        expect(await refusalCodes(w.act(exportPatron, { cardNumber: gone.cardNumber }, { purpose: 'account-service' }))).toEqual(['PATRON_NOT_FOUND']);
      }
      for (const kept of [withItem, owing, deceasedWithItem]) {
        expect(await patronExists(kept.id)).toBe(true);
        expect(await w.runtime.vault.hasKey(kept.id)).toBe(true);
      }
      // And an annual sweep is not repeated a month later
      const next = await retainAt(libraryId, plusMonths(periodEnds, 1));
      if (r.inactivePatrons.sweep === 'annually') expect(category(next, 'inactive-patrons').skipped?.reason).toBe('sweep-not-due');
      else expect(category(next, 'inactive-patrons').skipped).toBeUndefined();
      if (r.deceasedPatrons.sweep === 'annually') expect(category(next, 'deceased-patrons').skipped?.reason).toBe('sweep-not-due');
      else expect(category(next, 'deceased-patrons').skipped).toBeUndefined();
    });

    const vendorRule = vendorAuthorisationRule(profile);
    it(`vendors: a patron's authorisation of a vendor is forgotten ${vendorRule.months} months after its last sign-in, with the consent and the grant (${vendorRule.clause})`, async () => {
      // Given a patron (with an item out, so never inactive) who signs in to one vendor, a month later to
      // another, and to that one again five months on
      const libraryId = await libraryOf(profile.id);
      const { patron } = await anchoredPatron(libraryId);
      const [first, second] = [await vendorOf(libraryId, 'First Ebooks'), await vendorOf(libraryId, 'Second Films')];
      await signIn(patron.id, first.id);
      w.clock.set(plusMonths(START, 1));
      await signIn(patron.id, second.id);
      w.clock.set(plusMonths(START, 6));
      await signIn(patron.id, second.id);
      const periodEnds = plusMonths(START, vendorRule.months);
      // When a run happens a millisecond before the first one's months have passed, Then both are remembered
      const before = await retainAt(libraryId, plusMs(periodEnds, -1));
      expect(category(before, 'vendor-authorisations')).toMatchObject({ disposed: 0, clause: vendorRule.clause });
      expect(await authorisedVendors(patron.id)).toEqual([first.id, second.id].sort());
      // When a run happens when they have, Then the first is forgotten with its consent and its grant; the second stays
      const after = await retainAt(libraryId, periodEnds);
      expect(category(after, 'vendor-authorisations')).toMatchObject({ disposed: 1, kept: 0, held: 0, clause: vendorRule.clause, rule: expect.stringContaining(`${vendorRule.months} months`) });
      expect(await authorisedVendors(patron.id)).toEqual([second.id]);
      expect(await grantsOf(patron.id)).toEqual([`grant-${patron.id}-${second.id}`]);
      // And a sign-in moves the last use on: the second, used again, outlives the months after its first sign-in
      const later = await retainAt(libraryId, plusMonths(START, vendorRule.months + 2));
      expect(category(later, 'vendor-authorisations').disposed).toBe(0);
      expect(await authorisedVendors(patron.id)).toEqual([second.id]);
      const gone = await retainAt(libraryId, plusMonths(START, 6 + vendorRule.months));
      expect(category(gone, 'vendor-authorisations').disposed).toBe(1);
      expect([await authorisedVendors(patron.id), await grantsOf(patron.id)]).toEqual([[], []]);
      // The monthly counts stay: they hold no patron (CB-D)
      const counts = await database.db.selectFrom('vendor_sign_in_counts').selectAll().where('library_id', '=', libraryId).execute();
      expect(counts.map((c) => Number(c.count))).toEqual([1, 1, 1]);
      expect(JSON.stringify(counts)).not.toContain(patron.id);
      expect(await patronExists(patron.id)).toBe(true);
    });

    const serviceClauses = SERVICE_KINDS.map((kind) => `${kind} ${serviceRule(kind, profile).days}d ${serviceRule(kind, profile).clause}`).join(', ');
    it(`service records: each kind goes its days after it ends (${serviceClauses})`, async () => {
      // Given one record of each kind, all ending at the same instant
      const libraryId = await libraryOf(profile.id);
      const patron = await buildPatron(w, { libraryId });
      const endsAt = plusMs(START, 2 * HOUR);
      const session = await w.act(startComputerSession, { cardNumber: patron.cardNumber, branch: 'main', station: 'PC-01' });
      const signup = await w.act(signUpForProgram, { cardNumber: patron.cardNumber, branch: 'main', program: 'storytime', startsAt: plusMs(START, HOUR), endsAt });
      const booking = await w.act(bookRoom, { cardNumber: patron.cardNumber, branch: 'main', room: 'room-a', startsAt: plusMs(START, HOUR), endsAt });
      const ill = await w.act(requestInterlibraryLoan, { cardNumber: patron.cardNumber, title: 'A Rare Book' });
      const reference = await w.act(recordReferenceRequest, { cardNumber: patron.cardNumber, question: 'Where is the local history room?' });
      w.clock.set(endsAt);
      await w.act(endComputerSession, { sessionId: session.id });
      await w.act(closeInterlibraryLoan, { requestId: ill.id, outcome: 'fulfilled' });
      await w.act(closeReferenceRequest, { requestId: reference.id, outcome: 'answered' });
      const records: Record<ServiceKindId, string> = {
        'computer-session': session.id,
        'program-signup': signup.id,
        'room-booking': booking.id,
        'ill-request': ill.id,
        'reference-request': reference.id,
      };
      // When runs happen a millisecond before, and at, the end of each kind's period
      const periods = [...new Set(SERVICE_KINDS.map((kind) => serviceRule(kind, profile).days))].sort((x, y) => x - y);
      for (const days of periods) {
        for (const at of [plusMs(endsAt, days * DAY - 1), plusMs(endsAt, days * DAY)]) {
          const result = await retainAt(libraryId, at);
          // Then a record is there exactly while its kind's period has not ended
          for (const kind of SERVICE_KINDS) {
            const rule = serviceRule(kind, profile);
            const due = Date.parse(at) >= Date.parse(endsAt) + rule.days * DAY;
            expect(await findServiceRecord(database.db, records[kind]), `${kind} at ${at}`).toEqual(due ? undefined : expect.objectContaining({ id: records[kind] }));
            expect(category(result, CATEGORY_OF[kind]).clause).toBe(rule.clause);
          }
        }
      }
    });
  });

  // ── Hand-written: the examples ────────────────────────────────────────────────────────────

  it('jackson-county-or: a computer session nobody logged off from ends a day after it began, then goes after thirty days (JC-IIId)', async () => {
    // Given a patron who logged on to a public computer and walked away
    const libraryId = await libraryOf('jackson-county-or');
    const patron = await buildPatron(w, { libraryId });
    const session = await w.act(startComputerSession, { cardNumber: patron.cardNumber, branch: 'main', station: 'PC-09' });
    // When a run happens 23 hours later: the session is still open and kept
    expect((await retainAt(libraryId, plusMs(START, 23 * HOUR))).sessionsEnded).toBe(0);
    expect(await findServiceRecord(database.db, session.id)).toEqual(expect.objectContaining({ endsAt: null }));
    // When a run happens 25 hours later: it is ended at a day after it began
    expect((await retainAt(libraryId, plusMs(START, 25 * HOUR))).sessionsEnded).toBe(1);
    expect(await findServiceRecord(database.db, session.id)).toEqual(expect.objectContaining({ status: 'ended', endsAt: plusMs(START, 24 * HOUR) }));
    // Then it goes thirty days after that end, as an ended session does
    await retainAt(libraryId, plusMs(START, 24 * HOUR + 30 * DAY - 1));
    expect(await findServiceRecord(database.db, session.id)).toBeDefined();
    await retainAt(libraryId, plusMs(START, 24 * HOUR + 30 * DAY));
    expect(await findServiceRecord(database.db, session.id)).toBeUndefined();
  });


  it('imagineif-mt: after check-in the export shows no loan; a loan with an unpaid fine or a lost item stays linked until paid (IF-3)', async () => {
    // Given a patron who returns one book on time, one late (a fine), and loses a third
    const libraryId = await libraryOf('imagineif-mt');
    const patron = await buildPatron(w, { libraryId });
    const [onTime, late, lost] = [await buildItem(w, { libraryId }), await buildItem(w, { libraryId }), await buildItem(w, { libraryId, replacementCostCents: 2000 })];
    for (const item of [onTime, late, lost]) await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    w.clock.advanceDays(7);
    await w.act(checkin, { itemBarcode: onTime.barcode });
    w.clock.advanceDays(23);
    const fine = (await w.act(checkin, { itemBarcode: late.barcode })).fine;
    await w.act(declareLost, { itemBarcode: lost.barcode });
    // When retention runs
    const first = await retainAt(libraryId, plusMs(w.clock.now().toISOString(), HOUR));
    // Then the returned book is no longer linked; the fined and the lost one are (fines owed, materials being recovered)
    expect(category(first, 'circulation')).toMatchObject({ disposed: 1, kept: 2, clause: 'IF-3' });
    expect(await exportedBarcodes(patron.cardNumber)).toEqual([late.barcode, lost.barcode].sort());
    // When everything is paid and the next run comes
    await w.act(pay, { cardNumber: patron.cardNumber, amountCents: (fine?.amountCents ?? 0) + 2000 });
    const second = await retainAt(libraryId, plusMs(w.clock.now().toISOString(), HOUR));
    // Then no loan is linked any more, and the (paid, still kept) fines no longer name the item or the loan
    expect(category(second, 'circulation').disposed).toBe(2);
    expect(await exportedBarcodes(patron.cardNumber)).toEqual([]);
    const fines = await finesOf(patron.id);
    expect(fines.map((f) => [f.status, f.loan_id, f.item_id])).toEqual([
      ['paid', null, null],
      ['paid', null, null],
    ]);
  });

  it('carlsbad-nm: checkout history is there at 11 months, gone at 13; an unreturned item keeps its loan (CB-F3)', async () => {
    // Given a patron who returned a book, and has another out (unreturned)
    const libraryId = await libraryOf('carlsbad-nm');
    const patron = await buildPatron(w, { libraryId });
    const [returned, unreturned] = [await buildItem(w, { libraryId }), await buildItem(w, { libraryId })];
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: returned.barcode });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: unreturned.barcode });
    w.clock.advanceDays(14);
    await w.act(checkin, { itemBarcode: returned.barcode });
    const returnedAt = w.clock.now().toISOString();
    // When retention runs 11 months after the return, Then the history is there
    await retainAt(libraryId, plusMonths(returnedAt, 11));
    expect(await exportedBarcodes(patron.cardNumber)).toEqual([returned.barcode, unreturned.barcode].sort());
    // When it runs 13 months after, Then the returned loan is gone and the unreturned one stays
    const later = await retainAt(libraryId, plusMonths(returnedAt, 13));
    expect(category(later, 'circulation')).toMatchObject({ disposed: 1, clause: 'CB-F3' });
    expect(await exportedBarcodes(patron.cardNumber)).toEqual([unreturned.barcode]);
    expect((await w.act(exportPatron, { cardNumber: patron.cardNumber }, { purpose: 'account-service' })).loans[0]?.status).toBe('active');
  });

  it('carlsbad-nm: inactive patrons are purged only at the annual sweep (CB-F3)', async () => {
    // Given a patron idle since registration
    const libraryId = await libraryOf('carlsbad-nm');
    const early = await buildPatron(w, { libraryId });
    // When the first run comes 12 months later, Then it sweeps and purges them
    const sweepAt = plusMonths(START, 12);
    const sweep = await retainAt(libraryId, sweepAt);
    expect(category(sweep, 'inactive-patrons')).toMatchObject({ disposed: 1, clause: 'CB-F3' });
    expect(category(sweep, 'inactive-patrons').skipped).toBeUndefined();
    expect(await patronExists(early.id)).toBe(false);
    // Given a patron registered a month after the start, inactive 12 months by the next run
    w.clock.set(plusMonths(START, 1));
    const late = await buildPatron(w, { libraryId });
    // When a run comes a month after the sweep, Then the sweep is skipped and the patron stays
    const monthLater = await retainAt(libraryId, plusMonths(sweepAt, 1));
    expect(category(monthLater, 'inactive-patrons')).toMatchObject({ disposed: 0, skipped: { reason: 'sweep-not-due', nextSweepAfter: plusMonths(sweepAt, 12) } });
    expect(category(monthLater, 'deceased-patrons').skipped?.reason).toBe('sweep-not-due');
    expect(await patronExists(late.id)).toBe(true);
    // When the next annual sweep comes, Then they go
    const nextSweep = await retainAt(libraryId, plusMonths(sweepAt, 12));
    expect(category(nextSweep, 'inactive-patrons').disposed).toBe(1);
    expect(await patronExists(late.id)).toBe(false);
  });

  it('jackson-county-or: history only after opt-in; kept through runs; opt-out deletes it in the same call (JC-IIIc)', async () => {
    const libraryId = await libraryOf('jackson-county-or');
    const [plain, keeper] = [await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId })];
    // Given one patron who opted in and one who did not, each returning a book
    await w.act(setReadingHistory, { cardNumber: keeper.cardNumber, keep: true });
    const [a, b] = [await buildItem(w, { libraryId }), await buildItem(w, { libraryId })];
    await w.act(checkout, { cardNumber: plain.cardNumber, itemBarcode: a.barcode });
    await w.act(checkout, { cardNumber: keeper.cardNumber, itemBarcode: b.barcode });
    w.clock.advanceDays(7);
    await w.act(checkin, { itemBarcode: a.barcode });
    await w.act(checkin, { itemBarcode: b.barcode });
    // When runs happen the next day and a year later
    const first = await retainAt(libraryId, plusMs(w.clock.now().toISOString(), DAY));
    expect(category(first, 'circulation')).toMatchObject({ disposed: 1, kept: 1, clause: 'JC-IIIc' });
    await retainAt(libraryId, plusMonths(w.clock.now().toISOString(), 12));
    // Then only the patron who opted in has a history
    expect(await exportedBarcodes(plain.cardNumber)).toEqual([]);
    expect(await exportedBarcodes(keeper.cardNumber)).toEqual([b.barcode]);
    // When they opt out, Then it is gone in that call, before any run; the statistics counted it when it
    // was lent and do not change now (a published month never does: statistics.usecases.ts)
    const statsBefore = await database.db.selectFrom('circulation_stats').select('loans').where('library_id', '=', libraryId).execute();
    expect(statsBefore.reduce((s, r) => s + Number(r.loans), 0)).toBeGreaterThanOrEqual(2);
    expect(await w.act(setReadingHistory, { cardNumber: keeper.cardNumber, keep: false })).toMatchObject({ loansDeleted: 1, since: null });
    expect(await exportedBarcodes(keeper.cardNumber)).toEqual([]);
    const statsAfter = await database.db.selectFrom('circulation_stats').select('loans').where('library_id', '=', libraryId).execute();
    expect(statsAfter).toEqual(statsBefore);
  });

  it('refuses reading history where the policy does not offer it (CB-F3, IF-3)', async () => {
    for (const profileId of ['carlsbad-nm', 'imagineif-mt']) {
      const libraryId = await libraryOf(profileId);
      const patron = await buildPatron(w, { libraryId });
      expect(await refusalCodes(w.act(setReadingHistory, { patronId: patron.id, keep: true }))).toEqual(['READING_HISTORY_NOT_OFFERED']);
      expect((await findPatronById(database.db, patron.id))?.readingHistorySince).toBeNull();
    }
  });

  // ── Runs: receipts, dry runs, killed runs, concurrent runs ───────────────────────────────────────

  /** A library with `n` loans returned a week ago, anonymised at the next run (JC-IIIc). */
  const libraryWithReturnedLoans = async (n: number, profileId = 'jackson-county-or') => {
    const libraryId = await libraryOf(profileId);
    const patron = await buildPatron(w, { libraryId, name: 'Receipt Marker Person' });
    const items = [];
    for (let i = 0; i < n; i++) {
      const item = await buildItem(w, { libraryId, title: `Receipt Marker Title ${i}` });
      await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
      items.push(item);
    }
    w.clock.advanceDays(7);
    for (const item of items) await w.act(checkin, { itemBarcode: item.barcode });
    return { libraryId, patron, items };
  };
  const runsOf = (libraryId: string) => database.db.selectFrom('retention_runs').selectAll().where('library_id', '=', libraryId).orderBy('started_at').execute();

  it('leaves one receipt per run and category: rule, clause, counts, no personal data (JC-IIIc, CB-I)', async () => {
    const { libraryId, patron, items } = await libraryWithReturnedLoans(2);
    const result = await retainAt(libraryId, plusMs(w.clock.now().toISOString(), HOUR));
    const receipts = await retention.receiptsOfRun(database.db, result.runId ?? '');
    const profile = profiles().get('jackson-county-or');
    expect(receipts.map((line) => line.category).sort()).toEqual(
      ['access-log', 'circulation', 'computer-sessions', 'deceased-patrons', 'fines', 'holds', 'ill-requests', 'inactive-patrons', 'notices', 'program-signups', 'reference-requests', 'room-bookings', 'vendor-authorisations'],
    );
    expect(receipts.find((line) => line.category === 'circulation')).toMatchObject({ clause: profile.retention.loans.clause, disposed: 2, kept: 0 });
    expect(receipts.find((line) => line.category === 'computer-sessions')).toMatchObject({ clause: 'JC-IIId', rule: expect.stringContaining('30 days') });
    for (const line of receipts) expect(line.clause).toMatch(/^JC-/);
    const text = JSON.stringify(await database.db.selectFrom('retention_receipts').selectAll().where('run_id', '=', result.runId ?? '').execute());
    for (const secret of [patron.id, patron.cardNumber, 'Marker', ...items.flatMap((i) => [i.id, i.barcode])]) expect(text).not.toContain(secret);
    expect((await runsOf(libraryId)).map((r) => r.status)).toEqual(['finished']);
  });

  it('a dry run decides and counts but changes nothing and leaves no receipt', async () => {
    const { libraryId, patron } = await libraryWithReturnedLoans(2);
    await w.act(setPatronStatus, { patronId: patron.id, status: 'deceased' });
    const tables = ['loans', 'fines', 'holds', 'payments', 'patrons', 'service_records', 'circulation_stats', 'retention_runs', 'retention_receipts', 'access_log', 'patron_search'] as const;
    const snapshot = async () => Promise.all(tables.map(async (t) => JSON.stringify(await database.db.selectFrom(t).selectAll().execute())));
    const before = await snapshot();
    const report = await runRetention(w.runtime, { libraryId, dryRun: true });
    expect(report.dryRun).toBe(true);
    const result = report.libraries[0] as LibraryResult;
    expect(result.runId).toBeNull();
    expect(category(result, 'circulation').disposed).toBe(2);
    expect(category(result, 'deceased-patrons').disposed).toBe(1);
    expect(await snapshot()).toEqual(before);
    expect(await w.runtime.vault.hasKey(patron.id)).toBe(true);
  });

  it('vendors: a dry run counts an authorisation due to be forgotten and changes nothing; a legal hold on it keeps it until released (RF-6)', async () => {
    // Given an ImagineIF patron who signed in to a vendor, under a legal hold on their vendor authorisations
    const libraryId = await libraryOf('imagineif-mt');
    const { patron } = await anchoredPatron(libraryId);
    const vendor = await vendorOf(libraryId, 'Held Databases');
    await signIn(patron.id, vendor.id);
    const hold = await w.act(
      placeLegalHold,
      { libraryId, patrons: [{ patronId: patron.id }], categories: ['vendor-authorisations'], from: null, to: null, reason: 'Preservation letter, case 27-004' },
      { actor: SYSTEM, purpose: 'legal-disclosure' },
    );
    const due = plusMonths(START, vendorAuthorisationRule(profiles().get('imagineif-mt')).months);
    const tables = ['vendor_authorisations', 'oidc_store', 'vendor_sign_in_counts', 'retention_runs', 'retention_receipts', 'access_log'] as const;
    const snapshot = async () => Promise.all(tables.map(async (t) => JSON.stringify(await database.db.selectFrom(t).selectAll().execute())));
    // When a run happens past its months, Then the hold keeps it, and the receipt says so
    expect(category(await retainAt(libraryId, due), 'vendor-authorisations')).toMatchObject({ disposed: 0, kept: 1, held: 1 });
    expect(await authorisedVendors(patron.id)).toEqual([vendor.id]);
    // When the hold is released and a dry run looks, Then it would go, and nothing changed
    await w.act(releaseLegalHold, { holdId: hold.id }, { actor: SYSTEM, purpose: 'legal-disclosure' });
    const before = await snapshot();
    const dry = await runRetention(w.runtime, { libraryId, dryRun: true });
    expect(category(dry.libraries[0] as LibraryResult, 'vendor-authorisations')).toMatchObject({ disposed: 1, kept: 0, held: 0 });
    expect(await snapshot()).toEqual(before);
    // When the next run happens, Then it is forgotten, with the grant
    expect(category(await retainAt(libraryId, plusMs(due, HOUR)), 'vendor-authorisations')).toMatchObject({ disposed: 1 });
    expect(await authorisedVendors(patron.id)).toEqual([]);
    expect(await grantsOf(patron.id)).toEqual([]);
  });

  it('a killed run is marked interrupted by the next, which finishes the job; nothing is counted twice', async () => {
    // Given three disposable loans, and a run killed after its first page of two
    const { libraryId } = await libraryWithReturnedLoans(3);
    const killedAt = w.clock.now().toISOString();
    const killedId = 'killed-run-0001';
    await retention.insertRun(database.db, { id: killedId, libraryId, profileId: 'jackson-county-or', profileVersion: 1, asOf: killedAt, startedAt: killedAt, heartbeatAt: killedAt, finishedAt: null, status: 'running' });
    const page = await run(w.runtime, { actor: SYSTEM, purpose: 'retention', channel: 'job' }, retainLoanPage, { runId: killedId, libraryId, asOf: killedAt, cursor: null, limit: 2, status: 'returned' });
    expect(page).toMatchObject({ disposed: 2 });
    // When the next run comes while the killed one's heartbeat is fresh, Then it is refused
    expect(await refusalCodes(runRetention(w.runtime, { libraryId }))).toEqual(['RETENTION_RUN_IN_PROGRESS']);
    // When it comes after the heartbeat went stale
    const next = await retainAt(libraryId, plusMs(killedAt, 11 * 60_000));
    // Then it takes over, marks the killed run interrupted, and the two receipts add up to what went
    expect(next.resumedFrom).toBe(killedId);
    const runs = await runsOf(libraryId);
    expect(Object.fromEntries(runs.map((r) => [r.id, r.status]))).toEqual({ [killedId]: 'interrupted', [next.runId ?? '']: 'finished' });
    const disposed = async (runId: string) => (await retention.receiptsOfRun(database.db, runId)).find((l) => l.category === 'circulation')?.disposed;
    expect([await disposed(killedId), await disposed(next.runId ?? '')]).toEqual([2, 1]);
    expect(await database.db.selectFrom('loans').select('id').where('library_id', '=', libraryId).execute()).toEqual([]);
    const stats = await database.db.selectFrom('circulation_stats').select('loans').where('library_id', '=', libraryId).execute();
    expect(stats.reduce((s, r) => s + Number(r.loans), 0)).toBe(3);
  });

  it('carlsbad-nm: an annual sweep killed part-way is finished by the next run, not put off a year (CB-F3)', async () => {
    // Given three patrons idle for a year, and a sweep killed after purging the first of them
    const libraryId = await libraryOf('carlsbad-nm');
    const idle = [await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId })];
    const sweepAt = plusMonths(START, 13);
    w.clock.set(sweepAt);
    const killedId = 'killed-sweep-0001';
    await retention.insertRun(database.db, { id: killedId, libraryId, profileId: 'carlsbad-nm', profileVersion: 1, asOf: sweepAt, startedAt: sweepAt, heartbeatAt: sweepAt, finishedAt: null, status: 'running' });
    const page = await run(w.runtime, { actor: SYSTEM, purpose: 'retention', channel: 'job' }, retainPatronPage, { runId: killedId, libraryId, asOf: sweepAt, cursor: null, limit: 1, deceased: false });
    expect(page.disposed).toBe(1);
    // When the next run comes once the killed one is stale
    const next = await retainAt(libraryId, plusMs(sweepAt, 11 * 60_000));
    // Then it sweeps again and purges the other two, rather than waiting a year after the unfinished sweep
    expect(next.resumedFrom).toBe(killedId);
    expect(category(next, 'inactive-patrons').skipped).toBeUndefined();
    expect(category(next, 'inactive-patrons').disposed).toBe(2);
    for (const p of idle) expect(await patronExists(p.id)).toBe(false);
  });

  it('an aborted run stops between pages and is finished by the next run once stale', async () => {
    const { libraryId } = await libraryWithReturnedLoans(3);
    const controller = new AbortController();
    w.clock.set(plusMs(w.clock.now().toISOString(), HOUR));
    const aborted = await runRetention(w.runtime, { libraryId, pageSize: 1, signal: controller.signal, onProgress: () => controller.abort() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((aborted as DomainError).code).toBe('RETENTION_RUN_IN_PROGRESS');
    const [stopped] = await runsOf(libraryId);
    expect(stopped?.status).toBe('running');
    const next = await retainAt(libraryId, plusMs(w.clock.now().toISOString(), 11 * 60_000));
    expect(next.resumedFrom).toBe(stopped?.id);
    const first = (await retention.receiptsOfRun(database.db, stopped?.id ?? '')).find((l) => l.category === 'circulation')?.disposed ?? 0;
    expect(first + category(next, 'circulation').disposed).toBe(3);
    expect(await database.db.selectFrom('loans').select('id').where('library_id', '=', libraryId).execute()).toEqual([]);
  });

  it('refuses a second run of one library while the first is in progress', async () => {
    const { libraryId } = await libraryWithReturnedLoans(3);
    w.clock.set(plusMs(w.clock.now().toISOString(), HOUR));
    let second: Promise<unknown> | undefined;
    // The second run starts while the first is between pages (pages of one record each).
    const first = await runRetention(w.runtime, {
      libraryId,
      pageSize: 1,
      onProgress: () => {
        second ??= runRetention(w.runtime, { libraryId }).then(
          () => 'finished',
          (e: unknown) => (e instanceof DomainError ? e.code : e),
        );
      },
    });
    expect(await second).toBe('RETENTION_RUN_IN_PROGRESS');
    expect(category(first.libraries[0] as LibraryResult, 'circulation').disposed).toBe(3);
    expect((await runsOf(libraryId)).map((r) => r.status)).toEqual(['finished']);
  });
});
