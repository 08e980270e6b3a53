/**
 * Circulation throughput: `npm run bench:circ [-- options]`.
 *
 * For each engine (SQLite always; PostgreSQL when reachable) it seeds a fresh database (one library,
 * 10,000 patrons, 100,000 items), then drives check-out + check-in pairs with autocannon (50
 * connections, 10 s) against
 *   1. the real HTTP API (`buildServer`: session cookie, TypeBox validation, use cases, Kysely), and
 *   2. the floor: a bare Fastify app whose two routes execute the same SQL statements, in the same
 *      order and transactions, as prepared statements straight on the driver (no use-case layer).
 * It prints both figures and the ratio API / floor. The issue's target is a ratio of at least 0.5; a
 * benchmark reports, it never asserts.
 *
 * autocannon runs in a worker thread (this same file), so the load generator and the server under
 * test do not share one event loop.
 *
 * Options (environment variable in brackets):
 *   --duration S      measured seconds per run [CARREL_BENCH_DURATION]            default 10
 *   --warmup S        unmeasured seconds before each run [CARREL_BENCH_WARMUP]    default 2
 *   --connections N   autocannon connections [CARREL_BENCH_CONNECTIONS]           default 50
 *   --patrons N       patrons seeded [CARREL_BENCH_PATRONS]                       default 10000
 *   --items N         items seeded [CARREL_BENCH_ITEMS]                           default 100000
 *   --engines LIST    sqlite,postgres [CARREL_BENCH_ENGINES]                      default both
 *   --json            print one JSON document on stdout (progress goes to stderr)
 *   --trace           print the SQL statements of one pair (API and floor)
 * PostgreSQL: CARREL_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres; the
 * bench creates carrel_bench_<pid> there and drops it afterwards.
 */
import { keyStoreTargetFor, openKeyStore } from '../src/storage/key-store.js';
import { randomKey } from '../src/vault/cipher.js';
import { Keyring } from '../src/vault/keyring.js';
import { Vault } from '../src/vault/vault.js';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { cardNumberFrom } from '../src/domain/card-number.js';
import { systemClock } from '../src/domain/clock.js';
import { buildServer } from '../src/http/server.js';
import { createLogger } from '../src/log.js';
import { SYSTEM } from '../src/policy/actors.js';
import { openDatabase, redactUrl, type Database, type Engine } from '../src/storage/database.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import type { Schema } from '../src/storage/schema.js';
import { checkin, checkout } from '../src/usecases/circulation.usecases.js';
import { run, type Caller, type Runtime } from '../src/usecases/context.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { authenticate, createStaff } from '../src/usecases/staff.usecases.js';
import { hashSecret, tokenHash } from '../src/vault/secrets.js';

// ---------------------------------------------------------------------------------------------------
// Shared by both threads: the fixture's card numbers and barcodes, and the load job's shape.

/** Patron i's card: a valid 14-digit Luhn card number (2 + 12 digits + check digit). */
function cardOf(i: number): string {
  return cardNumberFrom(String(i).padStart(12, '0'));
}

/** Item i's barcode: 14 characters starting with 3, as item barcodes conventionally do. */
function barcodeOf(i: number): string {
  return `3${String(i).padStart(13, '0')}`;
}

interface LoadJob {
  baseUrl: string;
  /** '/api/v1' or '/floor' */
  prefix: string;
  cookie: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  patrons: number;
  items: number;
}

interface Summary {
  seconds: number;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  pairsPerSecond: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  statusCodes: Record<string, number>;
  /** The first few non-2xx answers, to say why. */
  failures: { path: string; status: number; body: string }[];
}

interface LoadOutcome {
  warmup: Summary | null;
  measured: Summary;
}

// ---------------------------------------------------------------------------------------------------
// The worker thread: autocannon.

