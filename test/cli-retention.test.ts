import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/storage/database.js';
import { spawn } from 'node:child_process';
import { BIN, carrel, cleanEnv, cliWorkspace, COMPILED, document, type CliWorkspace } from './cli-helpers.js';
import { ENGINES } from './engines.js';

/**
 * `carrel retention run` end to end on a SQLite database the CLI itself prepared, moving the clock with
 * `--as-of` (CB-F3: history kept twelve months, longer while the item is out; IF-3: the link goes on
 * return), and `carrel profiles list|check`. Runs the compiled dist/: `npm run build` first.
 */

interface Report {
  asOf: string;
  dryRun: boolean;
  libraries: { libraryId: string; profileId: string; runId: string | null; categories: { category: string; clause: string; disposed: number; kept: number; skipped?: unknown }[] }[];
}
interface ExportDocument {
  loans: { itemBarcode: string; status: string }[];
}

/** Today plus `days`, as YYYY-MM-DD (UTC): an `--as-of` date after the patrons' registration. */
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** Each command is a fresh node process (a few seconds on a busy machine): ten of them need more than the default 30 s. */
const CLI_TIMEOUT = 120_000;
const plusMonths = (date: string, months: number) => DateTime.fromISO(date, { zone: 'utc' }).plus({ months }).toISODate() ?? '';

