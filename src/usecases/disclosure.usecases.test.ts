import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, refusalCodes, world, type World } from '../../test/factories.js';
import { canonicalJson } from '../domain/disclosure.js';
import { SYSTEM, type Actor } from '../policy/actors.js';
import { countNotices, findLegalRequest } from '../storage/disclosure.repository.js';
import { moveWithdrawalNotes } from '../storage/migrations/0009-withdrawal.js';
import { checkin, checkout } from './circulation.usecases.js';
import {
  decideRequest,
  getRequest,
  listRequests,
  receiveRequest,
  recordCounselReview,
  referToDirector,
  releaseRequest,
  withdrawRequest,
  type ReceiveRequestInput,
} from './disclosure.usecases.js';
import { myRecord } from './self-service.usecases.js';
import { accessHistoryOf } from './access-log.usecases.js';
import { runRetention } from '../jobs/retention.job.js';
import { deleteMyRecord } from './self-service.usecases.js';

/**
 * Lawful disclosure, clause by clause and profile by profile, on every engine: the register, the profile's
 * rules, decisions, release exports with their manifests, gag orders and patron notices.
 */
describe.each(ENGINES)('lawful disclosure on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  const lib: Record<string, string> = {};

  const staff = (libraryId: string, role: string): Actor => ({ kind: 'staff', id: randomUUID(), libraryId, roles: [role] });
  const director = (profile: string) => staff(lib[profile] as string, 'director');
  const clerk = (profile: string) => staff(lib[profile] as string, 'circulation');

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    for (const profileId of ['imagineif-mt', 'carlsbad-nm', 'rio-rancho-nm', 'ridgefield-ct', 'jackson-county-or'])
      lib[profileId] = (await buildLibrary(w, { id: `${profileId.slice(0, 8)}-${engine}`, profileId })).library.id;
  });

  afterAll(async () => {
    await database?.drop();
  });

  /** An adult patron of the library with one book out (title "A Confidential Title") and its card. */
  async function borrower(profile: string, overrides: { birthDate?: string; guardianCard?: string; address?: string } = {}) {
    const libraryId = lib[profile] as string;
    const patron = await buildPatron(w, { libraryId, address: '12 Quiet Lane', phone: '555-0100', ...overrides });
    const item = await buildItem(w, { libraryId, title: 'A Confidential Title', replacementCostCents: 2500 });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    return { ...patron, item };
  }

  const request = (profile: string, instrument: string, patrons: ReceiveRequestInput['patrons'], extra: Partial<ReceiveRequestInput> = {}): ReceiveRequestInput => ({
    libraryId: lib[profile] as string,
    agency: 'County Sheriff',
    officerName: 'Officer Dana Reyes',
    officerId: 'B-1138',
    instrument,
    caseNumber: 'CR-2026-0042',
    patrons,
    categories: ['registration', 'circulation'],
    ...extra,
  });

  const act = <I, O>(useCase: (ctx: never, input: I) => Promise<O>, input: I, actor: Actor) =>
    w.act(useCase as never, input as never, { actor, purpose: 'legal-disclosure' }) as Promise<O>;

  /** received → referred → counsel's review → approved, by the profile's director. */
  async function approved(profile: string, input: ReceiveRequestInput, options: { review?: boolean } = {}) {
    const received = await act(receiveRequest, input, clerk(profile));
    await act(referToDirector, { requestId: received.id }, clerk(profile));
    if (options.review ?? true) await act(recordCounselReview, { requestId: received.id, properForm: true, goodCause: true, notes: 'In order.' }, director(profile));
    const decided = await act(decideRequest, { requestId: received.id, approve: true }, director(profile));
    return decided;
  }

  async function legalAccess(patronId: string) {
    return database.db.selectFrom('access_log').select(['action', 'purpose', 'categories']).where('patron_id', '=', patronId).where('purpose', '=', 'legal-disclosure').orderBy('seq').execute();
  }

  it('IF-8 / CB-E1: the same subpoena is released under imagineif-mt and refused under carlsbad-nm, whoever then tries to release it', async () => {
    // Given a subpoena for a patron's circulation records, presented at an imagineif-mt desk
    const montana = await borrower('imagineif-mt');
    const decided = await approved('imagineif-mt', request('imagineif-mt', 'subpoena', [{ cardNumber: montana.cardNumber }]));
    expect(decided).toMatchObject({ status: 'approved', decisionReason: 'APPROVED', rule: { permits: 'release', clause: 'IF-8' } });
    // When the director releases it
    const released = await act(releaseRequest, { requestId: decided.id }, director('imagineif-mt'));
    // Then the export holds the patron's registration and loans, and the manifest's hash is the export's
    const text = JSON.stringify(released.export);
    expect(text).toContain('A Confidential Title');
    expect(text).not.toContain(montana.cardNumber);
    expect(released.manifest.sha256).toBe(createHash('sha256').update(canonicalJson(released.export)).digest('hex'));
    expect(released.manifest.records).toEqual(expect.arrayContaining([{ category: 'registration', id: montana.id }, expect.objectContaining({ category: 'circulation' })]));
    const stored = await act(getRequest, { requestId: decided.id }, director('imagineif-mt'));
    expect(stored).toMatchObject({ status: 'released', manifest: released.manifest });
    // And the patron's reads are in the access log, purpose legal-disclosure
    // (the request's records are kept from its receipt until its release: a preservation hold, placed and released)
    expect((await legalAccess(montana.id)).map((e) => e.action)).toEqual(['legal-hold-placed', 'legal-request-received', 'legal-disclosure-release', 'legal-hold-released']);
    // And it is released once
    expect(await refusalCodes(act(releaseRequest, { requestId: decided.id }, director('imagineif-mt')))).toEqual(['REQUEST_ALREADY_RELEASED']);

    // Given the same subpoena at a carlsbad-nm desk (CB-E1: a court order only)
    const carlsbad = await borrower('carlsbad-nm');
    const received = await act(receiveRequest, request('carlsbad-nm', 'subpoena', [{ cardNumber: carlsbad.cardNumber }]), clerk('carlsbad-nm'));
    await act(recordCounselReview, { requestId: received.id, properForm: true, goodCause: true }, director('carlsbad-nm'));
    // When the director, or the operator, tries to approve or release it: refused, nothing changes
    expect(await refusalCodes(act(decideRequest, { requestId: received.id, approve: true }, director('carlsbad-nm')))).toEqual(['INSTRUMENT_NOT_ACCEPTED']);
    expect(await refusalCodes(act(decideRequest, { requestId: received.id, approve: true }, SYSTEM))).toEqual(['INSTRUMENT_NOT_ACCEPTED']);
    expect(await refusalCodes(act(releaseRequest, { requestId: received.id }, director('carlsbad-nm')))).toEqual(['REQUEST_NOT_APPROVED']);
    expect(await refusalCodes(act(releaseRequest, { requestId: received.id }, SYSTEM))).toEqual(['REQUEST_NOT_APPROVED']);
    expect((await act(getRequest, { requestId: received.id }, director('carlsbad-nm'))).status).toBe('received');
    // Then it can only be refused, with the policy's reason kept
    const refused = await act(decideRequest, { requestId: received.id, approve: false, notes: 'A court order is required.' }, director('carlsbad-nm'));
    expect(refused).toMatchObject({ status: 'refused', decision: 'refused', decisionReason: 'INSTRUMENT_NOT_ACCEPTED' });
    expect(await refusalCodes(act(releaseRequest, { requestId: received.id }, SYSTEM))).toEqual(['REQUEST_NOT_APPROVED']);
    expect(await refusalCodes(act(decideRequest, { requestId: received.id, approve: true }, SYSTEM))).toEqual(['REQUEST_ALREADY_DECIDED']);
    expect((await legalAccess(carlsbad.id)).map((e) => e.action)).toEqual(['legal-hold-placed', 'legal-request-received', 'legal-hold-released']);
  });

  it('CB-E1: a court order under carlsbad-nm is released only once counsel found it in proper form', async () => {
    const patron = await borrower('carlsbad-nm');
    const received = await act(receiveRequest, request('carlsbad-nm', 'court-order', [{ patronId: patron.id }]), clerk('carlsbad-nm'));
    expect(await refusalCodes(act(decideRequest, { requestId: received.id, approve: true }, director('carlsbad-nm')))).toEqual(['COUNSEL_REVIEW_MISSING']);
    await act(recordCounselReview, { requestId: received.id, properForm: false, goodCause: true }, director('carlsbad-nm'));
    expect(await refusalCodes(act(decideRequest, { requestId: received.id, approve: true }, director('carlsbad-nm')))).toEqual(['NOT_IN_PROPER_FORM']);
    await act(recordCounselReview, { requestId: received.id, properForm: true, goodCause: true }, director('carlsbad-nm'));
    expect(await act(decideRequest, { requestId: received.id, approve: true }, director('carlsbad-nm'))).toMatchObject({ decisionReason: 'APPROVED', rule: { clause: 'CB-E1' } });
    const released = await act(releaseRequest, { requestId: received.id }, director('carlsbad-nm'));
    expect(JSON.stringify(released.export)).toContain('A Confidential Title');
  });

  it('keeps what a request asks for from its receipt until it is withdrawn: retention and deletion wait (IF-3, CB-A8)', async () => {
    // Given a loan returned under imagineif-mt, which anonymises it at the next run (IF-3)
    const libraryId = lib['imagineif-mt'] as string;
    const patron = await borrower('imagineif-mt');
    await w.act(checkin, { itemBarcode: patron.item.barcode, libraryId });
    const loans = async () => (await database.db.selectFrom('loans').select('id').where('patron_id', '=', patron.id).execute()).length;
    // When a request naming the patron's circulation is received
    const received = await act(receiveRequest, request('imagineif-mt', 'court-order', [{ patronId: patron.id }], { categories: ['circulation'] }), clerk('imagineif-mt'));
    await runRetention(w.runtime, { libraryId });
    // Then the loan is kept, and the patron cannot delete the record while the request is open
    expect(await loans()).toBe(1);
    expect(await refusalCodes(w.act(deleteMyRecord, {}, { actor: { kind: 'patron', id: patron.id, libraryId }, purpose: 'self-service' }))).toEqual(['DELETION_NOT_POSSIBLE_NOW']);
    // And once the agency withdraws it, the next run disposes of the loan
    await act(withdrawRequest, { requestId: received.id }, director('imagineif-mt'));
    await runRetention(w.runtime, { libraryId });
    expect(await loans()).toBe(0);
  });

  it('RR-7: withdrawing an approved request records the withdrawal on its own and keeps the director’s decision notes', async () => {
    // Given a court order the director approved with notes
    const patron = await borrower('imagineif-mt');
    const input = request('imagineif-mt', 'court-order', [{ cardNumber: patron.cardNumber }]);
    const received = await act(receiveRequest, input, clerk('imagineif-mt'));
    const boss = director('imagineif-mt');
    await act(referToDirector, { requestId: received.id }, clerk('imagineif-mt'));
    await act(recordCounselReview, { requestId: received.id, properForm: true, goodCause: true }, boss);
    expect(await act(decideRequest, { requestId: received.id, approve: true, notes: 'Scope checked against the order.' }, boss)).toMatchObject({ status: 'approved' });
    // When the agency withdraws it before release, with notes of its own
    const withdrawn = await act(withdrawRequest, { requestId: received.id, notes: 'Agency letter of withdrawal on file.' }, boss);
    // Then the withdrawal has its time, author and notes, and the decision is untouched
    const expected = {
      status: 'withdrawn',
      decision: 'approved',
      decisionNotes: 'Scope checked against the order.',
      withdrawnAt: w.clock.now().toISOString(),
      withdrawnBy: boss.id,
      withdrawalNotes: 'Agency letter of withdrawal on file.',
    };
    expect(withdrawn).toMatchObject(expected);
    // And so the register reads it back from storage
    expect(await act(getRequest, { requestId: received.id }, boss)).toMatchObject(expected);
    // And a request withdrawn without notes keeps no notes, and has no decision
    const open = await act(receiveRequest, input, clerk('imagineif-mt'));
    expect(await act(withdrawRequest, { requestId: open.id }, boss)).toMatchObject({ status: 'withdrawn', decision: null, decisionNotes: null, withdrawalNotes: null, withdrawnBy: expect.any(String) });
  });

  it('migration 0009: a request withdrawn undecided before it gets its notes back as withdrawal notes; a decided one keeps its decision notes', async () => {
    // Given two requests withdrawn the old way: notes written over decision_notes, no withdrawal columns
    const boss = director('imagineif-mt');
    const undecided = await act(receiveRequest, request('imagineif-mt', 'court-order', [{ patronId: (await borrower('imagineif-mt')).id }]), clerk('imagineif-mt'));
    const decided = await act(receiveRequest, request('imagineif-mt', 'court-order', [{ patronId: (await borrower('imagineif-mt')).id }]), clerk('imagineif-mt'));
    const old = (id: string, decidedAt: string | null) =>
      database.db.updateTable('legal_requests').set({ status: 'withdrawn', decided_at: decidedAt, decision: decidedAt ? 'approved' : null, decision_notes: `Notes of ${id}` }).where('id', '=', id).execute();
    await old(undecided.id, null);
    await old(decided.id, w.clock.now().toISOString());
    // When the migration's data step runs (twice: it is safe to repeat)
    await moveWithdrawalNotes(database.db);
    await moveWithdrawalNotes(database.db);
    // Then the undecided one's notes are the withdrawal's, and the decided one's stay the decision's
    expect(await findLegalRequest(database.db, undecided.id)).toMatchObject({ decisionNotes: null, withdrawalNotes: `Notes of ${undecided.id}`, withdrawnAt: null });
    expect(await findLegalRequest(database.db, decided.id)).toMatchObject({ decisionNotes: `Notes of ${decided.id}`, withdrawalNotes: null });
    expect(await act(getRequest, { requestId: undecided.id }, boss)).toMatchObject({ status: 'withdrawn', withdrawalNotes: `Notes of ${undecided.id}` });
  });

  it('IF-8: an order for current circulation releases what is out now, not what was returned (that is reading history)', async () => {
    const patron = await borrower('imagineif-mt');
    const returned = await buildItem(w, { libraryId: lib['imagineif-mt'] as string, title: 'A Returned Title' });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: returned.barcode });
    await w.act(checkin, { itemBarcode: returned.barcode, libraryId: lib['imagineif-mt'] as string });
    const decided = await approved('imagineif-mt', request('imagineif-mt', 'court-order', [{ patronId: patron.id }], { categories: ['circulation'] }));
    const released = await act(releaseRequest, { requestId: decided.id }, director('imagineif-mt'));
    const text = JSON.stringify(released.export);
    expect(text).toContain('A Confidential Title');
    expect(text).not.toContain('A Returned Title');
    expect(released.manifest.records.map((r) => r.category)).toEqual(['circulation']);
  });

  it('RR-7: an emergency claim under rio-rancho-nm releases name and address to identify a person, but no circulation', async () => {
    // Given a patron with a book out, and an emergency claim asking for identity and circulation
    const patron = await borrower('rio-rancho-nm');
    const decided = await approved('rio-rancho-nm', request('rio-rancho-nm', 'emergency-claim', [{ cardNumber: patron.cardNumber }]), { review: false });
    expect(decided).toMatchObject({ decisionReason: 'IDENTITY_ONLY', rule: { permits: 'identity-only', clause: 'RR-7' } });
    // When it is released
    const released = await act(releaseRequest, { requestId: decided.id }, director('rio-rancho-nm'));
    // Then name, address, phone and email go; no loan, no title, no birth date, no card
    expect(released.export.patrons).toEqual([{ patronId: patron.id, identity: { name: expect.stringContaining('Marker'), address: '12 Quiet Lane', phone: '555-0100', email: expect.any(String) } }]);
    const text = JSON.stringify(released.export);
    for (const absent of ['A Confidential Title', patron.item.barcode, '1985-06-15', patron.cardNumber]) expect(text).not.toContain(absent);
    expect(released.manifest.categories).toEqual(['registration']);
    expect(released.manifest.records).toEqual([{ category: 'registration', id: patron.id }]);
    expect((await legalAccess(patron.id)).filter((e) => !e.action.startsWith('legal-hold')).at(-1)).toMatchObject({ action: 'legal-disclosure-release' });
    // And under rio-rancho-nm a subpoena is not enough (RR-5, RR-7)
    const subpoena = await act(receiveRequest, request('rio-rancho-nm', 'subpoena', [{ cardNumber: patron.cardNumber }]), clerk('rio-rancho-nm'));
    await act(recordCounselReview, { requestId: subpoena.id, properForm: true, goodCause: true }, director('rio-rancho-nm'));
    expect(await refusalCodes(act(decideRequest, { requestId: subpoena.id, approve: true }, director('rio-rancho-nm')))).toEqual(['INSTRUMENT_NOT_ACCEPTED']);
  });

  it('RR-2: materials recovery under rio-rancho-nm releases what retrieving the items needs: the overdue item, not the one due next month', async () => {
    const patron = await borrower('rio-rancho-nm');
    w.clock.advanceDays(30);
    const current = await buildItem(w, { libraryId: lib['rio-rancho-nm'] as string, title: 'A Book Not Yet Due' });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: current.barcode });
    const decided = await approved('rio-rancho-nm', request('rio-rancho-nm', 'materials-recovery', [{ patronId: patron.id }], { categories: ['registration', 'circulation', 'fines', 'holds'] }), { review: false });
    const released = await act(releaseRequest, { requestId: decided.id }, director('rio-rancho-nm'));
    expect(released.manifest.categories).toEqual(['registration', 'circulation', 'fines']);
    expect(released.export.patrons?.[0]).toMatchObject({ items: [{ barcode: patron.item.barcode, title: 'A Confidential Title', replacementCostCents: 2500, status: 'active' }], amountOwedCents: 0 });
    expect(JSON.stringify(released)).not.toContain('A Book Not Yet Due');
  });

  it('CB-E3: a public-records export under carlsbad-nm lists overdue adult accounts by name, address and amount owed — no title, no minor', async () => {
    // Given an adult with an overdue fine, a minor with an overdue book, and an adult with nothing overdue
    const adult = await borrower('carlsbad-nm', { address: '7 Overdue Road' });
    const guardian = await buildPatron(w, { libraryId: lib['carlsbad-nm'] as string });
    const minor = await borrower('carlsbad-nm', { birthDate: '2015-04-01', guardianCard: guardian.cardNumber, address: '9 Minor Street' });
    w.clock.advanceDays(40);
    await w.act(checkin, { itemBarcode: adult.item.barcode }); // returned late: a fine is owed
    const punctual = await buildPatron(w, { libraryId: lib['carlsbad-nm'] as string, address: '1 Punctual Place' });
    // When a public-records request is received, approved and released
    const decided = await approved('carlsbad-nm', request('carlsbad-nm', 'public-records-request', [], { categories: ['registration', 'fines', 'circulation'] }), { review: false });
    expect(decided).toMatchObject({ decisionReason: 'OVERDUE_ACCOUNTS_ONLY', rule: { clause: 'CB-E3' } });
    const released = await act(releaseRequest, { requestId: decided.id }, director('carlsbad-nm'));
    // Then the adult's account is listed with what is owed; the minor, titles, items and cards are not
    const accounts = released.export.accounts ?? [];
    expect(accounts).toContainEqual({ name: expect.stringContaining('Marker'), address: '7 Overdue Road', amountOwedCents: expect.any(Number) });
    expect(accounts.find((a) => a.address === '7 Overdue Road')?.amountOwedCents).toBeGreaterThan(0);
    const text = JSON.stringify(released);
    for (const absent of ['A Confidential Title', '9 Minor Street', '1 Punctual Place', minor.item.barcode, adult.item.barcode, adult.cardNumber, minor.cardNumber, minor.id, punctual.id])
      expect(text, absent).not.toContain(absent);
    for (const account of accounts) expect(Object.keys(account).sort()).toEqual(['address', 'amountOwedCents', 'name']);
    expect(released.manifest.categories).toEqual(['registration', 'fines']);
    // And the accounts are in the register; public record, so no notice is sent
    expect((await act(getRequest, { requestId: decided.id }, director('carlsbad-nm'))).patronIds).toContain(adult.id);
    expect(await countNotices(database.db, adult.id)).toBe(0);
  });

  it('CB-E2: materials recovery under carlsbad-nm releases contact, items out with replacement cost, and amounts owed — nothing else', async () => {
    const patron = await borrower('carlsbad-nm');
    w.clock.advanceDays(30); // long overdue
    const decided = await approved('carlsbad-nm', request('carlsbad-nm', 'materials-recovery', [{ patronId: patron.id }], { categories: ['registration', 'circulation', 'fines', 'access-log'] }), { review: false });
    const released = await act(releaseRequest, { requestId: decided.id }, director('carlsbad-nm'));
    const entry = released.export.patrons?.[0] as Record<string, unknown>;
    expect(Object.keys(entry).sort()).toEqual(['amountOwedCents', 'contact', 'items', 'patronId']);
    expect(Object.keys(entry.contact as object).sort()).toEqual(['address', 'email', 'name', 'phone']);
    expect(entry.items).toEqual([expect.objectContaining({ barcode: patron.item.barcode, replacementCostCents: 2500 })]);
  });

  it('RF-2: ridgefield-ct releases on a court order or the patron’s written consent, and on nothing else', async () => {
    const patron = await borrower('ridgefield-ct');
    const order = await approved('ridgefield-ct', request('ridgefield-ct', 'court-order', [{ cardNumber: patron.cardNumber }]));
    expect(order).toMatchObject({ decisionReason: 'APPROVED', rule: { clause: 'RF-2' } });
    // One consent names one patron, never a list, and never a minor on their own say
    const other = await borrower('ridgefield-ct');
    expect(await refusalCodes(act(receiveRequest, request('ridgefield-ct', 'patron-consent', [{ cardNumber: patron.cardNumber }, { cardNumber: other.cardNumber }]), clerk('ridgefield-ct')))).toEqual(['VALIDATION_FAILED']);
    const parent = await buildPatron(w, { libraryId: lib['ridgefield-ct'] as string });
    const child = await buildPatron(w, { libraryId: lib['ridgefield-ct'] as string, birthDate: '2016-02-02', guardianCard: parent.cardNumber });
    expect(await refusalCodes(act(receiveRequest, request('ridgefield-ct', 'patron-consent', [{ patronId: child.id }]), clerk('ridgefield-ct')))).toEqual(['VALIDATION_FAILED']);
    const consent = await approved('ridgefield-ct', request('ridgefield-ct', 'patron-consent', [{ cardNumber: patron.cardNumber }]), { review: false });
    expect(consent).toMatchObject({ decisionReason: 'APPROVED', rule: { clause: 'RF-2' } });
    expect((await act(releaseRequest, { requestId: consent.id }, director('ridgefield-ct'))).manifest.categories).toEqual(['registration', 'circulation']);
    for (const instrument of ['subpoena', 'written-request', 'emergency-claim', 'materials-recovery']) {
      const other = await act(receiveRequest, request('ridgefield-ct', instrument, [{ cardNumber: patron.cardNumber }]), clerk('ridgefield-ct'));
      await act(referToDirector, { requestId: other.id }, clerk('ridgefield-ct'));
      await act(recordCounselReview, { requestId: other.id, properForm: true, goodCause: true }, director('ridgefield-ct'));
      expect(await refusalCodes(act(decideRequest, { requestId: other.id, approve: true }, director('ridgefield-ct'))), instrument).toEqual(['INSTRUMENT_NOT_ACCEPTED']);
    }
  });

  it('JC-IVd-le: a written request under jackson-county-or is referred to the director, who decides on counsel’s advice or requires a subpoena', async () => {
    const patron = await borrower('jackson-county-or');
    const received = await act(receiveRequest, request('jackson-county-or', 'written-request', [{ cardNumber: patron.cardNumber }]), clerk('jackson-county-or'));
    // Not before it is referred, nor before counsel's advice
    expect(await refusalCodes(act(decideRequest, { requestId: received.id, approve: true }, director('jackson-county-or')))).toEqual(['REFERRAL_REQUIRED']);
    expect(await act(referToDirector, { requestId: received.id }, clerk('jackson-county-or'))).toEqual(expect.objectContaining({ status: 'referred' }));
    expect(await refusalCodes(act(decideRequest, { requestId: received.id, approve: true }, director('jackson-county-or')))).toEqual(['COUNSEL_REVIEW_MISSING']);
    // A clerk does not decide
    expect(await refusalCodes(act(decideRequest, { requestId: received.id, approve: true }, clerk('jackson-county-or')))).toEqual(['PERMISSION_DENIED']);
    await act(recordCounselReview, { requestId: received.id, properForm: true, goodCause: true }, director('jackson-county-or'));
    const decided = await act(decideRequest, { requestId: received.id, approve: true }, director('jackson-county-or'));
    expect(decided).toMatchObject({ status: 'approved', decisionReason: 'DIRECTOR_APPROVED', rule: { permits: 'director-decides', clause: 'JC-IVd-le' } });
    // Or the director asks for more: the refusal says so
    const second = await act(receiveRequest, request('jackson-county-or', 'written-request', [{ cardNumber: patron.cardNumber }]), clerk('jackson-county-or'));
    await act(referToDirector, { requestId: second.id }, clerk('jackson-county-or'));
    expect(await act(decideRequest, { requestId: second.id, approve: false, requires: 'subpoena' }, director('jackson-county-or'))).toMatchObject({ status: 'refused', decisionReason: 'SUBPOENA_REQUIRED' });
    // An informal request is not accepted at all; the agency may withdraw an open one
    const informal = await act(receiveRequest, request('jackson-county-or', 'informal-request', [{ cardNumber: patron.cardNumber }]), clerk('jackson-county-or'));
    await act(referToDirector, { requestId: informal.id }, clerk('jackson-county-or'));
    expect(await refusalCodes(act(decideRequest, { requestId: informal.id, approve: true }, director('jackson-county-or')))).toEqual(['INSTRUMENT_NOT_ACCEPTED']);
    expect(await act(withdrawRequest, { requestId: informal.id }, director('jackson-county-or'))).toMatchObject({ status: 'withdrawn' });
    expect(await refusalCodes(act(releaseRequest, { requestId: informal.id }, director('jackson-county-or')))).toEqual(['REQUEST_NOT_APPROVED']);
  });

  it('JC-II: a gagged request is the director’s alone, and the patron is told only once the gag expires', async () => {
    // Given a FISA order under a gag for 90 days, handed to a clerk
    const patron = await borrower('jackson-county-or');
    const gagUntil = new Date(w.clock.now().getTime() + 90 * 86_400_000).toISOString();
    const input = request('jackson-county-or', 'fisa-or-nsl', [{ cardNumber: patron.cardNumber }], { gagUntil });
    const received = await act(receiveRequest, input, clerk('jackson-county-or'));
    expect(Object.keys(received).sort()).toEqual(['id', 'instrument', 'libraryId', 'receivedAt', 'status']);
    await act(referToDirector, { requestId: received.id }, clerk('jackson-county-or'));
    // Then a clerk or a librarian cannot read it; the director of another library does not find it
    for (const role of ['circulation', 'librarian', 'branch-manager'])
      expect(await refusalCodes(act(getRequest, { requestId: received.id }, staff(lib['jackson-county-or'] as string, role))), role).toEqual(['PERMISSION_DENIED']);
    expect(await refusalCodes(act(getRequest, { requestId: received.id }, director('carlsbad-nm')))).toEqual(['LEGAL_REQUEST_NOT_FOUND']);
    expect((await act(listRequests, { libraryId: lib['jackson-county-or'] as string }, director('jackson-county-or'))).map((r) => r.id)).toContain(received.id);
    expect(await act(getRequest, { requestId: received.id }, director('jackson-county-or'))).toMatchObject({ gagged: true, gagUntil, patronIds: [patron.id] });
    // When the director approves and releases it
    await act(recordCounselReview, { requestId: received.id, properForm: true, goodCause: true }, director('jackson-county-or'));
    await act(decideRequest, { requestId: received.id, approve: true }, director('jackson-county-or'));
    await act(releaseRequest, { requestId: received.id }, director('jackson-county-or'));
    // Then the patron sees no notice while the gag holds
    const self: Actor = { kind: 'patron', id: patron.id, libraryId: lib['jackson-county-or'] as string };
    const during = await w.act(myRecord, {}, { actor: self, purpose: 'self-service' });
    expect(during.notices).toEqual([]);
    // …and their record's access log does not give it away either: no legal-disclosure entry shows
    expect(during.accessLog.map((e) => e.purpose)).not.toContain('legal-disclosure');
    expect((await w.act(accessHistoryOf, patron.id, { actor: self, purpose: 'self-service' })).map((e) => e.purpose)).not.toContain('legal-disclosure');
    expect(await countNotices(database.db, patron.id)).toBe(1);
    // And once it has expired, the notice is there: the agency, the instrument, the date; no case number
    w.clock.advanceDays(91);
    const after = await w.act(myRecord, {}, { actor: self, purpose: 'self-service' });
    expect(after.accessLog.map((e) => e.purpose)).toContain('legal-disclosure');
    expect(after.notices).toEqual([
      { kind: 'legal-disclosure', agency: 'County Sheriff', instrument: 'fisa-or-nsl', releasedAt: expect.any(String), categories: ['registration', 'circulation'], visibleFrom: gagUntil },
    ]);
    expect(JSON.stringify(after.notices)).not.toContain('CR-2026-0042');
    expect((await act(getRequest, { requestId: received.id }, director('jackson-county-or'))).gagged).toBe(false);
  });

  it('IF-8: an ungagged release is noticed to the patron at once', async () => {
    const patron = await borrower('imagineif-mt');
    const decided = await approved('imagineif-mt', request('imagineif-mt', 'court-order', [{ cardNumber: patron.cardNumber }]));
    await act(releaseRequest, { requestId: decided.id }, director('imagineif-mt'));
    const self: Actor = { kind: 'patron', id: patron.id, libraryId: lib['imagineif-mt'] as string };
    expect((await w.act(myRecord, {}, { actor: self, purpose: 'self-service' })).notices).toEqual([expect.objectContaining({ instrument: 'court-order', agency: 'County Sheriff' })]);
  });

  it('names only the library’s own patrons, and refuses bad input with nothing recorded', async () => {
    const elsewhere = await buildPatron(w, { libraryId: lib['ridgefield-ct'] as string });
    const before = await database.db.selectFrom('legal_requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(await refusalCodes(act(receiveRequest, request('imagineif-mt', 'subpoena', [{ cardNumber: elsewhere.cardNumber }]), clerk('imagineif-mt')))).toEqual(['PATRON_NOT_FOUND']);
    expect(await refusalCodes(act(receiveRequest, request('imagineif-mt', 'subpoena', [{ patronId: elsewhere.id }]), SYSTEM))).toEqual(['PATRON_NOT_FOUND']);
    expect(await refusalCodes(act(receiveRequest, request('imagineif-mt', 'summons', []), clerk('imagineif-mt')))).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED']);
    expect(await refusalCodes(act(receiveRequest, request('imagineif-mt', 'subpoena', [{ patronId: elsewhere.id }], { categories: ['everything'], gagUntil: '2001-01-01' }), clerk('imagineif-mt')))).toEqual([
      'VALIDATION_FAILED',
      'INVALID_DATE',
    ]);
    expect(await refusalCodes(act(receiveRequest, request('imagineif-mt', 'subpoena', []), { kind: 'staff', id: randomUUID(), libraryId: lib['imagineif-mt'] as string, roles: ['volunteer'] }))).toEqual([
      'PERMISSION_DENIED',
    ]);
    const after = await database.db.selectFrom('legal_requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(await legalAccess(elsewhere.id)).toEqual([]);
  });
});
