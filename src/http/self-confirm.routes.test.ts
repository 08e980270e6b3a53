import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { buildPatron, libraryWorld, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';

const MINUTE = 60_000;

/**
 * A patron's session asks for the PIN again before what cannot be undone (issue 22, defect 8; JC-IVa: a
 * session left open on a shared computer): deleting the account, turning reading history off (which
 * deletes it). Without the PIN: 403 PIN_REQUIRED; a wrong PIN: 401 INVALID_CREDENTIALS, counted towards
 * the card's lockout; either way nothing changes. Over real HTTP, on every engine.
 */
describe.each(ENGINES)('irreversible patron actions ask for the PIN on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let server: TestServer;

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    server = await startServer(w);
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });
  // Each test starts after the lockout window of the last: its failures no longer count.
  beforeEach(() => w.clock.set(new Date(w.clock.now().getTime() + 16 * MINUTE)));

  const patronRow = (id: string) => database.db.selectFrom('patrons').select(['id', 'reading_history_since']).where('id', '=', id).executeTakeFirst();
  const failures = async () => Number((await database.db.selectFrom('login_failures').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const wrongPinOf = (pin: string) => (pin === '9999' ? '8888' : '9999');

  it('DELETE /me: no PIN and a wrong PIN delete nothing; the right PIN deletes', async () => {
    const p = await buildPatron(w, { libraryId });
    const cookie = await server.patronLogin({ cardNumber: p.cardNumber, pin: p.pin });

    // No body at all is malformed, as for every route that takes one; a body without the PIN is PIN_REQUIRED
    const withoutBody = await server.call('DELETE', '/me', { cookie });
    expect([withoutBody.status, withoutBody.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    const withoutPin = await server.call('DELETE', '/me', { cookie, body: {} });
    expect([withoutPin.status, withoutPin.body.error?.code]).toEqual([403, 'PIN_REQUIRED']);

    const failed = await failures();
    const wrong = await server.call('DELETE', '/me', { cookie, body: { pin: wrongPinOf(p.pin) } });
    expect([wrong.status, wrong.body.error?.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    expect(await failures()).toBe(failed + 1);
    // Nothing was deleted, and the session goes on
    expect(await patronRow(p.id)).toBeDefined();
    expect((await server.call('GET', '/me', { cookie })).status).toBe(200);

    const deleted = await server.call('DELETE', '/me', { cookie, body: { pin: p.pin } });
    expect(deleted.status).toBe(200);
    expect(await patronRow(p.id)).toBeUndefined();
  });

  it('turning reading history off: no PIN and a wrong PIN keep it; the right PIN deletes it; turning it on needs none', async () => {
    const p = await buildPatron(w, { libraryId });
    const cookie = await server.patronLogin({ cardNumber: p.cardNumber, pin: p.pin });
    const on = await server.call('PUT', '/me/privacy', { cookie, body: { readingHistory: true } });
    expect([on.status, on.body.readingHistory]).toEqual([200, true]);
    const since = (await patronRow(p.id))?.reading_history_since;
    expect(since).not.toBeNull();

    const withoutPin = await server.call('PUT', '/me/privacy', { cookie, body: { readingHistory: false, mailingLists: true } });
    expect([withoutPin.status, withoutPin.body.error?.code]).toEqual([403, 'PIN_REQUIRED']);
    const wrong = await server.call('PUT', '/me/privacy', { cookie, body: { readingHistory: false, mailingLists: true, pin: wrongPinOf(p.pin) } });
    expect([wrong.status, wrong.body.error?.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    // Nothing changed: not the history, nor the other choice sent with it
    expect(await server.call('GET', '/me/privacy', { cookie }).then((a) => [a.body.readingHistory, a.body.mailingLists])).toEqual([true, false]);
    expect((await patronRow(p.id))?.reading_history_since).toEqual(since);

    const off = await server.call('PUT', '/me/privacy', { cookie, body: { readingHistory: false, pin: p.pin } });
    expect([off.status, off.body.readingHistory]).toEqual([200, false]);
    expect((await patronRow(p.id))?.reading_history_since).toBeNull();
    // Choices that delete nothing still need no PIN
    expect((await server.call('PUT', '/me/privacy', { cookie, body: { mailingLists: true } })).status).toBe(200);
  });

  it('wrong PINs count towards the card’s lockout: once locked, even the right PIN deletes nothing', async () => {
    const p = await buildPatron(w, { libraryId });
    const cookie = await server.patronLogin({ cardNumber: p.cardNumber, pin: p.pin });
    // Five failures in the window lock the card (JC-IVa, the default profile's rule)
    for (let i = 0; i < 5; i++) expect((await server.call('DELETE', '/me', { cookie, body: { pin: wrongPinOf(p.pin) } })).status).toBe(401);
    const locked = await server.call('DELETE', '/me', { cookie, body: { pin: p.pin } });
    expect([locked.status, locked.body.error?.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    expect(await patronRow(p.id)).toBeDefined();
  });
});
