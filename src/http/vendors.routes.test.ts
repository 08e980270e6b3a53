import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import { startServer, type Json, type TestServer } from '../../test/http.js';
import { saveArtefact } from '../usecases/oidc.usecases.js';
import { createStaff } from '../usecases/staff.usecases.js';
import { recordVendorConsent, recordVendorSignIn } from '../usecases/vendor-sign-in.usecases.js';
import { createVendor } from '../usecases/vendor.usecases.js';

/**
 * Vendors over real HTTP, on every engine (issue 19). An administrator registers an OpenID vendor and
 * an EZproxy instance (the secret in that answer and a reset's, never in the list), renames, disables,
 * re-enables and resets one, each change in the library's chain; the list says which claims of a
 * contract the profile withholds, with its clause (IF-9). Bad settings are refused naming their field
 * and change nothing; a clerk may not; another library's vendor is not found. A patron lists the
 * services they signed in to with what they agreed to share, and revokes one: the authorisation and
 * every grant and token of that vendor for them are gone, another vendor's stay (RF-6, RF-7).
 */
describe.each(ENGINES)('vendors over HTTP on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let server: TestServer;
  let adminCookie: string;
  let base: string;
  const logLines: string[] = [];

  const chainActions = async () =>
    (await database.db.selectFrom('access_log').select(['action', 'chain']).where('action', 'like', 'vendor.%').execute()).filter((e) => e.chain === libraryId).map((e) => e.action);
  const vendorRows = async () => Number((await database.db.selectFrom('vendors').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const oidcRows = async (accountId: string) =>
    (await database.db.selectFrom('oidc_store').select(['model', 'id']).where('account_id', '=', accountId).execute()).map((r) => `${r.model}:${r.id}`).sort();

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    // ImagineIF lets a contract add a patron's category or age band, with their consent; never a name (IF-9).
    libraryId = (await buildLibrary(w, { profileId: 'imagineif-mt' })).library.id;
    base = `/libraries/${libraryId}/vendors`;
    const admin = { username: `vendor-admin-${engine}`, password: '' };
    admin.password = (await w.act(createStaff, { username: admin.username, libraryId, roles: ['admin'] })).password;
    server = await startServer(w, { onLog: (line) => logLines.push(line) });
    adminCookie = await server.login(admin);
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('registers an OpenID vendor, lists it with what the profile withholds, renames, disables, enables and resets it', async () => {
    // When the administrator registers an e-content vendor whose contract names a category and a name
    const created = await server.call('POST', base, {
      cookie: adminCookie,
      body: { protocol: 'oidc', name: 'Libby Books', redirectUris: ['https://books.example.com/callback'], claims: ['name', 'category'] },
    });
    expect(created.status).toBe(201);
    const id = created.body.vendor.id as string;
    const secret = created.body.secret as string;
    expect(created.body.vendor).toMatchObject({
      protocol: 'oidc',
      name: 'Libby Books',
      libraryId,
      redirectUris: ['https://books.example.com/callback'],
      claims: ['category', 'name'],
      withheldClaims: ['name'],
      clause: 'IF-9',
      disabled: false,
    });
    expect(secret.length).toBeGreaterThanOrEqual(20);

    // Then the list has it, never its secret, and says what the profile lets a contract add
    const list = await server.call('GET', base, { cookie: adminCookie });
    expect(list.status).toBe(200);
    expect(list.body.allowedClaims).toEqual(['category', 'age_band']);
    expect(list.body.clause).toBe('IF-9');
    expect(list.body.vendors.map((v: Json) => v.id)).toEqual([id]);
    expect(list.text).not.toContain(secret);
    expect(list.text).not.toMatch(/secret|sealed/i);

    const renamed = await server.call('PATCH', `${base}/${id}`, { cookie: adminCookie, body: { name: 'Libby', redirectUris: ['https://books.example.com/callback', 'https://books.example.com/cb2'] } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.vendor).toMatchObject({ id, name: 'Libby', redirectUris: ['https://books.example.com/callback', 'https://books.example.com/cb2'], claims: ['category', 'name'] });
    expect(renamed.text).not.toContain(secret);

    const disabled = await server.call('POST', `${base}/${id}/disable`, { cookie: adminCookie });
    expect([disabled.status, disabled.body.vendor.disabled]).toEqual([200, true]);
    const enabled = await server.call('POST', `${base}/${id}/enable`, { cookie: adminCookie });
    expect([enabled.status, enabled.body.vendor.disabled]).toEqual([200, false]);
    const reset = await server.call('POST', `${base}/${id}/reset-secret`, { cookie: adminCookie });
    expect(reset.status).toBe(200);
    expect(reset.body.vendor.id).toBe(id);
    expect(reset.body.secret).not.toBe(secret);
    expect(reset.body.secret.length).toBeGreaterThanOrEqual(20);

    // And neither secret is in the list, the database in the clear, or the server's log
    const after = await server.call('GET', base, { cookie: adminCookie });
    for (const s of [secret, reset.body.secret as string]) {
      expect(after.text).not.toContain(s);
      expect(logLines.join('\n')).not.toContain(s);
      const stored = await database.db.selectFrom('vendors').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(JSON.stringify(stored)).not.toContain(s);
    }
    // And every change is in the library's chain, by the vendor's id
    expect(await chainActions()).toEqual(['create', 'update', 'disable', 'enable', 'reset-secret'].map((verb) => `vendor.${verb}:${id}`));
  });

  it('registers an EZproxy instance with its groups and the default digest', async () => {
    const created = await server.call('POST', base, {
      cookie: adminCookie,
      body: { protocol: 'ezproxy', name: 'EZproxy main', loginUrl: 'https://ezproxy.example.org/login', groups: { adult: 'General', child: 'Kids' } },
    });
    expect(created.status).toBe(201);
    expect(created.body.vendor).toMatchObject({ protocol: 'ezproxy', loginUrl: 'https://ezproxy.example.org/login', digest: 'SHA256', groups: { adult: 'General', child: 'Kids' } });
    // A group would tell EZproxy the patron's category unasked: ImagineIF's profile withholds it (IF-9).
    expect(created.body.vendor.withheldClaims).toEqual(['category']);
    expect(created.body.secret.length).toBeGreaterThanOrEqual(20);
    const patched = await server.call('PATCH', `${base}/${created.body.vendor.id}`, { cookie: adminCookie, body: { digest: 'SHA512', groups: {} } });
    expect(patched.status).toBe(200);
    expect(patched.body.vendor).toMatchObject({ digest: 'SHA512', groups: {} });
  });

  it('needs the CSRF header to change anything', async () => {
    const before = await vendorRows();
    const refused = await server.call('POST', base, { cookie: adminCookie, csrf: false, body: { protocol: 'oidc', name: 'No token', redirectUris: ['https://x.example.com/cb'] } });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'CSRF_TOKEN_INVALID']);
    expect(await vendorRows()).toBe(before);
  });

  it('refuses staff who are not administrators with PERMISSION_DENIED, and a patron', async () => {
    const made = await w.act(createVendor, { libraryId, protocol: 'oidc', name: 'Clerk cannot touch', redirectUris: ['https://clerk.example.com/cb'] });
    for (const role of ['circulation', 'director']) {
      const account = { username: `vendor-${role}-${engine}`, password: '' };
      account.password = (await w.act(createStaff, { username: account.username, libraryId, roles: [role] })).password;
      const cookie = await server.login(account);
      for (const [method, path, body] of [
        ['GET', base, undefined],
        ['POST', base, { protocol: 'oidc', name: 'Clerk vendor', redirectUris: ['https://c.example.com/cb'] }],
        ['PATCH', `${base}/${made.vendor.id}`, { name: 'Renamed by a clerk' }],
        ['POST', `${base}/${made.vendor.id}/reset-secret`, undefined],
      ] as const) {
        const answer = await server.call(method, path, { cookie, ...(body ? { body } : {}) });
        expect([answer.status, answer.body.error.code], `${role} ${method} ${path}`).toEqual([403, 'PERMISSION_DENIED']);
      }
    }
    const patron = await buildPatron(w, { libraryId });
    const patronCookie = await server.patronLogin({ cardNumber: patron.cardNumber, pin: patron.pin });
    expect((await server.call('GET', base, { cookie: patronCookie })).status).toBe(403);
    expect((await server.call('GET', base)).status).toBe(401);
  });

  it('refuses bad settings with VALIDATION_FAILED naming each field, and writes nothing', async () => {
    const before = await vendorRows();
    const chainBefore = (await chainActions()).length;
    const fields = async (body: Json, path = base, method = 'POST') => {
      const answer = await server.call(method, path, { cookie: adminCookie, body });
      expect([answer.status, answer.body.error.code], JSON.stringify(body)).toEqual([400, 'VALIDATION_FAILED']);
      return answer.body.error.problems.map((p: Json) => p.field);
    };
    // Plain http off this machine, and a claim no contract may add, at once
    expect(await fields({ protocol: 'oidc', name: 'Bad', redirectUris: ['http://books.example.com/cb'], claims: ['shoe-size'] })).toEqual(['redirectUris', 'claims']);
    // Two hosts: pairwise subjects are per host (OpenID Connect Core 8.1)
    expect(await fields({ protocol: 'oidc', name: 'Two hosts', redirectUris: ['https://a.example.com/cb', 'https://b.example.com/cb'] })).toEqual(['redirectUris']);
    expect(await fields({ protocol: 'oidc', name: 'None', redirectUris: [] })).toEqual(['redirectUris']);
    expect(await fields({ protocol: 'oidc', name: '<b>', redirectUris: ['https://n.example.com/cb'] })).toEqual(['name']);
    expect(await fields({ protocol: 'saml', name: 'SAML' })).toEqual(['protocol']);
    expect(await fields({ protocol: 'ezproxy', name: 'EZ bad', loginUrl: 'https://ezproxy.example.org/start', digest: 'CRC32', groups: { adult: 'Bad group!' } })).toEqual(['loginUrl', 'digest', 'groups']);
    // What the schema refuses: a field it does not know
    expect(await fields({ protocol: 'oidc', name: 'Extra', redirectUris: ['https://e.example.com/cb'], secret: 'mine' })).toEqual(['body']);
    // Nor may an existing vendor be changed into a bad one
    const made = await w.act(createVendor, { libraryId, protocol: 'oidc', name: 'Keep me', redirectUris: ['https://keep.example.com/cb'] });
    expect(await fields({ redirectUris: ['ftp://keep.example.com/cb'] }, `${base}/${made.vendor.id}`, 'PATCH')).toEqual(['redirectUris']);
    const kept = (await server.call('GET', base, { cookie: adminCookie })).body.vendors.find((v: Json) => v.id === made.vendor.id);
    expect(kept.redirectUris).toEqual(['https://keep.example.com/cb']);
    expect(await vendorRows()).toBe(before + 1);
    // Only the system's own registration entered the chain
    expect((await chainActions()).length).toBe(chainBefore + 1);
  });

  it('refuses a second vendor of the same name with VENDOR_EXISTS', async () => {
    await server.call('POST', base, { cookie: adminCookie, body: { protocol: 'oidc', name: 'Hoopla', redirectUris: ['https://hoopla.example.com/cb'] } });
    const again = await server.call('POST', base, { cookie: adminCookie, body: { protocol: 'oidc', name: 'Hoopla', redirectUris: ['https://hoopla2.example.com/cb'] } });
    expect([again.status, again.body.error.code, again.body.error.problems[0].field]).toEqual([409, 'VENDOR_EXISTS', 'name']);
  });

  it('answers another library’s vendor, or another library, as not found', async () => {
    const far = (await buildLibrary(w)).library.id;
    const farVendor = await w.act(createVendor, { libraryId: far, protocol: 'oidc', name: 'Far vendor', redirectUris: ['https://far.example.com/cb'] });
    for (const verb of ['disable', 'enable', 'reset-secret']) {
      const answer = await server.call('POST', `${base}/${farVendor.vendor.id}/${verb}`, { cookie: adminCookie });
      expect([answer.status, answer.body.error.code], verb).toEqual([404, 'VENDOR_NOT_FOUND']);
      expect(answer.text).not.toContain(farVendor.secret);
    }
    const patch = await server.call('PATCH', `${base}/${farVendor.vendor.id}`, { cookie: adminCookie, body: { name: 'Taken over' } });
    expect([patch.status, patch.body.error.code]).toEqual([404, 'VENDOR_NOT_FOUND']);
    const farList = await server.call('GET', `/libraries/${far}/vendors`, { cookie: adminCookie });
    expect([farList.status, farList.body.error.code]).toEqual([404, 'LIBRARY_NOT_FOUND']);
    const farCreate = await server.call('POST', `/libraries/${far}/vendors`, { cookie: adminCookie, body: { protocol: 'oidc', name: 'Into far', redirectUris: ['https://into.example.com/cb'] } });
    expect(farCreate.status).toBe(404);
    const unknown = await server.call('POST', `${base}/${crypto.randomUUID()}/disable`, { cookie: adminCookie });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'VENDOR_NOT_FOUND']);
    const notAnId = await server.call('POST', `${base}/not-a-uuid/disable`, { cookie: adminCookie });
    expect(notAnId.status).toBe(400);
  });

  it('lists the services a patron signed in to with what they agreed to share, and revokes one with its grants and tokens', async () => {
    const patron = await buildPatron(w, { libraryId });
    const books = await w.act(createVendor, { libraryId, protocol: 'oidc', name: 'Reading Room Books', redirectUris: ['https://reading.example.com/cb'], claims: ['category', 'name'] });
    const films = await w.act(createVendor, { libraryId, protocol: 'oidc', name: 'Films Online', redirectUris: ['https://films.example.com/cb'] });
    // Given the patron signed in to both, agreed that the books vendor may know their category, and
    // signed in to it again a day later
    const signedInAt = w.clock.now().toISOString();
    expect(await w.act(recordVendorSignIn, { patronId: patron.id, vendorId: books.vendor.id })).toBe(true);
    expect(await w.act(recordVendorConsent, { patronId: patron.id, vendorId: books.vendor.id, claims: ['category', 'name'] })).toEqual(['category']);
    expect(await w.act(recordVendorSignIn, { patronId: patron.id, vendorId: films.vendor.id })).toBe(true);
    w.clock.set(new Date(w.clock.now().getTime() + 86_400_000));
    await w.act(recordVendorSignIn, { patronId: patron.id, vendorId: books.vendor.id });
    // and each vendor holds a grant and a token for them
    for (const [vendor, grant] of [
      [books.vendor.id, 'grant-books'],
      [films.vendor.id, 'grant-films'],
    ] as const) {
      await w.act(saveArtefact, { model: 'Grant', id: `${grant}-${engine}`, payload: { accountId: patron.id, clientId: vendor, jti: grant }, expiresIn: 3600 });
      await w.act(saveArtefact, { model: 'AccessToken', id: `${grant}-token-${engine}`, payload: { accountId: patron.id, clientId: vendor, grantId: `${grant}-${engine}` }, expiresIn: 3600 });
    }
    const cookie = await server.patronLogin({ cardNumber: patron.cardNumber, pin: patron.pin });

    // When the patron lists the services they signed in to
    const listed = await server.call('GET', '/me/vendors', { cookie });
    expect(listed.status).toBe(200);
    const byName = new Map(listed.body.vendors.map((v: Json) => [v.vendorName, v]));
    expect(byName.get('Reading Room Books')).toMatchObject({ vendorId: books.vendor.id, protocol: 'oidc', firstAt: signedInAt, consentedClaims: ['category'] });
    expect(new Date((byName.get('Reading Room Books') as Json).lastAt).getTime()).toBeGreaterThan(new Date(signedInAt).getTime());
    expect(byName.get('Films Online')).toMatchObject({ vendorId: films.vendor.id, consentedClaims: [], consentedAt: null });
    expect(listed.text).not.toContain(patron.cardNumber);

    // Then revoking needs the CSRF header
    const noToken = await server.call('DELETE', `/me/vendors/${books.vendor.id}`, { cookie, csrf: false });
    expect([noToken.status, noToken.body.error.code]).toEqual([403, 'CSRF_TOKEN_INVALID']);
    // And revoking the books vendor forgets it and ends its grant and token, and no other
    const revoked = await server.call('DELETE', `/me/vendors/${books.vendor.id}`, { cookie });
    expect(revoked.status).toBe(204);
    expect((await server.call('GET', '/me/vendors', { cookie })).body.vendors.map((v: Json) => v.vendorName)).toEqual(['Films Online']);
    expect(await database.db.selectFrom('vendor_authorisations').selectAll().where('patron_id', '=', patron.id).where('vendor_id', '=', books.vendor.id).execute()).toEqual([]);
    expect(await oidcRows(patron.id)).toEqual([`AccessToken:grant-films-token-${engine}`, `Grant:grant-films-${engine}`]);
    // A second revocation, or a vendor never used, is not found
    const again = await server.call('DELETE', `/me/vendors/${books.vendor.id}`, { cookie });
    expect([again.status, again.body.error.code]).toEqual([404, 'VENDOR_NOT_FOUND']);
    const never = await server.call('DELETE', `/me/vendors/${crypto.randomUUID()}`, { cookie });
    expect([never.status, never.body.error.code]).toEqual([404, 'VENDOR_NOT_FOUND']);
    // The revocation is the patron's own act in their access log
    const actions = (await database.db.selectFrom('access_log').select(['action']).where('patron_id', '=', patron.id).execute()).map((e) => e.action);
    expect(actions).toContain('vendor-revoke');
    expect(logLines.join('\n')).not.toContain(patron.cardNumber);
  });

  it('answers another patron’s service as not found and leaves it', async () => {
    const owner = await buildPatron(w, { libraryId });
    const other = await buildPatron(w, { libraryId });
    const vendor = await w.act(createVendor, { libraryId, protocol: 'oidc', name: 'Owner only', redirectUris: ['https://owner.example.com/cb'] });
    await w.act(recordVendorSignIn, { patronId: owner.id, vendorId: vendor.vendor.id });
    const cookie = await server.patronLogin({ cardNumber: other.cardNumber, pin: other.pin });
    expect((await server.call('GET', '/me/vendors', { cookie })).body.vendors).toEqual([]);
    const answer = await server.call('DELETE', `/me/vendors/${vendor.vendor.id}`, { cookie });
    expect([answer.status, answer.body.error.code]).toEqual([404, 'VENDOR_NOT_FOUND']);
    const ownerCookie = await server.patronLogin({ cardNumber: owner.cardNumber, pin: owner.pin });
    expect((await server.call('GET', '/me/vendors', { cookie: ownerCookie })).body.vendors.map((v: Json) => v.vendorId)).toEqual([vendor.vendor.id]);
    // Staff sessions have no /me/vendors (the clock moved a day: a fresh log-in)
    const staff = { username: `vendor-staff-me-${engine}`, password: '' };
    staff.password = (await w.act(createStaff, { username: staff.username, libraryId, roles: ['admin'] })).password;
    const staffCookie = await server.login(staff);
    expect((await server.call('GET', '/me/vendors', { cookie: staffCookie })).status).toBe(403);
    expect((await server.call('DELETE', `/me/vendors/${vendor.vendor.id}`, { cookie: staffCookie })).status).toBe(403);
    expect((await server.call('GET', '/me/vendors')).status).toBe(401);
  });
});
