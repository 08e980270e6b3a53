/**
 * Retention's pages cost what they return: once the database has statistics (ANALYZE, `PRAGMA
 * optimize`), every paged cursor of the retention engine is still one index range in the page's order,
 * never a scan of the rest of the table or a sort of it (issue 23: a run of 190k due loans took 690 s
 * on SQLite with statistics, 2.8 s without, when the cursor was written as an OR).
 */
import { sql, type Compilable, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildPatron, libraryWorld } from '../../test/factories.js';
import { closedLoansQuery, endedRecordsQuery, patronCandidatesQuery, patronsToRebandQuery } from './retention.repository.js';
import { staleAuthorisationsQuery } from './vendor.repository.js';
import type { Engine } from './database.js';

/** Loans and settled fines seeded: enough that a scan of the rest would cost far more than a page. */
const ROWS = 20_000;
const CURSOR = { at: '2025-06-01T00:00:00.000Z', id: 'row-010000' };

interface Plan {
  /** Every table read by a full scan (SQLite `SCAN t`, PostgreSQL `Seq Scan`). */
  scans: string[];
  /** Whether the plan sorts (SQLite `USE TEMP B-TREE FOR ORDER BY`, PostgreSQL a Sort node). */
  sorts: boolean;
  /** The index each table is read through, with the condition that bounds it. */
  indexes: { table: string; index: string; cond: string }[];
  text: string;
}

async function planOf(engine: Engine, db: Kysely<any>, query: Compilable): Promise<Plan> {
  const { sql: text, parameters } = query.compile();
  if (engine === 'sqlite') {
    const result = await db.executeQuery<{ detail: string }>({ sql: `EXPLAIN QUERY PLAN ${text}`, parameters, query: { kind: 'RawNode' } as never, queryId: { queryId: 'plan' } });
    const details = result.rows.map((r) => r.detail);
    return {
      scans: details.filter((d) => /^SCAN /.test(d) && !/USING (COVERING )?INDEX/.test(d)).map((d) => d.split(' ')[1]!),
      sorts: details.some((d) => d.includes('TEMP B-TREE')),
      indexes: details
        .map((d) => /^(?:SEARCH|SCAN) (\S+)(?: AS \S+)? USING (?:COVERING )?INDEX (\S+) \((.*)\)$/.exec(d))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ table: m[1]!, index: m[2]!, cond: m[3]! })),
      text: details.join('\n'),
    };
  }
  const result = await db.executeQuery<{ 'QUERY PLAN': unknown }>({ sql: `EXPLAIN (FORMAT JSON) ${text}`, parameters, query: { kind: 'RawNode' } as never, queryId: { queryId: 'plan' } });
  const plan = (result.rows[0]!['QUERY PLAN'] as [{ Plan: PgNode }])[0].Plan;
  const nodes: PgNode[] = [];
  const walk = (node: PgNode) => {
    nodes.push(node);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan);
  return {
    scans: nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']!),
    sorts: nodes.some((n) => n['Node Type'] === 'Sort' || n['Node Type'] === 'Incremental Sort'),
    indexes: nodes
      .filter((n) => n['Index Name'] !== undefined)
      .map((n) => ({ table: n['Relation Name']!, index: n['Index Name']!, cond: n['Index Cond'] ?? '' })),
    text: JSON.stringify(plan, null, 1),
  };
}

interface PgNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PgNode[];
}

