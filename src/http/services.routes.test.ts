import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, countRows, world, type World } from '../../test/factories.js';
import { createLogger } from '../log.js';
import { countServiceRecords } from '../storage/service-record.repository.js';
import { createStaff } from '../usecases/staff.usecases.js';
import { buildServer } from './server.js';

/**
 * The services API (computer sessions, program sign-ups, room bookings, ILL and reference requests)
 * through a real server on a real port, on every engine: status codes, error codes, scope, and answers
 * and logs that carry no card number and no free text.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(ENGINES)('services API on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let app: FastifyInstance;
  let base: string;
  let libA: string;
  let cookieA: string;
  let cookieB: string;
  const logLines: string[] = [];
  const secrets = new Set<string>();

  async function call(method: string, path: string, body?: unknown, cookie?: string): Promise<{ status: number; text: string; body: Json }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (cookie) headers.cookie = cookie;
    const response = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    return { status: response.status, text, body: text ? (JSON.parse(text) as Json) : {} };
  }

  async function login(username: string, password: string): Promise<string> {
    const response = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    expect(response.status).toBe(200);
    const pair = (response.headers.getSetCookie().find((c) => c.startsWith('carrel_session=')) as string).split(';')[0] as string;
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
    const stream = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        logLines.push(chunk.toString());
        callback();
      },
    });
    app = await buildServer({ runtime: w.runtime, logger: createLogger('info', stream) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    cookieA = await login(deskA.account.username, deskA.password);
    cookieB = await login(deskB.account.username, deskB.password);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('needs a staff session', async () => {
    expectError(await call('POST', '/api/v1/computer-sessions', { guestPass: 'G-1', branch: 'main', station: 'PC-1' }), 401, 'UNAUTHENTICATED');
  });

  it('starts and ends a computer session by card; the answer carries no card number (JC-IIId)', async () => {
    const patron = await patronOfA();
    const started = await call('POST', '/api/v1/computer-sessions', { cardNumber: patron.cardNumber, branch: 'main', station: 'PC-1' }, cookieA);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ kind: 'computer-session', status: 'active', libraryId: libA, resource: 'PC-1', endsAt: null, endedSessionIds: [] });
    expect(started.text).not.toContain(patron.cardNumber);
    expect(started.text).not.toContain(patron.id);
    const ended = await call('POST', `/api/v1/computer-sessions/${started.body.id}/end`, undefined, cookieA);
    expect(ended.status).toBe(200);
    expect(ended.body.status).toBe('ended');
    expectError(await call('POST', `/api/v1/computer-sessions/${started.body.id}/end`, undefined, cookieA), 409, 'SERVICE_RECORD_CLOSED');
    // A guest pass at the desk's own library needs no library id
    const guest = await call('POST', '/api/v1/computer-sessions', { guestPass: 'GUEST-7', branch: 'main', station: 'PC-2' }, cookieA);
    expect(guest.status).toBe(201);
    expectError(await call('POST', '/api/v1/computer-sessions', { branch: 'main', station: 'PC-3' }, cookieA), 400, 'CARD_OR_GUEST_PASS_REQUIRED');
  });

  it('records an ILL request without echoing what was asked for, and closes it (CB-A2, CB-C)', async () => {
    const patron = await patronOfA();
    const title = `Confidential Reading Marker${engine}`;
    secrets.add(title);
    const created = await call('POST', '/api/v1/ill-requests', { cardNumber: patron.cardNumber, title, author: 'A. Writer' }, cookieA);
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(title);
    expect(created.text).not.toContain('A. Writer');
    expectError(await call('POST', `/api/v1/ill-requests/${created.body.id}/close`, { outcome: 'lost' }, cookieA), 400, 'VALIDATION_FAILED');
    const closed = await call('POST', `/api/v1/ill-requests/${created.body.id}/close`, { outcome: 'fulfilled' }, cookieA);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'fulfilled', endsAt: w.clock.now().toISOString() });
  });

  it('books rooms and signs up for programs, with the error codes of bad times and clashes (JC-IIIf)', async () => {
    const patron = await patronOfA();
    const before = await countServiceRecords(database.db);
    expectError(
      await call('POST', '/api/v1/room-bookings', { cardNumber: patron.cardNumber, branch: 'main', room: 'study-1', startsAt: inHours(5), endsAt: inHours(4) }, cookieA),
      400,
      'ENDS_BEFORE_STARTS',
    );
    expectError(
      await call('POST', '/api/v1/room-bookings', { cardNumber: patron.cardNumber, branch: 'main', room: 'study-1', startsAt: 'soon', endsAt: inHours(4) }, cookieA),
      400,
      'INVALID_DATE',
    );
    expectError(
      await call('POST', '/api/v1/room-bookings', { cardNumber: patron.cardNumber, branch: 'main', room: 'study-1', startsAt: inHours(-5), endsAt: inHours(-4) }, cookieA),
      422,
      'EVENT_OVER',
    );
    expect(await countServiceRecords(database.db)).toBe(before);

    const booking = await call('POST', '/api/v1/room-bookings', { cardNumber: patron.cardNumber, branch: 'main', room: 'study-1', startsAt: inHours(4), endsAt: inHours(6) }, cookieA);
    expect(booking.status).toBe(201);
    expect(booking.body).toMatchObject({ kind: 'room-booking', status: 'booked', endsAt: inHours(6) });
    expectError(
      await call('POST', '/api/v1/room-bookings', { cardNumber: patron.cardNumber, branch: 'main', room: 'study-1', startsAt: inHours(5), endsAt: inHours(7) }, cookieA),
      409,
      'ROOM_ALREADY_BOOKED',
    );
    expect((await call('POST', `/api/v1/room-bookings/${booking.body.id}/cancel`, undefined, cookieA)).body.status).toBe('cancelled');

    const signup = await call('POST', '/api/v1/program-signups', { cardNumber: patron.cardNumber, branch: 'main', program: 'storytime', startsAt: inHours(24), endsAt: inHours(25) }, cookieA);
    expect(signup.status).toBe(201);
    expectError(
      await call('POST', '/api/v1/program-signups', { cardNumber: patron.cardNumber, branch: 'main', program: 'storytime', startsAt: inHours(24), endsAt: inHours(25) }, cookieA),
      409,
      'ALREADY_SIGNED_UP',
    );
    expect((await call('POST', `/api/v1/program-signups/${signup.body.id}/cancel`, undefined, cookieA)).status).toBe(200);
    // Unknown fields are refused by the schema
    expectError(
      await call('POST', '/api/v1/program-signups', { cardNumber: patron.cardNumber, branch: 'main', program: 'x', startsAt: inHours(1), endsAt: inHours(2), note: 'hi' }, cookieA),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('keeps an anonymous reference question to a topic code; a patron’s question is accepted and not echoed (JC-III)', async () => {
    const before = await countServiceRecords(database.db, 'reference-request');
    expectError(await call('POST', '/api/v1/reference-requests', { question: 'Where is the tax form?', topic: 'tax' }, cookieA), 400, 'DETAILS_NEED_PATRON');
    expect(await countServiceRecords(database.db, 'reference-request')).toBe(before);
    const walkUp = await call('POST', '/api/v1/reference-requests', { topic: 'tax', answered: true }, cookieA);
    expect(walkUp.status).toBe(201);
    expect(walkUp.body).toMatchObject({ libraryId: libA, status: 'answered', resource: 'tax' });
    const patron = await patronOfA();
    const question = `A private question Marker${engine}`;
    secrets.add(question);
    const known = await call('POST', '/api/v1/reference-requests', { cardNumber: patron.cardNumber, question }, cookieA);
    expect(known.status).toBe(201);
    expect(known.text).not.toContain(question);
    expect((await call('POST', `/api/v1/reference-requests/${known.body.id}/close`, { outcome: 'answered' }, cookieA)).body.status).toBe('answered');
  });

  it('answers another library’s desk 404 for its records and patrons, and changes nothing (CB-A3, RF-1)', async () => {
    const patron = await patronOfA();
    const ill = await call('POST', '/api/v1/ill-requests', { cardNumber: patron.cardNumber, title: 'Elsewhere' }, cookieA);
    const session = await call('POST', '/api/v1/computer-sessions', { cardNumber: patron.cardNumber, branch: 'main', station: 'PC-9' }, cookieA);
    const before = { services: await countServiceRecords(database.db), log: await countRows(database, 'access_log') };
    expectError(await call('POST', `/api/v1/ill-requests/${ill.body.id}/close`, { outcome: 'cancelled' }, cookieB), 404, 'SERVICE_RECORD_NOT_FOUND');
    expectError(await call('POST', `/api/v1/computer-sessions/${session.body.id}/end`, undefined, cookieB), 404, 'SERVICE_RECORD_NOT_FOUND');
    expectError(await call('POST', '/api/v1/ill-requests', { cardNumber: patron.cardNumber, title: 'Mine now' }, cookieB), 404, 'PATRON_NOT_FOUND');
    expectError(await call('POST', `/api/v1/room-bookings/${ill.body.id}/cancel`, undefined, cookieA), 404, 'SERVICE_RECORD_NOT_FOUND');
    expect({ services: await countServiceRecords(database.db), log: await countRows(database, 'access_log') }).toEqual(before);
  });

  it('wrote no card number, token, password or free text to the log', () => {
    expect(logLines.length).toBeGreaterThan(10);
    const log = logLines.join('');
    expect([...secrets].filter((s) => s.length >= 4 && log.includes(s))).toEqual([]);
  });
});
