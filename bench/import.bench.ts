/**
 * Patron import throughput (issue 21): `npm run bench:import [-- options]`.
 *
 * Writes a Koha borrowers export (TSV, streamed to disk) of N fictional adults — accented names, unique
 * 14-digit cards, an email, a phone and an address each, category PT at branch CPL, and one bcrypt PIN
 * hash (`$2a$08$…`, made once with bcryptjs and shared by every row: hashing 200,000 rows would take
 * longer than the import) — and a smaller one of the first M of them. Then it measures, each in a child
 * process of its own so that each peak RSS is its own, and each into a fresh database:
 *   1. the floor: registering patrons one at a time through the registration use case
 *      (`run(runtime, caller, registerPatron, input)`, one transaction each) in one process. Registration
 *      generates a PIN and hashes it with argon2id for every patron; that hash is part of the floor (the
 *      import keeps the old system's hash as it is and hashes nothing);
 *   2. the import (`runImport`: header and mapping checked, the codes pass, the file's digest, then a
 *      page per transaction) of the smaller file;
 *   3. the import of the whole file.
 * It prints patrons / s beside the floor (target: import / floor ≥ 1.0, batching should beat one
 * registration at a time), and each phase's peak RSS: the largest of `process.memoryUsage().rss`
 * sampled every 100 ms and `process.resourceUsage().maxRSS` at the end. RSS at N / RSS at M should stay
 * near 1.0: the import holds one page, not the file. A benchmark reports, it never asserts.
 *
 * Options (environment variable in brackets):
 *   --patrons N       rows in the larger file [CARREL_BENCH_PATRONS]        default 200000
 *   --small N         rows in the smaller file [CARREL_BENCH_SMALL]         default 50000
 *   --floor N         patrons registered one by one [CARREL_BENCH_FLOOR]    default 2000
 *   --page-size N     rows per page (transaction) [CARREL_BENCH_PAGE_SIZE]  default the importer's (500)
 *   --engines LIST    sqlite,postgres [CARREL_BENCH_ENGINES]                default both
 *   --json            print one JSON document on stdout (progress goes to stderr)
 * PostgreSQL: CARREL_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres; the bench
 * creates carrel_bench_import_<pid>_<n> there for each phase and drops it afterwards.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import bcrypt from 'bcryptjs';
import pg from 'pg';
import { systemClock } from '../src/domain/clock.js';
import { DEFAULT_PAGE_SIZE, runImport } from '../src/migration/run-import.js';
import { openDatabase, redactUrl, type Engine } from '../src/storage/database.js';
import { keyStoreTargetFor, openKeyStore } from '../src/storage/key-store.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { run, type Runtime, type UseCase } from '../src/usecases/context.js';
import { createLibrary } from '../src/usecases/library.usecases.js';
import { registerPatron } from '../src/usecases/patron.usecases.js';
import { randomKey } from '../src/vault/cipher.js';
import { Keyring } from '../src/vault/keyring.js';
import { Vault } from '../src/vault/vault.js';
import { cardOf, LIBRARY_ID, SYSTEM_CALLER } from './lib/fixture.js';
import { enginesOption, exitOnHelp, numberOption, postgresUrlOption } from './lib/options.js';
import { gc, say, table } from './lib/output.js';

const USAGE = 'npm run bench:import [-- --patrons N] [--small N] [--floor N] [--page-size N] [--engines sqlite,postgres] [--json]';
const SELF = fileURLToPath(import.meta.url);
/** The library's branch the file's CPL maps to. */
const BRANCH = 'central';

interface Phase {
  patrons: number;
  seconds: number;
  perSecond: number;
  maxRssMb: number;
  /** Rows the import did not take (rejected or duplicate); 0 for the floor. */
  notImported: number;
}

// ── The people ───────────────────────────────────────────────────────────────────────────────────

