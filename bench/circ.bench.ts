/**
 * Circulation throughput: `npm run bench:circ [-- options]`.
 *
 * For each engine (SQLite always; PostgreSQL when reachable) it seeds two fresh databases alike (one
 * library, 10,000 patrons, 100,000 items): one through the patron data vault, as `registerPatron` stores
 * patrons (a data key per patron in the key store, the personal fields and card sealed, the card's blind
 * index in `card_hash`), and one with a bench-only plaintext stand-in for the vault (the card number in
 * `card_hash`, the plain JSON document in `personal`, no keys). It then drives check-out + check-in pairs
 * with autocannon (50 connections) against
 *   1. the real HTTP API (`buildServer`: session cookie and X-CSRF-Token header, TypeBox validation, use
 *      cases, Kysely) with the vault, and
 *   2. the same API with the plaintext stand-in: 1 and 2 are up at once and the load alternates between
 *      them in short segments (A B B A A B …), 10 s each in all, so the machine's drift falls on both;
 *   3. the floor: a bare Fastify app whose two routes execute the same SQL statements, in the same order
 *      and transactions (on SQLite BEGIN IMMEDIATE, as the API's dialect opens them), as prepared
 *      statements straight on the driver (no use-case layer), on the vault's database, 10 s. Like the
 *      API it resolves the session (session row, staff row with its listed libraries, last-seen touch at
 *      most once a minute), checks the CSRF header against the token's SHA-256, runs the pure permission
 *      and reach checks; a check-out finds and locks the patron by card, reads the item's branch and
 *      picks the circulation rule of its cell (branch, patron category, item type), counts the patron's
 *      overdue items, active loans and balance for the blocks in one statement, reads the closed days for
 *      the due date, and clears the item's task on the staff lists; a check-in ends the loan in the
 *      statement that reads it and its borrower, and reads the item's hold queue (the bench's loans come
 *      back on time, so no rule is read and no overdue fine topped up); each appends its access-log entry to its library's hash
 *      chain (head locked, the vault's HMAC per entry, head moved) at the end of the transaction. Its card look-up
 *      uses blind indexes computed before the run (a map probe): the HMAC per request is the vault's
 *      cost, so the floor pays what a plaintext look-up pays.
 *   4. the minimal floor: the same bare Fastify and driver, but the fewest statements a check-out and a
 *      check-in need with the API's guarantees (each one and why it is needed: MINIMAL_SQL below), 10 s.
 *      The floor above replays the API's statements, so API / floor cannot see the API run more of them;
 *      API / minimal floor can.
 * It checks that the floor and the plaintext API run exactly the vault API's statements, once with a
 * session seen just now and once with one last seen two minutes ago (its first request touches it). The
 * plaintext stand-in keeps an access-log MAC key of its own: the chain is not the personal-data vault's
 * cost, so vault / plaintext still measures sealing and blind indexes alone. After the floor's run it
 * verifies the access log (`verifyAccessLog`): the floor's entries must form the chain the API writes. Then, in
 * process, it times patron look-ups by card through the blind index against look-ups by primary key,
 * and (smaller) patron registration with the vault against plaintext.
 * It prints API / floor (target ≥ 0.5), API / minimal floor (target ≥ 0.5) with the statements per pair
 * of the API, the floor and the minimal floor (target for the API: ≤ 12), and vault / plaintext (target ≥ 0.9: the vault costs at most
 * 10% of throughput); a benchmark reports, it never asserts.
 *
 * autocannon runs in a worker thread (this same file), so the load generator and the server under
 * test do not share one event loop.
 *
 * Options (environment variable in brackets):
 *   --duration S      measured seconds per server [CARREL_BENCH_DURATION]                default 10
 *   --warmup S        unmeasured seconds per server first [CARREL_BENCH_WARMUP]           default 2
 *   --segment S       seconds per segment of the vault / plaintext alternation [CARREL_BENCH_SEGMENT]  default 2
 *   --connections N   autocannon connections [CARREL_BENCH_CONNECTIONS]                  default 50
 *   --patrons N       patrons seeded [CARREL_BENCH_PATRONS]                              default 10000
 *   --items N         items seeded [CARREL_BENCH_ITEMS]                                  default 100000
 *   --lookups N       look-ups per variant, 0 to skip [CARREL_BENCH_LOOKUPS]             default 20000
 *   --register N      registrations per mode, 0 to skip [CARREL_BENCH_REGISTER]          default 40
 *   --engines LIST    sqlite,postgres [CARREL_BENCH_ENGINES]                             default both
 *   --json            print one JSON document on stdout (progress goes to stderr)
 *   --trace           print the SQL statements of one pair (API, plaintext API and floor; and the
 *                     floor's and API's pair whose first request touches the session)
 * PostgreSQL: CARREL_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres; the
 * bench creates carrel_bench_<pid> and carrel_bench_<pid>_plaintext there and drops them afterwards.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { daysLate, dueDate, isOpenOn, localDate, resolveLoanRule } from '../src/domain/circulation.rules.js';
import { localDay, systemClock } from '../src/domain/clock.js';
import type { LoanRule, OpeningHours } from '../src/domain/types.js';
import { buildServer } from '../src/http/server.js';
import { CSRF_HEADER } from '../src/http/session.js';
import { createLogger } from '../src/log.js';
import type { Actor } from '../src/policy/actors.js';
import { authorize, type Permission } from '../src/policy/permissions.js';
import { canReachLibrary, canReachPatron } from '../src/policy/scope.policy.js';
import { engineOf, openDatabase, redactUrl, type Database, type Engine } from '../src/storage/database.js';
import { keyStoreTargetFor, openKeyStore, type KeyStore } from '../src/storage/key-store.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { findPatronByCardHash, findPatronById } from '../src/storage/patron.repository.js';
import type { Schema } from '../src/storage/schema.js';
import { entryMac, lanesMac, lockOrCreateHead } from '../src/usecases/access-chain.js';
import { verifyAccessLog } from '../src/usecases/access-log.usecases.js';
import { checkin, checkout } from '../src/usecases/circulation.usecases.js';
import { newTimeOrderedId, run, type Caller, type Runtime } from '../src/usecases/context.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { openPatron, sealPatron } from '../src/usecases/patron-records.js';
import { registerPatron } from '../src/usecases/patron.usecases.js';
import { createStaff } from '../src/usecases/staff.usecases.js';
import { csrfTokenOf, resolveSession } from '../src/usecases/session.usecases.js';
import { randomKey } from '../src/vault/cipher.js';
import { Keyring } from '../src/vault/keyring.js';
import { hashSecret, tokenHash } from '../src/vault/secrets.js';
import { nameWords, normalizeForIndex, Vault, type IndexKind, type SealPurpose } from '../src/vault/vault.js';
import { barcodeOf, cardOf, createPatronKeys, LIBRARY_ID, logIn, patronOf, patronRow, SYSTEM_CALLER, type BenchSession } from './lib/fixture.js';
import { enginesOption, exitOnHelp, numberOption, postgresUrlOption } from './lib/options.js';
import { gc, say, seconds, table } from './lib/output.js';
import { loadAutocannon, loadSettings, mainOrWorker, pairRequests, runInWorker } from './lib/workers.js';

// ---------------------------------------------------------------------------------------------------
// Shared by both threads: the load job's shape (bench/lib/fixture.ts has the cards and barcodes).

/** One server the load worker drives. */
interface LoadTarget {
  baseUrl: string;
  /** '/api/v1' or '/floor' */
  prefix: string;
  cookie: string;
  /** The session's CSRF token (the log-in answer's `csrfToken`), sent in X-CSRF-Token with every POST. */
  csrfToken: string;
}

interface LoadJob {
  targets: LoadTarget[];
  /** The measured segments, in order: each an index into `targets`. */
  schedule: number[];
  segmentSeconds: number;
  connections: number;
  /** Unmeasured seconds per target, before the first segment. */
  warmupSeconds: number;
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
  /** Every measured segment of the target together (latency percentiles over all of their requests). */
  measured: Summary;
  /** Pairs per second of each measured segment, in order. */
  segments: number[];
}

// ---------------------------------------------------------------------------------------------------
// The worker thread: autocannon.

async function loadWorker(job: LoadJob): Promise<LoadOutcome[]> {
  const { autocannon, aggregateResult } = await loadAutocannon();
  type Raw = Awaited<ReturnType<typeof autocannon>>;

  /** A target's requests and its state, kept across its segments. */
  const driverOf = (target: LoadTarget) => {
    const driver = { failures: [] as Summary['failures'], requests: [] as import('autocannon').Request[] };
    const noteFailure = (path: string, status: number, body: string) => {
      if (driver.failures.length < 5) driver.failures.push({ path, status, body: body.slice(0, 300) });
    };
    // Every pair takes the next free item and the next patron: items in flight are always distinct,
    // and a patron holds at most a loan or two at once (the category limit is 50).
    driver.requests = pairRequests({
      prefix: target.prefix,
      itemsFrom: 0,
      items: job.items,
      patronOf: (pair) => pair % job.patrons,
      onAnswer: (kind, _ctx, status, body) => {
        if (status >= 300) noteFailure(kind, status, body);
      },
    });
    return driver;
  };
  const drivers = job.targets.map(driverOf);

  const settingsOf = (target: number, seconds: number) => {
    const t = job.targets[target] as LoadTarget;
    const requests = (drivers[target] as ReturnType<typeof driverOf>).requests;
    return loadSettings({ url: t.baseUrl, cookie: t.cookie, csrfToken: t.csrfToken, connections: job.connections, requests }, seconds);
  };
  const summarize = (raws: Raw[], settings: object, failures: Summary['failures']): Summary => {
    const result = aggregateResult(raws, settings, {});
    // The merged result's duration is the first segment's: the total is the sum.
    const seconds = raws.reduce((sum, r) => sum + r.duration, 0);
    const ok = result['2xx'];
    const statusCodes: Record<string, number> = {};
    for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
    return {
      seconds: Math.round(seconds * 100) / 100,
      requests: result.requests.total,
      ok,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      pairsPerSecond: ok / 2 / seconds,
      requestsPerSecond: result.requests.total / seconds,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      statusCodes,
      failures,
    };
  };
  const once = async (target: number, seconds: number): Promise<Raw> => {
    const raw = await autocannon(settingsOf(target, seconds));
    if ('latency' in raw && raw.latency) throw new Error('autocannon answered an aggregated result inside the worker');
    return raw;
  };

  // Warm-up: with several targets, in 1 s slices taken in turn (A B A B …), so that whatever the
  // switching costs the first time (V8 re-optimising code shared by both servers, which meets the two
  // vaults' shapes) is paid before the measured segments, not in the first of them.
  const warmRaws: Raw[][] = job.targets.map(() => []);
  const slices = job.warmupSeconds <= 0 ? 0 : job.targets.length > 1 ? Math.max(1, Math.round(job.warmupSeconds)) : 1;
  for (let slice = 0; slice < slices; slice++)
    for (const target of job.targets.keys()) (warmRaws[target] as Raw[]).push(await once(target, job.warmupSeconds / slices));
  const warmups = drivers.map((driver, target) => (slices === 0 ? null : summarize(warmRaws[target] as Raw[], settingsOf(target, job.warmupSeconds / slices), driver.failures)));
  for (const driver of drivers) driver.failures = [];
  const raws: Raw[][] = job.targets.map(() => []);
  const segments: number[][] = job.targets.map(() => []);
  for (const target of job.schedule) {
    const raw = await once(target, job.segmentSeconds);
    (raws[target] as Raw[]).push(raw);
    (segments[target] as number[]).push(raw['2xx'] / 2 / raw.duration);
  }
  return drivers.map((driver, target) => ({
    warmup: warmups[target] ?? null,
    measured: summarize(raws[target] as Raw[], settingsOf(target, job.segmentSeconds), driver.failures),
    segments: segments[target] as number[],
  }));
}

/** Runs the load in a worker thread (this same file). */
function runLoad(job: LoadJob): Promise<LoadOutcome[]> {
  return runInWorker<LoadJob, LoadOutcome[]>(new URL(import.meta.url), job);
}

// ---------------------------------------------------------------------------------------------------
// Options.

interface Options {
  durationSeconds: number;
  warmupSeconds: number;
  /** Seconds per measured segment of the vault / plaintext comparison, which alternates A B B A A B … */
  segmentSeconds: number;
  connections: number;
  patrons: number;
  items: number;
  /** Patron look-ups per variant in the look-up micro-benchmark (0: skip it). */
  lookups: number;
  /** Patrons registered per mode (vault, plaintext) to time registration (0: skip it). */
  register: number;
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
      segment: { type: 'string' },
      connections: { type: 'string' },
      patrons: { type: 'string' },
      items: { type: 'string' },
      lookups: { type: 'string' },
      register: { type: 'string' },
      engines: { type: 'string' },
      json: { type: 'boolean', default: false },
      trace: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  exitOnHelp(
    values.help,
    'npm run bench:circ -- [--duration S] [--warmup S] [--segment S] [--connections N] [--patrons N] [--items N] [--lookups N] [--register N] [--engines sqlite,postgres] [--json] [--trace]',
  );
  const number = numberOption;
  const options: Options = {
    durationSeconds: number(values.duration, 'CARREL_BENCH_DURATION', 10, 1),
    warmupSeconds: number(values.warmup, 'CARREL_BENCH_WARMUP', 2, 0),
    segmentSeconds: Math.floor(number(values.segment, 'CARREL_BENCH_SEGMENT', 2, 1)),
    connections: Math.floor(number(values.connections, 'CARREL_BENCH_CONNECTIONS', 50, 1)),
    patrons: Math.floor(number(values.patrons, 'CARREL_BENCH_PATRONS', 10_000, 1)),
    items: Math.floor(number(values.items, 'CARREL_BENCH_ITEMS', 100_000, 1)),
    lookups: Math.floor(number(values.lookups, 'CARREL_BENCH_LOOKUPS', 20_000, 0)),
    register: Math.floor(number(values.register, 'CARREL_BENCH_REGISTER', 40, 0)),
    engines: enginesOption(values.engines),
    json: values.json ?? false,
    trace: values.trace ?? false,
    postgresUrl: postgresUrlOption(),
  };
  if (options.items < options.connections * 4) throw new Error(`--items must be at least 4 × --connections (${options.connections * 4})`);
  return options;
}

