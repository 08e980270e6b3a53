/**
 * `npm run bench:commits` (issue 23): how many write transactions one library commits per second on
 * PostgreSQL, against connections, with the access log in one lane (every transaction of the library
 * queues on one chain head: the ceiling this measures, as its floor) and in N lanes; then check-out +
 * check-in pairs per second through the HTTP API at 16 connections, lanes 1 against N; then verify-log's
 * rows per second, full and incremental. Both settings run in the same run, on the same database,
 * alternating, so the machine's noise falls on both; the ratios are what to read.
 *
 * A "write transaction" is the smallest a use case makes: `run` with one access-log entry (a change
 * recorded in the library's chain), so the figure is the chain's own ceiling, not any other row's lock.
 *
 * Options: --seconds (per measured point, 4), --connections (1,4,16,64), --lanes (8), --http-seconds (8),
 * --patrons (2000), --items (4000), --verify-rows (20000). PostgreSQL at CARREL_BENCH_POSTGRES_URL.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { systemClock } from '../src/domain/clock.js';
import { buildServer } from '../src/http/server.js';
import { createLogger } from '../src/log.js';
import { openDatabase, redactUrl, type Database } from '../src/storage/database.js';
import { keyStoreTargetFor, openKeyStore } from '../src/storage/key-store.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { verifyAccessLog } from '../src/usecases/access-log.usecases.js';
import { recordLibraryChange, run, type Runtime } from '../src/usecases/context.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { sealPatron } from '../src/usecases/patron-records.js';
import { createStaff } from '../src/usecases/staff.usecases.js';
import { randomKey } from '../src/vault/cipher.js';
import { Keyring } from '../src/vault/keyring.js';
import { hashSecret } from '../src/vault/secrets.js';
import { Vault } from '../src/vault/vault.js';
import { barcodeOf, createPatronKeys, LIBRARY_ID, logIn, patronOf, patronRow, SYSTEM_CALLER } from './lib/fixture.js';
import { exitOnHelp, numberOption, postgresUrlOption } from './lib/options.js';
import { say } from './lib/output.js';
import { loadAutocannon, loadSettings, mainOrWorker, pairRequests, runInWorker } from './lib/workers.js';

interface Options {
  seconds: number;
  connections: number[];
  lanes: number;
  httpSeconds: number;
  patrons: number;
  items: number;
  verifyRows: number;
  postgresUrl: string;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      connections: { type: 'string' },
      lanes: { type: 'string' },
      'http-seconds': { type: 'string' },
      patrons: { type: 'string' },
      items: { type: 'string' },
      'verify-rows': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  exitOnHelp(values.help, 'npm run bench:commits -- [--seconds 4] [--connections 1,4,16,64] [--lanes 8] [--http-seconds 8] [--patrons 2000] [--items 4000] [--verify-rows 20000]');
  const connections = (values.connections ?? process.env.CARREL_BENCH_CONNECTIONS ?? '1,4,16,64').split(',').map(Number);
  if (connections.some((c) => !Number.isInteger(c) || c < 1 || c > 80)) throw new Error('--connections takes whole numbers from 1 to 80 (PostgreSQL allows 100 connections in all)');
  return {
    seconds: numberOption(values.seconds, 'CARREL_BENCH_SECONDS', 4, 0.5),
    connections,
    lanes: numberOption(values.lanes, 'CARREL_BENCH_LANES', 8, 2),
    httpSeconds: numberOption(values['http-seconds'], 'CARREL_BENCH_HTTP_SECONDS', 8, 1),
    patrons: numberOption(values.patrons, 'CARREL_BENCH_PATRONS', 2000, 10),
    items: numberOption(values.items, 'CARREL_BENCH_ITEMS', 4000, 100),
    verifyRows: numberOption(values['verify-rows'], 'CARREL_BENCH_VERIFY_ROWS', 20_000, 0),
    postgresUrl: postgresUrlOption(),
  };
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** One write transaction of the library: `run` with one access-log entry, as the smallest use case makes. */
const recordChange = async (ctx: Parameters<typeof recordLibraryChange>[0]) => recordLibraryChange(ctx, LIBRARY_ID, 'bench-write');

/** Write transactions per second of one library with `connections` running back to back for `seconds`. */
async function commitsPerSecond(runtime: Runtime, connections: number, seconds: number): Promise<number> {
  let commits = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        await run(runtime, SYSTEM_CALLER, recordChange, undefined);
        commits++;
      }
    }),
  );
  return commits / seconds;
}

// ---------------------------------------------------------------------------------------------------
// HTTP load, in a worker thread (autocannon does not share the server's event loop).

interface LoadJob {
  url: string;
  cookie: string;
  csrfToken: string;
  connections: number;
  seconds: number;
  patrons: number;
  items: number;
  itemsFrom: number;
}