/** One row per instant from 2024-01-01, an hour apart, with ids `row-000000`… in the same order. */
async function seed(database: TestDatabase, libraryId: string, patronId: string, itemId: string, branchId: string): Promise<void> {
  const pg = database.engine === 'postgres';
  const series = pg
    ? sql`SELECT n FROM generate_series(0, ${ROWS - 1}) AS n`
    : sql`WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < ${ROWS - 1}) SELECT n FROM s`;
  const at = (hours: string) =>
    pg ? sql.raw(`(timestamptz '2024-01-01T00:00:00Z' + make_interval(hours => ${hours}))`) : sql.raw(`strftime('%Y-%m-%dT%H:%M:%fZ', '2024-01-01T00:00:00Z', '+' || (${hours}) || ' hours')`);
  const id = pg ? sql.raw(`'row-' || lpad(n::text, 6, '0')`) : sql.raw(`'row-' || substr('000000' || n, -6)`);
  await sql`INSERT INTO loans (id, library_id, patron_id, item_id, branch_id, checked_out_at, due_at, renewals, status, ended_at)
    SELECT ${id}, ${libraryId}, ${patronId}, ${itemId}, ${branchId}, ${at('n')}, ${at('n + 1')}, 0, CASE WHEN n % 100 = 0 THEN 'lost' ELSE 'returned' END, ${at('n + 1')}
    FROM (${series}) AS s`.execute(database.db);
  await sql`INSERT INTO fines (id, library_id, patron_id, loan_id, item_id, kind, amount_cents, balance_cents, status, note, created_at, settled_at)
    SELECT ${id}, ${libraryId}, ${patronId}, NULL, NULL, 'overdue', 25, 0, CASE WHEN n % 10 = 0 THEN 'waived' ELSE 'paid' END, NULL, ${at('n')}, ${at('n + 1')}
    FROM (${series}) AS s`.execute(database.db);
  // Copies of the one patron, inactive since 2024, a few deceased: the purge sweeps' candidates.
  const patron = await database.db.selectFrom('patrons').selectAll().where('id', '=', patronId).executeTakeFirstOrThrow();
  const copies = Array.from({ length: ROWS / 4 }, (_, n) => ({
    ...patron,
    id: `patron-${String(n).padStart(6, '0')}`,
    card_hash: `card-${n}`,
    status: n % 50 === 0 ? 'deceased' : patron.status,
    last_active_at: new Date(Date.parse('2024-01-01T00:00:00Z') + n * 3_600_000).toISOString(),
  }));
  for (let i = 0; i < copies.length; i += 200) await database.db.insertInto('patrons').values(copies.slice(i, i + 200)).execute();
  await sql.raw('ANALYZE').execute(database.db);
  if (!pg) await sql.raw('PRAGMA optimize').execute(database.db);
}

