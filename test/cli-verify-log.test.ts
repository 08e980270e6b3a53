import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/storage/database.js';
import { carrel, cleanEnv, COMPILED, document } from './cli-helpers.js';
import { ENGINES, freshDatabase, type TestDatabase } from './engines.js';

/**
 * `carrel verify-log` end to end (DESIGN.md invariant 3): exit 0 on an intact log, exit 1 naming the first
 * broken link once a row is edited, deleted or swapped directly in the database. Runs the compiled dist/:
 * `npm run build` first.
 */

interface Verification {
  ok: boolean;
  entries: number;
  chains: { chain: string; entries: number; ok: boolean; head: { seq: number; hash: string } | null }[];
}
interface Refusal {
  error: { code: string; message: string; problems: { code: string; message: string; field?: string }[] };
}

/** Each command is a fresh node process: several of them need more than the default 30 s on a busy machine. */
const CLI_TIMEOUT = 120_000;

describe.each(ENGINES)('carrel verify-log on %s', (engine) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let target: string;
  let pg: TestDatabase | undefined;
  let database: Database | undefined;
  const cli = (...args: string[]) => carrel(['--db', target, ...args], { env, cwd: dir });
  const ok = async (...args: string[]) => {
    const result = await cli('--json', ...args);
    expect(result.code, `${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
    return result;
  };
  const chainRows = async (chain: string) => (await database?.db.selectFrom('access_log').selectAll().where('chain', '=', chain).orderBy('chain_seq').execute()) ?? [];

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
    dir = mkdtempSync(join(tmpdir(), `carrel-cli-verify-log-${engine}-`));
    env = cleanEnv({ CARREL_DATA_DIR: dir, CARREL_KEY_FILE: join(dir, 'carrel.key') });
    if (engine === 'sqlite') target = join(dir, 'carrel.db');
    else {
      pg = await freshDatabase('postgres');
      target = pg.target;
    }
    await ok('init');
    for (const lib of ['edit-lib', 'gone-lib', 'swap-lib']) {
      await ok('library', 'add', '--id', lib, '--name', `Library ${lib}`);
      for (const name of ['Verify Logmarker', 'Second Logmarker', 'Third Logmarker'])
        await ok('patron', 'add', '--library', lib, '--name', name, '--birth-date', '1980-01-01');
    }
    database = pg ?? openDatabase(target);
  }, CLI_TIMEOUT);
  afterAll(async () => {
    if (!pg) await database?.close();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 on an intact log and prints each chain’s head', async () => {
    const report = document<Verification>(await ok('verify-log'));
    expect(report.ok).toBe(true);
    // The consortium-wide chain ('-') holds the creation of the first administrator by `init`.
    expect(report.chains.map((c) => [c.chain, c.entries, c.ok])).toEqual([['-', 1, true], ['edit-lib', 3, true], ['gone-lib', 3, true], ['swap-lib', 3, true]]);
    const human = await cli('verify-log', '--library', 'edit-lib');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Access log intact: 3 entries in 1 chain/);
    expect(human.stdout).toContain(report.chains.find((c) => c.chain === 'edit-lib')?.head?.hash);
  }, CLI_TIMEOUT);

  it('exits 1 naming an edited entry, a deleted one and a swapped pair', async () => {
    // Given an entry edited, one deleted and two swapped, each in its own library's chain
    const edited = (await chainRows('edit-lib'))[1];
    await database?.db.updateTable('access_log').set({ purpose: 'statistics' }).where('seq', '=', Number(edited?.seq)).execute();
    const deleted = (await chainRows('gone-lib'))[1];
    await database?.db.deleteFrom('access_log').where('seq', '=', Number(deleted?.seq)).execute();
    const [, second, third] = await chainRows('swap-lib');
    for (const [row, chainSeq] of [[second, 100], [third, 2], [second, 3]] as const)
      await database?.db.updateTable('access_log').set({ chain_seq: chainSeq }).where('seq', '=', Number(row?.seq)).execute();

    // When the log is verified, one library at a time
    const editedRun = await cli('verify-log', '--library', 'edit-lib');
    const goneRun = await cli('verify-log', '--library', 'gone-lib');
    const swapRun = await cli('verify-log', '--library', 'swap-lib');
    // Then each exits 1 and names the first broken link
    expect([editedRun.code, goneRun.code, swapRun.code]).toEqual([1, 1, 1]);
    expect(editedRun.stdout).toMatch(/Access log BROKEN/);
    expect(editedRun.stderr).toMatch(/ACCESS_LOG_BROKEN: The access log is broken at chain edit-lib, entry 2 \(row \d+\): edited\./);
    expect(goneRun.stderr).toMatch(/chain gone-lib, entry 2: missing\. Entry 2 is missing\./);
    expect(swapRun.stderr).toMatch(/chain swap-lib, entry 2 \(row \d+\): reordered\./);

    // And the whole log, as JSON, is one refusal naming every broken chain
    const all = await cli('--json', 'verify-log');
    expect(all.code).toBe(1);
    const refusal = document<Refusal>(all);
    expect(refusal.error.code).toBe('ACCESS_LOG_BROKEN');
    expect(refusal.error.problems.map((p) => p.field)).toEqual(['edit-lib', 'gone-lib', 'swap-lib']);
    // No personal data in what was printed
    expect(`${all.stdout}${editedRun.stdout}${editedRun.stderr}`).not.toMatch(/Logmarker/);
  }, CLI_TIMEOUT);

  it('does not re-sign a log someone unchained: every start leaves unchained entries unchained, and verify-log exits 1', async () => {
    // Given the whole log unchained behind Carrel's back, heads gone, as if from before the chain existed
    await database?.db.updateTable('access_log').set({ chain: null, chain_seq: null, hash: null }).execute();
    await database?.db.deleteFrom('access_log_heads').execute();
    // When commands open the database again (each opening would chain legacy entries, were it allowed to)
    await ok('library', 'add', '--id', 'after-lib', '--name', 'Library after');
    const run = await cli('verify-log');
    // Then the entries are reported, never vouched for
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).toMatch(/unchained/);
  }, CLI_TIMEOUT);
});
