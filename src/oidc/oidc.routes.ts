/**
 * The OpenID Connect provider on Carrel's server (issue 19): everything under /oidc is the provider's
 * (discovery, keys, authorization, token, userinfo, revocation), except the interactions, which are
 * Carrel's own pages: the patron's card and PIN (the portal's lockout and the per-address throttle), and
 * the consent page when a vendor's contract asks for more than the fact of a patron.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '../domain/errors.js';
import { SYSTEM } from '../policy/actors.js';
import { AttemptThrottle, throttleKey } from '../usecases/attempt-throttle.js';
import { run, type Caller, type Runtime } from '../usecases/context.js';
import { oidcKeysVersion } from '../usecases/oidc.usecases.js';
import { runAttempt } from '../usecases/patron-auth.usecases.js';
import { attemptVendorSignIn, consentToAsk, recordVendorConsent, vendorSignInPage } from '../usecases/vendor-sign-in.usecases.js';
import { acceptForms, field, fields, pageWords } from './forms.js';
import { consentPage, messagePage, signInPage, type Page } from './pages.js';
import { buildProvider, type BuiltProvider, type OidcLifetimes } from './provider.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const CALLER: Caller = { actor: SYSTEM, purpose: 'authentication', channel: 'http' };
/** How often a server looks for signing keys rotated by another process. */
const KEY_CHECK_MS = 60_000;

export interface OidcOptions {
  /** The issuer (`https://library.example.org/oidc`), read at the first request: the server's own address when no public one is set. */
  issuer: () => string;
  proxy: boolean;
  throttle: AttemptThrottle;
  lifetimes?: OidcLifetimes;
}

function sendPage(reply: FastifyReply, status: number, page: Page): FastifyReply {
  return reply.code(status).header('content-security-policy', page.csp).type('text/html; charset=utf-8').send(page.html);
}

/** The provider of this server, built at the first request and rebuilt when the signing keys change. */
function providerHolder(runtime: Runtime, options: OidcOptions) {
  let built: Promise<BuiltProvider> | undefined;
  let callback: ((req: unknown, res: unknown) => void) | undefined;
  let checkedAt = 0;
  const build = () => {
    const next = buildProvider(runtime, { issuer: options.issuer(), proxy: options.proxy, ...(options.lifetimes ? { lifetimes: options.lifetimes } : {}) });
    callback = undefined;
    // A build that failed is tried again at the next request rather than remembered.
    next.catch(() => {
      if (built === next) built = undefined;
    });
    return next;
  };
  return {
    async provider(): Promise<Any> {
      const now = runtime.clock.now().getTime();
      if (!built) {
        built = build();
        checkedAt = now;
      } else if (now - checkedAt > KEY_CHECK_MS) {
        checkedAt = now;
        const version = await run(runtime, CALLER, oidcKeysVersion, {});
        if (version !== (await built).keysVersion) built = build();
      }
      return (await built).provider;
    },
    async callback(): Promise<(req: unknown, res: unknown) => void> {
      const provider = await this.provider();
      callback ??= provider.callback() as (req: unknown, res: unknown) => void;
      return callback;
    },
  };
}

/** The interaction a request belongs to, or undefined when its cookie is missing or it expired. */
async function interactionOf(provider: Any, request: FastifyRequest, reply: FastifyReply): Promise<Any | undefined> {
  try {
    return await provider.interactionDetails(request.raw, reply.raw);
  } catch {
    return undefined;
  }
}

/** Grants the vendor what its request asked for (the claims it is actually told are `vendorAccount`'s to decide). */
async function grantAsked(provider: Any, details: Any): Promise<string> {
  const accountId = details.session.accountId as string;
  const clientId = details.params.client_id as string;
  const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details ?? {};
  if (missing.missingOIDCScope) grant.addOIDCScope((missing.missingOIDCScope as string[]).join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims as string[]);
  return (await grant.save()) as string;
}

