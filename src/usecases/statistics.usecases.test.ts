import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, refusal, refusalCodes, world, type World } from '../../test/factories.js';
import { identifiersIn, scriptedMonth, type ScriptedMonth } from '../../test/statistics-month.js';
import { recoverableBySubtraction, unprotectedEntries, type Cell } from '../policy/statistics.policy.js';
import { runRetention } from '../jobs/retention.job.js';
import { checkin, checkout } from './circulation.usecases.js';
import { placeLegalHold, releaseLegalHold } from './legal-hold.usecases.js';
import { countServices, setReadingHistory } from './retention.usecases.js';
import { endComputerSession, startComputerSession } from './service-record.usecases.js';
import { KIND_DIMENSIONS, statistics, statisticsCsv, statisticsText, STATISTICS_KINDS, STATISTICS_LIMITS, type PublishedTable, type StatisticsInput, type StatisticsResult } from './statistics.usecases.js';
import { SYSTEM } from '../policy/actors.js';
import { recordVendorSignIn } from './vendor-sign-in.usecases.js';
import { createVendor } from './vendor.usecases.js';
import { uncountedServices } from '../storage/statistics.repository.js';
import type { Actor } from '../policy/actors.js';
import { cancelSignup, signUpForProgram } from './service-record.usecases.js';
import { deletePatron } from './patron-deletion.usecases.js';
import { tableBounds } from '../solver/table-bounds.js';

const bounds = await tableBounds();

/** Every table a result publishes passes the bounds audit and subtraction along one line recovers nothing. */
async function expectProtected(result: StatisticsResult): Promise<void> {
  for (const table of [result.table, ...(result.minutes ? [result.minutes] : [])]) {
    expect(recoverableBySubtraction(table)).toEqual([]);
    // Without the true counts the audit is stricter than the rule: any hidden entry not provably 0 must reach k
    expect(await unprotectedEntries(table, result.threshold, bounds)).toEqual([]);
  }
}

const maskOf = (t: PublishedTable): boolean[][] => [...t.cells.map((row, i) => [...row, t.rowTotals[i] as Cell]), [...t.columnTotals, t.total]].map((row) => row.map((c) => c.suppressed));
const transposed = <T,>(grid: T[][]): T[][] => (grid[0] ?? []).map((_, j) => grid.map((row) => row[j] as T));

