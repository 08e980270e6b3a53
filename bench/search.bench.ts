/**
 * Catalogue search: `npm run bench:search [-- options]`.
 *
 * For each engine (SQLite always; PostgreSQL when reachable) it seeds a catalogue of N records (default
 * 500,000; bench/lib/catalogue-corpus.ts: Zipf-like title words, accented authors, subjects, formats,
 * languages, 1–3 copies on three branches with varied statuses) through the repository's insert, then
 * times each query two ways on the same connection:
 *   1. the application: `searchCatalogue` through `run` (a transaction, the search scope, the page, the
 *      total, the facets and each hit's copies per branch), as the API and the portal call it;
 *   2. the floor: the same full-text query run bare — SQLite `SELECT rowid FROM bib_search WHERE
 *      bib_search MATCH ? ORDER BY rank LIMIT 20`, PostgreSQL `SELECT id FROM bib_records WHERE
 *      search_vector @@ q ORDER BY ts_rank(search_vector, q) DESC LIMIT 20` — with the match
 *      expression the application builds for the query's words (filters are the application's work).
 * Queries: a rare, a medium and a common title word, two words, an author, and the common word with a
 * format facet, then a branch, then available copies only. Each is run alternately (application, floor)
 * for --seconds each after a short warm-up; it prints searches/s, p50 and p99 for both, the ratio
 * application / floor (target ≥ 0.7) and whether p99 is under 50 ms, the seeding time and the peak RSS.
 * A benchmark reports; it never asserts.
 *
 * Options (environment variable in brackets):
 *   --records N      records seeded [CARREL_BENCH_RECORDS]                       default 500000
 *   --seconds S      measured seconds per query and side [CARREL_BENCH_SECONDS]   default 3
 *   --engines LIST   sqlite,postgres [CARREL_BENCH_ENGINES]                       default both
 *   --keep           keep the seeded databases (carrel-search-N.db in the temp dir, carrel_bench_search_N)
 *                    and reuse them on the next run with the same N: seeding 500,000 records takes minutes
 *   --json           print one JSON document on stdout (progress goes to stderr)
 * PostgreSQL: CARREL_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres; the
 * bench creates carrel_bench_search_<pid> there (or the kept carrel_bench_search_N) and drops it afterwards.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { parseQuery, type SearchField } from '../src/domain/catalogue.js';
import { fixedClock } from '../src/domain/clock.js';
import { countRecords, ftsMatch, tsQuery } from '../src/storage/catalogue.repository.js';
import { engineOf, openDatabase, redactUrl, type Database, type Db, type Engine } from '../src/storage/database.js';
import { keyStoreTargetFor, openKeyStore } from '../src/storage/key-store.js';
import { listBranches } from '../src/storage/library.repository.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { searchCatalogue, type SearchInput } from '../src/usecases/catalogue.usecases.js';
import { run, type Caller, type Runtime } from '../src/usecases/context.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { randomKey } from '../src/vault/cipher.js';
import { Keyring } from '../src/vault/keyring.js';
import { Vault } from '../src/vault/vault.js';
import { seedCatalogue, VOCABULARY, wordOf } from './lib/catalogue-corpus.js';
import { LIBRARY_ID, SYSTEM_CALLER } from './lib/fixture.js';
import { enginesOption, exitOnHelp, numberOption, postgresUrlOption } from './lib/options.js';
import { gc, say, seconds, table } from './lib/output.js';
import { percentile, round } from './lib/stats.js';

const USAGE = 'npm run bench:search [-- --records N] [--seconds S] [--engines sqlite,postgres] [--keep] [--json]';

const { values: flags } = parseArgs({
  options: {
    records: { type: 'string' },
    seconds: { type: 'string' },
    engines: { type: 'string' },
    keep: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
exitOnHelp(flags.help, USAGE);
const options = {
  records: numberOption(flags.records, 'CARREL_BENCH_RECORDS', 500_000, 100),
  seconds: numberOption(flags.seconds, 'CARREL_BENCH_SECONDS', 3, 0.1),
  engines: enginesOption(flags.engines),
  keep: flags.keep === true,
  postgresUrl: postgresUrlOption(),
};
const jsonMode = flags.json === true;
const out = (line = '') => {
  if (!jsonMode) process.stdout.write(`${line}\n`);
};

/** The search is public and reads no personal data: who asks changes nothing but the scope, named here. */
const PUBLIC: Caller = { ...SYSTEM_CALLER, channel: 'http' };

interface QueryCase {
  label: string;
  input: Omit<SearchInput, 'library'>;
}

