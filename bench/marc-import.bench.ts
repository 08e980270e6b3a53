/**
 * MARC21 import throughput: `npm run bench:marc [-- options]`.
 *
 * Generates an ISO 2709 file of N real-looking records (test/fixtures/marc/generate.mjs: public-domain
 * titles, ISBNs, subjects, one Koha 952 copy each) in a temporary directory, then measures, each in a
 * child process of its own so that each peak RSS is its own:
 *   1. the floor: marcjs's streaming ISO 2709 parser reading the same file alone (records / s);
 *   2. Carrel's reader, mapping and checks alone: a dry run of the import (nothing written);
 *   3. Carrel's import (`importMarc`: the streamed reader with its checks, the mapping, `saveRecords`
 *      in batches with the search index and the copies) into a fresh SQLite file, and into a fresh
 *      PostgreSQL database when one is reachable.
 * It prints records / s, import / floor (target ≥ 0.5) and each phase's peak RSS; a benchmark reports,
 * it never asserts.
 *
 * Options (environment variable in brackets):
 *   --records N       records in the file [CARREL_BENCH_RECORDS]          default 50000
 *   --batch N         records per saveRecords call [CARREL_BENCH_BATCH]    default 500
 *   --engines LIST    sqlite,postgres [CARREL_BENCH_ENGINES]              default both
 *   --json            print one JSON document on stdout (progress goes to stderr)
 * PostgreSQL: CARREL_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres; the bench
 * creates carrel_bench_marc_<pid> there and drops it afterwards.
 */
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Iso2709Parser } from 'marcjs';
import pg from 'pg';
import { systemClock } from '../src/domain/clock.js';
import { importMarc } from '../src/marc/marc.import.js';
import { MAPPINGS } from '../src/marc/marc.mapping.js';
import { readMarcFile } from '../src/marc/marc.reader.js';
import { openDatabase, redactUrl, type Engine } from '../src/storage/database.js';
import { keyStoreTargetFor, openKeyStore } from '../src/storage/key-store.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { run, type Runtime, type UseCase } from '../src/usecases/context.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { randomKey } from '../src/vault/cipher.js';
import { Keyring } from '../src/vault/keyring.js';
import { Vault } from '../src/vault/vault.js';
import { LIBRARY_ID, SYSTEM_CALLER } from './lib/fixture.js';
import { enginesOption, exitOnHelp, numberOption, postgresUrlOption } from './lib/options.js';
import { gc, say, table } from './lib/output.js';

const USAGE = 'npm run bench:marc [-- --records N] [--batch N] [--engines sqlite,postgres] [--json]';
const SELF = fileURLToPath(import.meta.url);
/** The generator is a plain script in the repository (the bench runs from dist/bench/). */
const GENERATOR = new URL('../../test/fixtures/marc/generate.mjs', import.meta.url);

interface Phase {
  records: number;
  seconds: number;
  perSecond: number;
  maxRssMb: number;
}

// ── Child phases ─────────────────────────────────────────────────────────────────────────────────

/** The floor: marcjs parses the file, nothing else. */
async function floorPhase(file: string): Promise<Phase> {
  const start = performance.now();
  let records = 0;
  await new Promise<void>((resolve, reject) => {
    const parser = createReadStream(file).pipe(new Iso2709Parser());
    parser.on('data', () => records++);
    parser.on('end', resolve);
    parser.on('error', reject);
  });
  return phase(records, start);
}

/** Carrel's import into a fresh, migrated database with one library of two branches. */
async function importPhase(target: string, batch: number, dryRun = false): Promise<Phase> {
  const database = openDatabase(target);
  await migrateToLatest(database.db);
  const keyStore = await openKeyStore(keyStoreTargetFor(target));
  const vault = await Vault.open({ keyring: new Keyring([randomKey()], { kind: 'env' }), store: keyStore, now: systemClock.now() });
  const runtime: Runtime = { db: database.db, clock: systemClock, vault };
  const act = <I, O>(useCase: UseCase<I, O>, input: I) => run(runtime, SYSTEM_CALLER, useCase, input);
  await act(createLibrary, { id: LIBRARY_ID, name: 'Bench', timeZone: 'UTC', branches: [{ code: 'central', name: 'Central' }, { code: 'east', name: 'East' }] });
  const file = process.env.CARREL_BENCH_MARC_FILE!;
  gc();
  const start = performance.now();
  const report = await importMarc(act, () => readMarcFile(file, 'marc'), { libraryId: LIBRARY_ID, mapping: MAPPINGS.koha, batchSize: batch, dryRun });
  const result = phase(dryRun ? report.read - report.rejectedCount : report.imported.created + report.imported.updated, start);
  if (report.rejectedCount > 0) say(`  ${report.rejectedCount} record(s) rejected; first: ${JSON.stringify(report.rejected[0])}`);
  await keyStore.close();
  await database.close();
  return result;
}