async function loadWorker(job: LoadJob): Promise<{ pairsPerSecond: number; non2xx: number; errors: number; timeouts: number; failure: string | null }> {
  const { autocannon } = await loadAutocannon();
  let failure: string | null = null;
  const requests = pairRequests({
    prefix: '/api/v1',
    itemsFrom: job.itemsFrom,
    items: job.items,
    patronOf: (pair) => pair % job.patrons,
    onAnswer: (_kind, _ctx, status, body) => {
      if (status >= 300 && failure === null) failure = `${status} ${body.slice(0, 200)}`;
    },
  });
  const raw = await autocannon(loadSettings({ url: job.url, cookie: job.cookie, csrfToken: job.csrfToken, connections: job.connections, requests }, job.seconds));
  const result = raw as unknown as { '2xx': number; non2xx: number; errors: number; timeouts: number; duration: number };
  return { pairsPerSecond: result['2xx'] / 2 / result.duration, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, failure };
}

/** Seeds the bench library: patrons (sealed, as the API finds them), items, a desk account. */
async function seed(database: Database, runtime: Runtime, options: Options) {
  const { branches } = await run(runtime, SYSTEM_CALLER, createLibrary, { id: LIBRARY_ID, name: 'Bench Public Library' });
  const branchId = (branches[0] as { id: string }).id;
  const staff = await run(runtime, SYSTEM_CALLER, createStaff, { username: 'bench-desk', libraryId: LIBRARY_ID, roles: ['admin', 'circulation'] });
  const nowDate = runtime.clock.now();
  const now = nowDate.toISOString();
  const pinHash = await hashSecret('0000');
  const patronIds = Array.from({ length: options.patrons }, () => randomUUID());
  for (let from = 0; from < options.patrons; from += 500) {
    const to = Math.min(options.patrons, from + 500);
    await createPatronKeys(runtime.vault, patronIds, from, to, nowDate);
    const rows = [];
    for (let i = from; i < to; i++) rows.push(patronRow(await sealPatron(runtime.vault, patronOf(i, patronIds[i] as string, now)), pinHash, '18-64'));
    await database.db.insertInto('patrons').values(rows).execute();
  }
  for (let from = 0; from < options.items; from += 500) {
    const rows = [];
    for (let i = from; i < Math.min(options.items, from + 500); i++)
      rows.push({ id: randomUUID(), library_id: LIBRARY_ID, branch_id: branchId, barcode: barcodeOf(i), title: `Bench title ${i}`, author: `Author ${i % 997}`, isbn: null, item_type: 'book', status: 'available', replacement_cost_cents: null, damaged: 0, created_at: now });
    await database.db.insertInto('items').values(rows).execute();
  }
  return { username: staff.account.username, password: staff.password };
}

const fmt = (n: number) => n.toLocaleString('en', { maximumFractionDigits: n < 10 ? 2 : 0 });