async function loadWorker(job: LoadJob): Promise<LoadOutcome> {
  const { default: autocannon } = await import('autocannon');
  // Inside a worker thread autocannon believes it is one of its own workers and answers the raw,
  // encoded result; its own aggregation (what it runs on the main thread) turns that into a Result.
  const { createRequire } = await import('node:module');
  const aggregateResult = createRequire(import.meta.url)('autocannon/lib/aggregateResult.js') as (
    result: unknown,
    options: object,
    histograms: object,
  ) => import('autocannon').Result;
  let pair = 0;
  // Items checked out and not (yet) known to be checked in: never handed to another pair. At the end
  // of a run autocannon stops mid-pair, so a few items stay on loan; the next run skips them.
  const busy = new Set<number>();
  let failures: Summary['failures'] = [];

  interface PairContext {
    item?: number;
  }
  const nextItem = (): number => {
    for (;;) {
      const item = pair % job.items;
      if (!busy.has(item)) return item;
      pair++;
    }
  };
  const noteFailure = (path: string, status: number, body: string) => {
    if (failures.length < 5) failures.push({ path, status, body: body.slice(0, 300) });
  };

  const requests: import('autocannon').Request[] = [
    {
      method: 'POST',
      path: `${job.prefix}/checkouts`,
      // Every pair takes the next free item and the next patron: items in flight are always distinct,
      // and a patron holds at most a loan or two at once (the category limit is 50).
      setupRequest: (request, context) => {
        const ctx = context as PairContext;
        const item = nextItem();
        const patron = pair % job.patrons;
        pair++;
        busy.add(item);
        ctx.item = item;
        return { ...request, body: JSON.stringify({ cardNumber: cardOf(patron), itemBarcode: barcodeOf(item) }) };
      },
      onResponse: (status, body, context) => {
        const ctx = context as PairContext;
        if (status >= 300) {
          noteFailure('checkouts', status, body);
          if (ctx.item !== undefined && status !== 409) busy.delete(ctx.item);
        }
      },
    },
    {
      method: 'POST',
      path: `${job.prefix}/checkins`,
      setupRequest: (request, context) => {
        const ctx = context as PairContext;
        return { ...request, body: JSON.stringify({ itemBarcode: barcodeOf(ctx.item ?? 0) }) };
      },
      onResponse: (status, body, context) => {
        const ctx = context as PairContext;
        if (status < 300) {
          if (ctx.item !== undefined) busy.delete(ctx.item);
        } else noteFailure('checkins', status, body);
      },
    },
  ];

  const once = async (seconds: number): Promise<Summary> => {
    failures = [];
    const settings = {
      url: job.baseUrl,
      connections: job.connections,
      // autocannon stops at the first 1 s sample tick after the duration; a hair less than whole
      // seconds keeps a 10 s run from racing that tick into an 11th second. Rates use the measured time.
      duration: seconds - 0.02,
      headers: { cookie: job.cookie, 'content-type': 'application/json' },
      requests,
    };
    const raw = await autocannon(settings);
    const result = 'latency' in raw && raw.latency ? raw : aggregateResult(raw, settings, {});
    const ok = result['2xx'];
    const statusCodes: Record<string, number> = {};
    for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
    return {
      seconds: result.duration,
      requests: result.requests.total,
      ok,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      pairsPerSecond: ok / 2 / result.duration,
      requestsPerSecond: result.requests.total / result.duration,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      statusCodes,
      failures,
    };
  };

  const warmup = job.warmupSeconds > 0 ? await once(job.warmupSeconds) : null;
  const measured = await once(job.durationSeconds);
  return { warmup, measured };
}

