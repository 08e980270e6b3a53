import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { createStaff } from '../usecases/staff.usecases.js';

/** The access log over HTTP: verifying its chains, and a patron's entries for the privacy officer. */
describe.each(ENGINES)('access-log API on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  let libraryId: string;
  const director = { username: `al-director-${engine}`, password: '' };
  const desk = { username: `al-desk-${engine}`, password: '' };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    libraryId = (await buildLibrary(w)).library.id;
    director.password = (await w.act(createStaff, { username: director.username, libraryId, roles: ['director'] })).password;
    desk.password = (await w.act(createStaff, { username: desk.username, libraryId, roles: ['circulation'] })).password;
    server = await startServer(w);
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('verifies the chain of the director’s library, then names an edited entry', async () => {
    const patron = await buildPatron(w, { libraryId });
    await buildPatron(w, { libraryId });
    const cookie = await server.login(director);
    const intact = await server.call('GET', '/access-log/verification', { cookie });
    expect(intact.status).toBe(200);
    // The library's chain: the two staff accounts' creation (beforeAll), then the two registrations.
    expect(intact.body).toMatchObject({ ok: true, entries: 4, firstBroken: null, incremental: false, chains: [{ chain: libraryId, entries: 4, ok: true, head: { seq: 4 }, lanes: [{ lane: 0, chain: libraryId, entries: 4 }] }] });
    // The check left a checkpoint at the head: an incremental check has nothing new to read
    const incremental = await server.call('GET', '/access-log/verification?incremental=true', { cookie });
    expect(incremental.body).toMatchObject({ ok: true, entries: 0, incremental: true, chains: [{ chain: libraryId, lanes: [{ lane: 0, from: { seq: 4 } }] }] });
    expect((await server.call('GET', '/access-log/verification?incremental=sometimes', { cookie })).body.error.code).toBe('VALIDATION_FAILED');

    await database.db.updateTable('access_log').set({ action: 'checkout' }).where('patron_id', '=', patron.id).execute();
    const broken = await server.call('GET', `/access-log/verification?library=${libraryId}`, { cookie });
    expect(broken.status).toBe(200);
    expect(broken.body).toMatchObject({ ok: false, firstBroken: { chain: libraryId, chainSeq: 3, problem: 'edited' } });

    // A clerk may not verify (nor read a patron's entries)
    const clerk = await server.login(desk);
    expect((await server.call('GET', '/access-log/verification', { cookie: clerk })).body.error.code).toBe('PERMISSION_DENIED');
    expect((await server.call('GET', `/patrons/${patron.id}/access-log`, { cookie: clerk })).body.error.code).toBe('PERMISSION_DENIED');
  });

  it('shows the director a patron’s entries, with who and in which role', async () => {
    const patron = await buildPatron(w, { libraryId });
    const cookie = await server.login(director);
    const answer = await server.call('GET', `/patrons/${patron.id}/access-log`, { cookie });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      patronId: patron.id,
      entries: [{ at: expect.any(String), actorKind: 'system', actorId: 'system', actorName: null, actorRole: 'system', actorLibraryId: null, actorLibraryName: null, action: 'register', categories: ['registration'], purpose: 'circulation', channel: 'cli' }],
    });
  });

  it('a look-up by card outside the desk names its purpose, which the log records and the role must be allowed', async () => {
    const patron = await buildPatron(w, { libraryId });
    const director_ = await server.login(director);
    const reviewed = await server.call('POST', '/patrons/lookup', { cookie: director_, body: { cardNumber: patron.cardNumber, purpose: 'violation-review' } });
    expect(reviewed.status).toBe(200);
    const log = await server.call('GET', `/patrons/${patron.id}/access-log`, { cookie: director_ });
    const look = (log.body.entries as { action: string; purpose: string; actorRole: string }[]).filter((e) => e.action === 'view-account');
    expect(look).toEqual([expect.objectContaining({ purpose: 'violation-review', actorRole: 'director', actorName: director.username, actorLibraryName: expect.any(String) })]);
    // A clerk may not name a director's purpose; without one, a scanned card is the desk's transaction.
    const clerk = await server.login(desk);
    const refused = await server.call('POST', '/patrons/lookup', { cookie: clerk, body: { cardNumber: patron.cardNumber, purpose: 'violation-review' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('PURPOSE_NOT_ALLOWED');
    expect((await server.call('POST', '/patrons/lookup', { cookie: clerk, body: { cardNumber: patron.cardNumber } })).status).toBe(200);
    const after = await server.call('GET', `/patrons/${patron.id}/access-log`, { cookie: director_ });
    expect((after.body.entries as { action: string; purpose: string }[]).filter((e) => e.action === 'view-account').map((e) => e.purpose)).toEqual(['violation-review', 'circulation']);
  });
});