for (const engine of ENGINES as Engine[]) {
  describe(`retention's paged cursors after ANALYZE (${engine})`, () => {
    let database: TestDatabase;
    let libraryId: string;

    beforeAll(async () => {
      const setup = await libraryWorld(engine);
      database = setup.database;
      libraryId = setup.libraryId;
      const patron = await buildPatron(setup.w, { libraryId });
      const item = await buildItem(setup.w, { libraryId });
      const { branch_id } = await database.db.selectFrom('items').select('branch_id').where('id', '=', item.id).executeTakeFirstOrThrow();
      await seed(database, libraryId, patron.id, item.id, branch_id);
    }, 120_000);
    afterAll(async () => database?.drop());

    /** Asserts one range of `index` on `table` bounded by the cursor, no full scan of it, no sort. */
    function expectRange(plan: Plan, table: string, index: string) {
      expect(plan.scans, plan.text).not.toContain(table);
      expect(plan.sorts, plan.text).toBe(false);
      const read = plan.indexes.find((i) => i.index === index);
      expect(read, plan.text).toBeDefined();
      // The cursor bounds the range itself (SQLite `(ended_at,id)>(?,?)`; PostgreSQL `ROW(ended_at, id) > ROW(…)`).
      expect(read!.cond.replace(/\s/g, ''), plan.text).toMatch(engine === 'sqlite' ? /\(\w+,\w+(,\w+)?\)>\(\?,\?(,\?)?\)/ : /ROW\(/);
    }

    /** PostgreSQL: the small tables are tested with scans priced out, so the plan shows what the index allows. */
    async function withoutScans(query: Compilable): Promise<Plan> {
      if (engine === 'sqlite') return planOf(engine, database.db, query);
      return database.db.connection().execute(async (conn) => {
        await sql.raw('SET enable_seqscan = off').execute(conn);
        await sql.raw('SET enable_bitmapscan = off').execute(conn);
        try {
          return await planOf(engine, conn, query);
        } finally {
          await sql.raw('RESET enable_seqscan').execute(conn);
          await sql.raw('RESET enable_bitmapscan').execute(conn);
        }
      });
    }

    it('reads a page of closed loans as one range of loans_closed_cursor, with no sort', async () => {
      const query = closedLoansQuery(database.db, { libraryId, status: 'returned', cutoff: '2026-01-01T00:00:00.000Z', cursor: CURSOR, limit: 1000 });
      expectRange(await planOf(engine, database.db, query), 'loans', 'loans_closed_cursor');
    });

    it('reads a page of settled fines as one range of fines_settled_cursor, with no sort', async () => {
      const query = endedRecordsQuery(database.db, 'fines', { libraryId, kind: 'paid', cutoff: '2026-01-01T00:00:00.000Z', cursor: CURSOR, limit: 1000 });
      expectRange(await planOf(engine, database.db, query), 'fines', 'fines_settled_cursor');
    });

    it('reads pages of holds, service records and notices as ranges of their cursor indexes', async () => {
      const cases = [
        ['holds', 'holds', 'holds_ended_cursor', 'fulfilled'],
        ['service-records', 'service_records', 'service_records_due_cursor', 'computer-session'],
        ['notices', 'notices', 'notices_ended_cursor', 'sent'],
      ] as const;
      for (const [records, table, index, kind] of cases) {
        const query = endedRecordsQuery(database.db, records, { libraryId, kind, cutoff: '2026-01-01T00:00:00.000Z', cursor: CURSOR, limit: 1000 });
        expectRange(await withoutScans(query), table, index);
      }
    });

    it('reads a page of inactive patrons as one range of patrons_last_active_cursor, with no sort', async () => {
      const query = patronCandidatesQuery(database.db, { libraryId, deceased: false, inactiveBefore: '2026-01-01T00:00:00.000Z', after: { at: CURSOR.at, id: 'patron-001000' }, limit: 1 });
      expectRange(await planOf(engine, database.db, query), 'patrons', 'patrons_last_active_cursor');
    });

    it('reads a page of deceased patrons through patrons_status_cursor in id order, with no sort', async () => {
      const query = patronCandidatesQuery(database.db, { libraryId, deceased: true, inactiveBefore: '2026-01-01T00:00:00.000Z', after: { at: '', id: 'patron-001000' }, limit: 1 });
      const plan = await planOf(engine, database.db, query);
      expect(plan.scans, plan.text).not.toContain('patrons');
      expect(plan.sorts, plan.text).toBe(false);
      expect(plan.indexes.find((i) => i.index === 'patrons_status_cursor'), plan.text).toBeDefined();
    });

    it('reads only the patrons whose age band has ended, through patrons_age_band_until', async () => {
      const plan = await planOf(engine, database.db, patronsToRebandQuery(database.db, libraryId, '2026-01-01T00:00:00.000Z'));
      expect(plan.scans, plan.text).not.toContain('patrons');
      expect(plan.indexes.find((i) => i.index === 'patrons_age_band_until' && /age_band_until/.test(i.cond)), plan.text).toBeDefined();
    });

    it('reads a page of vendor authorisations as one range of vendor_authorisations_last_cursor', async () => {
      const query = staleAuthorisationsQuery(database.db, { libraryId, cutoff: '2026-01-01T00:00:00.000Z', after: { lastAt: CURSOR.at, patronId: 'p', vendorId: 'v' }, limit: 1000 });
      const plan = await withoutScans(query);
      expectRange(plan, 'vendor_authorisations', 'vendor_authorisations_last_cursor');
    });
  });
}
