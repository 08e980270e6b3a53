import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, libraryWorld, refusalCodes, type World } from '../../test/factories.js';
import { isCommonPassword, passwordProblems } from '../domain/passwords.js';
import type { Actor } from '../policy/actors.js';
import { resolveSession } from './session.usecases.js';
import { changeOwnPassword, createStaff, disableStaff, enableStaff, listStaff, login, resetStaffPassword, updateStaff } from './staff.usecases.js';

describe('staff passwords (OWASP ASVS 5.0 L2)', () => {
  const codes = (password: string, username = 'jo') => passwordProblems(password, username).map((p) => p.code);

  it('asks for 12 characters counted as code points, allows 128, and has no composition rules', () => {
    expect(codes('short phrase')).toEqual([]); // 12 characters, spaces count, no digit or capital needed
    expect(codes('eleven char')).toEqual(['PASSWORD_TOO_SHORT']);
    // Twelve emoji are 24 UTF-16 units but 12 code points: accepted; eleven are refused.
    expect(codes('🦉📚🦉📚🦉📚🦉📚🦉📚🦉📚')).toEqual([]);
    expect(codes('🦉📚🦉📚🦉📚🦉📚🦉📚🦉')).toEqual(['PASSWORD_TOO_SHORT']);
    expect(codes('a'.repeat(63) + 'b'.repeat(65))).toEqual([]);
    expect(codes('ab'.repeat(64) + 'c')).toEqual(['PASSWORD_TOO_LONG']);
  });

  it('refuses common passwords, patterns, padded common words and the username', () => {
    for (const weak of ['password1234', 'Password1234', 'qwertyuiop12', '123456789012', 'aaaaaaaaaaaa', 'Library2026!', 'welcome12345', 'adminadmin12'])
      expect(codes(weak), weak).toEqual(['PASSWORD_TOO_COMMON']);
    expect(codes('jo.smith.desk', 'jo.smith.desk')).toEqual(['PASSWORD_IS_USERNAME']);
    expect(isCommonPassword('tulips under the north reading room')).toBe(false);
  });
});