describe('carrel retention on sqlite', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let target: string;
  let database: Database | undefined;
  const json = (...args: string[]) => carrel(['--db', target, '--json', ...args], { env, cwd: dir });
  const ok = async (...args: string[]) => {
    const result = await json(...args);
    expect(result.code, `${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
    return result;
  };
  const card = async (library: string) => document<{ cardNumber: string }>(await ok('patron', 'add', '--library', library, '--name', 'Cli Plaintextmarker', '--birth-date', '1980-01-01')).cardNumber;
  const exported = async (cardNumber: string, asOf: string) => document<ExportDocument>(await ok('export-patron', '--card', cardNumber, '--as-of', asOf)).loans.map((l) => l.itemBarcode).sort();
  const retain = async (...args: string[]) => document<Report>(await ok('retention', 'run', ...args));
  const categoryOf = (report: Report, name: string) => report.libraries[0]?.categories.find((c) => c.category === name);

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
    dir = mkdtempSync(join(tmpdir(), 'carrel-cli-retention-'));
    env = cleanEnv({ CARREL_DATA_DIR: dir, CARREL_KEY_FILE: join(dir, 'carrel.key') });
    target = join(dir, 'carrel.db');
    await ok('init');
    await ok('library', 'add', '--id', 'cb-lib', '--name', 'Carlsbad (CLI)', '--profile', 'carlsbad-nm');
    await ok('library', 'add', '--id', 'if-lib', '--name', 'ImagineIF (CLI)', '--profile', 'imagineif-mt');
    database = openDatabase(target);
  }, CLI_TIMEOUT);
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('carlsbad-nm: with --as-of, history is there at 11 months, gone at 13; the unreturned item keeps its loan (CB-F3)', async () => {
    // Given a patron who borrowed two books and returned one a week later
    const cardNumber = await card('cb-lib');
    const csv = join(dir, 'cb-items.csv');
    writeFileSync(csv, 'barcode,title\nCB-RET,Returned Book\nCB-OUT,Unreturned Book\n');
    await ok('item', 'import', csv, '--library', 'cb-lib');
    const out = daysFromNow(1);
    const back = daysFromNow(8);
    await ok('checkout', '--card', cardNumber, '--item', 'CB-RET', '--as-of', out);
    await ok('checkout', '--card', cardNumber, '--item', 'CB-OUT', '--as-of', out);
    await ok('checkin', '--item', 'CB-RET', '--as-of', back);
    // When retention runs as of 11 months after the return, Then the export still shows it
    const eleven = await retain('--library', 'cb-lib', '--as-of', plusMonths(back, 11));
    expect(eleven.asOf.slice(0, 10)).toBe(plusMonths(back, 11));
    expect(categoryOf(eleven, 'circulation')).toMatchObject({ disposed: 0, clause: 'CB-F3' });
    expect(await exported(cardNumber, plusMonths(back, 11))).toEqual(['CB-OUT', 'CB-RET']);
    // When it runs as of 13 months after, Then the returned loan is gone and the unreturned one stays
    const thirteen = await retain('--library', 'cb-lib', '--as-of', plusMonths(back, 13));
    expect(categoryOf(thirteen, 'circulation')).toMatchObject({ disposed: 1, clause: 'CB-F3' });
    expect(await exported(cardNumber, plusMonths(back, 13))).toEqual(['CB-OUT']);
    // And the annual inactive sweep of CB-F3 was done at the first run, so this one skipped it
    expect(categoryOf(thirteen, 'inactive-patrons')?.skipped).toMatchObject({ reason: 'sweep-not-due' });
  }, CLI_TIMEOUT);

  it('imagineif-mt: --dry-run reports what would go and changes nothing; the real run then does it (IF-3)', async () => {
    const cardNumber = await card('if-lib');
    await ok('item', 'add', '--library', 'if-lib', '--barcode', 'IF-1', '--title', 'A Montana Book');
    await ok('checkout', '--card', cardNumber, '--item', 'IF-1', '--as-of', daysFromNow(1));
    await ok('checkin', '--item', 'IF-1', '--as-of', daysFromNow(3));
    const receipts = async () => Number((await database!.db.selectFrom('retention_receipts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await receipts();
    // When a dry run looks, Then it counts the loan, leaves it, and leaves no receipt
    const dry = await retain('--library', 'if-lib', '--dry-run', '--as-of', daysFromNow(4));
    expect(dry).toMatchObject({ dryRun: true, libraries: [{ libraryId: 'if-lib', runId: null }] });
    expect(categoryOf(dry, 'circulation')).toMatchObject({ disposed: 1, clause: 'IF-3' });
    expect(await exported(cardNumber, daysFromNow(4))).toEqual(['IF-1']);
    expect(await receipts()).toBe(before);
    // When the real run comes, Then the export shows no loan, and a receipt per category is left
    const real = await retain('--library', 'if-lib', '--as-of', daysFromNow(4));
    expect(categoryOf(real, 'circulation')?.disposed).toBe(1);
    expect(await exported(cardNumber, daysFromNow(4))).toEqual([]);
    expect(await receipts()).toBe(before + (real.libraries[0]?.categories.filter((c) => !c.skipped).length ?? 0));
    // The report names no patron and no item
    expect(JSON.stringify(real)).not.toMatch(/Plaintextmarker|IF-1|Montana/);
  }, CLI_TIMEOUT);

  it('profiles list --json names the six shipped profiles', async () => {
    const list = document<{ id: string; version: number; file: string }[]>(await ok('profiles', 'list'));
    expect(list.map((p) => p.id)).toEqual(expect.arrayContaining(['strict-default', 'rio-rancho-nm', 'carlsbad-nm', 'jackson-county-or', 'ridgefield-ct', 'imagineif-mt']));
    expect(list.every((p) => p.version >= 1 && p.file.endsWith('.yaml'))).toBe(true);
  });

  it('profiles check: a valid file passes; a broken one exits 2 naming the file, the field and the problem', async () => {
    const good = join(dir, 'carlsbad-nm.yaml');
    writeFileSync(good, readFileSync(join(process.cwd(), 'profiles', 'carlsbad-nm.yaml'), 'utf8'));
    expect(document(await ok('profiles', 'check', good))).toMatchObject({ valid: true, id: 'carlsbad-nm' });

    const broken = join(dir, 'my-library.yaml');
    writeFileSync(broken, readFileSync(good, 'utf8').replace('id: carlsbad-nm', 'id: my-library').replace('months: 12\n    clause: CB-F3\n  reading_history', 'months: twelve\n    clause: CB-F3\n  reading_history'));
    const result = await json('profiles', 'check', broken);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(broken);
    expect(result.stderr).toContain('retention.loans.months');
    expect(result.stderr).toMatch(/number|integer/i);

    const misnamed = join(dir, 'other-name.yaml');
    writeFileSync(misnamed, readFileSync(good, 'utf8'));
    const wrongId = await json('profiles', 'check', misnamed);
    expect(wrongId.code).toBe(2);
    expect(wrongId.stderr).toMatch(/other-name\.yaml: id: must match the file name/);
  }, CLI_TIMEOUT);
});

/**
 * A retention run killed with SIGKILL (issue 22, defect 9): a rerun with the same `--as-of` takes the dead
 * run over at once, on both engines. The lease is kept on the wall clock and the owner's process, never on
 * the run's clock, which `--as-of` stands still.
 */
describe.each(ENGINES)('a killed retention run on %s', (engine) => {
  let workspace: CliWorkspace;
  let database: Database;
  const json = (...args: string[]) => carrel(['--db', workspace.target, '--json', ...args], { env: workspace.env, cwd: workspace.dir });
  const ok = async (...args: string[]) => {
    const result = await json(...args);
    expect(result.code, `${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
    return result;
  };
  const LOANS = 1500;

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
    workspace = await cliWorkspace(engine, 'retention-kill');
    await ok('init');
    await ok('library', 'add', '--id', 'kill-lib', '--name', 'Killed Run Library', '--profile', 'imagineif-mt');
    await ok('patron', 'add', '--library', 'kill-lib', '--name', 'Kill Ninerun', '--birth-date', '1980-01-01');
    await ok('item', 'add', '--library', 'kill-lib', '--barcode', 'KILL-1', '--title', 'A Long Run');
    database = openDatabase(workspace.target);
    // Many returned loans (IF-3: each goes at the next run), so the run is still at work when it is killed.
    const patron = await database.db.selectFrom('patrons').select('id').where('library_id', '=', 'kill-lib').executeTakeFirstOrThrow();
    const item = await database.db.selectFrom('items').select(['id', 'branch_id']).where('barcode', '=', 'KILL-1').executeTakeFirstOrThrow();
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const rows = Array.from({ length: LOANS }, (_, i) => ({ id: `kill-loan-${String(i).padStart(5, '0')}`, library_id: 'kill-lib', patron_id: patron.id, item_id: item.id, branch_id: item.branch_id, checked_out_at: at, due_at: at, renewals: 0, status: 'returned', ended_at: at }));
    for (let i = 0; i < rows.length; i += 200) await database.db.insertInto('loans').values(rows.slice(i, i + 200)).execute();
  }, CLI_TIMEOUT);
  afterAll(async () => {
    await database?.close();
    await workspace.pg?.drop();
    rmSync(workspace.dir, { recursive: true, force: true });
  });

  const loansLeft = async () => Number((await database.db.selectFrom('loans').select((eb) => eb.fn.countAll<number>().as('n')).where('library_id', '=', 'kill-lib').executeTakeFirstOrThrow()).n);

  it('a rerun with the same --as-of takes over the killed run at once and finishes the job', async () => {
    const asOf = daysFromNow(2);
    // Given a run killed (SIGKILL) part-way, pages of one loan each
    const child = spawn(process.execPath, [BIN, '--db', workspace.target, '--json', 'retention', 'run', '--library', 'kill-lib', '--as-of', asOf, '--page-size', '1'], { env: workspace.env, cwd: workspace.dir });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    let killedRun: string | undefined;
    for (let waited = 0; waited < 60_000 && child.exitCode === null; waited += 20) {
      const running = await database.db.selectFrom('retention_runs').select('id').where('library_id', '=', 'kill-lib').where('status', '=', 'running').executeTakeFirst();
      if (running && (await loansLeft()) < LOANS) {
        child.kill('SIGKILL');
        killedRun = running.id;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await exited;
    expect(killedRun, 'the run finished before it could be killed').toBeDefined();
    expect(child.signalCode).toBe('SIGKILL');
    expect(await loansLeft()).toBeGreaterThan(0);

    // When it is run again at once, with the same --as-of
    const started = Date.now();
    const again = await json('retention', 'run', '--library', 'kill-lib', '--as-of', asOf);
    // Then it takes over (no RETENTION_RUN_IN_PROGRESS, no ten minutes' wait) and finishes the job
    expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    const report = document<Report & { libraries: { resumedFrom: string | null }[] }>(again);
    expect(report.libraries[0]?.resumedFrom).toBe(killedRun);
    expect(await loansLeft()).toBe(0);
    const killed = await database.db.selectFrom('retention_runs').select('status').where('id', '=', killedRun ?? '').executeTakeFirstOrThrow();
    expect(killed.status).toBe('interrupted');
  }, 180_000);
});