const FIRST = ['José', 'Zoë', 'Siobhán', 'Anaïs', 'Björn', 'Maëlle', 'Søren', 'Łucja', 'Dagný', 'Íñigo', 'Renée', 'Noémie', 'Thảo', 'Mateo', 'Camila', 'Kofi', 'Amélie', 'François', 'Ciarán', 'Zdeněk', 'Tomás', 'Inés', 'Álvaro', 'Jürgen', 'Gülay', 'Şebnem', 'Aoife', 'Mary-Kate', 'Thandiwe', 'Hiroshi'];
const SURNAME = ['Núñez', "O'Brien", 'Nguyễn', 'Müller', 'Østergaard', 'Łukasiewicz', 'Okonkwo', 'Håkansson', 'Wiśniewski', 'Lefèvre', 'Çelik', 'Þórsdóttir', 'Szabó', 'Dvořák', 'Castañeda', 'Lindqvist', 'de la Cruz', 'van der Berg', 'Papadopoulos', 'Thibodeaux', 'Ferreira', 'Haddad', 'Yamamoto', 'MacAlister', 'Brontë', 'Peña', 'Ibáñez', 'Černý', 'Dupré', 'Schäfer', 'Kowalski'];
const STREETS = ['Main Street', 'Rue des Écoles', 'Calle Mayor', 'Åsgatan', 'Oak Avenue', 'Chemin du Lac', 'Königstraße', 'Elm Street'];
const CITIES: readonly (readonly [string, string, string])[] = [
  ['Boise', 'ID', '83702'],
  ['Eugene', 'OR', '97401'],
  ['Portland', 'OR', '97205'],
  ['Coeur d’Alene', 'ID', '83814'],
  ['Salem', 'OR', '97301'],
];
const ascii = (text: string) => text.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();