// ---------------------------------------------------------------------------------------------------
// Output.

let jsonMode = false;
// ---------------------------------------------------------------------------------------------------
// The fixture.

const BATCH_ROWS = 500; // rows per INSERT: SQLite caps the bound parameters of one statement
const BATCH_STATEMENTS = 10; // INSERTs per transaction

/** How personal fields are stored: sealed by the vault, or (bench only) in plaintext. */
type Mode = 'vault' | 'plaintext';

interface Fixture {
  mode: Mode;
  username: string;
  password: string;
  /** The bench's staff account, as a caller of the use cases (registration timing). */
  desk: Caller;
  /** Patron i's id. */
  patronIds: string[];
  seedSeconds: number;
  /** Of which: creating and storing the patrons' data keys (`vault.createPatronKey`). */
  keySeconds: number;
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

/** Patron i as the domain knows it: the fields `registerPatron` collects, and the card. */
/**
 * Seeds one library, its desk account, the patrons and the items. Patrons go through the runtime's vault
 * exactly as `registerPatron` stores them: a data key in the key store (`createPatronKey`), then
 * `sealPatron` (the card's blind index in `card_hash`, the sealed document in `personal`). With the
 * plaintext stand-in the same code stores the card number itself and the plain JSON document.
 */
async function seed(database: Database, runtime: Runtime, options: Options, mode: Mode): Promise<Fixture> {
  const started = performance.now();
  const { branches } = await run(runtime, SYSTEM_CALLER, createLibrary, { id: LIBRARY_ID, name: 'Bench Public Library' });
  const branchId = (branches[0] as { id: string }).id;
  const staff = await run(runtime, SYSTEM_CALLER, createStaff, { username: 'bench-desk', libraryId: LIBRARY_ID, roles: ['admin', 'circulation'] });

  const nowDate = runtime.clock.now();
  const now = nowDate.toISOString();
  const pinHash = await hashSecret('0000'); // one argon2id hash for every patron: hashing 10,000 PINs would take minutes
  const patronIds = Array.from({ length: options.patrons }, () => randomUUID());
  let keyMs = 0;
  await insertInBatches(database.db, options.patrons, async (trx, from, to) => {
    // The data keys first (the key store is another database), a few at a time, as registration does.
    const keysStarted = performance.now();
    await createPatronKeys(runtime.vault, patronIds, from, to, nowDate);
    keyMs += performance.now() - keysStarted;
    const rows = [];
    for (let i = from; i < to; i++) rows.push(patronRow(await sealPatron(runtime.vault, patronOf(i, patronIds[i] as string, now)), pinHash, '18-64'));
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
        damaged: 0,
        created_at: now,
      });
    }
    return trx.insertInto('items').values(rows).execute();
  });
  // PostgreSQL: fresh statistics, so neither run meets autovacuum's first ANALYZE of the bulk load.
  // The library's access-log chain, started as the first recorded access would start it: the traced
  // pairs and the load meet the steady state (lock the head, append, move it), never the head's creation.
  await runtime.db.transaction().execute((trx) => lockOrCreateHead(trx, runtime.vault, LIBRARY_ID));
  if (database.engine === 'postgres') await sql`VACUUM ANALYZE`.execute(database.db);
  await checkSeeded(database, runtime, mode, patronIds);
  const { account } = staff;
  return {
    mode,
    username: account.username,
    password: staff.password,
    desk: { actor: { kind: 'staff', id: account.id, libraryId: account.libraryId, roles: account.roles }, purpose: 'account-service', channel: 'http' },
    patronIds,
    seedSeconds: seconds(started),
    keySeconds: Math.round(keyMs / 100) / 10,
  };
}

/** The seeded patrons are what the mode says: found by the card's index, and their document opens to that card. */
async function checkSeeded(database: Database, runtime: Runtime, mode: Mode, patronIds: string[]): Promise<void> {
  for (const i of [0, patronIds.length - 1]) {
    const card = cardOf(i);
    const stored = await findPatronByCardHash(database.db, runtime.vault.blind('card', card));
    if (!stored || stored.id !== patronIds[i]) throw new Error(`[${mode}] patron ${i} is not found by its card`);
    const sealedAsExpected = mode === 'vault' ? stored.cardHash !== card && stored.sealed.startsWith('v1.') : stored.cardHash === card && stored.sealed.startsWith('{');
    if (!sealedAsExpected) throw new Error(`[${mode}] patron ${i} is not stored as the ${mode} mode stores it`);
    const opened = await openPatron(runtime, stored);
    if (opened.cardNumber !== card || opened.personal.name !== `Patron ${i}`) throw new Error(`[${mode}] patron ${i}'s document does not open to its card`);
  }
}

// ---------------------------------------------------------------------------------------------------
// The plaintext stand-in for the vault (bench only): what Carrel would do with no vault at all.

/** The vault's normalisation of indexed values, without the HMAC. */
const plaintextIndex = normalizeForIndex;

/**
 * A `Vault` stand-in that stores everything in plaintext: `blind` answers the normalised value itself
 * (so `card_hash` holds the card number), `seal` and `open` are the identity (so `personal` holds the
 * plain JSON document), and there are no data keys. The access log's MAC stays (HMAC-SHA256 under a
 * key of its own, as the vault computes it): the hash chain guards the log, not personal fields, and
 * Carrel would keep it without a vault. It implements the part of the vault the use cases call; the
 * rest of `Vault` (rotation, shredding) is never reached by the bench.
 */
function plaintextVault(): Vault {
  const accessLogKey = randomKey();
  const standIn = {
    accessLogMac: (data: string): string => createHmac('sha256', accessLogKey).update(data, 'utf8').digest('hex'),
    blind: (kind: IndexKind, value: string): string => plaintextIndex(kind, value),
    nameTokens: (name: string): string[] => [...new Set(nameWords(name))],
    seal: async (_patronId: string, _purpose: SealPurpose, plaintext: string): Promise<string> => plaintext,
    open: async (_patronId: string, _purpose: SealPurpose, sealed: string): Promise<string> => sealed,
    createPatronKey: async (_patronId: string, _at: Date): Promise<void> => undefined,
    hasKey: async (_patronId: string): Promise<boolean> => true,
    shred: async (_patronId: string, _now: Date): Promise<boolean> => false,
  } satisfies Partial<Vault>;
  return standIn as unknown as Vault;
}

/**
 * Back to the seeded state: no loans, no access-log rows (each chain's head back at its base, so the
 * chains stay whole), every item on the shelf.
 */
async function reset(database: Database): Promise<void> {
  const db = database.db;
  await db.deleteFrom('loans').execute();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('access_log').execute();
    await trx.updateTable('access_log_heads').set((eb) => ({ last_seq: eb.ref('base_seq'), last_hash: eb.ref('base_hash') })).execute();
  });
  await db.updateTable('items').set({ status: 'available' }).where('status', '<>', 'available').execute();
  if (database.engine === 'postgres') await sql`VACUUM ANALYZE loans, access_log, access_log_heads, items`.execute(db);
  else await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
}

// ---------------------------------------------------------------------------------------------------
// The API run.

/** A logged-in session: the cookie to send, its token, and the CSRF token the log-in answered. */
/**
 * Sets the session's last request to now, or (`stale`) to two minutes ago, so that a traced pair meets
 * the session as most requests do (no write), or as the first request after a minute does (it touches
 * the session's last-seen time). Both traces then show the same statements whenever they run.
 */
async function setLastSeen(db: Kysely<Schema>, token: string, stale: boolean): Promise<void> {
  const at = new Date(Date.now() - (stale ? 120_000 : 0)).toISOString();
  const result = await db.updateTable('sessions').set({ last_seen_at: at }).where('token_hash', '=', tokenHash(token)).executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new Error('the bench session is not in the sessions table');
}

/**
 * The statements one API pair runs: per request the session (as `requireSession` resolves it; the CSRF
 * check and the permission and reach checks run no SQL), then the use case's, whose access-log entries
 * are chained at its end.
 */
async function traceApiPair(target: string, runtime: Runtime, token: string, stale: boolean): Promise<string[]> {
  await setLastSeen(runtime.db, token, stale);
  const statements: string[] = [];
  // A second handle on the same database, reporting the SQL of every query it runs (begin/commit are not
  // queries and are not seen). Tracing at execution also sees queries the repositories compiled earlier.
  const tracing = openDatabase(target, { poolSize: 1, onQuery: (sql) => sql !== 'begin' && sql !== 'commit' && statements.push(sql) });
  const traced: Runtime = { ...runtime, db: tracing.db };
  try {
    const session = await resolveSession(traced, token);
    if (!session) throw new Error('the bench session does not authenticate');
    const caller: Caller = { actor: session.actor, purpose: 'circulation', channel: 'http' };
    const item = barcodeOf(0);
    // A process reads its library's configuration once (library-config-cache.ts): one pair first, as every
    // pair of the load after the first finds it kept, then the traced pair.
    await run(traced, caller, checkout, { cardNumber: cardOf(0), itemBarcode: item });
    await run(traced, caller, checkin, { itemBarcode: item });
    await setLastSeen(runtime.db, token, stale);
    statements.length = 0;
    await resolveSession(traced, token);
    await run(traced, caller, checkout, { cardNumber: cardOf(0), itemBarcode: item });
    await resolveSession(traced, token);
    await run(traced, caller, checkin, { itemBarcode: item });
  } finally {
    await tracing.close();
  }
  return statements;
}

// ---------------------------------------------------------------------------------------------------
// The floor: the same statements, prepared once, on the bare driver, behind a bare Fastify app.