async function main(): Promise<void> {
  const options = parseOptions();
  const admin = new pg.Client({ connectionString: options.postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    say(`PostgreSQL unreachable at ${redactUrl(options.postgresUrl)} (${error instanceof Error ? error.message : String(error)}); set CARREL_BENCH_POSTGRES_URL`);
    process.exitCode = 1;
    return;
  }
  const name = `carrel_bench_commits_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const target = withDatabase(options.postgresUrl, name);
  const maxConnections = Math.max(...options.connections, 16);
  const database = openDatabase(target, { poolSize: maxConnections });
  const store = await openKeyStore(keyStoreTargetFor(target));
  try {
    await migrateToLatest(database.db);
    const vault = await Vault.open({ keyring: new Keyring([randomKey()], { kind: 'env' }), store, now: systemClock.now() });
    const runtime: Runtime = { db: database.db, clock: systemClock, vault, accessLanes: 1 };
    say(`seeding ${options.patrons} patrons and ${options.items} items in ${redactUrl(target)}…`);
    const account = await seed(database, runtime, options);
    const settings = [1, options.lanes];
    const label = (lanes: number) => (lanes === 1 ? 'lanes=1' : `lanes=${lanes}`);

    // 1. Write transactions of one library per second, against connections: lanes 1 then N at each point.
    say(`\nwrite transactions per second, one library (${options.seconds} s per point; warm-up ${Math.min(2, options.seconds)} s per setting)`);
    for (const lanes of settings) {
      runtime.accessLanes = lanes;
      await commitsPerSecond(runtime, Math.min(16, maxConnections), Math.min(2, options.seconds)); // opens the lanes, warms the pool
    }
    say(`  ${'connections'.padEnd(12)} ${label(1).padStart(12)} ${label(options.lanes).padStart(12)} ${'ratio'.padStart(8)}`);
    const commits: { connections: number; one: number; many: number; ratio: number }[] = [];
    for (const connections of options.connections) {
      const figures: number[] = [];
      for (const lanes of settings) {
        runtime.accessLanes = lanes;
        figures.push(await commitsPerSecond(runtime, connections, options.seconds));
      }
      const [one = 0, many = 0] = figures;
      commits.push({ connections, one, many, ratio: many / one });
      say(`  ${String(connections).padEnd(12)} ${fmt(one).padStart(12)} ${fmt(many).padStart(12)} ${`${(many / one).toFixed(2)}×`.padStart(8)}`);
    }

    // 2. Check-out + check-in pairs per second through the HTTP API, 16 connections, alternating A B B A.
    const server = await buildServer({ runtime, logger: createLogger('silent') });
    const url = await server.listen({ host: '127.0.0.1', port: 0 });
    const session = await logIn(url, account);
    const httpConnections = 16;
    const pairs: Record<number, number[]> = { [settings[0] as number]: [], [settings[1] as number]: [] };
    say(`\ncheck-out + check-in pairs per second through the API, ${httpConnections} connections, warm-up 2 × ${options.httpSeconds / 4} s, then 4 segments of ${options.httpSeconds / 4} s per setting (A B B A …)`);
    // Warm-up, unmeasured: the server's code paths compiled, lanes open, under both settings.
    const schedule = [1, 0, 0, 1, 1, 0, 0, 1, 1, 0];
    let segment = 0;
    for (const [k, which] of schedule.entries()) {
      const lanes = settings[which] as number;
      runtime.accessLanes = lanes;
      const outcome = await runInWorker<LoadJob, Awaited<ReturnType<typeof loadWorker>>>(new URL(import.meta.url), {
        url,
        cookie: session.cookie,
        csrfToken: session.csrfToken,
        connections: httpConnections,
        seconds: options.httpSeconds / 4,
        patrons: options.patrons,
        // Each segment its own items, so none starts on items a cut-off pair left on loan.
        items: Math.floor(options.items / 10),
        itemsFrom: (segment++ % 10) * Math.floor(options.items / 10),
      });
      if (k < 2) continue;
      if (outcome.failure || outcome.errors > 0 || outcome.timeouts > 0)
        say(`  (${label(lanes)}: ${outcome.non2xx} answers not 2xx, ${outcome.errors} errors, ${outcome.timeouts} timeouts; first failure: ${outcome.failure ?? 'none'})`);
      (pairs[lanes] as number[]).push(outcome.pairsPerSecond);
    }
    await server.close();
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const pairsOne = mean(pairs[1] as number[]);
    const pairsMany = mean(pairs[options.lanes] as number[]);
    say(`  ${label(1).padEnd(10)} ${fmt(pairsOne).padStart(8)} pairs/s   (segments ${(pairs[1] as number[]).map(fmt).join(', ')})`);
    say(`  ${label(options.lanes).padEnd(10)} ${fmt(pairsMany).padStart(8)} pairs/s   (segments ${(pairs[options.lanes] as number[]).map(fmt).join(', ')})`);
    say(`  ratio ${(pairsMany / pairsOne).toFixed(2)}× (target ≥ 3× at 16 connections)`);

    // 3. verify-log: rows per second, full, then incremental after a few new rows.
    runtime.accessLanes = options.lanes;
    const existing = Number((await database.db.selectFrom('access_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    if (existing < options.verifyRows) {
      say(`\nadding ${options.verifyRows - existing} access-log rows for verify-log…`);
      let left = options.verifyRows - existing;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (left-- > 0) await run(runtime, SYSTEM_CALLER, recordChange, undefined);
        }),
      );
    }
    const verify = async (incremental: boolean) => {
      const started = performance.now();
      const report = await run(runtime, SYSTEM_CALLER, verifyAccessLog, { incremental }, { snapshot: true });
      const seconds = (performance.now() - started) / 1000;
      if (!report.ok) throw new Error(`verify-log found the log broken: ${JSON.stringify(report.firstBroken)}`);
      return { rows: report.entries, seconds };
    };
    const full = await verify(false);
    await Promise.all(Array.from({ length: 4 }, () => Promise.all(Array.from({ length: 25 }, () => run(runtime, SYSTEM_CALLER, recordChange, undefined)))));
    const incremental = await verify(true);
    say(`\nverify-log`);
    say(`  full         ${fmt(full.rows).padStart(8)} rows in ${full.seconds.toFixed(2)} s: ${fmt(full.rows / full.seconds)} rows/s`);
    say(`  incremental  ${fmt(incremental.rows).padStart(8)} rows in ${incremental.seconds.toFixed(3)} s (only what was appended since the full check)`);

    say(`\nsummary: one library, PostgreSQL, lanes=1 against lanes=${options.lanes}`);
    for (const c of commits) say(`  write transactions/s at ${String(c.connections).padStart(2)} connections: ${fmt(c.one)} → ${fmt(c.many)} (${c.ratio.toFixed(2)}×)`);
    say(`  check-out pairs/s at 16 connections (HTTP): ${fmt(pairsOne)} → ${fmt(pairsMany)} (${(pairsMany / pairsOne).toFixed(2)}×; target ≥ 3×)`);
  } finally {
    await store.close();
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

await mainOrWorker(main, loadWorker);