/** The bench's queries: words of the corpus's vocabulary by rank (0 the commonest). */
function queryCases(branchCode: string): QueryCase[] {
  const common = wordOf(0);
  return [
    { label: 'rare word', input: { q: wordOf(Math.floor(VOCABULARY * 0.9)) } },
    { label: 'medium word', input: { q: wordOf(60) } },
    { label: 'common word', input: { q: common } },
    { label: 'two words', input: { q: `${wordOf(3)} ${wordOf(12)}` } },
    { label: 'author', input: { q: 'nunez', field: 'author' as SearchField } },
    { label: 'common + format', input: { q: common, format: 'audiobook' } },
    { label: '+ branch', input: { q: common, format: 'audiobook', branch: branchCode } },
    { label: '+ available', input: { q: common, format: 'audiobook', branch: branchCode, available: true } },
  ];
}

/** The bare full-text query of a search's words: the floor. */
function floorQuery(db: Db, input: QueryCase['input']): () => Promise<unknown> {
  const parsed = parseQuery(input.q, input.field ?? 'keyword');
  if (!parsed) throw new Error(`the bench query ${input.q} has no words`);
  if (engineOf(db) === 'postgres') {
    const text = tsQuery(parsed);
    return () => sql`select id from bib_records where search_vector @@ to_tsquery('simple', ${text}) order by ts_rank(search_vector, to_tsquery('simple', ${text})) desc limit 20`.execute(db);
  }
  const match = ftsMatch(parsed);
  return () => sql`select rowid from bib_search where bib_search match ${match} order by rank limit 20`.execute(db);
}

interface Timing {
  perSecond: number;
  p50: number;
  p99: number;
}

/** Runs the application and the floor for `budget` seconds of their own time each, in alternating slices. */
async function alternate(app: () => Promise<unknown>, floor: () => Promise<unknown>, budget: number): Promise<{ app: Timing; floor: Timing }> {
  // Warm-up: five of each, or one second, whichever ends first (a common word on PostgreSQL takes long).
  const warming = performance.now();
  for (let n = 0; n < 5 && performance.now() - warming < 1000; n++) {
    await app();
    await floor();
  }
  const times = { app: [] as number[], floor: [] as number[] };
  const spent = { app: 0, floor: 0 };
  const slice = Math.min(0.5, budget / 4) * 1000;
  while (spent.app < budget * 1000 || spent.floor < budget * 1000) {
    for (const side of ['app', 'floor'] as const) {
      if (spent[side] >= budget * 1000) continue;
      const op = side === 'app' ? app : floor;
      const sliceStart = performance.now();
      while (performance.now() - sliceStart < slice) {
        const started = performance.now();
        await op();
        times[side].push(performance.now() - started);
      }
      spent[side] += performance.now() - sliceStart;
    }
  }
  const timing = (values: number[], total: number): Timing => ({ perSecond: (values.length / total) * 1000, p50: percentile(values, 50), p99: percentile(values, 99) });
  return { app: timing(times.app, spent.app), floor: timing(times.floor, spent.floor) };
}

interface EngineResult {
  engine: Engine;
  records: number;
  items: number;
  seedSeconds: number | null;
  queries: { label: string; total: number; app: Timing; floor: Timing; ratio: number }[];
}