/** Registers the provider and its interaction pages on the server. */
export function oidcRoutes(runtime: Runtime, options: OidcOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    const holder = providerHolder(runtime, options);
    // Built (and, on the very first start, its signing key made) as soon as the server listens, not at
    // the first patron's sign-in. A failure here is tried again at the first request.
    app.addHook('onListen', async () => {
      await holder.provider().catch(() => undefined);
    });

    // The provider's own endpoints: the request goes to it untouched (it reads its own bodies).
    await app.register(async (passthrough) => {
      passthrough.removeAllContentTypeParsers();
      passthrough.addContentTypeParser('*', (_request, _payload, done) => done(null));
      const handler = async (request: FastifyRequest, reply: FastifyReply) => {
        const callback = await holder.callback();
        reply.hijack();
        const raw = request.raw as FastifyRequest['raw'] & { originalUrl?: string };
        raw.originalUrl = raw.url ?? '/oidc';
        raw.url = (raw.url ?? '/oidc').slice('/oidc'.length) || '/';
        reply.raw.setHeader('x-content-type-options', 'nosniff');
        reply.raw.setHeader('referrer-policy', 'no-referrer');
        // `script-src` is there for the provider to add the hash of the one script of a page that posts a
        // form by itself (form_post responses; ending another patron's session): nothing else may run.
        reply.raw.setHeader('content-security-policy', "default-src 'none'; script-src 'self'; frame-ancestors 'none'");
        callback(raw, reply.raw);
      };
      // The provider's protocol (its own HTML pages and errors) is not part of Carrel's JSON API document.
      passthrough.all('/oidc', { schema: { hide: true } }, handler);
      passthrough.all('/oidc/*', { schema: { hide: true } }, handler);
    });

    // The interactions: Carrel's pages, posting HTML forms.
    await app.register(async (pages) => {
      acceptForms(pages);

      pages.get<{ Params: { uid: string } }>('/oidc/interaction/:uid', async (request, reply) => {
        const provider = await holder.provider();
        const details = await interactionOf(provider, request, reply);
        if (!details || details.uid !== request.params.uid) return sendPage(reply, 400, messagePage('expired', pageWords(request)));
        const vendorId = details.params.client_id as string;
        const base = `/oidc/interaction/${details.uid as string}`;
        if (details.prompt.name === 'login') {
          const shown = await run(runtime, CALLER, vendorSignInPage, { vendorId, protocol: 'oidc' });
          if (!shown) return sendPage(reply, 404, messagePage('unavailable', pageWords(request)));
          return sendPage(reply, 200, signInPage({ ...shown, action: `${base}/login`, cancel: `${base}/cancel` }, pageWords(request)));
        }
        const asked = await run(runtime, CALLER, consentToAsk, { patronId: details.session.accountId as string, vendorId });
        if (!asked) return sendPage(reply, 404, messagePage('unavailable', pageWords(request)));
        // Nothing beyond the fact of a patron: signing in was the patron's consent to that, so no page is shown.
        if (asked.ask.length === 0) {
          const grantId = await grantAsked(provider, details);
          return reply.redirect(await provider.interactionResult(request.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true }), 303);
        }
        return sendPage(reply, 200, consentPage({ ...asked, action: `${base}/consent`, cancel: `${base}/cancel` }, pageWords(request)));
      });

      pages.post<{ Params: { uid: string } }>('/oidc/interaction/:uid/login', async (request, reply) => {
        const provider = await holder.provider();
        const details = await interactionOf(provider, request, reply);
        if (!details || details.uid !== request.params.uid || details.prompt.name !== 'login') return sendPage(reply, 400, messagePage('expired', pageWords(request)));
        const vendorId = details.params.client_id as string;
        const shown = await run(runtime, CALLER, vendorSignInPage, { vendorId, protocol: 'oidc' });
        if (!shown) return sendPage(reply, 404, messagePage('unavailable', pageWords(request)));
        const base = `/oidc/interaction/${details.uid as string}`;
        const again = (status: number, problem: 'wrong-card' | 'too-many') => sendPage(reply, status, signInPage({ ...shown, action: `${base}/login`, cancel: `${base}/cancel`, problem }, pageWords(request)));
        const address = throttleKey(request.ip);
        const slot = options.throttle.take(address);
        if (slot === undefined) return again(429, 'too-many');
        let patronId: string;
        try {
          ({ patronId } = await runAttempt(runtime, CALLER, attemptVendorSignIn, { vendorId, protocol: 'oidc', cardNumber: field(request.body, 'card'), pin: field(request.body, 'pin') }));
        } catch (error) {
          if (error instanceof DomainError && error.code === ErrorCode.INVALID_CREDENTIALS) return again(401, 'wrong-card');
          if (error instanceof DomainError && error.code === ErrorCode.VENDOR_NOT_FOUND) return sendPage(reply, 404, messagePage('unavailable', pageWords(request)));
          throw error;
        }
        options.throttle.forgive(address, slot);
        // `remember: false`: the session cookie ends with the browser (a library's public computers).
        const to = await provider.interactionResult(request.raw, reply.raw, { login: { accountId: patronId, remember: false } }, { mergeWithLastSubmission: false });
        return reply.redirect(to, 303);
      });

      pages.post<{ Params: { uid: string } }>('/oidc/interaction/:uid/consent', async (request, reply) => {
        const provider = await holder.provider();
        const details = await interactionOf(provider, request, reply);
        if (!details || details.uid !== request.params.uid || details.prompt.name !== 'consent') return sendPage(reply, 400, messagePage('expired', pageWords(request)));
        const vendorId = details.params.client_id as string;
        try {
          await run(runtime, { ...CALLER, purpose: 'self-service' }, recordVendorConsent, { patronId: details.session.accountId as string, vendorId, claims: fields(request.body, 'claim') });
        } catch (error) {
          if (error instanceof DomainError && error.code === ErrorCode.VENDOR_NOT_FOUND) return sendPage(reply, 404, messagePage('unavailable', pageWords(request)));
          throw error;
        }
        const grantId = await grantAsked(provider, details);
        return reply.redirect(await provider.interactionResult(request.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true }), 303);
      });

      pages.post<{ Params: { uid: string } }>('/oidc/interaction/:uid/cancel', async (request, reply) => {
        const provider = await holder.provider();
        const details = await interactionOf(provider, request, reply);
        if (!details || details.uid !== request.params.uid) return sendPage(reply, 400, messagePage('refused', pageWords(request)));
        const to = await provider.interactionResult(request.raw, reply.raw, { error: 'access_denied', error_description: 'The patron did not sign in.' }, { mergeWithLastSubmission: false });
        return reply.redirect(to, 303);
      });
    });
  };
}
