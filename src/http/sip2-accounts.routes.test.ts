import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, libraryWorld, type World } from '../../test/factories.js';
import { startServer, type Json, type TestServer } from '../../test/http.js';
import { createSip2Account } from '../usecases/sip2-account.usecases.js';
import { createStaff } from '../usecases/staff.usecases.js';

/**
 * SIP2 accounts over real HTTP, on every engine: an administrator adds a kiosk (its password answered
 * once), lists, narrows, disables, re-enables and resets it, each change in the library's chain of the
 * access log; settings beyond the kind or the profile are refused with the clause and change nothing; a
 * clerk may not; another library's account is out of reach.
 */
describe.each(ENGINES)('SIP2 accounts over HTTP on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let server: TestServer;
  let adminCookie: string;
  let base: string;

  const chainActions = async () =>
    (await database.db.selectFrom('access_log').select(['action', 'chain', 'library_id']).where('action', 'like', 'sip2-account.%').execute()).filter((e) => e.chain === libraryId);
  const rowCount = async () => Number((await database.db.selectFrom('sip2_accounts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    base = `/libraries/${libraryId}/sip2-accounts`;
    const admin = { username: `sip2-admin-${engine}`, password: '' };
    admin.password = (await w.act(createStaff, { username: admin.username, libraryId, roles: ['admin'] })).password;
    server = await startServer(w);
    adminCookie = await server.login(admin);
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('adds, lists, changes, disables, enables and resets an account; each change is in the library’s chain', async () => {
    // When the administrator adds a kiosk
    const created = await server.call('POST', base, { cookie: adminCookie, body: { name: 'Central kiosk 1', kind: 'self-check', branch: 'main', allowedCidrs: ['10.2.0.0/16'] } });
    expect(created.status).toBe(201);
    const id = created.body.account.id as string;
    expect(created.body.account).toMatchObject({ name: 'Central kiosk 1', loginId: 'central-kiosk-1', kind: 'self-check', allowedCidrs: ['10.2.0.0/16'], disabled: false });
    expect(created.body.password).toMatch(/^.{20}$/);
    // Then the list has it, never a password or its hash, and says what each kind may receive here
    const list = await server.call('GET', base, { cookie: adminCookie });
    expect(list.status).toBe(200);
    expect(list.body.accounts.map((a: Json) => a.id)).toEqual([id]);
    expect(list.text).not.toContain(created.body.password);
    expect(list.text).not.toMatch(/argon2|hash/i);
    expect(list.body.kinds.sorter).toEqual({ messages: ['93', '99', '97', '09', '17'], fields: [], defaultFields: [], clause: 'CB-G2' });
    // The library's profile gives vendors nothing but validity: no category or age band offered
    expect(list.body.kinds.authentication.fields).toEqual(['valid-patron', 'valid-pin', 'patron-identifier']);
    expect(list.body.kinds['self-check'].fields).toContain('greeting');

    // When the administrator narrows what the kiosk receives and where it connects from
    const patched = await server.call('PATCH', `${base}/${id}`, { cookie: adminCookie, body: { allowedCidrs: ['192.0.2.7', '2001:db8::/32'], patronFields: ['valid-patron', 'valid-pin', 'greeting'] } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ allowedCidrs: ['192.0.2.7/32', '2001:db8::/32'], patronFields: ['valid-patron', 'valid-pin', 'greeting'] });

    const disabled = await server.call('POST', `${base}/${id}/disable`, { cookie: adminCookie });
    expect([disabled.status, disabled.body.disabled]).toEqual([200, true]);
    const enabled = await server.call('POST', `${base}/${id}/enable`, { cookie: adminCookie });
    expect([enabled.status, enabled.body.disabled]).toEqual([200, false]);
    const reset = await server.call('POST', `${base}/${id}/reset-password`, { cookie: adminCookie });
    expect(reset.status).toBe(200);
    expect(reset.body.account.id).toBe(id);
    expect(reset.body.password).toMatch(/^.{20}$/);
    expect(reset.body.password).not.toBe(created.body.password);
    expect(reset.text).not.toMatch(/argon2|hash/i);

    // And every change is in the library's chain, by the account's id
    expect((await chainActions()).map((e) => e.action)).toEqual(
      ['create', 'update', 'disable', 'enable', 'reset-password'].map((verb) => `sip2-account.${verb}:${id}`),
    );
  });

  it('needs the CSRF header to change anything', async () => {
    const refused = await server.call('POST', base, { cookie: adminCookie, csrf: false, body: { name: 'No token', kind: 'sorter', branch: 'main' } });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'CSRF_TOKEN_INVALID']);
  });

  it('refuses a clerk with PERMISSION_DENIED', async () => {
    const clerk = { username: `sip2-clerk-${engine}`, password: '' };
    clerk.password = (await w.act(createStaff, { username: clerk.username, libraryId, roles: ['circulation'] })).password;
    const cookie = await server.login(clerk);
    for (const [method, path, body] of [
      ['GET', base, undefined],
      ['POST', base, { name: 'Clerk kiosk', kind: 'self-check', branch: 'main' }],
    ] as const) {
      const answer = await server.call(method, path, { cookie, ...(body ? { body } : {}) });
      expect([answer.status, answer.body.error.code], `${method} ${path}`).toEqual([403, 'PERMISSION_DENIED']);
    }
  });

  it('refuses settings beyond the kind or the profile with the clause, and writes nothing', async () => {
    const before = await rowCount();
    const chainBefore = (await chainActions()).length;
    // A sorter handles items only (CB-G2)
    const sorter = await server.call('POST', base, { cookie: adminCookie, body: { name: 'Returns sorter', kind: 'sorter', branch: 'main', patronFields: ['greeting'] } });
    expect([sorter.status, sorter.body.error.code]).toEqual([422, 'SIP2_SETTING_NOT_ALLOWED']);
    expect(sorter.body.error.problems).toEqual([expect.objectContaining({ code: 'SIP2_SETTING_NOT_ALLOWED', field: 'patronFields' })]);
    expect(sorter.body.error.problems[0].message).toContain('CB-G2');
    // A vendor learns only that the patron is valid under a shipped profile (RF-6)
    const vendor = await server.call('POST', base, { cookie: adminCookie, body: { name: 'E-content vendor', kind: 'authentication', branch: 'main', patronFields: ['valid-patron', 'category'] } });
    expect([vendor.status, vendor.body.error.code, vendor.body.error.problems[0].field]).toEqual([422, 'SIP2_SETTING_NOT_ALLOWED', 'patronFields']);
    expect(vendor.body.error.problems[0].message).toContain('RF-6');
    // Nor may an existing sorter be widened
    const made = await w.act(createSip2Account, { libraryId, name: 'Sorter west', kind: 'sorter', branch: 'main' });
    const widened = await server.call('PATCH', `${base}/${made.account.id}`, { cookie: adminCookie, body: { patronFields: ['greeting'], messages: ['11'] } });
    expect([widened.status, widened.body.error.problems.map((p: Json) => p.field)]).toEqual([422, ['messages', 'patronFields']]);
    const after = (await server.call('GET', base, { cookie: adminCookie })).body.accounts.find((a: Json) => a.id === made.account.id);
    expect([after.patronFields, after.messages]).toEqual([[], ['93', '99', '97', '09', '17']]);
    expect(await rowCount()).toBe(before + 1);
    // Only the system's own creation entered the chain
    expect((await chainActions()).length).toBe(chainBefore + 1);
  });

  it('answers a bad address with VALIDATION_FAILED naming allowedCidrs', async () => {
    const before = await rowCount();
    const bad = await server.call('POST', base, { cookie: adminCookie, body: { name: 'Kiosk bad address', kind: 'self-check', branch: 'main', allowedCidrs: ['10.0.0.0/33', 'not-an-address'] } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(bad.body.error.problems.map((p: Json) => p.field)).toEqual(['allowedCidrs', 'allowedCidrs']);
    expect(await rowCount()).toBe(before);
    const made = await w.act(createSip2Account, { libraryId, name: 'Kiosk north', kind: 'self-check', branch: 'main' });
    const patched = await server.call('PATCH', `${base}/${made.account.id}`, { cookie: adminCookie, body: { allowedCidrs: [] } });
    expect([patched.status, patched.body.error.code, patched.body.error.problems[0].field]).toEqual([400, 'VALIDATION_FAILED', 'allowedCidrs']);
  });

  it('answers another library’s account, or another library, as not found', async () => {
    const far = (await buildLibrary(w)).library.id;
    const farAccount = await w.act(createSip2Account, { libraryId: far, name: 'Far kiosk', kind: 'self-check', branch: 'main' });
    for (const verb of ['disable', 'enable', 'reset-password']) {
      const answer = await server.call('POST', `${base}/${farAccount.account.id}/${verb}`, { cookie: adminCookie });
      expect([answer.status, answer.body.error.code], verb).toEqual([404, 'SIP2_ACCOUNT_NOT_FOUND']);
    }
    const patch = await server.call('PATCH', `${base}/${farAccount.account.id}`, { cookie: adminCookie, body: { allowedCidrs: ['10.0.0.0/8'] } });
    expect([patch.status, patch.body.error.code]).toEqual([404, 'SIP2_ACCOUNT_NOT_FOUND']);
    const farList = await server.call('GET', `/libraries/${far}/sip2-accounts`, { cookie: adminCookie });
    expect(farList.status).toBe(404);
    const unknown = await server.call('POST', `${base}/${crypto.randomUUID()}/disable`, { cookie: adminCookie });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'SIP2_ACCOUNT_NOT_FOUND']);
  });

  it('refuses a second account with the same login id', async () => {
    await server.call('POST', base, { cookie: adminCookie, body: { name: 'EZproxy', kind: 'authentication', branch: 'main' } });
    const again = await server.call('POST', base, { cookie: adminCookie, body: { name: 'EZproxy two', kind: 'authentication', branch: 'main', loginId: 'ezproxy' } });
    expect([again.status, again.body.error.code]).toEqual([409, 'SIP2_ACCOUNT_EXISTS']);
  });
});
