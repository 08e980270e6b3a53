import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/storage/database.js';
import { carrel, cleanEnv, COMPILED, document } from './cli-helpers.js';

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