/** The statements the API runs, exactly as Kysely compiles them for SQLite (`?` placeholders). */
const FLOOR_SQL = {
  // The session with its staff account and the libraries the account lists (a row each; one with nulls
  // when it lists none), before each request's use case and outside its transaction (`resolveSession`).
  session:
    'select "sessions"."kind" as "session_kind", "sessions"."subject_id" as "session_subject_id", "sessions"."created_at" as "session_created_at", "sessions"."last_seen_at" as "session_last_seen_at", "sessions"."idle_minutes" as "session_idle_minutes", "sessions"."expires_at" as "session_expires_at", "staff_accounts"."id", "staff_accounts"."library_id", "staff_accounts"."username", "staff_accounts"."roles", "staff_accounts"."disabled", "staff_accounts"."must_change_password", "staff_accounts"."created_at", "staff_libraries"."library_id" as "listed_library_id" from "sessions" left join "staff_accounts" on "staff_accounts"."id" = "sessions"."subject_id" and "sessions"."kind" = ? left join "staff_libraries" on "staff_libraries"."staff_id" = "staff_accounts"."id" where "sessions"."token_hash" = ?',
  touchSession: 'update "sessions" set "last_seen_at" = ? where "token_hash" = ?',
  // The use cases. The patron by card, locked on PostgreSQL (FOR NO KEY UPDATE) in the same statement.
  patronByCard: 'select * from "patrons" where "card_hash" = ?',
  // The item, locked on PostgreSQL, with its library's configuration version (migration 0032): the library,
  // its categories, branches, rules and closed days are kept by the process under that version
  // (library-config-cache.ts), so none of them is read while it stays the same.
  itemsByBarcode:
    'select "items".*, (select "libraries"."config_version" from "libraries" where "libraries"."id" = "items"."library_id") as "config_version" from "items" where "items"."library_id" = ? and "barcode" = ?',
  // The blocks' counts in one statement (`standingOf`): overdue items, active loans, money owed.
  standing:
    'select (select count(*) as "n" from "loans" where "patron_id" = ? and "status" = ? and "due_at" < ?) as "overdue", (select count(*) as "n" from "loans" where "patron_id" = ? and "status" = ?) as "active", (select coalesce(sum(balance_cents), 0) as "owed" from "fines" where "patron_id" = ? and "status" = ?) as "owed"',
  insertLoan:
    'insert into "loans" ("id", "library_id", "patron_id", "item_id", "branch_id", "checked_out_at", "due_at", "renewals", "status", "ended_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  setItemStatus: 'update "items" set "status" = ? where "id" = ?',
  // A check-out's: the status set, answering whether a staff-list task waits on the item (asked once the
  // item is locked, so a task written by a transaction it waited for is seen).
  setItemOnLoan:
    'update "items" set "status" = ? where "id" = ? returning exists (select "item_tasks"."item_id" from "item_tasks" where "item_tasks"."item_id" = "items"."id") as "has_task"',
  // A check-out is counted in the statistics in its own transaction (statistics.usecases.ts).
  addCirculationStats:
    'insert into "circulation_stats" ("library_id", "day", "branch_id", "item_type", "patron_category", "age_band", "loans") values (?, ?, ?, ?, ?, ?, ?) on conflict ("library_id", "day", "branch_id", "item_type", "patron_category", "age_band") do update set "loans" = circulation_stats.loans + excluded.loans',
  touchActivity: 'update "patrons" set "last_active_at" = ? where "id" = ?',
  // The staff lists: no work waits on an item that went out (`noteItemHandedOut`).
  clearItemTask: 'delete from "item_tasks" where "item_id" = ?',
  // The item's active loan ended and answered with its borrower's library and category (`endActiveLoanOfItem`).
  endActiveLoan:
    'update "loans" set "status" = ?, "ended_at" = ? where "item_id" = ? and "status" = \'active\' returning *, (select "patrons"."library_id" from "patrons" where "patrons"."id" = "loans"."patron_id") as "borrower_library_id", (select "patrons"."category_code" from "patrons" where "patrons"."id" = "loans"."patron_id") as "borrower_category_code", (exists (select "holds"."id" from "holds" where "holds"."item_id" = "loans"."item_id" and "holds"."status" = ?) or exists (select "holds"."id" from "items" inner join "holds" on "holds"."record_id" = "items"."record_id" where "items"."id" = "loans"."item_id" and "holds"."status" = ?)) as "hold_waits"',
  // The item's hold queue (`pendingHoldsFor`: an item with no record has its own holds only).
  pendingHolds:
    'select * from "holds" where "status" = ? and "item_id" = ? and ("suspended_until" is null or "suspended_until" <= ?) and ("expires_at" is null or "expires_at" > ?) order by case when pickup_branch_id = ? then 0 else 1 end, "placed_at", "id" limit ?',
  // The access log's hash chain, at the end of each use case's transaction (`run` → `appendChained`).
  lockHead: 'select * from "access_log_heads" where "chain" = ?',
  insertAccess:
    'insert into "access_log" ("at", "library_id", "actor_kind", "actor_id", "patron_id", "action", "categories", "purpose", "channel", "actor_role", "actor_library_id", "chain", "chain_seq", "hash") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  // The library's lane 0 moves with its lane count under a MAC bound to its new end (access-chain.ts).
  setHeadEnd: 'update "access_log_heads" set "last_seq" = ?, "last_hash" = ?, "lanes" = ?, "lanes_mac" = ? where "chain" = ?',
  // PostgreSQL: the entry and its chain's new end in one statement (`appendPlaced`; SQLite has no
  // data-modifying WITH, and does not prepare it).
  insertAccessMovingEnd:
    'with "entry" as (insert into "access_log" ("at", "library_id", "actor_kind", "actor_id", "patron_id", "action", "categories", "purpose", "channel", "actor_role", "actor_library_id", "chain", "chain_seq", "hash") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)) update "access_log_heads" set "last_seq" = ?, "last_hash" = ?, "lanes" = ?, "lanes_mac" = ? where "chain" = ?',
} as const;
type StatementName = keyof typeof FLOOR_SQL;

/** The statements that lock the rows they read on PostgreSQL (Kysely's `forUpdate`): the item, the chain's head. */
const LOCKING: ReadonlySet<StatementName> = new Set<StatementName>(['itemsByBarcode', 'lockHead']);

function postgresSql(name: StatementName): string {
  let n = 0;
  const text = FLOOR_SQL[name].replace(/\?/g, () => `$${++n}`);
  if (name === 'patronByCard') return `${text} for no key update`;
  if (name === 'itemsByBarcode') return `${text} for update of "items"`;
  return LOCKING.has(name) ? `${text} for update` : text;
}

type StaffActor = Extract<Actor, { kind: 'staff' }>;
interface SessionRow {
  kind: string;
  subject_id: string;
  last_seen_at: string | Date;
  idle_minutes: number | string;
  expires_at: string | Date;
}
interface StaffRow {
  id: string | null;
  library_id: string | null;
  roles: string;
  disabled: number | boolean;
}
interface PatronRow {
  id: string;
  library_id: string;
  category_code: string;
  age_band: string;
  status: string;
  expires_at: string | Date;
}
interface ItemRow {
  config_version?: string;
  id: string;
  library_id: string;
  branch_id: string;
  barcode: string;
  title: string;
  item_type: string;
  status: string;
}
interface RuleRow {
  library_id: string;
  branch_code: string;
  patron_category: string;
  item_type: string;
  loan_days: number;
  renewals: number;
  fine_per_day_cents: number;
  max_fine_cents: number;
  holdable: number | boolean;
  hold_pickup_days: number | null;
}
interface BranchRow {
  id: string;
  code: string;
  opening_hours: string;
}
interface ClosedDayRow {
  branch_id: string | null;
  starts_on: string;
  ends_on: string;
}
interface LibraryRow {
  id: string;
  time_zone: string;
  max_balance_cents: number;
  max_overdue_items: number | null;
}
interface HeadRow {
  last_seq: number | string;
  last_hash: string;
  lanes: number | string;
}

/** An answer of a floor route: the status and the body. */
interface Answer {
  status: number;
  body: unknown;
}
const refused = (status: number, code: string): Answer => ({ status, body: { error: { code } } });

/** A circulation_rules row as the repository reads it (`toLoanRule`). */
function toRule(row: RuleRow): LoanRule {
  return {
    libraryId: row.library_id,
    branch: row.branch_code,
    patronCategory: row.patron_category,
    itemType: row.item_type,
    loanDays: row.loan_days,
    renewals: row.renewals,
    finePerDayCents: row.fine_per_day_cents,
    maxFineCents: row.max_fine_cents,
    holdable: Number(row.holdable) !== 0,
    holdPickupDays: row.hold_pickup_days,
  };
}

/** `ruleFor`'s pick among the candidates: the matrix cell's most specific rule (`resolveLoanRule`). */
function pickRule(rows: RuleRow[], branchCode: string, category: string, itemType: string): LoanRule | undefined {
  return resolveLoanRule(rows.map(toRule), { branch: branchCode, patronCategory: category, itemType });
}

/** `openDaysOf`: whether the branch is open on a local date, from its hours (parsed as `toBranch` does) and the closed days read. */
function openDays(branch: BranchRow, closed: ClosedDayRow[]): (date: string) => boolean {
  const hours = { id: branch.id, openingHours: JSON.parse(branch.opening_hours) as OpeningHours };
  const days = closed.map((row) => ({ branchId: row.branch_id, startsOn: row.starts_on, endsOn: row.ends_on }));
  return (date) => isOpenOn(date, hours, days);
}

/** `patronBlocks`' checks (status, card expiry, balance, overdue items) and `loanLimitBlock`'s, as one answer. */
function borrowerRefusal(patron: PatronRow, library: LibraryRow, owed: number, overdue: number, active: number, maxLoans: number | null | undefined, now: Date): Answer | undefined {
  if (patron.status !== 'active' || new Date(patron.expires_at) <= now || owed > library.max_balance_cents) return refused(422, 'PATRON_BLOCKED');
  if (library.max_overdue_items !== null && overdue >= library.max_overdue_items) return refused(422, 'PATRON_HAS_OVERDUE_ITEMS');
  if (maxLoans != null && active >= maxLoans) return refused(422, 'LOAN_LIMIT_REACHED');
  return undefined;
}

function sessionToken(request: FastifyRequest): string | undefined {
  const match = /(?:^|;\s*)carrel_session=([^;]+)/.exec(request.headers.cookie ?? '');
  return match?.[1];
}

/** session.usecases.ts: the last-seen time is written at most once a minute. */
const TOUCH_EVERY_MS = 60_000;

/** What `resolveSession` makes of a session row: over (absent, past its end, idle too long), live, or live and due a touch. */
function sessionState(row: SessionRow | undefined, now: number): 'over' | 'live' | 'touch' {
  if (!row) return 'over';
  const lastSeen = new Date(row.last_seen_at).getTime();
  if (now >= new Date(row.expires_at).getTime() || now >= lastSeen + Number(row.idle_minutes) * 60_000) return 'over';
  return now - lastSeen >= TOUCH_EVERY_MS ? 'touch' : 'live';
}

/** A row of the joined session statement: the session's columns, prefixed, and the account's. */
type JoinedSessionRow = StaffRow & { session_kind: string; session_subject_id: string; session_last_seen_at: string | Date; session_idle_minutes: number | string; session_expires_at: string | Date };

/** The session and its account from the joined statement's rows (one per library the account lists). */
function joinedSession(rows: JoinedSessionRow[]): { session: SessionRow | undefined; staff: StaffRow | undefined } {
  const row = rows[0];
  if (!row) return { session: undefined, staff: undefined };
  return {
    session: { kind: row.session_kind, subject_id: row.session_subject_id, last_seen_at: row.session_last_seen_at, idle_minutes: row.session_idle_minutes, expires_at: row.session_expires_at },
    staff: row,
  };
}

/** An EXISTS as the engines answer it: PostgreSQL a boolean, SQLite 0 or 1. */
function exists(value: unknown): boolean {
  return value === true || Number(value) === 1;
}

/** The actor of a usable staff account, as `resolveSession` builds it (roles parsed on every request). */
function staffActor(row: StaffRow | undefined): StaffActor | undefined {
  if (!row || row.id === null || Number(row.disabled) !== 0) return undefined;
  return { kind: 'staff', id: row.id, libraryId: row.library_id, roles: JSON.parse(row.roles) as string[] };
}

