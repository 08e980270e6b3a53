/**
 * `npm run fuzz`: generated requests against a fresh, seeded Carrel server on each engine (bench/lib/fuzz.ts),
 * counted by status. Passes when no answer is a 500, every status is declared for its operation in
 * /openapi.json and every error answer is in Carrel's shape (issue 22). Exits 1 otherwise.
 *
 *   npm run fuzz -- [--engine sqlite|postgres|both] [--requests N] [--seed S] [--concurrency C]
 *
 *   --engine       sqlite, postgres or both                  [CARREL_BENCH_ENGINES]  default both
 *   --requests     requests per engine                       [CARREL_BENCH_REQUESTS] default 20000
 *   --seed         the generator's seed (replays a run)                               default 22
 *   --concurrency  requests in flight                                                 default 4
 * PostgreSQL: CARREL_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres); a
 * database `carrel_fuzz_<pid>` is created and dropped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { systemClock } from '../src/domain/clock.js';
import { openDatabase, type Database, type Engine } from '../src/storage/database.js';
import { keyStoreTargetFor, openKeyStore } from '../src/storage/key-store.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import type { Runtime } from '../src/usecases/context.js';
import { randomKey } from '../src/vault/cipher.js';
import { Keyring } from '../src/vault/keyring.js';
import { Vault } from '../src/vault/vault.js';
import { formatReport, fuzz, type FuzzReport } from './lib/fuzz.js';
import { startFuzzWorld } from './lib/fuzz-world.js';
import { enginesOption, exitOnHelp, numberOption, postgresUrlOption } from './lib/options.js';

const USAGE = 'usage: npm run fuzz -- [--engine sqlite|postgres|both] [--requests N] [--seed S] [--concurrency C]';

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Opens a fresh database of `engine`, seeds it, fuzzes it, and removes it. */
async function fuzzEngine(engine: Engine, requests: number, seed: number, concurrency: number): Promise<FuzzReport> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    let target: string;
    if (engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'carrel-fuzz-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      target = join(dir, 'carrel.db');
    } else {
      const url = postgresUrlOption();
      const name = `carrel_fuzz_${process.pid}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
      cleanups.push(async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      });
      target = withDatabase(url, name);
    }
    const database: Database = openDatabase(target);
    cleanups.push(() => database.close());
    await migrateToLatest(database.db);
    const store = await openKeyStore(keyStoreTargetFor(target));
    cleanups.push(() => store.close());
    const vault = await Vault.open({ keyring: new Keyring([randomKey()], { kind: 'env' }), store, now: systemClock.now() });
    const runtime: Runtime = { db: database.db, clock: systemClock, vault };
    const seeding = Date.now();
    const world = await startFuzzWorld(runtime);
    cleanups.push(() => world.close());
    process.stderr.write(`${engine}: seeded in ${((Date.now() - seeding) / 1000).toFixed(1)} s; fuzzing…\n`);
    const report = await fuzz({ baseUrl: world.baseUrl, identities: world.identities, requests, seed, concurrency, ...world.pools, skip: world.skip });
    for (const line of world.errors.slice(0, 10)) process.stderr.write(`server error: ${line.slice(0, 2000)}\n`);
    return report;
  } finally {
    while (cleanups.length > 0) await (cleanups.pop() as () => Promise<void>)().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { engine: { type: 'string' }, requests: { type: 'string' }, seed: { type: 'string' }, concurrency: { type: 'string' }, help: { type: 'boolean' } },
  });
  exitOnHelp(values.help, USAGE);
  const engines = enginesOption(values.engine === 'both' ? 'sqlite,postgres' : values.engine);
  const requests = numberOption(values.requests, 'CARREL_BENCH_REQUESTS', 20_000, 1);
  const seed = numberOption(values.seed, 'CARREL_BENCH_SEED', 22, 0);
  const concurrency = numberOption(values.concurrency, 'CARREL_BENCH_CONCURRENCY', 4, 1);
  let failed = false;
  for (const engine of engines) {
    const report = await fuzzEngine(engine, requests, seed, concurrency);
    process.stdout.write(`${formatReport(engine, report)}\n`);
    if (report.findingCounts['status-500'] + report.findingCounts['undeclared-status'] + report.findingCounts['not-error-shape'] > 0) failed = true;
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
