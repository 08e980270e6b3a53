import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, countRows, refusalCodes, world, type World } from '../../test/factories.js';
import type { Actor } from '../policy/actors.js';
import { changeItem, saveRecords, searchCatalogue, showRecord, type RecordInput } from './catalogue.usecases.js';
import { checkin, checkout, renew, renewAll } from './circulation.usecases.js';
import { addCategory } from './library-config.usecases.js';
import { patronAccount } from './patron.usecases.js';
import { cancelHold, expireHolds, placeHold, suspendHold } from './hold.usecases.js';
import { completeItemTask, inTransitList, pullList } from './staff-lists.usecases.js';
import { myLoans, renewAllMine } from './my-circulation.usecases.js';

/** A small corpus with accents, subjects, formats, languages and two branches. */
const CORPUS: RecordInput[] = [
  { controlNumber: 'c1', title: 'Cien años de soledad', authors: ['García Márquez, Gabriel'], subjects: ['Colombia -- Fiction'], language: 'spa', year: 1967, isbns: ['978-0-06-088328-7'], copies: [{ barcode: 'C1-A', branch: 'central' }, { barcode: 'C1-B', branch: 'east' }] },
  { controlNumber: 'c2', title: 'El otoño del patriarca', authors: ['García Márquez, Gabriel'], subjects: ['Dictators -- Fiction'], language: 'spa', year: 1975, copies: [{ barcode: 'C2-A', branch: 'central' }] },
  { controlNumber: 'c3', title: 'Pride and Prejudice', authors: ['Austen, Jane'], subjects: ['Courtship -- Fiction', 'England -- Social life'], language: 'eng', year: 1813, copies: [{ barcode: 'C3-A', branch: 'east' }] },
  { controlNumber: 'c4', title: 'Emma', authors: ['Austen, Jane'], subjects: ['Matchmaking -- Fiction'], language: 'eng', year: 1815, format: 'audiobook', copies: [{ barcode: 'C4-A', branch: 'central' }] },
  { controlNumber: 'c5', title: 'Poemas', authors: ['Núñez, Rafael'], subjects: ['Poetry'], language: 'spa', year: 1885, copies: [{ barcode: 'C5-A', branch: 'east' }] },
  { controlNumber: 'c6', title: 'Moby-Dick; or, The Whale', authors: ['Melville, Herman'], subjects: ['Whaling -- Fiction', 'Sea stories'], language: 'eng', year: 1851, copies: [{ barcode: 'C6-A', branch: 'central' }, { barcode: 'C6-B', branch: 'east' }] },
];

