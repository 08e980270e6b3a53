/**
 * The scale drill: `npm run bench:scale [-- options]`.
 *
 * For each engine (SQLite always; PostgreSQL when reachable) and each size N it builds one library under
 * a profile that keeps reading history for patrons who opt in (jackson-county-or):
 *   - N patrons, as `registerPatron` stores them: a data key each in the key store, the document and the
 *     card sealed by the vault with the card's blind index, the name and contact search tokens, the
 *     registration statistics and a `register` entry in the access log; every other patron has opted
 *     in to reading history (since before their first loan);
 *   - N/2 items;
 *   - 20·N returned loans of history, all the opted-in patrons' (the profile keeps them), spread over
 *     the two years before now, each with its `checkout` and `checkin` access-log entries and its count
 *     in the circulation statistics;
 *   - N/20 open loans (due in the coming weeks), their items on loan, each with its `checkout` entry.
 * Rows go in by the thousand in large transactions; every access-log entry is linked through
 * `appendChained` (src/usecases/access-chain.ts), the function every writer of the log goes through,
 * so the chain is the one the use cases build and `verify-log` checks it. Then ANALYZE (PostgreSQL:
 * VACUUM ANALYZE) and, on SQLite, a checkpoint.
 *
 * It measures, on each database:
 *   - its size (SQLite: the file and its WAL; PostgreSQL: pg_database_size);
 *   - start: `carrel start` spawned (no scheduler, no demo) until GET /health answers;
 *   - check-out + check-in: 1,000 sequential pairs through that server's HTTP API (one desk session),
 *     each request timed from sent to answered; and the access log's rows written per pair;
 *   - in process, through the use cases the CLI calls: the export of one patron (the one with the most
 *     history), the audit report's facts alone and the whole report (which includes a dry-run retention),
 *     a dry-run retention, and verify-log (entries per second);
 *   - `carrel backup`, then `carrel restore --force` of that file over the same database (spawned): the
 *     installation's own key store and key file, as a restore after a damaged database finds them.
 * Then, per engine, the ratio of each figure at the largest size to the 10k figure (per-request figures:
 * target ≤ 1.5×, nothing grows with the table; the size-bound ones are shown against the growth of the
 * data, where ≤ 1× of linear growth is a linear scan and more is worse). It also prints the access log's
 * rows per check-out pair and per day for a library of each size, taking a day's check-outs as the
 * history's: 20·N loans over 730 days.
 *
 * Extrapolating to the issue's full size (1,000,000 patrons, 20,000,000 loans): figures whose ratio is
 * ~1× (the desk, export, the audit report's facts) stay where they are; figures that grow linearly
 * (database size, verify-log, backup, restore, a dry-run retention, start if it reads anything whole)
 * scale by 1,000,000 / N from the largest size run, e.g. ×5 from 200,000 or ×20 from 50,000 — the
 * printed "at 1M (linear)" column does that arithmetic. It is an extrapolation, not a measurement: page
 * caches stop holding the indexes somewhere between, which only makes the larger sizes slower.
 *
 * Options (environment variable in brackets):
 *   --sizes LIST      patrons per run, comma-separated [CARREL_BENCH_SIZES]          default 10000,50000
 *   --pairs N         sequential check-out + check-in pairs [CARREL_BENCH_PAIRS]     default 1000
 *   --engines LIST    sqlite,postgres [CARREL_BENCH_ENGINES]                         default both
 *   --keep            keep the databases (their paths are printed)
 * PostgreSQL: CARREL_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres; the bench
 * creates carrel_scale_<pid>_<N> there and drops it afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql, type Insertable, type Kysely } from 'kysely';
import pg from 'pg';
import { openRuntime, type OpenedRuntime } from '../src/cli/runtime.js';
import { systemClock } from '../src/domain/clock.js';
import { auditReport } from '../src/jobs/audit-report.job.js';
import { runRetention } from '../src/jobs/retention.job.js';
import { SYSTEM } from '../src/policy/actors.js';
import type { Engine } from '../src/storage/database.js';
import type { AccessEntry } from '../src/storage/access-log.repository.js';
import { addCirculationStats, type StatsRow } from '../src/storage/retention.repository.js';
import { addRegistrationStats } from '../src/storage/statistics.repository.js';
import type { Schema } from '../src/storage/schema.js';
import { appendChained } from '../src/usecases/access-chain.js';
import { verifyAccessLog } from '../src/usecases/access-log.usecases.js';
import { auditFacts } from '../src/usecases/audit-report.usecases.js';
import { run, type Caller, type Runtime } from '../src/usecases/context.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { searchTokens, sealPatron } from '../src/usecases/patron-records.js';
import { exportPatron } from '../src/usecases/patron.usecases.js';
import { createStaff } from '../src/usecases/staff.usecases.js';
import { randomKey } from '../src/vault/cipher.js';
import { writeKeyFile } from '../src/vault/keyring.js';
import { hashSecret } from '../src/vault/secrets.js';
import { barcodeOf, cardOf, createPatronKeys, LIBRARY_ID, logIn, patronOf, patronRow, SYSTEM_CALLER } from './lib/fixture.js';
import { enginesOption, exitOnHelp, numberOption, postgresUrlOption } from './lib/options.js';
import { say, seconds, table } from './lib/output.js';
import { percentile, round } from './lib/stats.js';
import { CSRF_HEADER } from '../src/http/session.js';

const PROFILE_ID = 'jackson-county-or';
const DAY = 86_400_000;
const HISTORY_DAYS = 730;
/** Loans (and their access-log entries) per seeding transaction. */
const LOAN_TRANSACTION = 10_000;
const PATRON_BATCH = 500;
const ROW_BATCH = 500;
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CARREL = join(REPO, 'bin', 'carrel.js');

