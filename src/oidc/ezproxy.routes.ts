/**
 * EZproxy's CGI authentication with ticket sign-in (issue 19): EZproxy sends a patron who must sign in to
 * `/ezproxy/<vendorId>/login?url=…` (its `::CGI=` line); Carrel asks for their card and PIN and sends them
 * back to EZproxy's login address with a signed ticket. EZproxy learns a pseudonym made for that instance
 * alone and, if the instance maps the patron's category to one, a group; never the card number, the
 * patron's id or their name (RF-6, CB-D, IF-9). What they read through the proxy is EZproxy's, not Carrel's:
 * the destination is carried through the form, never stored or logged (RR-4, IF-4).
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Translator } from '../domain/translator.js';
import { DomainError, ErrorCode } from '../domain/errors.js';
import { SYSTEM } from '../policy/actors.js';
import { AttemptThrottle, throttleKey } from '../usecases/attempt-throttle.js';
import { run, type Caller, type Runtime } from '../usecases/context.js';
import { runAttempt } from '../usecases/patron-auth.usecases.js';
import { attemptVendorSignIn, ezproxyRedirect, vendorSignInPage } from '../usecases/vendor-sign-in.usecases.js';
import { acceptForms, field, pageWords } from './forms.js';
import { messagePage, signInPage, type Page } from './pages.js';

/** Who signs a patron in to EZproxy: Carrel itself, checking a card for authentication, over HTTP. */
const CALLER: Caller = { actor: SYSTEM, purpose: 'authentication', channel: 'http' };

/** The longest destination carried through the form (EZproxy's starting-point addresses are far shorter). */
export const DESTINATION_LIMIT = 2048;

/** A vendor id as Carrel makes them (a UUID); anything else names no vendor and is not looked up. */
const VENDOR_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * The address EZproxy asked to reach after sign-in: an http or https address of at most 2048 characters
 * without control characters, or '' when none was given (EZproxy then shows its own menu). Undefined when
 * the value is anything else: Carrel only hands it back to EZproxy, but it sends no one to a `javascript:`
 * or `data:` address, even by way of another server.
 */
export function destinationFrom(value: unknown): string | undefined {
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string' || value.length > DESTINATION_LIMIT || /[\u0000-\u001f\u007f]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? value : undefined;
}

/** Sends a page with its own content security policy; nothing of it is cached anywhere. */
function sendPage(reply: FastifyReply, status: number, page: Page): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', page.csp)
    .header('cache-control', 'no-store')
    .serializer((payload) => String(payload))
    .send(page.html);
}

/**
 * The EZproxy sign-in pages, outside the API (no session: the patron has none yet):
 * - `GET /ezproxy/:vendorId/login?url=…`: the card-and-PIN form, carrying the destination;
 * - `POST /ezproxy/:vendorId/login` (card, pin, url): a 303 to EZproxy's login address with `user`,
 *   `ticket` and `url`; a wrong card or PIN answers the form again (401), saying so and echoing nothing;
 * - `POST /ezproxy/:vendorId/cancel`: nothing is shared, a page says so.
 *
 * `throttle` is the per-address lock on failed card sign-ins beside each card's lockout (the profile's
 * `access.patron_login`, JC-IVa), as on the portal's log-in: a success gives its slot back.
 */
export function ezproxyRoutes(runtime: Runtime, throttle: AttemptThrottle): FastifyPluginAsync {
  return async (app) => {
    acceptForms(app);

    /** The page's words for a vendor, or undefined when it is not an enabled EZproxy instance. */
    const pageFor = async (vendorId: string) =>
      VENDOR_ID.test(vendorId) ? await run(runtime, CALLER, vendorSignInPage, { vendorId, protocol: 'ezproxy' }) : undefined;

    const formFor = (tr: Translator, vendorId: string, names: { vendorName: string; libraryName: string }, destination: string, problem?: 'wrong-card' | 'too-many') =>
      signInPage({
        ...names,
        action: `/ezproxy/${encodeURIComponent(vendorId)}/login`,
        cancel: `/ezproxy/${encodeURIComponent(vendorId)}/cancel`,
        hidden: { url: destination },
        ...(problem ? { problem } : {}),
      }, tr);

    app.get<{ Params: { vendorId: string }; Querystring: Record<string, unknown> }>('/ezproxy/:vendorId/login', { schema: { hide: true } }, async (request, reply) => {
      const { vendorId } = request.params;
      const names = await pageFor(vendorId);
      if (!names) return sendPage(reply, 404, messagePage('unavailable', pageWords(request)));
      const destination = destinationFrom(request.query.url);
      if (destination === undefined) return sendPage(reply, 400, messagePage('refused', pageWords(request)));
      return sendPage(reply, 200, formFor(pageWords(request), vendorId, names, destination));
    });

    app.post<{ Params: { vendorId: string } }>('/ezproxy/:vendorId/login', { schema: { hide: true } }, async (request, reply) => {
      const { vendorId } = request.params;
      const names = await pageFor(vendorId);
      if (!names) return sendPage(reply, 404, messagePage('unavailable', pageWords(request)));
      const destination = destinationFrom(field(request.body, 'url'));
      if (destination === undefined) return sendPage(reply, 400, messagePage('refused', pageWords(request)));

      const address = throttleKey(request.ip);
      const slot = throttle.take(address);
      if (slot === undefined) return sendPage(reply, 429, formFor(pageWords(request), vendorId, names, destination, 'too-many'));
      try {
        // Its own transaction, which commits a failure's count before the refusal is thrown (runAttempt).
        const { patronId } = await runAttempt(runtime, CALLER, attemptVendorSignIn, { vendorId, protocol: 'ezproxy', cardNumber: field(request.body, 'card'), pin: field(request.body, 'pin') });
        throttle.forgive(address, slot);
        const location = await run(runtime, CALLER, ezproxyRedirect, { patronId, vendorId, destination });
        return reply.status(303).header('location', location).header('cache-control', 'no-store').send();
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.code === ErrorCode.INVALID_CREDENTIALS) return sendPage(reply, 401, formFor(pageWords(request), vendorId, names, destination, 'wrong-card'));
        // Not a guess at a card: the slot goes back.
        throttle.forgive(address, slot);
        if (error.code === ErrorCode.VENDOR_NOT_FOUND) return sendPage(reply, 404, messagePage('unavailable', pageWords(request)));
        if (error.code === ErrorCode.STORAGE_BUSY || error.code === ErrorCode.DATABASE_UNAVAILABLE) {
          reply.header('retry-after', error.code === ErrorCode.STORAGE_BUSY ? '1' : '2');
          return sendPage(reply, 503, messagePage('refused', pageWords(request)));
        }
        return sendPage(reply, 400, messagePage('refused', pageWords(request)));
      }
    });

    app.post<{ Params: { vendorId: string } }>('/ezproxy/:vendorId/cancel', { schema: { hide: true } }, async (request, reply) => sendPage(reply, 200, messagePage('refused', pageWords(request))));
  };
}