describe.each(ENGINES)('the catalogue on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let ids: string[];
  const staff = (role: string, library = libraryId): Actor => ({ kind: 'staff', id: `staff-${role}`, libraryId: library, roles: [role] });

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    ({ library: { id: libraryId } } = await buildLibrary(w, { branches: [{ code: 'central', name: 'Central' }, { code: 'east', name: 'East' }] }));
    ({ recordIds: ids } = await w.act(saveRecords, { libraryId, records: CORPUS }));
  });
  afterAll(() => database.drop());

  const titles = async (q: string, extra: Record<string, unknown> = {}) => (await w.act(searchCatalogue, { q, library: libraryId, ...extra })).hits.map((h) => h.title);

  it('finds by keyword, title, author, subject and ISBN, accents folded, every word required', async () => {
    expect(await titles('nunez')).toEqual(['Poemas']);
    expect(await titles('NÚÑEZ rafael')).toEqual(['Poemas']);
    expect((await titles('garcia marquez')).sort()).toEqual(['Cien años de soledad', 'El otoño del patriarca']);
    expect(await titles('anos soledad')).toEqual(['Cien años de soledad']);
    expect(await titles('austen', { field: 'title' })).toEqual([]);
    expect((await titles('austen', { field: 'author' })).sort()).toEqual(['Emma', 'Pride and Prejudice']);
    expect(await titles('whaling', { field: 'subject' })).toEqual(['Moby-Dick; or, The Whale']);
    expect(await titles('978-0-06-088328-1')).toEqual([]); // a wrong check digit is not an ISBN, and no word matches
    expect(await titles('0-06-088328-6')).toEqual(['Cien años de soledad']); // its ISBN-10
    expect(await titles('9780060883287')).toEqual(['Cien años de soledad']);
    expect(await titles('978-0-06-088328-7', { field: 'isbn' })).toEqual(['Cien años de soledad']);
    // The last word is a prefix (search as you type)
    expect(await titles('prid')).toEqual(['Pride and Prejudice']);
  });

  it('ranks title matches first and answers facets and availability per branch', async () => {
    const result = await w.act(searchCatalogue, { q: 'fiction', library: libraryId });
    expect(result.total).toBe(5);
    expect(Object.fromEntries(result.facets.language.map((f) => [f.value, f.count]))).toEqual({ spa: 2, eng: 3 });
    expect(Object.fromEntries(result.facets.format.map((f) => [f.value, f.count]))).toEqual({ book: 4, audiobook: 1 });
    expect(Object.fromEntries(result.facets.branch.map((f) => [f.code, f.count]))).toEqual({ central: 4, east: 3 });
    expect(result.facets.available).toBe(5);
    const moby = result.hits.find((h) => h.title.startsWith('Moby'))!;
    expect(moby.availability.map((a) => [a.branchCode, a.copies, a.available]).sort()).toEqual([
      ['central', 1, 1],
      ['east', 1, 1],
    ]);
    expect((await w.act(searchCatalogue, { q: 'emma austen', library: libraryId })).hits[0]?.title).toBe('Emma');
    // Narrowed by facets
    expect(await titles('fiction', { language: 'spa', branch: 'east' })).toEqual(['Cien años de soledad']);
    expect((await titles('fiction', { format: 'audiobook' }))).toEqual(['Emma']);
  });

  it('answers operators, quotes, control characters and 10 kB of text with results or a clear error, never an engine error', async () => {
    for (const q of ['"pride', 'pride AND OR NOT', 'title:', 'a*b*', '(emma', 'NEAR(emma austen)', '{search_title}: emma', "'; drop table items; --", '\u0000\u0007emma', 'x'.repeat(10_000), 'emma '.repeat(2000), '-emma', '^emma', 'emma:*A', '!!!', '   ']) {
      const outcome = await w.act(searchCatalogue, { q, library: libraryId }).then(
        (r) => `ok:${r.total}`,
        (e: { problems?: { code: string }[] }) => `refused:${e.problems?.[0]?.code}`,
      );
      expect(outcome, q.slice(0, 40)).toMatch(/^(ok:\d+|refused:QUERY_EMPTY)$/);
    }
    expect(await titles('"pride')).toEqual(['Pride and Prejudice']);
    expect(await titles('title:emma')).toEqual(['Emma']);
  });

  it('writes nothing when searching: no table changes', async () => {
    const before = await snapshot(database);
    await w.act(searchCatalogue, { q: 'secret reading interest', library: libraryId });
    await w.act(searchCatalogue, { q: 'austen', library: libraryId }, { actor: staff('circulation') });
    expect(await snapshot(database)).toEqual(before);
  });

  it('a title-level hold traps the pick-up branch’s own copy first; a copy elsewhere goes pull → transit; the queue skips suspended holds and moves up when a hold expires', async () => {
    const clerk = { actor: staff('circulation') };
    const [a, b, c, d] = [await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId })];
    // Moby-Dick has a copy at central and one at east: a hold picking up at east takes east's copy
    const moby = ids[5]!;
    const first = await w.act(placeHold, { cardNumber: a.cardNumber, recordId: moby, pickupBranch: 'east' }, clerk);
    expect(first.status).toBe('ready');
    expect((await w.act(pullList, { libraryId, branch: 'east' }, clerk)).map((r) => r.itemBarcode)).toEqual(['C6-B']);
    // A second hold picking up at east: the only copy left is central's → pulled at central, then in transit
    const second = await w.act(placeHold, { cardNumber: b.cardNumber, recordId: moby, pickupBranch: 'east' }, clerk);
    expect(second.status).toBe('ready');
    expect((await w.act(pullList, { libraryId, branch: 'central' }, clerk)).map((r) => r.itemBarcode)).toEqual(['C6-A']);
    await w.act(completeItemTask, { libraryId, itemBarcode: 'C6-A' }, clerk);
    expect((await w.act(inTransitList, { libraryId }, clerk)).map((r) => [r.itemBarcode, r.fromBranchCode, r.toBranchCode])).toEqual([['C6-A', 'central', 'east']]);

    // Two more wait; the first of them suspends; the holders of the copies check out and return them
    const third = await w.act(placeHold, { cardNumber: c.cardNumber, recordId: moby, pickupBranch: 'central' }, clerk);
    const fourth = await w.act(placeHold, { cardNumber: d.cardNumber, recordId: moby, pickupBranch: 'central' }, clerk);
    expect([third.status, fourth.status]).toEqual(['pending', 'pending']);
    await w.act(suspendHold, { holdId: third.id, until: '2099-01-01' }, { actor: { kind: 'patron', id: c.id, libraryId } });
    await w.act(checkout, { cardNumber: a.cardNumber, itemBarcode: 'C6-B' }, clerk);
    // Renewal is refused: someone (not suspended) waits for the title
    expect(await refusalCodes(w.act(renew, { itemBarcode: 'C6-B' }, clerk))).toContain('ITEM_HAS_HOLDS');
    const back = await w.act(checkin, { itemBarcode: 'C6-B' }, clerk);
    // The suspended hold is passed over: the fourth is trapped, at central, so C6-B travels
    expect(back.routing).toMatchObject({ to: 'hold-shelf', holdId: fourth.id });
    // The ready hold of b expires unclaimed: its copy goes to the next hold — none is left but the suspended one → shelf
    w.clock.advanceDays(30);
    const expired = await w.act(expireHolds, {}, clerk);
    expect(expired.expired).toBeGreaterThanOrEqual(2);
    await w.act(suspendHold, { holdId: third.id, until: null }, { actor: { kind: 'patron', id: c.id, libraryId } });
    // A patron cancels their own hold; another patron's hold they cannot see
    expect(await refusalCodes(w.act(cancelHold, { holdId: third.id }, { actor: { kind: 'patron', id: d.id, libraryId } }))).toEqual(['HOLD_NOT_FOUND']);
    expect((await w.act(cancelHold, { holdId: third.id }, { actor: { kind: 'patron', id: c.id, libraryId } })).status).toBe('cancelled');
  });

  it('a pending hold whose "not needed after" day passes ends, and the next in the queue is trapped when a copy returns', async () => {
    const clerk = { actor: staff('circulation') };
    const [holder, early, late] = [await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId })];
    const patriarca = ids[1]!;
    await w.act(checkout, { cardNumber: holder.cardNumber, itemBarcode: 'C2-A' }, clerk);
    const lapsing = await w.act(placeHold, { cardNumber: early.cardNumber, recordId: patriarca, notNeededAfter: '2026-01-10' }, clerk);
    const waiting = await w.act(placeHold, { cardNumber: late.cardNumber, recordId: patriarca }, clerk);
    expect([lapsing.status, waiting.status]).toEqual(['pending', 'pending']);
    const now = w.clock.now();
    w.clock.set(new Date(Date.UTC(2026, 0, 12)) > now ? new Date(Date.UTC(2026, 0, 12)) : new Date(now.getTime() + 86_400_000));
    await w.act(expireHolds, {}, clerk);
    const back = await w.act(checkin, { itemBarcode: 'C2-A' }, clerk);
    expect(back.routing).toMatchObject({ to: 'hold-shelf', holdId: waiting.id });
  });

  it('a resumed hold, or a copy found again, takes the copy on the shelf at once (on the pull list)', async () => {
    const clerk = { actor: staff('circulation') };
    const librarian = { actor: staff('librarian') };
    const [borrower, resting, waiting] = [await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId })];
    const { recordIds: [record] } = await w.act(saveRecords, { libraryId, records: [{ title: 'Back Again', copies: [{ barcode: 'BA-1', branch: 'central' }, { barcode: 'BA-2', branch: 'central' }] }] });
    await w.act(changeItem, { itemBarcode: 'BA-2', status: 'missing' }, librarian);
    await w.act(checkout, { cardNumber: borrower.cardNumber, itemBarcode: 'BA-1' }, clerk);
    const rest = await w.act(placeHold, { cardNumber: resting.cardNumber, recordId: record!, pickupBranch: 'central' }, clerk);
    await w.act(suspendHold, { holdId: rest.id, until: '2026-12-31' }, clerk);
    // Returned while the only hold rests: back to the shelf
    expect((await w.act(checkin, { itemBarcode: 'BA-1' }, clerk)).routing).toMatchObject({ to: 'shelf' });
    // Resumed: the copy on the shelf is trapped for it and is to be pulled
    const resumed = await w.act(suspendHold, { holdId: rest.id, until: null }, clerk);
    expect([resumed.status, resumed.itemId]).toEqual(['ready', expect.any(String)]);
    expect((await w.act(pullList, { libraryId }, clerk)).map((r) => r.itemBarcode)).toContain('BA-1');
    // The missing copy found again goes to the next hold waiting
    const next = await w.act(placeHold, { cardNumber: waiting.cardNumber, recordId: record!, pickupBranch: 'central' }, clerk);
    expect(next.status).toBe('pending');
    const found = await w.act(changeItem, { itemBarcode: 'BA-2', status: 'available' }, librarian);
    expect(found.status).toBe('on-hold-shelf');
    const row = await database.db.selectFrom('holds').select(['status']).where('id', '=', next.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('ready');
  });

  it('two placements of the same title-level hold at once: one is placed, the other refused', async () => {
    const clerk = { actor: staff('circulation') };
    const reader = await buildPatron(w, { libraryId });
    const { recordIds: [record] } = await w.act(saveRecords, { libraryId, records: [{ title: 'Asked Twice', copies: [{ barcode: 'AT-1', branch: 'central' }] }] });
    await w.act(checkout, { cardNumber: (await buildPatron(w, { libraryId })).cardNumber, itemBarcode: 'AT-1' }, clerk);
    const outcomes = await Promise.allSettled([0, 1].map(() => w.act(placeHold, { cardNumber: reader.cardNumber, recordId: record! }, clerk)));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await database.db.selectFrom('holds').select('id').where('patron_id', '=', reader.id).execute()).toHaveLength(1);
  });

  it('a control number given twice in one batch is one record, the later fields kept', async () => {
    const saved = await w.act(saveRecords, { libraryId, records: [{ controlNumber: 'dup-1', title: 'First version' }, { controlNumber: 'dup-1', title: 'Second version', copies: [{ barcode: 'DUP-1' }] }] });
    expect([saved.created, saved.updated, saved.recordIds[0] === saved.recordIds[1]]).toEqual([1, 0, true]);
    expect((await w.act(showRecord, { recordId: saved.recordIds[0]! })).title).toBe('Second version');
  });

  it('one patron holds a title or one of its copies, never both; a hold past its "not needed after" day is passed over before the scheduler ends it', async () => {
    const clerk = { actor: staff('circulation') };
    const [reader, other, lapsing, next] = [await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId }), await buildPatron(w, { libraryId })];
    const { recordIds: [record] } = await w.act(saveRecords, { libraryId, records: [{ title: 'Held Both Ways', copies: [{ barcode: 'HB-1', branch: 'central' }, { barcode: 'HB-2', branch: 'east' }] }] });
    await w.act(checkout, { cardNumber: other.cardNumber, itemBarcode: 'HB-1' }, clerk);
    await w.act(checkout, { cardNumber: reader.cardNumber, itemBarcode: 'HB-2' }, clerk);
    // The reader has a copy: neither the title nor the other copy can be held by them
    expect(await refusalCodes(w.act(placeHold, { cardNumber: reader.cardNumber, itemBarcode: 'HB-1' }, clerk))).toEqual(['HOLD_ON_OWN_LOAN']);
    expect(await refusalCodes(w.act(placeHold, { cardNumber: reader.cardNumber, recordId: record! }, clerk))).toEqual(['HOLD_ON_OWN_LOAN']);
    // A copy held by item: the title is refused, and the other way round
    await w.act(placeHold, { cardNumber: lapsing.cardNumber, itemBarcode: 'HB-1', notNeededAfter: '2026-03-03' }, clerk);
    expect(await refusalCodes(w.act(placeHold, { cardNumber: lapsing.cardNumber, recordId: record! }, clerk))).toEqual(['HOLD_ALREADY_PLACED']);
    await w.act(placeHold, { cardNumber: next.cardNumber, recordId: record! }, clerk);
    expect(await refusalCodes(w.act(placeHold, { cardNumber: next.cardNumber, itemBarcode: 'HB-2' }, clerk))).toEqual(['HOLD_ALREADY_PLACED']);
    // Not a calendar day
    expect(await refusalCodes(w.act(placeHold, { cardNumber: other.cardNumber, recordId: record!, notNeededAfter: '2030-02-30' }, clerk))).toEqual(['VALIDATION_FAILED']);
    // Days later, before any scheduler run: the lapsed item-level hold is passed over, the title-level one filled
    w.clock.advanceDays(3);
    const back = await w.act(checkin, { itemBarcode: 'HB-1' }, clerk);
    const nextHold = await database.db.selectFrom('holds').select(['id']).where('patron_id', '=', next.id).executeTakeFirstOrThrow();
    expect(back.routing).toMatchObject({ holdId: nextHold.id });
  });

  it('a patron who takes another copy off the shelf fills their hold, and the copy trapped for them goes back', async () => {
    const clerk = { actor: staff('circulation') };
    const reader = await buildPatron(w, { libraryId });
    const { recordIds: [record] } = await w.act(saveRecords, { libraryId, records: [{ title: 'Twice on the Shelf', copies: [{ barcode: 'TW-C', branch: 'central' }, { barcode: 'TW-E', branch: 'east' }] }] });
    const hold = await w.act(placeHold, { cardNumber: reader.cardNumber, recordId: record!, pickupBranch: 'east' }, clerk);
    expect(hold.status).toBe('ready');
    const loan = await w.act(checkout, { cardNumber: reader.cardNumber, itemBarcode: 'TW-C' }, clerk);
    expect(loan.loanId).toBeTruthy();
    const copies = (await w.act(showRecord, { recordId: record! })).copies;
    expect(copies.map((c) => [c.barcode, c.status]).sort()).toEqual([
      ['TW-C', 'on-loan'],
      ['TW-E', 'available'],
    ]);
    expect((await w.act(pullList, { libraryId }, clerk)).map((r) => r.itemBarcode)).not.toContain('TW-E');
    const ended = await database.db.selectFrom('holds').select(['status', 'item_id']).where('id', '=', hold.id).executeTakeFirstOrThrow();
    expect(ended.status).toBe('fulfilled');
  });

  it('a withdrawn or missing copy cannot be out; withdrawing a copy on loan is refused and changes nothing', async () => {
    const clerk = { actor: staff('librarian') };
    const reader = await buildPatron(w, { libraryId });
    await w.act(checkout, { cardNumber: reader.cardNumber, itemBarcode: 'C5-A' }, clerk);
    const items = await countRows(database, 'items');
    expect(await refusalCodes(w.act(changeItem, { itemBarcode: 'C5-A', status: 'withdrawn' }, clerk))).toEqual(['ITEM_ON_LOAN']);
    await w.act(checkin, { itemBarcode: 'C5-A' }, clerk);
    expect((await w.act(changeItem, { itemBarcode: 'C5-A', status: 'withdrawn' }, clerk)).status).toBe('withdrawn');
    expect(await countRows(database, 'items')).toBe(items);
    expect((await w.act(showRecord, { recordId: ids[4]! })).copies.map((c) => c.status)).toEqual(['withdrawn']);
    expect((await w.act(searchCatalogue, { q: 'poemas', library: libraryId })).hits[0]?.availability).toEqual([]);
  });
});