/** `requireSession`'s CSRF check: the X-CSRF-Token header against the token's SHA-256, in constant time. */
function csrfHolds(request: FastifyRequest, token: string): boolean {
  const presented = request.headers[CSRF_HEADER];
  if (typeof presented !== 'string') return false;
  const x = Buffer.from(presented);
  const y = Buffer.from(csrfTokenOf(token));
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `requirePermission`: the role that grants the action (the access log names it), if any. */
function grantingRole(actor: StaffActor, permission: Permission): string | undefined {
  const decision = authorize(actor, permission);
  return decision.allowed ? decision.role : undefined;
}

/**
 * `reachesPatron` for staff of the patron's own library (or consortium-wide staff): a pure check. Staff
 * of another library would make the API read both libraries' profiles (shared patrons, RF-4); the
 * bench's desk account never is.
 */
function reachesPatron(actor: StaffActor, patronLibraryId: string): boolean {
  if (actor.libraryId !== null && actor.libraryId !== patronLibraryId) return false;
  return canReachPatron(actor, patronLibraryId, { actorLibrary: false, patronLibrary: false }).allowed;
}

/**
 * One access-log entry of a circulation request, linked to its library's chain after `head` as
 * `appendChained` links it (the vault's HMAC over the entry and the previous hash): the insert's
 * parameters, and the head's new end.
 */
function chainedAccess(vault: Vault, head: HeadRow, entry: { at: string; actor: StaffActor; role: string; patron: PatronRow; action: string }) {
  const chain = entry.patron.library_id;
  const chainSeq = Number(head.last_seq) + 1;
  const fields = {
    at: entry.at,
    libraryId: entry.patron.library_id,
    actorKind: 'staff',
    actorId: entry.actor.id,
    actorRole: entry.role,
    actorLibraryId: entry.actor.libraryId,
    patronId: entry.patron.id,
    action: entry.action,
    categories: ['circulation'],
    purpose: 'circulation',
    channel: 'http',
  };
  const hash = entryMac(vault, { ...fields, chain, chainSeq }, head.last_hash);
  const row = [entry.at, fields.libraryId, 'staff', fields.actorId, fields.patronId, fields.action, 'circulation', 'circulation', 'http', fields.actorRole, fields.actorLibraryId, chain, chainSeq, hash];
  const lanes = Number(head.lanes);
  return { chain, chainSeq, hash, row, end: [chainSeq, hash, lanes, lanesMac(vault, chain, lanes, chainSeq, hash), chain] };
}

function isUnique(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * The floor's card look-up: the blind index of every seeded card, computed once before the run, so the
 * floor pays what a plaintext card look-up pays (a map probe) and the HMAC stays on the vault's side of
 * the ledger. An unknown card maps to '' and is not found, as the API would not find it.
 */
type CardHashes = (cardNumber: string) => string;

function precomputedCardHashes(vault: Vault, patrons: number): CardHashes {
  const map = new Map<string, string>();
  for (let i = 0; i < patrons; i++) map.set(cardOf(i), vault.blind('card', cardOf(i)));
  return (cardNumber) => map.get(cardNumber) ?? '';
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

/** Who a floor request is from, or the refusal `requireSession` would answer. */
type Authenticated = { actor: StaffActor; refusal?: undefined } | { refusal: Answer };
const UNAUTHENTICATED = refused(401, 'UNAUTHENTICATED');
const CSRF_INVALID = refused(403, 'CSRF_TOKEN_INVALID');

/** SQLite floor: better-sqlite3 statements prepared once, each request one synchronous transaction. */
function sqliteFloor(file: string, config: Settings, cardHashOf: CardHashes, vault: Vault): Floor {
  const sqlite = new SqliteDatabase(file);
  // The API's connection settings (storage/database.ts).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma('cache_size = -65536');
  const floor: Floor = { app: bareFastify(), recording: null, close: async () => undefined };
  const prepared = new Map<StatementName, SqliteDatabase.Statement<unknown[], unknown>>();
  for (const name of Object.keys(FLOOR_SQL) as StatementName[]) if (name !== 'insertAccessMovingEnd') prepared.set(name, sqlite.prepare(FLOOR_SQL[name]));
  const statement = (name: StatementName) => {
    floor.recording?.push(FLOOR_SQL[name]);
    return prepared.get(name) as SqliteDatabase.Statement<unknown[], unknown>;
  };
  const one = <T>(name: StatementName, ...params: unknown[]) => statement(name).get(...params) as T | undefined;
  const all = <T>(name: StatementName, ...params: unknown[]) => statement(name).all(...params) as T[];
  const exec = (name: StatementName, ...params: unknown[]) => void statement(name).run(...params);

  const authenticate = (request: FastifyRequest): Authenticated => {
    const token = sessionToken(request);
    if (!token) return { refusal: UNAUTHENTICATED };
    const hash = tokenHash(token);
    const now = Date.now();
    const { session, staff } = joinedSession(all<JoinedSessionRow>('session', 'staff', hash));
    const state = sessionState(session, now);
    // (An ended session's row is deleted by the API; the bench's session never ends.)
    if (state === 'over' || !session) return { refusal: UNAUTHENTICATED };
    if (session.kind !== 'staff') return { refusal: refused(403, 'PERMISSION_DENIED') };
    const actor = staffActor(staff);
    if (!actor) return { refusal: UNAUTHENTICATED };
    if (state === 'touch') exec('touchSession', new Date(now).toISOString(), hash);
    if (!csrfHolds(request, token)) return { refusal: CSRF_INVALID };
    return { actor };
  };

  /** `appendChained` for one entry: the head locked (SQLite: the write transaction is the lock), the row, the head moved. */
  const appendAccess = (entry: { at: string; actor: StaffActor; role: string; patron: PatronRow; action: string }) => {
    const head = one<HeadRow>('lockHead', entry.patron.library_id);
    if (!head) throw new Error(`the access log's chain ${entry.patron.library_id} has no head`);
    const link = chainedAccess(vault, head, entry);
    exec('insertAccess', ...link.row);
    exec('setHeadEnd', ...link.end);
  };

  /**
   * A write transaction as the API's SQLite dialect opens it: BEGIN IMMEDIATE (storage/database.ts), which
   * the API's trace shows as a statement; better-sqlite3's `.immediate` runs the same BEGIN.
   */
  const immediate = <A extends unknown[]>(work: (...args: A) => Answer) => {
    const transaction = sqlite.transaction(work);
    return (...args: A): Answer => {
      floor.recording?.push('begin immediate');
      return transaction.immediate(...args);
    };
  };


  const doCheckout = immediate((actor: StaffActor, cardNumber: string, itemBarcode: string): Answer => {
    const role = grantingRole(actor, 'circulation.checkout');
    if (!role) return refused(403, 'PERMISSION_DENIED');
    const now = new Date();
    const at = now.toISOString();
    const patron = one<PatronRow>('patronByCard', cardHashOf(cardNumber));
    if (!patron || !reachesPatron(actor, patron.library_id)) return refused(404, 'PATRON_NOT_FOUND');
    const found = all<ItemRow>('itemsByBarcode', patron.library_id, itemBarcode).filter((item) => canReachLibrary(actor, item.library_id).allowed);
    if (found.length !== 1) return refused(404, 'ITEM_NOT_FOUND');
    const item = found[0] as ItemRow;
    const library = keptLibrary(config, item);
    const { rule, branch } = keptLoanTerms(config, patron, item);
    // (An item on the hold shelf would read its ready hold here; the bench's items are on the shelves.)
    const standing = one<{ overdue: number; active: number; owed: number }>('standing', patron.id, 'active', at, patron.id, 'active', patron.id, 'open');
    const blocked = borrowerRefusal(patron, library, Number(standing?.owed ?? 0), Number(standing?.overdue ?? 0), Number(standing?.active ?? 0), config.maxLoans.get(patron.category_code), now);
    if (blocked) return blocked;
    if (!rule || rule.loanDays <= 0 || item.status !== 'available') return refused(422, 'ITEM_NOT_LOANABLE');
    const loanId = newTimeOrderedId(now);
    // `openDaysOf`: the branch of the rule's cell, the kept closed days from today on.
    const closed = keptClosedDays(config, localDate(now, library.time_zone));
    const dueAt = dueDate(now, rule.loanDays, library.time_zone, openDays(branch, closed)).toISOString();
    try {
      exec('insertLoan', loanId, library.id, patron.id, item.id, item.branch_id, at, dueAt, 0, 'active', null);
    } catch (error) {
      if (isUnique(error)) return refused(409, 'ITEM_ALREADY_ON_LOAN');
      throw error;
    }
    const seen = one<{ has_task: unknown }>('setItemOnLoan', 'on-loan', item.id);
    exec('addCirculationStats', library.id, localDay(at, library.time_zone), item.branch_id, item.item_type, patron.category_code, patron.age_band, 1);
    exec('touchActivity', at, patron.id);
    if (exists(seen?.has_task)) exec('clearItemTask', item.id);
    appendAccess({ at, actor, role, patron, action: 'checkout' });
    return { status: 201, body: { loanId, patronId: patron.id, itemBarcode: item.barcode, title: item.title, dueAt, fulfilledHoldId: null, overriddenBlocks: [] } };
  });

  const doCheckin = immediate((actor: StaffActor, itemBarcode: string): Answer => {
    const role = grantingRole(actor, 'circulation.checkin');
    if (!role) return refused(403, 'PERMISSION_DENIED');
    const now = new Date();
    const at = now.toISOString();
    const found = all<ItemRow>('itemsByBarcode', actor.libraryId, itemBarcode).filter((item) => canReachLibrary(actor, item.library_id).allowed);
    if (found.length !== 1) return refused(404, 'ITEM_NOT_FOUND');
    const item = found[0] as ItemRow;
    const library = keptLibrary(config, item);
    const loan = one<{ id: string; patron_id: string; due_at: string; borrower_library_id: string; hold_waits: unknown }>('endActiveLoan', 'returned', at, item.id, 'pending', 'pending');
    if (!loan) return refused(409, 'ITEM_NOT_ON_LOAN');
    const patron = { id: loan.patron_id, library_id: loan.borrower_library_id } as PatronRow;
    const late = daysLate(new Date(loan.due_at), now, library.time_zone);
    // A late loan would read its rule and its fine and top it up or insert one (`topUpOverdue`), which the
    // floor does not replay: the bench's loans are never late.
    if (late > 0) throw new Error('a bench loan came back late: the floor does not replay topUpOverdue');
    // (Ending the loan said no pending hold could take the item; otherwise the queue would be read here.)
    if (exists(loan.hold_waits)) throw new Error('a hold waits for a bench item: the floor does not replay trapping');
    exec('setItemStatus', 'available', item.id);
    appendAccess({ at, actor, role, patron, action: 'checkin' });
    return { status: 200, body: { itemBarcode: item.barcode, title: item.title, loanId: loan.id, returnedAt: at, daysLate: late, fine: null, lostChargeCancelled: false, routing: { to: 'shelf' } } };
  });

  const send = (reply: FastifyReply, answer: Answer) => reply.status(answer.status).send(answer.body);
  floor.app.post('/floor/checkouts', async (request, reply) => {
    const caller = authenticate(request);
    if (caller.refusal) return send(reply, caller.refusal);
    const body = request.body as { cardNumber: string; itemBarcode: string };
    return send(reply, doCheckout(caller.actor, body.cardNumber, body.itemBarcode));
  });
  floor.app.post('/floor/checkins', async (request, reply) => {
    const caller = authenticate(request);
    if (caller.refusal) return send(reply, caller.refusal);
    const body = request.body as { itemBarcode: string };
    return send(reply, doCheckin(caller.actor, body.itemBarcode));
  });
  floor.close = async () => {
    await floor.app.close();
    sqlite.close();
  };
  return floor;
}

/** PostgreSQL floor: named prepared statements on a pooled client, BEGIN/COMMIT per request. */
function postgresFloor(url: string, poolSize: number, config: Settings, cardHashOf: CardHashes, vault: Vault): Floor {
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
  const one = async <T>(client: pg.Pool | pg.PoolClient, name: StatementName, ...values: unknown[]) => (await query<T>(client, name, values))[0];
  const all = <T>(client: pg.Pool | pg.PoolClient, name: StatementName, ...values: unknown[]) => query<T>(client, name, values);

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

  // As the API resolves it: each statement on the pool, outside any transaction.
  const authenticate = async (request: FastifyRequest): Promise<Authenticated> => {
    const token = sessionToken(request);
    if (!token) return { refusal: UNAUTHENTICATED };
    const hash = tokenHash(token);
    const now = Date.now();
    const { session, staff } = joinedSession(await all<JoinedSessionRow>(pool, 'session', 'staff', hash));
    const state = sessionState(session, now);
    // (An ended session's row is deleted by the API; the bench's session never ends.)
    if (state === 'over' || !session) return { refusal: UNAUTHENTICATED };
    if (session.kind !== 'staff') return { refusal: refused(403, 'PERMISSION_DENIED') };
    const actor = staffActor(staff);
    if (!actor) return { refusal: UNAUTHENTICATED };
    if (state === 'touch') await all(pool, 'touchSession', new Date(now).toISOString(), hash);
    if (!csrfHolds(request, token)) return { refusal: CSRF_INVALID };
    return { actor };
  };

  /** `appendChained` for one entry: the head row locked until commit, the row, the head moved. */
  const appendAccess = async (c: pg.PoolClient, entry: { at: string; actor: StaffActor; role: string; patron: PatronRow; action: string }) => {
    const head = await one<HeadRow>(c, 'lockHead', entry.patron.library_id);
    if (!head) throw new Error(`the access log's chain ${entry.patron.library_id} has no head`);
    const link = chainedAccess(vault, head, entry);
    await all(c, 'insertAccessMovingEnd', ...link.row, ...link.end);
  };


  const doCheckout = (actor: StaffActor, cardNumber: string, itemBarcode: string) =>
    transaction(async (c): Promise<Answer> => {
      const role = grantingRole(actor, 'circulation.checkout');
      if (!role) return refused(403, 'PERMISSION_DENIED');
      const now = new Date();
      const at = now.toISOString();
      const patron = await one<PatronRow>(c, 'patronByCard', cardHashOf(cardNumber));
      if (!patron || !reachesPatron(actor, patron.library_id)) return refused(404, 'PATRON_NOT_FOUND');
      const found = (await all<ItemRow>(c, 'itemsByBarcode', patron.library_id, itemBarcode)).filter((item) => canReachLibrary(actor, item.library_id).allowed);
      if (found.length !== 1) return refused(404, 'ITEM_NOT_FOUND');
      const item = found[0] as ItemRow;
      const library = keptLibrary(config, item);
      const { rule, branch } = keptLoanTerms(config, patron, item);
      // (An item on the hold shelf would read its ready hold here; the bench's items are on the shelves.)
      const standing = await one<{ overdue: string; active: string; owed: string }>(c, 'standing', patron.id, 'active', at, patron.id, 'active', patron.id, 'open');
      const blocked = borrowerRefusal(patron, library, Number(standing?.owed ?? 0), Number(standing?.overdue ?? 0), Number(standing?.active ?? 0), config.maxLoans.get(patron.category_code), now);
      if (blocked) return blocked;
      if (!rule || rule.loanDays <= 0 || item.status !== 'available') return refused(422, 'ITEM_NOT_LOANABLE');
      const loanId = newTimeOrderedId(now);
      // `openDaysOf`: the branch of the rule's cell, the kept closed days from today on.
      const closed = keptClosedDays(config, localDate(now, library.time_zone));
      const dueAt = dueDate(now, rule.loanDays, library.time_zone, openDays(branch, closed)).toISOString();
      try {
        await all(c, 'insertLoan', loanId, library.id, patron.id, item.id, item.branch_id, at, dueAt, 0, 'active', null);
      } catch (error) {
        if (isUnique(error)) return refused(409, 'ITEM_ALREADY_ON_LOAN');
        throw error;
      }
      const seen = await one<{ has_task: unknown }>(c, 'setItemOnLoan', 'on-loan', item.id);
      await all(c, 'addCirculationStats', library.id, localDay(at, library.time_zone), item.branch_id, item.item_type, patron.category_code, patron.age_band, 1);
      await all(c, 'touchActivity', at, patron.id);
      if (exists(seen?.has_task)) await all(c, 'clearItemTask', item.id);
      await appendAccess(c, { at, actor, role, patron, action: 'checkout' });
      return { status: 201, body: { loanId, patronId: patron.id, itemBarcode: item.barcode, title: item.title, dueAt, fulfilledHoldId: null, overriddenBlocks: [] } };
    });

  const doCheckin = (actor: StaffActor, itemBarcode: string) =>
    transaction(async (c): Promise<Answer> => {
      const role = grantingRole(actor, 'circulation.checkin');
      if (!role) return refused(403, 'PERMISSION_DENIED');
      const now = new Date();
      const at = now.toISOString();
      const found = (await all<ItemRow>(c, 'itemsByBarcode', actor.libraryId, itemBarcode)).filter((item) => canReachLibrary(actor, item.library_id).allowed);
      if (found.length !== 1) return refused(404, 'ITEM_NOT_FOUND');
      const item = found[0] as ItemRow;
      const library = keptLibrary(config, item);
      const loan = await one<{ id: string; patron_id: string; due_at: string | Date; borrower_library_id: string; hold_waits: unknown }>(c, 'endActiveLoan', 'returned', at, item.id, 'pending', 'pending');
      if (!loan) return refused(409, 'ITEM_NOT_ON_LOAN');
      const patron = { id: loan.patron_id, library_id: loan.borrower_library_id } as PatronRow;
      const late = daysLate(new Date(loan.due_at), now, library.time_zone);
      // A late loan would read its rule and top up its fine (see the SQLite floor).
      if (late > 0) throw new Error('a bench loan came back late: the floor does not replay topUpOverdue');
      if (exists(loan.hold_waits)) throw new Error('a hold waits for a bench item: the floor does not replay trapping');
      await all(c, 'setItemStatus', 'available', item.id);
      await appendAccess(c, { at, actor, role, patron, action: 'checkin' });
      return { status: 200, body: { itemBarcode: item.barcode, title: item.title, loanId: loan.id, returnedAt: at, daysLate: late, fine: null, lostChargeCancelled: false, routing: { to: 'shelf' } } };
    });

  const send = (reply: FastifyReply, answer: Answer) => reply.status(answer.status).send(answer.body);
  floor.app.post('/floor/checkouts', async (request, reply) => {
    const caller = await authenticate(request);
    if (caller.refusal) return send(reply, caller.refusal);
    const body = request.body as { cardNumber: string; itemBarcode: string };
    return send(reply, await doCheckout(caller.actor, body.cardNumber, body.itemBarcode));
  });
  floor.app.post('/floor/checkins', async (request, reply) => {
    const caller = await authenticate(request);
    if (caller.refusal) return send(reply, caller.refusal);
    const body = request.body as { itemBarcode: string };
    return send(reply, await doCheckin(caller.actor, body.itemBarcode));
  });
  floor.close = async () => {
    await floor.app.close();
    await pool.end();
  };
  return floor;
}

/** The statements one floor pair runs, through the app itself (inject: no socket), the session as `setLastSeen` leaves it. */
async function traceFloorPair(floor: Floor, db: Kysely<Schema>, session: BenchSession, stale: boolean): Promise<string[]> {
  await setLastSeen(db, session.token, stale);
  const statements: string[] = [];
  const headers = { cookie: session.cookie, [CSRF_HEADER]: session.csrfToken };
  floor.recording = statements;
  try {
    const out = await floor.app.inject({ method: 'POST', url: '/floor/checkouts', headers, payload: { cardNumber: cardOf(0), itemBarcode: barcodeOf(0) } });
    const back = await floor.app.inject({ method: 'POST', url: '/floor/checkins', headers, payload: { itemBarcode: barcodeOf(0) } });
    if (out.statusCode !== 201 || back.statusCode !== 200) throw new Error(`the floor's traced pair answered ${out.statusCode} ${out.body} / ${back.statusCode} ${back.body}`);
  } finally {
    floor.recording = null;
  }
  return statements;
}

// ---------------------------------------------------------------------------------------------------
// The minimal floor: the fewest statements a check-out and a check-in need with the API's guarantees.
//
// Where the floor above replays the API's own statements (so API / floor cannot see the API's statement
// count grow), this one is written from what the two requests must do, each need met by one statement
// and every read folded into a statement that runs anyway where SQL allows it on both engines:
//
// check-out (one write transaction)
//   1. session      the session row joined with its staff account and the libraries the account lists:
//                   who asks, whether the session is live, and the roles (a disabled account or a revoked
//                   session answers 401 at once, so none of it can be kept between requests).
//   2. patron       the patron by the card's blind index, locked (FOR NO KEY UPDATE on PostgreSQL) before
//                   anything is counted: the row is the blocks' input (status, card expiry, category).
//                   Not an UPDATE of the last-active time by card: the card's look-up is the one statement
//                   that crosses libraries (docs/SCALING.md), and a write there would change a patron of
//                   another library before scope decides.
//   3. item         the item by barcode in the desk's library, locked (FOR UPDATE OF the item on
//                   PostgreSQL, after the patron: the documented lock order), with its library's
//                   configuration version (migration 0032): the rules, branches, categories and closed
//                   days are kept under it (below), so none is read while it holds.
//   4. standing     overdue items, active loans (the limit) and money owed, as three scalar subqueries of
//                   one statement, after the patron's lock, so a check-out of the same patron that
//                   committed meanwhile is counted.
//   5. loan         the INSERT (the one-active-loan-per-item index refuses a second one).
//   6. item status  on-loan, RETURNING whether a staff-list task waits on the item (an EXISTS), so the
//                   task is cleared only when there is one. Asked here, after the item's lock, not in
//                   statement 3: on PostgreSQL a subquery of the locking read answers from before the
//                   wait for the lock.
//   7. statistics   the day's count for the cell (CB-A6: a count, no patron, no item), an upsert.
//   8. activity     the patron's last-active time, by id (the inactivity purge needs it, CB-F3).
//   9–11. access    the entry, chained: the chain's head locked, the entry with its MAC, the head moved
//                   (`appendChained`; on PostgreSQL the entry and the head's move are one statement, a
//                   data-modifying WITH, so 9–10 there).
//   (delete of the staff-list task: only when statement 6 found one; the bench's items have none.)
// check-in (one write transaction)
//   1. session      as above.
//   2. item         the item by barcode, locked.
//   3. loan         the active loan ended, UPDATE … RETURNING its id, patron, due date, the patron's
//                   library (the chain the entry goes on) and whether a pending hold waits for the item
//                   (an EXISTS): the loan, the borrower and the hold queue in the write itself.
//   4. item status  available (an item a hold waits for would be trapped instead: the hold locked, marked
//                   ready, a notice queued; a late loan would read its rule and top up its fine; the
//                   bench's loans come back on time and no hold waits, so the floor does not replay those).
//   5–7. access     the entry, chained (5–6 on PostgreSQL).
// Configuration (the library's time zone and block thresholds, the patron categories' loan limits, the
// branches' hours, the rules, closed days) is read once when the floor starts and kept under its version,
// as the API's processes keep it (library-config-cache.ts).
// That is 11 statements for a check-out and 7 for a check-in: 18 a pair (20 on SQLite with the two BEGIN
// IMMEDIATE the traces show; 16 on PostgreSQL), of which 6 (4) are the access log's chain.

/** The minimal floor's statements, SQLite spelling (`?`); PostgreSQL's numbers them and adds its locks. */
const MINIMAL_SQL = {
  session:
    'select s."kind", s."subject_id", s."last_seen_at", s."idle_minutes", s."expires_at", a."id", a."library_id", a."roles", a."disabled", l."library_id" as "listed_library_id" ' +
    'from "sessions" s join "staff_accounts" a on a."id" = s."subject_id" left join "staff_libraries" l on l."staff_id" = a."id" where s."token_hash" = ?',
  touchSession: FLOOR_SQL.touchSession,
  patronByCard: FLOOR_SQL.patronByCard,
  touchActivity: FLOOR_SQL.touchActivity,
  itemByBarcode: 'select i.*, (select l."config_version" from "libraries" l where l."id" = i."library_id") as "config_version" from "items" i where i."library_id" = ? and i."barcode" = ?',
  setItemOnLoan: FLOOR_SQL.setItemOnLoan,
  standing:
    'select (select count(*) from "loans" where "patron_id" = ? and "status" = \'active\' and "due_at" < ?) as "overdue", ' +
    '(select count(*) from "loans" where "patron_id" = ? and "status" = \'active\') as "active", ' +
    '(select coalesce(sum("balance_cents"), 0) from "fines" where "patron_id" = ? and "status" = \'open\') as "owed"',
  insertLoan: FLOOR_SQL.insertLoan,
  setItemStatus: FLOOR_SQL.setItemStatus,
  addCirculationStats: FLOOR_SQL.addCirculationStats,
  clearItemTask: FLOOR_SQL.clearItemTask,
  endLoan:
    'update "loans" set "status" = \'returned\', "ended_at" = ? where "item_id" = ? and "status" = \'active\' returning "id", "patron_id", "due_at", ' +
    '(select p."library_id" from "patrons" p where p."id" = "loans"."patron_id") as "patron_library_id", ' +
    '(exists (select 1 from "holds" h where h."status" = \'pending\' and h."item_id" = "loans"."item_id") ' +
    'or exists (select 1 from "items" i join "holds" h on h."record_id" = i."record_id" where i."id" = "loans"."item_id" and h."status" = \'pending\')) as "hold_waits"',
  lockHead: FLOOR_SQL.lockHead,
  insertAccess: FLOOR_SQL.insertAccess,
  setHeadEnd: FLOOR_SQL.setHeadEnd,
  insertAccessMovingEnd: FLOOR_SQL.insertAccessMovingEnd,
} as const;
type MinimalName = keyof typeof MINIMAL_SQL;

function minimalPostgresSql(name: MinimalName): string {
  let n = 0;
  const text = MINIMAL_SQL[name].replace(/\?/g, () => `$${++n}`);
  if (name === 'itemByBarcode') return `${text} for update of i`;
  if (name === 'patronByCard') return `${text} for no key update`;
  return name === 'lockHead' ? `${text} for update` : text;
}

/** One statement a minimal route asks for; the driver answers its rows. */
interface Step {
  name: MinimalName;
  params: unknown[];
}
type Route = Generator<Step, Answer, Record<string, unknown>[]>;

/** The library's settings the minimal floor keeps (read once, see above). */
interface Settings {
  engine: 'sqlite' | 'postgres';
  /** The configuration's version (migration 0032) the rest was read at. */
  version: string;
  library: LibraryRow;
  maxLoans: Map<string, number | null>;
  closed: ClosedDayRow[];
  branches: BranchRow[];
  rules: RuleRow[];
}

async function readSettings(db: Kysely<Schema>): Promise<Settings> {
  const library = (await db.selectFrom('libraries').selectAll().where('id', '=', LIBRARY_ID).executeTakeFirstOrThrow()) as unknown as LibraryRow & { config_version: string };
  const categories = await db.selectFrom('patron_categories').select(['code', 'max_loans']).where('library_id', '=', LIBRARY_ID).execute();
  const closed = (await db.selectFrom('closed_days').selectAll().where('library_id', '=', LIBRARY_ID).orderBy('starts_on').orderBy('id').execute()) as unknown as ClosedDayRow[];
  const branches = (await db.selectFrom('branches').selectAll().where('library_id', '=', LIBRARY_ID).execute()) as unknown as BranchRow[];
  const rules = (await db.selectFrom('circulation_rules').selectAll().where('library_id', '=', LIBRARY_ID).execute()) as unknown as RuleRow[];
  return { engine: engineOf(db), version: library.config_version, library, maxLoans: new Map(categories.map((c) => [c.code, c.max_loans])), closed, branches, rules };
}

/**
 * The replay floor's kept configuration, as the API's process keeps it (library-config-cache.ts): used
 * while the item's row carries the version it was read at (the bench changes no configuration).
 */
function keptLibrary(config: Settings, item: ItemRow): LibraryRow {
  if (item.config_version !== config.version) throw new Error('the library’s configuration changed during the bench');
  return config.library;
}

/** `loanTermsFor` over the kept configuration: the item's branch, the candidate rules, the most specific. */
function keptLoanTerms(config: Settings, patron: PatronRow, item: ItemRow): { rule: LoanRule | undefined; branch: BranchRow } {
  const branch = config.branches.find((b) => b.id === item.branch_id) ?? config.branches.find((b) => b.code === item.branch_id);
  if (!branch) throw new Error('An item points at a branch that does not exist.');
  const candidates = config.rules.filter(
    (r) =>
      (r.branch_code === branch.code || r.branch_code === '*') &&
      (r.patron_category === patron.category_code || r.patron_category === '*') &&
      (r.item_type === item.item_type || r.item_type === '*'),
  );
  return { rule: pickRule(candidates, branch.code, patron.category_code, item.item_type), branch };
}

/** `openDaysOf`'s closed days over the kept configuration: those ending today or later. */
function keptClosedDays(config: Settings, from: string): ClosedDayRow[] {
  return config.closed.filter((d) => d.ends_on >= from);
}

/** The session step of either route: the actor, or the refusal; touches the session at most once a minute. */
function* minimalSession(request: FastifyRequest): Generator<Step, Authenticated, Record<string, unknown>[]> {
  const token = sessionToken(request);
  if (!token) return { refusal: UNAUTHENTICATED };
  const hash = tokenHash(token);
  const now = Date.now();
  const rows = yield { name: 'session', params: [hash] };
  const session = rows[0] as (SessionRow & StaffRow) | undefined;
  const state = sessionState(session, now);
  if (state === 'over' || !session) return { refusal: UNAUTHENTICATED };
  if (session.kind !== 'staff') return { refusal: refused(403, 'PERMISSION_DENIED') };
  const actor = staffActor(session);
  if (!actor) return { refusal: UNAUTHENTICATED };
  if (state === 'touch') yield { name: 'touchSession', params: [new Date(now).toISOString(), hash] };
  if (!csrfHolds(request, token)) return { refusal: CSRF_INVALID };
  return { actor };
}

function* minimalAppend(settings: Settings, vault: Vault, entry: { at: string; actor: StaffActor; role: string; patron: PatronRow; action: string }): Generator<Step, void, Record<string, unknown>[]> {
  const head = (yield { name: 'lockHead', params: [entry.patron.library_id] })[0] as HeadRow | undefined;
  if (!head) throw new Error(`the access log's chain ${entry.patron.library_id} has no head`);
  const link = chainedAccess(vault, head, entry);
  if (settings.engine === 'postgres') {
    yield { name: 'insertAccessMovingEnd', params: [...link.row, ...link.end] };
    return;
  }
  yield { name: 'insertAccess', params: link.row };
  yield { name: 'setHeadEnd', params: link.end };
}

function* minimalCheckout(request: FastifyRequest, settings: Settings, cardHashOf: CardHashes, vault: Vault): Route {
  const caller = yield* minimalSession(request);
  if (caller.refusal) return caller.refusal;
  const actor = caller.actor;
  const role = grantingRole(actor, 'circulation.checkout');
  if (!role) return refused(403, 'PERMISSION_DENIED');
  const body = request.body as { cardNumber: string; itemBarcode: string };
  const now = new Date();
  const at = now.toISOString();
  const patron = (yield { name: 'patronByCard', params: [cardHashOf(body.cardNumber)] })[0] as PatronRow | undefined;
  if (!patron || !reachesPatron(actor, patron.library_id)) return refused(404, 'PATRON_NOT_FOUND');
  const found = ((yield { name: 'itemByBarcode', params: [patron.library_id, body.itemBarcode] }) as unknown as ItemRow[]).filter(
    (item) => canReachLibrary(actor, item.library_id).allowed,
  );
  if (found.length !== 1) return refused(404, 'ITEM_NOT_FOUND');
  const item = found[0] as ItemRow;
  const library = keptLibrary(settings, item);
  const { rule, branch } = keptLoanTerms(settings, patron, item);
  const standing = (yield { name: 'standing', params: [patron.id, at, patron.id, patron.id] })[0] as { overdue: unknown; active: unknown; owed: unknown };
  const blocked = borrowerRefusal(patron, library, Number(standing.owed), Number(standing.overdue), Number(standing.active), settings.maxLoans.get(patron.category_code), now);
  if (blocked) return blocked;
  if (!rule || rule.loanDays <= 0 || item.status !== 'available') return refused(422, 'ITEM_NOT_LOANABLE');
  const loanId = newTimeOrderedId(now);
  const today = localDate(now, library.time_zone);
  const closed = settings.closed.filter((day) => day.ends_on >= today);
  const dueAt = dueDate(now, rule.loanDays, library.time_zone, openDays(branch, closed)).toISOString();
  yield { name: 'insertLoan', params: [loanId, library.id, patron.id, item.id, item.branch_id, at, dueAt, 0, 'active', null] };
  const seen = (yield { name: 'setItemOnLoan', params: ['on-loan', item.id] })[0] as { has_task: unknown } | undefined;
  yield { name: 'addCirculationStats', params: [library.id, localDay(at, library.time_zone), item.branch_id, item.item_type, patron.category_code, patron.age_band, 1] };
  yield { name: 'touchActivity', params: [at, patron.id] };
  if (exists(seen?.has_task)) yield { name: 'clearItemTask', params: [item.id] };
  yield* minimalAppend(settings, vault, { at, actor, role, patron, action: 'checkout' });
  return { status: 201, body: { loanId, patronId: patron.id, itemBarcode: item.barcode, title: item.title, dueAt, fulfilledHoldId: null, overriddenBlocks: [] } };
}

function* minimalCheckin(request: FastifyRequest, settings: Settings, vault: Vault): Route {
  const caller = yield* minimalSession(request);
  if (caller.refusal) return caller.refusal;
  const actor = caller.actor;
  const role = grantingRole(actor, 'circulation.checkin');
  if (!role) return refused(403, 'PERMISSION_DENIED');
  const body = request.body as { itemBarcode: string };
  const now = new Date();
  const at = now.toISOString();
  const found = ((yield { name: 'itemByBarcode', params: [actor.libraryId, body.itemBarcode] }) as unknown as ItemRow[]).filter((item) => canReachLibrary(actor, item.library_id).allowed);
  if (found.length !== 1) return refused(404, 'ITEM_NOT_FOUND');
  const item = found[0] as ItemRow;
  const loan = (yield { name: 'endLoan', params: [at, item.id] })[0] as
    | { id: string; patron_id: string; due_at: string | Date; patron_library_id: string; hold_waits: unknown }
    | undefined;
  if (!loan) return refused(409, 'ITEM_NOT_ON_LOAN');
  const library = keptLibrary(settings, item);
  const late = daysLate(new Date(loan.due_at), now, library.time_zone);
  if (late > 0) throw new Error('a bench loan came back late: the minimal floor does not replay topUpOverdue');
  if (Number(loan.hold_waits) !== 0 && loan.hold_waits !== false) throw new Error('a hold waits for a bench item: the minimal floor does not replay trapping');
  yield { name: 'setItemStatus', params: ['available', item.id] };
  const patron = { id: loan.patron_id, library_id: loan.patron_library_id } as PatronRow;
  yield* minimalAppend(settings, vault, { at, actor, role, patron, action: 'checkin' });
  return { status: 200, body: { itemBarcode: item.barcode, title: item.title, loanId: loan.id, returnedAt: at, daysLate: late, fine: null, lostChargeCancelled: false, routing: { to: 'shelf' } } };
}

/** SQLite minimal floor: each route driven synchronously inside one BEGIN IMMEDIATE transaction. */
function sqliteMinimalFloor(file: string, settings: Settings, cardHashOf: CardHashes, vault: Vault): Floor {
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma('cache_size = -65536');
  const floor: Floor = { app: bareFastify(), recording: null, close: async () => undefined };
  const prepared = new Map<MinimalName, SqliteDatabase.Statement<unknown[], unknown>>();
  // (A data-modifying WITH is PostgreSQL's: SQLite writes the entry and the end apart.)
  for (const name of Object.keys(MINIMAL_SQL) as MinimalName[]) if (name !== 'insertAccessMovingEnd') prepared.set(name, sqlite.prepare(MINIMAL_SQL[name]));
  const drive = (route: Route): Answer => {
    let step = route.next([]);
    while (!step.done) {
      floor.recording?.push(MINIMAL_SQL[step.value.name]);
      const statement = prepared.get(step.value.name) as SqliteDatabase.Statement<unknown[], unknown>;
      const rows = statement.reader ? (statement.all(...step.value.params) as Record<string, unknown>[]) : (statement.run(...step.value.params), []);
      step = route.next(rows);
    }
    return step.value;
  };
  const transaction = sqlite.transaction((route: Route) => {
    const answer = drive(route);
    // A refusal changes nothing (the patron's touch included).
    if (answer.status >= 300) throw Object.assign(new Error('refused'), { answer });
    return answer;
  });
  const immediate = (route: Route): Answer => {
    floor.recording?.push('begin immediate');
    try {
      return transaction.immediate(route);
    } catch (error) {
      const answer = (error as { answer?: Answer }).answer;
      if (answer) return answer;
      if (isUnique(error)) return refused(409, 'ITEM_ALREADY_ON_LOAN');
      throw error;
    }
  };
  const send = (reply: FastifyReply, answer: Answer) => reply.status(answer.status).send(answer.body);
  floor.app.post('/floor/checkouts', async (request, reply) => send(reply, immediate(minimalCheckout(request, settings, cardHashOf, vault))));
  floor.app.post('/floor/checkins', async (request, reply) => send(reply, immediate(minimalCheckin(request, settings, vault))));
  floor.close = async () => {
    await floor.app.close();
    sqlite.close();
  };
  return floor;
}

/** PostgreSQL minimal floor: named prepared statements on a pooled client, BEGIN/COMMIT per request. */
function postgresMinimalFloor(url: string, poolSize: number, settings: Settings, cardHashOf: CardHashes, vault: Vault): Floor {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: '-c TimeZone=UTC' });
  pool.on('error', () => undefined);
  const floor: Floor = { app: bareFastify(), recording: null, close: async () => undefined };
  const texts = new Map<MinimalName, string>((Object.keys(MINIMAL_SQL) as MinimalName[]).map((name) => [name, minimalPostgresSql(name)]));
  const drive = async (route: Route): Promise<Answer> => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      let answer: Answer;
      try {
        let step = route.next([]);
        while (!step.done) {
          const text = texts.get(step.value.name) as string;
          floor.recording?.push(text);
          const result = await client.query({ name: `minimal_${step.value.name}`, text, values: step.value.params });
          step = route.next(result.rows as Record<string, unknown>[]);
        }
        answer = step.value;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        if (isUnique(error)) return refused(409, 'ITEM_ALREADY_ON_LOAN');
        throw error;
      }
      await client.query(answer.status < 300 ? 'commit' : 'rollback');
      return answer;
    } finally {
      client.release();
    }
  };
  const send = (reply: FastifyReply, answer: Answer) => reply.status(answer.status).send(answer.body);
  floor.app.post('/floor/checkouts', async (request, reply) => send(reply, await drive(minimalCheckout(request, settings, cardHashOf, vault))));
  floor.app.post('/floor/checkins', async (request, reply) => send(reply, await drive(minimalCheckin(request, settings, vault))));
  floor.close = async () => {
    await floor.app.close();
    await pool.end();
  };
  return floor;
}