function runLoad(job: LoadJob): Promise<LoadOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    let settled = false;
    worker.once('message', (outcome: LoadOutcome) => {
      settled = true;
      resolve(outcome);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the load worker exited with code ${code} before reporting`));
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// Options.

interface Options {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  patrons: number;
  items: number;
  engines: Engine[];
  json: boolean;
  trace: boolean;
  postgresUrl: string;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      patrons: { type: 'string' },
      items: { type: 'string' },
      engines: { type: 'string' },
      json: { type: 'boolean', default: false },
      trace: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'npm run bench:circ -- [--duration S] [--warmup S] [--connections N] [--patrons N] [--items N] [--engines sqlite,postgres] [--json] [--trace]\n',
    );
    process.exit(0);
  }
  const number = (flag: string | undefined, env: string, fallback: number, min: number): number => {
    const text = flag ?? process.env[env];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) throw new Error(`${env.replace('CARREL_BENCH_', '--').toLowerCase()} must be a number ≥ ${min} (got ${text})`);
    return value;
  };
  const engines = (values.engines ?? process.env.CARREL_BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());
  for (const e of engines) if (e !== 'sqlite' && e !== 'postgres') throw new Error(`unknown engine ${e} (sqlite, postgres)`);
  const options: Options = {
    durationSeconds: number(values.duration, 'CARREL_BENCH_DURATION', 10, 1),
    warmupSeconds: number(values.warmup, 'CARREL_BENCH_WARMUP', 2, 0),
    connections: Math.floor(number(values.connections, 'CARREL_BENCH_CONNECTIONS', 50, 1)),
    patrons: Math.floor(number(values.patrons, 'CARREL_BENCH_PATRONS', 10_000, 1)),
    items: Math.floor(number(values.items, 'CARREL_BENCH_ITEMS', 100_000, 1)),
    engines: engines as Engine[],
    json: values.json ?? false,
    trace: values.trace ?? false,
    postgresUrl: process.env.CARREL_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
  if (options.items < options.connections * 4) throw new Error(`--items must be at least 4 × --connections (${options.connections * 4})`);
  return options;
}

// ---------------------------------------------------------------------------------------------------
// Output.

let jsonMode = false;
/** Progress lines: stderr, so stdout holds only the results (and only JSON with --json). */
function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function seconds(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}

// ---------------------------------------------------------------------------------------------------
// The fixture.

const LIBRARY_ID = 'bench';
const BATCH_ROWS = 500; // rows per INSERT: SQLite caps the bound parameters of one statement
const BATCH_STATEMENTS = 10; // INSERTs per transaction
const SYSTEM_CALLER: Caller = { actor: SYSTEM, purpose: 'administration', channel: 'cli' };

interface Fixture {
  username: string;
  password: string;
  seedSeconds: number;
}

async function insertInBatches<T>(db: Kysely<Schema>, count: number, insert: (trx: Kysely<Schema>, from: number, to: number) => Promise<T>): Promise<void> {
  const perTransaction = BATCH_ROWS * BATCH_STATEMENTS;
  for (let start = 0; start < count; start += perTransaction) {
    const end = Math.min(count, start + perTransaction);
    await db.transaction().execute(async (trx) => {
      for (let from = start; from < end; from += BATCH_ROWS) await insert(trx, from, Math.min(end, from + BATCH_ROWS));
    });
  }
}

async function seed(database: Database, runtime: Runtime, options: Options): Promise<Fixture> {
  const started = performance.now();
  const { branches } = await run(runtime, SYSTEM_CALLER, createLibrary, { id: LIBRARY_ID, name: 'Bench Public Library' });
  const branchId = (branches[0] as { id: string }).id;
  const staff = await run(runtime, SYSTEM_CALLER, createStaff, { username: 'bench-desk', libraryId: LIBRARY_ID, roles: ['admin', 'circulation'] });

  const now = runtime.clock.now().toISOString();
  const pinHash = await hashSecret('0000'); // one argon2id hash for every patron: hashing 10,000 PINs would take minutes
  await insertInBatches(database.db, options.patrons, (trx, from, to) => {
    const rows = [];
    for (let i = from; i < to; i++) {
      rows.push({
        id: randomUUID(),
        library_id: LIBRARY_ID,
        card_hash: runtime.vault.blind('card', cardOf(i)),
        pin_hash: pinHash,
        category_code: 'adult',
        status: 'active',
        personal: JSON.stringify({
          name: `Patron ${i}`,
          birthDate: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
          address: `${i} Main Street`,
          email: `patron${i}@example.org`,
          phone: null,
        }),
        expires_at: '2099-12-31T00:00:00.000Z',
        created_at: now,
        updated_at: now,
      });
    }
    return trx.insertInto('patrons').values(rows).execute();
  });
  await insertInBatches(database.db, options.items, (trx, from, to) => {
    const rows = [];
    for (let i = from; i < to; i++) {
      rows.push({
        id: randomUUID(),
        library_id: LIBRARY_ID,
        branch_id: branchId,
        barcode: barcodeOf(i),
        title: `Bench title ${i}`,
        author: `Author ${i % 997}`,
        isbn: null,
        item_type: 'book',
        status: 'available',
        replacement_cost_cents: null,
        created_at: now,
      });
    }
    return trx.insertInto('items').values(rows).execute();
  });
  // PostgreSQL: fresh statistics, so neither run meets autovacuum's first ANALYZE of the bulk load.
  if (database.engine === 'postgres') await sql`VACUUM ANALYZE`.execute(database.db);
  return { username: staff.account.username, password: staff.password, seedSeconds: seconds(started) };
}

/** Back to the seeded state: no loans, no access-log rows, every item on the shelf. */
async function reset(database: Database): Promise<void> {
  const db = database.db;
  await db.deleteFrom('loans').execute();
  await db.deleteFrom('access_log').execute();
  await db.updateTable('items').set({ status: 'available' }).where('status', '<>', 'available').execute();
  if (database.engine === 'postgres') await sql`VACUUM ANALYZE loans, access_log, items`.execute(db);
  else await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
}

// ---------------------------------------------------------------------------------------------------
// The API run.

async function logIn(baseUrl: string, fixture: Fixture): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: fixture.username, password: fixture.password }),
  });
  if (response.status !== 200) throw new Error(`log-in answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('carrel_session='));
  if (!cookie) throw new Error('log-in set no carrel_session cookie');
  return cookie;
}

/** The statements one API pair runs: the session look-up per request, then each use case's. */
async function traceApiPair(target: string, runtime: Runtime, token: string): Promise<string[]> {
  const statements: string[] = [];
  // A second handle on the same database, reporting the SQL of every query it runs (begin/commit are not
  // queries and are not seen). Tracing at execution also sees queries the repositories compiled earlier.
  const tracing = openDatabase(target, { poolSize: 1, onQuery: (sql) => sql !== 'begin' && sql !== 'commit' && statements.push(sql) });
  const traced: Runtime = { ...runtime, db: tracing.db };
  try {
  const staff = await authenticate(traced, token);
  if (!staff) throw new Error('the bench session does not authenticate');
  const caller: Caller = { actor: { kind: 'staff', id: staff.id, libraryId: staff.libraryId, roles: staff.roles }, purpose: 'circulation', channel: 'http' };
  const item = barcodeOf(0);
  await run(traced, caller, checkout, { cardNumber: cardOf(0), itemBarcode: item });
  await authenticate(traced, token);
  await run(traced, caller, checkin, { itemBarcode: item });
  } finally {
    await tracing.close();
  }
  return statements;
}

// ---------------------------------------------------------------------------------------------------
// The floor: the same statements, prepared once, on the bare driver, behind a bare Fastify app.

