/**
 * SIP2 throughput beside the HTTP API: `npm run bench:sip2 [-- options]`.
 *
 * For each engine (SQLite always; PostgreSQL when reachable) it seeds one library (patrons sealed by the
 * vault as `registerPatron` stores them, one PIN for all; items) with a desk account and one self-check
 * SIP2 account, starts the HTTP API (`buildServer`) and the SIP2 server (`startSip2Server`) on the same
 * runtime, and drives check-out + check-in pairs through each:
 *   1. SIP2: N kiosk connections (default 20), each logged in (93) with its patron's PIN verified once
 *      (63), then 11 check-out / 09 check-in on the connection's patron session, one request at a time
 *      per connection, each kiosk over items of its own;
 *   2. HTTP: the same pairs through the API with a staff session (cookie and X-CSRF-Token), autocannon
 *      with N connections, on items of its own.
 * Both servers are up at once and the measured time alternates between them in short segments
 * (A B B A …), so the machine's drift falls on both; each gets --duration seconds in all. The load runs
 * in a worker thread (this same file), so the load generator and the servers do not share one event loop.
 * It prints both rates and SIP2 / HTTP (target ≥ 1.0: a SIP2 pair does less than the API's: no session
 * cookie, no CSRF, no JSON schema); a benchmark reports, it never asserts.
 *
 * Options (environment variable in brackets):
 *   --duration S      measured seconds per transport [CARREL_BENCH_DURATION]          default 10
 *   --warmup S        unmeasured seconds per transport first [CARREL_BENCH_WARMUP]    default 2
 *   --segment S       seconds per segment of the alternation [CARREL_BENCH_SEGMENT]   default 2
 *   --connections N   kiosk connections, and autocannon connections [CARREL_BENCH_CONNECTIONS]  default 20
 *   --items N         items per transport [CARREL_BENCH_ITEMS]                          default 2000
 *   --engines LIST    sqlite,postgres [CARREL_BENCH_ENGINES]                           default both
 *   --json            print one JSON document on stdout (progress goes to stderr)
 * PostgreSQL: CARREL_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres; the
 * bench creates carrel_bench_sip2_<pid> there and drops it afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { systemClock } from '../src/domain/clock.js';
import { buildServer } from '../src/http/server.js';
import { createLogger } from '../src/log.js';
import { startSip2Server } from '../src/sip2/server.js';
import { openDatabase, redactUrl, type Engine } from '../src/storage/database.js';
import { keyStoreTargetFor, openKeyStore, type KeyStore } from '../src/storage/key-store.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import type { Schema } from '../src/storage/schema.js';
import { run, type Runtime } from '../src/usecases/context.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { sealPatron } from '../src/usecases/patron-records.js';
import { createSip2Account } from '../src/usecases/sip2-account.usecases.js';
import { createStaff } from '../src/usecases/staff.usecases.js';
import { randomKey } from '../src/vault/cipher.js';
import { Keyring } from '../src/vault/keyring.js';
import { hashSecret } from '../src/vault/secrets.js';
import { Vault } from '../src/vault/vault.js';
import { barcodeOf, cardOf, createPatronKeys, LIBRARY_ID, logIn, patronOf, patronRow, SYSTEM_CALLER } from './lib/fixture.js';
import { enginesOption, exitOnHelp, numberOption, postgresUrlOption } from './lib/options.js';
import { gc, say, seconds, table } from './lib/output.js';
import { fieldOf, kioskMessages, parseResponse, Sip2Connection } from './lib/sip2-client.js';
import { percentile } from './lib/stats.js';
import { loadAutocannon, loadSettings, mainOrWorker, pairRequests, runInWorker } from './lib/workers.js';

// ---------------------------------------------------------------------------------------------------
// Shared by both threads.

const PIN = '0000';

interface LoadJob {
  sip2: { port: number; loginId: string; password: string };
  http: { baseUrl: string; cookie: string; csrfToken: string };
  /** The measured segments, in order: 0 SIP2, 1 HTTP. */
  schedule: number[];
  segmentSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** Items per transport: SIP2 takes [0, items), HTTP [items, 2 × items). */
  items: number;
}

