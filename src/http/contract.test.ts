import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { countRows, libraryWorld, refusal, refusalCodes, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { parseInstant } from '../domain/clock.js';
import { isCalendarDate } from '../domain/patron.rules.js';
import { isStorableInteger, isStorableText } from '../domain/storable.js';
import { createStaff } from '../usecases/staff.usecases.js';
import { addItem } from '../usecases/item.usecases.js';
import { registerPatron } from '../usecases/patron.usecases.js';
import { openPatron } from '../usecases/patron-records.js';
import { applyCorrection } from '../usecases/patron-service.usecases.js';
import { deletePatron } from '../usecases/patron-deletion.usecases.js';
import { run } from '../usecases/context.js';
import { SYSTEM } from '../policy/actors.js';
import { findPatronById } from '../storage/patron.repository.js';

/**
 * The HTTP contract (issue 22): input neither engine can store is refused with the same 400 on both
 * (defect 6: U+0000, integers past PostgreSQL's `integer`, years 0 and 9999 answered 500 on
 * PostgreSQL), and what the router and the parsers refuse answers in Carrel's error shape.
 */
describe.each(ENGINES)('the HTTP contract on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let server: TestServer;
  const admin = { username: 'contract-admin', password: '' };

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
    admin.password = (await w.act(createStaff, { username: admin.username, libraryId, roles: ['admin', 'circulation', 'librarian'] })).password;
    server = await startServer(w);
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  function expectRefused(answer: { status: number; body: Record<string, unknown> }, field: string): void {
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', problems: [expect.objectContaining({ code: 'VALIDATION_FAILED', field })] } });
  }

  it('refuses U+0000 in the unauthenticated log-in as VALIDATION_FAILED, not a 500', async () => {
    // Given a log-in whose username carries U+0000 (PostgreSQL's text cannot hold it)
    const answer = await server.call('POST', '/auth/login', { body: { username: 'a\u0000b', password: 'x' } });
    // Then it is a 400 naming the field, on both engines
    expectRefused(answer, 'body/username');
  });

  it('refuses U+0000 anywhere in a body, a query string or a path, and writes nothing', async () => {
    const cookie = await server.login(admin);
    const before = await countRows(database, 'items');
    expectRefused(await server.call('POST', '/items', { cookie, body: { libraryId, barcode: 'NUL-1', title: 'Title\u0000', author: null } }), 'body/title');
    expect(await countRows(database, 'items')).toBe(before);
    const query = await server.call('GET', `/libraries/${libraryId}/branches?x=%00`, { cookie });
    expect(query.status).toBe(400);
    expect(query.body.error.code).toBe('VALIDATION_FAILED');
    const path = await server.call('GET', `/libraries/${libraryId}/item-types/a%00b`, { cookie });
    expect([400, 404]).toContain(path.status);
    expect(typeof path.body.error.code).toBe('string');
  });

  it('refuses an integer past 2^31 − 1 (SQLite would store 1e21 cents; PostgreSQL answered 500)', async () => {
    const cookie = await server.login(admin);
    const before = await countRows(database, 'items');
    for (const replacementCostCents of [2 ** 31, 1e21]) {
      const answer = await server.call('POST', '/items', { cookie, body: { libraryId, barcode: `BIG-${replacementCostCents}`, title: 'Dear', replacementCostCents } });
      expectRefused(answer, 'body/replacementCostCents');
    }
    expect(await countRows(database, 'items')).toBe(before);
    // The largest storable amount is taken.
    const largest = await server.call('POST', '/items', { cookie, body: { libraryId, barcode: 'BIG-MAX', title: 'Dear', replacementCostCents: 2 ** 31 - 1 } });
    expect(largest.status).toBe(201);
  });

  it('refuses dates in year 0 and year 9999 as bad input on both engines', async () => {
    const cookie = await server.login(admin);
    const patrons = await countRows(database, 'patrons');
    for (const birthDate of ['0000-01-01', '0999-12-31']) {
      const answer = await server.call('POST', '/patrons', { cookie, body: { libraryId, name: 'Year Zero', birthDate } });
      expect(answer.status).toBe(400);
      expect(['VALIDATION_FAILED', 'INVALID_DATE']).toContain(answer.body.error.code);
    }
    expect(await countRows(database, 'patrons')).toBe(patrons);
    for (const day of ['0000-01-01', '9999-12-31']) {
      const answer = await server.call('POST', `/libraries/${libraryId}/closed-days`, { cookie, body: { branch: null, startsOn: day, endsOn: day, reason: 'Far away' } });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('INVALID_DATE');
    }
  });

  it('answers a path that is not valid percent-encoding, or too long, in Carrel’s shape', async () => {
    for (const path of ['/api/v1/patrons/%zz', '/api/v1/patrons/%E0%A4%A', `/api/v1/libraries/${'x'.repeat(300)}/branches`]) {
      const response = await fetch(`${server.base}${path}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'URL_INVALID', message: expect.any(String), problems: [] } });
    }
  });

  it('answers malformed JSON, a body of another type and an oversized body in Carrel’s shape', async () => {
    const post = (body: string, contentType: string) => fetch(`${server.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': contentType }, body });
    const cases: [Response, number, string][] = [
      [await post('{"username":', 'application/json'), 400, 'INVALID_JSON'],
      [await post('username=a', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [await post('a', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [await post(`{"username":"${'x'.repeat(70 * 1024)}"}`, 'application/json'), 413, 'BODY_TOO_LARGE'],
    ];
    for (const [response, status, code] of cases) {
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ error: { code, message: expect.any(String), problems: [] } });
    }
  });

  it('answers a request that is not valid HTTP in Carrel’s shape', async () => {
    const { port } = new URL(server.base);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /api/v1/auth/session HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'BAD_REQUEST', message: expect.any(String), problems: [] } });
  });

  it('answers an address larger than the server takes with 431 in Carrel’s shape', async () => {
    const response = await fetch(`${server.base}/api/v1/catalogue/search?q=${'x'.repeat(20_000)}`);
    expect(response.status).toBe(431);
    expect(await response.json()).toMatchObject({ error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String), problems: [] } });
  });
});

