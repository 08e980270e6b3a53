import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { createStaff } from '../usecases/staff.usecases.js';

/** Legal holds, complaints and the transparency report over HTTP: roles, CSRF, answers. */
describe.each(ENGINES)('legal holds, complaints and transparency API on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  let libraryId: string;
  const director = { username: `lh-director-${engine}`, password: '' };
  const clerk = { username: `lh-clerk-${engine}`, password: '' };
  const admin = { username: `lh-admin-${engine}`, password: '' };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    libraryId = (await buildLibrary(w, { id: `lh-${engine}`, profileId: 'jackson-county-or' })).library.id;
    director.password = (await w.act(createStaff, { username: director.username, libraryId, roles: ['director'] })).password;
    clerk.password = (await w.act(createStaff, { username: clerk.username, libraryId, roles: ['circulation'] })).password;
    admin.password = (await w.act(createStaff, { username: admin.username, libraryId: null, roles: ['admin'] })).password;
    server = await startServer(w);
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('the director places, lists and releases a hold; a clerk cannot place one; a change without the CSRF token is refused', async () => {
    const patron = await buildPatron(w, { libraryId });
    const body = { patrons: [{ cardNumber: patron.cardNumber }], categories: ['circulation', 'fines'], from: '2026-01-01', reason: 'Preservation letter 26-9' };
    const clerkCookie = await server.login(clerk);
    const refused = await server.call('POST', '/legal-holds', { cookie: clerkCookie, body });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'PERMISSION_DENIED']);

    const cookie = await server.login(director);
    const noToken = await server.call('POST', '/legal-holds', { cookie, body, csrf: false });
    expect([noToken.status, noToken.body.error.code]).toEqual([403, 'CSRF_TOKEN_INVALID']);
    expect((await database.db.selectFrom('legal_holds').select('id').execute()).length).toBe(0);

    const placed = await server.call('POST', '/legal-holds', { cookie, body });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ libraryId, categories: ['circulation', 'fines'], patronIds: [patron.id], releasedAt: null });
    // The card number went in the body; the answer names the patron by id only
    expect(placed.text).not.toContain(patron.cardNumber);

    const listed = await server.call('GET', `/libraries/${libraryId}/legal-holds`, { cookie });
    expect(listed.body.map((h: { id: string }) => h.id)).toEqual([placed.body.id]);
    expect((await server.call('GET', `/libraries/${libraryId}/legal-holds`, { cookie: clerkCookie })).status).toBe(403);

    const released = await server.call('POST', `/legal-holds/${placed.body.id}/release`, { cookie });
    expect(released.status).toBe(200);
    expect(released.body.releasedAt).not.toBeNull();
    expect((await server.call('POST', `/legal-holds/${placed.body.id}/release`, { cookie })).body.error.code).toBe('LEGAL_HOLD_RELEASED');
    expect((await server.call('GET', `/libraries/${libraryId}/legal-holds`, { cookie })).body).toEqual([]);
    expect((await server.call('GET', `/libraries/${libraryId}/legal-holds?includeReleased=true`, { cookie })).body).toHaveLength(1);
  });

  it('a clerk records a complaint; only the director lists and answers it', async () => {
    const patron = await buildPatron(w, { libraryId });
    const clerkCookie = await server.login(clerk);
    const recorded = await server.call('POST', '/complaints', { cookie: clerkCookie, body: { cardNumber: patron.cardNumber, channel: 'in-person', topic: 'privacy', summary: 'Wants to know who saw their record' } });
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({ patronId: patron.id, overdue: false, answeredAt: null });
    expect((await server.call('GET', `/libraries/${libraryId}/complaints`, { cookie: clerkCookie })).status).toBe(403);
    expect((await server.call('POST', `/complaints/${recorded.body.id}/answer`, { cookie: clerkCookie, body: {} })).status).toBe(403);

    const cookie = await server.login(director);
    const answered = await server.call('POST', `/complaints/${recorded.body.id}/answer`, { cookie, body: { summary: 'Sent the access log' } });
    expect(answered.status).toBe(200);
    expect(answered.body.answerSummary).toBe('Sent the access log');
    const list = await server.call('GET', `/libraries/${libraryId}/complaints`, { cookie });
    // The list opens no sealed text; it says there is some, and one complaint's own read opens it
    expect(list.body.find((c: { id: string }) => c.id === recorded.body.id)).toMatchObject({ answeredBy: expect.any(String), overdue: false, summary: null, hasSummary: true, answerSummary: null, hasAnswerSummary: true });
    const one = await server.call('GET', `/complaints/${recorded.body.id}`, { cookie });
    expect([one.status, one.body.summary, one.body.answerSummary]).toEqual([200, 'Wants to know who saw their record', 'Sent the access log']);
    expect((await server.call('GET', `/complaints/${recorded.body.id}`, { cookie: clerkCookie })).status).toBe(403);
    expect((await server.call('POST', '/complaints', { cookie: clerkCookie, body: { channel: 'letter', topic: 'x', extra: 1 } })).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('the transparency report as JSON and as Markdown, for the director and the system administrator, not for a clerk', async () => {
    const cookie = await server.login(director);
    const json = await server.call('GET', '/transparency-report?from=2026-01-01&to=2027-01-01', { cookie });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ libraryId, requests: { gagged: { band: '0–249', bandWidth: 250 } }, legalHolds: { placed: 1, released: 1 } });
    const md = await fetch(`${server.base}/api/v1/transparency-report?from=2026-01-01&to=2027-01-01&format=md`, { headers: { cookie } });
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toContain('text/markdown');
    const text = await md.text();
    expect(text).toContain(`# Transparency report: ${libraryId}`);
    expect(text).toContain(`Placed in the period: ${json.body.legalHolds.placed}.`);

    const adminCookie = await server.login(admin);
    const all = await server.call('GET', `/transparency-report?from=2026-01-01&to=2027-01-01&library=${libraryId}`, { cookie: adminCookie });
    expect(all.status).toBe(200);
    expect(all.body.complaints).toEqual(json.body.complaints);
    expect((await server.call('GET', '/transparency-report?from=2026-01-01&to=2027-01-01', { cookie: await server.login(clerk) })).status).toBe(403);
    expect((await server.call('GET', '/transparency-report?from=2026-13-01&to=2027-01-01', { cookie })).status).toBe(400);
  });

  // After the report's test: this request's hold would count among the holds placed in its period.
  it('answers only the holds one legal request placed, when asked by its id', async () => {
    // Given a hold placed by hand and a legal request, which places its own preservation hold
    const patron = await buildPatron(w, { libraryId });
    const cookie = await server.login(director);
    const byHand = await server.call('POST', '/legal-holds', { cookie, body: { patrons: [{ patronId: patron.id }], categories: ['fines'], reason: 'Litigation hold 26-11' } });
    expect(byHand.status).toBe(201);
    const received = await server.call('POST', '/legal-requests', {
      cookie: await server.login(clerk),
      body: { libraryId, agency: 'County Sheriff', officerName: 'Officer', officerId: 'B-1', instrument: 'court-order', patrons: [{ patronId: patron.id }], categories: ['circulation'] },
    });
    expect(received.status).toBe(201);
    // When the director asks for the request's holds, Then only its preservation hold is answered
    const mine = await server.call('GET', `/libraries/${libraryId}/legal-holds?includeReleased=true&requestId=${received.body.id}`, { cookie });
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual([expect.objectContaining({ requestId: received.body.id, patronIds: [patron.id], categories: ['circulation'] })]);
    const all = await server.call('GET', `/libraries/${libraryId}/legal-holds?includeReleased=true`, { cookie });
    expect(all.body.map((h: { id: string }) => h.id)).toContain(byHand.body.id);
    // And a request that placed none answers none; a malformed id is refused
    expect((await server.call('GET', `/libraries/${libraryId}/legal-holds?requestId=00000000-0000-4000-8000-000000000000`, { cookie })).body).toEqual([]);
    expect((await server.call('GET', `/libraries/${libraryId}/legal-holds?requestId=nope`, { cookie })).status).toBe(400);
  });
});