// ---------------------------------------------------------------------------------------------------
// One engine, end to end.

/** The look-up micro-benchmark: patrons found one at a time, in-process, through the repository. */
interface LookupResult {
  /** Look-ups timed per variant. */
  lookups: number;
  /** By card number through the blind index: `findPatronByCardHash(db, vault.blind('card', card))`. */
  blindIndexPerSecond: number;
  /** By primary key: `findPatronById(db, id)`. */
  primaryKeyPerSecond: number;
  /** blind index / primary key. */
  ratio: number;
  /** By card hash computed beforehand (the index probe without the HMAC). */
  precomputedHashPerSecond: number;
  /** By card number on the plaintext database (what the blind index replaces). */
  plaintextCardPerSecond: number;
  /** `vault.blind('card', …)` alone. */
  hmacPerSecond: number;
}

/** Registration (`registerPatron`, in-process): the vault's data key, seal and blind indexes vs plaintext. */
interface RegisterResult {
  patrons: number;
  vaultMsPerPatron: number;
  plaintextMsPerPatron: number;
  /** vault throughput / plaintext throughput. */
  ratio: number;
}

interface EngineResult {
  engine: Engine;
  location: string;
  seedSeconds: { vault: number; dataKeys: number; plaintext: number };
  /**
   * Statements of a pair whose session needs no touch (most pairs), and whether the floor and the
   * plaintext API run the same; `touch…`: the same for a pair whose first request touches the session.
   */
  statementsPerPair: {
    api: number;
    floor: number;
    identical: boolean;
    plaintextIdentical: boolean;
    transactions: number;
    touchApi: number;
    touchIdentical: boolean;
    touchPlaintextIdentical: boolean;
    /** The minimal floor's pair (its statements are its own: see MINIMAL_SQL). */
    minimal: number;
  };
  api: LoadOutcome;
  floor: LoadOutcome;
  /** The minimal floor: the fewest statements a pair needs with the API's guarantees. */
  minimalFloor: LoadOutcome;
  /** The access log's chain as the floor left it, checked by `verifyAccessLog`. */
  floorChain: { entries: number; ok: boolean };
  plaintext: LoadOutcome;
  /** API / floor. */
  ratio: number;
  /** API / minimal floor. */
  minimalRatio: number;
  /** API with the vault / API with plaintext personal fields. */
  vaultRatio: number;
  /** The same, per pair of segments (the i-th of each): how much the figure moves within one run. */
  vaultRatioBySegment: number[];
  lookups: LookupResult | null;
  register: RegisterResult | null;
  /**
   * SQLite: the API with `synchronous = FULL` (Carrel's default: every commit synced, none lost on a power
   * cut) against `NORMAL` (synced at checkpoints only: the last commits before a power cut can be lost),
   * the same server and connection, two runs of each (FULL NORMAL NORMAL FULL). Null on PostgreSQL.
   */
  synchronous: { full: LoadOutcome[]; normal: LoadOutcome[] } | null;
  totalSeconds: number;
}

