import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import type { Db } from './database.js';
import { prepared } from './prepared.js';

describe.each(ENGINES)('prepared queries on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
  });
  afterAll(() => database.drop());

  it('compiles once and binds each call’s own arguments', async () => {
    const { library } = await buildLibrary(w);
    const a = await buildPatron(w, { libraryId: library.id, name: 'First Reader' });
    const b = await buildPatron(w, { libraryId: library.id, name: 'Second Reader' });
    const byCard = prepared((db: Db, card: string, status: string) =>
      db.selectFrom('patrons').select(['id']).where('card_hash', '=', card).where('status', '=', status),
    );
    const blind = (card: string) => w.runtime.vault.blind('card', card);
    expect((await byCard(database.db, blind(a.cardNumber), 'active')).rows).toEqual([{ id: a.id }]);
    expect((await byCard(database.db, blind(b.cardNumber), 'active')).rows).toEqual([{ id: b.id }]);
    expect((await byCard(database.db, blind(b.cardNumber), 'blocked')).rows).toEqual([]);
    // The same prepared query inside a transaction
    const inside = await database.db.transaction().execute((trx) => byCard(trx, blind(a.cardNumber), 'active'));
    expect(inside.rows).toEqual([{ id: a.id }]);
  });

  it('refuses an argument that shapes the query instead of being a value', async () => {
    const shaped = prepared((db: Db, column: string) => db.selectFrom('patrons').select(['id']).where(column === 'x' ? 'id' : 'card_hash', '=', 'y'));
    await expect(shaped(database.db, 'x')).rejects.toThrow(/only values may vary/);
    const embedded = prepared((db: Db, card: string) => db.selectFrom('patrons').select(['id']).where('card_hash', '=', `${card}%`));
    await expect(embedded(database.db, '2')).rejects.toThrow(/inside a larger value/);
  });
});
