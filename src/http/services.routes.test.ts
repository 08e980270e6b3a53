import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, countRows, world, type World } from '../../test/factories.js';
import { startServer, type Json, type TestServer } from '../../test/http.js';
import { countServiceRecords } from '../storage/service-record.repository.js';
import { createStaff } from '../usecases/staff.usecases.js';

/**
 * The services API (computer sessions, program sign-ups, room bookings, ILL and reference requests)
 * through a real server on a real port, on every engine: status codes, error codes, scope, and answers
 * and logs that carry no card number and no free text.
 */

describe.each(ENGINES)('services API on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  let libA: string;
  let cookieA: string;
  let cookieB: string;
  const logLines: string[] = [];
  const secrets = new Set<string>();

  /** Logs in through the shared client and remembers the session token as a secret the log must not hold. */
  async function login(username: string, password: string): Promise<string> {
    const pair = await server.login({ username, password });
    secrets.add(pair.slice('carrel_session='.length));
    return pair;
  }

  function expectError(answer: { status: number; body: Json }, status: number, code: string): void {
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code });
  }

  /** An instant `hours` from the test clock's now. */
  const inHours = (hours: number) => new Date(w.clock.now().getTime() + hours * 3_600_000).toISOString();

  async function patronOfA() {
    const patron = await buildPatron(w, { libraryId: libA });
    secrets.add(patron.cardNumber);
    return patron;
  }

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    libA = (await buildLibrary(w, { id: `svc-a-${engine}`, name: 'Alpha Library' })).library.id;
    const libB = (await buildLibrary(w, { id: `svc-b-${engine}`, name: 'Beta Library' })).library.id;
    const deskA = await w.act(createStaff, { username: `svc-desk-a-${engine}`, libraryId: libA, roles: ['circulation'] });
    const deskB = await w.act(createStaff, { username: `svc-desk-b-${engine}`, libraryId: libB, roles: ['circulation'] });
    secrets.add(deskA.password);
    secrets.add(deskB.password);
    server = await startServer(w, { onLog: (chunk) => logLines.push(chunk) });
    cookieA = await login(deskA.account.username, deskA.password);
    cookieB = await login(deskB.account.username, deskB.password);
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('needs a staff session', async () => {
    expectError(await server.call('POST', '/computer-sessions', { body: { guestPass: 'G-1', branch: 'main', station: 'PC-1' } }), 401, 'UNAUTHENTICATED');
  });

  it('starts and ends a computer session by card; the answer carries no card number (JC-IIId)', async () => {
    const patron = await patronOfA();
    const started = await server.call('POST', '/computer-sessions', { cookie: cookieA, body: { cardNumber: patron.cardNumber, branch: 'main', station: 'PC-1' } });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ kind: 'computer-session', status: 'active', libraryId: libA, resource: 'PC-1', endsAt: null, endedSessionIds: [] });
    expect(started.text).not.toContain(patron.cardNumber);
    expect(started.text).not.toContain(patron.id);
    const ended = await server.call('POST', `/computer-sessions/${started.body.id}/end`, { cookie: cookieA });
    expect(ended.status).toBe(200);
    expect(ended.body.status).toBe('ended');
    expectError(await server.call('POST', `/computer-sessions/${started.body.id}/end`, { cookie: cookieA }), 409, 'SERVICE_RECORD_CLOSED');
    // A guest pass at the desk's own library needs no library id
    const guest = await server.call('POST', '/computer-sessions', { cookie: cookieA, body: { guestPass: 'GUEST-7', branch: 'main', station: 'PC-2' } });
    expect(guest.status).toBe(201);
    expectError(await server.call('POST', '/computer-sessions', { cookie: cookieA, body: { branch: 'main', station: 'PC-3' } }), 400, 'CARD_OR_GUEST_PASS_REQUIRED');
  });

  it('records an ILL request without echoing what was asked for, and closes it (CB-A2, CB-C)', async () => {
    const patron = await patronOfA();
    const title = `Confidential Reading Marker${engine}`;
    secrets.add(title);
    const created = await server.call('POST', '/ill-requests', { cookie: cookieA, body: { cardNumber: patron.cardNumber, title, author: 'A. Writer' } });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(title);
    expect(created.text).not.toContain('A. Writer');
    expectError(await server.call('POST', `/ill-requests/${created.body.id}/close`, { cookie: cookieA, body: { outcome: 'lost' } }), 400, 'VALIDATION_FAILED');
    const closed = await server.call('POST', `/ill-requests/${created.body.id}/close`, { cookie: cookieA, body: { outcome: 'fulfilled' } });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'fulfilled', endsAt: w.clock.now().toISOString() });
  });

  it('books rooms and signs up for programs, with the error codes of bad times and clashes (JC-IIIf)', async () => {
    const patron = await patronOfA();
    const before = await countServiceRecords(database.db);
    expectError(
      await server.call('POST', '/room-bookings', { cookie: cookieA, body: { cardNumber: patron.cardNumber, branch: 'main', room: 'study-1', startsAt: inHours(5), endsAt: inHours(4) } }),
      400,
      'ENDS_BEFORE_STARTS',
    );
    expectError(
      await server.call('POST', '/room-bookings', { cookie: cookieA, body: { cardNumber: patron.cardNumber, branch: 'main', room: 'study-1', startsAt: 'soon', endsAt: inHours(4) } }),
      400,
      'INVALID_DATE',
    );
    expectError(
      await server.call('POST', '/room-bookings', { cookie: cookieA, body: { cardNumber: patron.cardNumber, branch: 'main', room: 'study-1', startsAt: inHours(-5), endsAt: inHours(-4) } }),
      422,
      'EVENT_OVER',
    );
    expect(await countServiceRecords(database.db)).toBe(before);

    const booking = await server.call('POST', '/room-bookings', { cookie: cookieA, body: { cardNumber: patron.cardNumber, branch: 'main', room: 'study-1', startsAt: inHours(4), endsAt: inHours(6) } });
    expect(booking.status).toBe(201);
    expect(booking.body).toMatchObject({ kind: 'room-booking', status: 'booked', endsAt: inHours(6) });
    expectError(
      await server.call('POST', '/room-bookings', { cookie: cookieA, body: { cardNumber: patron.cardNumber, branch: 'main', room: 'study-1', startsAt: inHours(5), endsAt: inHours(7) } }),
      409,
      'ROOM_ALREADY_BOOKED',
    );
    expect((await server.call('POST', `/room-bookings/${booking.body.id}/cancel`, { cookie: cookieA })).body.status).toBe('cancelled');

    const signup = await server.call('POST', '/program-signups', { cookie: cookieA, body: { cardNumber: patron.cardNumber, branch: 'main', program: 'storytime', startsAt: inHours(24), endsAt: inHours(25) } });
    expect(signup.status).toBe(201);
    expectError(
      await server.call('POST', '/program-signups', { cookie: cookieA, body: { cardNumber: patron.cardNumber, branch: 'main', program: 'storytime', startsAt: inHours(24), endsAt: inHours(25) } }),
      409,
      'ALREADY_SIGNED_UP',
    );
    expect((await server.call('POST', `/program-signups/${signup.body.id}/cancel`, { cookie: cookieA })).status).toBe(200);
    // Unknown fields are refused by the schema
    expectError(
      await server.call('POST', '/program-signups', { cookie: cookieA, body: { cardNumber: patron.cardNumber, branch: 'main', program: 'x', startsAt: inHours(1), endsAt: inHours(2), note: 'hi' } }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('keeps an anonymous reference question to a topic code; a patron’s question is accepted and not echoed (JC-III)', async () => {
    const before = await countServiceRecords(database.db, 'reference-request');
    expectError(await server.call('POST', '/reference-requests', { cookie: cookieA, body: { question: 'Where is the tax form?', topic: 'tax' } }), 400, 'DETAILS_NEED_PATRON');
    expect(await countServiceRecords(database.db, 'reference-request')).toBe(before);
    const walkUp = await server.call('POST', '/reference-requests', { cookie: cookieA, body: { topic: 'tax', answered: true } });
    expect(walkUp.status).toBe(201);
    expect(walkUp.body).toMatchObject({ libraryId: libA, status: 'answered', resource: 'tax' });
    const patron = await patronOfA();
    const question = `A private question Marker${engine}`;
    secrets.add(question);
    const known = await server.call('POST', '/reference-requests', { cookie: cookieA, body: { cardNumber: patron.cardNumber, question } });
    expect(known.status).toBe(201);
    expect(known.text).not.toContain(question);
    expect((await server.call('POST', `/reference-requests/${known.body.id}/close`, { cookie: cookieA, body: { outcome: 'answered' } })).body.status).toBe('answered');
  });

  it('answers another library’s desk 404 for its records and patrons, and changes nothing (CB-A3, RF-1)', async () => {
    const patron = await patronOfA();
    const ill = await server.call('POST', '/ill-requests', { cookie: cookieA, body: { cardNumber: patron.cardNumber, title: 'Elsewhere' } });
    const session = await server.call('POST', '/computer-sessions', { cookie: cookieA, body: { cardNumber: patron.cardNumber, branch: 'main', station: 'PC-9' } });
    const before = { services: await countServiceRecords(database.db), log: await countRows(database, 'access_log') };
    expectError(await server.call('POST', `/ill-requests/${ill.body.id}/close`, { cookie: cookieB, body: { outcome: 'cancelled' } }), 404, 'SERVICE_RECORD_NOT_FOUND');
    expectError(await server.call('POST', `/computer-sessions/${session.body.id}/end`, { cookie: cookieB }), 404, 'SERVICE_RECORD_NOT_FOUND');
    expectError(await server.call('POST', '/ill-requests', { cookie: cookieB, body: { cardNumber: patron.cardNumber, title: 'Mine now' } }), 404, 'PATRON_NOT_FOUND');
    expectError(await server.call('POST', `/room-bookings/${ill.body.id}/cancel`, { cookie: cookieA }), 404, 'SERVICE_RECORD_NOT_FOUND');
    expect({ services: await countServiceRecords(database.db), log: await countRows(database, 'access_log') }).toEqual(before);
  });

  it('wrote no card number, token, password or free text to the log', () => {
    expect(logLines.length).toBeGreaterThan(10);
    const log = logLines.join('');
    expect([...secrets].filter((s) => s.length >= 4 && log.includes(s))).toEqual([]);
  });
});