/** Statistics from the aggregates (CB-A6, RF-3, IF-4, JC-IVd; DESIGN.md invariant 6), on every engine. */
describe.each(ENGINES)('statistics on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let month: ScriptedMonth;
  const march = { from: '2026-03-01', to: '2026-04-01' };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    month = await scriptedMonth(w, `stats-${engine}`);
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  const read = (input: Omit<StatisticsInput, 'libraryId'> & { libraryId?: string }, actor?: Actor) =>
    w.act(statistics, { libraryId: month.libraryId, ...input }, { purpose: 'statistics', ...(actor ? { actor } : {}) });

  it('writes the aggregates: registrations when registering, loans when lent, services by the run after they end', async () => {
    const db = database.db;
    const registrations = await db.selectFrom('registration_stats').selectAll().where('library_id', '=', month.libraryId).execute();
    expect(registrations.reduce((n, r) => n + Number(r.registrations), 0)).toBe(12);
    expect(registrations.map((r) => [r.day, r.branch_id, r.patron_category, r.age_band, Number(r.registrations)]).sort()).toEqual([
      ['2026-03-02', '-', 'adult', '18-64', 10],
      ['2026-03-02', '-', 'juvenile', '0-12', 2],
    ]);
    const loans = await db.selectFrom('circulation_stats').select('loans').where('library_id', '=', month.libraryId).execute();
    expect(loans.reduce((n, r) => n + Number(r.loans), 0)).toBe(42);
    const services = await db.selectFrom('service_stats').selectAll().where('library_id', '=', month.libraryId).execute();
    const sessions = services.filter((s) => s.kind === 'computer-session');
    expect(sessions.reduce((n, s) => n + Number(s.records), 0)).toBe(8);
    expect(sessions.reduce((n, s) => n + Number(s.minutes), 0)).toBe(month.sessions.minutes);
    expect(sessions.filter((s) => s.patron_category === 'guest').reduce((n, s) => n + Number(s.records), 0)).toBe(2);
    expect(services.filter((s) => s.kind === 'program-signup').reduce((n, s) => n + Number(s.records), 0)).toBe(7);
    // Every service is counted under a day of March, when it ended
    expect(services.every((s) => s.day.startsWith('2026-03-'))).toBe(true);
    // The records themselves are gone: the statistics came from rows really deleted.
    expect(Number((await db.selectFrom('service_records').select((eb) => eb.fn.countAll().as('n')).where('library_id', '=', month.libraryId).executeTakeFirstOrThrow()).n)).toBe(0);
  });

  it('counts a computer session once, however often retention runs', async () => {
    // Given one more session, ended, and two retention runs after it
    const { library, branch } = await buildLibrary(w, { profileId: 'imagineif-mt' });
    const patron = await buildPatron(w, { libraryId: library.id });
    const session = await w.act(startComputerSession, { cardNumber: patron.cardNumber, branch: branch.code, station: 'PC-1' });
    w.clock.advanceMinutes(45);
    await w.act(endComputerSession, { sessionId: session.id });
    w.clock.advanceDays(1);
    const first = await runRetention(w.runtime, { libraryId: library.id });
    expect(first.libraries[0]?.servicesCounted).toBe(1);
    w.clock.advanceDays(1);
    const second = await runRetention(w.runtime, { libraryId: library.id });
    expect(second.libraries[0]?.servicesCounted).toBe(0);
    // Then one record of 45 minutes under the patron's category and band, at the branch
    const rows = await database.db.selectFrom('service_stats').selectAll().where('library_id', '=', library.id).execute();
    expect(rows.map((r) => ({ kind: r.kind, branch: r.branch_id, category: r.patron_category, band: r.age_band, records: Number(r.records), minutes: Number(r.minutes) }))).toEqual([
      { kind: 'computer-session', branch: branch.id, category: 'adult', band: '18-64', records: 1, minutes: 45 },
    ]);
  });

  it('counts only services that took place: not a cancelled sign-up, not a session still open when its patron is deleted', async () => {
    const { library, branch } = await buildLibrary(w, { profileId: 'imagineif-mt' });
    const patron = await buildPatron(w, { libraryId: library.id });
    const inHours = (hours: number) => new Date(w.clock.now().getTime() + hours * 3_600_000).toISOString();
    const signup = await w.act(signUpForProgram, { cardNumber: patron.cardNumber, program: 'knitting', branch: branch.code, startsAt: inHours(2), endsAt: inHours(3) });
    await w.act(cancelSignup, { signupId: signup.id });
    w.clock.advanceDays(10);
    await runRetention(w.runtime, { libraryId: library.id });
    // A session still open when the patron's record is deleted is not a use of the computer to count
    await w.act(startComputerSession, { cardNumber: patron.cardNumber, branch: branch.code, station: 'PC-9' });
    await w.act(deletePatron, { patronId: patron.id }, { purpose: 'account-service' });
    const rows = await database.db.selectFrom('service_stats').selectAll().where('library_id', '=', library.id).execute();
    expect(rows).toEqual([]);
  });

  it('counts a service once when a page read before its patron was deleted is counted after: count and delete, or count twice', async () => {
    // Given two patrons' computer sessions, ended, and a retention run's page of uncounted services read
    // before anything else happens (as a run on PostgreSQL may, while another transaction deletes a patron)
    const { library, branch } = await buildLibrary(w, { profileId: 'imagineif-mt' });
    const leaving = await buildPatron(w, { libraryId: library.id });
    const staying = await buildPatron(w, { libraryId: library.id });
    for (const [patron, station] of [
      [leaving, 'PC-1'],
      [staying, 'PC-2'],
    ] as const) {
      const session = await w.act(startComputerSession, { cardNumber: patron.cardNumber, branch: branch.code, station });
      w.clock.advanceMinutes(30);
      await w.act(endComputerSession, { sessionId: session.id });
    }
    w.clock.advanceDays(1);
    const asOf = w.clock.now().toISOString();
    const page = (await uncountedServices(database.db, library.id, asOf, 100)).map((f) => f.id);
    expect(page).toHaveLength(2);
    const records = async () => (await database.db.selectFrom('service_stats').select('records').where('library_id', '=', library.id).execute()).reduce((n, r) => n + Number(r.records), 0);
    // When one patron is deleted first (their session is counted as its record goes)
    await w.act(deletePatron, { patronId: leaving.id }, { purpose: 'account-service' });
    expect(await records()).toBe(1);
    // Then counting the stale page counts only the other session, and counting it again counts nothing
    expect(await w.act(countServices, { library, ids: page, asOf })).toEqual({ counted: 1 });
    expect(await w.act(countServices, { library, ids: page, asOf })).toEqual({ counted: 0 });
    expect(await records()).toBe(2);
    // And deleting the other patron now, after the count, adds nothing
    await w.act(deletePatron, { patronId: staying.id }, { purpose: 'account-service' });
    expect(await records()).toBe(2);
    expect((await runRetention(w.runtime, { libraryId: library.id })).libraries[0]?.servicesCounted).toBe(0);
    expect(await records()).toBe(2);
  });

  it('refuses a table larger than 36 months, 2,000 cells or 200 values a side (STATISTICS_TABLE_TOO_LARGE), before suppressing anything', async () => {
    expect(STATISTICS_LIMITS).toEqual({ months: 36, cells: 2_000, labels: 200 });
    // 37 months, or four years by year: refused, and `to` says where; 36 months and three years are answered
    const tooLong = await refusal(read({ kind: 'circulation', rows: 'branch', columns: 'age-band', from: '2023-03-01', to: '2026-04-01' }));
    expect(tooLong.problems.map((p) => [p.code, p.field])).toEqual([['STATISTICS_TABLE_TOO_LARGE', 'to']]);
    expect((await read({ kind: 'circulation', rows: 'branch', columns: 'age-band', from: '2023-04-01', to: '2026-04-01' })).table.total.value).toBe(42);
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'period', columns: 'branch', from: '2022-01-01', to: '2026-01-01', period: 'year' }))).toEqual(['STATISTICS_TABLE_TOO_LARGE']);
    expect((await read({ kind: 'circulation', rows: 'period', columns: 'branch', from: '2023-01-01', to: '2026-01-01', period: 'year' })).period).toBe('year');
    // Given a library whose 36 months of loans have 56 item types: 36 × 56 = 2,016 cells, refused; 55 types answer
    const { library, branch } = await buildLibrary(w, { profileId: 'imagineif-mt' });
    const rows = [];
    for (let m = 0; m < 36; m++) {
      const day = `${2023 + Math.floor((m + 3) / 12)}-${String(((m + 3) % 12) + 1).padStart(2, '0')}-15`;
      for (let t = 0; t < 56; t++) rows.push({ library_id: library.id, day, branch_id: branch.id, item_type: `type-${String(t).padStart(2, '0')}`, patron_category: 'adult', age_band: '18-64', loans: 20 });
    }
    for (let i = 0; i < rows.length; i += 200) await database.db.insertInto('circulation_stats').values(rows.slice(i, i + 200)).execute();
    const big = { libraryId: library.id, kind: 'circulation', rows: 'period', columns: 'item-type', from: '2023-04-01', to: '2026-04-01' } as const;
    const tooMany = await refusal(read(big));
    expect(tooMany.problems.map((p) => p.code)).toEqual(['STATISTICS_TABLE_TOO_LARGE']);
    expect(tooMany.message).toContain('36 × 56');
    expect(await refusalCodes(read({ ...big, rows: 'item-type', columns: 'period' }))).toEqual(['STATISTICS_TABLE_TOO_LARGE']);
    await database.db.deleteFrom('circulation_stats').where('library_id', '=', library.id).where('item_type', '=', 'type-55').execute();
    const answered = await read(big);
    expect([answered.table.rowLabels.length, answered.table.columnLabels.length]).toEqual([36, 55]);
    expect(answered.table.total.value).toBe(36 * 55 * 20);
    // And 201 item types in one month: 201 cells, but too long a table (a long thin one is the slowest)
    const long = await buildLibrary(w, { profileId: 'imagineif-mt' });
    const types = Array.from({ length: 201 }, (_, t) => ({ library_id: long.library.id, day: '2026-03-15', branch_id: long.branch.id, item_type: `type-${String(t).padStart(3, '0')}`, patron_category: 'adult', age_band: '18-64', loans: 20 }));
    for (let i = 0; i < types.length; i += 100) await database.db.insertInto('circulation_stats').values(types.slice(i, i + 100)).execute();
    const thin = { libraryId: long.library.id, kind: 'circulation', rows: 'item-type', columns: 'age-band', ...march } as const;
    expect((await refusal(read(thin))).problems.map((p) => [p.code, p.field])).toEqual([['STATISTICS_TABLE_TOO_LARGE', 'rows']]);
    expect((await refusal(read({ ...thin, rows: 'age-band', columns: 'item-type' }))).problems.map((p) => [p.code, p.field])).toEqual([['STATISTICS_TABLE_TOO_LARGE', 'columns']]);
    await database.db.deleteFrom('circulation_stats').where('library_id', '=', long.library.id).where('item_type', '=', 'type-200').execute();
    expect((await read(thin)).table.rowLabels).toHaveLength(200);
  });

  it('suppresses the small cell and enough others that none can be bounded below k from the totals', async () => {
    // Given east's DVDs lent twice in March (below the threshold, 5)
    const table = await read({ kind: 'circulation', rows: 'branch', columns: 'item-type', ...march });
    expect(table.threshold).toBe(5);
    expect(table.clause).toBe('IF-4');
    expect(table.table.rowLabels).toEqual(['east', 'main']);
    expect(table.table.columnLabels).toEqual(['book', 'dvd']);
    // Then that cell is not published, nor is one more in its row and its column
    expect(table.table.cells[0]![1]).toEqual({ value: null, suppressed: true });
    expect(table.table.cells[0]!.filter((c) => c.suppressed)).toHaveLength(2);
    expect(table.table.cells.map((row) => row[1]!).filter((c) => c.suppressed)).toHaveLength(2);
    // And the totals are published and true
    expect(table.table.total).toEqual({ value: 42, suppressed: false });
    expect(table.table.columnTotals.map((c) => c.value)).toEqual([32, 10]);
    // And nothing can be worked out: not along one line, not from all of them together
    await expectProtected(table);
    expect(await unprotectedEntries(table.table, 5, bounds, [[12, 2], [20, 8]])).toEqual([]);
    // Which hidden entries are small and which protect them is not published: with the totals, that
    // split can give a small count away. The field stays, null.
    expect(table.suppressed).toEqual({ total: 4, complementary: null, marginsOnly: false });
    const csv = statisticsCsv(table);
    expect(csv.split('\r\n').slice(0, 4)).toEqual(['branch \\ item-type,book,dvd,total', 'east,<5,<5,14', 'main,<5,<5,28', 'total,32,10,42']);
    const text = statisticsText(table);
    expect(text).toContain('Entries shown as <5 are hidden (IF-4): either below 5, or hidden so that a small one cannot be worked out.');
    expect(text).not.toContain('more are hidden');
  });

  it('hides the same entries whichever dimension is asked for as the rows', async () => {
    for (const [kind, a, b] of [
      ['circulation', 'branch', 'item-type'],
      ['circulation', 'age-band', 'patron-category'],
      ['computer-use', 'branch', 'patron-category'],
      ['registrations', 'period', 'age-band'],
    ] as const) {
      const one = await read({ kind, rows: a, columns: b, ...march });
      const other = await read({ kind, rows: b, columns: a, ...march });
      expect(maskOf(other.table)).toEqual(transposed(maskOf(one.table)));
      expect(other.table.cells).toEqual(transposed(one.table.cells));
      await expectProtected(other);
    }
  });

  it('answers every kind by month, with no patron identifier, card number, name, email or barcode', async () => {
    const texts: string[] = [];
    for (const kind of STATISTICS_KINDS)
      for (const [rows, columns] of [
        ['period', 'age-band'],
        ['branch', 'patron-category'],
        ['patron-category', 'period'],
        ['vendor', 'period'],
      ] as const) {
        // Each kind by its own dimensions (vendor sign-ins: period and vendor only, tested below)
        if (!KIND_DIMENSIONS[kind].includes(rows) || !KIND_DIMENSIONS[kind].includes(columns)) continue;
        const result = await read({ kind, rows, columns, ...march, period: 'month' });
        await expectProtected(result);
        texts.push(JSON.stringify(result), statisticsCsv(result));
      }
    const all = texts.join('\n');
    expect(identifiersIn(all, month)).toEqual([]);
    // The months' counts are there: 12 registrations in March, 8 sessions of which 2 on guest passes
    const registrations = await read({ kind: 'registrations', rows: 'period', columns: 'age-band', ...march });
    expect(registrations.table.rowLabels).toEqual(['2026-03']);
    expect(registrations.table.total.value).toBe(12);
    expect(registrations.table.columnLabels).toEqual(['0-12', '18-64']);
    // Computer use: 6 sessions at main by adults, 2 at east on guest passes. East's 2 is small, and so
    // is its row total; the guest column's total is the same 2. Each total hides the smallest other
    // one with it (main's 6, adults' 6), the grand total 8 is published, and the two cells are hidden.
    const computers = await read({ kind: 'computer-use', rows: 'branch', columns: 'patron-category', ...march });
    expect(computers.table.columnLabels).toEqual(['adult', 'guest']);
    expect(computers.table.cells).toEqual([
      [{ value: 0, suppressed: false }, { value: null, suppressed: true }],
      [{ value: null, suppressed: true }, { value: 0, suppressed: false }],
    ]);
    expect([...computers.table.rowTotals, ...computers.table.columnTotals].every((c) => c.suppressed)).toBe(true);
    expect(computers.table.total).toEqual({ value: 8, suppressed: false });
    expect(computers.minutes?.total).toEqual({ value: month.sessions.minutes, suppressed: false });
    expect(computers.minutes?.cells[1]![0]).toEqual({ value: null, suppressed: true });
    expect(await unprotectedEntries(computers.table, 5, bounds, [[0, 2], [6, 0]])).toEqual([]);
    // By year: whole years only, from 1 January to 1 January (2026 has not ended; 2025 holds nothing)
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'period', columns: 'branch', from: '2026-01-01', to: '2026-04-01', period: 'year' }))).toEqual(['INVALID_DATE']);
    const lastYear = await read({ kind: 'circulation', rows: 'period', columns: 'branch', from: '2025-01-01', to: '2026-01-01', period: 'year' });
    expect({ period: lastYear.period, rows: lastYear.table.rowLabels, total: lastYear.table.total }).toEqual({ period: 'year', rows: [], total: { value: 0, suppressed: false } });
  });

  it('refuses bad input, periods that are not whole months that have ended, and another library’s statistics', async () => {
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'patron-name', columns: 'branch', ...march }))).toEqual(['VALIDATION_FAILED']);
    expect(await refusalCodes(read({ kind: 'registrations', rows: 'item-type', columns: 'branch', ...march }))).toEqual(['VALIDATION_FAILED']);
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'branch', columns: 'branch', ...march }))).toEqual(['VALIDATION_FAILED']);
    expect(await refusalCodes(read({ kind: 'loans', rows: 'branch', columns: 'age-band', ...march }))).toEqual(['VALIDATION_FAILED']);
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'branch', columns: 'age-band', from: '2026-04-01', to: '2026-03-01' }))).toEqual(['INVALID_DATE']);
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'branch', columns: 'age-band', from: '2026-02-30', to: '2026-03-01' }))).toEqual(['INVALID_DATE']);
    // Days are not a period any more, and a period is whole months (whole years by year) that have ended
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'period', columns: 'branch', ...march, period: 'day' }))).toEqual(['VALIDATION_FAILED']);
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'branch', columns: 'age-band', from: '2026-03-02', to: '2026-03-16' }))).toEqual(['INVALID_DATE', 'INVALID_DATE']);
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'period', columns: 'branch', from: '2026-03-01', to: '2027-01-01', period: 'year' }))).toEqual(['INVALID_DATE', 'INVALID_DATE']);
    // The clock says April 2026 (library time): April has not ended
    const now = w.clock.now().toISOString().slice(0, 7);
    expect(now).toBe('2026-04');
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'branch', columns: 'age-band', from: '2026-03-01', to: '2026-05-01' }))).toEqual(['INVALID_DATE']);
    expect((await read({ kind: 'circulation', rows: 'branch', columns: 'age-band', from: '2026-01-01', to: '2026-04-01' })).table.total.value).toBe(42);
    // Staff of another library, and a library that does not exist, get the same answer
    const other = await buildLibrary(w);
    const volunteer: Actor = { kind: 'staff', id: 'stats-manager', libraryId: other.library.id, roles: ['branch-manager'] };
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'branch', columns: 'age-band', ...march }, volunteer))).toEqual(['LIBRARY_NOT_FOUND']);
    expect(await refusalCodes(read({ libraryId: 'no-such-library', kind: 'circulation', rows: 'branch', columns: 'age-band', ...march }))).toEqual(['LIBRARY_NOT_FOUND']);
    // A branch manager and a librarian of the library read them; a clerk and a patron do not
    const own: Actor = { ...volunteer, libraryId: month.libraryId };
    expect((await read({ kind: 'circulation', rows: 'branch', columns: 'age-band', ...march }, own)).table.total.value).toBe(42);
    expect((await read({ kind: 'circulation', rows: 'branch', columns: 'age-band', ...march }, { ...own, roles: ['librarian'] })).table.total.value).toBe(42);
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'branch', columns: 'age-band', ...march }, { ...own, roles: ['circulation'] }))).toEqual(['PERMISSION_DENIED']);
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'branch', columns: 'age-band', ...march }, { kind: 'patron', id: month.patronIds[0]!, libraryId: month.libraryId }))).toEqual([
      'PERMISSION_DENIED',
    ]);
  });
});

