/**
 * Notice delivery against a floor: `npm run bench:notices [-- options]`.
 *
 * Seeds one library of N patrons who chose notices by email (sealed by the vault as registration stores
 * them, in bulk), then queues N real notices through the real use cases: a breach of every patron
 * recorded with `notifyBreach` (RR-6), the largest mailing a library sends at once, one notice per
 * patron in the outbox. Then, against a minimal SMTP server in a worker thread that accepts, discards
 * and counts (bench/lib/smtp-counter.ts):
 *   1. the floor: nodemailer alone sending N pre-rendered messages of the same shape (From, To,
 *      subject, text, Message-ID, the same headers) with the email channel's pool settings
 *      (TRANSPORT_DEFAULTS: 5 pooled connections) and the same number in flight (10);
 *   2. Carrel: `deliverNotices` over the email channel: each batch claimed in a transaction, each
 *      recipient's address opened from the vault, the template rendered, the message sent, each result
 *      recorded in another transaction.
 * It prints notices/s for both, Carrel / floor (target ≥ 0.7), and the peak RSS sampled every 50 ms
 * during each phase. A benchmark reports, it never asserts.
 *
 * Options:
 *   --notices N       notices to deliver [CARREL_BENCH_NOTICES]   default 100000
 *   --engine E        sqlite or postgres                          default sqlite
 *   --json            print one JSON document on stdout (progress goes to stderr)
 * PostgreSQL: CARREL_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres; the bench
 * creates carrel_bench_notices_<pid> there and drops it afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createTransport } from 'nodemailer';
import pg from 'pg';
import { systemClock } from '../src/domain/clock.js';
import { DEFAULT_TEMPLATES, renderTemplate } from '../src/domain/notices.js';
import { deliverNotices, notifyBreach } from '../src/jobs/notices.job.js';
import { emailChannel, TRANSPORT_DEFAULTS } from '../src/notices/email.channel.js';
import { openDatabase, redactUrl, type Engine } from '../src/storage/database.js';
import { keyStoreTargetFor, openKeyStore, type KeyStore } from '../src/storage/key-store.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { run, type Caller, type Runtime } from '../src/usecases/context.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { sealPatron } from '../src/usecases/patron-records.js';
import { randomKey } from '../src/vault/cipher.js';
import { Keyring } from '../src/vault/keyring.js';
import { hashSecret } from '../src/vault/secrets.js';
import { Vault } from '../src/vault/vault.js';
import { SYSTEM } from '../src/policy/actors.js';
import { createPatronKeys, LIBRARY_ID, patronOf, patronRow, SYSTEM_CALLER } from './lib/fixture.js';
import { exitOnHelp, numberOption, postgresUrlOption } from './lib/options.js';
import { gc, say, seconds } from './lib/output.js';
import { startCounterSink, type CounterSink } from './lib/smtp-counter.js';

interface Options {
  notices: number;
  engine: Engine;
  json: boolean;
  postgresUrl: string;
}

/** Messages in flight at once: deliverNotices' default, and the floor's. */
const IN_FLIGHT = 10;
const LIBRARY_NAME = 'Bench Library';
const FROM = 'notices@bench.example';
const TARGET = { ratio: 0.7 } as const;

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      notices: { type: 'string' },
      engine: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  exitOnHelp(values.help, 'npm run bench:notices -- [--notices N] [--engine sqlite|postgres] [--json]');
  const engine = values.engine ?? 'sqlite';
  if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`unknown engine ${engine} (sqlite, postgres)`);
  return { notices: Math.floor(numberOption(values.notices, 'CARREL_BENCH_NOTICES', 100_000, 1)), engine, json: values.json ?? false, postgresUrl: postgresUrlOption() };
}

/** Samples the process's RSS every 50 ms; `stop()` answers the peak in MB. */
function rssSampler(): { startMb: number; stop(): number } {
  let peak = process.memoryUsage.rss();
  const startMb = Math.round(peak / 1024 / 1024);
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  return {
    startMb,
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return Math.round(peak / 1024 / 1024);
    },
  };
}