/** The statements the use cases run, exactly as Kysely compiles them for SQLite (`?` placeholders). */
const FLOOR_SQL = {
  session:
    'select "staff_accounts".* from "staff_sessions" inner join "staff_accounts" on "staff_accounts"."id" = "staff_sessions"."staff_id" where "staff_sessions"."token_hash" = ? and "staff_sessions"."expires_at" > ?',
  patronByCard: 'select * from "patrons" where "card_number" = ?',
  patronById: 'select * from "patrons" where "id" = ?',
  library: 'select * from "libraries" where "id" = ?',
  itemsByBarcode: 'select * from "items" where "library_id" = ? and "barcode" = ?',
  lockItem: 'select * from "items" where "id" = ?', // PostgreSQL: … for update
  category: 'select * from "patron_categories" where "library_id" = ? and "code" = ?',
  loanRules: 'select * from "loan_rules" where "library_id" = ? and "patron_category" in (?, ?) and "item_type" in (?, ?)',
  balance: 'select coalesce(sum("balance_cents"), 0) as "owed" from "fines" where "patron_id" = ? and "status" = ?',
  countActiveLoans: 'select count(*) as "n" from "loans" where "patron_id" = ? and "status" = ?',
  insertLoan:
    'insert into "loans" ("id", "library_id", "patron_id", "item_id", "branch_id", "checked_out_at", "due_at", "renewals", "status", "ended_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  setItemStatus: 'update "items" set "status" = ? where "id" = ?',
  insertAccess:
    'insert into "access_log" ("at", "library_id", "actor_kind", "actor_id", "patron_id", "action", "categories", "purpose", "channel") values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  activeLoanForItem: 'select * from "loans" where "item_id" = ? and "status" = \'active\'',
  endLoan: 'update "loans" set "status" = ?, "ended_at" = ? where "id" = ?',
  nextPendingHold: 'select * from "holds" where "item_id" = ? and "status" = ? order by "placed_at", "id" limit ?',
} as const;
type StatementName = keyof typeof FLOOR_SQL;

function postgresSql(name: StatementName): string {
  let n = 0;
  const text = FLOOR_SQL[name].replace(/\?/g, () => `$${++n}`);
  return name === 'lockItem' ? `${text} for update` : text;
}

type Row = Record<string, unknown>;
interface StaffRow {
  id: string;
  library_id: string | null;
  disabled: number;
}
interface PatronRow {
  id: string;
  library_id: string;
  category_code: string;
  status: string;
  expires_at: string | Date;
}
interface ItemRow {
  id: string;
  library_id: string;
  branch_id: string;
  barcode: string;
  title: string;
  item_type: string;
  status: string;
}
interface RuleRow {
  patron_category: string;
  item_type: string;
  loan_days: number;
}

/** An answer of a floor route: the status and the body. */
interface Answer {
  status: number;
  body: unknown;
}
const refused = (status: number, code: string): Answer => ({ status, body: { error: { code } } });

/** The most specific loan rule (exact category and type, then either, then the wildcard). */
function pickRule(rules: RuleRow[], category: string, itemType: string): RuleRow | undefined {
  let best: RuleRow | undefined;
  let bestScore = -1;
  for (const rule of rules) {
    const score = (rule.patron_category === category ? 2 : 0) + (rule.item_type === itemType ? 1 : 0);
    if (score > bestScore) [best, bestScore] = [rule, score];
  }
  return best;
}

function sessionToken(request: FastifyRequest): string | undefined {
  const match = /(?:^|;\s*)carrel_session=([^;]+)/.exec(request.headers.cookie ?? '');
  return match?.[1];
}

