import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, countRows, world, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { checkin, checkout } from '../usecases/circulation.usecases.js';
import { createStaff } from '../usecases/staff.usecases.js';

/** Profiles, retention runs, receipts and reading-history consent over HTTP, on every engine. */
describe.each(ENGINES)('retention API on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  let jackson: string;
  let carlsbad: string;
  const admin = { username: `ret-admin-${engine}`, password: '' };
  const desk = { username: `ret-desk-${engine}`, password: '' };
  const clerkAnywhere = { username: `ret-clerk-${engine}`, password: '' };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    jackson = (await buildLibrary(w, { id: `jc-${engine}`, profileId: 'jackson-county-or' })).library.id;
    carlsbad = (await buildLibrary(w, { id: `cb-${engine}`, profileId: 'carlsbad-nm' })).library.id;
    admin.password = (await w.act(createStaff, { username: admin.username, libraryId: null, roles: ['admin'] })).password;
    desk.password = (await w.act(createStaff, { username: desk.username, libraryId: jackson, roles: ['circulation'] })).password;
    clerkAnywhere.password = (await w.act(createStaff, { username: clerkAnywhere.username, libraryId: carlsbad, roles: ['circulation'] })).password;
    server = await startServer(w);
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('lists the shipped profiles and shows one with every rule and its clause', async () => {
    const cookie = await server.login(desk);
    const list = await server.call('GET', '/profiles', { cookie });
    expect(list.status).toBe(200);
    expect(list.body.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining(['strict-default', 'carlsbad-nm', 'imagineif-mt']));
    const one = await server.call('GET', '/profiles/carlsbad-nm', { cookie });
    expect(one.body.retention.loans).toEqual({ afterReturn: 'keep-months', months: 12, clause: 'CB-F3' });
    expect(one.body.file).toBeUndefined();
    expect((await server.call('GET', '/profiles/no-such-profile', { cookie })).body.error.code).toBe('PROFILE_NOT_FOUND');
  });

  it('JC-IIIc: keeps reading history only after the patron opts in, and deletes it when they opt out', async () => {
    // Given a jackson-county-or patron who opts in, then borrows and returns a book
    const cookie = await server.login(desk);
    const patron = await buildPatron(w, { libraryId: jackson });
    const book = await buildItem(w, { libraryId: jackson });
    const optIn = await server.call('PUT', `/patrons/${patron.id}/reading-history`, { cookie, body: { keep: true } });
    expect(optIn).toMatchObject({ status: 200, body: { readingHistory: true, loansDeleted: 0 } });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: book.barcode });
    w.clock.advanceDays(2);
    await w.act(checkin, { itemBarcode: book.barcode });
    // When the administrator runs retention: the history stays
    const adminCookie = await server.login(admin);
    const runAnswer = await server.call('POST', '/retention/runs', { cookie: adminCookie, body: { libraryId: jackson } });
    expect(runAnswer.status).toBe(200);
    const circulation = runAnswer.body.libraries[0].categories.find((c: { category: string }) => c.category === 'circulation');
    expect(circulation).toMatchObject({ disposed: 0, kept: 1, clause: 'JC-IIIc' });
    expect(await countRows(database, 'loans')).toBe(1);
    // When the patron opts out (at the desk, a new session two days on): the history goes in the same request
    const optOut = await server.call('PUT', `/patrons/${patron.id}/reading-history`, { cookie: await server.login(desk), body: { keep: false } });
    expect(optOut).toMatchObject({ status: 200, body: { readingHistory: false, since: null, loansDeleted: 1 } });
    expect(await countRows(database, 'loans')).toBe(0);
  });

  it('refuses reading history where the profile does not offer it, and bad input, changing nothing', async () => {
    // A clerk at Carlsbad's desk; the system administrator records no patron's choices.
    expect((await server.call('PUT', `/patrons/${(await buildPatron(w, { libraryId: carlsbad })).id}/reading-history`, { cookie: await server.login(admin), body: { keep: true } })).body.error.code).toBe(
      'PERMISSION_DENIED',
    );
    const cookie = await server.login(clerkAnywhere);
    const patron = await buildPatron(w, { libraryId: carlsbad });
    const refused = await server.call('PUT', `/patrons/${patron.id}/reading-history`, { cookie, body: { keep: true } });
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 422, code: 'READING_HISTORY_NOT_OFFERED' });
    const bad = await server.call('PUT', `/patrons/${patron.id}/reading-history`, { cookie, body: { keep: 'yes' } });
    expect(bad.status).toBe(400);
  });

  it('lets only administrators run retention and read receipts; receipts carry rule, clause and counts, no personal data', async () => {
    const deskCookie = await server.login(desk);
    expect((await server.call('POST', '/retention/runs', { cookie: deskCookie, body: { libraryId: jackson } })).body.error.code).toBe('PERMISSION_DENIED');
    expect((await server.call('GET', `/libraries/${jackson}/retention/runs`, { cookie: deskCookie })).body.error.code).toBe('PERMISSION_DENIED');
    const cookie = await server.login(admin);
    const dry = await server.call('POST', '/retention/runs', { cookie, body: { libraryId: carlsbad, dryRun: true } });
    expect(dry.body).toMatchObject({ dryRun: true, libraries: [{ runId: null }] });
    const history = await server.call('GET', `/libraries/${jackson}/retention/runs`, { cookie });
    // `limit` arrives as text in the query string: digits from 1 to 100, anything else refused.
    const latest = await server.call('GET', `/libraries/${jackson}/retention/runs?limit=1`, { cookie });
    expect(latest.status).toBe(200);
    expect(latest.body.runs).toHaveLength(1);
    for (const bad of ['0', '101', 'x', '1.5']) expect((await server.call('GET', `/libraries/${jackson}/retention/runs?limit=${bad}`, { cookie })).status).toBe(400);
    expect(history.status).toBe(200);
    expect(history.body.runs.length).toBeGreaterThan(0);
    const receipt = history.body.runs[0].receipts.find((r: { category: string }) => r.category === 'circulation');
    expect(Object.keys(receipt).sort()).toEqual(['category', 'clause', 'disposal', 'disposed', 'firstAt', 'held', 'kept', 'lastAt', 'rule']);
    // In Spanish (`lang=es`) the same receipts state their rule and disposal in words; counts and clauses stay.
    const spanish = await server.call('GET', `/libraries/${jackson}/retention/runs?lang=es`, { cookie });
    const recibo = spanish.body.runs[0].receipts.find((r: { category: string }) => r.category === 'circulation');
    expect({ ...recibo, rule: undefined, disposal: undefined }).toEqual({ ...receipt, rule: undefined, disposal: undefined });
    expect(recibo.rule).not.toBe(receipt.rule);
    expect(recibo.disposal).not.toBe(receipt.disposal);
    expect(`${recibo.rule} ${recibo.disposal}`).toMatch(/préstamo|eliminad|estadísticas/);
    expect((await server.call('GET', `/libraries/no-such-lib/retention/runs`, { cookie })).body.error.code).toBe('LIBRARY_NOT_FOUND');
  });
});
