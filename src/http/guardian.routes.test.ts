import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import { startServer, type Json, type TestServer } from '../../test/http.js';
import { checkout } from '../usecases/circulation.usecases.js';
import { createStaff } from '../usecases/staff.usecases.js';

/**
 * The guardian API through a real server on a real port, on every engine, under ImagineIF's policy
 * (IF-7): a caregiver logged in with their own card and PIN sees the child's whole record with the
 * child's card (sent in the body), only overdue, lost or damaged items and fines without it, and
 * nothing of anyone else's child. No card number, PIN or name reaches a URL or the log.
 */
describe.each(ENGINES)('guardian API on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  let guardianCookie: string;
  let strangerCookie: string;
  let staffCookie: string;
  let child: { id: string; cardNumber: string };
  let otherChild: { id: string };
  let strangerCard: string;
  const logLines: string[] = [];
  const secrets = new Set<string>();

  function expectError(answer: { status: number; body: Json }, status: number, code: string): void {
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code });
  }

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    const libraryId = (await buildLibrary(w, { id: `grd-${engine}`, name: 'Flathead Library', profileId: 'imagineif-mt' })).library.id;
    const guardian = await buildPatron(w, { libraryId });
    const stranger = await buildPatron(w, { libraryId });
    const kid = await buildPatron(w, { libraryId, birthDate: '2014-05-20', guardianCard: guardian.cardNumber });
    const otherKid = await buildPatron(w, { libraryId, birthDate: '2015-01-01', guardianCard: stranger.cardNumber });
    child = { id: kid.id, cardNumber: kid.cardNumber };
    otherChild = { id: otherKid.id };
    strangerCard = stranger.cardNumber;
    for (const p of [guardian, stranger, kid, otherKid]) secrets.add(p.cardNumber).add(p.pin);
    await w.act(checkout, { cardNumber: kid.cardNumber, itemBarcode: (await buildItem(w, { libraryId, title: 'Not Yet Due' })).barcode });
    const desk = await w.act(createStaff, { username: `grd-desk-${engine}`, libraryId, roles: ['circulation'] });
    secrets.add(desk.password);
    server = await startServer(w, { onLog: (chunk) => logLines.push(chunk) });
    guardianCookie = await server.patronLogin({ cardNumber: guardian.cardNumber, pin: guardian.pin });
    strangerCookie = await server.patronLogin({ cardNumber: stranger.cardNumber, pin: stranger.pin });
    staffCookie = await server.login({ username: desk.account.username, password: desk.password });
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('needs a patron session: none is 401, a staff session is 403', async () => {
    expectError(await server.call('GET', '/me/dependents'), 401, 'UNAUTHENTICATED');
    expectError(await server.call('GET', '/me/dependents', { cookie: staffCookie }), 403, 'PERMISSION_DENIED');
    expectError(await server.call('POST', `/me/dependents/${child.id}/record`, { cookie: staffCookie, body: {} }), 403, 'PERMISSION_DENIED');
  });

  it('lists the children the patron signed for, by first name only', async () => {
    const answer = await server.call('GET', '/me/dependents', { cookie: guardianCookie });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([{ patronId: child.id, firstName: 'Pat', withChildCard: 'full', withoutChildCard: 'overdue-and-fines' }]);
    expect(answer.text).not.toContain('Marker');
  });

  it('IF-7: with the child’s card (in the body) the guardian sees everything in the record', async () => {
    const answer = await server.call('POST', `/me/dependents/${child.id}/record`, { cookie: guardianCookie, body: { childCardNumber: child.cardNumber } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ minorId: child.id, level: 'full', clause: 'IF-7', cardAccepted: true, registration: { birthDate: '2014-05-20' }, loans: [{ title: 'Not Yet Due' }] });
    for (const key of ['history', 'holds', 'payments', 'services']) expect(answer.body).toHaveProperty(key);
    expect(answer.text).not.toContain(child.cardNumber);
  });

  it('IF-7: without the card (no body at all, or none in it) only overdue, lost or damaged items and fines', async () => {
    for (const options of [{}, { body: {} }, { body: { childCardNumber: null } }]) {
      const answer = await server.call('POST', `/me/dependents/${child.id}/record`, { cookie: guardianCookie, ...options });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ minorId: child.id, level: 'overdue-and-fines', clause: 'IF-7', cardAccepted: false, loans: [], fines: [], balanceCents: 0 });
    }
  });

  it('IF-7: with a number that is not the child’s card, says so (cardAccepted false) and shows what it shows without one', async () => {
    const answer = await server.call('POST', `/me/dependents/${child.id}/record`, { cookie: guardianCookie, body: { childCardNumber: strangerCard } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ minorId: child.id, level: 'overdue-and-fines', clause: 'IF-7', cardAccepted: false, loans: [], fines: [], balanceCents: 0 });
  });

  it('answers another child, an unknown id and a wrong card alike: 404 PATRON_NOT_FOUND, the same body', async () => {
    const other = await server.call('POST', `/me/dependents/${otherChild.id}/record`, { cookie: guardianCookie, body: {} });
    const unknown = await server.call('POST', '/me/dependents/00000000-0000-4000-8000-000000000000/record', { cookie: guardianCookie, body: {} });
    const notTheirs = await server.call('POST', `/me/dependents/${child.id}/record`, { cookie: strangerCookie, body: { childCardNumber: child.cardNumber } });
    expectError(other, 404, 'PATRON_NOT_FOUND');
    expect(unknown.body).toEqual(other.body);
    expect(notTheirs.body).toEqual(other.body);
  });

  it('refuses a change without the CSRF token, and a malformed id or body', async () => {
    expectError(await server.call('POST', `/me/dependents/${child.id}/record`, { cookie: guardianCookie, body: {}, csrf: false }), 403, 'CSRF_TOKEN_INVALID');
    expect((await server.call('POST', '/me/dependents/not-an-id/record', { cookie: guardianCookie, body: {} })).status).toBe(400);
    expect((await server.call('POST', `/me/dependents/${child.id}/record`, { cookie: guardianCookie, body: { cardNumber: child.cardNumber } })).status).toBe(400);
  });

  it('documents the routes in /openapi.json, the card in the body only', async () => {
    const doc = (await (await fetch(`${server.base}/openapi.json`)).json()) as Json;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/me/dependents', '/api/v1/me/dependents/{minorId}/record']));
    expect(JSON.stringify(doc.paths['/api/v1/me/dependents/{minorId}/record'].post.parameters)).not.toContain('childCardNumber');
  });

  it('keeps card numbers, PINs and names out of the log', () => {
    const log = logLines.join('');
    expect(log.length).toBeGreaterThan(0);
    // A PIN is a few digits: looked for as a value of its own, not inside a request id or a time.
    for (const secret of secrets) expect(log).not.toMatch(new RegExp(`(?<![0-9A-Za-z.])${secret}(?![0-9A-Za-z.])`));
    expect(log).not.toContain('Marker');
  });
});