function phase(records: number, start: number): Phase {
  const seconds = (performance.now() - start) / 1000;
  return { records, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(records / seconds), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

/** Runs one phase in a child process of this file and reads its JSON answer. */
function child(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Phase> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', SELF, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Phase) : reject(new Error(`phase ${args.join(' ')} ended with ${code}`))));
  });
}

// ── Main ─────────────────────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { records: { type: 'string' }, batch: { type: 'string' }, engines: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' }, phase: { type: 'string' }, target: { type: 'string' }, file: { type: 'string' } },
  });
  const batch = numberOption(values.batch, 'CARREL_BENCH_BATCH', 500, 1);
  if (values.phase === 'floor') return void process.stdout.write(JSON.stringify(await floorPhase(values.file!)));
  if (values.phase === 'import' || values.phase === 'dry-run') return void process.stdout.write(JSON.stringify(await importPhase(values.target!, batch, values.phase === 'dry-run')));

  exitOnHelp(values.help, USAGE);
  const records = numberOption(values.records, 'CARREL_BENCH_RECORDS', 50_000, 1);
  const engines = enginesOption(values.engines);
  const dir = mkdtempSync(join(tmpdir(), 'carrel-bench-marc-'));
  const file = join(dir, 'catalogue.mrc');
  const results: { name: string; phase: Phase; ratio: number | null }[] = [];
  try {
    say(`Generating ${records} records…`);
    const { writeIso2709File } = (await import(GENERATOR.href)) as { writeIso2709File: (file: string, n: number) => Promise<void> };
    await writeIso2709File(file, records);
    say(`  ${file}: ${Math.round(statSync(file).size / 1024 / 1024)} MB`);
    say('Floor: marcjs parsing the file…');
    const floor = await child(['--phase', 'floor', '--file', file]);
    results.push({ name: 'floor (marcjs parse)', phase: floor, ratio: 1 });
    const env = { CARREL_BENCH_MARC_FILE: file, CARREL_BENCH_BATCH: String(batch) };
    // Carrel's reader, mapping and checks without the writes (a dry run): what the import costs before saveRecords.
    say('Dry run: read, map and check…');
    const dry = await child(['--phase', 'dry-run', '--target', join(dir, 'dry.db')], env);
    results.push({ name: 'dry run (no writes)', phase: dry, ratio: dry.perSecond / floor.perSecond });
    for (const engine of engines) {
      const target = await freshTarget(engine, dir);
      if (!target) continue;
      say(`Import into ${engine === 'sqlite' ? 'SQLite' : redactUrl(target.url)}…`);
      try {
        const imported = await child(['--phase', 'import', '--target', target.url], env);
        results.push({ name: `import (${engine})`, phase: imported, ratio: imported.perSecond / floor.perSecond });
      } finally {
        await target.drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (values.json) return void process.stdout.write(`${JSON.stringify({ records, batch, results }, null, 2)}\n`);
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(`MARC21 import, ${records} records, batches of ${batch} (target: import / floor ≥ 0.5)`);
  table(out, ['phase', 'records', 'seconds', 'records/s', 'import/floor', 'peak RSS MB'], [22, 8, 8, 10, 12, 11], results.map((r) => [r.name, String(r.phase.records), r.phase.seconds.toFixed(2), String(r.phase.perSecond), r.ratio === null ? '' : r.ratio.toFixed(2), String(r.phase.maxRssMb)]));
}

/** A fresh database: a SQLite file in the temp directory, or a PostgreSQL database when the server answers. */
async function freshTarget(engine: Engine, dir: string): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  if (engine === 'sqlite') return { url: join(dir, 'carrel.db'), drop: async () => undefined };
  const admin = new pg.Client({ connectionString: postgresUrlOption() });
  try {
    await admin.connect();
  } catch {
    say('PostgreSQL unreachable: skipped.');
    return undefined;
  }
  const name = `carrel_bench_marc_${process.pid}`;
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  const url = new URL(postgresUrlOption());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

await main();
