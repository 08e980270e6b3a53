import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildPatron, libraryWorld, type World } from '../../test/factories.js';
import { SYSTEM } from '../policy/actors.js';
import { openDatabase } from '../storage/database.js';
import { checkin, checkout } from './circulation.usecases.js';
import { run, type Runtime } from './context.js';

/**
 * How many SQL statements the desk's hot path runs: a statement count is behaviour (each is a round trip
 * and, on PostgreSQL, a chance to wait), so it is tested, where a timing would not be. The pair below is
 * the use cases of one check-out and one check-in of an item no hold waits for, back on time: the patron
 * found and locked by card (1), the item locked (1), the library, the patron's category, the item's branch
 * (read once) and the rule's candidates (4), the patron's standing (1), the closed days (1), the loan,
 * the item's status, the day's statistics, the patron's last-active time and the staff lists (5), the
 * access log's chain (3); the check-in: the item (1), the library (1), the loan ended and read in one
 * statement (1), the hold queue (1), the item's status (1) and the chain (3).
 */
const PAIR_BUDGET = 24;

describe.each(ENGINES)('statements of a check-out and check-in on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
  });
  afterAll(() => database.drop());

  it(`runs at most ${PAIR_BUDGET} statements a pair, none of them a second read of the same row`, async () => {
    const patron = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId });
    const statements: string[] = [];
    // A second handle on the same database that reports every query it runs (not begin and commit).
    const traced = openDatabase(database.target, { poolSize: 1, onQuery: (sql) => statements.push(sql) });
    try {
      const runtime: Runtime = { ...w.runtime, db: traced.db };
      const caller = { actor: SYSTEM, purpose: 'circulation' as const, channel: 'cli' as const };
      await run(runtime, caller, checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
      const checkedOut = statements.length;
      w.clock.advanceDays(3);
      const back = await run(runtime, caller, checkin, { itemBarcode: item.barcode });
      expect(back).toMatchObject({ daysLate: 0, fine: null, routing: { to: 'shelf' } });
      const pair = statements.filter((sql) => !/^(begin|commit|rollback)\b/i.test(sql));
      expect(pair.length, pair.join('\n')).toBeLessThanOrEqual(PAIR_BUDGET);
      // Each request reads the patron, the branch and the library at most once.
      for (const request of [statements.slice(0, checkedOut), statements.slice(checkedOut)]) {
        for (const table of ['patrons', 'branches', 'libraries']) {
          const reads = request.filter((sql) => sql.startsWith(`select * from "${table}" where`));
          expect(reads.length, `${table}:\n${request.join('\n')}`).toBeLessThanOrEqual(1);
        }
      }
    } finally {
      await traced.close();
    }
  });
});
