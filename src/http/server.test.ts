import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, countRows, world, type World } from '../../test/factories.js';
import { createLogger } from '../log.js';
import { checkout } from '../usecases/circulation.usecases.js';
import { createStaff } from '../usecases/staff.usecases.js';
import { findLibrary, updateLibrarySettings } from '../storage/library.repository.js';
import { BODY_LIMIT, buildServer } from './server.js';

/**
 * The HTTP API end to end: a real server on a real port, spoken to with Node's fetch, on every engine.
 * Every request goes over the wire, cookies and all, and the server's log lines are collected so the
 * last test can prove none of the personal data, secrets or tokens used along the way reached them.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Json;
}

interface CallOptions {
  body?: unknown;
  /** A raw body sent as is (with `contentType`, default application/json). */
  raw?: string;
  contentType?: string;
  cookie?: string;
  /** The X-CSRF-Token header: by default the one the cookie's log-in gave; false sends none. */
  csrf?: string | false;
}

const TABLES = ['loans', 'fines', 'holds', 'payments', 'patrons', 'items', 'access_log'] as const;

/** What an error body must never carry: stack frames, source paths, dependency paths. */
function expectNoLeak(answer: Answer): void {
  expect(answer.status).toBeLessThan(500);
  expect(answer.text).not.toMatch(/\bat \S+ \(/);
  expect(answer.text).not.toMatch(/\bat (file:|\/|node:)/);
  expect(answer.text).not.toContain('.ts:');
  expect(answer.text).not.toContain('.js:');
  expect(answer.text).not.toContain('node_modules');
  expect(answer.text).not.toMatch(/stack/i);
}

/** An error answer with a stable code and nothing it should not say. */
function expectError(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code });
  expect(typeof answer.body.error.message).toBe('string');
  expect(Array.isArray(answer.body.error.problems)).toBe(true);
  expect(answer.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  expectNoLeak(answer);
}

