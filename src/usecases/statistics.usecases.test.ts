import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, refusalCodes, world, type World } from '../../test/factories.js';
import { identifiersIn, scriptedMonth, type ScriptedMonth } from '../../test/statistics-month.js';
import { recoverableBySubtraction } from '../policy/statistics.policy.js';
import { runRetention } from '../jobs/retention.job.js';
import { endComputerSession, startComputerSession } from './service-record.usecases.js';
import { statistics, statisticsCsv, STATISTICS_KINDS, type StatisticsInput } from './statistics.usecases.js';
import type { Actor } from '../policy/actors.js';
import { cancelSignup, signUpForProgram } from './service-record.usecases.js';
import { deletePatron } from './patron-deletion.usecases.js';

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

  it('writes the aggregates: registrations when registering, loans and services when retention disposes of them', async () => {
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
    // The records themselves are gone: the statistics came from rows really deleted.
    expect(Number((await db.selectFrom('service_records').select((eb) => eb.fn.countAll().as('n')).where('library_id', '=', month.libraryId).executeTakeFirstOrThrow()).n)).toBe(0);
  });

  it('counts a disposed-of computer session once, however often retention runs', async () => {
    // Given one more session, ended, and two retention runs after it
    const { library, branch } = await buildLibrary(w, { profileId: 'imagineif-mt' });
    const patron = await buildPatron(w, { libraryId: library.id });
    const session = await w.act(startComputerSession, { cardNumber: patron.cardNumber, branch: branch.code, station: 'PC-1' });
    w.clock.advanceMinutes(45);
    await w.act(endComputerSession, { sessionId: session.id });
    w.clock.advanceDays(1);
    await runRetention(w.runtime, { libraryId: library.id });
    w.clock.advanceDays(1);
    await runRetention(w.runtime, { libraryId: library.id });
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

  it('suppresses the small cell and enough others that none can be recovered from the totals', async () => {
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
    // And subtracting along any row or column recovers nothing
    expect(recoverableBySubtraction(table.table)).toEqual([]);
    expect(table.suppressed).toEqual({ total: 4, complementary: 3 });
    const csv = statisticsCsv(table);
    expect(csv.split('\r\n').slice(0, 4)).toEqual(['branch \\ item-type,book,dvd,total', 'east,<5,<5,14', 'main,<5,<5,28', 'total,32,10,42']);
  });

  it('answers every kind by period and age band, with no patron identifier, card number, name, email or barcode', async () => {
    const texts: string[] = [];
    for (const kind of STATISTICS_KINDS)
      for (const [rows, columns] of [
        ['period', 'age-band'],
        ['branch', 'patron-category'],
        ['patron-category', 'period'],
      ] as const) {
        const result = await read({ kind, rows, columns, ...march, period: 'day' });
        expect(recoverableBySubtraction(result.table)).toEqual([]);
        if (result.minutes) expect(recoverableBySubtraction(result.minutes)).toEqual([]);
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
    // is its row total; the grand total goes too, or 8 − 6 would give east's 2 away. Minutes likewise.
    const computers = await read({ kind: 'computer-use', rows: 'branch', columns: 'patron-category', ...march });
    expect(computers.table.columnLabels).toEqual(['adult', 'guest']);
    expect(computers.table.cells).toEqual([
      [{ value: 0, suppressed: false }, { value: null, suppressed: true }],
      [{ value: 6, suppressed: false }, { value: 0, suppressed: false }],
    ]);
    expect(computers.table.total).toEqual({ value: null, suppressed: true });
    expect(computers.minutes?.cells[1]![0]!.value).toBe(30 + 31 + 32 + 33 + 34 + 35);
    expect(computers.minutes?.total).toEqual({ value: null, suppressed: true });
    expect(recoverableBySubtraction(computers.table)).toEqual([]);
  });

  it('refuses bad input and another library’s statistics', async () => {
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'patron-name', columns: 'branch', ...march }))).toEqual(['VALIDATION_FAILED']);
    expect(await refusalCodes(read({ kind: 'registrations', rows: 'item-type', columns: 'branch', ...march }))).toEqual(['VALIDATION_FAILED']);
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'branch', columns: 'branch', ...march }))).toEqual(['VALIDATION_FAILED']);
    expect(await refusalCodes(read({ kind: 'loans', rows: 'branch', columns: 'age-band', ...march }))).toEqual(['VALIDATION_FAILED']);
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'branch', columns: 'age-band', from: '2026-04-01', to: '2026-03-01' }))).toEqual(['INVALID_DATE']);
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'branch', columns: 'age-band', from: '2026-02-30', to: '2026-03-01' }))).toEqual(['INVALID_DATE']);
    // Staff of another library, and a library that does not exist, get the same answer
    const other = await buildLibrary(w);
    const volunteer: Actor = { kind: 'staff', id: 'stats-manager', libraryId: other.library.id, roles: ['branch-manager'] };
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'branch', columns: 'age-band', ...march }, volunteer))).toEqual(['LIBRARY_NOT_FOUND']);
    expect(await refusalCodes(read({ libraryId: 'no-such-library', kind: 'circulation', rows: 'branch', columns: 'age-band', ...march }))).toEqual(['LIBRARY_NOT_FOUND']);
    // A branch manager of the library reads them; a clerk and a patron do not
    const own: Actor = { ...volunteer, libraryId: month.libraryId };
    expect((await read({ kind: 'circulation', rows: 'branch', columns: 'age-band', ...march }, own)).table.total.value).toBe(42);
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'branch', columns: 'age-band', ...march }, { ...own, roles: ['circulation'] }))).toEqual(['PERMISSION_DENIED']);
    expect(await refusalCodes(read({ kind: 'circulation', rows: 'branch', columns: 'age-band', ...march }, { kind: 'patron', id: month.patronIds[0]!, libraryId: month.libraryId }))).toEqual([
      'PERMISSION_DENIED',
    ]);
  });
});