describe.each(ENGINES)('the storage rule in the use cases (CLI, imports) on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;

  beforeAll(async () => {
    ({ database, w, libraryId } = await libraryWorld(engine));
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('refuses a patron whose name or address holds U+0000 (a CSV import, `carrel patron add`) as bad input', async () => {
    const before = await countRows(database, 'patrons');
    expect(await refusalCodes(w.act(registerPatron, { libraryId, name: 'Ada\u0000Lovelace', birthDate: '1985-06-15', address: 'x\u0000' }))).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED']);
    expect(await refusalCodes(w.act(registerPatron, { libraryId, name: 'Ada', birthDate: '0000-01-01' }))).toEqual(['INVALID_DATE']);
    expect(await countRows(database, 'patrons')).toBe(before);
  });

  it('answers a patron deleted after their row was read as PATRON_NOT_FOUND, not a fault (a request racing DELETE /me)', async () => {
    // Given a patron's row read, then their key shredded by a deletion committing meanwhile
    const patron = await w.act(registerPatron, { libraryId, name: 'Gone Soon', birthDate: '1985-06-15' });
    const stored = await findPatronById(database.db, patron.id);
    await w.runtime.vault.shred(patron.id, w.clock.now());
    // Then opening the record is a refusal the API answers 404, not a VaultError answered 500
    expect((await refusal(openPatron(w.runtime, stored!))).code).toBe('PATRON_NOT_FOUND');
  });

  it('answers a correction of a patron deleted after their row was read as PATRON_NOT_FOUND (PATCH /me racing DELETE /me)', async () => {
    const patron = await w.act(registerPatron, { libraryId, name: 'Gone Later', birthDate: '1985-06-15' });
    const stored = await findPatronById(database.db, patron.id);
    await w.act(deletePatron, { patronId: patron.id });
    const correcting = run(w.runtime, { actor: SYSTEM, purpose: 'account-service', channel: 'cli' }, (ctx, changes: { name: string }) => applyCorrection(ctx, stored!, changes), { name: 'New Name' });
    expect((await refusal(correcting)).code).toBe('PATRON_NOT_FOUND');
  });

  it('refuses an item with U+0000 in its title or a replacement cost past 2^31 − 1 (`carrel item import`) as bad input', async () => {
    const before = await countRows(database, 'items');
    expect(await refusalCodes(w.act(addItem, { libraryId, barcode: 'UC-NUL', title: 'A\u0000B' }))).toEqual(['VALIDATION_FAILED']);
    expect(await refusalCodes(w.act(addItem, { libraryId, barcode: 'UC-BIG', title: 'Dear', replacementCostCents: 1e21 }))).toEqual(['INVALID_AMOUNT']);
    expect(await countRows(database, 'items')).toBe(before);
  });
});

describe('the storage rule outside HTTP (CLI flags, imports)', () => {
  it('takes dates in years 1000–8999 only, so use cases refuse the rest as INVALID_DATE', () => {
    expect(isCalendarDate('1000-01-01')).toBe(true);
    expect(isCalendarDate('8999-12-31')).toBe(true);
    expect(isCalendarDate('0000-01-01')).toBe(false);
    expect(isCalendarDate('9999-12-31')).toBe(false);
    expect(parseInstant('9999-12-31')).toBeUndefined();
    expect(parseInstant('0000-01-01T00:00:00Z')).toBeUndefined();
    expect(parseInstant('2026-03-02T17:00:00Z')).toBeInstanceOf(Date);
  });

  it('keeps integers within PostgreSQL’s integer and text free of U+0000', () => {
    expect(isStorableInteger(2 ** 31 - 1)).toBe(true);
    expect(isStorableInteger(2 ** 31)).toBe(false);
    expect(isStorableInteger(1e21)).toBe(false);
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('Núñez')).toBe(true);
  });
});