describe.each(ENGINES)('HTTP API on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let app: FastifyInstance;
  let base: string;
  const logLines: string[] = [];
  /** Every secret or personal value the tests handled: none may appear in a log line. */
  const secrets = new Set<string>();

  let libA: string;
  let libB: string;
  const admin = { username: `admin-${engine}`, password: '' };
  const operator = { username: `operator-${engine}`, password: '' };
  const deskA = { username: `desk-a-${engine}`, password: '' };

  /** The CSRF token of each session cookie, sent on every state-changing call made with it. */
  const csrfTokens = new Map<string, string>();

  async function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    let payload: string | undefined;
    if (options.raw !== undefined) {
      payload = options.raw;
      headers['content-type'] = options.contentType ?? 'application/json';
    } else if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    if (options.cookie) headers.cookie = options.cookie;
    const csrf = options.csrf === undefined ? (options.cookie ? csrfTokens.get(options.cookie) : undefined) : options.csrf;
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    const response = await fetch(`${base}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await response.text();
    let body: Json = {};
    try {
      body = text ? (JSON.parse(text) as Json) : {};
    } catch {
      body = {};
    }
    return { status: response.status, headers: response.headers, text, body };
  }

  /** The `carrel_session` Set-Cookie header of an answer, if any. */
  function sessionSetCookie(answer: Answer): string | undefined {
    return answer.headers.getSetCookie().find((c) => c.startsWith('carrel_session='));
  }

  /** Logs in and returns the Cookie header value to send back (`carrel_session=…`). */
  async function login(account: { username: string; password: string }, presentedCookie?: string): Promise<string> {
    const answer = await call('POST', '/api/v1/auth/login', {
      body: { username: account.username, password: account.password },
      ...(presentedCookie ? { cookie: presentedCookie } : {}),
    });
    expect(answer.status).toBe(200);
    const setCookie = sessionSetCookie(answer);
    expect(setCookie).toBeDefined();
    const pair = (setCookie as string).split(';')[0] as string;
    secrets.add(pair.slice('carrel_session='.length));
    csrfTokens.set(pair, answer.body.csrfToken as string);
    return pair;
  }

  async function snapshot(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of TABLES) counts[table] = await countRows(database, table);
    return counts;
  }

  async function activeLoansOfItem(itemId: string): Promise<number> {
    const row = await database.db
      .selectFrom('loans')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('item_id', '=', itemId)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** A patron registered directly (not through HTTP), remembered as a secret. */
  async function patronIn(libraryId: string, name: string) {
    const patron = await buildPatron(w, { libraryId, name });
    secrets.add(patron.cardNumber);
    secrets.add(patron.pin);
    secrets.add(name);
    return patron;
  }

  let barcodeCounter = 0;
  const barcode = (prefix: string) => `${prefix}-${engine.slice(0, 2)}-${Date.now().toString(36)}-${barcodeCounter++}`.toUpperCase();

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    libA = (await buildLibrary(w, { id: `lib-a-${engine}`, name: 'Alpha Library' })).library.id;
    libB = (await buildLibrary(w, { id: `lib-b-${engine}`, name: 'Beta Library' })).library.id;
    // Library A's administrator who is also a librarian (the system administrator sees no patron).
    admin.password = (await w.act(createStaff, { username: admin.username, libraryId: libA, roles: ['admin', 'librarian'] })).password;
    // The installation's administrator, without a library (issue 22, defect 7).
    operator.password = (await w.act(createStaff, { username: operator.username, libraryId: null, roles: ['admin'] })).password;
    secrets.add(operator.password);
    deskA.password = (await w.act(createStaff, { username: deskA.username, libraryId: libA, roles: ['librarian'] })).password;
    secrets.add(admin.password);
    secrets.add(deskA.password);

    const stream = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        logLines.push(chunk.toString());
        callback();
      },
    });
    app = await buildServer({ runtime: w.runtime, logger: createLogger('info', stream) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  describe('authentication', () => {
    it('sets an HttpOnly, SameSite=Strict, Path=/ session cookie and answers who is logged in', async () => {
      const answer = await call('POST', '/api/v1/auth/login', { body: { username: deskA.username, password: deskA.password } });
      expect(answer.status).toBe(200);
      expect(answer.body.staff).toMatchObject({ username: deskA.username, libraryId: libA, roles: ['librarian'] });
      expect(answer.text).not.toContain(deskA.password);
      const setCookie = sessionSetCookie(answer);
      expect(setCookie).toBeDefined();
      const attributes = (setCookie as string).split(';').map((a) => a.trim().toLowerCase());
      expect(attributes).toContain('httponly');
      expect(attributes).toContain('samesite=strict');
      expect(attributes).toContain('path=/');
      const pair = (setCookie as string).split(';')[0] as string;
      const token = pair.slice('carrel_session='.length);
      expect(token.length).toBeGreaterThanOrEqual(20);
      secrets.add(token);
      // The token is in the cookie only, never in the body.
      expect(answer.text).not.toContain(token);

      const session = await call('GET', '/api/v1/auth/session', { cookie: pair });
      expect(session.status).toBe(200);
      expect(session.body.actor).toEqual({ kind: 'staff', id: answer.body.staff.id, libraryId: libA, roles: ['librarian'] });
    });

    it('answers the look-up purposes the session’s roles may name (ROLE_PURPOSES): one for a clerk, all five for the director', async () => {
      const clerk = { username: `clerk-${engine}`, password: '' };
      const director = { username: `director-${engine}`, password: '' };
      clerk.password = (await w.act(createStaff, { username: clerk.username, libraryId: libA, roles: ['circulation'] })).password;
      director.password = (await w.act(createStaff, { username: director.username, libraryId: libA, roles: ['director'] })).password;
      secrets.add(clerk.password);
      secrets.add(director.password);
      const clerkSession = await call('GET', '/api/v1/auth/session', { cookie: await login(clerk) });
      expect(clerkSession.status).toBe(200);
      expect(clerkSession.body.purposes).toEqual(['account-service']);
      const directorSession = await call('GET', '/api/v1/auth/session', { cookie: await login(director) });
      expect(directorSession.status).toBe(200);
      expect(directorSession.body.purposes).toEqual(['account-service', 'materials-recovery', 'fines-collection', 'violation-review', 'legal-disclosure']);
      // Roles add up: an administrator who is also a librarian names the librarian's three.
      const adminSession = await call('GET', '/api/v1/auth/session', { cookie: await login(admin) });
      expect(adminSession.body.purposes).toEqual(['account-service', 'materials-recovery', 'fines-collection']);
    });

    it('answers a wrong password and an unknown user identically with 401 INVALID_CREDENTIALS', async () => {
      const wrong = await call('POST', '/api/v1/auth/login', { body: { username: deskA.username, password: 'not-the-password-123' } });
      const unknown = await call('POST', '/api/v1/auth/login', { body: { username: 'nobody-here', password: 'not-the-password-123' } });
      expectError(wrong, 401, 'INVALID_CREDENTIALS');
      expectError(unknown, 401, 'INVALID_CREDENTIALS');
      expect(wrong.text).toBe(unknown.text);
      expect(sessionSetCookie(wrong)).toBeUndefined();
      expect(sessionSetCookie(unknown)).toBeUndefined();
    });

    it('refuses an empty password as a schema error, without authenticating', async () => {
      const answer = await call('POST', '/api/v1/auth/login', { body: { username: deskA.username, password: '' } });
      expectError(answer, 400, 'VALIDATION_FAILED');
      expect(answer.body.error.problems.some((p: Json) => p.field === 'body/password')).toBe(true);
      expect(sessionSetCookie(answer)).toBeUndefined();
      const missing = await call('POST', '/api/v1/auth/login', { body: { username: deskA.username } });
      expectError(missing, 400, 'VALIDATION_FAILED');
      expect(sessionSetCookie(missing)).toBeUndefined();
    });

    it('issues a new token at every log-in and ends the session presented with it', async () => {
      const first = await login(deskA);
      const second = await login(deskA, first);
      expect(second).not.toBe(first);
      expectError(await call('GET', '/api/v1/auth/session', { cookie: first }), 401, 'UNAUTHENTICATED');
      expect((await call('GET', '/api/v1/auth/session', { cookie: second })).status).toBe(200);
      // A log-in without a cookie also starts a fresh session.
      const third = await login(deskA);
      expect(new Set([first, second, third]).size).toBe(3);
    });

    it('ends the session at log-out', async () => {
      const cookie = await login(deskA);
      expect((await call('GET', '/api/v1/auth/session', { cookie })).status).toBe(200);
      // A forged cross-site log-out (no CSRF token) ends nothing.
      expectError(await call('POST', '/api/v1/auth/logout', { cookie, csrf: false }), 403, 'CSRF_TOKEN_INVALID');
      expect((await call('GET', '/api/v1/auth/session', { cookie })).status).toBe(200);
      const out = await call('POST', '/api/v1/auth/logout', { cookie });
      expect(out.status).toBe(204);
      const cleared = sessionSetCookie(out);
      expect(cleared).toBeDefined();
      expect(cleared as string).toMatch(/^carrel_session=;/);
      expectError(await call('GET', '/api/v1/auth/session', { cookie }), 401, 'UNAUTHENTICATED');
      expectError(await call('POST', '/api/v1/patrons/lookup', { cookie, body: { cardNumber: '123456789012' } }), 401, 'UNAUTHENTICATED');
    });

    it('refuses a change without the session’s CSRF token, and changes nothing; reads need none', async () => {
      const cookie = await login(deskA);
      const patron = await patronIn(libA, 'Csrf Quillmarker');
      const item = await buildItem(w, { libraryId: libA });
      const before = await snapshot();
      const missing = await call('POST', '/api/v1/checkouts', { cookie, csrf: false, body: { cardNumber: patron.cardNumber, itemBarcode: item.barcode } });
      expectError(missing, 403, 'CSRF_TOKEN_INVALID');
      const forged = await call('POST', '/api/v1/checkouts', { cookie, csrf: 'A'.repeat(43), body: { cardNumber: patron.cardNumber, itemBarcode: item.barcode } });
      expectError(forged, 403, 'CSRF_TOKEN_INVALID');
      // Another session's token does not do either.
      const otherSession = await login(deskA);
      const crossed = await call('POST', '/api/v1/checkouts', { cookie, csrf: csrfTokens.get(otherSession) as string, body: { cardNumber: patron.cardNumber, itemBarcode: item.barcode } });
      expectError(crossed, 403, 'CSRF_TOKEN_INVALID');
      expect(await snapshot()).toEqual(before);
      const session = await call('GET', '/api/v1/auth/session', { cookie });
      expect(session.status).toBe(200);
      expect(session.body.csrfToken).toBe(csrfTokens.get(cookie));
      expect(session.body.permissions).toEqual(expect.arrayContaining(['circulation.checkout', 'patron.read']));
      expect(session.body.permissions).not.toContain('access-log.read');
      expect((await call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: patron.cardNumber, itemBarcode: item.barcode } })).status).toBe(201);
      expect((await call('POST', '/api/v1/checkins', { cookie, body: { itemBarcode: item.barcode } })).status).toBe(200);
    });

    it('ends a staff session after 30 idle minutes and after 10 hours whatever the activity', async () => {
      const idle = await login(deskA);
      w.clock.advanceMinutes(29);
      expect((await call('GET', '/api/v1/auth/session', { cookie: idle })).status).toBe(200);
      w.clock.advanceMinutes(29);
      expect((await call('GET', '/api/v1/auth/session', { cookie: idle })).status).toBe(200);
      w.clock.advanceMinutes(31);
      expectError(await call('GET', '/api/v1/auth/session', { cookie: idle }), 401, 'UNAUTHENTICATED');
      const busy = await login(deskA);
      for (let hour = 0; hour < 10; hour++) {
        expect((await call('GET', '/api/v1/auth/session', { cookie: busy })).status).toBe(200);
        for (let quarter = 0; quarter < 4; quarter++) {
          w.clock.advanceMinutes(15);
          if (hour < 9 || quarter < 3) expect((await call('GET', '/api/v1/auth/session', { cookie: busy })).status).toBe(200);
        }
      }
      expectError(await call('GET', '/api/v1/auth/session', { cookie: busy }), 401, 'UNAUTHENTICATED');
    });

    it('refuses GET /auth/session without a cookie and with a forged one', async () => {
      expectError(await call('GET', '/api/v1/auth/session'), 401, 'UNAUTHENTICATED');
      expectError(await call('GET', '/api/v1/auth/session', { cookie: 'carrel_session=forged-token-value' }), 401, 'UNAUTHENTICATED');
    });
  });

  describe('without a session', () => {
    it('refuses every patron and circulation route with 401 UNAUTHENTICATED and changes nothing', async () => {
      const patron = await patronIn(libA, 'Unauth Vexmarker');
      const item = await buildItem(w, { libraryId: libA });
      const before = await snapshot();
      const requests: [string, string, unknown][] = [
        ['POST', '/api/v1/patrons', { libraryId: libA, name: 'Nobody Qwmarker', birthDate: '1980-01-01' }],
        ['POST', '/api/v1/patrons/lookup', { cardNumber: patron.cardNumber }],
        ['GET', `/api/v1/patrons/${patron.id}`, undefined],
        ['GET', `/api/v1/patrons/${patron.id}/export`, undefined],
        ['PUT', `/api/v1/patrons/${patron.id}/status`, { status: 'blocked' }],
        ['POST', '/api/v1/items', { libraryId: libA, barcode: barcode('UNAUTH'), title: 'Nope' }],
        ['POST', '/api/v1/checkouts', { cardNumber: patron.cardNumber, itemBarcode: item.barcode }],
        ['POST', '/api/v1/checkins', { itemBarcode: item.barcode }],
        ['POST', '/api/v1/renewals', { itemBarcode: item.barcode }],
        ['POST', '/api/v1/holds', { cardNumber: patron.cardNumber, itemBarcode: item.barcode }],
        ['POST', '/api/v1/payments', { cardNumber: patron.cardNumber, amountCents: 100 }],
        ['GET', '/api/v1/libraries', undefined],
        ['POST', `/api/v1/patrons/${patron.id}/renew-card`, { verified: true }],
        ['POST', `/api/v1/patrons/${patron.id}/reset-pin`, undefined],
        ['PATCH', `/api/v1/patrons/${patron.id}/membership`, { category: 'juvenile' }],
        ['POST', `/api/v1/patrons/${patron.id}/renew-all`, undefined],
      ];
      for (const [method, path, body] of requests) {
        for (const cookie of [undefined, 'carrel_session=not-a-real-session']) {
          const answer = await call(method, path, { ...(body !== undefined ? { body } : {}), ...(cookie ? { cookie } : {}) });
          expectError(answer, 401, 'UNAUTHENTICATED');
          expect(answer.text).not.toContain(patron.cardNumber);
        }
      }
      // Even a malformed body is refused for the missing session first.
      expectError(await call('POST', '/api/v1/checkouts', { raw: '{"cardNumber":' }), 401, 'UNAUTHENTICATED');
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('the circulation desk', () => {
    it('registers, lends, looks up, renews, holds, returns and traps a hold', async () => {
      let cookie = await login(deskA);
      const name = 'Zyxmarker Quillfeather';
      const email = 'zyxmarker.quillfeather@example.org';
      const phone = '+1 505 555 0142';
      const address = '17 Quillmarker Lane, Albuquerque';
      for (const value of [name, email, phone, address]) secrets.add(value);

      const registered = await call('POST', '/api/v1/patrons', { cookie, body: { libraryId: libA, name, birthDate: '1979-04-23', email, phone, address } });
      expect(registered.status).toBe(201);
      expect(registered.body).toMatchObject({ libraryId: libA, categoryCode: 'adult' });
      expect(registered.body.cardNumber).toMatch(/^[A-Za-z0-9-]+$/);
      expect(registered.body.pin).toMatch(/^\d{4,}$/);
      const card = registered.body.cardNumber as string;
      const pin = registered.body.pin as string;
      secrets.add(card);
      secrets.add(pin);
      const patronId = registered.body.id as string;

      const waiterName = 'Wobmarker Tansyvale';
      secrets.add(waiterName);
      const waiter = await call('POST', '/api/v1/patrons', { cookie, body: { libraryId: libA, name: waiterName, birthDate: '1990-12-01' } });
      expect(waiter.status).toBe(201);
      secrets.add(waiter.body.cardNumber);
      secrets.add(waiter.body.pin);

      const bookBarcode = barcode('BOOK');
      const added = await call('POST', '/api/v1/items', { cookie, body: { libraryId: libA, barcode: bookBarcode, title: 'The Quiet Stacks', author: 'A. Author' } });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ barcode: bookBarcode, libraryId: libA, status: 'available', itemType: 'book' });

      const out = await call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: card, itemBarcode: bookBarcode } });
      expect(out.status).toBe(201);
      expect(out.body).toMatchObject({ patronId, itemBarcode: bookBarcode, title: 'The Quiet Stacks', fulfilledHoldId: null });
      expect(new Date(out.body.dueAt).getTime()).toBeGreaterThan(w.clock.now().getTime() + 20 * 86_400_000);
      // The check-out answer does not repeat the card number.
      expect(out.text).not.toContain(card);

      const lookup = await call('POST', '/api/v1/patrons/lookup', { cookie, body: { cardNumber: card } });
      expect(lookup.status).toBe(200);
      expect(lookup.body.patron).toMatchObject({ id: patronId, name, email, cardNumber: card, status: 'active' });
      expect(lookup.body.patron).not.toHaveProperty('pin');
      expect(lookup.text).not.toContain(pin);
      expect(lookup.body.loans).toHaveLength(1);
      expect(lookup.body.loans[0]).toMatchObject({ id: out.body.loanId, itemBarcode: bookBarcode, status: 'active', renewals: 0, dueAt: out.body.dueAt });
      expect(lookup.body.balanceCents).toBe(0);

      const byId = await call('GET', `/api/v1/patrons/${patronId}?purpose=account-service`, { cookie });
      expect(byId.status).toBe(200);
      expect(byId.body.patron.id).toBe(patronId);
      expect(byId.body.loans[0].id).toBe(out.body.loanId);

      // Renewing on the day of check-out would not move the due date: refused, and no renewal is spent.
      expectError(await call('POST', '/api/v1/renewals', { cookie, body: { itemBarcode: bookBarcode } }), 422, 'RENEWAL_NOT_DUE');
      w.clock.advanceDays(1);
      cookie = await login(deskA);
      const renewed = await call('POST', '/api/v1/renewals', { cookie, body: { itemBarcode: bookBarcode } });
      expect(renewed.status).toBe(200);
      expect(renewed.body).toMatchObject({ loanId: out.body.loanId, itemBarcode: bookBarcode, renewals: 1, renewalsLeft: 1, fine: null });
      expect(new Date(renewed.body.dueAt).getTime()).toBeGreaterThan(new Date(out.body.dueAt).getTime());

      // Someone else waits for the book: it can no longer be renewed.
      const hold = await call('POST', '/api/v1/holds', { cookie, body: { cardNumber: waiter.body.cardNumber, itemBarcode: bookBarcode } });
      expect(hold.status).toBe(201);
      expect(hold.body).toMatchObject({ status: 'pending', readyAt: null });
      expectError(await call('POST', '/api/v1/renewals', { cookie, body: { itemBarcode: bookBarcode } }), 422, 'ITEM_HAS_HOLDS');
      expectError(await call('POST', '/api/v1/holds', { cookie, body: { cardNumber: waiter.body.cardNumber, itemBarcode: bookBarcode } }), 409, 'HOLD_ALREADY_PLACED');
      expectError(await call('POST', '/api/v1/holds', { cookie, body: { cardNumber: card, itemBarcode: bookBarcode } }), 422, 'HOLD_ON_OWN_LOAN');

      const back = await call('POST', '/api/v1/checkins', { cookie, body: { itemBarcode: bookBarcode } });
      expect(back.status).toBe(200);
      expect(back.body).toMatchObject({ itemBarcode: bookBarcode, loanId: out.body.loanId, daysLate: 0, fine: null, lostChargeCancelled: false });
      expect(back.body.routing).toMatchObject({ to: 'hold-shelf', holdId: hold.body.id });
      // The check-in does not name the borrower.
      expect(back.text).not.toContain(patronId);
      expect(back.text).not.toContain(card);
      expectError(await call('POST', '/api/v1/checkins', { cookie, body: { itemBarcode: bookBarcode } }), 409, 'ITEM_NOT_ON_LOAN');

      // The trapped book is for the waiter only.
      expectError(await call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: card, itemBarcode: bookBarcode } }), 422, 'ITEM_ON_HOLD_FOR_ANOTHER_PATRON');
      const pickedUp = await call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: waiter.body.cardNumber, itemBarcode: bookBarcode } });
      expect(pickedUp.status).toBe(201);
      expect(pickedUp.body.fulfilledHoldId).toBe(hold.body.id);
      const returned = await call('POST', '/api/v1/checkins', { cookie, body: { itemBarcode: bookBarcode } });
      expect(returned.body.routing).toEqual({ to: 'shelf' });

      // A hold on a book on the shelf is trapped at once, and can be cancelled.
      const shelfHold = await call('POST', '/api/v1/holds', { cookie, body: { cardNumber: card, itemBarcode: bookBarcode } });
      expect(shelfHold.status).toBe(201);
      expect(shelfHold.body.status).toBe('ready');
      const cancelled = await call('POST', `/api/v1/holds/${shelfHold.body.id}/cancel`, { cookie });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');

      const items = await call('GET', `/api/v1/items/${bookBarcode}`, { cookie });
      expect(items.status).toBe(200);
      expect(items.body.status).toBe('available');
    });

    it('charges an overdue fine at check-in and takes a payment for it', async () => {
      let cookie = await login(deskA);
      const patron = await patronIn(libA, 'Finemarker Oakhollow');
      const bookBarcode = barcode('LATE');
      expect((await call('POST', '/api/v1/items', { cookie, body: { libraryId: libA, barcode: bookBarcode, title: 'Overdue Tales' } })).status).toBe(201);
      const out = await call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: patron.cardNumber, itemBarcode: bookBarcode } });
      expect(out.status).toBe(201);

      w.clock.advanceDays(40);
      // A working day's session does not outlive forty days.
      expectError(await call('GET', '/api/v1/auth/session', { cookie }), 401, 'UNAUTHENTICATED');
      cookie = await login(deskA);

      const back = await call('POST', '/api/v1/checkins', { cookie, body: { itemBarcode: bookBarcode } });
      expect(back.status).toBe(200);
      expect(back.body.daysLate).toBeGreaterThan(0);
      expect(back.body.fine).not.toBeNull();
      const fine = back.body.fine as { id: string; amountCents: number };
      expect(fine.amountCents).toBeGreaterThan(0);

      const account = await call('POST', '/api/v1/patrons/lookup', { cookie, body: { cardNumber: patron.cardNumber } });
      expect(account.body.balanceCents).toBe(fine.amountCents);
      expect(account.body.fines).toHaveLength(1);
      expect(account.body.fines[0]).toMatchObject({ id: fine.id, kind: 'overdue', status: 'open', balanceCents: fine.amountCents });

      const paymentsBefore = await countRows(database, 'payments');
      expectError(await call('POST', '/api/v1/payments', { cookie, body: { cardNumber: patron.cardNumber, amountCents: fine.amountCents + 1 } }), 422, 'PAYMENT_EXCEEDS_BALANCE');
      expect(await countRows(database, 'payments')).toBe(paymentsBefore);

      const partial = await call('POST', '/api/v1/payments', { cookie, body: { cardNumber: patron.cardNumber, amountCents: 1 } });
      expect(partial.status).toBe(201);
      expect(partial.body).toMatchObject({ amountCents: 1, balanceCents: fine.amountCents - 1, allocations: [{ fineId: fine.id, amountCents: 1 }] });
      const rest = await call('POST', '/api/v1/payments', { cookie, body: { cardNumber: patron.cardNumber, amountCents: fine.amountCents - 1 } });
      expect(rest.status).toBe(201);
      expect(rest.body.balanceCents).toBe(0);
      expect(rest.text).not.toContain(patron.cardNumber);
      expect(await countRows(database, 'payments')).toBe(paymentsBefore + 2);
      expectError(await call('POST', '/api/v1/payments', { cookie, body: { cardNumber: patron.cardNumber, amountCents: 1 } }), 422, 'NOTHING_OWED');

      const settled = await call('POST', '/api/v1/patrons/lookup', { cookie, body: { cardNumber: patron.cardNumber } });
      expect(settled.body.balanceCents).toBe(0);
      expect(settled.body.fines).toHaveLength(0);
    });
  });

  describe('the desk: cards that renew, blocks that reflect the account (issue 15, CB-F2)', () => {
    it('takes a pre-printed card, renews an expired card after re-verification, resets a PIN and changes the membership', async () => {
      let cookie = await login(deskA);
      // A pre-printed card: a mistyped one and a taken one are refused, nothing written
      const card = '29876543210987'.slice(0, 13);
      let sum = 0;
      for (let i = 0; i < card.length; i++) {
        let d = Number(card[card.length - 1 - i]);
        if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
      }
      const printed = `${card}${(10 - (sum % 10)) % 10}`;
      const mistyped = `${card}${(Number(printed[13]) + 1) % 10}`;
      secrets.add(printed);
      const name = 'Cardmarker Pennywhistle';
      secrets.add(name);
      const before = await snapshot();
      const invalid = await call('POST', '/api/v1/patrons', { cookie, body: { libraryId: libA, name, birthDate: '1970-02-02', cardNumber: mistyped } });
      expectError(invalid, 400, 'CARD_NUMBER_INVALID');
      expect(invalid.text).not.toContain(mistyped);
      expect(await snapshot()).toEqual(before);
      const registered = await call('POST', '/api/v1/patrons', { cookie, body: { libraryId: libA, name, birthDate: '1970-02-02', cardNumber: printed, homeBranch: 'main' } });
      expect(registered.status).toBe(201);
      expect(registered.body.cardNumber).toBe(printed);
      expect(registered.body.homeBranchId).toMatch(/./);
      secrets.add(registered.body.pin);
      const taken = await call('POST', '/api/v1/patrons', { cookie, body: { libraryId: libA, name, birthDate: '1970-02-02', cardNumber: printed } });
      expectError(taken, 409, 'CARD_NUMBER_TAKEN');
      expect(taken.text).not.toContain(printed);
      const patronId = registered.body.id as string;

      // Renewing needs the clerk's word that the patron was re-verified
      expectError(await call('POST', `/api/v1/patrons/${patronId}/renew-card`, { cookie, body: { verified: false } }), 400, 'VALIDATION_FAILED');
      // A year and a day later the card has expired; the desk's summary says so before the first scan
      w.clock.advanceDays(366);
      cookie = await login(deskA);
      const bookBarcode = barcode('CARD');
      expect((await call('POST', '/api/v1/items', { cookie, body: { libraryId: libA, barcode: bookBarcode, title: 'Renewed Reading' } })).status).toBe(201);
      expectError(await call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: printed, itemBarcode: bookBarcode } }), 422, 'PATRON_EXPIRED');
      const account = await call('POST', '/api/v1/patrons/lookup', { cookie, body: { cardNumber: printed } });
      expect(account.body.summary).toMatchObject({ cardExpired: true, overdueItems: 0, holdsWaiting: 0, blocks: [{ code: 'PATRON_EXPIRED', overridable: false }] });
      const renewed = await call('POST', `/api/v1/patrons/${patronId}/renew-card`, { cookie, body: { verified: true } });
      expect(renewed.status).toBe(200);
      expect(new Date(renewed.body.expiresAt).getTime()).toBeGreaterThan(w.clock.now().getTime() + 360 * 86_400_000);
      expect(renewed.text).not.toContain(printed);
      const out = await call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: printed, itemBarcode: bookBarcode } });
      expect(out.status).toBe(201);
      expect(out.body.overriddenBlocks).toEqual([]);

      // Renew all on the day of check-out: the loan stays, with its reason
      const all = await call('POST', `/api/v1/patrons/${patronId}/renew-all`, { cookie });
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ patronId, renewed: [], refused: [{ loanId: out.body.loanId, itemBarcode: bookBarcode, problems: [{ code: 'RENEWAL_NOT_DUE' }] }] });

      // A forgotten PIN: a new one, in this answer only; the card number stays
      const reset = await call('POST', `/api/v1/patrons/${patronId}/reset-pin`, { cookie });
      expect(reset.status).toBe(200);
      expect(reset.body.pin).toMatch(/^\d{4,}$/);
      expect(reset.body.pin).not.toBe(registered.body.pin);
      secrets.add(reset.body.pin);
      expect(reset.text).not.toContain(printed);
      expect((await call('POST', '/api/v1/patrons/lookup', { cookie, body: { cardNumber: printed } })).body.patron.id).toBe(patronId);

      // Membership: an adult is not a juvenile; an unknown branch is refused; a known one is set
      expectError(await call('PATCH', `/api/v1/patrons/${patronId}/membership`, { cookie, body: { category: 'juvenile' } }), 422, 'CATEGORY_AGE_MISMATCH');
      expectError(await call('PATCH', `/api/v1/patrons/${patronId}/membership`, { cookie, body: { homeBranch: 'nowhere' } }), 422, 'BRANCH_NOT_FOUND');
      const cleared = await call('PATCH', `/api/v1/patrons/${patronId}/membership`, { cookie, body: { homeBranch: null } });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ id: patronId, categoryCode: 'adult', homeBranchId: null });
      await call('POST', '/api/v1/checkins', { cookie, body: { itemBarcode: bookBarcode } });
    });

    it('blocks at the overdue-item threshold; only staff with the override permission lend anyway, with a reason', async () => {
      const manager = { username: `manager-${engine}`, password: '' };
      manager.password = (await w.act(createStaff, { username: manager.username, libraryId: libA, roles: ['branch-manager'] })).password;
      secrets.add(manager.password);
      const library = (await findLibrary(database.db, libA))!;
      await updateLibrarySettings(database.db, libA, { ...library, maxOverdueItems: 1 });
      let desk = await login(deskA);
      const patron = await patronIn(libA, 'Overduemarker Thistlewood');
      const first = barcode('OVER');
      const second = barcode('OVER');
      for (const b of [first, second]) expect((await call('POST', '/api/v1/items', { cookie: desk, body: { libraryId: libA, barcode: b, title: 'Late Again' } })).status).toBe(201);
      expect((await call('POST', '/api/v1/checkouts', { cookie: desk, body: { cardNumber: patron.cardNumber, itemBarcode: first } })).status).toBe(201);
      w.clock.advanceDays(25);
      desk = await login(deskA);
      const boss = await login(manager);
      expectError(await call('POST', '/api/v1/checkouts', { cookie: desk, body: { cardNumber: patron.cardNumber, itemBarcode: second } }), 422, 'PATRON_HAS_OVERDUE_ITEMS');
      // A librarian may not override
      expectError(await call('POST', '/api/v1/checkouts', { cookie: desk, body: { cardNumber: patron.cardNumber, itemBarcode: second, override: { reason: 'please' } } }), 403, 'PERMISSION_DENIED');
      const log = await countRows(database, 'access_log');
      const reason = 'Brings the late one back tomorrow, overridemarker';
      secrets.add(reason);
      const lent = await call('POST', '/api/v1/checkouts', { cookie: boss, body: { cardNumber: patron.cardNumber, itemBarcode: second, override: { reason } } });
      expect(lent.status).toBe(201);
      expect(lent.body.overriddenBlocks).toEqual(['PATRON_HAS_OVERDUE_ITEMS']);
      expect(lent.text).not.toContain(reason);
      expect(await countRows(database, 'access_log')).toBe(log + 1);
      const entry = await database.db.selectFrom('access_log').selectAll().where('patron_id', '=', patron.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect(entry.action).toBe('checkout-override');
      expect(JSON.stringify(entry)).not.toContain('overridemarker');
      for (const b of [first, second]) await call('POST', '/api/v1/checkins', { cookie: desk, body: { itemBarcode: b } });
      await updateLibrarySettings(database.db, libA, { ...library, maxOverdueItems: null });
    });
  });

  describe('bad input', () => {
    it('answers each kind of bad request with a clear, stable error and changes nothing', async () => {
      const cookie = await login(deskA);
      const patron = await patronIn(libA, 'Badmarker Inputson');
      const blocked = await patronIn(libA, 'Blockmarker Stillwater');
      const other = await patronIn(libA, 'Othermarker Fenwick');
      const free = await buildItem(w, { libraryId: libA });
      const lent = await buildItem(w, { libraryId: libA });
      await w.act(checkout, { cardNumber: other.cardNumber, itemBarcode: lent.barcode });
      const block = await call('PUT', `/api/v1/patrons/${blocked.id}/status`, { cookie, body: { status: 'blocked' } });
      expect(block.status).toBe(200);
      expect(block.body.status).toBe('blocked');
      const before = await snapshot();

      const checkoutBody = { cardNumber: patron.cardNumber, itemBarcode: free.barcode };
      const cases: { name: string; answer: () => Promise<Answer>; status: number; code: string }[] = [
        { name: 'malformed JSON', answer: () => call('POST', '/api/v1/checkouts', { cookie, raw: `{"cardNumber":"${patron.cardNumber}",` }), status: 400, code: 'INVALID_JSON' },
        { name: 'empty JSON body', answer: () => call('POST', '/api/v1/checkouts', { cookie, raw: '' }), status: 400, code: 'INVALID_JSON' },
        {
          name: 'oversized body',
          answer: () => call('POST', '/api/v1/checkouts', { cookie, body: { ...checkoutBody, padding: 'x'.repeat(BODY_LIMIT + 1024) } }),
          status: 413,
          code: 'BODY_TOO_LARGE',
        },
        { name: 'number for itemBarcode', answer: () => call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: patron.cardNumber, itemBarcode: 12345 } }), status: 400, code: 'VALIDATION_FAILED' },
        { name: 'missing itemBarcode', answer: () => call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: patron.cardNumber } }), status: 400, code: 'VALIDATION_FAILED' },
        { name: 'unknown extra field', answer: () => call('POST', '/api/v1/checkouts', { cookie, body: { ...checkoutBody, dueAt: '2030-01-01T00:00:00Z' } }), status: 400, code: 'VALIDATION_FAILED' },
        { name: 'array body', answer: () => call('POST', '/api/v1/checkouts', { cookie, body: [checkoutBody] }), status: 400, code: 'VALIDATION_FAILED' },
        { name: 'text/plain', answer: () => call('POST', '/api/v1/checkouts', { cookie, raw: JSON.stringify(checkoutBody), contentType: 'text/plain' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
        { name: 'form-encoded', answer: () => call('POST', '/api/v1/checkouts', { cookie, raw: `cardNumber=${patron.cardNumber}&itemBarcode=${free.barcode}`, contentType: 'application/x-www-form-urlencoded' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
        { name: 'unknown card', answer: () => call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: '999999999999', itemBarcode: free.barcode } }), status: 404, code: 'PATRON_NOT_FOUND' },
        { name: 'unknown card at lookup', answer: () => call('POST', '/api/v1/patrons/lookup', { cookie, body: { cardNumber: '999999999999' } }), status: 404, code: 'PATRON_NOT_FOUND' },
        { name: 'unknown barcode', answer: () => call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: patron.cardNumber, itemBarcode: 'NO-SUCH-ITEM-1' } }), status: 404, code: 'ITEM_NOT_FOUND' },
        { name: 'unknown barcode at check-in', answer: () => call('POST', '/api/v1/checkins', { cookie, body: { itemBarcode: 'NO-SUCH-ITEM-1' } }), status: 404, code: 'ITEM_NOT_FOUND' },
        { name: 'item already on loan', answer: () => call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: patron.cardNumber, itemBarcode: lent.barcode } }), status: 409, code: 'ITEM_ALREADY_ON_LOAN' },
        { name: 'blocked patron', answer: () => call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: blocked.cardNumber, itemBarcode: free.barcode } }), status: 422, code: 'PATRON_BLOCKED' },
        { name: 'blocked patron placing a hold', answer: () => call('POST', '/api/v1/holds', { cookie, body: { cardNumber: blocked.cardNumber, itemBarcode: lent.barcode } }), status: 422, code: 'PATRON_BLOCKED' },
        { name: 'non-uuid patron id', answer: () => call('GET', '/api/v1/patrons/not-a-uuid', { cookie }), status: 400, code: 'VALIDATION_FAILED' },
        // A misbehaving client puts a real card number in a URL: refused, and (see 'logs') never logged.
        { name: 'card number as patron id', answer: () => call('GET', `/api/v1/patrons/${patron.cardNumber}`, { cookie }), status: 400, code: 'VALIDATION_FAILED' },
        { name: 'card number in an unknown route', answer: () => call('GET', `/api/v1/cards/${patron.cardNumber}?name=Marker`, { cookie }), status: 404, code: 'ROUTE_NOT_FOUND' },
        { name: 'non-uuid patron id on status', answer: () => call('PUT', '/api/v1/patrons/1234/status', { cookie, body: { status: 'blocked' } }), status: 400, code: 'VALIDATION_FAILED' },
        { name: 'unknown status', answer: () => call('PUT', `/api/v1/patrons/${patron.id}/status`, { cookie, body: { status: 'banished' } }), status: 400, code: 'VALIDATION_FAILED' },
        { name: 'unknown patron id', answer: () => call('GET', `/api/v1/patrons/${crypto.randomUUID()}?purpose=account-service`, { cookie }), status: 404, code: 'PATRON_NOT_FOUND' },
        { name: 'negative payment', answer: () => call('POST', '/api/v1/payments', { cookie, body: { cardNumber: patron.cardNumber, amountCents: -500 } }), status: 400, code: 'VALIDATION_FAILED' },
        { name: 'fractional payment', answer: () => call('POST', '/api/v1/payments', { cookie, body: { cardNumber: patron.cardNumber, amountCents: 1.5 } }), status: 400, code: 'VALIDATION_FAILED' },
        { name: 'string payment', answer: () => call('POST', '/api/v1/payments', { cookie, body: { cardNumber: patron.cardNumber, amountCents: '100' } }), status: 400, code: 'VALIDATION_FAILED' },
        { name: 'nothing owed', answer: () => call('POST', '/api/v1/payments', { cookie, body: { cardNumber: patron.cardNumber, amountCents: 100 } }), status: 422, code: 'NOTHING_OWED' },
        { name: 'future birth date', answer: () => call('POST', '/api/v1/patrons', { cookie, body: { libraryId: libA, name: 'Futuremarker Kid', birthDate: '2999-01-01' } }), status: 400, code: 'BIRTH_DATE_IN_FUTURE' },
        { name: 'card number with a quote', answer: () => call('POST', '/api/v1/patrons/lookup', { cookie, body: { cardNumber: "1' OR '1'='1" } }), status: 400, code: 'VALIDATION_FAILED' },
        { name: 'duplicate barcode', answer: () => call('POST', '/api/v1/items', { cookie, body: { libraryId: libA, barcode: free.barcode, title: 'Twin' } }), status: 409, code: 'BARCODE_EXISTS' },
        { name: 'unknown route under the API', answer: () => call('GET', '/api/v1/no-such-thing', { cookie }), status: 404, code: 'ROUTE_NOT_FOUND' },
        { name: 'unknown route without a session', answer: () => call('POST', '/api/v1/no-such-thing', { body: {} }), status: 404, code: 'ROUTE_NOT_FOUND' },
        { name: 'unknown route at the root', answer: () => call('GET', '/wp-admin/setup.php'), status: 404, code: 'ROUTE_NOT_FOUND' },
        { name: 'wrong method', answer: () => call('DELETE', '/api/v1/checkouts', { cookie }), status: 404, code: 'ROUTE_NOT_FOUND' },
      ];
      const seen: Record<string, { status: number; code: unknown }> = {};
      const wanted: Record<string, { status: number; code: unknown }> = {};
      for (const c of cases) {
        const answer = await c.answer();
        seen[c.name] = { status: answer.status, code: answer.body.error?.code };
        wanted[c.name] = { status: c.status, code: c.code };
        if (answer.status === c.status) expectError(answer, c.status, c.code);
        expectNoLeak(answer);
        // An error never quotes the card number it was given.
        expect(answer.text).not.toContain(patron.cardNumber);
        expect(answer.text).not.toContain(blocked.cardNumber);
      }
      expect(seen).toEqual(wanted);
      // Nothing changed but the access log: the three refusals that told the desk something of a patron
      // (blocked at check-out and at a hold, nothing owed) are reads of their records (issue 22, defect 10).
      expect(await snapshot()).toEqual({ ...before, access_log: (before.access_log ?? 0) + 3 });

      // The server still serves after all that.
      const ok = await call('POST', '/api/v1/checkouts', { cookie, body: checkoutBody });
      expect(ok.status).toBe(201);
    });

    it('lists every problem of a body, each naming its field, never echoing the value', async () => {
      const cookie = await login(deskA);
      const answer = await call('POST', '/api/v1/patrons', { cookie, body: { libraryId: 'NOT VALID', name: '', birthDate: '23/04/1979', nickname: 'Echomarker' } });
      expectError(answer, 400, 'VALIDATION_FAILED');
      const fields = (answer.body.error.problems as Json[]).map((p) => p.field);
      expect(fields).toEqual(expect.arrayContaining(['body/libraryId', 'body/name', 'body/birthDate']));
      expect(answer.text).not.toContain('Echomarker');
      expect(answer.text).not.toContain('23/04/1979');
    });
  });

  describe('concurrency', () => {
    it('lends an item to exactly one of two simultaneous check-outs', async () => {
      const cookie = await login(deskA);
      const first = await patronIn(libA, 'Racemarker Alder');
      const second = await patronIn(libA, 'Racemarker Birch');
      for (let round = 0; round < 10; round++) {
        const item = await buildItem(w, { libraryId: libA });
        const [a, b] = await Promise.all([
          call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: first.cardNumber, itemBarcode: item.barcode } }),
          call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: second.cardNumber, itemBarcode: item.barcode } }),
        ]);
        const answers = [a, b].sort((x, y) => x.status - y.status);
        expect(answers.map((x) => x.status)).toEqual([201, 409]);
        expectError(answers[1] as Answer, 409, 'ITEM_ALREADY_ON_LOAN');
        expect(await activeLoansOfItem(item.id)).toBe(1);
        // Return it so neither patron nears a limit.
        expect((await call('POST', '/api/v1/checkins', { cookie, body: { itemBarcode: item.barcode } })).status).toBe(200);
      }
    });
  });

  describe('consortium isolation', () => {
    it("answers another library's patron as not found, never forbidden", async () => {
      const cookie = await login(deskA);
      const outsider = await patronIn(libB, 'Isomarker Farbranch');
      const outsiderItem = await buildItem(w, { libraryId: libB });
      const before = await snapshot();

      const byCard = await call('POST', '/api/v1/patrons/lookup', { cookie, body: { cardNumber: outsider.cardNumber } });
      expectError(byCard, 404, 'PATRON_NOT_FOUND');
      const unknownCard = await call('POST', '/api/v1/patrons/lookup', { cookie, body: { cardNumber: '888888888888' } });
      // Indistinguishable from a card nobody has.
      expect(byCard.text).toBe(unknownCard.text);

      const byId = await call('GET', `/api/v1/patrons/${outsider.id}?purpose=account-service`, { cookie });
      expectError(byId, 404, 'PATRON_NOT_FOUND');
      expect(byId.text).toBe((await call('GET', `/api/v1/patrons/${crypto.randomUUID()}?purpose=account-service`, { cookie })).text);
      expectError(await call('GET', `/api/v1/patrons/${outsider.id}/export?purpose=account-service`, { cookie }), 404, 'PATRON_NOT_FOUND');
      expectError(await call('PUT', `/api/v1/patrons/${outsider.id}/status`, { cookie, body: { status: 'blocked' } }), 404, 'PATRON_NOT_FOUND');
      expectError(await call('POST', '/api/v1/checkouts', { cookie, body: { cardNumber: outsider.cardNumber, itemBarcode: outsiderItem.barcode } }), 404, 'PATRON_NOT_FOUND');
      expectError(await call('POST', '/api/v1/payments', { cookie, body: { cardNumber: outsider.cardNumber, amountCents: 100 } }), 404, 'PATRON_NOT_FOUND');
      expectError(await call('POST', '/api/v1/holds', { cookie, body: { cardNumber: outsider.cardNumber, itemBarcode: outsiderItem.barcode } }), 404, 'PATRON_NOT_FOUND');
      expectError(await call('POST', '/api/v1/checkins', { cookie, body: { itemBarcode: outsiderItem.barcode } }), 404, 'ITEM_NOT_FOUND');
      expectError(await call('POST', '/api/v1/patrons', { cookie, body: { libraryId: libB, name: 'Crossmarker Nope', birthDate: '1980-01-01' } }), 404, 'LIBRARY_NOT_FOUND');
      expect(await snapshot()).toEqual(before);

      const libraries = await call('GET', '/api/v1/libraries', { cookie });
      expect(libraries.status).toBe(200);
      expect((libraries.body as unknown as Json[]).map((l) => l.id)).toEqual([libA]);

      // An account without a library reaches no library's patrons (issue 22, defect 7).
      const operatorCookie = await login(operator);
      const seen = await call('POST', '/api/v1/patrons/lookup', { cookie: operatorCookie, body: { cardNumber: outsider.cardNumber } });
      expectError(seen, 403, 'PERMISSION_DENIED');
    });
  });

  describe('documentation and operations', () => {
    it('serves an OpenAPI 3.1 document, interactive docs and a health check', async () => {
      const spec = await call('GET', '/openapi.json');
      expect(spec.status).toBe(200);
      expect(String(spec.body.openapi)).toMatch(/^3\.1/);
      expect(spec.body.paths).toHaveProperty('/api/v1/checkouts');
      expect(spec.body.paths).toHaveProperty('/api/v1/checkins');
      expect(spec.body.paths['/api/v1/checkouts']).toHaveProperty('post');
      // Card numbers travel in bodies, never in URLs.
      // No path or query parameter carries a card number (routes may be *about* cards: /me/card-lost).
      for (const [path, methods] of Object.entries(spec.body.paths as Json)) {
        expect(path.toLowerCase()).not.toMatch(/\{[^}]*card[^}]*\}/);
        for (const operation of Object.values(methods as Json)) {
          for (const parameter of ((operation as Json).parameters ?? []) as Json[]) expect(String(parameter.name).toLowerCase()).not.toMatch(/card|pin/);
        }
      }

      const docs = await call('GET', '/docs');
      expect(docs.status).toBe(200);
      expect(docs.headers.get('content-type') ?? '').toMatch(/text\/html/);
      expect(docs.text.toLowerCase()).toContain('<html');
      const docsSlash = await call('GET', '/docs/');
      expect(docsSlash.status).toBe(200);
      // The docs load only their own assets: nothing from another origin, no scheme-wide sources.
      const policy = docs.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("default-src 'self'");
      expect(policy).not.toMatch(/https:|http:|\*|validator|unsafe-/);
      expect(docs.text).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);

      const health = await call('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok' });
      expect(health.headers.get('x-content-type-options')).toBe('nosniff');
      expect(health.headers.get('cache-control')).toBe('no-store');
      expect(health.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");

      // The app's page is never kept; the build's fingerprinted script and style are, for a year, so a
      // page load of the app does not fetch and compile 1.2 MB of script again. Nothing missing is kept.
      const page = await call('GET', '/app/desk');
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-store');
      const assets = [...page.text.matchAll(/(?:src|href)="(\/app\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
      expect(assets.length).toBeGreaterThanOrEqual(2);
      for (const asset of assets) {
        const answer = await call('GET', asset);
        expect(answer.status, asset).toBe(200);
        expect(answer.headers.get('cache-control'), asset).toBe('public, max-age=31536000, immutable');
      }
      const missing = await call('GET', '/app/assets/index-00000000.js');
      expect(missing.status).not.toBe(200);
      expect(missing.headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('logs', () => {
    it('hold no card number, PIN, name, contact detail, password or session token', async () => {
      // Every test above ran through this server; its log lines are all here.
      expect(logLines.length).toBeGreaterThan(50);
      for (const line of logLines) expect(() => JSON.parse(line)).not.toThrow();
      const log = logLines.join('');
      // Requests are logged by route pattern, never by URL.
      expect(logLines.some((line) => line.includes('"route":"/api/v1/checkouts"'))).toBe(true);
      expect(logLines.some((line) => line.includes('"route":"/api/v1/patrons/:patronId"'))).toBe(true);
      expect(log).not.toContain('"url"');
      // A PIN is six digits: look for it as a token, not inside timestamps or request ids.
      const appears = (secret: string) =>
        /^\d+$/.test(secret) ? new RegExp(`(?<![0-9A-Za-z.])${secret}(?![0-9A-Za-z])`).test(log) : log.includes(secret);
      const leaked = [...secrets].filter((secret) => secret.length >= 4 && appears(secret));
      expect(leaked).toEqual([]);
      // Every name used carries a marker; none reached the log in any form.
      expect(log.toLowerCase()).not.toMatch(/marker|quillfeather/);
      expect(log).not.toMatch(/carrel_session=/);
    });
  });
});