const POOL_SIZE = 10; // openDatabase's default: the API and the PostgreSQL floor get the same pool

/** Runs `rounds` slices of each variant, alternating their order, and answers each variant's operations per second. */
async function interleaved(count: number, variants: Record<string, (k: number) => Promise<void> | void>, rounds = 4): Promise<Record<string, number>> {
  const names = Object.keys(variants);
  const elapsed = Object.fromEntries(names.map((n) => [n, 0])) as Record<string, number>;
  for (let round = 0; round < rounds; round++) {
    const from = Math.floor((count * round) / rounds);
    const to = Math.floor((count * (round + 1)) / rounds);
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const variant = variants[name] as (k: number) => Promise<void> | void;
      const started = performance.now();
      for (let k = from; k < to; k++) await variant(k);
      elapsed[name] = (elapsed[name] as number) + performance.now() - started;
    }
  }
  return Object.fromEntries(names.map((n) => [n, count / ((elapsed[n] as number) / 1000)]));
}

async function benchLookups(vaultSide: { database: Database; runtime: Runtime; fixture: Fixture }, plainSide: { database: Database; runtime: Runtime; fixture: Fixture }, count: number): Promise<LookupResult> {
  const { vault } = vaultSide.runtime;
  const patrons = vaultSide.fixture.patronIds.length;
  const pick = Array.from({ length: count }, () => Math.floor(Math.random() * patrons));
  const cards = pick.map(cardOf);
  const hashes = cards.map((card) => vault.blind('card', card));
  const ids = pick.map((i) => vaultSide.fixture.patronIds[i] as string);
  const plainIds = pick.map((i) => plainSide.fixture.patronIds[i] as string);
  const expect = (found: { id: string } | undefined, id: string) => {
    if (found?.id !== id) throw new Error(`look-up found ${found?.id ?? 'nobody'} instead of ${id}`);
  };
  const variants = {
    blindIndex: async (k: number) => expect(await findPatronByCardHash(vaultSide.database.db, vault.blind('card', cards[k] as string)), ids[k] as string),
    primaryKey: async (k: number) => expect(await findPatronById(vaultSide.database.db, ids[k] as string), ids[k] as string),
    precomputedHash: async (k: number) => expect(await findPatronByCardHash(vaultSide.database.db, hashes[k] as string), ids[k] as string),
    plaintextCard: async (k: number) => expect(await findPatronByCardHash(plainSide.database.db, plainSide.runtime.vault.blind('card', cards[k] as string)), plainIds[k] as string),
  };
  const warmup = Math.min(count, 1000);
  for (const variant of Object.values(variants)) for (let k = 0; k < warmup; k++) await variant(k);
  gc();
  const perSecond = await interleaved(count, variants, 8);
  let sink = 0;
  const hmacStarted = performance.now();
  for (let k = 0; k < count; k++) sink += vault.blind('card', cards[k] as string).length;
  const hmacPerSecond = count / ((performance.now() - hmacStarted) / 1000);
  if (sink !== count * 64) throw new Error('unexpected blind index length');
  const r = perSecond as Record<keyof typeof variants, number>;
  return {
    lookups: count,
    blindIndexPerSecond: r.blindIndex,
    primaryKeyPerSecond: r.primaryKey,
    ratio: r.blindIndex / r.primaryKey,
    precomputedHashPerSecond: r.precomputedHash,
    plaintextCardPerSecond: r.plaintextCard,
    hmacPerSecond,
  };
}