/**
 * A published month never changes (statistics.usecases.ts): what happens to a patron's records after
 * the month — reading history deleted, a legal hold released, the record deleted — adds nothing to it,
 * so two publications of the month, subtracted, show nothing about that patron. On every engine.
 */
describe.each(ENGINES)('statistics of a month that has ended, on %s', (engine) => {
  let database: TestDatabase;
  let w: World;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    // May 2026: 4 May, 10:00 in Denver
    w = await world(database, '2026-05-04T16:00:00.000Z');
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  const may = { from: '2026-05-01', to: '2026-06-01' };
  const read = (libraryId: string, input: Omit<StatisticsInput, 'libraryId'>) => w.act(statistics, { libraryId, ...input }, { purpose: 'statistics' });
  /** Every published table of a month for one kind, and the raw aggregate rows under its days. */
  const snapshot = async (libraryId: string, kinds: readonly (typeof STATISTICS_KINDS)[number][]) => {
    const tables: unknown[] = [];
    for (const kind of kinds)
      for (const [rows, columns] of [
        ['branch', 'patron-category'],
        ['period', 'age-band'],
      ] as const)
        tables.push(await read(libraryId, { kind, rows, columns, ...may }));
    const raw = async (table: 'circulation_stats' | 'registration_stats' | 'service_stats') =>
      (await database.db.selectFrom(table).selectAll().where('library_id', '=', libraryId).where('day', '>=', '2026-05-01').where('day', '<', '2026-06-01').execute())
        .map((r) => JSON.stringify(Object.entries(r).map(([key, value]) => [key, typeof value === 'string' ? value : Number(value)])))
        .sort();
    return { tables, circulation: await raw('circulation_stats'), registrations: await raw('registration_stats'), services: await raw('service_stats') };
  };

  it('loans: opting out of reading history, a released legal hold and a deleted record change nothing in a published month', async () => {
    // Given a jackson-county-or library in May: a reader who keeps their reading history, a patron under a
    // legal hold, and six others, each borrowing and returning a book
    const { library, branch } = await buildLibrary(w, { profileId: 'jackson-county-or' });
    const reader = await buildPatron(w, { libraryId: library.id });
    const held = await buildPatron(w, { libraryId: library.id });
    const others = [];
    for (let i = 0; i < 6; i++) others.push(await buildPatron(w, { libraryId: library.id }));
    await w.act(setReadingHistory, { cardNumber: reader.cardNumber, keep: true });
    for (const patron of [reader, held, ...others]) {
      const item = await buildItem(w, { libraryId: library.id, branch: branch.code });
      await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
      w.clock.advanceMinutes(90);
      await w.act(checkin, { itemBarcode: item.barcode });
    }
    const hold = await w.act(placeLegalHold, { libraryId: library.id, patrons: [{ patronId: held.id }], categories: ['circulation'], reason: 'Preservation letter 2026-9' });
    // When June comes and the nightly run has gone by, May is published
    w.clock.set('2026-06-03T08:00:00.000Z');
    await runRetention(w.runtime, { libraryId: library.id });
    const published = await snapshot(library.id, ['circulation', 'registrations']);
    const loansOf = async (patronId: string) => Number((await database.db.selectFrom('loans').select((eb) => eb.fn.countAll().as('n')).where('patron_id', '=', patronId).executeTakeFirstOrThrow()).n);
    expect([await loansOf(reader.id), await loansOf(held.id)]).toEqual([1, 1]);
    expect(published.circulation.length).toBeGreaterThan(0);

    // Then the reader opts out (their loan is anonymised now), the hold is released and the next run
    // anonymises that loan, and the reader's record is deleted
    await w.act(setReadingHistory, { cardNumber: reader.cardNumber, keep: false });
    await w.act(releaseLegalHold, { holdId: hold.id });
    w.clock.advanceDays(1);
    await runRetention(w.runtime, { libraryId: library.id });
    await w.act(deletePatron, { patronId: reader.id }, { purpose: 'account-service' });
    expect([await loansOf(reader.id), await loansOf(held.id)]).toEqual([0, 0]);
    // And May reads exactly as it did: every table, and the aggregate rows under its days
    expect(await snapshot(library.id, ['circulation', 'registrations'])).toEqual(published);
  });

  it('services: counted by the run after they end, or when their record is deleted first; May never changes afterwards', async () => {
    // Given an imagineif-mt library in May: a patron's computer session and program, a guest's session
    const { library, branch } = await buildLibrary(w, { profileId: 'imagineif-mt' });
    w.clock.set('2026-05-20T16:00:00.000Z');
    const early = await buildPatron(w, { libraryId: library.id });
    const late = await buildPatron(w, { libraryId: library.id });
    const session = await w.act(startComputerSession, { cardNumber: early.cardNumber, branch: branch.code, station: 'PC-1' });
    w.clock.advanceMinutes(30);
    await w.act(endComputerSession, { sessionId: session.id });
    await w.act(signUpForProgram, { cardNumber: early.cardNumber, program: 'storytime', branch: branch.code, startsAt: '2026-05-25T16:00:00.000Z', endsAt: '2026-05-25T17:00:00.000Z' });
    const guest = await w.act(startComputerSession, { guestPass: 'GUEST-7', libraryId: library.id, branch: branch.code, station: 'PC-2' });
    w.clock.advanceMinutes(20);
    await w.act(endComputerSession, { sessionId: guest.id });
    // And a session that starts on 31 May, 23:30, and ends after midnight: it counts under 1 June
    w.clock.set('2026-06-01T05:30:00.000Z');
    const overnight = await w.act(startComputerSession, { cardNumber: late.cardNumber, branch: branch.code, station: 'PC-3' });
    w.clock.set('2026-06-01T06:20:00.000Z');
    await w.act(endComputerSession, { sessionId: overnight.id });

    // When June has begun but no retention run has counted May's services yet, they are not published
    w.clock.set('2026-06-02T16:00:00.000Z');
    expect(await refusalCodes(read(library.id, { kind: 'computer-use', rows: 'branch', columns: 'age-band', ...may }))).toEqual(['STATISTICS_INCOMPLETE']);
    expect(await refusalCodes(read(library.id, { kind: 'programs', rows: 'branch', columns: 'age-band', ...may }))).toEqual(['STATISTICS_INCOMPLETE']);
    // (Registrations and loans are counted as they happen: May is published already)
    expect((await read(library.id, { kind: 'registrations', rows: 'branch', columns: 'age-band', ...may })).table.total).toEqual({ value: null, suppressed: true });
    // The first patron's record is deleted before the run: their session and program, which took place,
    // are counted now, under the days they ended
    await w.act(deletePatron, { patronId: early.id }, { purpose: 'account-service' });
    const counted = async () =>
      (await database.db.selectFrom('service_stats').select(['day', 'kind', 'patron_category', 'records']).where('library_id', '=', library.id).orderBy('day').orderBy('kind').orderBy('patron_category').execute()).map(
        (r) => [r.day, r.kind, r.patron_category, Number(r.records)],
      );
    expect(await counted()).toEqual([
      ['2026-05-20', 'computer-session', 'adult', 1],
      ['2026-05-25', 'program-signup', 'adult', 1],
    ]);
    // Then the run counts the rest, the guest's session in May and the overnight one in June
    const run = await runRetention(w.runtime, { libraryId: library.id });
    expect(run.libraries[0]?.servicesCounted).toBe(2);
    expect(await counted()).toEqual([
      ['2026-05-20', 'computer-session', 'adult', 1],
      ['2026-05-20', 'computer-session', 'guest', 1],
      ['2026-05-25', 'program-signup', 'adult', 1],
      ['2026-06-01', 'computer-session', 'adult', 1],
    ]);
    const published = await snapshot(library.id, ['computer-use', 'programs', 'registrations']);

    // When the other patron is deleted later, and runs go by, May reads exactly as it did
    w.clock.set('2026-06-20T16:00:00.000Z');
    await w.act(deletePatron, { patronId: late.id }, { purpose: 'account-service' });
    await runRetention(w.runtime, { libraryId: library.id });
    expect(await snapshot(library.id, ['computer-use', 'programs', 'registrations'])).toEqual(published);
    // And June, which has not ended, is not published
    expect(await refusalCodes(read(library.id, { kind: 'computer-use', rows: 'branch', columns: 'age-band', from: '2026-06-01', to: '2026-07-01' }))).toEqual(['INVALID_DATE']);
  });
});

