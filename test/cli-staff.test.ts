import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/storage/database.js';
import { carrel, cleanEnv, COMPILED, document } from './cli-helpers.js';
import { ENGINES, freshDatabase, type TestDatabase } from './engines.js';
import { SECRET_COST } from '../src/vault/secrets.js';

/**
 * `carrel staff add|list|disable|enable|roles|reset-password` end to end, on every engine: the operator
 * manages accounts by username; disabling ends the account's sessions; a reset password is printed once
 * and must be changed; each change is in the access log. Runs the compiled dist/: `npm run build` first.
 */

interface Account {
  id: string;
  username: string;
  libraryId: string | null;
  roles: string[];
  disabled: boolean;
  mustChangePassword: boolean;
}

const CLI_TIMEOUT = 120_000;

describe.each(ENGINES)('carrel staff on %s', (engine) => {
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
  const db = () => {
    if (!database) throw new Error('not open');
    return database.db;
  };

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
    dir = mkdtempSync(join(tmpdir(), `carrel-cli-staff-${engine}-`));
    env = cleanEnv({ CARREL_DATA_DIR: dir, CARREL_KEY_FILE: join(dir, 'carrel.key') });
    if (engine === 'sqlite') target = join(dir, 'carrel.db');
    else {
      pg = await freshDatabase('postgres');
      target = pg.target;
    }
    await ok('init');
    await ok('library', 'add', '--id', 'staff-lib', '--name', 'Staff Library');
    await ok('library', 'add', '--id', 'other-lib', '--name', 'Other Library');
    database = pg ?? openDatabase(target);
  }, CLI_TIMEOUT);
  afterAll(async () => {
    if (!pg) await database?.close();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds and lists accounts without their passwords', async () => {
    const added = document<Account & { password: string }>(await ok('staff', 'add', '--username', 'desk.one', '--library', 'staff-lib'));
    expect(added.password).toHaveLength(20);
    await ok('staff', 'add', '--username', 'desk.far', '--library', 'other-lib', '--role', 'librarian');
    const listed = await ok('staff', 'list', '--library', 'staff-lib');
    expect(document<Account[]>(listed).map((a) => [a.username, a.libraryId, a.roles, a.disabled])).toEqual([['desk.one', 'staff-lib', ['circulation'], false]]);
    expect(listed.stdout).not.toContain(added.password);
    expect(listed.stdout).not.toMatch(/argon2|hash/i);
    // A `carrel` process hashes at full cost (the test workers' own hashes are cheaper: test/secret-cost.setup.ts).
    const { password_hash } = await db().selectFrom('staff_accounts').select('password_hash').where('username', '=', 'desk.one').executeTakeFirstOrThrow();
    expect(password_hash).toMatch(new RegExp(`^\\$argon2id\\$v=19\\$m=${SECRET_COST.memoryCost},t=${SECRET_COST.timeCost},p=${SECRET_COST.parallelism}\\$`));
    expect(SECRET_COST).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const everyone = await cli('staff', 'list');
    expect(everyone.code).toBe(0);
    expect(everyone.stdout).toMatch(/^admin {2}\(consortium\) {2}admin$/m);
    expect(everyone.stdout).toMatch(/^desk\.far {2}other-lib {2}librarian$/m);
  }, CLI_TIMEOUT);

  it('disable ends every session of the account at once; enable lets it back', async () => {
    const [account] = await db().selectFrom('staff_accounts').select('id').where('username', '=', 'desk.one').execute();
    const session = (hash: string) => ({
      token_hash: hash,
      kind: 'staff',
      subject_id: account?.id as string,
      created_at: new Date().toISOString(),
      last_seen_at: new Date().toISOString(),
      idle_minutes: 30,
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await db().insertInto('sessions').values([session('a'.repeat(64)), session('b'.repeat(64))]).execute();
    const disabled = await cli('staff', 'disable', '--username', 'desk.one');
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stdout).toContain('Staff account desk.one disabled; its sessions ended.');
    expect(await db().selectFrom('sessions').select('token_hash').where('subject_id', '=', account?.id as string).execute()).toEqual([]);
    expect(document<Account[]>(await ok('staff', 'list', '--library', 'staff-lib'))[0]?.disabled).toBe(true);
    expect(document<Account>(await ok('staff', 'enable', '--username', 'desk.one')).disabled).toBe(false);
  }, CLI_TIMEOUT);

  it('roles sets the roles and moves an account; bad input is a usage mistake or a refusal, changing nothing', async () => {
    const changed = document<Account>(await ok('staff', 'roles', '--username', 'desk.one', '--role', 'librarian', 'branch-manager'));
    expect(changed.roles).toEqual(['librarian', 'branch-manager']);
    expect(document<Account>(await ok('staff', 'roles', '--username', 'desk.far', '--library', 'staff-lib')).libraryId).toBe('staff-lib');
    expect((await cli('staff', 'roles', '--username', 'desk.one')).code).toBe(2);
    expect((await cli('staff', 'roles', '--username', 'desk.one', '--role', 'wizard')).code).toBe(2);
    const unknown = await cli('--json', 'staff', 'disable', '--username', 'nobody.here');
    expect(unknown.code).toBe(1);
    expect(document<{ error: { code: string } }>(unknown).error.code).toBe('STAFF_NOT_FOUND');
    const nowhere = await cli('staff', 'roles', '--username', 'desk.one', '--library', 'no-such-lib');
    expect([nowhere.code, nowhere.stderr]).toEqual([1, expect.stringContaining('LIBRARY_NOT_FOUND')]);
    expect(document<Account[]>(await ok('staff', 'list', '--library', 'staff-lib')).find((a) => a.username === 'desk.one')?.libraryId).toBe('staff-lib');
  }, CLI_TIMEOUT);

  it('reset-password prints a new password once and marks it to be changed; every change is in the access log', async () => {
    const reset = await cli('staff', 'reset-password', '--username', 'desk.one');
    expect(reset.code, reset.stderr).toBe(0);
    const password = /password: (\S+)/.exec(reset.stdout)?.[1] ?? '';
    expect(password).toHaveLength(20);
    expect(reset.stdout).toContain('must be changed at the next log-in');
    expect(document<Account[]>(await ok('staff', 'list', '--library', 'staff-lib')).find((a) => a.username === 'desk.one')?.mustChangePassword).toBe(true);
    const actions = (await db().selectFrom('access_log').select(['action', 'chain', 'actor_kind']).where('action', 'like', 'staff.%').orderBy('seq').execute()).map(
      (e) => `${e.chain} ${e.action.split(':')[0]} ${e.actor_kind}`,
    );
    expect(actions).toEqual([
      '- staff.create system', // init's administrator
      'staff-lib staff.create system',
      'other-lib staff.create system',
      'staff-lib staff.disable system',
      'staff-lib staff.enable system',
      'staff-lib staff.roles system',
      'other-lib staff.move-out system',
      'staff-lib staff.move-in system',
      'staff-lib staff.reset-password system',
    ]);
    const verified = await cli('verify-log');
    expect(verified.code, verified.stderr).toBe(0);
    // No password in the log, nor in any answer but the one that shows it
    expect(JSON.stringify(await db().selectFrom('access_log').selectAll().execute())).not.toContain(password);
  }, CLI_TIMEOUT);

  it('every staff command has help', async () => {
    for (const command of ['list', 'disable', 'enable', 'roles', 'reset-password']) {
      const help = await cli('staff', command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: carrel staff ${command}`);
    }
  }, CLI_TIMEOUT);

  it('asks for the library when there are several, refuses libraries that do not share, and lists an account without one as reaching no patron (issue 22, defect 7)', async () => {
    const before = (await db().selectFrom('staff_accounts').select('id').execute()).length;
    const refusal = async (...args: string[]) => {
      const result = await cli('--json', ...args);
      return [result.code, document<{ error: { code: string } }>(result).error.code];
    };
    // Two libraries here: an account names its own
    expect(await refusal('staff', 'add', '--username', 'desk.nowhere')).toEqual([1, 'STAFF_LIBRARY_REQUIRED']);
    expect(await refusal('staff', 'add', '--username', 'desk.wide', '--consortium', '--role', 'librarian')).toEqual([1, 'STAFF_LIBRARY_REQUIRED']);
    // Neither library shares its patrons: an account of both is refused
    expect(await refusal('staff', 'add', '--username', 'desk.pair', '--library', 'staff-lib', '--library', 'other-lib')).toEqual([1, 'STAFF_LIBRARIES_NOT_SHARED']);
    expect(await refusal('staff', 'add', '--username', 'desk.pair', '--libraries', 'staff-lib,other-lib')).toEqual([1, 'STAFF_LIBRARIES_NOT_SHARED']);
    expect((await db().selectFrom('staff_accounts').select('id').execute()).length).toBe(before);
    // An account that only runs the system may be without a library
    expect(document<Account & { libraryIds: string[] }>(await ok('staff', 'add', '--username', 'ops.two', '--consortium', '--role', 'admin')).libraryIds).toEqual([]);
    // An account made without a library before: listed as reaching no patron until placed
    await db()
      .insertInto('staff_accounts')
      .values({ id: 'legacy-desk', library_id: null, username: 'desk.legacy', password_hash: 'x', roles: '["librarian"]', disabled: 0, must_change_password: 0, created_at: new Date().toISOString() })
      .execute();
    const everyone = await cli('staff', 'list');
    expect(everyone.stdout).toMatch(/^desk\.legacy {2}\(no library: reads no patrons until placed in one\) {2}librarian$/m);
    expect(everyone.stdout).toMatch(/^ops\.two {2}\(consortium\) {2}admin$/m);
    const placed = document<Account & { libraryIds: string[] }>(await ok('staff', 'roles', '--username', 'desk.legacy', '--library', 'staff-lib'));
    expect([placed.libraryId, placed.libraryIds]).toEqual(['staff-lib', ['staff-lib']]);
  }, CLI_TIMEOUT);
});
