/**
 * Retention throughput and its cost to the desk: `npm run bench:retention [-- options]`.
 *
 * For each engine (SQLite always; PostgreSQL when reachable) it seeds one database (one library under
 * the `imagineif-mt` profile, which anonymises a loan on return; 10,000 patrons sealed by the vault as
 * `registerPatron` stores them; 100,000 items; 1,000,000 closed loans over two years, inserted in
 * check-out order as a live table grows, each out 1 to 28 days, spread over every patron, item and
 * branch, 1% of them lost, with an open fine on 2% of them (which keeps the loan) and a settled fine on
 * 1% (which loses its link); 20,000 active loans), ANALYZEs it, and then works on copies of it (SQLite: the file after a
 * WAL checkpoint, with its key store; loan ids are time-ordered, as check-out writes them; PostgreSQL: CREATE DATABASE … TEMPLATE, nothing connected to the
 * original), so every measurement starts from the same state:
 *   1. the floor: the same anonymisation as bare SQL on the raw driver (better-sqlite3 / pg), one
 *      transaction: unlink the settled fines of the loans that go, then delete those loans. Two
 *      statements, because `fines.loan_id` references `loans`: a loan with a settled fine cannot be
 *      deleted before its fine lets go of it. The exact statements are printed.
 *   2. the floor with statistics: the same, preceded by an aggregate (one INSERT … SELECT … GROUP BY …
 *      ON CONFLICT into `circulation_stats`): the work the engine did when it counted loans as it
 *      anonymised them. It no longer does (a loan is counted when it is lent, statistics.usecases.ts), so
 *      the plain floor is now all the work the engine does; this one is kept for comparison;
 *   3. the retention run: `runRetention(runtime, { libraryId, pageSize })` through the real engine, once
 *      per page size; afterwards it checks that it disposed of exactly the loans the floor deleted, that
 *      the loans with open fines remain, that no settled fine still points at a loan, and that it added
 *      nothing to the statistics, as the plain floor (a WARNING otherwise: a ratio of different work is worthless);
 *   4. check-out latency: the real HTTP API (`buildServer`, 127.0.0.1) on a fresh copy, check-out +
 *      check-in pairs from autocannon (4 connections, in a worker thread): once idle, once while
 *      `runRetention` runs in the same process (as `carrel start` runs it). The measurement window is
 *      at most --window seconds and no longer than the unloaded run took, so the run is going for all
 *      of it; the run is stopped (its abort signal) when the window ends. Latency is taken per request
 *      in the load generator (sent to answered) and reported for check-outs.
 * It prints run / floor (target ≤ 2) and check-out p99 during / idle (target ≤ 3); a benchmark reports,
 * it never asserts.
 *
 * Options (environment variable in brackets):
 *   --loans N         closed loans seeded [CARREL_BENCH_LOANS]                          default 1000000
 *   --active N        active loans seeded [CARREL_BENCH_ACTIVE]                         default 20000
 *   --patrons N       patrons seeded [CARREL_BENCH_PATRONS]                             default 10000
 *   --items N         items seeded [CARREL_BENCH_ITEMS]                                 default 100000
 *   --page-sizes L    page sizes of the timed runs, e.g. 1000,5000 [CARREL_BENCH_PAGE_SIZES]  default 1000 (each adds
 *                     a timed run of the whole million: about 3 min on SQLite and 1.5 min on PostgreSQL on 2 cores)
 *   --load-page-size N  page size of the run under load [CARREL_BENCH_LOAD_PAGE_SIZE]   default 1000 (the job's default)
 *   --window S        longest latency measurement, idle and during [CARREL_BENCH_WINDOW]  default 20
 *   --warmup S        unmeasured seconds of load before the idle measurement [CARREL_BENCH_WARMUP]  default 2
 *   --connections N   autocannon connections [CARREL_BENCH_CONNECTIONS]                 default 4
 *   --engines LIST    sqlite,postgres [CARREL_BENCH_ENGINES]                            default both
 *   --no-desk         the floors and the unloaded runs only, no desk scenarios (to iterate on the engine's cost)
 *   --json            print only the JSON line on stdout (progress goes to stderr)
 * PostgreSQL: CARREL_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres; the bench
 * creates carrel_rbench_<pid> and its copies there and drops them afterwards.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { sql, type Insertable } from 'kysely';
import pg from 'pg';
import { systemClock } from '../src/domain/clock.js';
import { DeskLoad } from '../src/domain/desk-load.js';
import { buildServer } from '../src/http/server.js';
import { runRetention, type RetentionProgress, type RetentionReport } from '../src/jobs/retention.job.js';
import { createLogger } from '../src/log.js';
import { openDatabase, redactUrl, type Database, type Engine } from '../src/storage/database.js';
import { keyStoreTargetFor, openKeyStore, type KeyStore } from '../src/storage/key-store.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import type { Schema } from '../src/storage/schema.js';
import { run, type Runtime } from '../src/usecases/context.js';
import { createLibrary, setLoanRule } from '../src/usecases/library.usecases.js';
import { sealPatron } from '../src/usecases/patron-records.js';
import { createStaff } from '../src/usecases/staff.usecases.js';
import { randomKey } from '../src/vault/cipher.js';
import { Keyring } from '../src/vault/keyring.js';
import { hashSecret } from '../src/vault/secrets.js';
import { Vault } from '../src/vault/vault.js';
import { barcodeOf, createPatronKeys, LIBRARY_ID, logIn, patronOf, patronRow, SYSTEM_CALLER } from './lib/fixture.js';
import { enginesOption, exitOnHelp, numberOption, postgresUrlOption } from './lib/options.js';
import { gc, say, seconds, table } from './lib/output.js';
import { percentile, round } from './lib/stats.js';
import { absoluteNow, loadAutocannon, loadSettings, mainOrWorker, pairRequests, reportStarted, runInWorker, type PairContext } from './lib/workers.js';

// ---------------------------------------------------------------------------------------------------
// Shared by both threads: the load job's shape (bench/lib/fixture.ts has the cards and barcodes).

interface LoadJob {
  baseUrl: string;
  cookie: string;
  csrfToken: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** Patrons the load borrows for (indexes into the fixture's patrons): adults who owe nothing. */
  patrons: number[];
  /** Items the load lends: [from, to) of the fixture's items, all on the shelf. */
  itemsFrom: number;
  itemsTo: number;
  /** Requests per second across all connections (a paced desk); absent: as fast as they are answered. */
  overallRate?: number;
}

/** One answered request, as the load generator saw it. */
interface Sample {
  /** Absolute time the request was sent (performance.timeOrigin + now(), ms): comparable across threads. */
  at: number;
  ms: number;
  status: number;
}

interface LoadOutcome {
  /** When the measured part started and ended (absolute ms). */
  startedAt: number;
  endedAt: number;
  seconds: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** autocannon's own percentiles over both kinds of request. */
  autocannonP50Ms: number;
  autocannonP99Ms: number;
  checkouts: Sample[];
  checkins: Sample[];
  failures: { path: string; status: number; body: string }[];
}

// ---------------------------------------------------------------------------------------------------
// The worker thread: autocannon.

async function loadWorker(job: LoadJob): Promise<LoadOutcome> {
  const { autocannon, aggregateResult } = await loadAutocannon();
  let recording: { checkouts: Sample[]; checkins: Sample[]; failures: LoadOutcome['failures'] } | null = null;
  const note = (kind: 'checkouts' | 'checkins', ctx: PairContext, status: number, body: string) => {
    if (!recording || ctx.sentAt === undefined) return;
    recording[kind].push({ at: ctx.sentAt, ms: absoluteNow() - ctx.sentAt, status });
    if (status >= 300 && recording.failures.length < 5) recording.failures.push({ path: kind, status, body: body.slice(0, 300) });
  };
  const requests = pairRequests({
    prefix: '/api/v1',
    itemsFrom: job.itemsFrom,
    items: job.itemsTo - job.itemsFrom,
    patronOf: (pair) => job.patrons[pair % job.patrons.length] as number,
    onAnswer: note,
  });
  // A run of at least half a second (autocannon's duration is 0.02 s under it).
  const settings = (seconds: number) => ({
    ...loadSettings({ url: job.baseUrl, cookie: job.cookie, csrfToken: job.csrfToken, connections: job.connections, requests }, Math.max(0.52, seconds)),
    ...(job.overallRate !== undefined ? { overallRate: job.overallRate } : {}),
  });
  if (job.warmupSeconds > 0) await autocannon(settings(job.warmupSeconds));
  reportStarted(); // the main thread starts what runs during the measurement now
  recording = { checkouts: [], checkins: [], failures: [] };
  const startedAt = absoluteNow();
  const raw = await autocannon(settings(job.seconds));
  const endedAt = absoluteNow();
  const result = aggregateResult([raw], settings(job.seconds), {});
  return {
    startedAt,
    endedAt,
    seconds: (endedAt - startedAt) / 1000,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    autocannonP50Ms: result.latency.p50,
    autocannonP99Ms: result.latency.p99,
    ...recording,
  };
}

