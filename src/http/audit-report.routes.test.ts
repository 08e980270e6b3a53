import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { AUDIT_REPORT_CSP } from '../report/audit-report.html.js';
import { checkin, checkout } from '../usecases/circulation.usecases.js';
import { createStaff } from '../usecases/staff.usecases.js';

/** The privacy audit report over HTTP (CB-I): who may ask, and the three formats with their headers. */
describe.each(ENGINES)('audit report API on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  let libraryId: string;
  let otherId: string;
  let patron: { cardNumber: string; id: string };
  const director = { username: `ar-director-${engine}`, password: '' };
  const clerk = { username: `ar-clerk-${engine}`, password: '' };
  const admin = { username: `ar-admin-${engine}`, password: '' };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    libraryId = (await buildLibrary(w, { id: `ar-${engine}`, profileId: 'jackson-county-or' })).library.id;
    otherId = (await buildLibrary(w, { id: `ar-other-${engine}`, profileId: 'jackson-county-or' })).library.id;
    director.password = (await w.act(createStaff, { username: director.username, libraryId, roles: ['director'] })).password;
    clerk.password = (await w.act(createStaff, { username: clerk.username, libraryId, roles: ['circulation'] })).password;
    admin.password = (await w.act(createStaff, { username: admin.username, libraryId: null, roles: ['admin'] })).password;
    patron = await buildPatron(w, { libraryId });
    const item = await buildItem(w, { libraryId });
    await w.act(checkout, { cardNumber: patron.cardNumber, itemBarcode: item.barcode });
    w.clock.advanceDays(3);
    await w.act(checkin, { itemBarcode: item.barcode });
    w.clock.advanceDays(2);
    server = await startServer(w);
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('answers the director as JSON, Markdown and a self-contained HTML page with its own CSP', async () => {
    const cookie = await server.login(director);
    const json = await server.call('GET', `/libraries/${libraryId}/audit-report`, { cookie });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.body).toMatchObject({ format: 'carrel-audit-report-1', library: { id: libraryId }, profile: { id: 'jackson-county-or' } });
    expect(Object.keys(json.body)).toEqual(expect.arrayContaining(['collected', 'purposes', 'access', 'storage', 'retention', 'findings']));
    // The loan returned two days ago under a break-the-link-on-return profile, with no run since
    expect(json.body.findings).toContainEqual(expect.objectContaining({ kind: 'overdue-disposal', category: 'circulation', count: 1 }));
    expect(json.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");

    const mdAnswer = await fetch(`${server.base}/api/v1/libraries/${libraryId}/audit-report?format=md&from=2026-01-01&to=2026-04-01`, { headers: { cookie } });
    const md = { status: mdAnswer.status, headers: mdAnswer.headers, text: await mdAnswer.text() };
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(md.text).toContain('## (a) What is collected');
    expect(md.text).toContain('### Access log, 2026-01-01 to 2026-04-01');
    expect(md.text).toContain('**FINDING:**');

    const page = await fetch(`${server.base}/api/v1/libraries/${libraryId}/audit-report?format=html`, { headers: { cookie } });
    const text = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(AUDIT_REPORT_CSP);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(text.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(text).toContain('<h2 id="e-h">(e) How long it is kept and how it is disposed of</h2>');
    expect(text).not.toMatch(/https?:|<script|<link|<img/i);
    for (const answer of [json.text, md.text, text]) {
      expect(answer).not.toContain(patron.cardNumber);
      expect(answer).not.toContain(patron.id);
    }
  });

  it('answers the system administrator; refuses a clerk (403); another library is not found (404); a bad date is 400', async () => {
    const adminCookie = await server.login(admin);
    expect((await server.call('GET', `/libraries/${libraryId}/audit-report`, { cookie: adminCookie })).status).toBe(200);
    const clerkCookie = await server.login(clerk);
    const refused = await server.call('GET', `/libraries/${libraryId}/audit-report`, { cookie: clerkCookie });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'PERMISSION_DENIED']);
    expect((await server.call('GET', `/libraries/${libraryId}/audit-report`)).status).toBe(401);
    const cookie = await server.login(director);
    expect((await server.call('GET', `/libraries/${otherId}/audit-report`, { cookie })).status).toBe(404);
    expect((await server.call('GET', `/libraries/${libraryId}/audit-report?from=2026-13-01`, { cookie })).status).toBe(400);
    expect((await server.call('GET', `/libraries/${libraryId}/audit-report?format=pdf`, { cookie })).status).toBe(400);
  });
});
