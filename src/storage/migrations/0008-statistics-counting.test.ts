import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, libraryWorld, type World } from '../../../test/factories.js';
import { checkin, checkout } from '../../usecases/circulation.usecases.js';
import { countLoansHeld } from './0008-statistics-counting.js';

/** Migration 0008 counts the loans a database holds when it runs: they were to be counted when anonymised, which no longer adds anything. */
describe.each(ENGINES)('migration 0008 on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  beforeAll(async () => {
    ({ database, w } = await libraryWorld(engine));
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('counts every loan still held, once, under its check-out day, as a check-out counts it now', async () => {
    // Given loans out and returned in two libraries (one in another time zone), across days and age bands,
    // counted by their check-outs
    for (const timeZone of ['America/Denver', 'Pacific/Auckland']) {
      const { library, branch } = await buildLibrary(w, { timeZone, profileId: 'jackson-county-or' });
      for (let i = 0; i < 3; i++) {
        const patron = await buildPatron(w, { libraryId: library.id, ...(i === 2 ? { birthDate: '1950-01-01' } : {}) });
        const item = await buildItem(w, { libraryId: library.id, branch: branch.code, itemType: i === 0 ? 'dvd' : 'book' });
        await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
        w.clock.advanceMinutes(600);
        if (i > 0) await w.act(checkin, { itemBarcode: item.barcode });
      }
    }
    const rows = async () =>
      (await database.db.selectFrom('circulation_stats').selectAll().orderBy(['library_id', 'day', 'branch_id', 'item_type', 'patron_category', 'age_band']).execute()).map((r) => ({ ...r, loans: Number(r.loans) }));
    const counted = await rows();
    expect(counted.reduce((n, r) => n + r.loans, 0)).toBe(6);
    // When the counts are gone and the migration's step runs, as on a database of before
    await database.db.deleteFrom('circulation_stats').execute();
    await countLoansHeld(database.db);
    // Then it counts exactly what the check-outs counted
    expect(await rows()).toEqual(counted);
  });
});