describe.each(ENGINES)('consortium lending on %s', (engine) => {
  let database: TestDatabase;
  let w: World;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
  });
  afterAll(() => database.drop());

  it('a patron of one Bibliomation member borrows and holds another member’s copy under the lender’s rules; libraries that do not share refuse', async () => {
    const { library: a } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
    const { library: b } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
    const { library: closed } = await buildLibrary(w, { profileId: 'strict-default' });
    const { recordIds: [bookB] } = await w.act(saveRecords, { libraryId: b.id, records: [{ title: 'Shared Shelves', copies: [{ barcode: 'SH-1' }, { barcode: 'SH-2' }] }] });
    const { recordIds: [bookClosed] } = await w.act(saveRecords, { libraryId: closed.id, records: [{ title: 'Shared Shelves', copies: [{ barcode: 'CL-1' }] }] });
    const patron = await buildPatron(w, { libraryId: a.id });
    const deskB: Actor = { kind: 'staff', id: 'desk-b', libraryId: b.id, roles: ['circulation'] };
    const deskClosed: Actor = { kind: 'staff', id: 'desk-c', libraryId: closed.id, roles: ['circulation'] };

    // A's patron searches and finds B's record; the closed library's is not in A's catalogue
    const found = await w.act(searchCatalogue, { q: 'shared shelves' }, { actor: { kind: 'patron', id: patron.id, libraryId: a.id } });
    expect(found.hits.map((h) => h.libraryId)).toEqual([b.id]);

    // Borrowed at B's desk: the loan is B's
    const loan = await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: 'SH-1' }, { actor: deskB });
    const row = await database.db.selectFrom('loans').select(['library_id']).where('id', '=', loan.loanId).executeTakeFirstOrThrow();
    expect(row.library_id).toBe(b.id);
    // Renewed from the patron's own library with everything else they have out: B's copy under B's rules
    const deskA: Actor = { kind: 'staff', id: 'desk-a', libraryId: a.id, roles: ['circulation'] };
    w.clock.advanceDays(7);
    const renewed = await w.act(renewAll, { cardNumber: patron.cardNumber }, { actor: deskA });
    expect([renewed.renewed.map((r) => r.itemBarcode), renewed.refused]).toEqual([['SH-1'], []]);
    // The patron sees and renews it from their own portal too
    const self = { actor: { kind: 'patron', id: patron.id, libraryId: a.id } as Actor, purpose: 'self-service' as const };
    expect((await w.act(myLoans, {}, self)).loans.map((l) => l.itemBarcode)).toEqual(['SH-1']);
    w.clock.advanceDays(7);
    expect((await w.act(renewAllMine, {}, self)).outcomes.map((o) => o.itemBarcode)).toEqual(['SH-1']);
    // Holding a title they already have is refused; another A patron's title-level hold on B's record is B's, picked up at B
    expect(await refusalCodes(w.act(placeHold, { cardNumber: patron.cardNumber, recordId: bookB! }, { actor: deskB }))).toEqual(['HOLD_ON_OWN_LOAN']);
    const neighbour = await buildPatron(w, { libraryId: a.id });
    const hold = await w.act(placeHold, { cardNumber: neighbour.cardNumber, recordId: bookB! }, { actor: deskB });
    expect([hold.libraryId, hold.status]).toEqual([b.id, 'ready']);

    // The closed library neither reaches A's patron nor takes a hold from them
    expect(await refusalCodes(w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: 'CL-1' }, { actor: deskClosed }))).toEqual(['PATRON_NOT_FOUND']);
    expect(await refusalCodes(w.act(placeHold, { cardNumber: patron.cardNumber, recordId: bookClosed! }))).toEqual(['RECORD_NOT_FOUND']);
  });

  it('counts a visitor’s loans against the lender’s limit for their category, or their own library’s when the lender has no such category', async () => {
    const { library: home } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
    const { library: lender } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
    const { library: generous } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
    await w.act(addCategory, { libraryId: home.id, code: 'teen', name: 'Teen', maxLoans: 1 });
    await w.act(addCategory, { libraryId: generous.id, code: 'teen', name: 'Teen', maxLoans: 3 });
    await w.act(saveRecords, { libraryId: home.id, records: [{ title: 'Home Shelf', copies: [{ barcode: 'LIM-H1' }] }] });
    await w.act(saveRecords, { libraryId: lender.id, records: [{ title: 'Lender Shelf', copies: [{ barcode: 'LIM-L1' }] }] });
    await w.act(saveRecords, { libraryId: generous.id, records: [{ title: 'Generous Shelf', copies: [{ barcode: 'LIM-G1' }] }] });
    const teen = await buildPatron(w, { libraryId: home.id, categoryCode: 'teen' });
    const desk = (libraryId: string): { actor: Actor } => ({ actor: { kind: 'staff', id: `desk-${libraryId}`, libraryId, roles: ['circulation'] } });
    await w.act(checkout, { cardNumber: teen.cardNumber, itemBarcode: 'LIM-H1' }, desk(home.id));
    // The lender has no "teen": the home library's limit of one still holds
    expect(await refusalCodes(w.act(checkout, { cardNumber: teen.cardNumber, itemBarcode: 'LIM-L1' }, desk(lender.id)))).toEqual(['LOAN_LIMIT_REACHED']);
    // A lender with its own "teen" category lends under its own limit
    expect((await w.act(checkout, { cardNumber: teen.cardNumber, itemBarcode: 'LIM-G1' }, desk(generous.id))).itemBarcode).toBe('LIM-G1');
    // The desk's summary says what a check-out at that desk would do: refused at home and at the lender
    // without "teen" (two loans against a limit of one), not at the lender whose own "teen" allows three
    const limitAt = async (libraryId: string) => (await w.act(patronAccount, { cardNumber: teen.cardNumber }, desk(libraryId))).summary.blocks.map((b) => b.code);
    expect(await limitAt(home.id)).toEqual(['LOAN_LIMIT_REACHED']);
    expect(await limitAt(lender.id)).toEqual(['LOAN_LIMIT_REACHED']);
    expect(await limitAt(generous.id)).toEqual([]);
  });
});

/** Every table's row count and a checksum of its rows: what a read-only operation must leave unchanged. */
async function snapshot(database: TestDatabase): Promise<Record<string, string>> {
  const tables =
    database.engine === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(database.db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(database.db)).rows.map((r) => r.name);
  const out: Record<string, string> = {};
  for (const table of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(database.db)).rows;
    out[table] = `${rows.length}:${JSON.stringify(rows).length}`;
  }
  return out;
}
