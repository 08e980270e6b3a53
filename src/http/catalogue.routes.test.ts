import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import { startServer, type Json, type TestServer } from '../../test/http.js';
import { checkout } from '../usecases/circulation.usecases.js';
import { createStaff } from '../usecases/staff.usecases.js';

/**
 * The desk's catalogue over real HTTP, on every engine: a librarian catalogues a title with copies in a
 * two-branch library, edits it, withdraws, loses and damages copies (never one out on loan); a clerk
 * places a hold on the title, which traps the other branch's copy onto the pull list, and suspends and
 * resumes another. Bad input is a 400 with a code, and changes nothing.
 */
describe.each(ENGINES)('the desk’s catalogue over HTTP on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let server: TestServer;
  const librarian = { username: `cat-librarian-${engine}`, password: '' };
  const clerk = { username: `cat-clerk-${engine}`, password: '' };
  let librarianCookie = '';
  let clerkCookie = '';
  let recordId = '';
  const tag = Math.random().toString(36).slice(2, 8).toUpperCase();
  const central = `C-${tag}`;
  const east = `E-${tag}`;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    ({ library: { id: libraryId } } = await buildLibrary(w, { branches: [{ code: 'central', name: 'Central' }, { code: 'east', name: 'East' }] }));
    librarian.password = (await w.act(createStaff, { username: librarian.username, libraryId, roles: ['librarian'] })).password;
    clerk.password = (await w.act(createStaff, { username: clerk.username, libraryId, roles: ['circulation'] })).password;
    server = await startServer(w);
    librarianCookie = await server.login(librarian);
    clerkCookie = await server.login(clerk);
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  const record = async (id: string) => (await server.call('GET', `/catalogue/records/${id}`, { cookie: librarianCookie })).body;
  const copy = async (barcode: string) => ((await record(recordId)).copies as Json[]).find((c) => c.barcode === barcode)!;

  it('catalogues a title with a copy at each branch (a librarian’s work, not a clerk’s)', async () => {
    const body = {
      title: 'The Two Rivers',
      authors: ['Achterberg, Ilse'],
      subjects: ['Rivers'],
      isbns: ['978-0-306-40615-7'],
      year: 1911,
      language: 'eng',
      controlNumber: `ctl-${tag}`,
      copies: [
        { barcode: central, branch: 'central', callNumber: '551.48 ACH' },
        { barcode: east, branch: 'east', callNumber: '551.48 ACH' },
      ],
    };
    const refused = await server.call('POST', `/libraries/${libraryId}/records`, { cookie: clerkCookie, body });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'PERMISSION_DENIED']);

    const created = await server.call('POST', `/libraries/${libraryId}/records`, { cookie: librarianCookie, body });
    expect(created.status).toBe(201);
    recordId = created.body.id;
    expect(created.body).toMatchObject({ title: 'The Two Rivers', authors: ['Achterberg, Ilse'], isbn: '9780306406157', year: 1911, format: 'book', holdsWaiting: 0 });
    expect(created.body.copies.map((c: Json) => [c.barcode, c.branchCode, c.callNumber, c.status, c.damaged]).sort()).toEqual([
      [central, 'central', '551.48 ACH', 'available', false],
      [east, 'east', '551.48 ACH', 'available', false],
    ]);
    expect(created.body.availability.map((a: Json) => [a.branchCode, a.copies, a.available]).sort()).toEqual([
      ['central', 1, 1],
      ['east', 1, 1],
    ]);

    // The same control number again updates the title: 200, still one record with two copies.
    const again = await server.call('POST', `/libraries/${libraryId}/records`, { cookie: librarianCookie, body: { ...body, year: 1912 } });
    expect([again.status, again.body.id, again.body.year, again.body.copies.length]).toEqual([200, recordId, 1912, 2]);
    const found = await server.call('GET', `/catalogue/search?q=achterberg&field=author`, { cookie: clerkCookie });
    expect(found.body.hits.map((h: Json) => h.id)).toEqual([recordId]);
  });

  it('refuses a bad record whole: unknown fields, a bad format, a bad copy', async () => {
    const before = (await server.call('GET', `/catalogue/search?q=nothing-like-it-${tag}`, { cookie: clerkCookie })).body.total;
    for (const body of [
      { title: 'Unwanted', shelfMark: 'X' },
      { title: 'Unwanted', format: 'scroll' },
      { title: '' },
      { title: `nothing-like-it-${tag}`, copies: [{ barcode: 'has spaces' }] },
      { title: `nothing-like-it-${tag}`, copies: [{ barcode: `N-${tag}`, branch: 'nowhere' }] },
    ]) {
      const answer = await server.call('POST', `/libraries/${libraryId}/records`, { cookie: librarianCookie, body });
      expect(answer.status, JSON.stringify(body)).toBe(JSON.stringify(body).includes('nowhere') ? 422 : 400);
      expect(answer.body.error.code).toMatch(/^[A-Z_]+$/);
    }
    expect((await server.call('GET', `/catalogue/search?q=nothing-like-it-${tag}`, { cookie: clerkCookie })).body.total).toBe(before);
    expect((await server.call('GET', `/items/N-${tag}?library=${libraryId}`, { cookie: clerkCookie })).status).toBe(404);
  });

  it('edits a record’s fields; an unknown field or an empty change is refused and changes nothing', async () => {
    const edited = await server.call('PATCH', `/records/${recordId}`, { cookie: librarianCookie, body: { subtitle: 'A Journey Upstream', subjects: ['Rivers', 'Travel'] } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: recordId, title: 'The Two Rivers', subtitle: 'A Journey Upstream', subjects: ['Rivers', 'Travel'], year: 1912 });
    expect(edited.body.copies).toHaveLength(2);

    for (const body of [{ subtitle: null, colour: 'blue' }, {}, { year: 'last year' }, { title: '' }]) {
      const answer = await server.call('PATCH', `/records/${recordId}`, { cookie: librarianCookie, body });
      expect([answer.status, answer.body.error.code], JSON.stringify(body)).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await record(recordId)).subtitle).toBe('A Journey Upstream');
    expect((await server.call('PATCH', `/records/${recordId}`, { cookie: clerkCookie, body: { subtitle: null } })).status).toBe(403);
    const unknown = await server.call('PATCH', '/records/00000000-0000-4000-8000-000000000000', { cookie: librarianCookie, body: { subtitle: null } });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'RECORD_NOT_FOUND']);
  });

  it('marks a copy damaged, missing and found, and withdraws one; never a copy out on loan', async () => {
    const damaged = await server.call('PATCH', `/items/${east}`, { cookie: librarianCookie, body: { damaged: true, callNumber: '551.48 ACH c.2' } });
    expect(damaged.status).toBe(200);
    expect(damaged.body).toMatchObject({ barcode: east, status: 'available', damaged: true, callNumber: '551.48 ACH c.2', recordId });
    expect(await copy(east)).toMatchObject({ damaged: true, callNumber: '551.48 ACH c.2' });
    expect((await server.call('PATCH', `/items/${east}`, { cookie: librarianCookie, body: { damaged: false } })).body.damaged).toBe(false);

    expect((await server.call('PATCH', `/items/${east}`, { cookie: librarianCookie, body: { status: 'missing' } })).body.status).toBe('missing');
    expect((await record(recordId)).availability.find((a: Json) => a.branchCode === 'east').available).toBe(0);
    expect((await server.call('PATCH', `/items/${east}`, { cookie: librarianCookie, body: { status: 'available' } })).body.status).toBe('available');

    // A copy out on loan is neither withdrawn nor missing: ITEM_ON_LOAN, and it stays as it was.
    const reader = await buildPatron(w, { libraryId });
    const lent = await w.act(checkout, { cardNumber: reader.cardNumber, itemBarcode: central });
    for (const status of ['withdrawn', 'missing']) {
      const refused = await server.call('PATCH', `/items/${central}`, { cookie: librarianCookie, body: { status } });
      expect([refused.status, refused.body.error.code]).toEqual([409, 'ITEM_ON_LOAN']);
    }
    expect((await copy(central)).status).toBe('on-loan');
    expect(lent.itemBarcode).toBe(central);

    // Bad input: a status the desk cannot set, an unknown field, a branch the library lacks, nothing to change.
    for (const [body, status, code] of [
      [{ status: 'lost' }, 400, 'VALIDATION_FAILED'],
      [{ damaged: 'yes' }, 400, 'VALIDATION_FAILED'],
      [{ damaged: true, colour: 'red' }, 400, 'VALIDATION_FAILED'],
      [{}, 400, 'VALIDATION_FAILED'],
      [{ damaged: true, branch: 'nowhere' }, 422, 'BRANCH_NOT_FOUND'],
    ] as const) {
      const answer = await server.call('PATCH', `/items/${east}`, { cookie: librarianCookie, body });
      expect([answer.status, answer.body.error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect(await copy(east)).toMatchObject({ status: 'available', damaged: false, branchCode: 'east' });
    expect((await server.call('PATCH', `/items/${east}`, { cookie: clerkCookie, body: { damaged: true } })).status).toBe(403);
    expect((await server.call('PATCH', `/items/NO-SUCH-${tag}`, { cookie: librarianCookie, body: { damaged: true } })).status).toBe(404);

    // A third copy, withdrawn: the public no longer sees it; the library's staff still do.
    const third = `W-${tag}`;
    await server.call('POST', `/libraries/${libraryId}/records`, { cookie: librarianCookie, body: { title: 'The Two Rivers', controlNumber: `ctl-${tag}`, copies: [{ barcode: third, branch: 'central' }] } });
    expect((await server.call('PATCH', `/items/${third}`, { cookie: librarianCookie, body: { status: 'withdrawn' } })).body.status).toBe('withdrawn');
    expect((await copy(third)).status).toBe('withdrawn');
    expect((await server.call('GET', `/catalogue/records/${recordId}`)).body.copies.map((c: Json) => c.barcode)).not.toContain(third);
  });

  it('places a hold on the title for pick-up at east: east’s own copy is trapped and goes on east’s pull list, no patron named', async () => {
    // Central's copy is out on loan (above); the east copy is on the shelf and goes on east's pull list.
    const patron = await buildPatron(w, { libraryId });
    const placed = await server.call('POST', '/holds', { cookie: clerkCookie, body: { cardNumber: patron.cardNumber, recordId, pickupBranch: 'east' } });
    expect(placed.status).toBe(201);
    // Trapped at once: the hold holds the copy, which waits to be pulled from the shelf.
    expect(placed.body).toMatchObject({ recordId, status: 'ready' });
    expect(placed.body.itemId).not.toBeNull();
    const pull = await server.call('GET', `/libraries/${libraryId}/lists/pull?branch=east`, { cookie: clerkCookie });
    expect(pull.body.map((r: Json) => [r.itemBarcode, r.branchCode, r.pickupBranchCode])).toEqual([[east, 'east', 'east']]);
    expect(pull.text).not.toContain(patron.cardNumber);
  });

  it('traps another branch’s copy when the pick-up branch has none on the shelf', async () => {
    // A second title with one copy at central only, held for pick-up at east.
    const other = await server.call('POST', `/libraries/${libraryId}/records`, { cookie: librarianCookie, body: { title: 'Upstream Again', copies: [{ barcode: `U-${tag}`, branch: 'central' }] } });
    const patron = await buildPatron(w, { libraryId });
    const placed = await server.call('POST', '/holds', { cookie: clerkCookie, body: { cardNumber: patron.cardNumber, recordId: other.body.id, pickupBranch: 'east' } });
    expect(placed.status).toBe(201);
    const pull = await server.call('GET', `/libraries/${libraryId}/lists/pull?branch=central`, { cookie: clerkCookie });
    expect(pull.body.filter((r: Json) => r.itemBarcode === `U-${tag}`).map((r: Json) => [r.branchCode, r.pickupBranchCode])).toEqual([['central', 'east']]);
  });

  it('refuses a hold that names both a copy and a title, or neither, or an unknown title', async () => {
    const patron = await buildPatron(w, { libraryId });
    const holdsBefore = await database.db.selectFrom('holds').select('id').execute();
    for (const [body, status, code] of [
      [{ cardNumber: patron.cardNumber, recordId, itemBarcode: east }, 400, 'VALIDATION_FAILED'],
      [{ cardNumber: patron.cardNumber }, 400, 'VALIDATION_FAILED'],
      [{ cardNumber: patron.cardNumber, recordId: 'not-a-uuid' }, 400, 'VALIDATION_FAILED'],
      [{ cardNumber: patron.cardNumber, recordId, notNeededAfter: 'soon' }, 400, 'VALIDATION_FAILED'],
      [{ cardNumber: patron.cardNumber, recordId: '00000000-0000-4000-8000-000000000000' }, 404, 'RECORD_NOT_FOUND'],
    ] as const) {
      const answer = await server.call('POST', '/holds', { cookie: clerkCookie, body });
      expect([answer.status, answer.body.error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect((await database.db.selectFrom('holds').select('id').execute()).length).toBe(holdsBefore.length);
  });

  it('suspends a waiting hold until a day and resumes it; a bad day is refused and changes nothing', async () => {
    // Every copy of the title is taken now, so this hold waits in the queue.
    const patron = await buildPatron(w, { libraryId });
    const placed = await server.call('POST', '/holds', { cookie: clerkCookie, body: { cardNumber: patron.cardNumber, recordId, pickupBranch: 'central' } });
    expect([placed.status, placed.body.status, placed.body.itemId]).toEqual([201, 'pending', null]);
    const holdId = placed.body.id as string;
    const suspended = (await database.db.selectFrom('holds').select('suspended_until').where('id', '=', holdId).executeTakeFirstOrThrow()).suspended_until;
    expect(suspended).toBeNull();

    const until = '2026-04-15';
    const paused = await server.call('POST', `/holds/${holdId}/suspend`, { cookie: clerkCookie, body: { until } });
    expect([paused.status, paused.body.suspendedUntil, paused.body.status]).toEqual([200, until, 'pending']);

    for (const body of [{ until: '2026-02-31' }, { until: '15/04/2026' }, { until: '2026-03-02' }, {}, { until, reason: 'holiday' }]) {
      const answer = await server.call('POST', `/holds/${holdId}/suspend`, { cookie: clerkCookie, body });
      expect([answer.status, answer.body.error.code], JSON.stringify(body)).toEqual([400, 'VALIDATION_FAILED']);
    }
    const stored = async () => (await database.db.selectFrom('holds').select('suspended_until').where('id', '=', holdId).executeTakeFirstOrThrow()).suspended_until;
    expect(await stored()).toBe(until);

    const resumed = await server.call('POST', `/holds/${holdId}/suspend`, { cookie: clerkCookie, body: { until: null } });
    expect([resumed.status, resumed.body.suspendedUntil]).toEqual([200, null]);
    expect(await stored()).toBeNull();

    const unknown = await server.call('POST', '/holds/00000000-0000-4000-8000-000000000000/suspend', { cookie: clerkCookie, body: { until } });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'HOLD_NOT_FOUND']);
    const cancelled = await server.call('POST', `/holds/${holdId}/cancel`, { cookie: clerkCookie });
    expect(cancelled.status).toBe(200);
    const ended = await server.call('POST', `/holds/${holdId}/suspend`, { cookie: clerkCookie, body: { until } });
    expect([ended.status, ended.body.error.code]).toEqual([409, 'HOLD_NOT_ACTIVE']);
  });
});
