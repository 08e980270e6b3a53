import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The web app (desk, patron portal, director's office, public policy page): a React build served from
 * dist/web under /app/ by the same process as the API. Its policy allows only this origin: no inline
 * script, no third-party asset, no framing; the pages speak only to /api/v1 on the same origin.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * How a file of the build's assets/ folder is kept by the browser. Every file there is named by a hash of
 * its content (Vite's `[name]-[hash]`), so a new build is new names and a name never changes content: it
 * is kept for a year and never asked for again, on every page load of the app (1.2 MB of script, parsed
 * and compiled by the browser each time it arrives afresh). Nothing in it is about a person: it is the
 * same file for everyone. Every other answer (the API, the app's page itself) stays `no-store`.
 */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** Whether a request's path is one of the build's fingerprinted assets (see ASSET_CACHE_CONTROL). */
export function isFingerprintedAsset(url: string): boolean {
  return url.startsWith('/app/assets/');
}

/** Where `npm run build` puts the web app: dist/web under the package root. */
export function webAppRoot(): string {
  // This file runs as dist/src/http/web-app.js, or as src/http/web-app.ts under the test runner.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'web');
}

export async function registerWebApp(app: FastifyInstance, root: string = webAppRoot()): Promise<void> {
  const indexFile = join(root, 'index.html');
  const built = existsSync(indexFile);
  const index = built ? readFileSync(indexFile, 'utf8') : undefined;

  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/app/'));

  if (!built) {
    app.get('/app/*', { schema: { hide: true } }, async (_request, reply) =>
      reply.status(503).type('text/plain; charset=utf-8').send('The web app is not built: run `npm run build`.'),
    );
    return;
  }

  await app.register(fastifyStatic, {
    root,
    prefix: '/app/',
    index: false,
    wildcard: false,
    // The server's onSend hook says how long an answer is kept (ASSET_CACHE_CONTROL, else no-store).
    cacheControl: false,
    etag: false,
    lastModified: false,
    setHeaders: (res) => res.setHeader('content-security-policy', WEB_APP_CSP),
  });
  // Every other path under /app/ is a page of the app: the same document, which routes on the client.
  const page = async (_request: unknown, reply: import('fastify').FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', WEB_APP_CSP).send(index);
  app.get('/app', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/app/'));
  app.get('/app/', { schema: { hide: true } }, page);
  app.get('/app/*', { schema: { hide: true } }, page);
  // A file of assets/ the build does not have is not a page: it is not found (never the page's document
  // under a script's name, which the browser would keep as that script).
  app.get('/app/assets/*', { schema: { hide: true } }, async (_request, reply) => reply.callNotFound());
}