/** Patron i: an adult (born 1940–1999), every name, card, email and identity unique by i. */
function personOf(i: number) {
  const first = FIRST[i % FIRST.length]!;
  const surname = SURNAME[Math.floor(i / FIRST.length) % SURNAME.length]!;
  const [city, state, zip] = CITIES[i % CITIES.length]!;
  return {
    card: cardOf(i + 1),
    first,
    surname,
    birthDate: `${1940 + (i % 60)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    email: `${ascii(first)}.${ascii(surname)}.${i}@example.org`,
    phone: `(208) 555-${String(i % 10_000).padStart(4, '0')}`,
    street: `${1 + (i % 999)} ${STREETS[i % STREETS.length]}`,
    city,
    state,
    zip,
    /** Koha's privacy: 0 (keep my history) for one in five. */
    privacy: i % 5 === 0 ? 0 : 1,
  };
}

const KOHA_COLUMNS = ['cardnumber', 'surname', 'firstname', 'dateofbirth', 'email', 'phone', 'address', 'city', 'state', 'zipcode', 'categorycode', 'branchcode', 'dateexpiry', 'password', 'privacy'];

/** Writes a Koha TSV of patrons [0, n), streamed a few thousand rows at a time, every row with the same bcrypt hash. */
async function writeKohaFile(file: string, n: number, hash: string): Promise<void> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', resolve)));
  await write(`${KOHA_COLUMNS.join('\t')}\n`);
  const CHUNK = 2000;
  for (let from = 0; from < n; from += CHUNK) {
    let chunk = '';
    for (let i = from; i < Math.min(n, from + CHUNK); i++) {
      const p = personOf(i);
      chunk += `${[p.card, p.surname, p.first, p.birthDate, p.email, p.phone, p.street, p.city, p.state, p.zip, 'PT', 'CPL', '2029-06-30', hash, String(p.privacy)].join('\t')}\n`;
    }
    await write(chunk);
  }
  out.end();
  await done;
}

// ── Child phases ─────────────────────────────────────────────────────────────────────────────────

/** The largest resident set seen: sampled every 100 ms, and the kernel's high-water mark at the end. */
function rssSampler(): () => number {
  let max = process.memoryUsage().rss;
  const timer = setInterval(() => (max = Math.max(max, process.memoryUsage().rss)), 100);
  timer.unref();
  return () => {
    clearInterval(timer);
    return Math.max(max, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  };
}

/** A fresh, migrated database with the bench library (branch `central`, categories adult and juvenile). */
async function openRuntime(target: string) {
  const database = openDatabase(target);
  await migrateToLatest(database.db);
  const keyStore = await openKeyStore(keyStoreTargetFor(target));
  const vault = await Vault.open({ keyring: new Keyring([randomKey()], { kind: 'env' }), store: keyStore, now: systemClock.now() });
  const runtime: Runtime = { db: database.db, clock: systemClock, vault };
  const act = <I, O>(useCase: UseCase<I, O>, input: I) => run(runtime, SYSTEM_CALLER, useCase, input);
  await act(createLibrary, { id: LIBRARY_ID, name: 'Bench', timeZone: 'UTC', branches: [{ code: BRANCH, name: 'Central' }] });
  return {
    act,
    runtime,
    close: async () => {
      await keyStore.close();
      await database.close();
    },
  };
}

/** The floor: patrons [0, n) registered one by one, each its own use case and transaction. */
async function floorPhase(target: string, n: number): Promise<Phase> {
  const peak = rssSampler();
  const { runtime, close } = await openRuntime(target);
  gc();
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const p = personOf(i);
    await run(runtime, SYSTEM_CALLER, registerPatron, {
      libraryId: LIBRARY_ID,
      name: `${p.first} ${p.surname}`,
      birthDate: p.birthDate,
      email: p.email,
      phone: p.phone,
      // As the Koha shape joins the address columns.
      address: `${p.street}, ${p.city}, ${p.state} ${p.zip}`,
      categoryCode: 'adult',
      cardNumber: p.card,
      homeBranch: BRANCH,
    });
  }
  const result = phase(n, start, peak, 0);
  await close();
  return result;
}

/** The import of `file` (n rows) into a fresh database. */
async function importPhase(target: string, file: string, n: number, pageSize: number | undefined): Promise<Phase> {
  const peak = rssSampler();
  const { act, close } = await openRuntime(target);
  const mappingFile = `${file}.mapping.json`;
  writeFileSync(mappingFile, JSON.stringify({ categories: { PT: 'adult', J: 'juvenile' }, branches: { CPL: BRANCH } }));
  gc();
  const start = performance.now();
  const report = await runImport(act, { file, kind: 'patrons', format: 'koha', libraryId: LIBRARY_ID, mappingFile, pageSize });
  const result = phase(report.imported, start, peak, report.read - report.imported);
  if (report.read !== n || report.imported !== n)
    say(`  read ${report.read} of ${n} rows, imported ${report.imported}; rejected ${report.rejectedCount} (first: ${JSON.stringify(report.rejected[0])}), duplicates ${report.duplicateCount}`);
  if (report.fieldsLeftOutCount > 0) say(`  ${report.fieldsLeftOutCount} field(s) left out; first: ${JSON.stringify(report.fieldsLeftOut[0])}`);
  await close();
  return result;
}

function phase(patrons: number, start: number, peak: () => number, notImported: number): Phase {
  const seconds = (performance.now() - start) / 1000;
  return { patrons, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(patrons / seconds), maxRssMb: Math.round(peak() / 1024 / 1024), notImported };
}

/** Runs one phase in a child process of this file and reads its JSON answer. */
function child(args: string[]): Promise<Phase> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', SELF, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Phase) : reject(new Error(`phase ${args.join(' ')} ended with ${code}`))));
  });
}

// ── Main ─────────────────────────────────────────────────────────────────────────────────────────

interface EngineResult {
  engine: Engine;
  floor: Phase;
  small: Phase;
  large: Phase;
  /** Import patrons / s over the floor's (target ≥ 1.0). */
  smallOverFloor: number;
  largeOverFloor: number;
  /** Peak RSS of the larger import over the smaller's (flat ≈ 1.0). */
  rssLargeOverSmall: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      patrons: { type: 'string' },
      small: { type: 'string' },
      floor: { type: 'string' },
      'page-size': { type: 'string' },
      engines: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
      phase: { type: 'string' },
      target: { type: 'string' },
      file: { type: 'string' },
      count: { type: 'string' },
    },
  });
  const pageSizeText = values['page-size'] ?? process.env.CARREL_BENCH_PAGE_SIZE;
  const pageSize = pageSizeText === undefined || pageSizeText === '' ? undefined : numberOption(pageSizeText, 'CARREL_BENCH_PAGE_SIZE', DEFAULT_PAGE_SIZE, 1);
  if (values.phase === 'floor') return void process.stdout.write(JSON.stringify(await floorPhase(values.target!, Number(values.count))));
  if (values.phase === 'import') return void process.stdout.write(JSON.stringify(await importPhase(values.target!, values.file!, Number(values.count), pageSize)));

  exitOnHelp(values.help, USAGE);
  const patrons = numberOption(values.patrons, 'CARREL_BENCH_PATRONS', 200_000, 1);
  const small = Math.min(patrons, numberOption(values.small, 'CARREL_BENCH_SMALL', 50_000, 1));
  const floorCount = numberOption(values.floor, 'CARREL_BENCH_FLOOR', 2_000, 1);
  const engines = enginesOption(values.engines);
  const pageArgs = pageSize === undefined ? [] : ['--page-size', String(pageSize)];
  const dir = mkdtempSync(join(tmpdir(), 'carrel-bench-import-'));
  const smallFile = join(dir, `borrowers-${small}.tsv`);
  const largeFile = join(dir, `borrowers-${patrons}.tsv`);
  const results: EngineResult[] = [];
  try {
    // One bcrypt hash for every row (cost 8, as Koha makes them), in Koha's $2a$ spelling.
    const hash = bcrypt.hashSync('4821', 8).replace(/^\$2b\$/, '$2a$');
    say(`Writing Koha exports of ${small} and ${patrons} patrons…`);
    await writeKohaFile(smallFile, small, hash);
    await writeKohaFile(largeFile, patrons, hash);
    say(`  ${largeFile}: ${Math.round(statSync(largeFile).size / 1024 / 1024)} MB`);
    let n = 0;
    for (const engine of engines) {
      const phaseIn = async (label: string, args: string[]): Promise<Phase | undefined> => {
        const target = await freshTarget(engine, dir, n++);
        if (!target) return undefined;
        say(`${label} (${engine === 'sqlite' ? 'SQLite' : redactUrl(target.url)})…`);
        try {
          return await child([...args, '--target', target.url]);
        } finally {
          await target.drop();
        }
      };
      const floor = await phaseIn(`Floor: registering ${floorCount} patrons one by one`, ['--phase', 'floor', '--count', String(floorCount)]);
      if (!floor) continue;
      const smallRun = (await phaseIn(`Import of ${small} patrons`, ['--phase', 'import', '--file', smallFile, '--count', String(small), ...pageArgs]))!;
      const largeRun = (await phaseIn(`Import of ${patrons} patrons`, ['--phase', 'import', '--file', largeFile, '--count', String(patrons), ...pageArgs]))!;
      results.push({
        engine,
        floor,
        small: smallRun,
        large: largeRun,
        smallOverFloor: ratio(smallRun.perSecond, floor.perSecond),
        largeOverFloor: ratio(largeRun.perSecond, floor.perSecond),
        rssLargeOverSmall: ratio(largeRun.maxRssMb, smallRun.maxRssMb),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const effectivePageSize = pageSize ?? DEFAULT_PAGE_SIZE;
  if (values.json) return void process.stdout.write(`${JSON.stringify({ patrons, small, floor: floorCount, pageSize: effectivePageSize, results }, null, 2)}\n`);
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(`Patron import (Koha TSV), ${small} and ${patrons} patrons, pages of ${effectivePageSize}; floor: ${floorCount} registrations one by one (target: import / floor ≥ 1.0; RSS flat)`);
  table(
    out,
    ['phase', 'patrons', 'seconds', 'patrons/s', 'import/floor', 'peak RSS MB'],
    [32, 8, 8, 10, 12, 11],
    results.flatMap((r) => [
      [`floor: registerPatron (${r.engine})`, String(r.floor.patrons), r.floor.seconds.toFixed(2), String(r.floor.perSecond), '1.00', String(r.floor.maxRssMb)],
      [`import ${small} (${r.engine})`, String(r.small.patrons), r.small.seconds.toFixed(2), String(r.small.perSecond), r.smallOverFloor.toFixed(2), String(r.small.maxRssMb)],
      [`import ${patrons} (${r.engine})`, String(r.large.patrons), r.large.seconds.toFixed(2), String(r.large.perSecond), r.largeOverFloor.toFixed(2), String(r.large.maxRssMb)],
    ]),
  );
  for (const r of results) {
    out(`${r.engine}: peak RSS ${r.small.maxRssMb} MB at ${small}, ${r.large.maxRssMb} MB at ${patrons} (×${r.rssLargeOverSmall.toFixed(2)}; flat ≈ 1.00)`);
    const missing = r.small.notImported + r.large.notImported;
    if (missing > 0) out(`${r.engine}: ${missing} row(s) not imported (see the progress lines)`);
  }
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 100) / 100);

/** A fresh database: a SQLite file in the temp directory, or a PostgreSQL database when the server answers. */
async function freshTarget(engine: Engine, dir: string, n: number): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  if (engine === 'sqlite') {
    const url = join(dir, `carrel-${n}.db`);
    // The database and its key store go once measured: 200,000 patrons take room.
    const drop = async () => {
      for (const file of [url, keyStoreTargetFor(url)]) for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    };
    return { url, drop };
  }
  const admin = new pg.Client({ connectionString: postgresUrlOption() });
  try {
    await admin.connect();
  } catch {
    say('PostgreSQL unreachable: skipped.');
    return undefined;
  }
  const name = `carrel_bench_import_${process.pid}_${n}`;
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
