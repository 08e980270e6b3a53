import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, countRows, libraryWorld, refusal, refusalCodes, type World } from '../../test/factories.js';
import { isValidCardNumber } from '../domain/card-number.js';
import type { Actor } from '../policy/actors.js';
import { checkin, checkout } from './circulation.usecases.js';
import { addItems } from './item.usecases.js';
import { createLibrary } from './library.usecases.js';
import { exportPatron, patronAccount, registerPatron, setPatronStatus } from './patron.usecases.js';
import { insertGuardianLink } from '../storage/patron.repository.js';

describe.each(ENGINES)('patrons on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;

  beforeAll(async () => ({ database, w, libraryId } = await libraryWorld(engine)));
  afterAll(() => database.drop());

  it('issues a valid card number and a PIN kept only as an argon2id hash', async () => {
    const patron = await buildPatron(w, { libraryId, name: 'Marisol Quintana' });
    expect(isValidCardNumber(patron.cardNumber)).toBe(true);
    expect(patron.pin).toMatch(/^\d{6}$/);
    const row = await database.db.selectFrom('patrons').select(['pin_hash']).where('id', '=', patron.id).executeTakeFirstOrThrow();
    expect(row.pin_hash).toMatch(/^\$argon2id\$/);
    expect(row.pin_hash).not.toContain(patron.pin);
  });

  it('collects every problem with a registration and writes nothing (RR-1, CB-A4)', async () => {
    const before = await countRows(database, 'patrons');
    const error = await refusal(
      w.act(registerPatron, { libraryId, name: ' ', birthDate: '2026-02-30', email: 'not-an-address', phone: 'call me' }),
    );
    expect(error.problems.map((p) => [p.code, p.field])).toEqual([
      ['VALIDATION_FAILED', 'name'],
      ['INVALID_DATE', 'birthDate'],
      ['VALIDATION_FAILED', 'email'],
      ['VALIDATION_FAILED', 'phone'],
    ]);
    expect(JSON.stringify(error.problems)).not.toContain('not-an-address'); // messages never echo values
    expect((await refusal(w.act(registerPatron, { libraryId, name: 'Future Kid', birthDate: '2030-01-01' }))).code).toBe('BIRTH_DATE_IN_FUTURE');
    expect((await refusal(w.act(registerPatron, { libraryId, name: 'A B', birthDate: '1990-01-01', categoryCode: 'vip' }))).code).toBe('CATEGORY_NOT_FOUND');
    expect(await countRows(database, 'patrons')).toBe(before);
  });

  it('registers a minor only with an adult guardian of the same library (RR-8, CB-B3, JC-IVc, IF-7)', async () => {
    const parent = await buildPatron(w, { libraryId, name: 'Paula Parentfour' });
    const minorBirth = '2016-05-05';
    expect((await refusal(w.act(registerPatron, { libraryId, name: 'Kid One', birthDate: minorBirth }))).code).toBe('GUARDIAN_REQUIRED');
    const teen = await buildPatron(w, { libraryId, name: 'Teen Four', birthDate: '2010-01-01', guardianCard: parent.cardNumber });
    expect((await refusal(w.act(registerPatron, { libraryId, name: 'Kid Two', birthDate: minorBirth, guardianCard: teen.cardNumber }))).code).toBe('GUARDIAN_NOT_ADULT');
    const elsewhere = (await buildLibrary(w)).library.id;
    const stranger = await buildPatron(w, { libraryId: elsewhere });
    expect((await refusal(w.act(registerPatron, { libraryId, name: 'Kid Three', birthDate: minorBirth, guardianCard: stranger.cardNumber }))).code).toBe('GUARDIAN_NOT_FOUND');

    const kid = await w.act(registerPatron, { libraryId, name: 'Kid Four', birthDate: minorBirth, guardianCard: parent.cardNumber });
    expect(kid.categoryCode).toBe('juvenile');
    const exported = await w.act(exportPatron, { cardNumber: kid.cardNumber }, { purpose: 'account-service' });
    expect(exported.guardianLinks).toEqual([expect.objectContaining({ role: 'guardian', patronId: parent.id, endedAt: null })]);
    // The desk sees the link when either card is scanned: the other patron's id and name, never their record.
    const clerk: Actor = { kind: 'staff', id: 'clerk-guardian', libraryId, roles: ['circulation'] };
    const kidAtDesk = await w.act(patronAccount, { cardNumber: kid.cardNumber }, { actor: clerk });
    expect(kidAtDesk.guardianLinks).toEqual([{ role: 'guardian', patronId: parent.id, name: 'Paula Parentfour', startedAt: expect.any(String) }]);
    // The linked patron shown is read too: logged on their own record, as guardianship and (their name) registration.
    const linkLog = (patronId: string) =>
      database.db.selectFrom('access_log').select(['actor_id', 'purpose', 'categories']).where('patron_id', '=', patronId).where('action', '=', 'view-guardian-link').execute();
    const parentSeen = await linkLog(parent.id);
    expect(parentSeen).toHaveLength(1);
    expect(parentSeen[0]).toMatchObject({ actor_id: 'clerk-guardian', purpose: 'circulation' });
    expect(String(parentSeen[0]?.categories)).toContain('guardianship');
    expect(String(parentSeen[0]?.categories)).toContain('registration');
    expect(String(parentSeen[0]?.categories)).not.toContain('circulation');
    // A link to a patron of a library the clerk does not reach is not shown, and nothing is logged on them.
    await insertGuardianLink(database.db, { minorPatronId: stranger.id, guardianPatronId: parent.id, libraryId: elsewhere, startedAt: new Date().toISOString(), endedAt: null });
    const parentAtDesk = await w.act(patronAccount, { cardNumber: parent.cardNumber }, { actor: clerk });
    expect(parentAtDesk.guardianLinks).toHaveLength(2);
    expect(parentAtDesk.guardianLinks).toEqual(
      expect.arrayContaining([
        { role: 'minor', patronId: teen.id, name: 'Teen Four', startedAt: expect.any(String) },
        { role: 'minor', patronId: kid.id, name: 'Kid Four', startedAt: expect.any(String) },
      ]),
    );
    expect(parentAtDesk.guardianLinks.map((link) => link.patronId)).not.toContain(stranger.id);
    expect(await linkLog(stranger.id)).toEqual([]);
    expect(await linkLog(teen.id)).toHaveLength(1);
    expect(await linkLog(kid.id)).toHaveLength(1);
    const seen = await database.db.selectFrom('access_log').select(['categories']).where('patron_id', '=', kid.id).where('action', '=', 'view-account').execute();
    expect(seen.map((row) => String(row.categories))).toEqual([expect.stringContaining('guardianship')]);
  });

  it('exports everything held about a patron in one document, and logs the export (CB-A8, JC-IVb)', async () => {
    const patron = await buildPatron(w, { libraryId, name: 'Ottoline Farrow', address: '12 Mesa Rd', email: 'of@example.org', phone: '505-555-0101' });
    const item = await buildItem(w, { libraryId, title: 'Letters from the Observatory' });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    w.clock.advanceDays(30);
    await w.act(checkin, { itemBarcode: item.barcode });
    const doc = await w.act(exportPatron, { cardNumber: patron.cardNumber }, { purpose: 'account-service' });
    expect(doc.format).toBe('carrel.patron-export.v1');
    expect(doc.patron).toMatchObject({ name: 'Ottoline Farrow', address: '12 Mesa Rd', email: 'of@example.org', phone: '505-555-0101', birthDate: '1985-06-15' });
    expect(doc.patron).not.toHaveProperty('pinHash');
    expect(JSON.stringify(doc)).not.toContain('argon2');
    expect(doc.loans).toEqual([expect.objectContaining({ title: 'Letters from the Observatory', status: 'returned' })]);
    expect(doc.fines).toEqual([expect.objectContaining({ kind: 'overdue', amountCents: 225 })]);
    expect(doc.accessLog.map((e) => e.action)).toEqual(['register', 'checkout', 'checkin']);
    const again = await w.act(exportPatron, { cardNumber: patron.cardNumber }, { purpose: 'account-service' });
    expect(again.accessLog.at(-1)).toMatchObject({ action: 'export', purpose: 'account-service' });
    // An export is a look-up outside a circulation transaction: it names its purpose (CB-A3, RF-10).
    expect((await refusal(w.act(exportPatron, { cardNumber: patron.cardNumber }))).code).toBe('PURPOSE_REQUIRED');
  });

  it('keeps each library’s staff to its own patrons: another library’s patron is "not found" (CB-A3, RF-1)', async () => {
    const other = (await w.act(createLibrary, { id: `other-${engine}`, name: 'Other Library' })).library.id;
    const theirs = await buildPatron(w, { libraryId: other });
    const ours = await buildPatron(w, { libraryId });
    const clerk: Actor = { kind: 'staff', id: 'clerk-1', libraryId, roles: ['circulation'] };
    const seen = await w.act(patronAccount, { cardNumber: ours.cardNumber }, { actor: clerk });
    expect(seen.patron.id).toBe(ours.id);
    expect((await refusal(w.act(patronAccount, { cardNumber: theirs.cardNumber }, { actor: clerk }))).code).toBe('PATRON_NOT_FOUND');
    // By id, outside a transaction: a librarian's look-up, naming a purpose the role allows (CB-A3, RF-10);
    // a clerk reads the record of the patron whose card is presented, and no other way.
    const librarian: Actor = { kind: 'staff', id: 'librarian-1', libraryId, roles: ['librarian'] };
    expect((await refusal(w.act(patronAccount, { patronId: theirs.id }, { actor: librarian, purpose: 'account-service' }))).code).toBe('PATRON_NOT_FOUND');
    expect((await refusal(w.act(patronAccount, { patronId: ours.id }, { actor: clerk, purpose: 'account-service' }))).code).toBe('PERMISSION_DENIED');
    expect((await refusal(w.act(patronAccount, { patronId: ours.id }, { actor: librarian }))).code).toBe('PURPOSE_REQUIRED');
    expect((await refusal(w.act(patronAccount, { patronId: ours.id }, { actor: librarian, purpose: 'violation-review' }))).code).toBe('PURPOSE_NOT_ALLOWED');
    expect((await w.act(patronAccount, { patronId: ours.id }, { actor: librarian, purpose: 'materials-recovery' })).patron.id).toBe(ours.id);
    expect((await refusal(w.act(registerPatron, { libraryId: other, name: 'X Y', birthDate: '1990-01-01' }, { actor: clerk }))).code).toBe('LIBRARY_NOT_FOUND');
    const item = await buildItem(w, { libraryId: other });
    expect((await refusal(w.act(checkout, { cardNumber: ours.cardNumber, itemBarcode: item.barcode }, { actor: clerk }))).code).toBe('ITEM_NOT_FOUND');
  });

  it('lets staff reach another library’s patrons only when both libraries’ profiles share patrons (RF-4, CB-A3)', async () => {
    // Two libraries of a consortium that shares patrons (ridgefield-ct: RF-4), and one that does not.
    const shareA = (await buildLibrary(w, { profileId: 'ridgefield-ct' })).library.id;
    const shareB = (await buildLibrary(w, { profileId: 'ridgefield-ct' })).library.id;
    const keeps = (await buildLibrary(w, { profileId: 'imagineif-mt' })).library.id;
    const inB = await buildPatron(w, { libraryId: shareB });
    const inKeeps = await buildPatron(w, { libraryId: keeps });
    const inA = await buildPatron(w, { libraryId: shareA });
    const librarianOf = (library: string): Actor => ({ kind: 'staff', id: `librarian-${library}`, libraryId: library, roles: ['librarian'] });
    const asLibrarian = (library: string) => ({ actor: librarianOf(library), purpose: 'account-service' as const });

    // Both share: by card at the desk and by id with a purpose.
    expect((await w.act(patronAccount, { cardNumber: inB.cardNumber }, asLibrarian(shareA))).patron.id).toBe(inB.id);
    expect((await w.act(patronAccount, { patronId: inB.id }, asLibrarian(shareA))).patron.id).toBe(inB.id);
    // One side does not share: not found, in both directions, never "forbidden".
    expect((await refusal(w.act(patronAccount, { cardNumber: inKeeps.cardNumber }, asLibrarian(shareA)))).code).toBe('PATRON_NOT_FOUND');
    expect((await refusal(w.act(patronAccount, { patronId: inA.id }, asLibrarian(keeps)))).code).toBe('PATRON_NOT_FOUND');
    // The look-up lands in the patron's access log under the reader's library.
    const log = await database.db.selectFrom('access_log').select(['actor_library_id', 'purpose']).where('patron_id', '=', inB.id).where('action', '=', 'view-account').execute();
    expect(log).toEqual([
      { actor_library_id: shareA, purpose: 'account-service' },
      { actor_library_id: shareA, purpose: 'account-service' },
    ]);
  });

  it('keeps a lost card lost until a new one is issued, and a death for a branch manager to record (JC-IVa, CB-F3)', async () => {
    const clerk: Actor = { kind: 'staff', id: 'clerk-2', libraryId, roles: ['circulation'] };
    const manager: Actor = { kind: 'staff', id: 'manager-1', libraryId, roles: ['branch-manager'] };
    const patron = await buildPatron(w, { libraryId });
    await w.act(setPatronStatus, { patronId: patron.id, status: 'card-lost' }, { actor: clerk });
    expect(await refusalCodes(w.act(setPatronStatus, { patronId: patron.id, status: 'active' }, { actor: clerk }))).toEqual(['STATUS_CHANGE_NOT_ALLOWED']);
    expect(await refusalCodes(w.act(setPatronStatus, { patronId: patron.id, status: 'active' }, { actor: manager }))).toEqual(['STATUS_CHANGE_NOT_ALLOWED']);
    const other = await buildPatron(w, { libraryId });
    expect(await refusalCodes(w.act(setPatronStatus, { patronId: other.id, status: 'deceased' }, { actor: clerk }))).toEqual(['PERMISSION_DENIED']);
    expect((await w.act(setPatronStatus, { patronId: other.id, status: 'deceased' }, { actor: manager })).status).toBe('deceased');
    expect(await refusalCodes(w.act(setPatronStatus, { patronId: other.id, status: 'active' }, { actor: clerk }))).toEqual(['PERMISSION_DENIED']);
  });

  it('adds a batch of items all or nothing, naming the line of each bad row', async () => {
    const before = await countRows(database, 'items');
    const error = await refusal(
      w.act(addItems, [
        { line: 2, libraryId, barcode: 'IMP-1', title: 'Good' },
        { line: 3, libraryId, barcode: 'IMP-2', title: '' },
        { line: 4, libraryId, barcode: 'IMP-1', title: 'Duplicate' },
        { line: 5, libraryId, barcode: 'IMP-3', title: 'Nowhere', branch: 'no-such-branch' },
      ]),
    );
    expect(error.problems.map((p) => p.message.split(':')[0])).toEqual(['line 3', 'line 4', 'line 5']);
    expect(await countRows(database, 'items')).toBe(before);
    const existing = await buildItem(w, { libraryId });
    expect((await refusal(w.act(addItems, [{ libraryId, barcode: existing.barcode, title: 'Again' }]))).code).toBe('BARCODE_EXISTS');
  });
});