interface Summary {
  seconds: number;
  pairs: number;
  pairsPerSecond: number;
  /** Answers that were not ok (SIP2 ok=0, HTTP non-2xx), and socket errors. */
  failures: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** The first few failures, to say why. */
  examples: string[];
}

interface LoadOutcome {
  sip2: Summary;
  http: Summary;
  /** Pairs per second of each measured segment, by transport. */
  segments: { sip2: number[]; http: number[] };
}

// ---------------------------------------------------------------------------------------------------
// The worker thread: kiosks and autocannon.

async function loadWorker(job: LoadJob): Promise<LoadOutcome> {
  const { autocannon, aggregateResult } = await loadAutocannon();
  const perKiosk = Math.floor(job.items / job.connections);

  // The kiosks: logged in and their patron's PIN verified once, before anything is measured. They log
  // in one after another: logins in flight from one address count against its failed-login throttle
  // until they succeed (5 at once), and every kiosk here connects from 127.0.0.1.
  const connections: Sip2Connection[] = [];
  for (let k = 0; k < job.connections; k++) {
    const connection = await Sip2Connection.connect(job.sip2.port);
    const login = await connection.request(kioskMessages.login(job.sip2.loginId, job.sip2.password));
    if (login !== '941') throw new Error(`kiosk ${k}: the login was answered ${login}`);
    connections.push(connection);
  }
  const kiosks = await Promise.all(
    connections.map(async (connection, k) => {
      const patron = parseResponse(await connection.request(kioskMessages.patronInformation(cardOf(k), PIN)));
      if (fieldOf(patron, 'BL') !== 'Y' || fieldOf(patron, 'CQ') !== 'Y') throw new Error(`kiosk ${k}: the patron was not accepted`);
      return { connection, card: cardOf(k), next: 0 };
    }),
  );
  const sip2Segment = async (secs: number) => {
    const until = performance.now() + secs * 1000;
    const latencies: number[] = [];
    const examples: string[] = [];
    let pairs = 0;
    let failures = 0;
    const started = performance.now();
    await Promise.all(
      kiosks.map(async (kiosk, k) => {
        while (performance.now() < until) {
          const barcode = barcodeOf(k * perKiosk + (kiosk.next++ % perKiosk));
          let at = performance.now();
          const out = parseResponse(await kiosk.connection.request(kioskMessages.checkout(kiosk.card, barcode)));
          latencies.push(performance.now() - at);
          if (out.fixed[0] !== '1') {
            failures++;
            if (examples.length < 5) examples.push(`11 → ${fieldOf(out, 'AF') ?? out.code}`);
            continue;
          }
          at = performance.now();
          const back = parseResponse(await kiosk.connection.request(kioskMessages.checkin(barcode)));
          latencies.push(performance.now() - at);
          if (back.fixed[0] !== '1') {
            failures++;
            if (examples.length < 5) examples.push(`09 → ${fieldOf(back, 'AF') ?? back.code}`);
            continue;
          }
          pairs++;
        }
      }),
    );
    return { seconds: (performance.now() - started) / 1000, pairs, failures, latencies, examples };
  };

  const httpExamples: string[] = [];
  const requests = pairRequests({
    prefix: '/api/v1',
    itemsFrom: job.items,
    items: job.items,
    patronOf: (pair) => job.connections + (pair % job.connections),
    onAnswer: (kind, _ctx, status, body) => {
      if (status >= 300 && httpExamples.length < 5) httpExamples.push(`${kind} → ${status}: ${body.slice(0, 200)}`);
    },
  });
  const httpSegment = async (secs: number) => {
    const raw = await autocannon(loadSettings({ url: job.http.baseUrl, cookie: job.http.cookie, csrfToken: job.http.csrfToken, connections: job.connections, requests }, secs));
    return raw;
  };

  // Warm-up, in turns, unmeasured.
  if (job.warmupSeconds > 0) {
    await sip2Segment(job.warmupSeconds);
    await httpSegment(job.warmupSeconds);
  }
  httpExamples.length = 0;
  const sip2Runs: Awaited<ReturnType<typeof sip2Segment>>[] = [];
  const httpRaws: Awaited<ReturnType<typeof httpSegment>>[] = [];
  const segments = { sip2: [] as number[], http: [] as number[] };
  for (const target of job.schedule) {
    if (target === 0) {
      const r = await sip2Segment(job.segmentSeconds);
      sip2Runs.push(r);
      segments.sip2.push(r.pairs / r.seconds);
    } else {
      const raw = await httpSegment(job.segmentSeconds);
      httpRaws.push(raw);
      segments.http.push(raw['2xx'] / 2 / raw.duration);
    }
  }
  for (const kiosk of kiosks) kiosk.connection.end();

  const sip2Seconds = sip2Runs.reduce((s, r) => s + r.seconds, 0);
  const sip2Pairs = sip2Runs.reduce((s, r) => s + r.pairs, 0);
  const sip2Latencies = sip2Runs.flatMap((r) => r.latencies);
  const http = aggregateResult(httpRaws, loadSettings({ url: job.http.baseUrl, cookie: job.http.cookie, csrfToken: job.http.csrfToken, connections: job.connections, requests }, job.segmentSeconds), {});
  const httpSeconds = httpRaws.reduce((s, r) => s + r.duration, 0);
  return {
    sip2: {
      seconds: Math.round(sip2Seconds * 100) / 100,
      pairs: sip2Pairs,
      pairsPerSecond: sip2Pairs / sip2Seconds,
      failures: sip2Runs.reduce((s, r) => s + r.failures, 0),
      latencyP50Ms: Math.round(percentile(sip2Latencies, 50) * 10) / 10,
      latencyP99Ms: Math.round(percentile(sip2Latencies, 99) * 10) / 10,
      examples: sip2Runs.flatMap((r) => r.examples).slice(0, 5),
    },
    http: {
      seconds: Math.round(httpSeconds * 100) / 100,
      pairs: Math.floor(http['2xx'] / 2),
      pairsPerSecond: http['2xx'] / 2 / httpSeconds,
      failures: http.non2xx + http.errors,
      latencyP50Ms: http.latency.p50,
      latencyP99Ms: http.latency.p99,
      examples: httpExamples,
    },
    segments,
  };
}