/** Runs a load in a worker thread; `onStart` is called when its measured part begins (after any warm-up). */
function runLoad(job: LoadJob, onStart?: () => void): Promise<LoadOutcome> {
  return runInWorker<LoadJob, LoadOutcome>(new URL(import.meta.url), job, onStart);
}

// ---------------------------------------------------------------------------------------------------
// Options.

interface Options {
  loans: number;
  active: number;
  patrons: number;
  items: number;
  pageSizes: number[];
  loadPageSize: number;
  windowSeconds: number;
  /** The paced desk: check-outs per second, and how long it may last while the run goes. */
  deskRate: number;
  pacedWindowSeconds: number;
  warmupSeconds: number;
  connections: number;
  engines: Engine[];
  /** The desk scenarios (4 and 5); off with --no-desk. */
  desk: boolean;
  json: boolean;
  postgresUrl: string;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      loans: { type: 'string' },
      active: { type: 'string' },
      patrons: { type: 'string' },
      items: { type: 'string' },
      'page-sizes': { type: 'string' },
      'load-page-size': { type: 'string' },
      window: { type: 'string' },
      'desk-rate': { type: 'string' },
      'paced-window': { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      engines: { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-desk': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  exitOnHelp(
    values.help,
    'npm run bench:retention -- [--loans N] [--active N] [--patrons N] [--items N] [--page-sizes 1000[,5000]] [--load-page-size N] [--window S] [--desk-rate N] [--paced-window S] [--warmup S] [--connections N] [--engines sqlite,postgres] [--no-desk] [--json]',
  );
  const number = numberOption;
  const engines = enginesOption(values.engines);
  // 'auto' (0 here): the engine sizes its pages to its time budget, as `carrel start` runs it.
  const pageSizes = (values['page-sizes'] ?? process.env.CARREL_BENCH_PAGE_SIZES ?? 'auto').split(',').map((s) => (s.trim() === 'auto' ? 0 : Math.floor(Number(s.trim()))));
  for (const p of pageSizes) if (!Number.isFinite(p) || p < 0) throw new Error(`--page-sizes must list whole numbers ≥ 1, or auto`);
  const options: Options = {
    loans: Math.floor(number(values.loans, 'CARREL_BENCH_LOANS', 1_000_000, 1000)),
    active: Math.floor(number(values.active, 'CARREL_BENCH_ACTIVE', 20_000, 0)),
    patrons: Math.floor(number(values.patrons, 'CARREL_BENCH_PATRONS', 10_000, 100)),
    items: Math.floor(number(values.items, 'CARREL_BENCH_ITEMS', 100_000, 100)),
    pageSizes,
    loadPageSize: values['load-page-size'] === 'auto' || values['load-page-size'] === undefined ? 0 : Math.floor(number(values['load-page-size'], 'CARREL_BENCH_LOAD_PAGE_SIZE', 0, 1)),
    windowSeconds: number(values.window, 'CARREL_BENCH_WINDOW', 20, 1),
    deskRate: number(values['desk-rate'], 'CARREL_BENCH_DESK_RATE', 20, 1),
    pacedWindowSeconds: number(values['paced-window'], 'CARREL_BENCH_PACED_WINDOW', 90, 2),
    warmupSeconds: number(values.warmup, 'CARREL_BENCH_WARMUP', 2, 0),
    connections: Math.floor(number(values.connections, 'CARREL_BENCH_CONNECTIONS', 4, 1)),
    engines: engines as Engine[],
    desk: values['no-desk'] !== true,
    json: values.json ?? false,
    postgresUrl: postgresUrlOption(),
  };
  if (options.windowSeconds > 20) throw new Error('--window is at most 20 s (load tests are bounded)');
  if (options.pacedWindowSeconds > 300) throw new Error('--paced-window is at most 300 s (load tests are bounded)');
  if (options.items - options.active < options.connections * 8) throw new Error('--items must exceed --active by at least 8 × --connections (items on the shelf for the two loads)');
  return options;
}

// ---------------------------------------------------------------------------------------------------
// Output.

let jsonMode = false;
// ---------------------------------------------------------------------------------------------------
// The fixture.

/** Anonymise on return (IF-3); reading history not offered, so only open fines keep a closed loan. */
const PROFILE_ID = 'imagineif-mt';
const BRANCHES = ['main', 'north', 'south', 'east'];
/** Shares of the closed loans, in basis points (1/10,000). */
const OPEN_FINE_BP = 200; // 2%: an open fine keeps the loan (IF-3)
const SETTLED_FINE_BP = 100; // 1%: a settled fine loses its loan and item
const LOST_PERCENT = 1; // 1% of closed loans are lost rather than returned
/** Settled fines were settled within this many days, well inside the profile's 90: the fines walk leaves them be. */
const SETTLED_WITHIN_DAYS = 30;
const DAY_MS = 86_400_000;
const CLOSED_CHUNK = 100_000;

interface Fixture {
  username: string;
  password: string;
  /** Patron indexes the load may borrow for: adults with no open fine. */
  loadPatrons: number[];
  closedLoans: number;
  lostLoans: number;
  activeLoans: number;
  openFines: number;
  settledFines: number;
  seedSeconds: number;
}

function ageBandOf(i: number): string {
  if (i % 10 === 0) return i % 20 === 0 ? '0-12' : '13-17';
  return i % 7 === 0 ? '65+' : '18-64';
}

async function inBatches(count: number, batch: number, work: (from: number, to: number) => Promise<void>): Promise<void> {
  for (let from = 0; from < count; from += batch) await work(from, Math.min(count, from + batch));
}

/** Engine-specific SQL for the bulk loans and fines. Values are bound, never spliced. */
function closedLoansSql(engine: Engine, p: { from: number; to: number; total: number; now: number; patrons: number; items: number }) {
  // Loan k, in insertion order as a live table is (by check-out): checked out in turn over two years
  // (the first 760 days ago, the last 30), out 1 to 28 days (a multiplicative hash picks the day), so it
  // ended 2 to 759 days ago; it belongs to patron k·7919 mod P and item k·104729 mod I (both primes:
  // loans spread over every patron and item), and 1% of loans are lost.
  const first = p.now - 760 * DAY_MS;
  const step = (730 * DAY_MS) / p.total;
  const outFor = `(${DAY_MS} * (1 + ((k * 2654435761) % 4294967296) * 28 / 4294967296) + (k * 7) % 3600000)`;
  if (engine === 'sqlite') {
    const iso = (expr: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', (${expr}) / 1000.0, 'unixepoch')`;
    return sql`
      insert into loans (id, library_id, patron_id, item_id, branch_id, checked_out_at, due_at, renewals, status, ended_at)
      with recursive seq(k) as (select ${p.from} union all select k + 1 from seq where k + 1 < ${p.to}),
      g as (
        select k, lower(hex(randomblob(16))) as h,
          ${first} + cast(k * ${step} as integer) + (k * 7919) % 3600000 as out_at,
          ${sql.raw(outFor)} as out_for
        from seq)
      select substr(printf('%012x', g.out_at), 1, 8) || '-' || substr(printf('%012x', g.out_at), 9, 4) || '-7' || substr(h, 14, 3) || '-a' || substr(h, 18, 3) || '-' || substr(h, 21, 12),
        ${LIBRARY_ID}, p.id, i.id, i.branch_id,
        ${sql.raw(iso('g.out_at'))}, ${sql.raw(iso(`g.out_at + ${21 * DAY_MS}`))}, 0,
        case when (g.k * 40503) % 100 < ${LOST_PERCENT} then 'lost' else 'returned' end,
        ${sql.raw(iso('g.out_at + g.out_for'))}
      from g
      join bench_patron_n p on p.n = (g.k * 7919) % ${p.patrons}
      join bench_item_n i on i.n = (g.k * 104729) % ${p.items}`;
  }
  return sql`
    insert into loans (id, library_id, patron_id, item_id, branch_id, checked_out_at, due_at, renewals, status, ended_at)
    select ${sql.raw(PG_TIME_ORDERED_ID)}, ${LIBRARY_ID}, p.id, i.id, i.branch_id,
      to_timestamp(g.out_at / 1000.0), to_timestamp((g.out_at + ${21 * DAY_MS}::bigint) / 1000.0), 0,
      case when (g.k * 40503) % 100 < ${LOST_PERCENT} then 'lost' else 'returned' end,
      to_timestamp((g.out_at + g.out_for) / 1000.0)
    from (
      select k, md5(random()::text) as h, ${first}::bigint + floor(k * ${step}::float8)::bigint + (k * 7919) % 3600000 as out_at,
        ${sql.raw(outFor.replace(/(\d{5,})/g, '$1::bigint'))} as out_for
      from generate_series(${p.from}::bigint, ${p.to - 1}::bigint) as k
    ) g
    join bench_patron_n p on p.n = (g.k * 7919) % ${p.patrons}
    join bench_item_n i on i.n = (g.k * 104729) % ${p.items}`;
}

/** A time-ordered loan id (UUIDv7 layout, as the engine's check-out writes them) from g.out_at and g.h. */
const PG_TIME_ORDERED_ID =
  "substr(lpad(to_hex(g.out_at), 12, '0'), 1, 8) || '-' || substr(lpad(to_hex(g.out_at), 12, '0'), 9, 4) || '-7' || substr(g.h, 1, 3) || '-a' || substr(g.h, 4, 3) || '-' || substr(g.h, 7, 12)";

function activeLoansSql(engine: Engine, p: { count: number; now: number; patrons: number; firstItem: number }) {
  if (engine === 'sqlite') {
    const iso = (expr: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', (${expr}) / 1000.0, 'unixepoch')`;
    return sql`
      insert into loans (id, library_id, patron_id, item_id, branch_id, checked_out_at, due_at, renewals, status, ended_at)
      with recursive seq(k) as (select 0 union all select k + 1 from seq where k + 1 < ${p.count}),
      g as (select k, lower(hex(randomblob(16))) as h, ${p.now} - (${DAY_MS} * (k % 20) + (k * 13) % ${DAY_MS}) as out_at from seq)
      select substr(printf('%012x', g.out_at), 1, 8) || '-' || substr(printf('%012x', g.out_at), 9, 4) || '-7' || substr(h, 14, 3) || '-a' || substr(h, 18, 3) || '-' || substr(h, 21, 12),
        ${LIBRARY_ID}, p.id, i.id, i.branch_id, ${sql.raw(iso('g.out_at'))}, ${sql.raw(iso(`g.out_at + ${21 * DAY_MS}`))}, 0, 'active', null
      from g
      join bench_patron_n p on p.n = (g.k * 7919 + 17) % ${p.patrons}
      join bench_item_n i on i.n = ${p.firstItem} + g.k`;
  }
  return sql`
    insert into loans (id, library_id, patron_id, item_id, branch_id, checked_out_at, due_at, renewals, status, ended_at)
    select ${sql.raw(PG_TIME_ORDERED_ID)}, ${LIBRARY_ID}, p.id, i.id, i.branch_id, to_timestamp(g.out_at / 1000.0), to_timestamp((g.out_at + ${21 * DAY_MS}::bigint) / 1000.0), 0, 'active', null
    from (select k, md5(random()::text) as h, ${p.now}::bigint - (${DAY_MS}::bigint * (k % 20) + (k * 13) % ${DAY_MS}::bigint) as out_at from generate_series(0::bigint, ${p.count - 1}::bigint) as k) g
    join bench_patron_n p on p.n = (g.k * 7919 + 17) % ${p.patrons}
    join bench_item_n i on i.n = ${p.firstItem}::bigint + g.k`;
}

function finesSql(engine: Engine, now: number) {
  // A well-mixed number 0..9999 per loan picks the fined loans: below OPEN_FINE_BP an open fine, then
  // SETTLED_FINE_BP a paid one (settled within the last SETTLED_WITHIN_DAYS days, and not before the loan ended).
  const settledFloor = new Date(now - SETTLED_WITHIN_DAYS * DAY_MS).toISOString();
  if (engine === 'sqlite') {
    return sql`
      insert into fines (id, library_id, patron_id, loan_id, item_id, kind, amount_cents, balance_cents, status, note, created_at, settled_at)
      select lower(hex(randomblob(16))), library_id, patron_id, id, item_id, case status when 'lost' then 'lost' else 'overdue' end,
        150, case when h < ${OPEN_FINE_BP} then 150 else 0 end, case when h < ${OPEN_FINE_BP} then 'open' else 'paid' end, null, ended_at,
        case when h < ${OPEN_FINE_BP} then null else max(ended_at, ${settledFloor}) end
      from (select loans.*, (((rowid * 2654435761) % 4294967296) * 10000) / 4294967296 as h from loans where status <> 'active')
      where h < ${OPEN_FINE_BP + SETTLED_FINE_BP}`;
  }
  return sql`
    insert into fines (id, library_id, patron_id, loan_id, item_id, kind, amount_cents, balance_cents, status, note, created_at, settled_at)
    select gen_random_uuid()::text, library_id, patron_id, id, item_id, case status when 'lost' then 'lost' else 'overdue' end,
      150, case when h < ${OPEN_FINE_BP} then 150 else 0 end, case when h < ${OPEN_FINE_BP} then 'open' else 'paid' end, null, ended_at,
      case when h < ${OPEN_FINE_BP} then null else greatest(ended_at, ${settledFloor}::timestamptz) end
    from (select loans.*, (hashtext(id)::bigint & 2147483647) % 10000 as h from loans where status <> 'active') s
    where h < ${OPEN_FINE_BP + SETTLED_FINE_BP}`;
}

/**
 * Seeds the library through the use cases (createLibrary, setLoanRule, createStaff), the patrons as
 * `registerPatron` stores them (a data key each, personal fields and card sealed), the items in bulk,
 * then the loans and fines as bulk SQL, and ANALYZEs.
 */
async function seed(database: Database, runtime: Runtime, options: Options): Promise<Fixture> {
  const started = performance.now();
  const db = database.db;
  const engine = database.engine;
  const { branches } = await run(runtime, SYSTEM_CALLER, createLibrary, {
    id: LIBRARY_ID,
    name: 'Bench Public Library',
    profileId: PROFILE_ID,
    branches: BRANCHES.map((code) => ({ code, name: `Bench ${code}` })),
  });
  for (const [itemType, loanDays] of [
    ['dvd', 7],
    ['audiobook', 14],
  ] as const)
    await run(runtime, SYSTEM_CALLER, setLoanRule, { libraryId: LIBRARY_ID, patronCategory: '*', itemType, loanDays, renewals: 1, finePerDayCents: 100, maxFineCents: 1000 });
  const staff = await run(runtime, SYSTEM_CALLER, createStaff, { username: 'bench-desk', libraryId: LIBRARY_ID, roles: ['admin', 'circulation'] });

  const nowDate = runtime.clock.now();
  const now = nowDate.toISOString();
  const pinHash = await hashSecret('0000'); // one argon2id hash for every patron
  const patronIds = Array.from({ length: options.patrons }, () => randomUUID());
  await sql`create table bench_patron_n (n integer primary key, id text not null)`.execute(db);
  await sql`create table bench_item_n (n integer primary key, id text not null, branch_id text not null)`.execute(db);
  const keysStarted = performance.now();
  await inBatches(options.patrons, 500, async (from, to) => {
    await createPatronKeys(runtime.vault, patronIds, from, to, nowDate);
    const rows: Insertable<Schema['patrons']>[] = [];
    for (let i = from; i < to; i++) rows.push(patronRow(await sealPatron(runtime.vault, patronOf(i, patronIds[i] as string, now, { juveniles: true })), pinHash, ageBandOf(i)));
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('patrons').values(rows).execute();
      await sql`insert into bench_patron_n (n, id) values ${sql.join(rows.map((r, k) => sql`(${from + k}, ${r.id})`))}`.execute(trx);
    });
  });
  say(`[${engine}]   ${options.patrons.toLocaleString('en')} patrons sealed and stored in ${seconds(keysStarted)} s`);
  const itemTypes = ['book', 'book', 'book', 'book', 'book', 'book', 'book', 'dvd', 'dvd', 'audiobook'];
  await inBatches(options.items, 500, async (from, to) => {
    const rows: (Insertable<Schema['items']> & { id: string; branch_id: string })[] = [];
    for (let i = from; i < to; i++) {
      rows.push({
        id: randomUUID(),
        library_id: LIBRARY_ID,
        branch_id: (branches[i % branches.length] as { id: string }).id,
        barcode: barcodeOf(i),
        title: `Bench title ${i}`,
        author: `Author ${i % 997}`,
        isbn: null,
        item_type: itemTypes[i % itemTypes.length] as string,
        status: 'available',
        replacement_cost_cents: null,
        damaged: 0,
        created_at: now,
      });
    }
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values(rows).execute();
      await sql`insert into bench_item_n (n, id, branch_id) values ${sql.join(rows.map((r, k) => sql`(${from + k}, ${r.id}, ${r.branch_id})`))}`.execute(trx);
    });
  });

  const loansStarted = performance.now();
  // Seeding only: a large page cache for the bulk inserts (the measured runs use Carrel's own settings).
  if (engine === 'sqlite') await sql`pragma cache_size = -1000000`.execute(db);
  const nowMs = nowDate.getTime();
  for (let from = 0; from < options.loans; from += CLOSED_CHUNK) {
    const to = Math.min(options.loans, from + CLOSED_CHUNK);
    await closedLoansSql(engine, { from, to, total: options.loans, now: nowMs, patrons: options.patrons, items: options.items }).execute(db);
    if (engine === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    say(`[${engine}]   closed loans: ${to.toLocaleString('en')} / ${options.loans.toLocaleString('en')} (${seconds(loansStarted)} s)`);
  }
  if (options.active > 0) {
    await activeLoansSql(engine, { count: options.active, now: nowMs, patrons: options.patrons, firstItem: options.items - options.active }).execute(db);
    await sql`update items set status = 'on-loan' where id in (select item_id from loans where status = 'active')`.execute(db);
  }
  await finesSql(engine, nowMs).execute(db);
  const count = async (query: ReturnType<typeof sql<{ n: number | string }>>) => Number((await query.execute(db)).rows[0]?.n ?? 0);
  const closedLoans = await count(sql`select count(*) as n from loans where status in ('returned', 'lost')`);
  const lostLoans = await count(sql`select count(*) as n from loans where status = 'lost'`);
  const activeLoans = await count(sql`select count(*) as n from loans where status = 'active'`);
  const openFines = await count(sql`select count(*) as n from fines where status = 'open'`);
  const settledFines = await count(sql`select count(*) as n from fines where status <> 'open'`);
  // The load borrows for adults the desk would not block for what they owe (the load charges no fines).
  const loadPatrons = (
    await sql<{ n: number }>`select b.n from bench_patron_n b join patrons p on p.id = b.id
      where p.category_code = 'adult'
        and (select coalesce(sum(f.balance_cents), 0) from fines f where f.patron_id = p.id and f.status = 'open') <= (select max_balance_cents from libraries where id = ${LIBRARY_ID})
      order by b.n`.execute(db)
  ).rows.map((r) => Number(r.n));
  if (loadPatrons.length < options.connections * 4) throw new Error(`only ${loadPatrons.length} patrons could borrow: seed more patrons`);
  await sql`drop table bench_patron_n`.execute(db);
  await sql`drop table bench_item_n`.execute(db);
  say(`[${engine}]   loans and fines in ${seconds(loansStarted)} s; ANALYZE…`);
  if (engine === 'postgres') await sql`vacuum analyze`.execute(db);
  else {
    await sql`analyze`.execute(db);
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  }
  const { account } = staff;
  return {
    username: account.username,
    password: staff.password,
    loadPatrons,
    closedLoans,
    lostLoans,
    activeLoans,
    openFines,
    settledFines,
    seedSeconds: seconds(started),
  };
}

