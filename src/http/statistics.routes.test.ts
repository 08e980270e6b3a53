import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, countRows, world, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { identifiersIn, scriptedMonth, type ScriptedMonth } from '../../test/statistics-month.js';
import { recoverableBySubtraction, unprotectedEntries } from '../policy/statistics.policy.js';
import { createStaff } from '../usecases/staff.usecases.js';
import { tableBounds } from '../solver/table-bounds.js';

const bounds = await tableBounds();

/** Statistics over HTTP: JSON and CSV exports, suppression, scope and bad input, on every engine. */
describe.each(ENGINES)('statistics API on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  let month: ScriptedMonth;
  const volunteer = { username: `stats-vol-${engine}`, password: '' };
  const librarian = { username: `stats-lib-${engine}`, password: '' };
  const clerk = { username: `stats-clerk-${engine}`, password: '' };
  const admin = { username: `stats-admin-${engine}`, password: '' };
  const elsewhere = { username: `stats-else-${engine}`, password: '' };
  const march = 'from=2026-03-01&to=2026-04-01';

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    month = await scriptedMonth(w, `stats-api-${engine}`);
    const other = (await buildLibrary(w)).library.id;
    volunteer.password = (await w.act(createStaff, { username: volunteer.username, libraryId: month.libraryId, roles: ['branch-manager'] })).password;
    librarian.password = (await w.act(createStaff, { username: librarian.username, libraryId: month.libraryId, roles: ['librarian'] })).password;
    clerk.password = (await w.act(createStaff, { username: clerk.username, libraryId: month.libraryId, roles: ['circulation'] })).password;
    admin.password = (await w.act(createStaff, { username: admin.username, libraryId: null, roles: ['admin'] })).password;
    elsewhere.password = (await w.act(createStaff, { username: elsewhere.username, libraryId: other, roles: ['director'] })).password;
    server = await startServer(w);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  const path = (query: string) => `/libraries/${month.libraryId}/statistics?${query}`;

  it('exports JSON and CSV with small cells suppressed and no patron identifier, card, name, email or barcode', async () => {
    // Given a branch manager of the library (statistics are for managers, the director and the system administrator)
    const cookie = await server.login(volunteer);
    const logged = await countRows(database, 'access_log');
    const json = await server.call('GET', path(`kind=circulation&rows=branch&columns=item-type&${march}`), { cookie });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ kind: 'circulation', rows: 'branch', columns: 'item-type', threshold: 5, clause: 'IF-4', period: 'month' });
    // Then east's 2 DVD loans are suppressed, with complements, and nothing is recoverable or bounded below k
    expect(json.body.table.cells[0][1]).toEqual({ value: null, suppressed: true });
    expect(recoverableBySubtraction(json.body.table)).toEqual([]);
    expect(await unprotectedEntries(json.body.table, 5, bounds)).toEqual([]);
    expect(json.body.table.total).toEqual({ value: 42, suppressed: false });
    // Which hidden entries are small and which protect them is not published: the field stays, null
    expect(json.body.suppressed).toEqual({ total: 4, complementary: null, marginsOnly: false });

    // The test client parses JSON; CSV is fetched raw.
    const raw = await fetch(`${server.base}/api/v1${path(`kind=circulation&rows=branch&columns=item-type&${march}&format=csv`)}`, { headers: { cookie } });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await raw.text();
    expect(text.split('\r\n').slice(0, 4)).toEqual(['branch \\ item-type,book,dvd,total', 'east,<5,<5,14', 'main,<5,<5,28', 'total,32,10,42']);

    // And no export of any kind carries an identifier
    const exports: string[] = [json.text, text];
    for (const kind of ['circulation', 'registrations', 'programs', 'computer-use'])
      for (const format of ['json', 'csv']) {
        const answer = await fetch(`${server.base}/api/v1${path(`kind=${kind}&rows=period&columns=age-band&period=month&${march}&format=${format}`)}`, { headers: { cookie } });
        expect(answer.status).toBe(200);
        const text = await answer.text();
        if (format === 'json') expect(await unprotectedEntries(JSON.parse(text).table, 5, bounds)).toEqual([]);
        exports.push(text);
      }
    expect(identifiersIn(exports.join('\n'), month)).toEqual([]);
    // And reading statistics reads no patron: no access-log entry
    expect(await countRows(database, 'access_log')).toBe(logged);
  });

  it('lets librarians and the system administrator read them, not a clerk, and no one another library’s', async () => {
    const asAdmin = await server.call('GET', path(`kind=registrations&rows=period&columns=age-band&${march}`), { cookie: await server.login(admin) });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.table.total).toEqual({ value: 12, suppressed: false });
    const asLibrarian = await server.call('GET', path(`kind=registrations&rows=period&columns=age-band&${march}`), { cookie: await server.login(librarian) });
    expect(asLibrarian.status).toBe(200);
    expect(asLibrarian.body).toEqual(asAdmin.body);
    const asClerk = await server.call('GET', path(`kind=registrations&rows=period&columns=age-band&${march}`), { cookie: await server.login(clerk) });
    expect({ status: asClerk.status, code: asClerk.body.error.code }).toEqual({ status: 403, code: 'PERMISSION_DENIED' });
    const other = await server.call('GET', path(`kind=registrations&rows=period&columns=age-band&${march}`), { cookie: await server.login(elsewhere) });
    expect({ status: other.status, code: other.body.error.code }).toEqual({ status: 404, code: 'LIBRARY_NOT_FOUND' });
    expect((await server.call('GET', path(`kind=registrations&rows=period&columns=age-band&${march}`))).status).toBe(401);
  });

  it('answers sign-ins to vendors by month and vendor, in JSON and CSV, and refuses any other dimension for them (issue 19, CB-D)', async () => {
    const cookie = await server.login(volunteer);
    const json = await server.call('GET', path(`kind=vendor-sign-ins&rows=period&columns=vendor&${march}`), { cookie });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ kind: 'vendor-sign-ins', measure: 'sign-ins to vendors', rows: 'period', columns: 'vendor', table: { rowLabels: [], columnLabels: [], total: { value: 0, suppressed: false } } });
    const raw = await fetch(`${server.base}/api/v1${path(`kind=vendor-sign-ins&rows=vendor&columns=period&${march}&format=csv`)}`, { headers: { cookie } });
    expect([raw.status, (await raw.text()).split('\r\n')[0]]).toEqual([200, 'vendor \\ period,total']);
    const byAge = await server.call('GET', path(`kind=vendor-sign-ins&rows=age-band&columns=vendor&${march}`), { cookie });
    expect({ status: byAge.status, code: byAge.body.error.code, field: byAge.body.error.problems[0].field }).toEqual({ status: 400, code: 'VALIDATION_FAILED', field: 'rows' });
  });

  it('refuses an unknown dimension, a dimension the kind has not, days, a period that is not whole months that have ended, and more than 36 months', async () => {
    const cookie = await server.login(volunteer);
    const unknown = await server.call('GET', path(`kind=circulation&rows=patron-name&columns=branch&${march}`), { cookie });
    expect({ status: unknown.status, code: unknown.body.error.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    const notHere = await server.call('GET', path(`kind=programs&rows=item-type&columns=branch&${march}`), { cookie });
    expect({ status: notHere.status, code: notHere.body.error.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    const backwards = await server.call('GET', path('kind=circulation&rows=branch&columns=age-band&from=2026-04-01&to=2026-03-01'), { cookie });
    expect({ status: backwards.status, code: backwards.body.error.code }).toEqual({ status: 400, code: 'INVALID_DATE' });
    const notADay = await server.call('GET', path('kind=circulation&rows=branch&columns=age-band&from=2026-02-30&to=2026-03-01'), { cookie });
    expect({ status: notADay.status, code: notADay.body.error.code }).toEqual({ status: 400, code: 'INVALID_DATE' });
    const byDay = await server.call('GET', path(`kind=circulation&rows=period&columns=branch&period=day&${march}`), { cookie });
    expect({ status: byDay.status, code: byDay.body.error.code, field: byDay.body.error.problems[0].field }).toEqual({ status: 400, code: 'VALIDATION_FAILED', field: 'querystring/period' });
    const midMonth = await server.call('GET', path('kind=circulation&rows=branch&columns=age-band&from=2026-03-01&to=2026-03-15'), { cookie });
    expect({ status: midMonth.status, code: midMonth.body.error.code, field: midMonth.body.error.problems[0].field }).toEqual({ status: 400, code: 'INVALID_DATE', field: 'to' });
    // More than 36 months: too large a table to compute in a request
    const tooLong = await server.call('GET', path('kind=circulation&rows=period&columns=branch&from=2023-03-01&to=2026-04-01'), { cookie });
    expect({ status: tooLong.status, code: tooLong.body.error.code, field: tooLong.body.error.problems[0].field }).toEqual({ status: 422, code: 'STATISTICS_TABLE_TOO_LARGE', field: 'to' });
    const threeYears = await server.call('GET', path('kind=circulation&rows=period&columns=branch&from=2023-04-01&to=2026-04-01'), { cookie });
    expect(threeYears.status).toBe(200);
    // April (the clock's month, library time) has not ended
    const notEnded = await server.call('GET', path('kind=circulation&rows=branch&columns=age-band&from=2026-03-01&to=2026-05-01'), { cookie });
    expect({ status: notEnded.status, code: notEnded.body.error.code, field: notEnded.body.error.problems[0].field }).toEqual({ status: 400, code: 'INVALID_DATE', field: 'to' });
  });
});