async function benchRegister(sides: { vault: { runtime: Runtime; fixture: Fixture }; plaintext: { runtime: Runtime; fixture: Fixture } }, count: number): Promise<RegisterResult> {
  let serial = 0;
  const register = (side: { runtime: Runtime; fixture: Fixture }) => async () => {
    const n = serial++;
    await run(side.runtime, side.fixture.desk, registerPatron, {
      libraryId: LIBRARY_ID,
      name: `Registered Patron ${n}`,
      birthDate: '1980-05-17',
      address: `${n} Registration Road`,
      email: `registered${n}@example.org`,
      phone: '505-555-0100',
    });
  };
  const variants = { vault: register(sides.vault), plaintext: register(sides.plaintext) };
  for (const variant of Object.values(variants)) await variant(); // warm-up
  const perSecond = await interleaved(count, variants);
  return {
    patrons: count,
    vaultMsPerPatron: 1000 / (perSecond.vault as number),
    plaintextMsPerPatron: 1000 / (perSecond.plaintext as number),
    ratio: (perSecond.vault as number) / (perSecond.plaintext as number),
  };
}

async function benchEngine(engine: Engine, targets: { vault: string; plaintext: string }, options: Options): Promise<EngineResult> {
  const started = performance.now();
  const database = openDatabase(targets.vault, { poolSize: POOL_SIZE });
  const plainDatabase = openDatabase(targets.plaintext, { poolSize: POOL_SIZE });
  let keyStore: KeyStore | undefined;
  try {
    await migrateToLatest(database.db);
    await migrateToLatest(plainDatabase.db);
    keyStore = await openKeyStore(keyStoreTargetFor(targets.vault));
    const vault = await Vault.open({ keyring: new Keyring([randomKey()], { kind: 'env' }), store: keyStore, now: systemClock.now() });
    // One access-log lane, as the floors append to: API and floors run the same statements. What lanes
    // add on PostgreSQL under contention is `npm run bench:commits`'s to measure.
    const runtime: Runtime = { db: database.db, clock: systemClock, vault, accessLanes: 1 };
    const plainRuntime: Runtime = { db: plainDatabase.db, clock: systemClock, vault: plaintextVault(), accessLanes: 1 };
    const what = `${options.patrons.toLocaleString('en')} patrons and ${options.items.toLocaleString('en')} items`;
    say(`[${engine}] seeding ${what}, personal fields sealed by the vault, in ${database.location}…`);
    const fixture = await seed(database, runtime, options, 'vault');
    say(`[${engine}] seeded in ${fixture.seedSeconds} s (of which ${fixture.keySeconds} s storing ${options.patrons.toLocaleString('en')} data keys in ${keyStore.location})`);
    say(`[${engine}] seeding ${what}, personal fields in plaintext (bench-only stand-in for the vault), in ${plainDatabase.location}…`);
    const plainFixture = await seed(plainDatabase, plainRuntime, options, 'plaintext');
    say(`[${engine}] seeded in ${plainFixture.seedSeconds} s`);

    const load = (servers: LoadTarget[], schedule: number[], segmentSeconds: number) =>
      runLoad({
        targets: servers,
        schedule,
        segmentSeconds,
        connections: options.connections,
        warmupSeconds: options.warmupSeconds,
        patrons: options.patrons,
        items: options.items,
      });

    // The API twice, each its own server: with the vault on the vault's database, and with the
    // plaintext stand-in on the plaintext database. Both are up at once, and the measured time
    // alternates between them in short segments (A B B A A B …), so drift and noise on the machine fall
    // on both alike; each gets --duration seconds in all.
    const servers = [await buildServer({ runtime, logger: createLogger('silent') }), await buildServer({ runtime: plainRuntime, logger: createLogger('silent') })];
    let api: LoadOutcome;
    let plain: LoadOutcome;
    let apiStatements: string[];
    let plainStatements: string[];
    let apiTouchStatements: string[];
    let plainTouchStatements: string[];
    let session: BenchSession;
    let synchronous: EngineResult['synchronous'] = null;
    try {
      const urls = [await (servers[0] as FastifyInstance).listen({ host: '127.0.0.1', port: 0 }), await (servers[1] as FastifyInstance).listen({ host: '127.0.0.1', port: 0 })];
      session = await logIn(urls[0] as string, fixture);
      const plainSession = await logIn(urls[1] as string, plainFixture);
      apiStatements = await traceApiPair(targets.vault, runtime, session.token, false);
      plainStatements = await traceApiPair(targets.plaintext, plainRuntime, plainSession.token, false);
      apiTouchStatements = await traceApiPair(targets.vault, runtime, session.token, true);
      plainTouchStatements = await traceApiPair(targets.plaintext, plainRuntime, plainSession.token, true);
      await reset(database);
      await reset(plainDatabase);
      gc();
      const segments = Math.max(1, Math.round(options.durationSeconds / options.segmentSeconds));
      const segmentSeconds = options.durationSeconds / segments;
      const schedule = Array.from({ length: 2 * segments }, (_, k) => [0, 1, 1, 0][k % 4] as number);
      say(
        `[${engine}] API with the vault and API in plaintext: ${options.connections} connections, ${options.warmupSeconds} s warm-up each (in turns), ` +
          `then ${segments} × ${segmentSeconds} s each, alternating…`,
      );
      [api, plain] = (await load(
        [
          { baseUrl: urls[0] as string, prefix: '/api/v1', cookie: session.cookie, csrfToken: session.csrfToken },
          { baseUrl: urls[1] as string, prefix: '/api/v1', cookie: plainSession.cookie, csrfToken: plainSession.csrfToken },
        ],
        schedule,
        segmentSeconds,
      )) as [LoadOutcome, LoadOutcome];
      if (engine === 'sqlite') {
        // What FULL costs: the same API server and connection, its pragma switched between runs of half
        // --duration each, in the order FULL NORMAL NORMAL FULL (drift on the machine falls on both alike).
        const target = { baseUrl: urls[0] as string, prefix: '/api/v1', cookie: session.cookie, csrfToken: session.csrfToken };
        const runs: Record<'FULL' | 'NORMAL', LoadOutcome[]> = { FULL: [], NORMAL: [] };
        say(`[${engine}] synchronous = FULL and NORMAL: ${options.connections} connections, 2 × ${options.durationSeconds / 2} s each (FULL NORMAL NORMAL FULL)…`);
        for (const mode of ['FULL', 'NORMAL', 'NORMAL', 'FULL'] as const) {
          await sql.raw(`pragma synchronous = ${mode}`).execute(database.db);
          await reset(database);
          gc();
          runs[mode].push(((await load([target], [0], options.durationSeconds / 2)) as [LoadOutcome])[0]);
        }
        await sql`pragma synchronous = FULL`.execute(database.db);
        synchronous = { full: runs.FULL, normal: runs.NORMAL };
      }
    } finally {
      for (const server of servers) await server.close();
    }

    // The floor, on the vault's database, from the same starting state.
    const cardHashes = precomputedCardHashes(vault, options.patrons);
    const kept = await readSettings(database.db);
    const floor = engine === 'sqlite' ? sqliteFloor(targets.vault, kept, cardHashes, vault) : postgresFloor(targets.vault, POOL_SIZE, kept, cardHashes, vault);
    let floorOutcome: LoadOutcome;
    let floorStatements: string[];
    let floorTouchStatements: string[];
    try {
      await reset(database); // the traced pair needs item 0 on the shelf
      floorStatements = await traceFloorPair(floor, database.db, session, false);
      floorTouchStatements = await traceFloorPair(floor, database.db, session, true);
      await reset(database);
      gc();
      const floorUrl = await floor.app.listen({ host: '127.0.0.1', port: 0 });
      say(`[${engine}] floor: ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s…`);
      [floorOutcome] = (await load([{ baseUrl: floorUrl, prefix: '/floor', cookie: session.cookie, csrfToken: session.csrfToken }], [0], options.durationSeconds)) as [LoadOutcome];
    } finally {
      await floor.close();
    }

    // The minimal floor, on the vault's database, from the same starting state.
    const settings = await readSettings(database.db);
    const minimal = engine === 'sqlite' ? sqliteMinimalFloor(targets.vault, settings, cardHashes, vault) : postgresMinimalFloor(targets.vault, POOL_SIZE, settings, cardHashes, vault);
    let minimalOutcome: LoadOutcome;
    let minimalStatements: string[];
    try {
      await reset(database);
      minimalStatements = await traceFloorPair(minimal, database.db, session, false);
      await reset(database);
      gc();
      const minimalUrl = await minimal.app.listen({ host: '127.0.0.1', port: 0 });
      say(`[${engine}] minimal floor: ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s…`);
      [minimalOutcome] = (await load([{ baseUrl: minimalUrl, prefix: '/floor', cookie: session.cookie, csrfToken: session.csrfToken }], [0], options.durationSeconds)) as [LoadOutcome];
    } finally {
      await minimal.close();
    }
    // The floors' entries (their traced pairs and their load) must be the chain the API writes: the same
    // MACs over the same fields, each linked to the one before, the head at the last. The floors move lane
    // 0's end without the MAC of the library's lane count that appendChained writes with it: put it there.
    const laneZero = await database.db.selectFrom('access_log_heads').selectAll().where('chain', '=', LIBRARY_ID).executeTakeFirstOrThrow();
    await database.db.updateTable('access_log_heads').set({ lanes_mac: lanesMac(vault, LIBRARY_ID, Number(laneZero.lanes), Number(laneZero.last_seq), laneZero.last_hash) }).where('chain', '=', LIBRARY_ID).execute();
    const verified = await run(runtime, SYSTEM_CALLER, verifyAccessLog, { libraryId: LIBRARY_ID }, { snapshot: true });
    const floorChain = { entries: verified.entries, ok: verified.ok };
    if (!verified.ok) say(`[${engine}] WARNING: the floor's access-log chain does not verify: ${verified.firstBroken?.problem ?? ''} ${verified.firstBroken?.detail ?? ''}`);

    const same = (x: string[], y: string[]) => x.length === y.length && x.every((s, i) => s === y[i]);
    const identical = same(apiStatements, floorStatements);
    const plaintextIdentical = same(apiStatements, plainStatements);
    const touchIdentical = same(apiTouchStatements, floorTouchStatements);
    const touchPlaintextIdentical = same(apiTouchStatements, plainTouchStatements);
    const show = (label: string, list: string[]) => say(`[${engine}] ${label} (${list.length} statements per pair):\n${list.map((s, i) => `  ${String(i + 1).padStart(2)}. ${s}`).join('\n')}`);
    if (!identical || !touchIdentical)
      say(
        `[${engine}] WARNING: the floor does not run exactly the API's statements, so the ratio compares different work. ` +
          'The use cases have changed: make FLOOR_SQL and the floor routes in bench/circ.bench.ts run the API sequence below.',
      );
    if (!plaintextIdentical || !touchPlaintextIdentical) say(`[${engine}] WARNING: the API runs different statements with the plaintext stand-in than with the vault.`);
    if (options.trace || !identical || !plaintextIdentical) {
      show('API', apiStatements);
      if (!plaintextIdentical || options.trace) show('API (plaintext)', plainStatements);
      show('floor', floorStatements);
    }
    if (options.trace || !touchIdentical || !touchPlaintextIdentical) {
      show('API, session touched', apiTouchStatements);
      if (!touchPlaintextIdentical || options.trace) show('API (plaintext), session touched', plainTouchStatements);
      show('floor, session touched', floorTouchStatements);
    }
    if (options.trace) show('minimal floor', minimalStatements);

    let lookups: LookupResult | null = null;
    if (options.lookups > 0) {
      await reset(database);
      await reset(plainDatabase);
      say(`[${engine}] look-ups: ${options.lookups.toLocaleString('en')} per variant, one at a time…`);
      lookups = await benchLookups({ database, runtime, fixture }, { database: plainDatabase, runtime: plainRuntime, fixture: plainFixture }, options.lookups);
    }
    let register: RegisterResult | null = null;
    if (options.register > 0) {
      say(`[${engine}] registration: ${options.register} patrons with the vault and ${options.register} in plaintext…`);
      register = await benchRegister({ vault: { runtime, fixture }, plaintext: { runtime: plainRuntime, fixture: plainFixture } }, options.register);
    }
    return {
      engine,
      location: database.location,
      seedSeconds: { vault: fixture.seedSeconds, dataKeys: fixture.keySeconds, plaintext: plainFixture.seedSeconds },
      statementsPerPair: {
        api: apiStatements.length,
        floor: floorStatements.length,
        identical,
        plaintextIdentical,
        transactions: 2,
        touchApi: apiTouchStatements.length,
        touchIdentical,
        touchPlaintextIdentical,
        minimal: minimalStatements.length,
      },
      api,
      floor: floorOutcome,
      minimalFloor: minimalOutcome,
      floorChain,
      plaintext: plain,
      ratio: api.measured.pairsPerSecond / floorOutcome.measured.pairsPerSecond,
      minimalRatio: api.measured.pairsPerSecond / minimalOutcome.measured.pairsPerSecond,
      vaultRatio: api.measured.pairsPerSecond / plain.measured.pairsPerSecond,
      vaultRatioBySegment: api.segments.map((a, i) => a / (plain.segments[i] ?? Number.NaN)),
      lookups,
      register,
      synchronous,
      totalSeconds: seconds(started),
    };
  } finally {
    await keyStore?.close();
    await plainDatabase.close();
    await database.close();
  }
}