function isUnique(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

interface Floor {
  app: FastifyInstance;
  /** The statements executed while set: for --trace and the statements-per-pair check. */
  recording: string[] | null;
  close(): Promise<void>;
}

function bareFastify(): FastifyInstance {
  return Fastify({ logger: false });
}

/** SQLite floor: better-sqlite3 statements prepared once, each request one synchronous transaction. */
function sqliteFloor(file: string): Floor {
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const floor: Floor = { app: bareFastify(), recording: null, close: async () => undefined };
  const prepared = new Map<StatementName, SqliteDatabase.Statement<unknown[], unknown>>();
  for (const name of Object.keys(FLOOR_SQL) as StatementName[]) prepared.set(name, sqlite.prepare(FLOOR_SQL[name]));
  const statement = (name: StatementName) => {
    floor.recording?.push(FLOOR_SQL[name]);
    return prepared.get(name) as SqliteDatabase.Statement<unknown[], unknown>;
  };
  const one = <T>(name: StatementName, ...params: unknown[]) => statement(name).get(...params) as T | undefined;
  const all = <T>(name: StatementName, ...params: unknown[]) => statement(name).all(...params) as T[];
  const exec = (name: StatementName, ...params: unknown[]) => void statement(name).run(...params);

  const staffOf = (request: FastifyRequest): StaffRow | undefined => {
    const token = sessionToken(request);
    const staff = token ? one<StaffRow>('session', tokenHash(token), new Date().toISOString()) : undefined;
    return staff && Number(staff.disabled) === 0 ? staff : undefined;
  };

  const doCheckout = sqlite.transaction((staff: StaffRow, cardNumber: string, itemBarcode: string): Answer => {
    const now = new Date();
    const at = now.toISOString();
    const patron = one<PatronRow>('patronByCard', cardNumber);
    if (!patron) return refused(404, 'PATRON_NOT_FOUND');
    const library = one<Row & { id: string; max_balance_cents: number }>('library', patron.library_id);
    if (!library) return refused(500, 'INTERNAL_ERROR');
    const found = all<ItemRow>('itemsByBarcode', patron.library_id, itemBarcode);
    if (found.length !== 1) return refused(404, 'ITEM_NOT_FOUND');
    const item = one<ItemRow>('lockItem', (found[0] as ItemRow).id) as ItemRow;
    const category = one<{ max_loans: number | null }>('category', library.id, patron.category_code);
    const rule = pickRule(all<RuleRow>('loanRules', library.id, patron.category_code, '*', item.item_type, '*'), patron.category_code, item.item_type);
    const owed = Number(one<{ owed: number }>('balance', patron.id, 'open')?.owed ?? 0);
    const active = Number(one<{ n: number }>('countActiveLoans', patron.id, 'active')?.n ?? 0);
    if (patron.status !== 'active' || new Date(patron.expires_at) <= now || owed > library.max_balance_cents) return refused(422, 'PATRON_BLOCKED');
    if (category?.max_loans != null && active >= category.max_loans) return refused(422, 'LOAN_LIMIT_REACHED');
    if (!rule || item.status !== 'available') return refused(422, 'ITEM_NOT_LOANABLE');
    const loanId = randomUUID();
    const dueAt = new Date(now.getTime() + rule.loan_days * 86_400_000).toISOString();
    try {
      exec('insertLoan', loanId, library.id, patron.id, item.id, item.branch_id, at, dueAt, 0, 'active', null);
    } catch (error) {
      if (isUnique(error)) return refused(409, 'ITEM_ALREADY_ON_LOAN');
      throw error;
    }
    exec('setItemStatus', 'on-loan', item.id);
    exec('insertAccess', at, patron.library_id, 'staff', staff.id, patron.id, 'checkout', 'circulation', 'circulation', 'http');
    return { status: 201, body: { loanId, patronId: patron.id, itemBarcode: item.barcode, title: item.title, dueAt, fulfilledHoldId: null } };
  });

  const doCheckin = sqlite.transaction((staff: StaffRow, itemBarcode: string): Answer => {
    const at = new Date().toISOString();
    const found = all<ItemRow>('itemsByBarcode', staff.library_id, itemBarcode);
    if (found.length !== 1) return refused(404, 'ITEM_NOT_FOUND');
    const item = one<ItemRow>('lockItem', (found[0] as ItemRow).id) as ItemRow;
    one('library', item.library_id);
    const loan = one<{ id: string; patron_id: string }>('activeLoanForItem', item.id);
    if (!loan) return refused(409, 'ITEM_NOT_ON_LOAN');
    const patron = one<PatronRow>('patronById', loan.patron_id) as PatronRow;
    exec('endLoan', 'returned', at, loan.id);
    all<RuleRow>('loanRules', item.library_id, patron.category_code, '*', item.item_type, '*');
    // (Loans in the bench are never overdue, so no fine row; the use case would insert one here.)
    exec('insertAccess', at, patron.library_id, 'staff', staff.id, patron.id, 'checkin', 'circulation', 'circulation', 'http');
    const hold = one('nextPendingHold', item.id, 'pending', 1);
    exec('setItemStatus', hold ? 'on-hold-shelf' : 'available', item.id);
    return { status: 200, body: { itemBarcode: item.barcode, title: item.title, loanId: loan.id, returnedAt: at, daysLate: 0, fine: null, lostChargeCancelled: false, routing: { to: 'shelf' } } };
  });

  const send = (reply: FastifyReply, answer: Answer) => reply.status(answer.status).send(answer.body);
  floor.app.post('/floor/checkouts', async (request, reply) => {
    const staff = staffOf(request);
    if (!staff) return send(reply, refused(401, 'UNAUTHENTICATED'));
    const body = request.body as { cardNumber: string; itemBarcode: string };
    return send(reply, doCheckout(staff, body.cardNumber, body.itemBarcode));
  });
  floor.app.post('/floor/checkins', async (request, reply) => {
    const staff = staffOf(request);
    if (!staff) return send(reply, refused(401, 'UNAUTHENTICATED'));
    const body = request.body as { itemBarcode: string };
    return send(reply, doCheckin(staff, body.itemBarcode));
  });
  floor.close = async () => {
    await floor.app.close();
    sqlite.close();
  };
  return floor;
}

/** PostgreSQL floor: named prepared statements on a pooled client, BEGIN/COMMIT per request. */
function postgresFloor(url: string, poolSize: number): Floor {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: '-c TimeZone=UTC' });
  pool.on('error', () => undefined);
  const floor: Floor = { app: bareFastify(), recording: null, close: async () => undefined };
  const texts = new Map<StatementName, string>((Object.keys(FLOOR_SQL) as StatementName[]).map((name) => [name, postgresSql(name)]));
  const query = async <T>(client: pg.Pool | pg.PoolClient, name: StatementName, values: unknown[]): Promise<T[]> => {
    const text = texts.get(name) as string;
    floor.recording?.push(text);
    const result = await client.query({ name: `floor_${name}`, text, values });
    return result.rows as T[];
  };
  const one = async <T>(client: pg.PoolClient, name: StatementName, ...values: unknown[]) => (await query<T>(client, name, values))[0];
  const all = <T>(client: pg.PoolClient, name: StatementName, ...values: unknown[]) => query<T>(client, name, values);

  const transaction = async (work: (client: pg.PoolClient) => Promise<Answer>): Promise<Answer> => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const answer = await work(client);
      await client.query(answer.status < 300 ? 'commit' : 'rollback');
      return answer;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const staffOf = async (request: FastifyRequest): Promise<StaffRow | undefined> => {
    const token = sessionToken(request);
    const staff = token ? (await query<StaffRow>(pool, 'session', [tokenHash(token), new Date().toISOString()]))[0] : undefined;
    return staff && Number(staff.disabled) === 0 ? staff : undefined;
  };

  const doCheckout = (staff: StaffRow, cardNumber: string, itemBarcode: string) =>
    transaction(async (c): Promise<Answer> => {
      const now = new Date();
      const at = now.toISOString();
      const patron = await one<PatronRow>(c, 'patronByCard', cardNumber);
      if (!patron) return refused(404, 'PATRON_NOT_FOUND');
      const library = await one<Row & { id: string; max_balance_cents: number }>(c, 'library', patron.library_id);
      if (!library) return refused(500, 'INTERNAL_ERROR');
      const found = await all<ItemRow>(c, 'itemsByBarcode', patron.library_id, itemBarcode);
      if (found.length !== 1) return refused(404, 'ITEM_NOT_FOUND');
      const item = (await one<ItemRow>(c, 'lockItem', (found[0] as ItemRow).id)) as ItemRow;
      const category = await one<{ max_loans: number | null }>(c, 'category', library.id, patron.category_code);
      const rule = pickRule(await all<RuleRow>(c, 'loanRules', library.id, patron.category_code, '*', item.item_type, '*'), patron.category_code, item.item_type);
      const owed = Number((await one<{ owed: string }>(c, 'balance', patron.id, 'open'))?.owed ?? 0);
      const active = Number((await one<{ n: string }>(c, 'countActiveLoans', patron.id, 'active'))?.n ?? 0);
      if (patron.status !== 'active' || new Date(patron.expires_at) <= now || owed > library.max_balance_cents) return refused(422, 'PATRON_BLOCKED');
      if (category?.max_loans != null && active >= category.max_loans) return refused(422, 'LOAN_LIMIT_REACHED');
      if (!rule || item.status !== 'available') return refused(422, 'ITEM_NOT_LOANABLE');
      const loanId = randomUUID();
      const dueAt = new Date(now.getTime() + rule.loan_days * 86_400_000).toISOString();
      try {
        await all(c, 'insertLoan', loanId, library.id, patron.id, item.id, item.branch_id, at, dueAt, 0, 'active', null);
      } catch (error) {
        if (isUnique(error)) return refused(409, 'ITEM_ALREADY_ON_LOAN');
        throw error;
      }
      await all(c, 'setItemStatus', 'on-loan', item.id);
      await all(c, 'insertAccess', at, patron.library_id, 'staff', staff.id, patron.id, 'checkout', 'circulation', 'circulation', 'http');
      return { status: 201, body: { loanId, patronId: patron.id, itemBarcode: item.barcode, title: item.title, dueAt, fulfilledHoldId: null } };
    });

  const doCheckin = (staff: StaffRow, itemBarcode: string) =>
    transaction(async (c): Promise<Answer> => {
      const at = new Date().toISOString();
      const found = await all<ItemRow>(c, 'itemsByBarcode', staff.library_id, itemBarcode);
      if (found.length !== 1) return refused(404, 'ITEM_NOT_FOUND');
      const item = (await one<ItemRow>(c, 'lockItem', (found[0] as ItemRow).id)) as ItemRow;
      await one(c, 'library', item.library_id);
      const loan = await one<{ id: string; patron_id: string }>(c, 'activeLoanForItem', item.id);
      if (!loan) return refused(409, 'ITEM_NOT_ON_LOAN');
      const patron = (await one<PatronRow>(c, 'patronById', loan.patron_id)) as PatronRow;
      await all(c, 'endLoan', 'returned', at, loan.id);
      await all(c, 'loanRules', item.library_id, patron.category_code, '*', item.item_type, '*');
      await all(c, 'insertAccess', at, patron.library_id, 'staff', staff.id, patron.id, 'checkin', 'circulation', 'circulation', 'http');
      const hold = await one(c, 'nextPendingHold', item.id, 'pending', 1);
      await all(c, 'setItemStatus', hold ? 'on-hold-shelf' : 'available', item.id);
      return { status: 200, body: { itemBarcode: item.barcode, title: item.title, loanId: loan.id, returnedAt: at, daysLate: 0, fine: null, lostChargeCancelled: false, routing: { to: 'shelf' } } };
    });

  const send = (reply: FastifyReply, answer: Answer) => reply.status(answer.status).send(answer.body);
  floor.app.post('/floor/checkouts', async (request, reply) => {
    const staff = await staffOf(request);
    if (!staff) return send(reply, refused(401, 'UNAUTHENTICATED'));
    const body = request.body as { cardNumber: string; itemBarcode: string };
    return send(reply, await doCheckout(staff, body.cardNumber, body.itemBarcode));
  });
  floor.app.post('/floor/checkins', async (request, reply) => {
    const staff = await staffOf(request);
    if (!staff) return send(reply, refused(401, 'UNAUTHENTICATED'));
    const body = request.body as { itemBarcode: string };
    return send(reply, await doCheckin(staff, body.itemBarcode));
  });
  floor.close = async () => {
    await floor.app.close();
    await pool.end();
  };
  return floor;
}

