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
    // Everything is fingerprinted by the build, but the server's no-store header applies to all answers.
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
}