interface Options {
  sizes: number[];
  pairs: number;
  engines: Engine[];
  keep: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: { sizes: { type: 'string' }, pairs: { type: 'string' }, engines: { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  exitOnHelp(values.help, 'npm run bench:scale -- [--sizes 10000,50000] [--pairs 1000] [--engines sqlite,postgres] [--keep]');
  const sizes = (values.sizes ?? process.env.CARREL_BENCH_SIZES ?? '10000,50000').split(',').map((s) => numberOption(s.trim(), 'CARREL_BENCH_SIZES', 10_000, 100));
  return { sizes, pairs: numberOption(values.pairs, 'CARREL_BENCH_PAIRS', 1000, 1), engines: enginesOption(values.engines), keep: values.keep === true };
}

// ---------------------------------------------------------------------------------------------------
// Where each database lives.

interface Place {
  engine: Engine;
  target: string;
  dir: string;
  keyFile: string;
  size(): Promise<number>;
  drop(): Promise<void>;
}

async function place(engine: Engine, size: number): Promise<Place> {
  const dir = mkdtempSync(join(tmpdir(), `carrel-scale-${size}-`));
  const keyFile = join(dir, 'carrel.key');
  writeKeyFile(keyFile, [randomKey()]);
  if (engine === 'sqlite') {
    const target = join(dir, 'carrel.db');
    return {
      engine,
      target,
      dir,
      keyFile,
      size: async () => [target, `${target}-wal`].reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const admin = postgresUrlOption();
  const name = `carrel_scale_${process.pid}_${size}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const urlOf = (db: string) => {
    const url = new URL(admin);
    url.pathname = `/${db}`;
    return url.toString();
  };
  return {
    engine,
    target: urlOf(name),
    dir,
    keyFile,
    size: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      const { rows } = await c.query<{ n: string }>('select pg_database_size($1) as n', [name]);
      await c.end();
      return Number(rows[0]?.n ?? 0);
    },
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Seeding.

interface Seeded {
  seconds: number;
  patrons: number;
  items: number;
  historyLoans: number;
  openLoans: number;
  accessEntries: number;
  username: string;
  password: string;
  /** The opted-in patron with the most history (its index). */
  exportPatron: number;
  /** The first item index the desk pairs may use (the ones before are on loan). */
  freeItemsFrom: number;
}

async function inTransactions(db: Kysely<Schema>, count: number, perTransaction: number, body: (trx: Kysely<Schema>, from: number, to: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += perTransaction) {
    const end = Math.min(count, start + perTransaction);
    await db.transaction().execute((trx) => body(trx, start, end));
  }
}

function entry(at: string, patronId: string, action: string, actor: { id: string }, purpose: string, categories: string[]): AccessEntry {
  return { at, libraryId: LIBRARY_ID, actorKind: 'staff', actorId: actor.id, actorRole: 'circulation', actorLibraryId: LIBRARY_ID, patronId, action, categories, purpose, channel: 'http' };
}

async function seed(runtime: Runtime, engine: Engine, size: number): Promise<Seeded> {
  const started = performance.now();
  const db = runtime.db as Kysely<Schema>;
  const { branches } = await run(runtime, SYSTEM_CALLER, createLibrary, { id: LIBRARY_ID, name: 'Scale Public Library', profileId: PROFILE_ID });
  const branchId = (branches[0] as { id: string }).id;
  const staff = await run(runtime, SYSTEM_CALLER, createStaff, { username: 'scale-desk', libraryId: LIBRARY_ID, roles: ['admin', 'circulation'] });
  const desk = { id: staff.account.id };
  const nowMs = runtime.clock.now().getTime();
  const registeredMs = nowMs - (HISTORY_DAYS + 30) * DAY;
  const registered = new Date(registeredMs).toISOString();
  const today = registered.slice(0, 10);
  const pinHash = await hashSecret('0000'); // one argon2id hash for every patron: hashing each PIN would take hours
  const patronIds = Array.from({ length: size }, () => randomUUID());
  if (engine === 'sqlite') await sql`pragma cache_size = -1000000`.execute(db);

  // Patrons, as registerPatron stores them; every other one opted in to reading history.
  let t = performance.now();
  await inTransactions(db, size, PATRON_BATCH, async (trx, from, to) => {
    await createPatronKeys(runtime.vault, patronIds, from, to, new Date(registeredMs));
    const rows: Insertable<Schema['patrons']>[] = [];
    const tokens: Insertable<Schema['patron_search']>[] = [];
    const entries: AccessEntry[] = [];
    for (let i = from; i < to; i++) {
      const patron = { ...patronOf(i, patronIds[i] as string, registered), expiresAt: new Date(nowMs + 365 * DAY).toISOString() };
      rows.push({ ...patronRow(await sealPatron(runtime.vault, patron), pinHash, '18-64'), reading_history_since: i % 2 === 0 ? registered : null });
      for (const token of new Map(searchTokens(runtime.vault, patron.personal).map((k) => [`${k.kind}:${k.hash}`, k])).values())
        tokens.push({ patron_id: patron.id, library_id: LIBRARY_ID, kind: token.kind, token_hash: token.hash });
      entries.push(entry(registered, patron.id, 'register', desk, 'circulation', ['registration']));
    }
    await trx.insertInto('patrons').values(rows).execute();
    for (let k = 0; k < tokens.length; k += ROW_BATCH) await trx.insertInto('patron_search').values(tokens.slice(k, k + ROW_BATCH)).execute();
    await addRegistrationStats(trx, { libraryId: LIBRARY_ID, day: today, branchId: '-', patronCategory: 'adult', ageBand: '18-64', registrations: to - from });
    await appendChained(trx, runtime.vault, entries);
  });
  say(`[${engine} ${size}]   ${size.toLocaleString('en')} patrons sealed, indexed and logged in ${seconds(t)} s`);

  // Items: the first N/20 go out on the open loans.
  const items = Math.floor(size / 2);
  const itemIds = Array.from({ length: items }, () => randomUUID());
  t = performance.now();
  await inTransactions(db, items, 20 * ROW_BATCH, async (trx, from, to) => {
    for (let b = from; b < to; b += ROW_BATCH) {
      const rows: Insertable<Schema['items']>[] = [];
      for (let i = b; i < Math.min(to, b + ROW_BATCH); i++)
        rows.push({
          id: itemIds[i] as string,
          library_id: LIBRARY_ID,
          branch_id: branchId,
          barcode: barcodeOf(i),
          title: `Scale title ${i}`,
          author: `Author ${i % 997}`,
          isbn: null,
          item_type: 'book',
          status: 'available',
          replacement_cost_cents: null,
          damaged: 0,
          created_at: registered,
        });
      await trx.insertInto('items').values(rows).execute();
    }
  });

  // History: 20·N returned loans of the opted-in patrons, in time order over two years, each with its
  // check-out and check-in entries (chained in that order) and its count in the statistics.
  const history = 20 * size;
  const optedIn = Math.ceil(size / 2);
  const step = (HISTORY_DAYS * DAY) / history;
  const historyStart = nowMs - HISTORY_DAYS * DAY - 21 * DAY;
  t = performance.now();
  await inTransactions(db, history, LOAN_TRANSACTION, async (trx, from, to) => {
    const entries: AccessEntry[] = [];
    const stats = new Map<string, StatsRow>();
    for (let b = from; b < to; b += ROW_BATCH) {
      const rows: Insertable<Schema['loans']>[] = [];
      for (let k = b; k < Math.min(to, b + ROW_BATCH); k++) {
        // Patron 2·j (opted in), j spread so each has about forty loans; any item.
        const patronId = patronIds[2 * ((k * 7919) % optedIn)] as string;
        const outMs = historyStart + Math.floor(k * step);
        const out = new Date(outMs).toISOString();
        const back = new Date(outMs + (7 + (k % 14)) * DAY).toISOString();
        rows.push({
          id: randomUUID(),
          library_id: LIBRARY_ID,
          patron_id: patronId,
          item_id: itemIds[(k * 104729) % items] as string,
          branch_id: branchId,
          checked_out_at: out,
          due_at: new Date(outMs + 21 * DAY).toISOString(),
          renewals: 0,
          status: 'returned',
          ended_at: back,
        });
        entries.push(entry(out, patronId, 'checkout', desk, 'circulation', ['circulation']), entry(back, patronId, 'checkin', desk, 'circulation', ['circulation']));
        const day = out.slice(0, 10);
        const cell = stats.get(day) ?? { libraryId: LIBRARY_ID, day, branchId, itemType: 'book', patronCategory: 'adult', ageBand: '18-64', loans: 0 };
        cell.loans++;
        stats.set(day, cell);
      }
      await trx.insertInto('loans').values(rows).execute();
    }
    await addCirculationStats(trx, [...stats.values()]);
    // A check-in comes after its check-out in the chain; entries in the order they would have happened.
    entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    await appendChained(trx, runtime.vault, entries);
    if ((to / LOAN_TRANSACTION) % 20 === 0 || to === history) say(`[${engine} ${size}]   history loans ${to.toLocaleString('en')} / ${history.toLocaleString('en')} (${seconds(t)} s)`);
  });

  // Open loans: N/20 items out to patrons, due in the coming weeks.
  const open = Math.floor(size / 20);
  await inTransactions(db, open, LOAN_TRANSACTION, async (trx, from, to) => {
    const entries: AccessEntry[] = [];
    for (let b = from; b < to; b += ROW_BATCH) {
      const rows: Insertable<Schema['loans']>[] = [];
      for (let i = b; i < Math.min(to, b + ROW_BATCH); i++) {
        const patronId = patronIds[(i * 31) % size] as string;
        const outMs = nowMs - (i % 20) * DAY - DAY;
        const out = new Date(outMs).toISOString();
        rows.push({ id: randomUUID(), library_id: LIBRARY_ID, patron_id: patronId, item_id: itemIds[i] as string, branch_id: branchId, checked_out_at: out, due_at: new Date(outMs + 21 * DAY).toISOString(), renewals: 0, status: 'active', ended_at: null });
        entries.push(entry(out, patronId, 'checkout', desk, 'circulation', ['circulation']));
      }
      await trx.insertInto('loans').values(rows).execute();
      await trx.updateTable('items').set({ status: 'on-loan' }).where('id', 'in', rows.map((r) => r.item_id)).execute();
    }
    entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    await appendChained(trx, runtime.vault, entries);
  });
  say(`[${engine} ${size}]   ${history.toLocaleString('en')} history loans and ${open.toLocaleString('en')} open loans in ${seconds(t)} s; ANALYZE…`);
  if (engine === 'postgres') await sql`vacuum analyze`.execute(db);
  else {
    await sql`analyze`.execute(db);
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  }
  const accessEntries = Number((await sql<{ n: number }>`select count(*) as n from access_log`.execute(db)).rows[0]?.n ?? 0);
  return {
    seconds: seconds(started),
    patrons: size,
    items,
    historyLoans: history,
    openLoans: open,
    accessEntries,
    username: staff.account.username,
    password: staff.password,
    exportPatron: 0,
    freeItemsFrom: open,
  };
}

// ---------------------------------------------------------------------------------------------------
// Measuring.

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolvePort(port));
    });
  });
}

function carrelEnv(p: Place): NodeJS.ProcessEnv {
  return { ...process.env, CARREL_KEY_FILE: p.keyFile, CARREL_DATA_DIR: p.dir, CARREL_LOG_LEVEL: 'error', CARREL_SCHEDULER: 'off' };
}

/** Runs the carrel command to its end; its wall time in seconds. */
async function carrel(p: Place, args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [CARREL, ...args], { env: carrelEnv(p), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  if (code !== 0) throw new Error(`carrel ${args[0]} exited ${code}: ${stderr.slice(0, 400)}`);
  return (performance.now() - started) / 1000;
}

async function startServer(p: Place): Promise<{ child: ChildProcess; baseUrl: string; startSeconds: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [CARREL, '--db', p.target, 'start', '--port', String(port), '--host', '127.0.0.1', '--no-demo', '--no-scheduler'], {
    env: carrelEnv(p),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`carrel start exited ${child.exitCode}: ${stderr.slice(0, 400)}`);
    try {
      const answer = await fetch(`${baseUrl}/health`);
      if (answer.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, baseUrl, startSeconds: (performance.now() - started) / 1000 };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.on('exit', done));
  child.kill('SIGTERM');
  await exited;
}

interface DeskFigures {
  checkoutP50: number;
  checkoutP99: number;
  checkinP50: number;
  checkinP99: number;
  pairP50: number;
  pairP99: number;
  failures: number;
}

async function desk(baseUrl: string, seeded: Seeded, pairs: number): Promise<DeskFigures> {
  const session = await logIn(baseUrl, { username: seeded.username, password: seeded.password });
  const headers = { cookie: session.cookie, [CSRF_HEADER]: session.csrfToken, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown): Promise<{ ms: number; status: number }> => {
    const started = performance.now();
    const answer = await fetch(`${baseUrl}/api/v1${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    await answer.arrayBuffer();
    return { ms: performance.now() - started, status: answer.status };
  };
  const out: number[] = [];
  const back: number[] = [];
  let failures = 0;
  const freeItems = seeded.items - seeded.freeItemsFrom;
  for (let k = 0; k < pairs; k++) {
    // Patrons spread over the whole table; odd ones have no history, even ones forty loans of it.
    const patron = (k * 2_654_435_761) % seeded.patrons;
    const item = seeded.freeItemsFrom + ((k * 7) % freeItems);
    const a = await post('/checkouts', { cardNumber: cardOf(patron), itemBarcode: barcodeOf(item) });
    const b = await post('/checkins', { itemBarcode: barcodeOf(item) });
    if (a.status >= 300 || b.status >= 300) failures++;
    out.push(a.ms);
    back.push(b.ms);
  }
  const pair = out.map((ms, i) => ms + (back[i] as number));
  return {
    checkoutP50: round(percentile(out, 50), 2),
    checkoutP99: round(percentile(out, 99), 2),
    checkinP50: round(percentile(back, 50), 2),
    checkinP99: round(percentile(back, 99), 2),
    pairP50: round(percentile(pair, 50), 2),
    pairP99: round(percentile(pair, 99), 2),
    failures,
  };
}

const timed = async <T>(body: () => Promise<T>): Promise<{ seconds: number; value: T }> => {
  const started = performance.now();
  const value = await body();
  return { seconds: (performance.now() - started) / 1000, value };
};

interface Measured {
  engine: Engine;
  size: number;
  seeded: Seeded;
  bytes: number;
  startSeconds: number;
  desk: DeskFigures;
  accessRowsPerPair: number;
  exportSeconds: number;
  auditFactsSeconds: number;
  auditReportSeconds: number;
  retentionDryRunSeconds: number;
  verifySeconds: number;
  verifyEntries: number;
  verifyOk: boolean;
  backupSeconds: number;
  backupBytes: number;
  restoreSeconds: number;
}

const OPERATOR: Caller = { actor: SYSTEM, purpose: 'administration', channel: 'cli' };

async function measure(engine: Engine, size: number, opts: Options): Promise<Measured> {
  const p = await place(engine, size);
  try {
    say(`[${engine} ${size}] seeding ${size.toLocaleString('en')} patrons, ${(size / 2).toLocaleString('en')} items, ${(20 * size).toLocaleString('en')} history loans…`);
    let opened: OpenedRuntime = await openRuntime(p.target, systemClock, { create: true, keyFile: p.keyFile });
    const seeded = await seed(opened.runtime, engine, size);
    await opened.close();
    const bytes = await p.size();
    say(`[${engine} ${size}] seeded in ${seeded.seconds} s, ${(bytes / 1e6).toFixed(0)} MB, ${seeded.accessEntries.toLocaleString('en')} access-log entries`);

    const server = await startServer(p);
    say(`[${engine} ${size}] carrel start answered in ${server.startSeconds.toFixed(2)} s; ${opts.pairs} check-out + check-in pairs…`);
    opened = await openRuntime(p.target, systemClock, { create: false, keyFile: p.keyFile });
    const countLog = async () => Number((await sql<{ n: number }>`select count(*) as n from access_log`.execute(opened.runtime.db)).rows[0]?.n ?? 0);
    const before = await countLog();
    let deskFigures: DeskFigures;
    try {
      deskFigures = await desk(server.baseUrl, seeded, opts.pairs);
    } finally {
      await stopServer(server.child);
    }
    const accessRowsPerPair = (await countLog()) - before;

    const runtime = opened.runtime;
    const library = { libraryId: LIBRARY_ID };
    const exported = await timed(() => run(runtime, { actor: SYSTEM, purpose: 'account-service', channel: 'cli' }, exportPatron, { cardNumber: cardOf(seeded.exportPatron) }));
    say(`[${engine} ${size}] export ${exported.seconds.toFixed(2)} s; audit report…`);
    const facts = await timed(() => run(runtime, OPERATOR, auditFacts, library, { snapshot: true }));
    const report = await timed(() => auditReport(runtime, OPERATOR, library));
    say(`[${engine} ${size}] audit facts ${facts.seconds.toFixed(2)} s, report ${report.seconds.toFixed(2)} s; dry-run retention…`);
    const dry = await timed(() => runRetention(runtime, { libraryId: LIBRARY_ID, dryRun: true }));
    say(`[${engine} ${size}] dry run ${dry.seconds.toFixed(2)} s; verify-log…`);
    const verify = await timed(() => run(runtime, OPERATOR, verifyAccessLog, {}, { snapshot: true }));
    await opened.close();
    say(`[${engine} ${size}] verify-log ${verify.seconds.toFixed(2)} s (${verify.value.entries.toLocaleString('en')} entries, ok ${verify.value.ok}); backup…`);

    const backupFile = join(p.dir, 'scale.backup');
    const backupSeconds = await carrel(p, ['--db', p.target, 'backup', '--out', backupFile]);
    const backupBytes = statSync(backupFile).size;
    say(`[${engine} ${size}] backup ${backupSeconds.toFixed(1)} s (${(backupBytes / 1e6).toFixed(0)} MB); restore…`);
    const restoreSeconds = await carrel(p, ['--db', p.target, 'restore', backupFile, '--force']);
    say(`[${engine} ${size}] restore ${restoreSeconds.toFixed(1)} s`);
    return {
      engine,
      size,
      seeded,
      bytes,
      startSeconds: server.startSeconds,
      desk: deskFigures,
      accessRowsPerPair: accessRowsPerPair / opts.pairs,
      exportSeconds: exported.seconds,
      auditFactsSeconds: facts.seconds,
      auditReportSeconds: report.seconds,
      retentionDryRunSeconds: dry.seconds,
      verifySeconds: verify.seconds,
      verifyEntries: verify.value.entries,
      verifyOk: verify.value.ok,
      backupSeconds,
      backupBytes,
      restoreSeconds,
    };
  } finally {
    if (opts.keep) say(`[${engine} ${size}] kept: ${p.engine === 'sqlite' ? p.target : p.target.replace(/\/\/[^@]*@/, '//')}`);
    else await p.drop();
  }
}

// ---------------------------------------------------------------------------------------------------
// The report.

interface Figure {
  name: string;
  value: (m: Measured) => number;
  unit: string;
  /** Per request: should not grow with the tables (target ≤ 1.5×). Otherwise it grows with the data. */
  perRequest: boolean;
}

const FIGURES: Figure[] = [
  { name: 'database size', value: (m) => m.bytes / 1e6, unit: 'MB', perRequest: false },
  { name: 'start (to first answer)', value: (m) => m.startSeconds, unit: 's', perRequest: true },
  { name: 'check-out p50', value: (m) => m.desk.checkoutP50, unit: 'ms', perRequest: true },
  { name: 'check-out p99', value: (m) => m.desk.checkoutP99, unit: 'ms', perRequest: true },
  { name: 'check-in p50', value: (m) => m.desk.checkinP50, unit: 'ms', perRequest: true },
  { name: 'check-in p99', value: (m) => m.desk.checkinP99, unit: 'ms', perRequest: true },
  { name: 'export one patron', value: (m) => m.exportSeconds * 1000, unit: 'ms', perRequest: true },
  { name: 'audit report, facts', value: (m) => m.auditFactsSeconds, unit: 's', perRequest: true },
  { name: 'audit report, whole', value: (m) => m.auditReportSeconds, unit: 's', perRequest: false },
  { name: 'retention dry run', value: (m) => m.retentionDryRunSeconds, unit: 's', perRequest: false },
  { name: 'verify-log', value: (m) => m.verifySeconds, unit: 's', perRequest: false },
  { name: 'verify-log rate', value: (m) => m.verifyEntries / m.verifySeconds, unit: 'rows/s', perRequest: true },
  { name: 'backup', value: (m) => m.backupSeconds, unit: 's', perRequest: false },
  { name: 'restore', value: (m) => m.restoreSeconds, unit: 's', perRequest: false },
];

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n >= 10 ? n.toFixed(1) : n.toFixed(2));

function report(results: Measured[]): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  for (const engine of [...new Set(results.map((r) => r.engine))]) {
    const runs = results.filter((r) => r.engine === engine).sort((a, b) => a.size - b.size);
    const small = runs[0] as Measured;
    const large = runs[runs.length - 1] as Measured;
    const growth = large.size / small.size;
    out();
    out(`${engine}: ${runs.map((r) => `${r.size.toLocaleString('en')} patrons / ${r.seeded.historyLoans.toLocaleString('en')} loans / ${r.seeded.accessEntries.toLocaleString('en')} log rows (seeded in ${r.seeded.seconds} s)`).join('; ')}`);
    const header = ['figure', ...runs.map((r) => `${(r.size / 1000).toLocaleString('en')}k`), `large/small`, 'target', `at 1M (linear)`];
    const rows = FIGURES.map((f) => {
      const ratio = f.value(large) / f.value(small);
      const perUnit = f.name === 'verify-log rate' ? 1 / ratio : ratio;
      // Size-bound figures against the data's growth: 1.00 is linear; past 1.2 it is called worse than linear.
      const verdict = f.perRequest ? (perUnit <= 1.5 ? '≤1.5 ok' : 'GROWS') : `${(perUnit / growth).toFixed(2)}× linear${perUnit > growth * 1.2 ? ' WORSE' : ''}`;
      const at1m = f.perRequest ? fmt(f.value(large)) : fmt((f.value(large) * 1_000_000) / large.size);
      return [`${f.name} (${f.unit})`, ...runs.map((r) => fmt(f.value(r))), `${ratio.toFixed(2)}×`, verdict, at1m];
    });
    table(out, header, [28, ...runs.map(() => 9), 11, 14, 14], rows);
    out(`desk failures: ${runs.map((r) => r.desk.failures).join(', ')}; verify-log ok: ${runs.map((r) => r.verifyOk).join(', ')}`);
    for (const r of runs) {
      // A day's check-outs, taken from the history: 20·N loans over 730 days; each writes its pair's rows.
      const perDay = ((20 * r.size) / HISTORY_DAYS) * r.accessRowsPerPair;
      out(
        `access log at ${r.size.toLocaleString('en')} patrons: ${r.accessRowsPerPair.toFixed(2)} rows per check-out + check-in pair; ` +
          `≈ ${Math.round((20 * r.size) / HISTORY_DAYS).toLocaleString('en')} check-outs a day → ≈ ${Math.round(perDay).toLocaleString('en')} rows a day from the desk (${Math.round(perDay * 365).toLocaleString('en')} a year)`,
      );
    }
    const scans = FIGURES.filter((f) => f.perRequest && f.name !== 'verify-log rate' && f.value(large) / f.value(small) > 1.5).map((f) => f.name);
    const superlinear = FIGURES.filter((f) => !f.perRequest && f.value(large) / f.value(small) > growth * 1.2).map((f) => f.name);
    out(`grows with the tables (per request > 1.5×): ${scans.length > 0 ? scans.join(', ') : 'none'}; worse than linear: ${superlinear.length > 0 ? superlinear.join(', ') : 'none'}`);
  }
}

async function main(): Promise<void> {
  const opts = options();
  const results: Measured[] = [];
  for (const engine of opts.engines) {
    if (engine === 'postgres') {
      const probe = new pg.Client({ connectionString: postgresUrlOption() });
      const reachable = await probe.connect().then(
        () => true,
        () => false,
      );
      await probe.end().catch(() => undefined);
      if (!reachable) {
        say('[postgres] not reachable: skipped');
        continue;
      }
    }
    for (const size of opts.sizes) {
      const measured = await measure(engine, size, opts);
      // Each size's figures as soon as they are measured, should a larger size not finish.
      say(`[${engine} ${size}] figures: ${JSON.stringify({ ...measured, seeded: { ...measured.seeded, password: undefined } })}`);
      results.push(measured);
    }
    report(results.filter((r) => r.engine === engine));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
