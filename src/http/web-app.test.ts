import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWebApp, WEB_APP_CSP } from './web-app.js';

/** The web app's serving rules, on a real listening server with a stand-in build of the app. */
describe('serving the web app', () => {
  const root = mkdtempSync(join(tmpdir(), 'carrel-web-'));
  const app = Fastify();
  let base = '';

  beforeAll(async () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Carrel</title><script type="module" src="/app/assets/app-1.js"></script>');
    writeFileSync(join(root, 'assets', 'app-1.js'), 'console.log("carrel")');
    app.get('/api/v1/ping', async () => ({ pong: true }));
    await registerWebApp(app, root);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers every page of the app with its one document under a same-origin-only policy', async () => {
    for (const path of ['/app/', '/app/desk', '/app/me/data', '/app/policy/demo']) {
      const answer = await fetch(`${base}${path}`);
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      expect(answer.headers.get('content-security-policy')).toBe(WEB_APP_CSP);
      expect(await answer.text()).toContain('<title>Carrel</title>');
    }
    expect(WEB_APP_CSP).toContain("script-src 'self'");
    expect(WEB_APP_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });

  it('serves the built assets, sends / to the app, and leaves the API alone', async () => {
    const script = await fetch(`${base}/app/assets/app-1.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/app/');
    expect(await (await fetch(`${base}/api/v1/ping`)).json()).toEqual({ pong: true });
    // A path outside /app/ is not the app's: it stays a 404; so is a file the build's assets do not have.
    expect((await fetch(`${base}/desk`)).status).toBe(404);
    expect((await fetch(`${base}/app/assets/app-2.js`)).status).toBe(404);
  });

  it('says the app is not built instead of serving nothing', async () => {
    const bare = Fastify();
    await registerWebApp(bare, join(root, 'missing'));
    const answer = await bare.inject({ method: 'GET', url: '/app/desk' });
    expect(answer.statusCode).toBe(503);
    expect(answer.body).toMatch(/npm run build/);
    await bare.close();
  });
});