// ---------------------------------------------------------------------------------------------------
// Options.

interface Options {
  durationSeconds: number;
  warmupSeconds: number;
  segmentSeconds: number;
  connections: number;
  items: number;
  engines: Engine[];
  json: boolean;
  postgresUrl: string;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      segment: { type: 'string' },
      connections: { type: 'string' },
      items: { type: 'string' },
      engines: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  exitOnHelp(values.help, 'npm run bench:sip2 -- [--duration S] [--warmup S] [--segment S] [--connections N] [--items N] [--engines sqlite,postgres] [--json]');
  const options: Options = {
    durationSeconds: numberOption(values.duration, 'CARREL_BENCH_DURATION', 10, 1),
    warmupSeconds: numberOption(values.warmup, 'CARREL_BENCH_WARMUP', 2, 0),
    segmentSeconds: Math.floor(numberOption(values.segment, 'CARREL_BENCH_SEGMENT', 2, 1)),
    connections: Math.floor(numberOption(values.connections, 'CARREL_BENCH_CONNECTIONS', 20, 1)),
    items: Math.floor(numberOption(values.items, 'CARREL_BENCH_ITEMS', 2000, 1)),
    engines: enginesOption(values.engines),
    json: values.json ?? false,
    postgresUrl: postgresUrlOption(),
  };
  if (options.items < options.connections * 4) throw new Error(`--items must be at least 4 × --connections (${options.connections * 4})`);
  return options;
}

// ---------------------------------------------------------------------------------------------------
// The fixture.

interface Fixture {
  desk: { username: string; password: string };
  sip2: { loginId: string; password: string };
  seedSeconds: number;
}

/**
 * One library, its desk account and a self-check account; 2 × connections patrons (the kiosks' and the
 * API's, sealed by the vault, one PIN for all) and 2 × items items (SIP2's, then the API's).
 */
