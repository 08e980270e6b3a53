import { existsSync, readFileSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import { checkin, checkout } from './circulation.usecases.js';
import { deletePatron } from './patron-deletion.usecases.js';
import { setReadingHistory } from './retention.usecases.js';

/**
 * What a deletion on purpose leaves on disk (issue 22, defect 5), SQLite: the rows go from the database
 * file (secure_delete) and, once the use case commits, from the WAL too, which held their earlier page
 * versions. A server (another connection) stays open throughout, as in production: SQLite then never
 * cleans the WAL up by itself.
 */
describe('deletions leave the WAL on sqlite', () => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let other: SqliteDatabase.Database;

  beforeAll(async () => {
    database = await freshDatabase('sqlite');
    w = await world(database);
    libraryId = (await buildLibrary(w, { profileId: 'jackson-county-or' })).library.id;
    other = new SqliteDatabase(database.target);
    other.prepare('select count(*) from sqlite_master').get();
  });
  afterAll(async () => {
    other.close();
    await database.drop();
  });

  const files = () => [database.target, `${database.target}-wal`, `${database.target}-shm`, `${database.target}-journal`].filter((f) => existsSync(f));
  const onDisk = (text: string) => files().filter((file) => readFileSync(file).includes(Buffer.from(text, 'utf8')));

  it('a deleted patron’s sealed record is in no file, WAL included, once the deletion returns', async () => {
    const patron = await buildPatron(w, { libraryId });
    const { personal } = await database.db.selectFrom('patrons').select('personal').where('id', '=', patron.id).executeTakeFirstOrThrow();
    // The control: the scan finds the sealed record where it is (the WAL, before any checkpoint).
    expect(onDisk(personal)).toContain(`${database.target}-wal`);
    await w.act(deletePatron, { cardNumber: patron.cardNumber });
    expect(onDisk(personal)).toEqual([]);
  });

  it('reading history turned off: the deleted loans’ patron–item link is in no file, WAL included', async () => {
    const patron = await buildPatron(w, { libraryId });
    await w.act(setReadingHistory, { cardNumber: patron.cardNumber, keep: true });
    const item = await buildItem(w, { libraryId });
    const { loanId } = await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    w.clock.advanceDays(2);
    await w.act(checkin, { itemBarcode: item.barcode });
    w.clock.advanceDays(1);
    expect(onDisk(loanId)).toContain(`${database.target}-wal`); // the control
    const off = await w.act(setReadingHistory, { cardNumber: patron.cardNumber, keep: false });
    expect(off.loansDeleted).toBe(1);
    expect(onDisk(loanId)).toEqual([]);
  });
});
