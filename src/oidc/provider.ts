/**
 * Carrel's OpenID Connect provider (issue 19), built on `oidc-provider` (a certified implementation: the
 * protocol is not written here). What Carrel decides:
 * - the authorization code flow only, PKCE (S256) required of every client, no implicit flow, no
 *   refresh tokens;
 * - every client is a vendor of `vendors`, with pairwise subjects: the `sub` a vendor sees is the
 *   patron's pseudonym for that vendor (`vendorSubject`), never the card number or the patron's id;
 * - claims by contract, profile and consent (`vendorAccount`), read afresh for every token, so a
 *   revocation or a deleted patron takes effect at once;
 * - its artefacts live in the database (`oidc_store`) through use cases, its keys sealed in the vault;
 * - its cookies are scoped to /oidc and last the browser session (RF-7: cookies only for log-in).
 */
import type { Runtime } from '../usecases/context.js';
import { run, type Caller } from '../usecases/context.js';
import { CLAIM_SCOPE, consumeArtefact, destroyArtefact, findArtefact, oidcClient, oidcKeys, revokeGrant, saveArtefact } from '../usecases/oidc.usecases.js';
import { vendorAccount, vendorSubject } from '../usecases/vendor-sign-in.usecases.js';
import { SYSTEM } from '../policy/actors.js';
import { messagePage, signOutPage, type Page } from './pages.js';
import { requestLanguage, translator } from '../i18n/messages.js';
import type { Translator } from '../domain/translator.js';

/** The words of a page the provider answers itself, in the language the browser asks for. */
const providerWords = (ctx: { get(header: string): string }): Translator => translator(requestLanguage(ctx.get('accept-language')));

// oidc-provider's own types are loose (`any` in places); Carrel uses a narrow view of what it calls.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/** How long each thing lasts, in seconds (an installation sets the session's with CARREL_OIDC_SESSION_MINUTES). */
export interface OidcLifetimes {
  sessionSeconds: number;
}

export const DEFAULT_LIFETIMES: OidcLifetimes = { sessionSeconds: 30 * 60 };

/** The provider's caller: the system, for authentication, over HTTP (the access log names the vendor where a patron is read). */
const CALLER: Caller = { actor: SYSTEM, purpose: 'authentication', channel: 'http' };

/**
 * Loads oidc-provider. It warns on import that it prefers Node 22; Carrel runs it on Node 20 (its own
 * tests pass there), so that one warning is not printed at every start.
 */
async function loadProviderModule(): Promise<Any> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
    warn(...args);
  };
  try {
    return await import('oidc-provider');
  } finally {
    console.warn = warn;
  }
}

/** The provider's storage: every model in `oidc_store` through use cases, except clients, which are the vendors. */
function adapterFor(runtime: Runtime, errors: Any) {
  const call = <I, O>(useCase: (ctx: Any, input: I) => Promise<O>, input: I) => run(runtime, CALLER, useCase, input);
  return class CarrelAdapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: Record<string, unknown>, expiresIn: number): Promise<void> {
      await call(saveArtefact, { model: this.model, id, payload, expiresIn });
    }

    async find(id: string): Promise<Record<string, unknown> | undefined> {
      if (this.model === 'Client') return call(oidcClient, { clientId: id });
      return call(findArtefact, { model: this.model, id });
    }

    async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
      return call(findArtefact, { model: this.model, uid });
    }

    async findByUserCode(): Promise<undefined> {
      return undefined; // the device flow is off
    }

    async consume(id: string): Promise<void> {
      // Marked used only if it was not already: of two token requests racing with one code (two
      // processes), one wins and the other is refused as a reused grant.
      if (!(await call(consumeArtefact, { model: this.model, id }))) throw new errors.InvalidGrant('grant request is invalid');
    }

    async destroy(id: string): Promise<void> {
      await call(destroyArtefact, { model: this.model, id });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await call(revokeGrant, { grantId });
    }
  };
}

/** Answers one of Carrel's pages from inside the provider. */
function sendProviderPage(ctx: Any, page: Page): void {
  ctx.type = 'html';
  ctx.set('content-security-policy', page.csp);
  ctx.body = page.html;
}

/** A built provider and the version of the keys it was built with. */
export interface BuiltProvider {
  provider: Any;
  keysVersion: string;
}