async function seed(db: Kysely<Schema>, runtime: Runtime, options: Options): Promise<Fixture> {
  const started = performance.now();
  const { branches } = await run(runtime, SYSTEM_CALLER, createLibrary, { id: LIBRARY_ID, name: 'Bench Public Library' });
  const branchId = (branches[0] as { id: string }).id;
  const staff = await run(runtime, SYSTEM_CALLER, createStaff, { username: 'bench-desk', libraryId: LIBRARY_ID, roles: ['admin', 'circulation'] });
  const kiosk = await run(runtime, SYSTEM_CALLER, createSip2Account, { libraryId: LIBRARY_ID, name: 'Bench kiosk', kind: 'self-check', branch: branchId });
  const now = runtime.clock.now();
  const pinHash = await hashSecret(PIN);
  const patrons = options.connections * 2;
  const patronIds = Array.from({ length: patrons }, () => randomUUID());
  await createPatronKeys(runtime.vault, patronIds, 0, patrons, now);
  const rows = [];
  for (let i = 0; i < patrons; i++) rows.push(patronRow(await sealPatron(runtime.vault, patronOf(i, patronIds[i] as string, now.toISOString())), pinHash, '18-64'));
  await db.insertInto('patrons').values(rows).execute();
  for (let from = 0; from < options.items * 2; from += 500) {
    const items = [];
    for (let i = from; i < Math.min(options.items * 2, from + 500); i++)
      items.push({ id: randomUUID(), library_id: LIBRARY_ID, branch_id: branchId, barcode: barcodeOf(i), title: `Bench title ${i}`, author: `Author ${i % 997}`, isbn: null, item_type: 'book', status: 'available', replacement_cost_cents: null, damaged: 0, created_at: now.toISOString() });
    await db.insertInto('items').values(items).execute();
  }
  return { desk: { username: staff.account.username, password: staff.password }, sip2: { loginId: kiosk.account.loginId, password: kiosk.password }, seedSeconds: seconds(started) };
}

// ---------------------------------------------------------------------------------------------------
// One engine.

interface EngineResult {
  engine: Engine;
  location: string;
  seedSeconds: number;
  outcome: LoadOutcome;
  ratio: number;
  ratioBySegment: number[];
  totalSeconds: number;
}

