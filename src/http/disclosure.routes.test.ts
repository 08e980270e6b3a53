import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { canonicalJson } from '../domain/disclosure.js';
import { checkout } from '../usecases/circulation.usecases.js';
import { createStaff } from '../usecases/staff.usecases.js';

/** The legal-request register over HTTP: a real server on 127.0.0.1, on every engine. */

describe.each(ENGINES)('legal-request API on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  let libraryId: string;
  let otherLibraryId: string;
  const desk = { username: `lr-desk-${engine}`, password: '' };
  const director = { username: `lr-director-${engine}`, password: '' };
  const otherDirector = { username: `lr-other-${engine}`, password: '' };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    libraryId = (await buildLibrary(w, { id: `if-${engine}`, profileId: 'imagineif-mt' })).library.id;
    otherLibraryId = (await buildLibrary(w, { id: `cb-${engine}`, profileId: 'carlsbad-nm' })).library.id;
    desk.password = (await w.act(createStaff, { username: desk.username, libraryId, roles: ['circulation'] })).password;
    director.password = (await w.act(createStaff, { username: director.username, libraryId, roles: ['director'] })).password;
    otherDirector.password = (await w.act(createStaff, { username: otherDirector.username, libraryId: otherLibraryId, roles: ['director'] })).password;
    server = await startServer(w);
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('IF-8: a desk records a subpoena and refers it; the director reviews, approves and releases it once, as a file; the patron is told', async () => {
    // Given a patron with a book out, and a subpoena handed to the desk
    const patron = await buildPatron(w, { libraryId, address: '3 Main Street' });
    const item = await buildItem(w, { libraryId, title: 'A Confidential Title' });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    const clerk = await server.login(desk);
    const body = {
      libraryId,
      agency: 'County Sheriff',
      officerName: 'Officer Dana Reyes',
      officerId: 'B-1138',
      instrument: 'subpoena',
      caseNumber: 'CR-2026-0042',
      patrons: [{ cardNumber: patron.cardNumber }],
      categories: ['registration', 'circulation'],
    };
    // A change without the CSRF token is refused and records nothing
    const forged = await server.call('POST', '/legal-requests', { cookie: clerk, body, csrf: false });
    expect([forged.status, forged.body.error.code]).toEqual([403, 'CSRF_TOKEN_INVALID']);
    // When the desk records it: the answer says it is in the register, nothing of its scope
    const received = await server.call('POST', '/legal-requests', { cookie: clerk, body });
    expect(received.status).toBe(201);
    expect(received.body).toMatchObject({ status: 'received', instrument: 'subpoena', libraryId });
    expect(received.text).not.toContain(patron.cardNumber);
    const id = received.body.id as string;
    // The desk cannot read the register, but refers the request to the director
    expect((await server.call('GET', `/legal-requests/${id}`, { cookie: clerk })).status).toBe(403);
    const referred = await server.call('POST', `/legal-requests/${id}/referral`, { cookie: clerk });
    expect([referred.status, referred.body.status]).toEqual([200, 'referred']);
    // The director of another library finds nothing
    const outsider = await server.login(otherDirector);
    const hidden = await server.call('GET', `/legal-requests/${id}`, { cookie: outsider });
    expect([hidden.status, hidden.body.error.code]).toEqual([404, 'LEGAL_REQUEST_NOT_FOUND']);
    expect((await server.call('POST', `/legal-requests/${id}/release`, { cookie: outsider })).status).toBe(404);
    expect((await server.call('GET', `/libraries/${libraryId}/legal-requests`, { cookie: outsider })).status).toBe(404);
    // The director reads it, cannot release it before approval, records counsel's review and approves
    const boss = await server.login(director);
    const listed = await server.call('GET', `/libraries/${libraryId}/legal-requests`, { cookie: boss });
    expect(listed.body.map((r: { id: string }) => r.id)).toEqual([id]);
    expect(listed.body[0]).toMatchObject({ patronIds: [patron.id], rule: { permits: 'release', clause: 'IF-8', counselReviewRequired: true } });
    const early = await server.call('POST', `/legal-requests/${id}/release`, { cookie: boss });
    expect([early.status, early.body.error.code]).toEqual([409, 'REQUEST_NOT_APPROVED']);
    const unreviewed = await server.call('POST', `/legal-requests/${id}/decision`, { cookie: boss, body: { approve: true } });
    expect([unreviewed.status, unreviewed.body.error.code]).toEqual([422, 'COUNSEL_REVIEW_MISSING']);
    expect((await server.call('POST', `/legal-requests/${id}/review`, { cookie: boss, body: { properForm: true, goodCause: true } })).status).toBe(200);
    const decided = await server.call('POST', `/legal-requests/${id}/decision`, { cookie: boss, body: { approve: true, notes: 'Valid subpoena.' } });
    expect([decided.status, decided.body.status, decided.body.decisionReason]).toEqual([200, 'approved', 'APPROVED']);
    // When it is released: a file, whose hash the register keeps
    const released = await server.call('POST', `/legal-requests/${id}/release`, { cookie: boss });
    expect(released.status).toBe(200);
    expect(released.headers.get('content-disposition')).toMatch(/^attachment; filename="legal-disclosure-/);
    expect(released.text).toContain('A Confidential Title');
    expect(released.body.manifest.sha256).toBe(createHash('sha256').update(canonicalJson(released.body.export)).digest('hex'));
    const again = await server.call('POST', `/legal-requests/${id}/release`, { cookie: boss });
    expect([again.status, again.body.error.code]).toEqual([409, 'REQUEST_ALREADY_RELEASED']);
    expect((await server.call('GET', `/legal-requests/${id}`, { cookie: boss })).body).toMatchObject({ status: 'released', manifest: { sha256: released.body.manifest.sha256 } });
    // Then the patron sees the notice in their record
    const self = await server.patronLogin({ cardNumber: patron.cardNumber, pin: patron.pin });
    const me = await server.call('GET', '/me', { cookie: self });
    expect(me.body.notices).toEqual([expect.objectContaining({ kind: 'legal-disclosure', instrument: 'subpoena', agency: 'County Sheriff' })]);
    expect(me.text).not.toContain('CR-2026-0042');
  });

  it('CB-E1: under carlsbad-nm the same subpoena is refused with its code, and an unknown id is not found', async () => {
    const patron = await buildPatron(w, { libraryId: otherLibraryId });
    const boss = await server.login(otherDirector);
    const received = await server.call('POST', '/legal-requests', {
      cookie: boss,
      body: { libraryId: otherLibraryId, agency: 'County Sheriff', officerName: 'Officer Dana Reyes', officerId: 'B-1138', instrument: 'subpoena', patrons: [{ patronId: patron.id }], categories: ['circulation'] },
    });
    expect(received.status).toBe(201);
    const id = received.body.id as string;
    await server.call('POST', `/legal-requests/${id}/review`, { cookie: boss, body: { properForm: true, goodCause: true } });
    const approve = await server.call('POST', `/legal-requests/${id}/decision`, { cookie: boss, body: { approve: true } });
    expect([approve.status, approve.body.error.code]).toEqual([422, 'INSTRUMENT_NOT_ACCEPTED']);
    const refused = await server.call('POST', `/legal-requests/${id}/decision`, { cookie: boss, body: { approve: false } });
    expect([refused.status, refused.body.decisionReason]).toEqual([200, 'INSTRUMENT_NOT_ACCEPTED']);
    expect((await server.call('POST', `/legal-requests/${id}/release`, { cookie: boss })).body.error.code).toBe('REQUEST_NOT_APPROVED');
    expect((await server.call('GET', '/legal-requests/00000000-0000-4000-8000-000000000000', { cookie: boss })).status).toBe(404);
    const bad = await server.call('POST', '/legal-requests', { cookie: boss, body: { libraryId: otherLibraryId, instrument: 'summons' } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