/**
 * Sign-ins per vendor per month (issue 19, CB-D: usage tracked only for statistics; RR-4, IF-4): counted
 * when a vendor is told a patron is valid, published by month and vendor name with small cells
 * suppressed, and holding no patron. On every engine.
 */
describe.each(ENGINES)('vendor sign-in statistics on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId = '';
  const patronIds: string[] = [];
  const cards: string[] = [];
  const vendors: Record<'big' | 'small' | 'proxy', string> = { big: '', small: '', proxy: '' };
  const spring = { from: '2026-03-01', to: '2026-05-01' };

  const read = (input: Omit<StatisticsInput, 'libraryId'>) => w.act(statistics, { libraryId, ...input }, { purpose: 'statistics' });
  const signIns = async (vendorId: string, n: number) => {
    for (const patronId of patronIds.slice(0, n)) expect(await w.act(recordVendorSignIn, { patronId, vendorId }, { purpose: 'authentication' })).toBe(true);
  };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    // Given an ImagineIF library (small cells below 5, IF-4) with two e-content vendors and a proxy
    libraryId = (await buildLibrary(w, { profileId: 'imagineif-mt' })).library.id;
    const admin = { actor: SYSTEM, purpose: 'administration' as const };
    const oidc = async (name: string) => (await w.act(createVendor, { libraryId, protocol: 'oidc', name, redirectUris: [`https://${name.split(' ')[0]!.toLowerCase()}.example/cb`] }, admin)).vendor.id;
    vendors.big = await oidc('Big Ebooks');
    vendors.small = await oidc('Small Films');
    vendors.proxy = (await w.act(createVendor, { libraryId, protocol: 'ezproxy', name: 'Campus Proxy', loginUrl: 'https://ezproxy.example.org/login' }, admin)).vendor.id;
    for (let i = 0; i < 8; i++) {
      const patron = await buildPatron(w, { libraryId });
      patronIds.push(patron.id);
      cards.push(patron.cardNumber);
    }
    // March: 8 sign-ins to the big vendor, 6 through the proxy, 3 to the small one; April: 6, 2, none
    await signIns(vendors.big, 8);
    await signIns(vendors.proxy, 6);
    await signIns(vendors.small, 3);
    w.clock.set('2026-04-10T17:00:00.000Z');
    await signIns(vendors.big, 6);
    await signIns(vendors.proxy, 2);
    w.clock.set('2026-05-02T17:00:00.000Z');
  });
  afterAll(() => database.drop());

  it('counts each sign-in in its vendor’s month, in a row that holds no patron', async () => {
    const rows = await database.db.selectFrom('vendor_sign_in_counts').selectAll().where('library_id', '=', libraryId).execute();
    expect(rows.map((r) => [r.vendor_id, r.month, Number(r.count)]).sort()).toEqual(
      [
        [vendors.big, '2026-03', 8],
        [vendors.big, '2026-04', 6],
        [vendors.proxy, '2026-03', 6],
        [vendors.proxy, '2026-04', 2],
        [vendors.small, '2026-03', 3],
      ].sort(),
    );
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual(['count', 'library_id', 'month', 'vendor_id']);
    const text = JSON.stringify(rows);
    for (const id of [...patronIds, ...cards]) expect(text).not.toContain(id);
  });

  it('publishes sign-ins by month and vendor name, the small vendor’s month and the proxy’s April hidden, no hidden count recoverable', async () => {
    const result = await read({ kind: 'vendor-sign-ins', rows: 'period', columns: 'vendor', ...spring });
    expect(result).toMatchObject({ kind: 'vendor-sign-ins', measure: 'sign-ins to vendors', threshold: 5, clause: 'IF-4' });
    expect(result.table.rowLabels).toEqual(['2026-03', '2026-04']);
    expect(result.table.columnLabels).toEqual(['Big Ebooks', 'Campus Proxy', 'Small Films']);
    // Small Films had 3 sign-ins in March, the proxy 2 in April: below 5, not published, nor its column's total of 3
    expect(result.table.cells[0]![2]).toEqual({ value: null, suppressed: true });
    expect(result.table.cells[1]![1]).toEqual({ value: null, suppressed: true });
    expect(result.table.columnTotals[2]).toEqual({ value: null, suppressed: true });
    expect(result.table.total).toEqual({ value: 25, suppressed: false });
    for (const line of [...result.table.cells.flat(), ...result.table.rowTotals, ...result.table.columnTotals])
      if (!line.suppressed) expect(line.value === 0 || (line.value as number) >= 5).toBe(true);
    await expectProtected(result);
    // The transpose hides the same entries
    const other = await read({ kind: 'vendor-sign-ins', rows: 'vendor', columns: 'period', ...spring });
    expect(maskOf(other.table)).toEqual(transposed(maskOf(result.table)));
    // No patron, card or vendor id in what is published: vendors by name
    const published = [JSON.stringify(result), statisticsCsv(result), statisticsText(result)].join('\n');
    for (const id of [...patronIds, ...cards, ...Object.values(vendors)]) expect(published).not.toContain(id);
    expect(statisticsCsv(result).split('\r\n')[0]).toBe('period \\ vendor,Big Ebooks,Campus Proxy,Small Films,total');
  });

  it('a vendor with fewer sign-ins than the threshold in the whole period is hidden, by year too', async () => {
    const march = await read({ kind: 'vendor-sign-ins', rows: 'vendor', columns: 'period', from: '2026-03-01', to: '2026-04-01' });
    const small = march.table.rowLabels.indexOf('Small Films');
    expect(march.table.rowTotals[small]).toEqual({ value: null, suppressed: true });
    expect(march.table.cells[small]![0]).toEqual({ value: null, suppressed: true });
    await expectProtected(march);
    // 2025 has ended and holds nothing; 2026 has not ended
    expect((await read({ kind: 'vendor-sign-ins', rows: 'period', columns: 'vendor', from: '2025-01-01', to: '2026-01-01', period: 'year' })).table.total.value).toBe(0);
    expect(await refusalCodes(read({ kind: 'vendor-sign-ins', rows: 'period', columns: 'vendor', from: '2026-01-01', to: '2027-01-01', period: 'year' }))).toEqual(['INVALID_DATE']);
  });

  it('a published month never changes: later sign-ins and a deleted patron change nothing in it', async () => {
    const before = await read({ kind: 'vendor-sign-ins', rows: 'period', columns: 'vendor', ...spring });
    await signIns(vendors.small, 4); // in May
    await w.act(deletePatron, { patronId: patronIds[7]! }, { purpose: 'account-service' });
    expect(await read({ kind: 'vendor-sign-ins', rows: 'period', columns: 'vendor', ...spring })).toEqual(before);
    // May has not ended: it is not published
    expect(await refusalCodes(read({ kind: 'vendor-sign-ins', rows: 'period', columns: 'vendor', from: '2026-03-01', to: '2026-06-01' }))).toEqual(['INVALID_DATE']);
  });

  it('is counted by period and vendor only: no branch, category or age band to narrow anyone down', async () => {
    for (const dimension of ['branch', 'patron-category', 'age-band', 'item-type'])
      expect(await refusalCodes(read({ kind: 'vendor-sign-ins', rows: dimension, columns: 'vendor', ...spring }))).toEqual(['VALIDATION_FAILED']);
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'vendor', columns: 'period', ...spring }))).toEqual(['VALIDATION_FAILED']);
  });
});
