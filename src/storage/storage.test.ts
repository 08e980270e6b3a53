import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import { checkout } from '../usecases/circulation.usecases.js';
import { findActiveLoanForItem, insertLoan } from './loan.repository.js';
import { findPatronByCardHash } from './patron.repository.js';
import { openPatron } from '../usecases/patron-records.js';
import { isUniqueViolation } from './errors.js';
import { balanceOf } from './fine.repository.js';

describe.each(ENGINES)('storage on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
  });
  afterAll(() => database.drop());

  it('reads back instants as the same ISO-8601 UTC strings and counts as numbers', async () => {
    const { library } = await buildLibrary(w);
    const patron = await buildPatron(w, { libraryId: library.id });
    const item = await buildItem(w, { libraryId: library.id });
    const loan = await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    const stored = await findActiveLoanForItem(database.db, item.id);
    expect(stored?.checkedOutAt).toBe(new Date(w.clock.now()).toISOString());
    expect(stored?.dueAt).toBe(loan.dueAt);
    expect(await balanceOf(database.db, patron.id)).toBe(0);
    expect(typeof (await balanceOf(database.db, patron.id))).toBe('number');
    const found = await findPatronByCardHash(database.db, w.runtime.vault.blind('card', patron.cardNumber));
    expect(found?.sealed).toMatch(/^v1\./);
    expect(found?.sealed).not.toContain('1985-06-15');
    expect((await openPatron(w.runtime, found!)).personal.birthDate).toBe('1985-06-15');
  });

  it('refuses a second active loan for one item at the database level', async () => {
    const { library, branch } = await buildLibrary(w);
    const a = await buildPatron(w, { libraryId: library.id });
    const item = await buildItem(w, { libraryId: library.id });
    await w.act(checkout, { cardNumber: a.cardNumber, itemBarcode: item.barcode });
    const error = await insertLoan(database.db, {
      id: crypto.randomUUID(),
      libraryId: library.id,
      patronId: a.id,
      itemId: item.id,
      branchId: branch.id,
      checkedOutAt: w.clock.now().toISOString(),
      dueAt: w.clock.now().toISOString(),
      renewals: 0,
      status: 'active',
      endedAt: null,
    }).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
  });
});