/** The statements one floor pair runs, through the app itself (inject: no socket). */
async function traceFloorPair(floor: Floor, cookie: string): Promise<string[]> {
  const statements: string[] = [];
  floor.recording = statements;
  try {
    const out = await floor.app.inject({ method: 'POST', url: '/floor/checkouts', headers: { cookie }, payload: { cardNumber: cardOf(0), itemBarcode: barcodeOf(0) } });
    const back = await floor.app.inject({ method: 'POST', url: '/floor/checkins', headers: { cookie }, payload: { itemBarcode: barcodeOf(0) } });
    if (out.statusCode !== 201 || back.statusCode !== 200) throw new Error(`the floor's traced pair answered ${out.statusCode} ${out.body} / ${back.statusCode} ${back.body}`);
  } finally {
    floor.recording = null;
  }
  return statements;
}

// ---------------------------------------------------------------------------------------------------
// One engine, end to end.

interface EngineResult {
  engine: Engine;
  location: string;
  seedSeconds: number;
  statementsPerPair: { api: number; floor: number; identical: boolean; transactions: number };
  api: LoadOutcome;
  floor: LoadOutcome;
  ratio: number;
  totalSeconds: number;
}

const POOL_SIZE = 10; // openDatabase's default: the API and the PostgreSQL floor get the same pool

