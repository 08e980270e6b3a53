import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Runtime } from '../usecases/context.js';
import { health } from '../usecases/health.usecases.js';
import { declareTransportErrors, refuseUnstorableInput } from './contract.js';
import { handleClientError, handleError, handleFrameworkError, handleNotFound } from './errors.js';
import { accessLogRoutes } from './routes/access-log.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { selfRoutes } from './routes/self.routes.js';
import { myCirculationRoutes } from './routes/my-circulation.routes.js';
import { patronServiceRoutes } from './routes/patron-service.routes.js';
import { circulationRoutes } from './routes/circulation.routes.js';
import { catalogueRoutes, publicCatalogueRoutes } from './routes/catalogue.routes.js'; // the catalogue (issue 18)
// Staff lists (issue 15)
import { staffListRoutes } from './routes/staff-lists.routes.js';
import { patronRoutes } from './routes/patrons.routes.js';
import { serviceRoutes } from './routes/services.routes.js';
import { retentionRoutes } from './routes/retention.routes.js';
import { jobsRoutes } from './routes/jobs.routes.js'; // scheduled jobs (issue 15, jobs)
import { recordSeriesRoutes } from './routes/record-series.routes.js';
import { guardianRoutes } from './routes/guardian.routes.js';
import { complaintRoutes } from './routes/complaint.routes.js';
import { legalHoldRoutes } from './routes/legal-hold.routes.js';
import { disclosureRoutes } from './routes/disclosure.routes.js';
import { auditReportRoutes } from './routes/audit-report.routes.js'; // privacy audit report (CB-I)
import { statisticsRoutes } from './routes/statistics.routes.js'; // statistics (0006)
import { patronCardRoutes } from './routes/patron-card.routes.js';
import { privacyPolicyRoutes } from './routes/privacy-policy.routes.js';
import { staffRoutes } from './routes/staff.routes.js'; // staff accounts (issue 15)
import { libraryConfigRoutes } from './routes/library-config.routes.js'; // the library's configuration (issue 15)
import { sip2AccountRoutes } from './routes/sip2-accounts.routes.js'; // SIP2 accounts (issue 16)
import { noticeRoutes, unsubscribeRoutes } from './routes/notices.routes.js'; // notices (issue 17)
import { myVendorRoutes, vendorRoutes } from './routes/vendors.routes.js'; // vendors and single sign-on (issue 19)
import { HealthRoute } from './schemas/health.js';
import { requireSession } from './session.js';
import { AttemptThrottle } from '../usecases/attempt-throttle.js';
import { pinResetRoutes } from './routes/pin-reset.routes.js'; // a forgotten PIN, reset by email (issue 18)
import { ASSET_CACHE_CONTROL, isFingerprintedAsset, registerWebApp } from './web-app.js';

export interface ServerOptions {
  runtime: Runtime;
  logger: Logger;
  cookieSecure?: boolean;
  /** Which hops of X-Forwarded-For to believe: none, a hop count, the proxies' addresses, or every hop (src/config.ts). */
  trustProxy?: boolean | number | string[];
  version?: string;
  /**
   * Failed log-ins allowed per client address in a window, for staff and for card log-ins, each counted
   * on its own (default 20 in 15 minutes).
   */
  loginThrottle?: { limit: number; windowMinutes: number };
  /** The retention job's schedule, as GET /api/v1/jobs describes it (scheduled jobs, issue 15). */
  retentionSchedule?: string;
  /** Carrel's public address (CARREL_PUBLIC_URL), for the links in printed letters (notices, issue 17). */
  publicUrl?: string;
  /**
   * Other transports served on this listener, wired by the composition root: vendors' single sign-on
   * (the OpenID provider under /oidc, EZproxy's sign-in under /ezproxy; issue 19).
   */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
}

/**
 * Trusts the `hops` proxies nearest Carrel (issue 22): the client is the address the outermost of them
 * saw, and what a client wrote further left in X-Forwarded-For chooses nothing.
 */
function trustNearestHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/** Request bodies are small JSON documents; anything larger is refused before it is parsed. */
export const BODY_LIMIT = 64 * 1024;

