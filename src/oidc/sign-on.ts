import type { FastifyInstance } from 'fastify';
import { AttemptThrottle } from '../usecases/attempt-throttle.js';
import type { Runtime } from '../usecases/context.js';
import { ezproxyRoutes } from './ezproxy.routes.js';
import { oidcRoutes } from './oidc.routes.js';

export interface SignOnOptions {
  /** Carrel's public address (CARREL_PUBLIC_URL); the OpenID issuer is it plus /oidc. None: the address the server listens on. */
  publicUrl?: string | undefined;
  /** As the HTTP server's (src/config.ts): any trust at all lets the provider read X-Forwarded-Proto and -Host. */
  trustProxy?: boolean | number | string[] | undefined;
  /** Failed sign-ins allowed per client address (as for the portal's log-in: 20 in 15 minutes by default). */
  loginThrottle?: { limit: number; windowMinutes: number } | undefined;
  /** How long a patron's sign-in to vendors lasts before they give their PIN again (default 30 minutes). */
  sessionMinutes?: number | undefined;
}

/**
 * Vendors' single sign-on (issue 19), served on the HTTP server's listener: the OpenID Connect provider
 * under /oidc and EZproxy's ticket sign-in under /ezproxy. The composition root (and the tests' server)
 * hands this plugin to `buildServer`; the HTTP transport itself does not know it.
 */
export function vendorSignOn(runtime: Runtime, options: SignOnOptions = {}) {
  return async (app: FastifyInstance): Promise<void> => {
    const throttle = () =>
      new AttemptThrottle(runtime.clock, { limit: options.loginThrottle?.limit ?? 20, windowMs: (options.loginThrottle?.windowMinutes ?? 15) * 60_000, maxAddresses: 10_000 });
    const ownAddress = () => {
      const address = app.server.address();
      return typeof address === 'object' && address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : 'http://127.0.0.1';
    };
    await app.register(
      oidcRoutes(runtime, {
        issuer: () => `${options.publicUrl ?? ownAddress()}/oidc`,
        // The provider (Koa) takes a yes or no, for the scheme and host of its own addresses; the client's
        // address, which the throttles count, is Fastify's, chosen by the same setting's hops or list.
        proxy: options.trustProxy !== undefined && options.trustProxy !== false,
        throttle: throttle(),
        ...(options.sessionMinutes ? { lifetimes: { sessionSeconds: options.sessionMinutes * 60 } } : {}),
      }),
    );
    // EZproxy's CGI sign-in, with a per-address throttle of its own on failed card sign-ins.
    await app.register(ezproxyRoutes(runtime, throttle()));
  };
}