async function benchEngine(engine: Engine, target: string, options: Options): Promise<EngineResult> {
  const started = performance.now();
  const database = openDatabase(target);
  let keyStore: KeyStore | undefined;
  try {
    await migrateToLatest(database.db);
    keyStore = await openKeyStore(keyStoreTargetFor(target));
    const vault = await Vault.open({ keyring: new Keyring([randomKey()], { kind: 'env' }), store: keyStore, now: systemClock.now() });
    const runtime: Runtime = { db: database.db, clock: systemClock, vault };
    say(`[${engine}] seeding ${options.connections * 2} patrons and ${(options.items * 2).toLocaleString('en')} items in ${database.location}…`);
    const fixture = await seed(database.db, runtime, options);
    const http = await buildServer({ runtime, logger: createLogger('silent') });
    const sip2 = await startSip2Server(runtime, { port: 0, log: createLogger('silent') });
    try {
      const baseUrl = await http.listen({ host: '127.0.0.1', port: 0 });
      const session = await logIn(baseUrl, fixture.desk);
      gc();
      const segments = Math.max(1, Math.round(options.durationSeconds / options.segmentSeconds));
      const segmentSeconds = options.durationSeconds / segments;
      const schedule = Array.from({ length: 2 * segments }, (_, k) => [0, 1, 1, 0][k % 4] as number);
      say(`[${engine}] SIP2 and HTTP: ${options.connections} connections each, ${options.warmupSeconds} s warm-up each, then ${segments} × ${segmentSeconds} s each, alternating…`);
      const outcome = await runInWorker<LoadJob, LoadOutcome>(new URL(import.meta.url), {
        sip2: { port: sip2.port, ...fixture.sip2 },
        http: { baseUrl, cookie: session.cookie, csrfToken: session.csrfToken },
        schedule,
        segmentSeconds,
        warmupSeconds: options.warmupSeconds,
        connections: options.connections,
        items: options.items,
      });
      return {
        engine,
        location: database.location,
        seedSeconds: fixture.seedSeconds,
        outcome,
        ratio: outcome.sip2.pairsPerSecond / outcome.http.pairsPerSecond,
        ratioBySegment: outcome.segments.sip2.map((s, i) => s / (outcome.segments.http[i] ?? Number.NaN)),
        totalSeconds: seconds(started),
      };
    } finally {
      await sip2.close();
      await http.close();
    }
  } finally {
    await keyStore?.close();
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

const TARGET = { ratio: 1.0 } as const;

function printReport(results: EngineResult[], skipped: { engine: Engine; reason: string }[], options: Options, totalSeconds: number): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`SIP2 benchmark: check-out + check-in pairs, ${options.connections} connections per transport, ${options.durationSeconds} s each (after ${options.warmupSeconds} s warm-up), alternating segments.`);
  out('SIP2: self-check kiosks (93 login and 63 PIN check once, then 11 / 09 on the patron session). HTTP: the API with a staff session (cookie + CSRF).');
  for (const r of results) {
    out();
    out(`${r.engine} (${r.location}), seeded in ${r.seedSeconds} s`);
    for (const [label, m] of [
      ['SIP2', r.outcome.sip2],
      ['HTTP', r.outcome.http],
    ] as const) {
      out(`  ${label}  ${m.pairsPerSecond.toFixed(1).padStart(8)} pairs/s  p50 ${String(m.latencyP50Ms).padStart(5)} ms  p99 ${String(m.latencyP99Ms).padStart(5)} ms  ${m.pairs} pairs, ${m.failures} failures in ${m.seconds} s`);
      for (const e of m.examples) out(`        ${e}`);
    }
    out(`  SIP2 / HTTP by segment pair: ${r.ratioBySegment.map((x) => x.toFixed(2)).join(' ')}`);
  }
  out();
  table(
    out,
    ['engine', 'SIP2 pairs/s', 'HTTP pairs/s', 'SIP2/HTTP (segments)', 'SIP2 p99 ms', 'HTTP p99 ms', 'failures (SIP2/HTTP)'],
    [9, 12, 12, 20, 11, 11, 20],
    [
      ...results.map((r) => [
        r.engine,
        r.outcome.sip2.pairsPerSecond.toFixed(1),
        r.outcome.http.pairsPerSecond.toFixed(1),
        `${r.ratio.toFixed(2)} (${Math.min(...r.ratioBySegment).toFixed(2)}–${Math.max(...r.ratioBySegment).toFixed(2)})`,
        String(r.outcome.sip2.latencyP99Ms),
        String(r.outcome.http.latencyP99Ms),
        `${r.outcome.sip2.failures} / ${r.outcome.http.failures}`,
      ]),
      ...skipped.map((s) => [s.engine, 'skipped']),
    ],
  );
  out();
  for (const s of skipped) out(`${s.engine} was skipped: ${s.reason}`);
  out(`Target: SIP2 / HTTP ≥ ${TARGET.ratio.toFixed(1)} (a SIP2 pair does less than the API's). Whole bench: ${totalSeconds} s.`);
}

async function main(): Promise<void> {
  const options = parseOptions();
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
      results.push(await benchEngine('sqlite', join(dir, 'sip2.db'), options));
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
        const name = `carrel_bench_sip2_${process.pid}`;
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
  if (options.json) {
    const { postgresUrl, ...config } = options;
    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'sip2',
          config: { ...config, postgresUrl: redactUrl(postgresUrl) },
          target: TARGET,
          results: results.map((r) => ({ engine: r.engine, seedSeconds: r.seedSeconds, sip2: r.outcome.sip2, http: r.outcome.http, segments: r.outcome.segments, ratio: r.ratio, ratioBySegment: r.ratioBySegment, totalSeconds: r.totalSeconds })),
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
