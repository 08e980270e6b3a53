import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, countRows, world, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { INVENTORY } from '../policy/inventory.js';
import { POLICY_PAGE_CSP } from '../report/privacy-policy.render.js';

/** The published privacy policy over HTTP: public, no session, self-contained (CB-A9, RR-10). */

describe.each(ENGINES)('privacy-policy pages on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let server: TestServer;
  let libraryId: string;
  const personal: string[] = [];

  /** GET at the root (outside /api/v1), with no cookie. */
  const get = async (path: string) => {
    const response = await fetch(`${server.base}${path}`);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    libraryId = (await buildLibrary(w, { id: `cb-${engine}`, name: 'Carlsbad Public Library', profileId: 'carlsbad-nm' })).library.id;
    // A few patrons, whose data must appear nowhere on the page
    for (const name of ['Wilhelmina Quartermaine', 'Bartholomew Ng', 'Ximena Oyelaran-Fitch']) {
      const patron = await buildPatron(w, { libraryId, name, email: `${name.split(' ')[0]!.toLowerCase()}@example.org`, phone: '505-555-0199', address: '12 Hidden Lane' });
      personal.push(name, `${name.split(' ')[0]!.toLowerCase()}@example.org`, patron.cardNumber, patron.id);
    }
    personal.push('505-555-0199', '12 Hidden Lane');
    server = await startServer(w);
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('serves the page as HTML without a session, under a CSP that allows only its own style, and logs no access', async () => {
    const logged = await countRows(database, 'access_log');
    const page = await get(`/libraries/${libraryId}/privacy-policy`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(POLICY_PAGE_CSP);
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).toContain('<h1>Privacy policy of Carlsbad Public Library</h1>');
    for (const category of INVENTORY) expect(page.text).toContain(`<h3>${category.name}</h3>`);
    expect(page.text).not.toMatch(/<script|\bsrc=|\bhref=|url\(|@import|https?:\/\//i);
    expect(await countRows(database, 'access_log')).toBe(logged);
  });

  it('answers Markdown and JSON on request, and the history', async () => {
    const md = await get(`/libraries/${libraryId}/privacy-policy?format=md`);
    expect([md.status, md.headers.get('content-type')]).toEqual([200, 'text/markdown; charset=utf-8']);
    expect(md.text).toContain('# Privacy policy of Carlsbad Public Library');
    const json = await get(`/libraries/${libraryId}/privacy-policy?format=json`);
    expect([json.status, json.headers.get('content-type')]).toEqual([200, 'application/json; charset=utf-8']);
    const doc = JSON.parse(json.text);
    expect(doc.policy).toMatchObject({ profileId: 'carlsbad-nm', version: 1 });
    expect(doc.categories).toHaveLength(INVENTORY.length);
    expect(doc.categories.find((c: { id: string }) => c.id === 'circulation').howLong.clauses).toEqual(['CB-F3']);
    const history = await get(`/libraries/${libraryId}/privacy-policy/history`);
    expect(history.status).toBe(200);
    const body = JSON.parse(history.text);
    expect(body).toMatchObject({ library: { id: libraryId }, profileId: 'carlsbad-nm', current: { version: 1 } });
    expect(body.versions).toHaveLength(1);
    const bad = await get(`/libraries/${libraryId}/privacy-policy?format=pdf`);
    expect(bad.status).toBe(400);
  });

  it('answers in the language asked for with ?lang=, English by default (issue 20)', async () => {
    const page = await get(`/libraries/${libraryId}/privacy-policy?lang=es`);
    expect([page.status, page.headers.get('content-language'), page.headers.get('content-security-policy')]).toEqual([200, 'es', POLICY_PAGE_CSP]);
    expect(page.text).toContain('<html lang="es">');
    expect(page.text).toContain('<h1>Política de privacidad de Carlsbad Public Library</h1>');
    const md = await get(`/libraries/${libraryId}/privacy-policy?format=md&lang=es`);
    expect(md.text).toContain('## Sus derechos');
    const json = JSON.parse((await get(`/libraries/${libraryId}/privacy-policy?format=json&lang=es`)).text);
    expect(json.language).toBe('es');
    expect(json.categories.find((c: { id: string }) => c.id === 'circulation').name).toBe('Préstamos en curso');
    const history = JSON.parse((await get(`/libraries/${libraryId}/privacy-policy/history?lang=es`)).text);
    expect(history.versions[0].remarks).toEqual(['La primera versión de la política de esta biblioteca que aplicó Carrel.']);
    const english = await get(`/libraries/${libraryId}/privacy-policy`);
    expect([english.headers.get('content-language'), english.text.includes('<html lang="en">')]).toEqual(['en', true]);
    // Only a language code is accepted
    expect((await get(`/libraries/${libraryId}/privacy-policy?lang=es-<script>`)).status).toBe(400);
  });

  it('answers 404 with the standard error body for a library that does not exist', async () => {
    for (const path of ['/libraries/no-such-library/privacy-policy', '/libraries/no-such-library/privacy-policy/history']) {
      const answer = await get(path);
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.text)).toEqual({ error: { code: 'LIBRARY_NOT_FOUND', message: 'No library has that id.', problems: [{ code: 'LIBRARY_NOT_FOUND', message: 'No library has that id.', field: 'library' }] } });
    }
  });

  it('holds no personal data in any form', async () => {
    for (const path of ['', '?format=md', '?format=json', '/history']) {
      const base = path === '/history' ? `/libraries/${libraryId}/privacy-policy/history` : `/libraries/${libraryId}/privacy-policy${path}`;
      const answer = await get(base);
      expect(answer.status).toBe(200);
      for (const value of personal) expect(answer.text, `${base} shows ${value}`).not.toContain(value);
    }
  });
});
