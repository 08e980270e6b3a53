import { existsSync, readFileSync, statSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { checkpointPostgres, openDatabase, pauseAutoCheckpoint, truncateWal } from './database.js';

/**
 * Emptying the log after a deletion (issue 22, defects 4 and 5): on SQLite the WAL is truncated, and a
 * reader holding an older snapshot is answered `busy` rather than claimed away; on PostgreSQL CHECKPOINT
 * runs for a role allowed to, and a role that is not gets `not-permitted`, not an error.
 */
describe.each(ENGINES)('emptying the log on %s', (engine) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    await sql`create table notes (id integer primary key, body text not null)`.execute(database.db);
  });
  afterAll(() => database.drop());

  it.runIf(engine === 'sqlite')('SQLite: a deleted row is in the WAL until the checkpoint, and nowhere in the files after it', async () => {
    const marker = `Wal-Plaintextmarker-${Math.random().toString(36).slice(2)}`;
    // Another connection stays open (a server beside the command): SQLite does not clean up at close then.
    const other = new SqliteDatabase(database.target);
    try {
      other.prepare('select count(*) from sqlite_master').get();
      await sql`insert into notes (body) values (${marker})`.execute(database.db);
      await sql`delete from notes where body = ${marker}`.execute(database.db);
      const wal = `${database.target}-wal`;
      // The control: the scan finds the deleted row where it is (the WAL's earlier page version).
      expect(readFileSync(wal).includes(Buffer.from(marker)), 'the deleted row in the WAL before the checkpoint').toBe(true);
      expect(await truncateWal(database.db)).toBe('truncated');
      expect(statSync(wal).size).toBe(0);
      for (const file of [database.target, wal, `${database.target}-shm`, `${database.target}-journal`])
        if (existsSync(file)) expect(readFileSync(file).includes(Buffer.from(marker)), file).toBe(false);
    } finally {
      other.close();
    }
  });

  it.runIf(engine === 'sqlite')('SQLite: a reader holding an older snapshot makes it `busy`, never a false `truncated`; once it ends, it completes', async () => {
    const reader = new SqliteDatabase(database.target);
    reader.pragma('busy_timeout = 0');
    try {
      reader.exec('begin');
      reader.prepare('select count(*) from notes').get(); // the read snapshot is taken here
      await sql`insert into notes (body) values ('after the snapshot')`.execute(database.db);
      const quick = openDatabase(database.target);
      try {
        await sql`pragma busy_timeout = 50`.execute(quick.db);
        expect(await truncateWal(quick.db, { attempts: 2, pauseMs: 10 })).toBe('busy');
        expect(statSync(`${database.target}-wal`).size).toBeGreaterThan(0);
        reader.exec('commit');
        expect(await truncateWal(quick.db)).toBe('truncated');
        expect(statSync(`${database.target}-wal`).size).toBe(0);
      } finally {
        await quick.close();
      }
    } finally {
      reader.close();
    }
  });

  it.runIf(engine === 'postgres')('PostgreSQL: CHECKPOINT runs for a superuser; a role without pg_checkpoint gets `not-permitted`', async () => {
    expect(await truncateWal(database.db)).toBeUndefined();
    expect(await checkpointPostgres(database.db)).toBe('checkpointed');
    const role = `carrel_plain_${Math.random().toString(36).slice(2, 10)}`;
    await sql`create role ${sql.id(role)} login`.execute(database.db);
    const url = new URL(database.target);
    url.username = role;
    url.password = '';
    const plain = openDatabase(url.toString());
    try {
      expect(await checkpointPostgres(plain.db)).toBe('not-permitted');
    } finally {
      await plain.close();
      await sql`drop role ${sql.id(role)}`.execute(database.db);
    }
  });
});

/**
 * Retention pauses SQLite's automatic checkpoints while it runs and checkpoints its pages itself (issue
 * 23): two runs at once share the pause, and the connection's setting comes back when the last one ends,
 * whatever order they end in and however often each gives it back.
 */
describe('pausing automatic checkpoints on sqlite', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase('sqlite');
  });
  afterAll(() => database.drop());

  const setting = async () => Number((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(database.db)).rows[0]?.wal_autocheckpoint);

  it('stops them for as long as any run holds the pause, then gives back what the connection had', async () => {
    await sql`pragma wal_autocheckpoint = 777`.execute(database.db);
    const [first, second] = await Promise.all([pauseAutoCheckpoint(database.db), pauseAutoCheckpoint(database.db)]);
    expect(await setting()).toBe(0);
    await first();
    await first();
    expect(await setting(), 'the second run still holds the pause').toBe(0);
    await second();
    expect(await setting()).toBe(777);
    // A later run pauses afresh and gives back the same setting
    const third = await pauseAutoCheckpoint(database.db);
    expect(await setting()).toBe(0);
    await third();
    expect(await setting()).toBe(777);
  });
});