// ---------------------------------------------------------------------------------------------------
// Copies.

/** Where the engine's databases live, and how one is copied and removed. */
interface Store {
  engine: Engine;
  /** The target (SQLite path or PostgreSQL URL) of a named database. */
  target(name: string): string;
  /** Copies database `from` (closed: nothing connected) to `to`, key store included. */
  copy(from: string, to: string): Promise<void>;
  remove(name: string): Promise<void>;
  /** Bytes on disk of a database (for the report). */
  size(name: string): Promise<number>;
}

function sqliteStore(dir: string): Store {
  const file = (name: string) => join(dir, `${name}.db`);
  const files = (name: string) => {
    const db = file(name);
    const keys = keyStoreTargetFor(db);
    return [db, `${db}-wal`, `${db}-shm`, keys, `${keys}-wal`, `${keys}-shm`];
  };
  return {
    engine: 'sqlite',
    target: file,
    copy: async (from, to) => {
      // Both were closed after a checkpoint: no -wal to carry. Copy any that exist all the same.
      const source = files(from);
      const target = files(to);
      source.forEach((f, i) => existsSync(f) && copyFileSync(f, target[i] as string));
    },
    remove: async (name) => {
      for (const f of files(name)) rmSync(f, { force: true });
    },
    size: async (name) => statSync(file(name)).size,
  };
}

