import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/storage/database.js';
import { carrel, cliWorkspace, COMPILED, document } from './cli-helpers.js';
import { ENGINES, type TestDatabase } from './engines.js';

/**
 * `carrel lists overdue|pull|expired-holds|in-transit|done` end to end on SQLite and PostgreSQL, with a
 * day of circulation made through the CLI (`--as-of` for the loans gone overdue). Runs the compiled
 * dist/: `npm run build` first.
 */

interface Overdue {
  itemBarcode: string;
  branchCode: string;
  dueOn: string;
  daysOverdue: number;
  contact: { name: string; channel: string; address: string | null } | null;
}
interface Refusal {
  error: { code: string };
}

/** Each command is a fresh node process: several of them need more than the default 30 s on a busy machine. */
const CLI_TIMEOUT = 180_000;

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

describe.each(ENGINES)('carrel lists on %s', (engine) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let target: string;
  let pg: TestDatabase | undefined;
  let database: Database | undefined;
  const cli = (...args: string[]) => carrel(['--db', target, ...args], { env, cwd: dir });
  const json = async <T>(...args: string[]) => {
    const result = await cli('--json', ...args);
    expect(result.code, `${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
    return document<T>(result);
  };

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
    ({ dir, env, target, pg } = await cliWorkspace(engine, 'lists'));
    await json('init');
    await json('library', 'add', '--id', 'lists-lib', '--name', 'Lists Library');
    database = pg ?? openDatabase(target);
    // A second branch, added directly: the branch commands are another part of issue 15.
    await database.db.insertInto('branches').values({ id: `east-${engine}`, library_id: 'lists-lib', code: 'east', name: 'East Branch', address: null, opening_hours: '{}' }).execute();
    const patron = await json<{ cardNumber: string }>('patron', 'add', '--library', 'lists-lib', '--name', 'Olive Listmarker', '--birth-date', '1980-01-01', '--email', 'olive@example.org');
    const card = patron.cardNumber;
    const item = (barcode: string, branch: string) => json('item', 'add', '--library', 'lists-lib', '--barcode', barcode, '--title', `Title ${barcode}`, '--branch', branch);
    for (const [barcode, branch] of [['LATE40', 'main'], ['LATE25', 'east'], ['PULL1', 'main'], ['TRANS1', 'main'], ['SHELF1', 'main']] as const) await item(barcode, branch);
    // Two loans out since 40 and 25 days ago (21-day loans): 19 and 4 days overdue.
    await json('checkout', '--card', card, '--item', 'LATE40', '--as-of', daysAgo(40));
    await json('checkout', '--card', card, '--item', 'LATE25', '--as-of', daysAgo(25));
    // Holds on items on the shelves: one to pull, one pulled for east (in transit), one pulled then cancelled.
    await json('holds', 'place', '--card', card, '--item', 'PULL1');
    await json('holds', 'place', '--card', card, '--item', 'TRANS1', '--pickup', 'east');
    await json('lists', 'done', '--library', 'lists-lib', '--item', 'TRANS1');
    const cancelled = await json<{ id: string }>('holds', 'place', '--card', card, '--item', 'SHELF1');
    await json('lists', 'done', '--library', 'lists-lib', '--item', 'SHELF1');
    await json('holds', 'cancel', '--id', cancelled.id);
  }, CLI_TIMEOUT);
  afterAll(async () => {
    if (!pg) await database?.close();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists items overdue, most overdue first, by branch and minimum days, naming no patron', async () => {
    const all = await json<Overdue[]>('lists', 'overdue', '--library', 'lists-lib');
    expect(all.map((r) => [r.itemBarcode, r.branchCode, r.daysOverdue])).toEqual([
      ['LATE40', 'main', 19],
      ['LATE25', 'east', 4],
    ]);
    expect(all.every((r) => r.contact === null)).toBe(true);
    expect((await json<Overdue[]>('lists', 'overdue', '--library', 'lists-lib', '--branch', 'east')).map((r) => r.itemBarcode)).toEqual(['LATE25']);
    expect((await json<Overdue[]>('lists', 'overdue', '--library', 'lists-lib', '--min-days', '5')).map((r) => r.itemBarcode)).toEqual(['LATE40']);
    // A week later both are a week further overdue
    expect((await json<Overdue[]>('lists', 'overdue', '--library', 'lists-lib', '--as-of', daysAgo(-7))).map((r) => r.daysOverdue)).toEqual([26, 11]);

    // The operator recovering materials sees the name; the patron chose no notices, so no address
    const recovery = await json<Overdue[]>('lists', 'overdue', '--library', 'lists-lib', '--purpose', 'materials-recovery');
    expect(recovery[0]?.contact).toEqual({ name: 'Olive Listmarker', channel: 'none', address: null });

    // A plain table for printing, with no patron
    const human = await cli('lists', 'overdue', '--library', 'lists-lib');
    expect(human.code).toBe(0);
    const lines = human.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^barcode\s+title\s+branch\s+due\s+days overdue$/);
    expect(lines[1]).toMatch(/^LATE40\s+Title LATE40\s+main\s+\d{4}-\d{2}-\d{2}\s+19$/);
    expect(human.stdout).not.toContain('Olive');
  }, CLI_TIMEOUT);

  it('lists holds to pull, expired holds to reshelve and items in transit, with no patron field', async () => {
    const pull = await json<Record<string, unknown>[]>('lists', 'pull', '--library', 'lists-lib');
    expect(pull.map((r) => [r.itemBarcode, r.branchCode, r.pickupBranchCode])).toEqual([['PULL1', 'main', 'main']]);
    for (const row of pull) expect(Object.keys(row).sort()).toEqual(['author', 'branchCode', 'itemBarcode', 'itemType', 'pickupBranchCode', 'since', 'title']);
    expect(await json('lists', 'pull', '--library', 'lists-lib', '--branch', 'east')).toEqual([]);
    const pullTable = await cli('lists', 'pull', '--library', 'lists-lib');
    expect(pullTable.stdout).toMatch(/^barcode\s+title\s+author\s+type\s+branch\s+pick-up at\s+since\n/);
    expect(pullTable.stdout).not.toContain('Olive');

    const reshelve = await json<{ shelfCode: string; itemBarcode: string; branchCode: string }[]>('lists', 'expired-holds', '--library', 'lists-lib');
    expect(reshelve).toEqual([expect.objectContaining({ shelfCode: expect.stringMatching(/^[0-9A-F]{4}-[0-9A-F]{4}$/), itemBarcode: 'SHELF1', branchCode: 'main' })]);

    const transit = await json<{ itemBarcode: string; fromBranchCode: string; toBranchCode: string }[]>('lists', 'in-transit', '--library', 'lists-lib');
    expect(transit.map((r) => [r.itemBarcode, r.fromBranchCode, r.toBranchCode])).toEqual([['TRANS1', 'main', 'east']]);

    // Received at eastside: off the list; a second time is refused with its code
    const barcode = transit[0]?.itemBarcode as string;
    expect(await json('lists', 'done', '--library', 'lists-lib', '--item', barcode)).toEqual({ itemBarcode: barcode, done: 'received', next: 'hold-shelf' });
    expect(await json('lists', 'in-transit', '--library', 'lists-lib')).toEqual([]);
    const again = await cli('--json', 'lists', 'done', '--library', 'lists-lib', '--item', barcode);
    expect(again.code).toBe(1);
    expect(document<Refusal>(again).error.code).toBe('ITEM_NOT_ON_LIST');

    // Every look is in the access log's library chain
    const looks = await database?.db.selectFrom('access_log').select('action').where('library_id', '=', 'lists-lib').where('action', 'like', 'list-%').execute();
    const actions = new Set(looks?.map((e) => e.action));
    for (const action of ['list-viewed:pull', 'list-viewed:pull:east', 'list-viewed:expired-holds', 'list-viewed:in-transit', `list-done:transit:${barcode}`]) expect(actions).toContain(action);
  }, CLI_TIMEOUT);

  it('refuses a bad flag with exit 2 and an unknown branch with exit 1', async () => {
    expect((await cli('lists', 'overdue', '--library', 'lists-lib', '--min-days', '0')).code).toBe(2);
    expect((await cli('lists', 'pull')).code).toBe(2);
    const branch = await cli('--json', 'lists', 'pull', '--library', 'lists-lib', '--branch', 'nowhere');
    expect(branch.code).toBe(1);
    expect(document<Refusal>(branch).error.code).toBe('BRANCH_NOT_FOUND');
  }, CLI_TIMEOUT);
});
