import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, refusalCodes, START, world, type World } from '../../test/factories.js';
import { runRetention, type LibraryResult } from '../jobs/retention.job.js';
import type { Actor } from '../policy/actors.js';
import { findPatronById } from '../storage/patron.repository.js';
import { checkin, checkout } from './circulation.usecases.js';
import { pay } from './fine.usecases.js';
import { listLegalHolds, placeLegalHold, releaseLegalHold } from './legal-hold.usecases.js';
import { deletePatron } from './patron-deletion.usecases.js';
import { retentionHistory, setReadingHistory } from './retention.usecases.js';
import { deleteMyRecord } from './self-service.usecases.js';

const DAY = 86_400_000;
const at = (days: number) => new Date(Date.parse(START) + days * DAY).toISOString();

/**
 * Legal holds suspend retention for exactly the records in their scope, until released; retention
 * says so on its receipt; placing and releasing are logged per patron.
 */
describe.each(ENGINES)('legal holds on %s', (engine) => {
  let database: TestDatabase;
  let w: World;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
  });
  afterAll(() => database.drop());

  const director = (libraryId: string): Actor => ({ kind: 'staff', id: `director-of-${libraryId}`, libraryId, roles: ['director'] });
  const clerk = (libraryId: string): Actor => ({ kind: 'staff', id: `clerk-of-${libraryId}`, libraryId, roles: ['circulation'] });
  const loansOf = async (patronId: string) => (await database.db.selectFrom('loans').select('id').where('patron_id', '=', patronId).execute()).length;
  const finesOf = async (patronId: string) => (await database.db.selectFrom('fines').select('id').where('patron_id', '=', patronId).execute()).length;
  const retainAt = async (libraryId: string, when: string): Promise<LibraryResult> => {
    w.clock.set(when);
    return (await runRetention(w.runtime, { libraryId })).libraries[0] as LibraryResult;
  };
  const circulation = (result: LibraryResult) => result.categories.find((c) => c.category === 'circulation');
  /** A patron who borrowed a book at START and returned it `returnDay` days later. */
  const borrower = async (libraryId: string, returnDay = 7) => {
    w.clock.set(START);
    const patron = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    w.clock.set(at(returnDay));
    await w.act(checkin, { itemBarcode: item.barcode });
    return patron;
  };

  for (const profileId of ['jackson-county-or', 'imagineif-mt']) {
    it(`${profileId}: a hold keeps a loan retention would anonymise, the receipt says so, and its release lets the next run dispose of it`, async () => {
      // Given a library whose profile breaks the patron–item link on return, and two patrons who each
      // borrowed and returned a book; the held patron also paid a fine on a second, late loan
      w.clock.set(START);
      const libraryId = (await buildLibrary(w, { profileId })).library.id;
      const held = await borrower(libraryId);
      const other = await borrower(libraryId);
      w.clock.set(START);
      const late = await buildItem(w, { libraryId });
      await w.act(checkout, { cardNumber: held.cardNumber, itemBarcode: late.barcode });
      w.clock.set(at(30));
      await w.act(checkin, { itemBarcode: late.barcode });
      const owed = await database.db.selectFrom('fines').select('balance_cents').where('patron_id', '=', held.id).executeTakeFirstOrThrow();
      await w.act(pay, { cardNumber: held.cardNumber, amountCents: Number(owed.balance_cents) });
      expect(await finesOf(held.id)).toBe(1);

      // When the director places a hold on the first patron's circulation records of the period
      w.clock.set(at(31));
      const hold = await w.act(
        placeLegalHold,
        { patrons: [{ cardNumber: held.cardNumber }], categories: ['circulation'], from: at(-10), to: null, reason: 'Preservation letter, case 26-001' },
        { actor: director(libraryId), purpose: 'legal-disclosure' },
      );
      expect(hold).toMatchObject({ libraryId, categories: ['circulation'], releasedAt: null, patronIds: [held.id] });

      // Then retention keeps that patron's loans and says a hold kept them; the other patron's loan goes;
      // the hold on circulation does not keep the held patron's settled fine (another category)
      const first = await retainAt(libraryId, at(200));
      expect(circulation(first)).toMatchObject({ disposed: 1, kept: 2, held: 2 });
      expect(await loansOf(held.id)).toBe(2);
      expect(await loansOf(other.id)).toBe(0);
      expect(await finesOf(held.id)).toBe(0);
      const history = await w.act(retentionHistory, { libraryId }, { purpose: 'retention' });
      expect(history.runs[0]?.receipts.find((r) => r.category === 'circulation')).toMatchObject({ disposed: 1, kept: 2, held: 2 });

      // And the patron cannot be deleted on request while the hold lasts
      expect(await refusalCodes(w.act(deletePatron, { cardNumber: held.cardNumber }, { actor: director(libraryId), purpose: 'account-service' }))).toEqual([
        'RECORD_UNDER_LEGAL_HOLD',
      ]);
      // …and the patron asking for it, or a branch manager, is not told of a legal process (JC-II)
      const manager: Actor = { kind: 'staff', id: 'manager-hold', libraryId, roles: ['branch-manager'] };
      expect(await refusalCodes(w.act(deletePatron, { cardNumber: held.cardNumber }, { actor: manager, purpose: 'account-service' }))).toEqual(['DELETION_NOT_POSSIBLE_NOW']);
      expect(await refusalCodes(w.act(deleteMyRecord, {}, { actor: { kind: 'patron', id: held.id, libraryId }, purpose: 'self-service' }))).toEqual(['DELETION_NOT_POSSIBLE_NOW']);
      expect(await findPatronById(database.db, held.id)).toBeDefined();

      // When the hold is released, Then the next run disposes of what it kept
      w.clock.set(at(201));
      const released = await w.act(releaseLegalHold, { holdId: hold.id }, { actor: director(libraryId), purpose: 'legal-disclosure' });
      expect(released.releasedAt).toBe(at(201));
      expect(await refusalCodes(w.act(releaseLegalHold, { holdId: hold.id }, { actor: director(libraryId) }))).toEqual(['LEGAL_HOLD_RELEASED']);
      const second = await retainAt(libraryId, at(202));
      expect(circulation(second)).toMatchObject({ disposed: 2, kept: 0, held: 0 });
      expect(await loansOf(held.id)).toBe(0);

      // And placing and releasing were logged once each for the patron in scope, for legal disclosure
      const log = await database.db
        .selectFrom('access_log')
        .select(['patron_id', 'action', 'purpose', 'categories', 'actor_role'])
        .where('action', 'in', ['legal-hold-placed', 'legal-hold-released'])
        .where('library_id', '=', libraryId)
        .orderBy('seq')
        .execute();
      expect(log).toEqual([
        { patron_id: held.id, action: 'legal-hold-placed', purpose: 'legal-disclosure', categories: 'circulation', actor_role: 'director' },
        { patron_id: held.id, action: 'legal-hold-released', purpose: 'legal-disclosure', categories: 'circulation', actor_role: 'director' },
      ]);
    });
  }

  it('keeps only records of the hold’s period, and nothing once no hold names the patron', async () => {
    // Given a patron whose loan was returned at START + 7 days, and a hold on a period that ended before it
    w.clock.set(START);
    const libraryId = (await buildLibrary(w, { profileId: 'imagineif-mt' })).library.id;
    const patron = await borrower(libraryId);
    w.clock.set(at(8));
    await w.act(placeLegalHold, { patrons: [{ patronId: patron.id }], categories: ['circulation'], from: '2025-01-01', to: '2025-12-31', reason: 'Court order 2025-17' }, { actor: director(libraryId) });
    // Then retention disposes of the loan: it is outside the period
    expect(circulation(await retainAt(libraryId, at(9)))).toMatchObject({ disposed: 1, held: 0 });
    expect(await loansOf(patron.id)).toBe(0);
  });

  it('JC-IIIc: opting out of reading history does not delete a loan under hold', async () => {
    // Given a jackson-county-or patron who opted in, borrowed and returned a book, and is under a hold
    w.clock.set(START);
    const libraryId = (await buildLibrary(w, { profileId: 'jackson-county-or' })).library.id;
    const patron = await buildPatron(w, { libraryId });
    await w.act(setReadingHistory, { cardNumber: patron.cardNumber, keep: true });
    const item = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    w.clock.set(at(3));
    await w.act(checkin, { itemBarcode: item.barcode });
    await w.act(placeLegalHold, { patrons: [{ cardNumber: patron.cardNumber }], categories: ['reading-history'], reason: 'Subpoena 26-4' }, { actor: director(libraryId) });
    // When the patron opts out, Then the loan stays (the hold keeps it) until the hold goes
    const out = await w.act(setReadingHistory, { cardNumber: patron.cardNumber, keep: false });
    expect(out.loansDeleted).toBe(0);
    expect(await loansOf(patron.id)).toBe(1);
  });

  it('refuses a clerk, an unknown category, a reversed period and an unknown request, changing nothing', async () => {
    w.clock.set(START);
    const libraryId = (await buildLibrary(w, { profileId: 'jackson-county-or' })).library.id;
    const patron = await buildPatron(w, { libraryId });
    const input = { patrons: [{ cardNumber: patron.cardNumber }], categories: ['circulation'], reason: 'x' };
    expect(await refusalCodes(w.act(placeLegalHold, input, { actor: clerk(libraryId) }))).toEqual(['PERMISSION_DENIED']);
    expect(
      await refusalCodes(
        w.act(placeLegalHold, { ...input, categories: ['diaries'], from: '2026-03-01', to: '2026-02-01', requestId: '00000000-0000-4000-8000-000000000000' }, { actor: director(libraryId) }),
      ),
    ).toEqual(['VALIDATION_FAILED', 'INVALID_DATE', 'LEGAL_HOLD_REQUEST_NOT_FOUND']);
    expect(await w.act(listLegalHolds, { libraryId, includeReleased: true }, { actor: director(libraryId) })).toEqual([]);
    expect(await refusalCodes(w.act(releaseLegalHold, { holdId: '00000000-0000-4000-8000-000000000000' }, { actor: director(libraryId) }))).toEqual(['LEGAL_HOLD_NOT_FOUND']);
  });
});
