import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { insertStaff } from '../storage/staff.repository.js';
import { up as placeUnplacedStaff } from '../storage/migrations/0026-staff-libraries.js';
import { createStaff } from '../usecases/staff.usecases.js';
import { generatePassword, hashSecret } from '../vault/secrets.js';

/**
 * Which libraries' patrons a staff account reaches (issue 22, defect 7), over real HTTP on every engine.
 * An account belongs to one library, or to a list of libraries that all share their patrons; an account
 * without a library reaches no patron, whatever roles it was given, and none is made with a role about
 * patrons any more.
 */
describe.each(ENGINES)('staff accounts and their libraries on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  let closed: string; // a library whose profile does not share its patrons
  let sharingA: string; // two libraries whose profiles share (ridgefield-ct, RF-4)
  let sharingB: string;
  const operator = { username: `scope-admin-${engine}`, password: '' };
  let operatorCookie: string;

  const staffCount = async () =>
    Number((await database.db.selectFrom('staff_accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  /** An account as `carrel staff add` without `--library` made it before the fix: no library, a librarian. */
  async function unplacedLibrarian(username: string) {
    const password = generatePassword();
    const account = { id: `legacy-${username}`, libraryId: null, libraryIds: [], username, roles: ['librarian'], disabled: false, mustChangePassword: false, createdAt: new Date().toISOString() };
    await insertStaff(database.db, account, await hashSecret(password));
    return { id: account.id, username, password };
  }

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    closed = (await buildLibrary(w, { profileId: 'imagineif-mt' })).library.id;
    sharingA = (await buildLibrary(w, { profileId: 'ridgefield-ct' })).library.id;
    sharingB = (await buildLibrary(w, { profileId: 'ridgefield-ct' })).library.id;
    operator.password = (await w.act(createStaff, { username: operator.username, libraryId: null, roles: ['admin'] })).password;
    server = await startServer(w);
    operatorCookie = await server.login(operator);
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('an account without a library reads no patron of a library that does not share (the defect)', async () => {
    // Given a librarian account made without a library, and a patron of a library that keeps its patrons to itself
    const account = await unplacedLibrarian(`unplaced-${engine}`);
    const patron = await buildPatron(w, { libraryId: closed });
    const cookie = await server.login({ username: account.username, password: account.password });
    // When it looks the patron up by card or reads the record
    const byCard = await server.call('POST', '/patrons/lookup', { cookie, body: { cardNumber: patron.cardNumber } });
    const byId = await server.call('GET', `/patrons/${patron.id}?purpose=account-service`, { cookie });
    // Then both are refused: its roles about patrons count for nothing without a library
    expect([byCard.status, byCard.body.error?.code]).toEqual([403, 'PERMISSION_DENIED']);
    expect([byId.status, byId.body.error?.code]).toEqual([403, 'PERMISSION_DENIED']);
    expect(byCard.text + byId.text).not.toContain(patron.cardNumber);
    // And the session says it may do nothing about patrons
    const session = await server.call('GET', '/auth/session', { cookie });
    expect(session.body.permissions).not.toContain('patron.lookup');
    expect(session.body.purposes).toEqual([]);
  });

  it('refuses an account with a role about patrons and no library, and a missing library when there are several', async () => {
    const before = await staffCount();
    const wide = await server.call('POST', '/staff', { cookie: operatorCookie, body: { username: `wide-${engine}`, libraryId: null, roles: ['librarian'] } });
    expect([wide.status, wide.body.error?.code]).toEqual([422, 'STAFF_LIBRARY_REQUIRED']);
    const unnamed = await server.call('POST', '/staff', { cookie: operatorCookie, body: { username: `unnamed-${engine}`, roles: ['circulation'] } });
    expect([unnamed.status, unnamed.body.error?.code]).toEqual([422, 'STAFF_LIBRARY_REQUIRED']);
    // Nor may an existing account keep its roles about patrons while taken out of its library
    const placed = await server.call('POST', '/staff', { cookie: operatorCookie, body: { username: `placed-${engine}`, libraryId: closed, roles: ['circulation'] } });
    expect(placed.status).toBe(201);
    const out = await server.call('PATCH', `/staff/${placed.body.account.id}`, { cookie: operatorCookie, body: { libraryId: null } });
    expect([out.status, out.body.error?.code]).toEqual([422, 'STAFF_LIBRARY_REQUIRED']);
    expect(await staffCount()).toBe(before + 1);
    // An account that only runs the system may still be without a library
    const ops = await server.call('POST', '/staff', { cookie: operatorCookie, body: { username: `ops-${engine}`, libraryId: null, roles: ['admin'] } });
    expect([ops.status, ops.body.account.libraryId, ops.body.account.libraryIds]).toEqual([201, null, []]);
  });

  it('an account of a list of sharing libraries works at each of them, and at no other', async () => {
    // Given a librarian of both sharing libraries
    const created = await server.call('POST', '/staff', { cookie: operatorCookie, body: { username: `pair-${engine}`, libraryIds: [sharingA, sharingB], roles: ['librarian'] } });
    expect(created.status).toBe(201);
    expect([created.body.account.libraryId, created.body.account.libraryIds]).toEqual([sharingA, [sharingA, sharingB]]);
    const cookie = await server.login({ username: `pair-${engine}`, password: created.body.password });
    // Then it reads patrons of both, and reaches the second library's own settings
    for (const libraryId of [sharingA, sharingB]) {
      const patron = await buildPatron(w, { libraryId });
      expect((await server.call('POST', '/patrons/lookup', { cookie, body: { cardNumber: patron.cardNumber } })).status).toBe(200);
      expect((await server.call('GET', `/libraries/${libraryId}/settings`, { cookie })).status).toBe(200);
    }
    // But not a patron or the settings of a library that does not share
    const outsider = await buildPatron(w, { libraryId: closed });
    const refused = await server.call('POST', '/patrons/lookup', { cookie, body: { cardNumber: outsider.cardNumber } });
    expect([refused.status, refused.body.error?.code]).toEqual([404, 'PATRON_NOT_FOUND']);
    expect((await server.call('GET', `/libraries/${closed}/settings`, { cookie })).status).toBe(404);
    // And the list shows both libraries
    const listed = await server.call('GET', `/staff?libraryId=${sharingB}`, { cookie: operatorCookie });
    expect((listed.body as Array<{ username: string; libraryIds: string[] }>).find((a) => a.username === `pair-${engine}`)?.libraryIds).toContain(sharingB);
  });

  it('a library on the list whose profile stops sharing keeps its patrons from the account', async () => {
    // Given a librarian of the two sharing libraries, who reads a patron of the second
    const created = await server.call('POST', '/staff', { cookie: operatorCookie, body: { username: `unshared-${engine}`, libraryIds: [sharingA, sharingB], roles: ['librarian'] } });
    expect(created.status).toBe(201);
    const cookie = await server.login({ username: `unshared-${engine}`, password: created.body.password });
    const patron = await buildPatron(w, { libraryId: sharingB });
    expect((await server.call('POST', '/patrons/lookup', { cookie, body: { cardNumber: patron.cardNumber } })).status).toBe(200);
    // When the second library adopts a profile that keeps its patrons to itself
    await database.db.updateTable('libraries').set({ profile_id: 'imagineif-mt' }).where('id', '=', sharingB).execute();
    try {
      // Then the account, still listed there, no longer reaches that library's patrons
      const refused = await server.call('POST', '/patrons/lookup', { cookie, body: { cardNumber: patron.cardNumber } });
      expect([refused.status, refused.body.error?.code]).toEqual([404, 'PATRON_NOT_FOUND']);
    } finally {
      await database.db.updateTable('libraries').set({ profile_id: 'ridgefield-ct' }).where('id', '=', sharingB).execute();
    }
  });

  it('refuses a list with a library that does not share, creating nothing', async () => {
    const before = await staffCount();
    const mixed = await server.call('POST', '/staff', { cookie: operatorCookie, body: { username: `mixed-${engine}`, libraryIds: [sharingA, closed], roles: ['circulation'] } });
    expect([mixed.status, mixed.body.error?.code]).toEqual([422, 'STAFF_LIBRARIES_NOT_SHARED']);
    const moved = await server.call('POST', '/staff', { cookie: operatorCookie, body: { username: `single-${engine}`, libraryId: sharingA, roles: ['circulation'] } });
    const widened = await server.call('PATCH', `/staff/${moved.body.account.id}`, { cookie: operatorCookie, body: { libraryIds: [sharingA, closed] } });
    expect([widened.status, widened.body.error?.code]).toEqual([422, 'STAFF_LIBRARIES_NOT_SHARED']);
    expect(await staffCount()).toBe(before + 1);
    expect(await database.db.selectFrom('staff_libraries').selectAll().where('staff_id', '=', moved.body.account.id).execute()).toEqual([]);
  });
});

describe.each(ENGINES)('accounts made without a library before 0026, on %s', (engine) => {
  it('with one library, those holding a role about patrons are placed in it; administrators stay consortium-wide', async () => {
    const database = await freshDatabase(engine);
    try {
      const w = await world(database);
      const only = (await buildLibrary(w)).library.id;
      const legacy = (username: string, roles: string[]) =>
        insertStaff(database.db, { id: `id-${username}`, libraryId: null, libraryIds: [], username, roles, disabled: false, mustChangePassword: false, createdAt: new Date().toISOString() }, 'x');
      await legacy('old.desk', ['circulation']);
      await legacy('old.admin', ['admin']);
      // The migration runs again on a database as it was before it
      await database.db.schema.dropTable('staff_libraries').execute();
      await placeUnplacedStaff(database.db);
      const rows = await database.db.selectFrom('staff_accounts').select(['username', 'library_id']).where('username', 'in', ['old.desk', 'old.admin']).orderBy('username').execute();
      expect(rows).toEqual([
        { username: 'old.admin', library_id: null },
        { username: 'old.desk', library_id: only },
      ]);
    } finally {
      await database.drop();
    }
  });
});