/**
 * Builds Carrel's HTTP server: the REST API under /api/v1 (every route needs a staff session except
 * log-in), /health, the OpenAPI 3.1 document at /openapi.json and interactive docs at /docs.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { runtime } = options;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    // A hop count is a trust function: Fastify refuses a bare number (it trusts nothing then), and
    // proxy-addr asks about each hop from the socket's peer (0) outwards.
    trustProxy: typeof options.trustProxy === 'number' ? trustNearestHops(options.trustProxy) : (options.trustProxy ?? false),
    // Request ids are random, not sequential, and bodies are never logged.
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
    routerOptions: { maxParamLength: 200 },
    // What the router and Node's HTTP parser refuse answers in Carrel's error shape too (issue 22).
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Bodies are JSON only (docs/ERRORS.md: UNSUPPORTED_MEDIA_TYPE); Fastify also parses text/plain by default.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  // The HTTP contract (issue 22): every route declares the statuses the transport answers, and input
  // neither engine can store is refused the same way on both.
  app.addHook('onRoute', declareTransportErrors);
  // The desk's load, for the retention engine's page sizes: one array write per request.
  const deskLoad = runtime.deskLoad;
  if (deskLoad !== undefined)
    app.addHook('onRequest', async () => {
      deskLoad.record(performance.now());
    });
  app.addHook('preValidation', refuseUnstorableInput);
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cache-control', reply.statusCode === 200 && isFingerprintedAsset(request.url) ? ASSET_CACHE_CONTROL : 'no-store');
    // The API answers JSON and loads nothing; /docs sets its own, narrower-than-default policy.
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    return payload;
  });

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Carrel API',
        version: options.version ?? '0.1.0',
        description:
          'Patron records and circulation with the library’s privacy policy enforced. Staff log in at /api/v1/auth/login and receive an HttpOnly session cookie. Card numbers are sent in request bodies, never in URLs. Errors carry a stable `code` (docs/ERRORS.md).',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'carrel_session' } } },
      security: [{ session: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Same-origin only: no third-party fonts, styles or validator images, and no forced upgrade to https
    // (Carrel serves plain HTTP on loopback unless a proxy terminates TLS).
    transformStaticCSP: () =>
      "default-src 'self'; base-uri 'self'; font-src 'self' data:; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self'; frame-ancestors 'none'",
    uiConfig: { validatorUrl: null } as Record<string, unknown>,
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/health', { schema: HealthRoute }, async (_request, reply) => {
    const answer = await health(runtime);
    return answer.status === 'ok' ? answer : reply.status(503).send(answer);
  });

  // The web app: desk, patron portal, director's office and the public policy page, under /app/.
  await registerWebApp(app as unknown as FastifyInstance);

  for (const plugin of options.plugins ?? []) await app.register(plugin);

  // The published privacy policy and its history: public pages, no session (CB-A9, RR-10).
  await app.register(privacyPolicyRoutes(runtime));

  await app.register(
    async (api) => {
      const throttle = () =>
        new AttemptThrottle(runtime.clock, {
          limit: options.loginThrottle?.limit ?? 20,
          windowMs: (options.loginThrottle?.windowMinutes ?? 15) * 60_000,
          maxAddresses: 10_000,
        });
      await api.register(authRoutes(runtime, options.cookieSecure ?? false, throttle()));
      await api.register(selfRoutes(runtime, options.cookieSecure ?? false, throttle()));
      // The patron's own loans and holds (issue 18), under a patron session like the rest of /me.
      await api.register(myCirculationRoutes(runtime));
      // The services the patron signed in to through the library, each revocable (issue 19).
      await api.register(myVendorRoutes(runtime));
      // Unsubscribing from a mailing: no session, no CSRF token, so it works from a mail client (RR-3, RF-8, RFC 8058).
      await api.register(unsubscribeRoutes(runtime));
      // A forgotten PIN: no session (the patron cannot log in), the link emailed is the proof (issue 18).
      await api.register(pinResetRoutes(runtime, { request: throttle(), reset: throttle() }));
      // The catalogue: search and a title's page with no log-in; nothing about a search is kept (CB-A2).
      await api.register(publicCatalogueRoutes(runtime));
      await api.register(async (authenticated) => {
        authenticated.addHook('onRequest', requireSession(runtime));
        await authenticated.register(patronRoutes(runtime));
        await authenticated.register(patronServiceRoutes(runtime));
        await authenticated.register(circulationRoutes(runtime));
        await authenticated.register(catalogueRoutes(runtime)); // cataloguing and copies (issue 18)
        await authenticated.register(serviceRoutes(runtime));
        await authenticated.register(recordSeriesRoutes(runtime));
        await authenticated.register(retentionRoutes(runtime));
        await authenticated.register(accessLogRoutes(runtime));
        await authenticated.register(legalHoldRoutes(runtime));
        await authenticated.register(complaintRoutes(runtime));
        await authenticated.register(disclosureRoutes(runtime));
        await authenticated.register(auditReportRoutes(runtime)); // privacy audit report (CB-I)
        await authenticated.register(statisticsRoutes(runtime)); // statistics (0006)
        await authenticated.register(staffRoutes(runtime)); // staff accounts (issue 15)
        await authenticated.register(libraryConfigRoutes(runtime)); // the library's configuration (issue 15)
        await authenticated.register(sip2AccountRoutes(runtime)); // SIP2 accounts (issue 16)
        await authenticated.register(staffListRoutes(runtime)); // staff lists (issue 15)
        await authenticated.register(jobsRoutes(runtime, options.retentionSchedule)); // scheduled jobs (issue 15, jobs)
        await authenticated.register(patronCardRoutes(runtime)); // the desk: cards, renew-all (issue 15)
        await authenticated.register(noticeRoutes(runtime, options.publicUrl)); // notices and breaches (issue 17)
        await authenticated.register(vendorRoutes(runtime)); // vendors and single sign-on (issue 19)
      });
      // A guardian is a patron logged in with their own card and PIN (RR-8, CB-B3, JC-IVc, IF-7).
      await api.register(async (guardian) => {
        guardian.addHook('onRequest', requireSession(runtime, 'patron'));
        await guardian.register(guardianRoutes(runtime));
      });
    },
    { prefix: '/api/v1' },
  );

  return app as unknown as FastifyInstance;
}
