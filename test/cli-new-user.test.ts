import { createServer, type AddressInfo, type Server } from 'node:net';
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carrel, cliWorkspace, COMPILED, document, type Run } from './cli-helpers.js';
import { ENGINES, freshDatabase, type TestDatabase } from './engines.js';

/**
 * What a new user meets first, through the compiled `carrel` on each engine: a missing key file is
 * refused in the README's words with a stable code by every command; an item file's header is checked
 * before its rows; due dates print as the library's local date; `carrel start` on a port that is taken
 * creates nothing and prints no password.
 */
interface ErrorDocument {
  error: { code: string; message: string; problems?: { code: string; message: string; field?: string }[] };
}

const LIBRARY = 'nu-lib';

beforeAll(() => {
  if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
});

describe.each(ENGINES)('a new user on %s', (engine) => {
  let dir: string;
  let target: string;
  let env: NodeJS.ProcessEnv;
  let pg: TestDatabase | undefined;
  let card: string;
  const json = (...args: string[]) => carrel(['--db', target, '--json', ...args], { env, cwd: dir });
  const human = (...args: string[]) => carrel(['--db', target, ...args], { env, cwd: dir });
  const ok = async <T = Record<string, unknown>>(...args: string[]): Promise<T> => {
    const run = await json(...args);
    expect(run.code, `${args.join(' ')}: ${run.stdout}${run.stderr}`).toBe(0);
    return document<T>(run);
  };

  beforeAll(async () => {
    ({ dir, env, target, pg } = await cliWorkspace(engine, 'new-user'));
    await ok('init');
    await ok('library', 'add', '--id', LIBRARY, '--name', 'New User Library', '--time-zone', 'America/Denver');
    card = (await ok<{ cardNumber: string }>('patron', 'add', '--library', LIBRARY, '--name', 'Nora Newcomer', '--birth-date', '1980-04-04')).cardNumber;
    for (const barcode of ['NU-1', 'NU-2']) await ok('item', 'add', '--library', LIBRARY, '--barcode', barcode, '--title', `Book ${barcode}`);
  });
  afterAll(async () => {
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a due date as the library’s local date, and keeps the instant in the JSON beside the local day', async () => {
    // Given a library in America/Denver, where a library day ends at 06:59:59.999 UTC the next day
    const lent = await ok<{ dueAt: string; dueOn: string }>('checkout', '--card', card, '--item', 'NU-1', '--as-of', '2026-12-04T18:00:00Z');
    const localDue = DateTime.fromISO(lent.dueAt, { zone: 'America/Denver' });
    expect(localDue.toFormat('HH:mm:ss.SSS')).toBe('23:59:59.999');
    expect(lent.dueOn).toBe(localDue.toISODate());
    expect(lent.dueAt.slice(0, 10)).not.toBe(lent.dueOn); // the UTC date is the next day

    // When a person reads the check-out, the renewal and renew-all
    const out = await human('checkout', '--card', card, '--item', 'NU-2', '--as-of', '2026-12-04T18:00:00Z');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`due ${lent.dueOn}.`);
    expect(out.stdout).not.toMatch(/\d{4}-\d\d-\d\dT/);

    const renewed = await human('renew', '--item', 'NU-1', '--as-of', '2026-12-10T18:00:00Z');
    expect(renewed.code, renewed.stderr).toBe(0);
    const renewedJson = await ok<{ dueAt: string; dueOn: string }>('renew', '--item', 'NU-2', '--as-of', '2026-12-10T18:00:00Z');
    expect(renewedJson.dueOn).toBe(DateTime.fromISO(renewedJson.dueAt, { zone: 'America/Denver' }).toISODate());
    expect(renewed.stdout).toContain(`now due ${renewedJson.dueOn} `);
    expect(renewed.stdout).not.toMatch(/\d{4}-\d\d-\d\dT/);

    const all = await human('renew-all', '--card', card, '--as-of', '2026-12-20T18:00:00Z');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });

  it('refuses an item file with misspelt columns on line 1, naming each with the closest known column', async () => {
    const file = join(dir, 'misspelt.csv');
    writeFileSync(file, 'barcode,title,autor,replacment_cost\nNU-M1,Misspelt Columns,Someone,12.50\n');
    const refused = await json('item', 'import', file, '--library', LIBRARY);
    expect(refused.code).toBe(1);
    const error = document<ErrorDocument>(refused).error;
    expect(error.code).toBe('IMPORT_FAILED');
    const messages = (error.problems ?? []).map((p) => p.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^line 1: unknown column "autor" \(did you mean "author"\?\)/);
    expect(messages[1]).toMatch(/^line 1: unknown column "replacment_cost" \(did you mean "replacement_cost"\?\)/);
    // Nothing from the file was written.
    expect((await json('checkout', '--card', card, '--item', 'NU-M1')).stdout).toContain('ITEM_NOT_FOUND');

    const plain = await human('item', 'import', file, '--library', LIBRARY);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^carrel: IMPORT_FAILED: line 1: unknown column "autor"/m);
  });

  it('reports a header without barcode as the header’s problem (line 1), not as a bad barcode on line 2', async () => {
    const file = join(dir, 'no-barcode.csv');
    writeFileSync(file, 'title,author\nNo Barcode Here,Someone\n');
    const refused = await json('item', 'import', file, '--library', LIBRARY);
    expect(refused.code).toBe(1);
    const error = document<ErrorDocument>(refused).error;
    expect(error.code).toBe('IMPORT_FAILED');
    const problems = error.problems ?? [];
    expect(problems.map((p) => p.message)).toEqual(['line 1: the header has no "barcode" column, which every item needs.']);
    expect(problems[0]?.field).toBe('barcode');
  });

  it('answers a missing key file on every command with the README’s message and KEY_FILE_MISSING, never ENOENT', async () => {
    const keyFile = join(dir, 'carrel.key');
    const csv = join(dir, 'fine.csv');
    writeFileSync(csv, 'barcode,title\nNU-K1,Key Test\n');
    renameSync(keyFile, `${keyFile}.away`);
    try {
      const commands = [
        ['library', 'add', '--id', 'other', '--name', 'Other'],
        ['patron', 'find', '--name', 'Nora'],
        ['export-patron', '--card', card],
        ['checkout', '--card', card, '--item', 'NU-1'],
        ['item', 'import', csv, '--library', LIBRARY],
        ['keys', 'status'],
        ['keys', 'rotate'],
        ['verify-log'],
        ['lists', 'overdue', '--library', LIBRARY],
        ['jobs', 'list'],
      ];
      const check = (args: string[], run: Run, asJson: boolean) => {
        const what = `${args.join(' ')}${asJson ? ' --json' : ''}: ${run.stdout}${run.stderr}`;
        expect(run.code, what).toBe(3);
        expect(`${run.stdout}${run.stderr}`, what).not.toMatch(/ENOENT|INTERNAL_ERROR/);
        if (asJson) {
          const error = document<ErrorDocument>(run).error;
          expect(error.code, what).toBe('KEY_FILE_MISSING');
          expect(error.message, what).toBe(`The key file ${keyFile} does not exist; run \`carrel init\`, restore the key file, or set CARREL_KEY_FILE.`);
        } else expect(run.stderr, what).toBe(`carrel: KEY_FILE_MISSING: The key file ${keyFile} does not exist; run \`carrel init\`, restore the key file, or set CARREL_KEY_FILE.\n`);
      };
      for (const args of commands) check(args, await json(...args), true);
      for (const args of commands.slice(0, 3)) check(args, await human(...args), false);
      // init and start never answer a lost key file with a new one (the key store, or the vault, refuses it).
      for (const args of [['init'], ['start', '--port', '0', '--no-demo']]) {
        const run = await json(...args);
        expect(run.code, run.stdout + run.stderr).toBe(3);
        expect(document<ErrorDocument>(run).error.code).toBe(engine === 'sqlite' ? 'KEY_FILE_MISSING' : 'VAULT_REFUSED');
        expect(run.stdout).not.toMatch(/password/i);
        expect(existsSync(keyFile)).toBe(false);
      }
    } finally {
      renameSync(`${keyFile}.away`, keyFile);
    }
    expect((await json('keys', 'status')).code).toBe(0);
  });

  it('stops every command on a proxy setting it cannot use, with CONFIG_INVALID and exit 2, never a stack trace', async () => {
    for (const args of [['--help'], ['library', 'settings', '--library', LIBRARY], ['--json', 'patron', 'show', '--card', card]]) {
      const run = await carrel(['--db', target, ...args], { env: { ...env, CARREL_TRUST_PROXY: 'every-hop' }, cwd: dir });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('carrel: CONFIG_INVALID: CARREL_TRUST_PROXY is false, a number of proxies');
      expect(run.stderr).not.toMatch(/\bat .+\.js:\d+/);
    }
  });

  it('stops on a lane count it cannot use, CARREL_ACCESS_LANES with CONFIG_INVALID and exit 2, --access-lanes with VALIDATION_FAILED', async () => {
    const run = await carrel(['--db', target, 'library', 'settings', '--library', LIBRARY], { env: { ...env, CARREL_ACCESS_LANES: '0' }, cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('carrel: CONFIG_INVALID: CARREL_ACCESS_LANES is a whole number of lanes from 1 to 64');
    const start = await carrel(['--db', join(dir, 'never'), '--json', 'start', '--port', '0', '--access-lanes', 'many'], { env, cwd: dir });
    expect(start.code).not.toBe(0);
    expect(start.stdout + start.stderr).toContain('--access-lanes is a whole number of lanes from 1 to 64');
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('starts on a port already in use without creating a database, a key file or an administrator', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const port = (taken.address() as AddressInfo).port;
    const fresh = join(dir, 'fresh');
    // A new installation: on SQLite a new file, on PostgreSQL a new database (migrated from the template, with no administrator yet).
    const pgFresh = engine === 'postgres' ? await freshDatabase('postgres') : undefined;
    const freshTarget = pgFresh?.target ?? join(fresh, 'carrel.db');
    const freshEnv = { ...env, CARREL_DATA_DIR: fresh, CARREL_KEY_FILE: join(fresh, 'carrel.key') };
    try {
      for (const asJson of [true, false]) {
        const run = await carrel(['--db', freshTarget, ...(asJson ? ['--json'] : []), 'start', '--port', String(port), '--host', '127.0.0.1'], { env: freshEnv, cwd: dir });
        expect(run.code, run.stdout + run.stderr).toBe(3);
        expect(run.stdout + run.stderr).not.toMatch(/password/i);
        if (asJson) expect(document<ErrorDocument>(run).error.code).toBe('PORT_IN_USE');
        else expect(run.stderr).toMatch(new RegExp(`^carrel: PORT_IN_USE: the address 127\\.0\\.0\\.1:${port} is already in use`, 'm'));
        expect(existsSync(fresh) ? readdirSync(fresh) : []).toEqual([]);
      }
      // The installation is still new: its first `init` creates the first administrator.
      const init = await carrel(['--db', freshTarget, '--json', 'init'], { env: freshEnv, cwd: dir });
      expect(init.code, init.stdout + init.stderr).toBe(0);
      expect(document<{ admin: { username: string } | null }>(init).admin).not.toBeNull();
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      await pgFresh?.drop();
    }
  });
});
