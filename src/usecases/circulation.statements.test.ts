import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildPatron, buildRule, libraryWorld, type World } from '../../test/factories.js';
import { localDay } from '../domain/clock.js';
import { SYSTEM } from '../policy/actors.js';
import { openDatabase, type Database } from '../storage/database.js';
import { checkin, checkout } from './circulation.usecases.js';
import { run, type Runtime } from './context.js';
import { closeDays } from './library-config.usecases.js';

/**
 * How many SQL statements the desk's hot path runs: a statement count is behaviour (each is a round trip
 * and, on PostgreSQL, a chance to wait), so it is tested, where a timing would not be. The pair below is
 * the use cases of one check-out and one check-in of an item no hold waits for, back on time, once the
 * process keeps the library's configuration (library-config-cache.ts): the check-out finds and locks the
 * patron by card (1), locks the item and reads the configuration's version with it (1), counts the
 * patron's standing (1), writes the loan, the item's status (answering whether a staff-list task waits on
 * the item, cleared only then), the day's statistics and the patron's last-active time (4; not in the
 * card's look-up, which crosses libraries: test/library-scoping.test.ts) and the access log's chain (3);
 * the check-in locks the item (1, as above), ends and reads the loan in one statement that also answers
 * whether any pending hold could take the item (1; the queue is read only then), sets the item's status
 * (1) and chains its entry (3). On PostgreSQL an entry is written with its chain's new end in one
 * statement, so the chain is two statements a request there.
 */
const PAIR_BUDGET = { sqlite: 16, postgres: 14 } as const;

/** The factories' libraries' time zone (test/factories.ts). */
const TIME_ZONE = 'America/Denver';

/** What reading a library's whole configuration costs, once per version per process. */
const CONFIG_READ = ['libraries', 'branches', 'patron_categories', 'circulation_rules', 'closed_days'];

describe.each(ENGINES)('statements of a check-out and check-in on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let traced: Database;
  const statements: string[] = [];
  const caller = { actor: SYSTEM, purpose: 'circulation' as const, channel: 'cli' as const };
  let runtime: Runtime;

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    // A second handle on the same database, as another Carrel process would hold, that reports every
    // query it runs (not begin and commit).
    traced = openDatabase(database.target, { poolSize: 1, onQuery: (text) => statements.push(text) });
    runtime = { ...w.runtime, db: traced.db };
  });
  afterAll(async () => {
    await traced.close();
    await database.drop();
  });

  /** The statements of one check-out and one check-in through the traced handle, and the due date. */
  async function pair(): Promise<{ checkout: string[]; checkin: string[]; dueAt: string; loanDays: number }> {
    const patron = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId });
    const lentOn = localDay(w.clock.now().toISOString(), TIME_ZONE);
    statements.length = 0;
    const out = await run(runtime, caller, checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    const checkedOut = statements.splice(0);
    w.clock.advanceDays(1);
    const back = await run(runtime, caller, checkin, { itemBarcode: item.barcode });
    expect(back).toMatchObject({ daysLate: 0, fine: null, routing: { to: 'shelf' } });
    const work = (list: string[]) => list.filter((text) => !/^(begin|commit|rollback)\b/i.test(text));
    const dueOn = localDay(out.dueAt, TIME_ZONE);
    return { checkout: work(checkedOut), checkin: work(statements.splice(0)), dueAt: dueOn, loanDays: daysBetween(lentOn, dueOn) };
  }

  /** The statements that read `table` as their own (not in a subquery). */
  const readsOf = (list: string[], table: string) => list.filter((text) => new RegExp(`^select [^()]* from "${table}"`).test(text));

  it('reads the library’s configuration once, on the first check-out the process sees, and never on a check-in', async () => {
    const first = await pair();
    for (const table of CONFIG_READ) expect(readsOf(first.checkout, table).length, `${table}:\n${first.checkout.join('\n')}`).toBeGreaterThanOrEqual(1);
    for (const table of CONFIG_READ) expect(readsOf(first.checkin, table), first.checkin.join('\n')).toEqual([]);
    const second = await pair();
    for (const table of CONFIG_READ) expect(readsOf([...second.checkout, ...second.checkin], table), `${table}`).toEqual([]);
  });

  it(`runs at most ${PAIR_BUDGET[engine]} statements a pair, none of them a second read of the same row`, async () => {
    await pair();
    const { checkout: out, checkin: back } = await pair();
    const all = [...out, ...back];
    expect(all.length, all.join('\n')).toBeLessThanOrEqual(PAIR_BUDGET[engine]);
    for (const request of [out, back]) {
      for (const table of ['patrons', 'items', 'loans']) expect(readsOf(request, table).length, `${table}:\n${request.join('\n')}`).toBeLessThanOrEqual(1);
    }
  });

  it('sees a change of the configuration made through another handle at the next check-out', async () => {
    await pair();
    expect((await pair()).loanDays).not.toBe(3);
    // Another process changes the loan period: the traced handle's next check-out uses it.
    await sql`delete from circulation_rules where library_id = ${libraryId}`.execute(database.db);
    await buildRule(w, { libraryId, loanDays: 3 });
    const ruled = await pair();
    expect(ruled.loanDays).toBe(3);
    expect(readsOf(ruled.checkout, 'circulation_rules').length).toBe(1);
    // An operator's SQL, outside Carrel: the database's triggers change the version all the same.
    await sql`update circulation_rules set loan_days = 10 where library_id = ${libraryId}`.execute(database.db);
    expect((await pair()).loanDays).toBe(10);
    // A closure of the day the next loan would fall due on moves its due date past it.
    const next = await pair();
    const closedOn = addDays(next.dueAt, 1);
    await w.act(closeDays, { libraryId, branch: null, startsOn: closedOn, endsOn: closedOn, reason: 'Staff day' });
    const closed = await pair();
    expect(closed.dueAt > closedOn, `${closedOn} ${closed.dueAt}`).toBe(true);
  });

  it('keeps nothing of a change that rolled back', async () => {
    await pair();
    const before = await pair();
    await expect(
      database.db.transaction().execute(async (trx) => {
        await sql`update circulation_rules set loan_days = 60 where library_id = ${libraryId}`.execute(trx);
        // The traced handle cannot see the uncommitted change (and on SQLite waits for no one: the pair
        // below runs after the rollback).
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect((await pair()).loanDays).toBe(before.loanDays);
  });
});

/** Days from one local date to another. */
function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
