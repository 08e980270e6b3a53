/**
 * The audit report reads the access log through indexes (issue 23): with statistics gathered (ANALYZE),
 * each of its access-log queries is a search of an index (a range or a single step), never a scan of
 * the log. Plans, not timings: a plan is the same on a loaded machine.
 */
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, world } from '../../test/factories.js';
import { appendChained } from '../usecases/access-chain.js';
import type { AccessEntry } from './access-log.repository.js';
import { accessLogGroups, heldCounts, lastLoggedAction, oldestAccessEntry } from './audit-report.repository.js';
import type { Schema } from './schema.js';

const ENTRIES_PER_LIBRARY = 3000;
const DAY = 86_400_000;

interface Captured {
  sql: string;
  parameters: readonly unknown[];
}

describe.each(ENGINES)('audit report access-log plans (%s)', (engine) => {
  let database: TestDatabase;
  let libraryId: string;
  let capturing: Kysely<Schema>;
  const captured: Captured[] = [];

  beforeAll(async () => {
    database = await freshDatabase(engine);
    const w = await world(database);
    const libraries = [(await buildLibrary(w)).library.id, (await buildLibrary(w)).library.id];
    libraryId = libraries[0] as string;
    const start = Date.parse('2025-01-01T00:00:00Z');
    const roles = ['circulation', 'director', 'patron', 'system'];
    const purposes = ['circulation', 'patron-service', 'administration', 'legal-disclosure'];
    await database.db.transaction().execute(async (trx) => {
      for (const library of libraries) {
        const entries: AccessEntry[] = [];
        for (let i = 0; i < ENTRIES_PER_LIBRARY; i++) {
          entries.push({
            at: new Date(start + i * (DAY / 10)).toISOString(),
            libraryId: library,
            actorKind: 'staff',
            actorId: `staff-${i % 7}`,
            actorRole: roles[i % roles.length] as string,
            actorLibraryId: library,
            patronId: `patron-${i % 500}`,
            action: i % 2 === 0 ? 'checkout' : 'checkin',
            categories: i % 3 === 0 ? ['identity', 'circulation'] : ['circulation'],
            purpose: purposes[i % purposes.length] as string,
            channel: 'staff-ui',
          });
        }
        await appendChained(trx, w.runtime.vault, entries);
      }
      const installation = (action: string, at: number): AccessEntry => ({
        at: new Date(at).toISOString(),
        libraryId: null,
        actorKind: 'system',
        actorId: 'system',
        actorRole: 'system',
        actorLibraryId: null,
        patronId: null,
        action,
        categories: [],
        purpose: 'administration',
        channel: 'cli',
      });
      await appendChained(trx, w.runtime.vault, [installation('backup', start + 10 * DAY), installation('restore', start + 20 * DAY), installation('backup', start + 30 * DAY)]);
    });
    if (engine === 'sqlite') await database.db.executeQuery(CompiledQuery.raw('analyze'));
    else await database.db.executeQuery(CompiledQuery.raw('analyze access_log'));

    // A second handle on the same database that records each statement with its parameters.
    const log = (event: { level: string; query: CompiledQuery }) => {
      if (event.level === 'query' && /\baccess_log\b/.test(event.query.sql)) captured.push({ sql: event.query.sql, parameters: event.query.parameters });
    };
    capturing =
      engine === 'sqlite'
        ? new Kysely<Schema>({ dialect: new SqliteDialect({ database: new SqliteDatabase(database.target) }), log })
        : new Kysely<Schema>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.target, max: 1 }) }), log });
    database.onDrop(() => capturing.destroy());
  }, 120_000);

  afterAll(async () => {
    await database?.drop();
  });

  it('answers from the entries of the library asked about', async () => {
    const held = await heldCounts(capturing, libraryId);
    expect(held.accessLogEntries).toBe(ENTRIES_PER_LIBRARY);
    expect(await oldestAccessEntry(capturing, libraryId)).toBe('2025-01-01T00:00:00.000Z');
    expect(await lastLoggedAction(capturing, 'backup')).toBe('2025-01-31T00:00:00.000Z');
    expect(await lastLoggedAction(capturing, 'restore')).toBe('2025-01-21T00:00:00.000Z');
    const groups = await accessLogGroups(capturing, { libraryId, from: '2025-02-01T00:00:00.000Z', to: '2025-03-01T00:00:00.000Z' });
    // 28 days at ten entries a day, less the legal-disclosure quarter.
    expect(groups.reduce((sum, g) => sum + g.entries, 0)).toBe(210);
    expect(groups.some((g) => g.purpose === 'legal-disclosure')).toBe(false);
    // The count, the groups, the oldest entry, the last backup and the last restore.
    expect(captured).toHaveLength(5);
  });

  it('plans every access-log query as an index search, not a scan', async () => {
    expect(captured.length).toBeGreaterThan(0);
    for (const query of captured) {
      const plan = await planOf(engine, database, query);
      if (engine === 'sqlite') {
        // SQLite: "SCAN access_log [USING … INDEX …]" reads the whole table or index; "SEARCH … USING
        // … INDEX … (library_id=? …)" reads the range the constraints give.
        expect(plan, query.sql).not.toMatch(/SCAN access_log\b/);
        expect(plan, query.sql).toMatch(/SEARCH access_log USING (COVERING )?INDEX access_log_(library_at|installation_actions) \(/);
      } else {
        expect(plan, query.sql).not.toMatch(/Seq Scan on access_log\b/);
        expect(plan, query.sql).toMatch(/(Index Only Scan|Index Scan|Index Scan Backward|Index Only Scan Backward) using access_log_(library_at|installation_actions) on access_log|Bitmap Index Scan on access_log_(library_at|installation_actions)/);
        expect(plan, query.sql).toMatch(/Index Cond: /);
      }
    }
  });
});

/** The engine's plan for a captured statement, as one text. PostgreSQL is told to avoid a sequential scan it could use. */
async function planOf(engine: string, database: TestDatabase, query: Captured): Promise<string> {
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