/** The mean pairs per second of several runs. */
function meanPairs(outcomes: LoadOutcome[]): number {
  return outcomes.reduce((sum, o) => sum + o.measured.pairsPerSecond, 0) / Math.max(1, outcomes.length);
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

// ---------------------------------------------------------------------------------------------------
// Main.

const TARGET = { ratio: 0.5, vaultRatio: 0.9, statements: 12 } as const;

function rate(perSecond: number): string {
  return perSecond >= 10_000 ? Math.round(perSecond).toLocaleString('en') : perSecond.toFixed(1);
}

function printReport(results: EngineResult[], skipped: { engine: Engine; reason: string }[], options: Options, totalSeconds: number): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`Circulation benchmark: check-out + check-in pairs, ${options.connections} connections, ${options.durationSeconds} s per run (after ${options.warmupSeconds} s warm-up),`);
  out(`${options.patrons.toLocaleString('en')} patrons, ${options.items.toLocaleString('en')} items. A pair is one check-out and one check-in (2 requests).`);
  out('API: personal fields and card sealed by the vault (card found through its blind index). Plaintext: the same API and bench with a');
  out('bench-only stand-in vault (card number in card_hash, plain JSON in personal). Floor: bare Fastify + prepared statements, the');
  out("API's exact SQL on the vault's database, card hashes precomputed (a map probe, no HMAC per request).");
  for (const r of results) {
    out();
    out(
      `${r.engine} (${r.location}), seeded in ${r.seedSeconds.vault} s (data keys ${r.seedSeconds.dataKeys} s) + plaintext ${r.seedSeconds.plaintext} s; ` +
        `${r.statementsPerPair.api} SQL statements + ${r.statementsPerPair.transactions} transactions per pair (${r.statementsPerPair.touchApi} when the session is touched, once a minute)` +
        (r.statementsPerPair.identical && r.statementsPerPair.touchIdentical ? ' (floor: the same statements' : ` (floor: ${r.statementsPerPair.floor}, NOT identical`) +
        (r.statementsPerPair.plaintextIdentical && r.statementsPerPair.touchPlaintextIdentical ? '; plaintext: the same)' : '; plaintext: NOT identical)'),
    );
    out(`  minimal floor: ${r.statementsPerPair.minimal} statements per pair (the fewest with the same guarantees: MINIMAL_SQL in bench/circ.bench.ts)`);
    out(`  the floors' access-log chain: ${r.floorChain.entries.toLocaleString('en')} entries, ${r.floorChain.ok ? 'verified' : 'DOES NOT VERIFY'} (verifyAccessLog)`);
    for (const [label, outcome] of [
      ['API      ', r.api],
      ['plaintext', r.plaintext],
      ['floor    ', r.floor],
      ['minimal  ', r.minimalFloor],
    ] as const) {
      const m = outcome.measured;
      out(
        `  ${label}  ${m.pairsPerSecond.toFixed(1).padStart(8)} pairs/s  ${m.requestsPerSecond.toFixed(1).padStart(8)} req/s  p50 ${String(m.latencyP50Ms).padStart(4)} ms  p99 ${String(m.latencyP99Ms).padStart(4)} ms  ` +
          `${m.ok} 2xx, ${m.non2xx} non-2xx, ${m.errors} socket errors (${m.timeouts} timeouts) in ${m.seconds} s`,
      );
      for (const f of m.failures) out(`             ${f.path} → ${f.status}: ${f.body}`);
    }
    out(`  vault / plaintext by segment pair: ${r.vaultRatioBySegment.map((x) => x.toFixed(2)).join(' ')}`);
    if (r.synchronous) {
      const line = (label: string, outcomes: LoadOutcome[]) =>
        out(`  ${label}  ${meanPairs(outcomes).toFixed(1).padStart(8)} pairs/s  (runs: ${outcomes.map((o) => `${o.measured.pairsPerSecond.toFixed(1)} pairs/s, p99 ${o.measured.latencyP99Ms} ms, ${o.measured.non2xx} non-2xx`).join('; ')})`);
      line('API synchronous=FULL  ', r.synchronous.full);
      line('API synchronous=NORMAL', r.synchronous.normal);
      out(`  FULL / NORMAL: ${(meanPairs(r.synchronous.full) / meanPairs(r.synchronous.normal)).toFixed(2)} (FULL is the default: no confirmed commit is lost on a power cut)`);
    }
    if (r.lookups) {
      const l = r.lookups;
      out(
        `  look-ups (${l.lookups.toLocaleString('en')} each, one at a time): blind index ${rate(l.blindIndexPerSecond)}/s, primary key ${rate(l.primaryKeyPerSecond)}/s, ` +
          `precomputed hash ${rate(l.precomputedHashPerSecond)}/s, plaintext card ${rate(l.plaintextCardPerSecond)}/s; HMAC alone ${rate(l.hmacPerSecond)}/s`,
      );
    }
    if (r.register)
      out(`  registration (${r.register.patrons} each): vault ${r.register.vaultMsPerPatron.toFixed(1)} ms, plaintext ${r.register.plaintextMsPerPatron.toFixed(1)} ms per patron (argon2id PIN hash included)`);
  }
  const errs = (o: LoadOutcome) => o.measured.non2xx + o.measured.errors;
  const fixed = (n: number, digits = 2) => n.toFixed(digits);
  out();
  out('Check-out + check-in throughput');
  table(
    out,
    ['engine', 'API pairs/s', 'floor pairs/s', 'API/floor', 'minimal pairs/s', 'API/minimal', 'statements API/floor/minimal', 'plaintext pairs/s', 'vault/plaintext (segments)', 'API p99 ms', 'errors (API/plain/floor/min)'],
    [9, 11, 13, 9, 15, 11, 28, 17, 26, 10, 28],
    [
      ...results.map((r) => [
        r.engine,
        fixed(r.api.measured.pairsPerSecond, 1),
        fixed(r.floor.measured.pairsPerSecond, 1),
        fixed(r.ratio),
        fixed(r.minimalFloor.measured.pairsPerSecond, 1),
        fixed(r.minimalRatio),
        `${r.statementsPerPair.api} / ${r.statementsPerPair.floor} / ${r.statementsPerPair.minimal}`,
        fixed(r.plaintext.measured.pairsPerSecond, 1),
        `${fixed(r.vaultRatio)} (${fixed(Math.min(...r.vaultRatioBySegment))}–${fixed(Math.max(...r.vaultRatioBySegment))})`,
        String(r.api.measured.latencyP99Ms),
        `${errs(r.api)} / ${errs(r.plaintext)} / ${errs(r.floor)} / ${errs(r.minimalFloor)}`,
      ]),
      ...skipped.map((s) => [s.engine, 'skipped']),
    ],
  );
  if (results.some((r) => r.lookups)) {
    out();
    out('Patron look-up, in-process, one at a time');
    table(
      out,
      ['engine', 'by card (blind index)/s', 'by primary key/s', 'blind/PK', 'precomputed hash/s', 'plaintext card/s', 'HMAC alone/s'],
      [9, 23, 16, 8, 18, 16, 12],
      results.flatMap((r) =>
        r.lookups
          ? [[r.engine, rate(r.lookups.blindIndexPerSecond), rate(r.lookups.primaryKeyPerSecond), fixed(r.lookups.ratio), rate(r.lookups.precomputedHashPerSecond), rate(r.lookups.plaintextCardPerSecond), rate(r.lookups.hmacPerSecond)]]
          : [],
      ),
    );
  }
  if (results.some((r) => r.register)) {
    out();
    out('Patron registration, in-process (includes one argon2id PIN hash each)');
    table(
      out,
      ['engine', 'vault ms/patron', 'plaintext ms/patron', 'vault/plaintext'],
      [9, 15, 19, 15],
      results.flatMap((r) => (r.register ? [[r.engine, fixed(r.register.vaultMsPerPatron), fixed(r.register.plaintextMsPerPatron), fixed(r.register.ratio)]] : [])),
    );
  }
  out();
  for (const s of skipped) out(`${s.engine} was skipped: ${s.reason}`);
  out(
    `Targets: API / floor ≥ ${TARGET.ratio}; API / minimal floor ≥ ${TARGET.ratio} and ≤ ${TARGET.statements} statements a pair; vault / plaintext ≥ ${TARGET.vaultRatio} (the vault costs at most ${Math.round((1 - TARGET.vaultRatio) * 100)}% of throughput). ` +
      `Whole bench: ${totalSeconds} s.`,
  );
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
      results.push(await benchEngine('sqlite', { vault: join(dir, 'circ.db'), plaintext: join(dir, 'circ-plaintext.db') }, options));
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
        const names = [name, `${name}_plaintext`];
        for (const n of names) {
          await admin.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
          await admin.query(`CREATE DATABASE ${n}`);
        }
        cleanups.push(async () => {
          for (const n of names) await admin.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
          await admin.end();
        });
        results.push(await benchEngine('postgres', { vault: withDatabase(options.postgresUrl, name), plaintext: withDatabase(options.postgresUrl, `${name}_plaintext`) }, options));
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
          target: TARGET,
          results: results.map((r) => ({
            engine: r.engine,
            seedSeconds: r.seedSeconds,
            statementsPerPair: r.statementsPerPair,
            api: r.api.measured,
            plaintext: r.plaintext.measured,
            floor: r.floor.measured,
            minimalFloor: r.minimalFloor.measured,
            floorChain: r.floorChain,
            warmup: { api: r.api.warmup, plaintext: r.plaintext.warmup, floor: r.floor.warmup, minimalFloor: r.minimalFloor.warmup },
            ratio: r.ratio,
            minimalRatio: r.minimalRatio,
            vaultRatio: r.vaultRatio,
            vaultRatioBySegment: r.vaultRatioBySegment,
            segments: { api: r.api.segments, plaintext: r.plaintext.segments },
            lookups: r.lookups,
            register: r.register,
            synchronous: r.synchronous && {
              full: r.synchronous.full.map((o) => o.measured),
              normal: r.synchronous.normal.map((o) => o.measured),
              fullOverNormal: meanPairs(r.synchronous.full) / meanPairs(r.synchronous.normal),
            },
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

await mainOrWorker(main, loadWorker);
