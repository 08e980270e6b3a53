/**
 * Query plans in tests: a second handle that records the statements it runs with their parameters, and
 * the engine's plan for one of them. Plans, not timings: a plan is the same on a loaded machine.
 */
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import type { Schema } from '../src/storage/schema.js';
import type { TestDatabase } from './engines.js';

/** A statement a capturing handle ran. */
export interface Captured {
  sql: string;
  parameters: readonly unknown[];
}

/** A second handle on the test database that records each statement matching `pattern`, with its parameters. */
export function capturingHandle(engine: string, database: TestDatabase, pattern: RegExp, captured: Captured[]): Kysely<Schema> {
  const log = (event: { level: string; query: CompiledQuery }) => {
    if (event.level === 'query' && pattern.test(event.query.sql)) captured.push({ sql: event.query.sql, parameters: event.query.parameters });
  };
  const handle =
    engine === 'sqlite'
      ? new Kysely<Schema>({ dialect: new SqliteDialect({ database: new SqliteDatabase(database.target) }), log })
      : new Kysely<Schema>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.target, max: 1 }) }), log });
  database.onDrop(() => handle.destroy());
  return handle;
}

/** The engine's plan for a captured statement, as one text. PostgreSQL is told to avoid a sequential scan it could use. */
export async function planOf(engine: string, database: TestDatabase, query: Captured): Promise<string> {
  if (engine === 'sqlite') {
    const sqlite = new SqliteDatabase(database.target, { readonly: true });
    try {
      const rows = sqlite.prepare(`explain query plan ${query.sql}`).all(...(query.parameters as unknown[])) as { detail: string }[];
      return rows.map((r) => r.detail).join('\n');
    } finally {
      sqlite.close();
    }
  }
  const client = new pg.Client({ connectionString: database.target });
  await client.connect();
  try {
    await client.query('begin');
    // With few rows a scan can be the cheaper plan; the question is whether an index can answer at all.
    await client.query('set local enable_seqscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${query.sql}`, query.parameters as unknown[]);
    await client.query('rollback');
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.end();
  }
}