describe.each(ENGINES)('staff accounts on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let otherLibrary: string;
  let admin: Actor; // the library's administrator
  const consortiumAdmin: Actor = { kind: 'staff', id: 'root-admin', libraryId: null, roles: ['admin'] };

  const entries = (action: string) => database.db.selectFrom('access_log').selectAll().where('action', '=', action).execute();
  const sessionsOf = async (id: string) =>
    Number((await database.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('subject_id', '=', id).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    otherLibrary = (await buildLibrary(w)).library.id;
    const created = await w.act(createStaff, { username: `admin-${engine}`, libraryId, roles: ['admin'] });
    admin = { kind: 'staff', id: created.account.id, libraryId, roles: ['admin'] };
  });
  afterAll(() => database.drop());

  it('creates an account with a generated password, logged with who made it; a library administrator cannot make one consortium-wide', async () => {
    // Given the library's administrator
    // When they add a clerk
    const { account, password } = await w.act(createStaff, { username: 'clerk.create', libraryId, roles: ['circulation'] }, { actor: admin, purpose: 'administration' });
    // Then the password is 20 generated characters, and the creation is in the library's chain with the admin's id
    expect(password).toHaveLength(20);
    const [entry] = await entries(`staff.create:${account.id}`);
    expect(entry).toMatchObject({ chain: libraryId, library_id: libraryId, actor_id: admin.id, actor_role: 'admin', patron_id: null });
    // And a consortium-wide account or one in another library is refused, nothing written
    expect(await refusalCodes(w.act(createStaff, { username: 'clerk.wide', libraryId: null, roles: ['circulation'] }, { actor: admin }))).toEqual(['PERMISSION_DENIED']);
    expect(await refusalCodes(w.act(createStaff, { username: 'clerk.far', libraryId: otherLibrary, roles: ['circulation'] }, { actor: admin }))).toEqual(['LIBRARY_NOT_FOUND']);
    expect((await w.act(listStaff, {})).map((a) => a.username)).not.toContain('clerk.wide');
  });

  it('lists only the accounts of the administrator’s library, without password hashes', async () => {
    await w.act(createStaff, { username: 'clerk.elsewhere', libraryId: otherLibrary, roles: ['circulation'] });
    const mine = await w.act(listStaff, {}, { actor: admin });
    expect(mine.every((a) => a.libraryId === libraryId)).toBe(true);
    expect(mine.map((a) => a.username)).toContain('clerk.create');
    expect(JSON.stringify(mine)).not.toMatch(/argon2|password_hash|passwordHash/);
    // Consortium-wide staff see every library's, or one library's when they name it
    expect((await w.act(listStaff, {}, { actor: consortiumAdmin })).map((a) => a.username)).toContain('clerk.elsewhere');
    expect((await w.act(listStaff, { libraryId: otherLibrary }, { actor: consortiumAdmin })).map((a) => a.username)).toEqual(['clerk.elsewhere']);
    // Another library's account is out of reach, answered as not found
    expect(await refusalCodes(w.act(disableStaff, { username: 'clerk.elsewhere' }, { actor: admin }))).toEqual(['STAFF_NOT_FOUND']);
    // A clerk manages no one
    const clerk: Actor = { kind: 'staff', id: 'x', libraryId, roles: ['circulation'] };
    expect(await refusalCodes(w.act(listStaff, {}, { actor: clerk }))).toEqual(['PERMISSION_DENIED']);
  });

  it('disabling ends every session of the account in the same transaction; it cannot log in until re-enabled', async () => {
    // Given a clerk logged in twice
    const { account, password } = await w.act(createStaff, { username: 'clerk.leaving', libraryId, roles: ['circulation'] });
    const first = await w.act(login, { username: 'clerk.leaving', password });
    await w.act(login, { username: 'clerk.leaving', password });
    expect(await sessionsOf(account.id)).toBe(2);
    // When the administrator disables the account
    const disabled = await w.act(disableStaff, { id: account.id }, { actor: admin, purpose: 'administration' });
    // Then both sessions are gone, the open one resolves to nobody, and log-in is refused like a wrong password
    expect(disabled.disabled).toBe(true);
    expect(await sessionsOf(account.id)).toBe(0);
    expect(await resolveSession(w.runtime, first.token)).toBeUndefined();
    expect(await refusalCodes(w.act(login, { username: 'clerk.leaving', password }))).toEqual(['INVALID_CREDENTIALS']);
    expect(await entries(`staff.disable:${account.id}`)).toHaveLength(1);
    // When re-enabled, the same password works again
    await w.act(enableStaff, { id: account.id }, { actor: admin });
    expect((await w.act(login, { username: 'clerk.leaving', password })).staff.username).toBe('clerk.leaving');
    expect(await entries(`staff.enable:${account.id}`)).toHaveLength(1);
  });

  it('an administrator cannot disable themselves or take the admin role from themselves', async () => {
    expect(await refusalCodes(w.act(disableStaff, { id: admin.id }, { actor: admin }))).toEqual(['CANNOT_LOCK_OUT_SELF']);
    expect(await refusalCodes(w.act(updateStaff, { id: admin.id, roles: ['librarian'] }, { actor: admin }))).toEqual(['CANNOT_LOCK_OUT_SELF']);
    const [me] = (await w.act(listStaff, {}, { actor: admin })).filter((a) => a.id === admin.id);
    expect(me).toMatchObject({ disabled: false, roles: ['admin'] });
    // Adding a role to themselves is no lock-out
    expect((await w.act(updateStaff, { id: admin.id, roles: ['admin', 'librarian'] }, { actor: admin })).roles).toEqual(['admin', 'librarian']);
  });

  it('changes roles and home library, each logged; the session carries the new roles from its next request', async () => {
    const { account, password } = await w.act(createStaff, { username: 'clerk.promoted', libraryId, roles: ['circulation'] });
    const session = await w.act(login, { username: 'clerk.promoted', password });
    const changed = await w.act(updateStaff, { id: account.id, roles: ['librarian'] }, { actor: admin });
    expect(changed.roles).toEqual(['librarian']);
    expect((await resolveSession(w.runtime, session.token))?.actor).toMatchObject({ roles: ['librarian'] });
    expect(await entries(`staff.roles:${account.id}`)).toHaveLength(1);
    expect(await refusalCodes(w.act(updateStaff, { id: account.id, roles: ['wizard'] }, { actor: admin }))).toEqual(['VALIDATION_FAILED']);
    // A move to another library is for consortium-wide staff, and lands in both chains
    expect(await refusalCodes(w.act(updateStaff, { id: account.id, libraryId: otherLibrary }, { actor: admin }))).toEqual(['LIBRARY_NOT_FOUND']);
    const moved = await w.act(updateStaff, { id: account.id, libraryId: otherLibrary }, { actor: consortiumAdmin });
    expect(moved.libraryId).toBe(otherLibrary);
    expect((await entries(`staff.move-out:${account.id}`))[0]?.chain).toBe(libraryId);
    expect((await entries(`staff.move-in:${account.id}`))[0]?.chain).toBe(otherLibrary);
  });

  it('a reset password is shown once, ends the sessions, and must be changed: the change checks the current one and the rules', async () => {
    // Given a clerk with a session
    const { account, password: original } = await w.act(createStaff, { username: 'clerk.forgetful', libraryId, roles: ['circulation'] });
    const before = await w.act(login, { username: 'clerk.forgetful', password: original });
    // When the administrator resets the password
    const reset = await w.act(resetStaffPassword, { username: 'clerk.forgetful' }, { actor: admin });
    // Then the old session is gone, the old password no longer works, the new one logs in with a change pending
    expect(reset.password).not.toBe(original);
    expect(await resolveSession(w.runtime, before.token)).toBeUndefined();
    expect(await refusalCodes(w.act(login, { username: 'clerk.forgetful', password: original }))).toEqual(['INVALID_CREDENTIALS']);
    const after = await w.act(login, { username: 'clerk.forgetful', password: reset.password });
    expect(after.staff.mustChangePassword).toBe(true);
    expect((await resolveSession(w.runtime, after.token))?.mustChangePassword).toBe(true);
    expect(await entries(`staff.reset-password:${account.id}`)).toHaveLength(1);
    // When the clerk changes it: a wrong current password, a short, a common one, the username, the same one are refused
    const me: Actor = { kind: 'staff', id: account.id, libraryId, roles: ['circulation'] };
    const change = (currentPassword: string, newPassword: string) => w.act(changeOwnPassword, { currentPassword, newPassword }, { actor: me, purpose: 'administration' });
    expect(await refusalCodes(change('not the password', 'a long enough phrase here'))).toEqual(['PASSWORD_WRONG']);
    expect(await refusalCodes(change(reset.password, 'too short'))).toEqual(['PASSWORD_TOO_SHORT']);
    expect(await refusalCodes(change(reset.password, 'Password1234'))).toEqual(['PASSWORD_TOO_COMMON']);
    expect(await refusalCodes(change(reset.password, 'clerk.forgetful'))).toEqual(['PASSWORD_IS_USERNAME']);
    expect(await refusalCodes(change(reset.password, reset.password))).toEqual(['PASSWORD_UNCHANGED']);
    expect((await resolveSession(w.runtime, after.token))?.mustChangePassword).toBe(true);
    // Then a good one is taken: the change is no longer pending, old sessions end, a fresh one is given
    const fresh = await change(reset.password, 'tulips under the north reading room');
    expect(await resolveSession(w.runtime, after.token)).toBeUndefined();
    expect((await resolveSession(w.runtime, fresh.token))?.mustChangePassword).toBe(false);
    expect((await w.act(login, { username: 'clerk.forgetful', password: 'tulips under the north reading room' })).staff.mustChangePassword).toBe(false);
    expect(await entries(`staff.change-password:${account.id}`)).toHaveLength(1);
  });
});
