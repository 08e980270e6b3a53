/**
 * The OpenAPI document declares every status the server answers (issue 22): a sweep of every operation
 * in /openapi.json × caller (none, a patron, a clerk, another library's librarian) × request (as the
 * schema's shape, an empty body, malformed JSON, another content type, an unknown id), through the real
 * server on each engine. Every answer's status must be declared for its operation, and every error
 * answer must be in Carrel's `{error:{code,message,problems}}` shape.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationsOf } from '../bench/lib/fuzz.js';
import { ENGINES, type TestDatabase } from './engines.js';
import { buildItem, buildPatron, libraryWorld, buildLibrary, type World } from './factories.js';
import { startServer, type TestServer } from './http.js';
import { createStaff } from '../src/usecases/staff.usecases.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

/**
 * The operations of Carrel's JSON API in the document. The OpenID provider mounted under /oidc (vendors'
 * single sign-on, src/oidc) answers HTML pages and its protocol's own errors to a browser, not this shape.
 */
const apiOperations = (document: Doc) => operationsOf(document).filter((o) => !o.path.startsWith('/oidc'));

describe.each(ENGINES)('declared statuses on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let server: TestServer;
  let document: Doc;
  const cookies: Record<string, string | undefined> = { anonymous: undefined };
  let knownPatronId: string;
  let knownBarcode: string;

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    const other = (await buildLibrary(w)).library.id;
    const clerk = { username: 'sweep-clerk', password: (await w.act(createStaff, { username: 'sweep-clerk', libraryId, roles: ['circulation'] })).password };
    const stranger = { username: 'sweep-other', password: (await w.act(createStaff, { username: 'sweep-other', libraryId: other, roles: ['librarian'] })).password };
    const patron = await buildPatron(w, { libraryId });
    knownPatronId = (await buildPatron(w, { libraryId })).id;
    knownBarcode = (await buildItem(w, { libraryId })).barcode;
    // A small throttle, so the throttled routes' 429 is reached in the sweep.
    server = await startServer(w, { loginThrottle: { limit: 3, windowMinutes: 15 } });
    cookies.clerk = await server.login(clerk);
    cookies['other-library'] = await server.login(stranger);
    cookies.patron = await server.patronLogin({ cardNumber: patron.cardNumber, pin: patron.pin });
    document = (await (await fetch(`${server.base}/openapi.json`)).json()) as Doc;
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  /** A path with its parameters filled: the caller's library, an id no record has, or a known one. */
  function fill(path: string, known: boolean): string {
    return path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      if (name === 'libraryId') return libraryId;
      if (name === 'barcode') return known ? knownBarcode : 'NO-SUCH-BARCODE';
      if (/id$/i.test(name)) return known && name === 'patronId' ? knownPatronId : randomUUID();
      return 'no-such';
    });
  }

  it('declares 400, 431, 500 and 503 on every operation, 413 and 415 on every one that takes a body, and 401 and 403 on every one behind a session', () => {
    const missing: string[] = [];
    for (const op of apiOperations(document)) {
      const item = document.paths[op.path][op.method.toLowerCase()] as Doc;
      const expected = ['400', '431', '500', '503'];
      if (op.method !== 'GET') expected.push('413', '415');
      if (!(Array.isArray(item.security) && item.security.length === 0)) expected.push('401', '403');
      for (const status of expected) if (!op.declared.has(status)) missing.push(`${op.key} ${status}`);
    }
    expect(missing).toEqual([]);
  });

  it('answers only declared statuses, each error in Carrel’s shape, for every operation × caller × kind of request', async () => {
    const undeclared: string[] = [];
    const badShape: string[] = [];
    const seen = new Set<string>();
    for (const op of apiOperations(document)) {
      if (op.key === 'POST /api/v1/auth/logout') continue; // would end the sweep's own sessions
      for (const [caller, cookie] of Object.entries(cookies)) {
        const requests: { label: string; path: string; body?: string; contentType?: string }[] = [
          { label: 'unknown id', path: fill(op.path, false) },
          { label: 'known id', path: fill(op.path, true) },
        ];
        if (op.method !== 'GET') {
          requests.push({ label: 'empty object', path: fill(op.path, true), body: '{}', contentType: 'application/json' });
          requests.push({ label: 'malformed JSON', path: fill(op.path, true), body: '{"a":', contentType: 'application/json' });
          requests.push({ label: 'form body', path: fill(op.path, true), body: 'a=1', contentType: 'application/x-www-form-urlencoded' });
        }
        for (const request of requests) {
          const headers: Record<string, string> = {};
          if (cookie) {
            headers.cookie = cookie;
            const csrf = server.csrfOf(cookie);
            if (csrf && op.method !== 'GET') headers['x-csrf-token'] = csrf;
          }
          if (request.contentType) headers['content-type'] = request.contentType;
          const response = await fetch(`${server.base}${request.path}`, { method: op.method, headers, ...(request.body !== undefined ? { body: request.body } : {}), redirect: 'manual' });
          const text = await response.text();
          seen.add(String(response.status));
          const where = `${op.key} as ${caller} (${request.label}) → ${response.status}`;
          if (!op.declared.has(String(response.status))) undeclared.push(`${where}: ${text.slice(0, 120)}`);
          if (response.status >= 400) {
            let body: Doc | undefined;
            try {
              body = JSON.parse(text) as Doc;
            } catch {
              body = undefined;
            }
            if (!(typeof body?.error?.code === 'string' && typeof body.error.message === 'string' && Array.isArray(body.error.problems))) badShape.push(`${where}: ${text.slice(0, 120)}`);
          }
          expect(response.status, where).not.toBe(500);
        }
      }
    }
    expect(undeclared).toEqual([]);
    expect(badShape).toEqual([]);
    // The sweep reached the statuses it is meant to check.
    for (const status of ['200', '400', '401', '403', '404', '415']) expect(seen).toContain(status);
  });

  it('declares the 403 of a log-out without the CSRF token, and answers it in Carrel’s shape', async () => {
    const logout = apiOperations(document).find((o) => o.key === 'POST /api/v1/auth/logout');
    const answer = await server.call('POST', '/auth/logout', { cookie: cookies.clerk, csrf: false });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: { code: 'CSRF_TOKEN_INVALID', problems: [expect.objectContaining({ code: 'CSRF_TOKEN_INVALID' })] } });
    expect(logout?.declared.has('403')).toBe(true);
  });

  it('declares the 429 of every throttled route, and answers it in Carrel’s shape', async () => {
    const throttled = ['POST /api/v1/auth/login', 'POST /api/v1/auth/patron-login', 'POST /api/v1/pin-reset/request', 'POST /api/v1/pin-reset', 'POST /api/v1/patrons/identify'];
    const operations = new Map(apiOperations(document).map((o) => [o.key, o]));
    for (const key of throttled) expect(operations.get(key)?.declared.has('429'), key).toBe(true);
    let answer = await server.call('POST', '/auth/login', { body: { username: 'nobody', password: 'wrong' } });
    for (let i = 0; i < 5 && answer.status !== 429; i++) answer = await server.call('POST', '/auth/login', { body: { username: 'nobody', password: 'wrong' } });
    expect(answer.status).toBe(429);
    expect(answer.body).toMatchObject({ error: { code: 'TOO_MANY_ATTEMPTS', problems: [expect.objectContaining({ code: 'TOO_MANY_ATTEMPTS' })] } });
  });
});
