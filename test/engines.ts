import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database, type Engine } from '../src/storage/database.js';
import { migrateToLatest } from '../src/storage/migrate.js';

/** The engines this run tests: SQLite always, PostgreSQL when the global setup reached a server. */
export const ENGINES: Engine[] = inject('postgresTemplate') ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDatabase extends Database {
  /** What `--db` would be given to reach this database. */
  target: string;
  /** Closes and deletes the database (after running `onDrop` callbacks). */
  drop(): Promise<void>;
  /** Something to close before the database is dropped (a key store, a server). */
  onDrop(close: () => Promise<void>): void;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A fresh, migrated database of one engine, all to this test file. */
export async function freshDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'carrel-test-'));
    const target = join(dir, 'carrel.db');
    const database = openDatabase(target);
    await migrateToLatest(database.db);
    return droppable(database, target, async () => rmSync(dir, { recursive: true, force: true }));
  }
  const template = inject('postgresTemplate');
  if (!template) throw new Error('PostgreSQL is not available in this run');
  const adminUrl = inject('postgresAdminUrl');
  const name = `carrel_t_${process.ppid}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // CREATE DATABASE … TEMPLATE fails if another session is copying the template at that instant; retry.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  await admin.end();
  const target = withDatabase(adminUrl, name);
  return droppable(openDatabase(target), target, async () => {
    const dropper = new pg.Client({ connectionString: adminUrl });
    await dropper.connect();
    // A pool's `end()` resolves once its clients have sent Terminate, not once their servers have gone: a
    // forced drop in that moment terminates a backend whose client is still listening, and the client
    // reports 57P01 with nobody to hear it. Wait (bounded) for the connections to close of themselves;
    // FORCE is for one a test leaked.
    for (let waited = 0; waited < 5000; waited += 20) {
      const { rows } = await dropper.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  });
}

/** A test database whose `drop` closes what was registered with `onDrop`, then itself, then removes it. */
function droppable(database: Database, target: string, remove: () => Promise<void>): TestDatabase {
  const closers: (() => Promise<void>)[] = [];
  return {
    ...database,
    target,
    onDrop: (close) => closers.push(close),
    drop: async () => {
      for (const close of closers) await close();
      await database.close();
      await remove();
    },
  };
}
