import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { createStaff } from '../usecases/staff.usecases.js';

/**
 * The session answer carries what a page's header and language need (issue 20): the library's name and
 * the staff member's name after a reload, the patron's chosen language, and the languages offered.
 */
describe.each(ENGINES)('the session answer’s header and language on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  let libraryId: string;
  const clerk = { username: `sh-clerk-${engine}`, password: '' };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    libraryId = (await buildLibrary(w, { name: 'Biblioteca de Prueba' })).library.id;
    clerk.password = (await w.act(createStaff, { username: clerk.username, libraryId, roles: ['circulation'] })).password;
    server = await startServer(w);
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('names the library and the staff member, and offers the languages Carrel has catalogues for', async () => {
    const cookie = await server.login(clerk);
    const answer = await server.call('GET', '/auth/session', { cookie });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ library: { id: libraryId, name: 'Biblioteca de Prueba' }, displayName: clerk.username, language: null });
    const { languages } = answer.body as { languages: { default: string; offered: string[] } };
    expect(languages.offered).toEqual(expect.arrayContaining(['en', 'es']));
    expect(languages.offered).toContain(languages.default);
  });

  it('gives a patron their chosen language, kept with their notices’ language, and never their name', async () => {
    const patron = await buildPatron(w, { libraryId });
    const cookie = await server.patronLogin({ cardNumber: patron.cardNumber, pin: patron.pin });
    const before = await server.call('GET', '/auth/session', { cookie });
    expect(before.body).toMatchObject({ library: { name: 'Biblioteca de Prueba' }, displayName: null, language: null });

    const chosen = await server.call('PUT', '/me/privacy', { cookie, body: { noticeLanguage: 'es' } });
    expect(chosen.status).toBe(200);
    const after = await server.call('GET', '/auth/session', { cookie });
    expect(after.body).toMatchObject({ language: 'es' });
  });
});
