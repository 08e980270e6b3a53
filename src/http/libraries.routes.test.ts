import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, world, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { createStaff } from '../usecases/staff.usecases.js';

/** Adding a library over HTTP: the installation's administrator only; bad input changes nothing. */
describe.each(ENGINES)('POST /libraries on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  const installationAdmin = { username: 'install-admin', password: '' };
  const libraryAdmin = { username: 'library-admin', password: '' };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    const { library } = await buildLibrary(w, { id: 'first' });
    installationAdmin.password = (await w.act(createStaff, { username: installationAdmin.username, libraryId: null, roles: ['admin'] })).password;
    libraryAdmin.password = (await w.act(createStaff, { username: libraryAdmin.username, libraryId: library.id, roles: ['admin'] })).password;
    server = await startServer(w);
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('adds a library with its first branch, and lists it', async () => {
    const cookie = await server.login(installationAdmin);
    const added = await server.call('POST', '/libraries', {
      cookie,
      body: { id: 'valley', name: 'Valley Public Library', profileId: 'imagineif-mt', timeZone: 'America/Denver', branches: [{ code: 'downtown', name: 'Downtown' }] },
    });
    if (added.status !== 201) expect(added.body).toBeUndefined();
    expect(added.body).toMatchObject({ id: 'valley', name: 'Valley Public Library', timeZone: 'America/Denver', branches: [{ code: 'downtown', name: 'Downtown' }] });
    const listed = await server.call('GET', '/libraries', { cookie });
    expect((listed.body as { id: string }[]).map((l) => l.id).sort()).toEqual(['first', 'valley']);
  });

  it('refuses bad input with its code and writes nothing', async () => {
    const cookie = await server.login(installationAdmin);
    const before = await database.db.selectFrom('libraries').select('id').execute();
    const cases: [unknown, number, string][] = [
      [{ id: 'Bad Id', name: 'X' }, 400, 'VALIDATION_FAILED'],
      [{ id: 'okid', name: 'X', timeZone: 'Mars/Olympus' }, 400, 'INVALID_TIME_ZONE'],
      [{ id: 'okid', name: 'X', profileId: 'no-such-profile' }, 422, 'PROFILE_NOT_FOUND'],
      [{ id: 'first', name: 'Again' }, 409, 'LIBRARY_EXISTS'],
      [{ id: 'okid' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await server.call('POST', '/libraries', { cookie, body });
      expect([answer.status, (answer.body as { error: { code: string } }).error.code]).toEqual([status, code]);
    }
    expect(await database.db.selectFrom('libraries').select('id').execute()).toEqual(before);
  });

  it('refuses a library’s own administrator: a new library is the installation’s business', async () => {
    const cookie = await server.login(libraryAdmin);
    const answer = await server.call('POST', '/libraries', { cookie, body: { id: 'elsewhere', name: 'Elsewhere' } });
    expect([answer.status, (answer.body as { error: { code: string } }).error.code]).toEqual([403, 'PERMISSION_DENIED']);
    expect(await database.db.selectFrom('libraries').select('id').where('id', '=', 'elsewhere').execute()).toEqual([]);
  });
});
