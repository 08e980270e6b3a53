import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, world, type World } from '../../test/factories.js';
import { startServer, type Json, type TestServer } from '../../test/http.js';
import { createStaff } from '../usecases/staff.usecases.js';

/** The register of records kept outside Carrel over HTTP: a real server on 127.0.0.1, on every engine. */

describe.each(ENGINES)('record-series API on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  let libraryId: string;
  const admin = { username: `rs-admin-${engine}`, password: '' };
  const desk = { username: `rs-desk-${engine}`, password: '' };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    libraryId = (await buildLibrary(w, { id: `rf-${engine}`, profileId: 'ridgefield-ct' })).library.id;
    admin.password = (await w.act(createStaff, { username: admin.username, libraryId: null, roles: ['admin'] })).password;
    desk.password = (await w.act(createStaff, { username: desk.username, libraryId, roles: ['circulation'] })).password;
    server = await startServer(w);
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('lists the register, shows what is due, and takes an administrator’s disposal confirmation (RF-9)', async () => {
    // Given a ridgefield-ct library 31 days after it was created, and an administrator logged in
    w.clock.advanceDays(31);
    const cookie = await server.login(admin);
    // When the register and the due list are read
    const register = await server.call('GET', `/libraries/${libraryId}/record-series`, { cookie });
    const due = await server.call('GET', `/libraries/${libraryId}/record-series/due`, { cookie });
    // Then the camera footage (RF-9, 30 days) is there and due
    expect(register.status).toBe(200);
    expect(register.body.map((s: Json) => [s.code, s.retentionDays, s.clause, s.fromProfile])).toEqual([['security-camera', 30, 'RF-9', true]]);
    expect(due.body.map((s: Json) => [s.code, s.due.status, s.due.reason])).toEqual([['security-camera', 'due', 'never-confirmed']]);
    // In Spanish (`lang=es`) a series the shipped profiles name is in the catalogue's words; its code and
    // figures stay. Without `lang` (English) the register's own name is answered, as before.
    const english = register.body[0] as Json;
    const spanish = (await server.call('GET', `/libraries/${libraryId}/record-series/due?lang=es`, { cookie })).body[0] as Json;
    expect(english).toMatchObject({ name: 'Security-camera footage', medium: 'digital video' });
    expect(spanish).toMatchObject({ code: 'security-camera', retentionDays: 30, name: 'Grabaciones de las cámaras de seguridad', medium: 'video digital' });
    expect((await server.call('GET', `/libraries/${libraryId}/record-series?lang=xx-bad`, { cookie })).body.error.code).toBe('VALIDATION_FAILED');
    // When the administrator confirms disposal through the cutoff
    const confirmed = await server.call('POST', `/libraries/${libraryId}/record-series/security-camera/disposals`, {
      cookie,
      body: { disposedThrough: due.body[0].due.dueThrough, method: 'overwritten by the recorder' },
    });
    // Then it is recorded against their account, and nothing is due any more
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.disposal).toMatchObject({ disposedThrough: due.body[0].due.dueThrough, method: 'overwritten by the recorder' });
    expect(typeof confirmed.body.disposal.confirmedBy).toBe('string');
    expect(confirmed.body.series.due.status).toBe('not-due');
    expect((await server.call('GET', `/libraries/${libraryId}/record-series/due`, { cookie })).body).toEqual([]);
    // And an administrator may add the library's own series
    const added = await server.call('POST', `/libraries/${libraryId}/record-series`, { cookie, body: { code: 'sign-up-sheets', name: 'Program sign-up sheets', medium: 'paper', retentionDays: 7 } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ code: 'sign-up-sheets', fromProfile: false, clause: null, due: { status: 'not-due' } });
    // When a confirmation goes backwards, it is refused with its code
    const backwards = await server.call('POST', `/libraries/${libraryId}/record-series/security-camera/disposals`, { cookie, body: { disposedThrough: '2020-01-01' } });
    expect([backwards.status, backwards.body.error.code]).toEqual([409, 'DISPOSAL_BEFORE_LAST_CONFIRMATION']);
  });

  it('refuses a clerk’s change (403), an unknown series (404) and a library out of reach (404)', async () => {
    const clerk = await server.login(desk);
    const adminCookie = await server.login(admin);
    const now = w.clock.now().toISOString();
    expect((await server.call('GET', `/libraries/${libraryId}/record-series`, { cookie: clerk })).status).toBe(200);
    const denied = await server.call('POST', `/libraries/${libraryId}/record-series/security-camera/disposals`, { cookie: clerk, body: { disposedThrough: now } });
    expect([denied.status, denied.body.error.code]).toEqual([403, 'PERMISSION_DENIED']);
    const unknown = await server.call('POST', `/libraries/${libraryId}/record-series/no-such-series/disposals`, { cookie: adminCookie, body: { disposedThrough: now } });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'RECORD_SERIES_NOT_FOUND']);
    const other = await server.call('GET', '/libraries/no-such-library/record-series/due', { cookie: clerk });
    expect([other.status, other.body.error.code]).toEqual([404, 'LIBRARY_NOT_FOUND']);
    const future = await server.call('POST', `/libraries/${libraryId}/record-series/security-camera/disposals`, { cookie: adminCookie, body: { disposedThrough: '2999-01-01' } });
    expect([future.status, future.body.error.code]).toEqual([400, 'DISPOSAL_IN_FUTURE']);
    expect((await server.call('GET', `/libraries/${libraryId}/record-series`, { cookie: clerk })).body).toHaveLength(2);
  });
});