function postgresStore(admin: pg.Client, baseUrl: string, prefix: string): Store {
  const url = (name: string) => {
    const parsed = new URL(baseUrl);
    parsed.pathname = `/${prefix}_${name}`;
    return parsed.toString();
  };
  return {
    engine: 'postgres',
    target: url,
    copy: async (from, to) => {
      await admin.query(`drop database if exists ${prefix}_${to} with (force)`);
      // FILE_COPY: a file-level copy after a checkpoint, not block by block through the WAL.
      await admin.query(`create database ${prefix}_${to} template ${prefix}_${from} strategy = file_copy`);
    },
    remove: async (name) => void (await admin.query(`drop database if exists ${prefix}_${name} with (force)`)),
    size: async (name) => Number((await admin.query(`select pg_database_size($1) as n`, [`${prefix}_${name}`])).rows[0]?.n ?? 0),
  };
}

/** A runtime on one database: the database, its key store and a vault opened with the bench's key ring. */
interface Opened {
  database: Database;
  keyStore: KeyStore;
  runtime: Runtime;
  close(): Promise<void>;
}

async function openRuntime(target: string, kek: Buffer): Promise<Opened> {
  const database = openDatabase(target);
  const keyStore = await openKeyStore(keyStoreTargetFor(target));
  const vault = await Vault.open({ keyring: new Keyring([kek], { kind: 'env' }), store: keyStore, now: systemClock.now() });
  return {
    database,
    keyStore,
    // The desk's load, counted by the HTTP server as `carrel start` counts it: retention paces itself by it.
    runtime: { db: database.db, clock: systemClock, vault, deskLoad: new DeskLoad() },
    close: async () => {
      if (database.engine === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(database.db).catch(() => undefined);
      await keyStore.close();
      await database.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The floor: the same anonymisation as bare SQL on the raw driver, one transaction.

/** Closed loans of the library that ended by the cutoff and have no open fine: what the engine disposes of. */
const DISPOSABLE = `l.library_id = ? and l.status in ('returned', 'lost') and l.ended_at <= ?
      and not exists (select 1 from fines o where o.loan_id = l.id and o.status = 'open')`;

/** The floor's statements, SQLite spelling (`?`); the PostgreSQL spelling numbers them. */
function floorStatements(engine: Engine, withStats: boolean): { label: string; text: string; params: 'lib-cutoff' }[] {
  const day = engine === 'sqlite' ? 'substr(l.checked_out_at, 1, 10)' : `to_char(l.checked_out_at at time zone 'UTC', 'YYYY-MM-DD')`;
  const statements = [
    ...(withStats
      ? [
          {
            label: 'statistics',
            text: `insert into circulation_stats (library_id, day, branch_id, item_type, patron_category, age_band, loans)
    select l.library_id, ${day}, l.branch_id, i.item_type, p.category_code, p.age_band, count(*)
    from loans l join patrons p on p.id = l.patron_id join items i on i.id = l.item_id
    where ${DISPOSABLE}
    group by 1, 2, 3, 4, 5, 6
    on conflict (library_id, day, branch_id, item_type, patron_category, age_band) do update set loans = circulation_stats.loans + excluded.loans`,
          },
        ]
      : []),
    {
      label: 'unlink settled fines',
      text: `update fines set loan_id = null, item_id = null
    where fines.loan_id is not null and fines.status <> 'open'
      and exists (select 1 from loans l where l.id = fines.loan_id and ${DISPOSABLE})`,
    },
    {
      label: 'delete loans',
      text: `delete from loans as l where ${DISPOSABLE}`,
    },
  ];
  return statements.map((s) => {
    let n = 0;
    const text = engine === 'postgres' ? s.text.replace(/\?/g, () => `$${++n}`) : s.text;
    return { label: s.label, text: text.replace(/\n\s+/g, ' '), params: 'lib-cutoff' as const };
  });
}

interface FloorResult {
  withStats: boolean;
  statements: string[];
  seconds: number;
  /** Rows changed per statement, in order. */
  changes: number[];
  /** Loans deleted. */
  deleted: number;
}

async function runFloor(engine: Engine, target: string, withStats: boolean, cutoff: string): Promise<FloorResult> {
  const statements = floorStatements(engine, withStats);
  const params = [LIBRARY_ID, cutoff];
  if (engine === 'sqlite') {
    const sqlite = new SqliteDatabase(target);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // The engine's connection settings (src/storage/database.ts): deleted rows are zeroed on disk too.
    sqlite.pragma('secure_delete = ON');
    sqlite.pragma('cache_size = -65536');
    try {
      const prepared = statements.map((s) => sqlite.prepare(s.text));
      gc();
      const started = performance.now();
      const changes = sqlite.transaction(() => prepared.map((p) => p.run(...params).changes))();
      const elapsed = (performance.now() - started) / 1000;
      const t = performance.now();
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
      say(`[sqlite]   then wal_checkpoint(TRUNCATE): ${((performance.now() - t) / 1000).toFixed(2)} s (not in the floor's time; the run's own checkpoints are in its time)`);
      return { withStats, statements: statements.map((s) => s.text), seconds: elapsed, changes, deleted: changes[changes.length - 1] as number };
    } finally {
      sqlite.close();
    }
  }
  const client = new pg.Client({ connectionString: target, options: '-c TimeZone=UTC' });
  await client.connect();
  try {
    gc();
    const started = performance.now();
    await client.query('begin');
    const changes: number[] = [];
    for (const s of statements) changes.push((await client.query(s.text, params)).rowCount ?? 0);
    await client.query('commit');
    const elapsed = (performance.now() - started) / 1000;
    return { withStats, statements: statements.map((s) => s.text), seconds: elapsed, changes, deleted: changes[changes.length - 1] as number };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------
// The retention run, and what it left.

interface PageTimings {
  pages: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Mean of the first and the last tenth of the pages: whether pages get slower as the run goes. */
  firstTenthMs: number;
  lastTenthMs: number;
}

function pageTimings(durations: number[]): PageTimings {
  const tenth = Math.max(1, Math.floor(durations.length / 10));
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);
  return {
    pages: durations.length,
    meanMs: round(mean(durations), 2),
    p50Ms: round(percentile(durations, 50), 2),
    p99Ms: round(percentile(durations, 99), 2),
    maxMs: round(Math.max(0, ...durations), 2),
    firstTenthMs: round(mean(durations.slice(0, tenth)), 2),
    lastTenthMs: round(mean(durations.slice(-tenth)), 2),
  };
}

/** What a database holds after an anonymisation: the bench's checks compare these. */
interface Leftover {
  closedLoans: number;
  activeLoans: number;
  /** Open fines whose loan is still there. */
  openFinesWithLoan: number;
  /** Settled fines that still point at a loan. */
  settledFinesWithLoan: number;
  statsLoans: number;
  statsCells: number;
  /** The statistics table, one line per cell, sorted: compared between the run and the floor. */
  statsDigest: string;
}

async function leftover(database: Database): Promise<Leftover> {
  const db = database.db;
  const count = async (query: ReturnType<typeof sql<{ n: number | string }>>) => Number((await query.execute(db)).rows[0]?.n ?? 0);
  const cells = (
    await sql<{ line: string }>`select day || '|' || branch_id || '|' || item_type || '|' || patron_category || '|' || age_band || '|' || loans as line from circulation_stats`.execute(db)
  ).rows.map((r) => r.line);
  cells.sort();
  const { createHash } = await import('node:crypto');
  return {
    closedLoans: await count(sql`select count(*) as n from loans where status in ('returned', 'lost')`),
    activeLoans: await count(sql`select count(*) as n from loans where status = 'active'`),
    openFinesWithLoan: await count(sql`select count(*) as n from fines f where f.status = 'open' and exists (select 1 from loans l where l.id = f.loan_id)`),
    settledFinesWithLoan: await count(sql`select count(*) as n from fines where status <> 'open' and loan_id is not null`),
    statsLoans: await count(sql`select coalesce(sum(loans), 0) as n from circulation_stats`),
    statsCells: cells.length,
    statsDigest: createHash('sha256').update(cells.join('\n')).digest('hex'),
  };
}

interface RunResult {
  pageSize: number;
  seconds: number;
  /** Of which the circulation category (the loans), from the first loan page to the last. */
  loanSeconds: number;
  disposed: number;
  kept: number;
  pages: PageTimings;
  leftover: Leftover;
  /** What differs from the floor (empty when the run did exactly the floor's work). */
  mismatches: string[];
}

/** Times `runRetention` on an opened copy, recording when each loan page ended. */
async function timedRun(opened: Opened, pageSize: number): Promise<{ report: RetentionReport; seconds: number; loanSeconds: number; pageMs: number[] }> {
  const ends: number[] = [];
  let lastDone = -1;
  const onProgress = (p: RetentionProgress) => {
    if (p.category === 'circulation' && p.done !== lastDone) {
      ends.push(performance.now());
      lastDone = p.done;
    }
  };
  gc();
  const started = performance.now();
  const report = await runRetention(opened.runtime, { libraryId: LIBRARY_ID, ...(pageSize > 0 ? { pageSize } : {}), onProgress });
  const elapsed = (performance.now() - started) / 1000;
  const pageMs = ends.map((t, i) => t - (i === 0 ? started : (ends[i - 1] as number)));
  const loanSeconds = ends.length === 0 ? 0 : ((ends[ends.length - 1] as number) - started) / 1000;
  return { report, seconds: elapsed, loanSeconds, pageMs };
}

// ---------------------------------------------------------------------------------------------------
// One engine, end to end.

interface LatencyFigures {
  checkouts: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
}

function latencyOf(samples: Sample[], from = -Infinity, to = Infinity): LatencyFigures {
  const inside = samples.filter((s) => s.at >= from && s.at < to);
  const ms = inside.map((s) => s.ms);
  return {
    checkouts: inside.length,
    p50Ms: round(percentile(ms, 50), 2),
    p99Ms: round(percentile(ms, 99), 2),
    maxMs: round(Math.max(0, ...ms), 2),
    non2xx: inside.filter((s) => s.status >= 300).length,
  };
}

interface LoadResult {
  pageSize: number;
  windowSeconds: number;
  idle: LatencyFigures & { pairsPerSecond: number; checkinP99Ms: number; autocannonP99Ms: number; errors: number };
  during: LatencyFigures & { pairsPerSecond: number; checkinP99Ms: number; autocannonP99Ms: number; errors: number };
  /** p99 during / p99 idle (check-outs). */
  ratio: number;
  run: {
    /** Seconds the run lasted from its start (before the load began) to its end or its stop. */
    seconds: number;
    /** Whether it was still going when the window closed (then stopped there). */
    coveredWindow: boolean;
    /** Seconds of the window during which the run was going. */
    overlapSeconds: number;
    loansDone: number;
    loansPerSecond: number;
  };
  failures: LoadOutcome['failures'];
}

interface EngineResult {
  engine: Engine;
  location: string;
  seed: Omit<Fixture, 'username' | 'password' | 'loadPatrons'> & { bytes: number };
  floor: FloorResult;
  floorStats: FloorResult;
  runs: RunResult[];
  load: LoadResult | null;
  paced: PacedResult | null;
  totalSeconds: number;
}

async function benchEngine(store: Store, options: Options): Promise<EngineResult> {
  const engine = store.engine;
  const started = performance.now();
  const kek = randomKey();
  const pristine = 'pristine';
  const copies: string[] = [];
  const copy = async (name: string) => {
    const t = performance.now();
    await store.copy(pristine, name);
    copies.push(name);
    say(`[${engine}] copied the seeded database to ${name} in ${seconds(t)} s`);
    return store.target(name);
  };
  const drop = async (name: string) => {
    await store.remove(name);
    copies.splice(copies.indexOf(name), 1);
  };
  try {
    // 1. Seed the pristine database, then close it (nothing may be connected while it is copied).
    let fixture: Fixture;
    {
      const opened = await openRuntime(store.target(pristine), kek);
      try {
        await migrateToLatest(opened.database.db);
        say(
          `[${engine}] seeding ${options.patrons.toLocaleString('en')} patrons, ${options.items.toLocaleString('en')} items, ` +
            `${options.loans.toLocaleString('en')} closed and ${options.active.toLocaleString('en')} active loans in ${opened.database.location}…`,
        );
        fixture = await seed(opened.database, opened.runtime, options);
      } finally {
        await opened.close();
      }
    }
    const bytes = await store.size(pristine);
    say(
      `[${engine}] seeded in ${fixture.seedSeconds} s (${(bytes / 1e6).toFixed(0)} MB): ${fixture.closedLoans.toLocaleString('en')} closed loans ` +
        `(${fixture.lostLoans.toLocaleString('en')} lost), ${fixture.openFines.toLocaleString('en')} with an open fine, ${fixture.settledFines.toLocaleString('en')} with a settled one`,
    );

    // 2. The floors, each on its own copy.
    const cutoff = new Date().toISOString();
    const floors: FloorResult[] = [];
    const floorLeft: Leftover[] = [];
    for (const withStats of [false, true]) {
      const name = withStats ? 'floor_stats' : 'floor';
      const target = await copy(name);
      say(`[${engine}] floor${withStats ? ' with statistics' : ''}: ${withStats ? 3 : 2} statements in one transaction on the raw driver…`);
      const floor = await runFloor(engine, target, withStats, cutoff);
      say(`[${engine}]   ${floor.seconds.toFixed(2)} s, rows changed per statement: ${floor.changes.join(', ')}`);
      floors.push(floor);
      const check = openDatabase(target, { poolSize: 1 });
      try {
        floorLeft.push(await leftover(check));
      } finally {
        await check.close();
      }
      await drop(name);
    }
    const [floor, floorStats] = floors as [FloorResult, FloorResult];
    // The run counts nothing (loans are counted when lent): its statistics are the plain floor's.
    const floorStatsLeft = floorLeft[0] as Leftover;
    if (floor.deleted !== floorStats.deleted) say(`[${engine}] WARNING: the two floors deleted different numbers of loans (${floor.deleted} / ${floorStats.deleted})`);

    // 3. The retention run, once per page size, each on its own copy.
    const runs: RunResult[] = [];
    for (const pageSize of options.pageSizes) {
      const name = `run_${pageSize}`;
      const target = await copy(name);
      const opened = await openRuntime(target, kek);
      let result: RunResult;
      try {
        say(`[${engine}] runRetention, page size ${pageSize || 'auto (sized to the engine’s time budget)'}…`);
        const { report, seconds: runSeconds, loanSeconds, pageMs } = await timedRun(opened, pageSize);
        const circulation = report.libraries[0]?.categories.find((c) => c.category === 'circulation');
        const others = report.libraries[0]?.categories.filter((c) => c.category !== 'circulation' && c.disposed > 0) ?? [];
        const left = await leftover(opened.database);
        const mismatches: string[] = [];
        if (circulation?.disposed !== floor.deleted) mismatches.push(`disposed of ${circulation?.disposed ?? 0} loans, the floor deleted ${floor.deleted}`);
        if (left.closedLoans !== fixture.openFines) mismatches.push(`${left.closedLoans} closed loans remain, expected the ${fixture.openFines} with an open fine`);
        if (left.openFinesWithLoan !== fixture.openFines) mismatches.push(`${left.openFinesWithLoan} open fines still have their loan, expected ${fixture.openFines}`);
        if (left.settledFinesWithLoan !== 0) mismatches.push(`${left.settledFinesWithLoan} settled fines still point at a loan`);
        if (left.activeLoans !== fixture.activeLoans) mismatches.push(`${left.activeLoans} active loans remain, expected ${fixture.activeLoans}`);
        if (left.statsDigest !== floorStatsLeft.statsDigest)
          mismatches.push(`statistics differ from the floor's (${left.statsCells} cells / ${left.statsLoans} loans vs ${floorStatsLeft.statsCells} / ${floorStatsLeft.statsLoans})`);
        for (const c of others) mismatches.push(`the run also disposed of ${c.disposed} ${c.category}`);
        result = {
          pageSize,
          seconds: runSeconds,
          loanSeconds,
          disposed: circulation?.disposed ?? 0,
          kept: circulation?.kept ?? 0,
          pages: pageTimings(pageMs),
          leftover: left,
          mismatches,
        };
      } finally {
        await opened.close();
      }
      const p = result.pages;
      say(
        `[${engine}]   ${result.seconds.toFixed(2)} s (loans ${result.loanSeconds.toFixed(2)} s): disposed of ${result.disposed.toLocaleString('en')}, kept ${result.kept.toLocaleString('en')}; ` +
          `${p.pages} pages, ms per page mean ${p.meanMs} p50 ${p.p50Ms} p99 ${p.p99Ms} max ${p.maxMs}, first tenth ${p.firstTenthMs} last tenth ${p.lastTenthMs}; ` +
          `run / floor ${(result.seconds / floor.seconds).toFixed(2)}`,
      );
      for (const m of result.mismatches) say(`[${engine}]   WARNING: the run did not do the floor's work: ${m}`);
      runs.push(result);
      await drop(name);
    }

    // 4. Check-out latency on a fresh copy: idle, then while the run goes in this same process.
    let load: LoadResult | null = null;
    let paced: PacedResult | null = null;
    if (options.desk) {
      load = await benchLoad(engine, await copy('load'), kek, fixture, runs, options);
      await drop('load');
      // 5. The desk at a steady pace (not flat out): idle, then while a whole run goes with adaptive pages.
      paced = await benchPacedLoad(engine, await copy('paced'), kek, fixture, floor.seconds, options);
      await drop('paced');
    }
    return {
      engine,
      location: engine === 'sqlite' ? store.target(pristine) : redactUrl(store.target(pristine)),
      seed: {
        closedLoans: fixture.closedLoans,
        lostLoans: fixture.lostLoans,
        activeLoans: fixture.activeLoans,
        openFines: fixture.openFines,
        settledFines: fixture.settledFines,
        seedSeconds: fixture.seedSeconds,
        bytes,
      },
      floor,
      floorStats,
      runs,
      load,
      paced,
      totalSeconds: seconds(started),
    };
  } finally {
    for (const name of [...copies]) await store.remove(name).catch(() => undefined);
    await store.remove(pristine).catch(() => undefined);
  }
}

async function benchLoad(engine: Engine, target: string, kek: Buffer, fixture: Fixture, runs: RunResult[], options: Options): Promise<LoadResult> {
  const opened = await openRuntime(target, kek);
  let server: FastifyInstance | undefined;
  try {
    server = await buildServer({ runtime: opened.runtime, logger: createLogger('silent') });
    const baseUrl = await server.listen({ host: '127.0.0.1', port: 0 });
    const { cookie, csrfToken } = await logIn(baseUrl, fixture);
    // The window: at most --window, and no longer than the unloaded run took at this page size (or the
    // nearest measured), so the run (slower under load) is going for all of it.
    const unloaded = runs.find((r) => r.pageSize === options.loadPageSize) ?? runs[0];
    const windowSeconds = Math.max(1, Math.min(options.windowSeconds, unloaded ? Math.floor(unloaded.seconds * 0.9 * 10) / 10 : options.windowSeconds));
    const job: LoadJob = {
      baseUrl,
      cookie,
      csrfToken,
      connections: options.connections,
      warmupSeconds: options.warmupSeconds,
      seconds: windowSeconds,
      patrons: fixture.loadPatrons,
      // The idle load lends the first half of the shelf, the load during the run the second: autocannon
      // stops mid-pair, so a few items stay on loan after the idle measurement.
      itemsFrom: 0,
      itemsTo: Math.floor((options.items - options.active) / 2),
    };
    gc();
    say(`[${engine}] check-out latency, idle: ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${windowSeconds} s…`);
    const idle = await runLoad(job);
    const idleFigures = latencyOf(idle.checkouts);
    say(`[${engine}]   check-out p50 ${idleFigures.p50Ms} ms, p99 ${idleFigures.p99Ms} ms (${idleFigures.checkouts} check-outs)`);

    gc();
    say(`[${engine}] check-out latency while runRetention runs in this process (page size ${options.loadPageSize || 'auto'}): ${windowSeconds} s…`);
    const abort = new AbortController();
    let loansDone = 0;
    let runStartedAt = Number.NaN;
    let runEndedAt = Number.NaN;
    let runError: unknown = null;
    let running: Promise<void> = Promise.resolve();
    // The run starts when the worker starts the measured load (not while the worker is still booting).
    const startRun = () => {
      runStartedAt = absoluteNow();
      running = runRetention(opened.runtime, {
        libraryId: LIBRARY_ID,
        ...(options.loadPageSize > 0 ? { pageSize: options.loadPageSize } : {}),
        signal: abort.signal,
        onProgress: (p) => {
          if (p.category === 'circulation') loansDone = p.done;
        },
      })
        .then(() => undefined)
        .catch((error: unknown) => {
          if (!abort.signal.aborted) runError = error;
        })
        .finally(() => {
          runEndedAt = absoluteNow();
        });
    };
    const during = await runLoad({ ...job, warmupSeconds: 0, itemsFrom: job.itemsTo, itemsTo: options.items - options.active }, startRun);
    const coveredWindow = Number.isNaN(runEndedAt);
    abort.abort();
    await running;
    if (runError !== null) throw runError;
    const runEnd = coveredWindow ? during.endedAt : runEndedAt;
    const overlap = Math.max(0, (Math.min(runEnd, during.endedAt) - Math.max(runStartedAt, during.startedAt)) / 1000);
    // While the run was going: the whole window when it outlasted it, else the part that overlapped.
    const duringFigures = latencyOf(during.checkouts, runStartedAt, runEnd);
    const runSeconds = (runEndedAt - runStartedAt) / 1000;
    say(
      `[${engine}]   check-out p50 ${duringFigures.p50Ms} ms, p99 ${duringFigures.p99Ms} ms (${duringFigures.checkouts} check-outs); the run ` +
        (coveredWindow
          ? `was going for the whole ${during.seconds.toFixed(1)} s window (stopped after ${runSeconds.toFixed(1)} s, ${loansDone.toLocaleString('en')} loans done)`
          : `ENDED ${overlap.toFixed(1)} s into the ${during.seconds.toFixed(1)} s window: only check-outs sent while it ran are counted`),
    );
    const figures = (outcome: LoadOutcome, co: LatencyFigures) => ({
      ...co,
      pairsPerSecond: round(outcome.checkins.filter((s) => s.status < 300).length / outcome.seconds, 1),
      checkinP99Ms: round(percentile(outcome.checkins.map((s) => s.ms), 99), 2),
      autocannonP99Ms: outcome.autocannonP99Ms,
      errors: outcome.errors + outcome.timeouts,
    });
    return {
      pageSize: options.loadPageSize,
      windowSeconds: round(during.seconds, 2),
      idle: figures(idle, idleFigures),
      during: figures(during, duringFigures),
      ratio: duringFigures.p99Ms / idleFigures.p99Ms,
      run: { seconds: round(runSeconds, 2), coveredWindow, overlapSeconds: round(overlap, 2), loansDone, loansPerSecond: round(loansDone / runSeconds, 0) },
      failures: [...idle.failures, ...during.failures].slice(0, 5),
    };
  } finally {
    await server?.close();
    await opened.close();
  }
}


/** The desk at a steady pace (20 check-outs a second by default), idle and while a whole run goes. */
interface PacedResult {
  checkoutsPerSecond: number;
  idle: LatencyFigures & { pairsPerSecond: number };
  during: LatencyFigures & { pairsPerSecond: number };
  /** Desk p99 during / idle (target ≤ 3) and desk throughput during / idle (target ≥ 0.7). */
  p99Ratio: number;
  throughputRatio: number;
  run: { seconds: number; finished: boolean; loansDone: number; loansPerSecond: number; overFloor: number };
}

async function benchPacedLoad(engine: Engine, target: string, kek: Buffer, fixture: Fixture, floorSeconds: number, options: Options): Promise<PacedResult> {
  const opened = await openRuntime(target, kek);
  let server: FastifyInstance | undefined;
  try {
    server = await buildServer({ runtime: opened.runtime, logger: createLogger('silent') });
    const baseUrl = await server.listen({ host: '127.0.0.1', port: 0 });
    const { cookie, csrfToken } = await logIn(baseUrl, fixture);
    const half = Math.floor((options.items - options.active) / 2);
    // Two requests a pair: the rate of check-outs is half the rate of requests.
    const job: LoadJob = { baseUrl, cookie, csrfToken, connections: options.connections, warmupSeconds: options.warmupSeconds, seconds: Math.min(options.windowSeconds, 10), patrons: fixture.loadPatrons, itemsFrom: 0, itemsTo: half, overallRate: options.deskRate * 2 };
    say(`[${engine}] paced desk, idle: ${options.deskRate} check-outs a second for ${job.seconds} s…`);
    const idle = await runLoad(job);
    const idleFigures = latencyOf(idle.checkouts);
    say(`[${engine}]   check-out p50 ${idleFigures.p50Ms} ms, p99 ${idleFigures.p99Ms} ms`);
    const abort = new AbortController();
    let loansDone = 0;
    let runStartedAt = Number.NaN;
    let runEndedAt = Number.NaN;
    let runError: unknown = null;
    let running: Promise<void> = Promise.resolve();
    const startRun = () => {
      runStartedAt = absoluteNow();
      running = runRetention(opened.runtime, {
        libraryId: LIBRARY_ID,
        signal: abort.signal,
        onProgress: (p) => {
          if (p.category === 'circulation') loansDone = p.done;
        },
      })
        .then(() => undefined)
        .catch((error: unknown) => {
          if (!abort.signal.aborted) runError = error;
        })
        .finally(() => {
          runEndedAt = absoluteNow();
        });
    };
    // The load lasts until the window closes; only check-outs sent while the run was going are counted.
    say(`[${engine}] paced desk while runRetention runs (adaptive pages), at most ${options.pacedWindowSeconds} s…`);
    const duringJob: LoadJob = { ...job, warmupSeconds: 0, seconds: options.pacedWindowSeconds, itemsFrom: half, itemsTo: options.items - options.active };
    const during = await runLoad(duringJob, startRun);
    const finished = !Number.isNaN(runEndedAt);
    abort.abort();
    await running;
    if (runError !== null) throw runError;
    const runEnd = finished ? runEndedAt : during.endedAt;
    const runSeconds = (runEnd - runStartedAt) / 1000;
    const duringFigures = latencyOf(during.checkouts, runStartedAt, runEnd);
    const pairs = (outcome: LoadOutcome, from = -Infinity, to = Infinity) => outcome.checkins.filter((x) => x.status < 300 && x.at >= from && x.at < to).length;
    const idlePairs = pairs(idle) / idle.seconds;
    const duringPairs = pairs(during, runStartedAt, runEnd) / Math.max(0.001, (Math.min(runEnd, during.endedAt) - Math.max(runStartedAt, during.startedAt)) / 1000);
    // A run the window cut short is extrapolated from its rate over the loans (said so in the output).
    const loansPerSecond = loansDone / runSeconds;
    const estimated = finished ? runSeconds : fixture.closedLoans / Math.max(1, loansPerSecond);
    const result: PacedResult = {
      checkoutsPerSecond: options.deskRate,
      idle: { ...idleFigures, pairsPerSecond: round(idlePairs, 1) },
      during: { ...duringFigures, pairsPerSecond: round(duringPairs, 1) },
      p99Ratio: round(duringFigures.p99Ms / idleFigures.p99Ms),
      throughputRatio: round(duringPairs / idlePairs),
      run: { seconds: round(estimated, 2), finished, loansDone, loansPerSecond: round(loansPerSecond, 0), overFloor: round(estimated / floorSeconds) },
    };
    say(
      `[${engine}]   check-out p50 ${duringFigures.p50Ms} ms, p99 ${duringFigures.p99Ms} ms (${duringFigures.checkouts} check-outs, ${result.during.pairsPerSecond} pairs/s); ` +
        `run ${finished ? `finished in ${runSeconds.toFixed(1)} s` : `NOT finished in the window: ${loansDone.toLocaleString('en')} loans at ${result.run.loansPerSecond}/s, about ${estimated.toFixed(1)} s`} (${result.run.overFloor}× the floor)`,
    );
    return result;
  } finally {
    await server?.close();
    await opened.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// Main.

const TARGET = { runOverFloor: 2, p99DuringOverIdle: 3, pacedRunOverFloor: 5, pacedThroughput: 0.7 } as const;

function printReport(results: EngineResult[], skipped: { engine: Engine; reason: string }[], options: Options, totalSeconds: number): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(
    `Retention benchmark: ${options.loans.toLocaleString('en')} closed loans (profile ${PROFILE_ID}: anonymise on return), ${options.patrons.toLocaleString('en')} patrons, ` +
      `${options.items.toLocaleString('en')} items, ${options.active.toLocaleString('en')} active loans; ${OPEN_FINE_BP / 100}% of closed loans with an open fine (kept), ${SETTLED_FINE_BP / 100}% with a settled one (unlinked).`,
  );
  out('Floor: the same anonymisation as bare SQL on the raw driver, one transaction; "floor+stats" also builds the statistics the engine built before loans were counted at check-out.');
  for (const r of results) {
    out();
    out(`${r.engine}: seeded in ${r.seed.seedSeconds} s, ${(r.seed.bytes / 1e6).toFixed(0)} MB`);
    for (const [label, f] of [
      ['floor', r.floor],
      ['floor+stats', r.floorStats],
    ] as const) {
      out(`  ${label}: ${f.seconds.toFixed(2)} s, ${f.deleted.toLocaleString('en')} loans deleted; executes (one transaction, parameters: library id, cutoff):`);
      f.statements.forEach((s, i) => out(`    ${i + 1}. ${s}   -- ${f.changes[i]} rows`));
    }
    for (const run of r.runs) {
      const p = run.pages;
      out(
        `  run, page ${run.pageSize || 'auto'}: ${run.seconds.toFixed(2)} s (loans ${run.loanSeconds.toFixed(2)} s), ${run.disposed.toLocaleString('en')} disposed of, ${run.kept.toLocaleString('en')} kept; ` +
          `${p.pages} loan pages: mean ${p.meanMs} ms, p50 ${p.p50Ms}, p99 ${p.p99Ms}, max ${p.maxMs}; first tenth ${p.firstTenthMs} ms, last tenth ${p.lastTenthMs} ms` +
          (run.mismatches.length === 0 ? '; same work as the floor' : `; WARNING: ${run.mismatches.join('; ')}`),
      );
    }
    if (r.load) {
      const l = r.load;
      out(
        `  check-outs (page ${l.pageSize || 'auto'}, ${options.connections} connections, ${l.windowSeconds} s each): idle p50 ${l.idle.p50Ms} ms p99 ${l.idle.p99Ms} ms (${l.idle.pairsPerSecond} pairs/s); ` +
          `during p50 ${l.during.p50Ms} ms p99 ${l.during.p99Ms} ms max ${l.during.maxMs} ms (${l.during.pairsPerSecond} pairs/s); ` +
          `run ${l.run.coveredWindow ? `going for the whole window (stopped at ${l.run.seconds} s, ${l.run.loansDone.toLocaleString('en')} loans done, ${l.run.loansPerSecond.toLocaleString('en')}/s)` : `lasted ${l.run.seconds} s, ${l.run.overlapSeconds} s of the window`}`,
      );
      for (const f of l.failures) out(`    ${f.path} → ${f.status}: ${f.body}`);
    }
  }
  const fixed = (n: number, digits = 2) => n.toFixed(digits);
  out();
  out('Retention run vs floor');
  table(
    out,
    ['engine', 'page', 'floor s', 'floor+stats s', 'run s', 'run/floor', 'run/floor+stats', 'same work'],
    [9, 5, 7, 13, 7, 9, 15, 9],
    [
      ...results.flatMap((r) =>
        r.runs.map((run) => [
          r.engine,
          String(run.pageSize),
          fixed(r.floor.seconds),
          fixed(r.floorStats.seconds),
          fixed(run.seconds),
          fixed(run.seconds / r.floor.seconds),
          fixed(run.seconds / r.floorStats.seconds),
          run.mismatches.length === 0 ? 'yes' : 'NO',
        ]),
      ),
      ...skipped.map((s) => [s.engine, 'skipped']),
    ],
  );
  out();
  out('Check-out latency (ms, per request, sent to answered), idle vs while the retention run goes in-process');
  table(
    out,
    ['engine', 'page', 'window s', 'idle p50', 'idle p99', 'during p50', 'during p99', 'p99 ratio', 'run s (vs window)', 'errors'],
    [9, 5, 8, 8, 8, 10, 10, 9, 24, 6],
    results.flatMap((r) =>
      r.load
        ? [
            [
              r.engine,
              String(r.load.pageSize),
              String(r.load.windowSeconds),
              String(r.load.idle.p50Ms),
              String(r.load.idle.p99Ms),
              String(r.load.during.p50Ms),
              String(r.load.during.p99Ms),
              fixed(r.load.ratio),
              r.load.run.coveredWindow ? `${r.load.run.seconds} (whole window)` : `${r.load.run.seconds} (${r.load.run.overlapSeconds} of it)`,
              String(r.load.idle.non2xx + r.load.during.non2xx + r.load.idle.errors + r.load.during.errors),
            ],
          ]
        : [],
    ),
  );
  out();
  out(`Both scenarios: no desk load (run / floor, target ≤ ${TARGET.runOverFloor}) and a desk of N check-outs a second (desk p99 / idle ≤ ${TARGET.p99DuringOverIdle}, desk throughput / idle ≥ ${TARGET.pacedThroughput}, run / floor ≤ ${TARGET.pacedRunOverFloor})`);
  table(
    out,
    ['engine', 'floor s', 'no desk: run s', 'run/floor', 'desk/s', 'idle p99', 'during p99', 'p99 ratio', 'thru ratio', 'run s', 'run/floor'],
    [9, 7, 14, 9, 6, 8, 10, 9, 10, 14, 9],
    results.map((r) => {
      const auto = r.runs.find((x) => x.pageSize === 0) ?? r.runs[0];
      const p = r.paced;
      const unloaded = [r.engine, fixed(r.floor.seconds), auto ? fixed(auto.seconds) : '-', auto ? fixed(auto.seconds / r.floor.seconds) : '-'];
      if (p === null) return [...unloaded, '-', '-', '-', '-', '-', '-', '-'];
      return [
        ...unloaded,
        String(p.checkoutsPerSecond),
        String(p.idle.p99Ms),
        String(p.during.p99Ms),
        fixed(p.p99Ratio),
        fixed(p.throughputRatio),
        `${fixed(p.run.seconds)}${p.run.finished ? '' : ' (est.)'}`,
        fixed(p.run.overFloor),
      ];
    }),
  );
  out();
  for (const s of skipped) out(`${s.engine} was skipped: ${s.reason}`);
  out(`Targets: run / floor ≤ ${TARGET.runOverFloor}; check-out p99 during / idle ≤ ${TARGET.p99DuringOverIdle}. Whole bench: ${totalSeconds} s.`);
}

async function main(): Promise<void> {
  const options = parseOptions();
  jsonMode = options.json;
  const started = performance.now();
  const results: EngineResult[] = [];
  const skipped: { engine: Engine; reason: string }[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    while (cleanups.length > 0) await (cleanups.pop() as () => Promise<void>)().catch((e: unknown) => say(`cleanup failed: ${String(e)}`));
  };
  process.once('SIGINT', () => {
    say('interrupted; cleaning up…');
    void cleanUp().finally(() => process.exit(130));
  });

  try {
    if (options.engines.includes('sqlite')) {
      const dir = mkdtempSync(join(tmpdir(), 'carrel-rbench-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      results.push(await benchEngine(sqliteStore(dir), options));
      await cleanUp();
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
        const prefix = `carrel_rbench_${process.pid}`;
        const store = postgresStore(admin, options.postgresUrl, prefix);
        await admin.query(`drop database if exists ${prefix}_pristine with (force)`);
        await admin.query(`create database ${prefix}_pristine`);
        cleanups.push(async () => {
          const left = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`${prefix}\\_%`]);
          for (const { datname } of left.rows) await admin.query(`drop database if exists ${datname} with (force)`);
          await admin.end();
        });
        results.push(await benchEngine(store, options));
        await cleanUp();
      }
    }
  } finally {
    await cleanUp();
  }

  const totalSeconds = seconds(started);
  if (!jsonMode) printReport(results, skipped, options, totalSeconds);
  const { postgresUrl, ...config } = options;
  process.stdout.write(
    `${JSON.stringify({
      benchmark: 'retention',
      config: { ...config, postgresUrl: redactUrl(postgresUrl), profile: PROFILE_ID, openFineShare: OPEN_FINE_BP / 10_000, settledFineShare: SETTLED_FINE_BP / 10_000 },
      target: TARGET,
      results: results.map((r) => ({
        engine: r.engine,
        seed: r.seed,
        floor: { seconds: round(r.floor.seconds), deleted: r.floor.deleted, changes: r.floor.changes, statements: r.floor.statements },
        floorStats: { seconds: round(r.floorStats.seconds), deleted: r.floorStats.deleted, changes: r.floorStats.changes, statements: r.floorStats.statements },
        runs: r.runs.map((run) => ({
          pageSize: run.pageSize,
          seconds: round(run.seconds),
          loanSeconds: round(run.loanSeconds),
          disposed: run.disposed,
          kept: run.kept,
          pages: run.pages,
          runOverFloor: round(run.seconds / r.floor.seconds),
          runOverFloorStats: round(run.seconds / r.floorStats.seconds),
          sameWork: run.mismatches.length === 0,
          mismatches: run.mismatches,
        })),
        load: r.load && { ...r.load, ratio: round(r.load.ratio) },
        paced: r.paced,
        totalSeconds: r.totalSeconds,
      })),
      skipped,
      totalSeconds,
    })}\n`,
  );
}

await mainOrWorker(main, loadWorker);