/** Runs `work` over 0..count-1 with `limit` at once. */
async function lanes(count: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** N patrons who chose email, sealed as registration seals them, inserted 500 a row batch. */
async function seedPatrons(runtime: Runtime, count: number): Promise<void> {
  const now = runtime.clock.now();
  const pinHash = await hashSecret('0000');
  const ids = Array.from({ length: count }, () => randomUUID());
  for (let from = 0; from < count; from += 500) {
    const to = Math.min(count, from + 500);
    await createPatronKeys(runtime.vault, ids, from, to, now);
    const rows = [];
    for (let i = from; i < to; i++) rows.push({ ...patronRow(await sealPatron(runtime.vault, patronOf(i, ids[i] as string, now.toISOString())), pinHash, '18-64'), notice_channel: 'email' });
    await runtime.db.insertInto('patrons').values(rows).execute();
    if (to % 10_000 === 0) say(`  ${to.toLocaleString('en')} patrons`);
  }
}

interface Phase {
  notices: number;
  seconds: number;
  perSecond: number;
  peakRssMb: number;
  /** RSS when the phase began (what seeding and queueing left). */
  startRssMb: number;
}

/** The floor: nodemailer alone, N pre-rendered messages of a notice's shape, the channel's pool settings. */
async function floor(sink: CounterSink, count: number): Promise<Phase> {
  const template = DEFAULT_TEMPLATES.en.breach;
  const messages = Array.from({ length: count }, (_, i) => {
    const rendered = renderTemplate(template, { library: LIBRARY_NAME, portalUrl: 'http://127.0.0.1:8080/app/', breachWhen: '1 March 2026', breachData: 'Registration', breachActions: 'We reset every staff password.' });
    return {
      from: `"${LIBRARY_NAME}" <${FROM}>`,
      to: `patron${i}@example.org`,
      subject: rendered.subject,
      text: rendered.body,
      messageId: `<notice-${randomUUID()}@carrel>`,
      headers: { 'Content-Language': 'en', 'Auto-Submitted': 'auto-generated' },
    };
  });
  gc();
  const transport = createTransport({ ...TRANSPORT_DEFAULTS, url: sink.url, pool: true });
  const before = await sink.count();
  const rss = rssSampler();
  const started = performance.now();
  let failed = 0;
  await lanes(count, IN_FLIGHT, async (i) => {
    try {
      await transport.sendMail(messages[i] as (typeof messages)[number]);
    } catch {
      failed++;
    }
  });
  const elapsed = (performance.now() - started) / 1000;
  const peakRssMb = rss.stop();
  transport.close();
  const received = (await sink.count()) - before;
  if (received !== count || failed > 0) throw new Error(`the floor: the sink received ${received} of ${count} messages (${failed} failed)`);
  return { notices: count, seconds: Math.round(elapsed * 10) / 10, perSecond: count / elapsed, peakRssMb, startRssMb: rss.startMb };
}

/** Carrel: deliverNotices over the email channel, until nothing is due. */
async function carrelDelivery(runtime: Runtime, sink: CounterSink, count: number): Promise<Phase & { counts: Record<string, number> }> {
  gc();
  const channel = emailChannel({ url: sink.url, from: FROM });
  const before = await sink.count();
  const rss = rssSampler();
  const started = performance.now();
  const counts = await deliverNotices(runtime, { email: channel }, { runner: `bench:${process.pid}`, publicUrl: 'http://127.0.0.1:8080', concurrency: IN_FLIGHT });
  const elapsed = (performance.now() - started) / 1000;
  const peakRssMb = rss.stop();
  await channel.close?.();
  const received = (await sink.count()) - before;
  if (received !== count || counts.sent !== count) throw new Error(`Carrel: the sink received ${received} of ${count} messages (${JSON.stringify(counts)})`);
  return { notices: count, seconds: Math.round(elapsed * 10) / 10, perSecond: count / elapsed, peakRssMb, startRssMb: rss.startMb, counts: { ...counts } };
}

interface Result {
  engine: Engine;
  location: string;
  seedSeconds: number;
  queueSeconds: number;
  floor: Phase;
  carrel: Phase & { counts: Record<string, number> };
  ratio: number;
}

async function bench(target: string, options: Options): Promise<Result> {
  const database = openDatabase(target);
  let keyStore: KeyStore | undefined;
  const sink = await startCounterSink();
  try {
    await migrateToLatest(database.db);
    keyStore = await openKeyStore(keyStoreTargetFor(target));
    const vault = await Vault.open({ keyring: new Keyring([randomKey()], { kind: 'env' }), store: keyStore, now: systemClock.now() });
    const runtime: Runtime = { db: database.db, clock: systemClock, vault };
    await run(runtime, SYSTEM_CALLER, createLibrary, { id: LIBRARY_ID, name: LIBRARY_NAME, timeZone: 'America/Denver' });

    say(`[${options.engine}] seeding ${options.notices.toLocaleString('en')} patrons who chose email in ${database.location}…`);
    let started = performance.now();
    // Seeding only: the key store's SQLite file syncs every data key to disk (synchronous = FULL), which
    // makes 100,000 registrations minutes of fsync; restored before anything is measured.
    if (keyStore.engine === 'sqlite') await sql`pragma synchronous = OFF`.execute(keyStore.db);
    await seedPatrons(runtime, options.notices);
    if (keyStore.engine === 'sqlite') await sql`pragma synchronous = FULL`.execute(keyStore.db);
    const seedSeconds = seconds(started);

    say(`[${options.engine}] queueing a breach notice to every patron (notifyBreach)…`);
    started = performance.now();
    const caller: Caller = { actor: SYSTEM, purpose: 'notices', channel: 'cli' };
    const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const breach = await notifyBreach(runtime, caller, {
      libraryId: LIBRARY_ID,
      occurredOn: day,
      discoveredOn: day,
      categories: ['registration'],
      scope: 'all',
      description: 'A bench breach.',
      actions: 'We reset every staff password.',
    });
    const queueSeconds = seconds(started);
    if (breach.queued !== options.notices) throw new Error(`queued ${breach.queued} notices, expected ${options.notices}`);

    say(`[${options.engine}] floor: nodemailer sending ${options.notices.toLocaleString('en')} pre-rendered messages…`);
    const floorPhase = await floor(sink, options.notices);
    say(`[${options.engine}] Carrel: deliverNotices…`);
    const carrelPhase = await carrelDelivery(runtime, sink, options.notices);
    return { engine: options.engine, location: database.location, seedSeconds, queueSeconds, floor: floorPhase, carrel: carrelPhase, ratio: carrelPhase.perSecond / floorPhase.perSecond };
  } finally {
    await sink.close();
    await keyStore?.close();
    await database.close();
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

function printReport(r: Result, totalSeconds: number): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`Notices benchmark on ${r.engine} (${r.location}): ${r.carrel.notices.toLocaleString('en')} breach notices by email to a local SMTP sink, ${IN_FLIGHT} in flight, ${TRANSPORT_DEFAULTS.maxConnections} pooled connections.`);
  out(`  seeded in ${r.seedSeconds} s; queued by notifyBreach in ${r.queueSeconds} s`);
  out(`  floor (nodemailer, pre-rendered)  ${r.floor.perSecond.toFixed(0).padStart(7)} notices/s  ${r.floor.seconds} s  peak RSS ${r.floor.peakRssMb} MB (${r.floor.startRssMb} MB at its start)`);
  out(`  Carrel (deliverNotices)           ${r.carrel.perSecond.toFixed(0).padStart(7)} notices/s  ${r.carrel.seconds} s  peak RSS ${r.carrel.peakRssMb} MB (${r.carrel.startRssMb} MB at its start)  (${r.carrel.counts.batches} batches)`);
  out(`  Carrel / floor: ${r.ratio.toFixed(2)} (target ≥ ${TARGET.ratio}). Whole bench: ${totalSeconds} s.`);
}

async function main(): Promise<void> {
  const options = parseOptions();
  const started = performance.now();
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    while (cleanups.length > 0) await (cleanups.pop() as () => Promise<void>)().catch((e: unknown) => say(`cleanup failed: ${String(e)}`));
  };
  process.once('SIGINT', () => {
    say('interrupted; cleaning up…');
    void cleanUp().finally(() => process.exit(130));
  });
  let result: Result;
  try {
    if (options.engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'carrel-bench-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      result = await bench(join(dir, 'notices.db'), options);
    } else {
      const admin = new pg.Client({ connectionString: options.postgresUrl, connectionTimeoutMillis: 3000 });
      try {
        await admin.connect();
      } catch (error) {
        throw new Error(`PostgreSQL unreachable at ${redactUrl(options.postgresUrl)} (${error instanceof Error ? error.message : String(error)}); set CARREL_BENCH_POSTGRES_URL`);
      }
      const name = `carrel_bench_notices_${process.pid}`;
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
      cleanups.push(async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      });
      result = await bench(withDatabase(options.postgresUrl, name), options);
    }
  } finally {
    await cleanUp();
  }
  const totalSeconds = seconds(started);
  if (options.json) {
    const { postgresUrl, ...config } = options;
    process.stdout.write(`${JSON.stringify({ benchmark: 'notices', config: { ...config, postgresUrl: redactUrl(postgresUrl) }, target: TARGET, result, totalSeconds }, null, 2)}\n`);
  } else printReport(result, totalSeconds);
}

await main();