async function benchEngine(engine: Engine, target: string, options: Options): Promise<EngineResult> {
  const started = performance.now();
  const database = openDatabase(target, { poolSize: POOL_SIZE });
  try {
    await migrateToLatest(database.db);
    const keyStore = await openKeyStore(keyStoreTargetFor(target));
    const vault = await Vault.open({ keyring: new Keyring([randomKey()], { kind: 'env' }), store: keyStore, now: systemClock.now() });
    const runtime: Runtime = { db: database.db, clock: systemClock, vault };
    say(`[${engine}] seeding ${options.patrons.toLocaleString('en')} patrons and ${options.items.toLocaleString('en')} items in ${database.location}…`);
    const fixture = await seed(database, runtime, options);
    say(`[${engine}] seeded in ${fixture.seedSeconds} s`);

    const load = (baseUrl: string, prefix: string, cookie: string) =>
      runLoad({
        baseUrl,
        prefix,
        cookie,
        connections: options.connections,
        warmupSeconds: options.warmupSeconds,
        durationSeconds: options.durationSeconds,
        patrons: options.patrons,
        items: options.items,
      });

    // The API.
    const server = await buildServer({ runtime, logger: createLogger('silent') });
    const apiUrl = await server.listen({ host: '127.0.0.1', port: 0 });
    const cookie = await logIn(apiUrl, fixture);
    const apiStatements = await traceApiPair(target, runtime, cookie.slice('carrel_session='.length));
    await reset(database);
    gc();
    say(`[${engine}] API: ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s…`);
    const api = await load(apiUrl, '/api/v1', cookie);
    await server.close();

    // The floor, from the same starting state.
    const floor = engine === 'sqlite' ? sqliteFloor(target) : postgresFloor(target, POOL_SIZE);
    let floorOutcome: LoadOutcome;
    let floorStatements: string[];
    try {
      await reset(database); // the traced pair needs item 0 on the shelf
      floorStatements = await traceFloorPair(floor, cookie);
      await reset(database);
      gc();
      const floorUrl = await floor.app.listen({ host: '127.0.0.1', port: 0 });
      say(`[${engine}] floor: ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s…`);
      floorOutcome = await load(floorUrl, '/floor', cookie);
    } finally {
      await floor.close();
    }

    const identical = apiStatements.length === floorStatements.length && apiStatements.every((s, i) => s === floorStatements[i]);
    if (options.trace || !identical) {
      const show = (label: string, list: string[]) => say(`[${engine}] ${label} (${list.length} statements per pair):\n${list.map((s, i) => `  ${String(i + 1).padStart(2)}. ${s}`).join('\n')}`);
      if (!identical)
        say(
          `[${engine}] WARNING: the floor does not run exactly the API's statements, so the ratio compares different work. ` +
            'The use cases have changed: make FLOOR_SQL and the floor routes in bench/circ.bench.ts run the API sequence below.',
        );
      show('API', apiStatements);
      show('floor', floorStatements);
    }
    return {
      engine,
      location: database.location,
      seedSeconds: fixture.seedSeconds,
      statementsPerPair: { api: apiStatements.length, floor: floorStatements.length, identical, transactions: 2 },
      api,
      floor: floorOutcome,
      ratio: api.measured.pairsPerSecond / floorOutcome.measured.pairsPerSecond,
      totalSeconds: seconds(started),
    };
  } finally {
    await database.close();
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

// ---------------------------------------------------------------------------------------------------
// Main.

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function printReport(results: EngineResult[], skipped: { engine: Engine; reason: string }[], options: Options, totalSeconds: number): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`Circulation benchmark: check-out + check-in pairs, ${options.connections} connections, ${options.durationSeconds} s per run (after ${options.warmupSeconds} s warm-up),`);
  out(`${options.patrons.toLocaleString('en')} patrons, ${options.items.toLocaleString('en')} items. A pair is one check-out and one check-in (2 requests).`);
  for (const r of results) {
    out();
    out(`${r.engine} (${r.location}), seeded in ${r.seedSeconds} s; ${r.statementsPerPair.api} SQL statements + ${r.statementsPerPair.transactions} transactions per pair` +
      (r.statementsPerPair.identical ? ' (floor: the same statements)' : ` (floor: ${r.statementsPerPair.floor}, NOT identical)`));
    for (const [label, outcome] of [
      ['API  ', r.api],
      ['floor', r.floor],
    ] as const) {
      const m = outcome.measured;
      out(
        `  ${label}  ${m.pairsPerSecond.toFixed(1).padStart(8)} pairs/s  ${m.requestsPerSecond.toFixed(1).padStart(8)} req/s  p50 ${String(m.latencyP50Ms).padStart(4)} ms  p99 ${String(m.latencyP99Ms).padStart(4)} ms  ` +
          `${m.ok} 2xx, ${m.non2xx} non-2xx, ${m.errors} socket errors (${m.timeouts} timeouts) in ${m.seconds} s`,
      );
      for (const f of m.failures) out(`         ${f.path} → ${f.status}: ${f.body}`);
    }
  }
  out();
  const header = ['engine', 'API pairs/s', 'floor pairs/s', 'ratio', 'API p99 ms', 'floor p99 ms', 'errors (API/floor)'];
  const widths = [9, 12, 14, 6, 11, 13, 18];
  const row = (cells: string[]) => out(cells.map((c, i) => pad(c, widths[i] ?? 0, i > 0 && i < 6)).join(' | '));
  row(header);
  out(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of results) {
    const errs = (o: LoadOutcome) => o.measured.non2xx + o.measured.errors;
    row([
      r.engine,
      r.api.measured.pairsPerSecond.toFixed(1),
      r.floor.measured.pairsPerSecond.toFixed(1),
      r.ratio.toFixed(2),
      String(r.api.measured.latencyP99Ms),
      String(r.floor.measured.latencyP99Ms),
      `${errs(r.api)} / ${errs(r.floor)}`,
    ]);
  }
  for (const s of skipped) row([s.engine, 'skipped', '', '', '', '', '']);
  out();
  for (const s of skipped) out(`${s.engine} was skipped: ${s.reason}`);
  out(`Target: ratio (API / floor) ≥ 0.5. Whole bench: ${totalSeconds} s.`);
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
      const dir = mkdtempSync(join(tmpdir(), 'carrel-bench-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      results.push(await benchEngine('sqlite', join(dir, 'circ.db'), options));
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
        const name = `carrel_bench_${process.pid}`;
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${name}`);
        cleanups.push(async () => {
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await admin.end();
        });
        results.push(await benchEngine('postgres', withDatabase(options.postgresUrl, name), options));
        await cleanUp();
      }
    }
  } finally {
    await cleanUp();
  }

  const totalSeconds = seconds(started);
  if (jsonMode) {
    const { postgresUrl, ...config } = options;
    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'circ',
          config: { ...config, postgresUrl: redactUrl(postgresUrl) },
          target: { ratio: 0.5 },
          results: results.map((r) => ({
            engine: r.engine,
            seedSeconds: r.seedSeconds,
            statementsPerPair: r.statementsPerPair,
            api: r.api.measured,
            floor: r.floor.measured,
            warmup: { api: r.api.warmup, floor: r.floor.warmup },
            ratio: r.ratio,
            totalSeconds: r.totalSeconds,
          })),
          skipped,
          totalSeconds,
        },
        null,
        2,
      )}\n`,
    );
  } else printReport(results, skipped, options, totalSeconds);
}

if (isMainThread) {
  await main();
} else {
  parentPort?.postMessage(await loadWorker(workerData as LoadJob));
}