async function benchEngine(engine: Engine, target: string, fresh: boolean): Promise<EngineResult> {
  const database: Database = openDatabase(target, { poolSize: 2 });
  const keyDir = mkdtempSync(join(tmpdir(), 'carrel-search-keys-'));
  const keyStore = await openKeyStore(keyStoreTargetFor(join(keyDir, 'keys.db')));
  try {
    await migrateToLatest(database.db);
    const clock = fixedClock('2026-04-10T16:00:00.000Z');
    const vault = await Vault.open({ keyring: new Keyring([randomKey()], { kind: 'env' }), store: keyStore, now: clock.now() });
    const runtime: Runtime = { db: database.db, clock, vault };
    let seedSeconds: number | null = null;
    let items: number;
    if (fresh || (await countRecords(database.db, LIBRARY_ID)) !== options.records) {
      say(`${engine}: seeding ${options.records.toLocaleString('en')} records…`);
      const started = performance.now();
      await run(runtime, SYSTEM_CALLER, createLibrary, {
        id: LIBRARY_ID,
        name: 'Bench Library',
        profileId: 'imagineif-mt',
        branches: [
          { code: 'central', name: 'Central' },
          { code: 'east', name: 'East' },
          { code: 'west', name: 'West' },
        ],
      });
      const branchIds = (await listBranches(database.db, LIBRARY_ID)).map((b) => b.id);
      ({ items } = await seedCatalogue(database.db, {
        libraryId: LIBRARY_ID,
        branchIds,
        count: options.records,
        now: clock.now().toISOString(),
        progress: (done) => say(`  ${done.toLocaleString('en')} records (${seconds(started)} s)`),
      }));
      // As autovacuum would soon after a load: statistics, and on PostgreSQL the visibility map (index-only
      // scans of the copies read no table pages once it is set).
      await (engine === 'postgres' ? sql`vacuum analyze` : sql`analyze`).execute(database.db);
      seedSeconds = seconds(started);
      say(`${engine}: seeded in ${seedSeconds} s`);
    } else {
      items = Number((await database.db.selectFrom('items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      say(`${engine}: reusing the kept catalogue of ${options.records.toLocaleString('en')} records`);
    }
    const queries: EngineResult['queries'] = [];
    for (const c of queryCases('east')) {
      gc();
      const input = { ...c.input, library: LIBRARY_ID };
      const first = await run(runtime, PUBLIC, searchCatalogue, input);
      const timing = await alternate(() => run(runtime, PUBLIC, searchCatalogue, input), floorQuery(database.db, c.input), options.seconds);
      queries.push({ label: c.label, total: first.total, ...timing, ratio: timing.app.perSecond / timing.floor.perSecond });
      say(`  ${c.label}: ${first.total} matches, ${Math.round(timing.app.perSecond)}/s vs floor ${Math.round(timing.floor.perSecond)}/s`);
    }
    return { engine, records: options.records, items, seedSeconds, queries };
  } finally {
    await keyStore.close();
    await database.close();
    rmSync(keyDir, { recursive: true, force: true });
  }
}

/** Searches per second: whole above 10, to a tenth below (a common word on PostgreSQL takes seconds). */
function perSecond(value: number): string {
  return value >= 10 ? String(Math.round(value)) : value.toFixed(1);
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

const started = performance.now();
const loadBefore = loadavg().map((n) => round(n, 2));
const results: EngineResult[] = [];
const skipped: { engine: Engine; reason: string }[] = [];

if (options.engines.includes('sqlite')) {
  const kept = join(tmpdir(), `carrel-search-${options.records}.db`);
  const dir = options.keep ? null : mkdtempSync(join(tmpdir(), 'carrel-search-bench-'));
  const target = dir ? join(dir, 'search.db') : kept;
  try {
    results.push(await benchEngine('sqlite', target, !existsSync(target)));
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
if (options.engines.includes('postgres')) {
  const admin = new pg.Client({ connectionString: options.postgresUrl, connectionTimeoutMillis: 3000 });
  let reachable = true;
  try {
    await admin.connect();
  } catch (error) {
    reachable = false;
    const reason = `unreachable at ${redactUrl(options.postgresUrl)} (${error instanceof Error ? error.message : String(error)}); set CARREL_BENCH_POSTGRES_URL`;
    skipped.push({ engine: 'postgres', reason });
    say(`PostgreSQL skipped: ${reason}`);
  }
  if (reachable) {
    const name = options.keep ? `carrel_bench_search_${options.records}` : `carrel_bench_search_${process.pid}`;
    const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
    if (!exists) await admin.query(`CREATE DATABASE ${name}`);
    try {
      results.push(await benchEngine('postgres', withDatabase(options.postgresUrl, name), !exists));
    } finally {
      if (!options.keep) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
}

const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
const loadAfter = loadavg().map((n) => round(n, 2));
if (jsonMode) {
  const { postgresUrl, ...config } = options;
  process.stdout.write(`${JSON.stringify({ benchmark: 'search', config, results, skipped, peakRssMb, loadAverage: { before: loadBefore, after: loadAfter }, seconds: seconds(started) }, null, 2)}\n`);
} else {
  for (const r of results) {
    out(`\n${r.engine}: ${r.records.toLocaleString('en')} records, ${r.items.toLocaleString('en')} copies; seeding ${r.seedSeconds === null ? 'reused' : `${r.seedSeconds} s`}`);
    table(
      out,
      ['query', 'matches', 'app/s', 'p50 ms', 'p99 ms', 'floor/s', 'floor p99', 'app/floor'],
      [18, 8, 7, 7, 7, 8, 9, 9],
      r.queries.map((q) => [
        q.label,
        String(q.total),
        perSecond(q.app.perSecond),
        q.app.p50.toFixed(1),
        q.app.p99.toFixed(1),
        perSecond(q.floor.perSecond),
        q.floor.p99.toFixed(1),
        `${q.ratio.toFixed(2)}${q.ratio >= 0.7 ? '' : ' (<0.7)'}`,
      ]),
    );
  }
  for (const s of skipped) out(`${s.engine}: skipped (${s.reason})`);
  out(`\npeak RSS ${peakRssMb} MB; load average ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after; ${seconds(started)} s in all`);
  out('targets: app/floor ≥ 0.7; p99 under 50 ms on SQLite');
}
