import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, libraryWorld, type World } from '../../test/factories.js';
import { startServer, type Answer, type TestServer } from '../../test/http.js';
import { createStaff } from '../usecases/staff.usecases.js';

/**
 * Staff accounts over real HTTP, on every engine: an administrator adds, lists, disables and resets; a
 * disabled member's open session stops working on its next request; a reset password lets the member
 * log in but do nothing except change it; the change is throttled like a log-in.
 */
describe.each(ENGINES)('staff accounts over HTTP on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let server: TestServer;
  const admin = { username: `admin-${engine}`, password: '' };
  let adminCookie: string;
  const logLines: string[] = [];

  /** The session cookie a response sets (`carrel_session=…`). */
  const cookieOf = (answer: Answer) => (answer.headers.getSetCookie().find((c) => c.startsWith('carrel_session=')) as string).split(';')[0] as string;

  async function addClerk(username: string) {
    const created = await server.call('POST', '/staff', { cookie: adminCookie, body: { username, libraryId, roles: ['circulation'] } });
    expect(created.status).toBe(201);
    return { id: created.body.account.id as string, credentials: { username, password: created.body.password as string } };
  }

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    admin.password = (await w.act(createStaff, { username: admin.username, libraryId, roles: ['admin'] })).password;
    server = await startServer(w, { onLog: (line) => logLines.push(line), loginThrottle: { limit: 4, windowMinutes: 15 } });
    adminCookie = await server.login(admin);
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('lists the library’s accounts without password hashes; a clerk may not', async () => {
    const clerk = await addClerk('clerk.listed');
    const list = await server.call('GET', '/staff', { cookie: adminCookie });
    expect(list.status).toBe(200);
    expect(list.body).toEqual(expect.arrayContaining([expect.objectContaining({ id: clerk.id, username: 'clerk.listed', roles: ['circulation'], disabled: false, mustChangePassword: false })]));
    expect(list.text).not.toMatch(/argon2|hash/i);
    const clerkCookie = await server.login(clerk.credentials);
    expect((await server.call('GET', '/staff', { cookie: clerkCookie })).body.error.code).toBe('PERMISSION_DENIED');
    // Another library's accounts are out of the administrator's reach
    const far = (await buildLibrary(w)).library.id;
    const farAccount = await w.act(createStaff, { username: 'clerk.far', libraryId: far, roles: ['circulation'] });
    const refused = await server.call('POST', `/staff/${farAccount.account.id}/disable`, { cookie: adminCookie });
    expect([refused.status, refused.body.error.code]).toEqual([404, 'STAFF_NOT_FOUND']);
  });

  it('a disabled member’s open session gets 401 on its next request, and they cannot log in again', async () => {
    // Given a clerk at work
    const clerk = await addClerk('clerk.leaving');
    const clerkCookie = await server.login(clerk.credentials);
    expect((await server.call('GET', '/profiles', { cookie: clerkCookie })).status).toBe(200);
    // When the administrator disables the account
    const disabled = await server.call('POST', `/staff/${clerk.id}/disable`, { cookie: adminCookie });
    expect([disabled.status, disabled.body.disabled]).toEqual([200, true]);
    // Then the clerk's next request is unauthenticated, and log-in answers as for a wrong password
    const next = await server.call('GET', '/profiles', { cookie: clerkCookie });
    expect([next.status, next.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const again = await server.call('POST', '/auth/login', { body: clerk.credentials });
    expect([again.status, again.body.error.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    // And re-enabled, they log in again
    expect((await server.call('POST', `/staff/${clerk.id}/enable`, { cookie: adminCookie })).body.disabled).toBe(false);
    expect((await server.call('GET', '/profiles', { cookie: await server.login(clerk.credentials) })).status).toBe(200);
  });

  it('an account disabled behind the server’s back (its sessions left in place) is refused on the next request too', async () => {
    const clerk = await addClerk('clerk.flagged');
    const clerkCookie = await server.login(clerk.credentials);
    await database.db.updateTable('staff_accounts').set({ disabled: 1 }).where('id', '=', clerk.id).execute();
    expect((await server.call('GET', '/profiles', { cookie: clerkCookie })).status).toBe(401);
  });

  it('an administrator cannot lock themselves out', async () => {
    const me = ((await server.call('GET', '/auth/session', { cookie: adminCookie })).body.actor as { id: string }).id;
    const disable = await server.call('POST', `/staff/${me}/disable`, { cookie: adminCookie });
    expect([disable.status, disable.body.error.code]).toEqual([409, 'CANNOT_LOCK_OUT_SELF']);
    const demote = await server.call('PATCH', `/staff/${me}`, { cookie: adminCookie, body: { roles: ['librarian'] } });
    expect([demote.status, demote.body.error.code]).toEqual([409, 'CANNOT_LOCK_OUT_SELF']);
    const promote = await server.call('PATCH', `/staff/${(await addClerk('clerk.promoted')).id}`, { cookie: adminCookie, body: { roles: ['librarian'] } });
    expect([promote.status, promote.body.roles]).toEqual([200, ['librarian']]);
  });

  it('a reset password logs in but forces PASSWORD_CHANGE_REQUIRED until it is changed', async () => {
    // Given a clerk whose password the administrator resets
    const clerk = await addClerk('clerk.reset');
    const oldCookie = await server.login(clerk.credentials);
    const reset = await server.call('POST', `/staff/${clerk.id}/reset-password`, { cookie: adminCookie });
    expect(reset.status).toBe(200);
    expect(reset.body.account.mustChangePassword).toBe(true);
    const temporary = reset.body.password as string;
    // Then the session they had is over
    expect((await server.call('GET', '/profiles', { cookie: oldCookie })).status).toBe(401);
    // When they log in with the new password, the answer says it must change
    const loggedIn = await server.call('POST', '/auth/login', { body: { username: clerk.credentials.username, password: temporary } });
    expect([loggedIn.status, loggedIn.body.mustChangePassword]).toEqual([200, true]);
    const cookie = cookieOf(loggedIn);
    const csrf = loggedIn.body.csrfToken as string;
    // And every route but the change refuses, while the session still reads itself
    const blocked = await server.call('GET', '/profiles', { cookie });
    expect([blocked.status, blocked.body.error.code]).toEqual([403, 'PASSWORD_CHANGE_REQUIRED']);
    expect((await server.call('GET', '/auth/session', { cookie })).body.mustChangePassword).toBe(true);
    // A weak new password or a wrong current one changes nothing
    const change = (body: unknown) => server.call('POST', '/auth/password', { cookie, csrf, body });
    expect((await change({ currentPassword: temporary, newPassword: 'short one' })).body.error.code).toBe('PASSWORD_TOO_SHORT');
    expect((await change({ currentPassword: temporary, newPassword: 'Password1234' })).body.error.code).toBe('PASSWORD_TOO_COMMON');
    const wrong = await change({ currentPassword: 'not it at all', newPassword: 'a heron over the stacks' });
    expect([wrong.status, wrong.body.error.code]).toEqual([422, 'PASSWORD_WRONG']);
    expect((await server.call('POST', '/auth/password', { cookie, csrf: false, body: { currentPassword: temporary, newPassword: 'a heron over the stacks' } })).body.error.code).toBe(
      'CSRF_TOKEN_INVALID',
    );
    expect((await server.call('GET', '/profiles', { cookie })).status).toBe(403);
    // When they choose a good one
    const changed = await change({ currentPassword: temporary, newPassword: 'a heron over the stacks' });
    expect(changed.status).toBe(200);
    // Then the session that changed it is replaced by a fresh one that works; the reset one is over
    const fresh = cookieOf(changed);
    expect(fresh).not.toBe(cookie);
    expect((await server.call('GET', '/profiles', { cookie: fresh })).status).toBe(200);
    expect((await server.call('GET', '/auth/session', { cookie: fresh })).body.mustChangePassword).toBe(false);
    expect((await server.call('GET', '/profiles', { cookie })).status).toBe(401);
    // And no password reached a log line
    for (const secret of [temporary, 'a heron over the stacks', 'not it at all']) expect(logLines.join('\n')).not.toContain(secret);
  });

  it('a wrong current password is throttled like a failed log-in', async () => {
    const clerk = await addClerk('clerk.guessed');
    const cookie = await server.login(clerk.credentials);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++)
      codes.push((await server.call('POST', '/auth/password', { cookie, body: { currentPassword: `guess number ${i}`, newPassword: 'a heron over the stacks' } })).body.error.code as string);
    // The server allows 4 failures per address in this test; the earlier tests' failures took some of them
    expect(codes).toContain('PASSWORD_WRONG');
    expect(codes.at(-1)).toBe('TOO_MANY_ATTEMPTS');
  });
});