/**
 * Builds the provider for an issuer (`https://library.example.org/oidc`). Its keys are read (and, on
 * the first start, made) through `oidcKeys`.
 */
export async function buildProvider(runtime: Runtime, options: { issuer: string; proxy: boolean; lifetimes?: OidcLifetimes }): Promise<BuiltProvider> {
  const { default: Provider, interactionPolicy, errors } = await loadProviderModule();
  const keys = await run(runtime, CALLER, oidcKeys, {});
  const lifetimes = options.lifetimes ?? DEFAULT_LIFETIMES;
  const call = <I, O>(useCase: (ctx: Any, input: I) => Promise<O>, input: I) => run(runtime, CALLER, useCase, input);

  // A session whose patron was deleted, or whose card stopped, signs in again (and cannot).
  const policy = interactionPolicy.base();
  policy
    .get('login')
    .checks.add(
      new interactionPolicy.Check('account_unavailable', 'The patron can no longer sign in', (ctx: Any) =>
        ctx.oidc.session.accountId && !ctx.oidc.account ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT,
      ),
    );

  const configuration: Any = {
    adapter: adapterFor(runtime, errors),
    jwks: { keys: keys.signing },
    cookies: {
      keys: keys.cookieKeys,
      long: { httpOnly: true, sameSite: 'lax', path: '/oidc' },
      short: { httpOnly: true, sameSite: 'lax', path: '/oidc' },
      names: { session: 'carrel_oidc_session', interaction: 'carrel_oidc_interaction', resume: 'carrel_oidc_resume' },
    },
    responseTypes: ['code'],
    pkce: { required: () => true },
    subjectTypes: ['pairwise'],
    scopes: ['openid', 'library', ...new Set(Object.values(CLAIM_SCOPE))],
    claims: { openid: ['sub'], library: ['library'], category: ['category'], age_band: ['age_band'], profile: ['name'], email: ['email'] },
    // The claims a vendor may have go in the ID token itself: most vendors read nothing else.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: false },
      // A vendor may sign the patron out; and a second patron signing in on a browser where another is
      // signed in ends the first one's session this way (the provider posts the form itself).
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: Any, form: string) => sendProviderPage(ctx, signOutPage(form, providerWords(ctx))),
        postLogoutSuccessSource: async (ctx: Any) => sendProviderPage(ctx, messagePage('signed-out', providerWords(ctx))),
      },
      registration: { enabled: false },
    },
    clientDefaults: { grant_types: ['authorization_code'], response_types: ['code'], id_token_signed_response_alg: 'RS256', token_endpoint_auth_method: 'client_secret_basic' },
    ttl: {
      AccessToken: 10 * 60,
      AuthorizationCode: 60,
      IdToken: 10 * 60,
      Interaction: 15 * 60,
      Session: lifetimes.sessionSeconds,
      Grant: lifetimes.sessionSeconds,
    },
    interactions: { policy, url: (_ctx: Any, interaction: Any) => `/oidc/interaction/${interaction.uid}` },
    async findAccount(ctx: Any, accountId: string) {
      const clientId: string | undefined = ctx.oidc?.client?.clientId;
      if (!clientId) return undefined;
      const claims = await call(vendorAccount, { patronId: accountId, vendorId: clientId });
      if (!claims) return undefined;
      return { accountId, claims: async () => ({ sub: accountId, ...claims }) };
    },
    async pairwiseIdentifier(_ctx: Any, accountId: string, client: Any) {
      const sub = await call(vendorSubject, { patronId: accountId, vendorId: client.clientId as string });
      if (!sub) throw new Error('the patron can no longer sign in');
      return sub;
    },
    async renderError(ctx: Any, _out: unknown, _error: unknown) {
      // Never the error's text: it may quote a parameter. The vendor gets the protocol's error when it can.
      sendProviderPage(ctx, messagePage('expired', providerWords(ctx)));
    },
    // The provider's own pages are off (the interactions are Carrel's), and nothing is loaded from elsewhere.
    discovery: { service_documentation: undefined },
  };
  const provider = new Provider(options.issuer, configuration);
  provider.proxy = options.proxy;
  return { provider, keysVersion: keys.version };
}
