/**
 * Vendors' single sign-on over OpenID Connect (issue 19), end to end: a real relying party
 * (`openid-client`) runs the authorization code flow with PKCE against a listening Carrel, a simulated
 * browser gives the card and PIN on Carrel's pages, and the tokens are checked against the published keys.
 * RF-6 (only the fact of a patron), CB-D and IF-9 (restricted access, nothing about use), RF-7 (cookies
 * only for log-in).
 */
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, START } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { BrowserSim, formAction } from '../../test/browser-sim.js';
import { ManualClock } from '../domain/clock.js';
import { SYSTEM, type Actor } from '../policy/actors.js';
import { keyStoreTargetFor, openKeyStore } from '../storage/key-store.js';
import { setConsent } from '../storage/vendor.repository.js';
import { randomKey } from '../vault/cipher.js';
import { Keyring } from '../vault/keyring.js';
import { Vault } from '../vault/vault.js';
import { run, type Runtime, type UseCase } from '../usecases/context.js';
import { oidcKeys, oidcKeysVersion, rotateOidcKeys } from '../usecases/oidc.usecases.js';
import { setPatronStatus } from '../usecases/patron.usecases.js';
import { deletePatron } from '../usecases/patron-deletion.usecases.js';
import { createVendor, listMyVendors, revokeMyVendor } from '../usecases/vendor.usecases.js';
import type { World } from '../../test/factories.js';

/** Claims every ID token carries for the protocol's sake; everything else is what the vendor was told. */
const PROTOCOL_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nonce', 'auth_time', 'at_hash', 'c_hash', 's_hash', 'sid', 'azp', 'acr', 'amr']);
const told = (claims: Record<string, unknown>) => Object.fromEntries(Object.entries(claims).filter(([k]) => !PROTOCOL_CLAIMS.has(k)));

const CALLBACK = 'https://ebooks.example.net/callback';

for (const engine of ENGINES) {
  describe(`OpenID Connect sign-on for vendors (${engine})`, () => {
    let database: TestDatabase;
    let w: World;
    let server: TestServer;
    let issuer: string;
    const logs: string[] = [];
    // The key ring the vault reads: swapped by the KEK rotation test.
    const firstKek = randomKey();
    let ring = new Keyring([firstKek], { kind: 'env' });

    const act = <I, O>(useCase: UseCase<I, O>, input: I, actor: Actor = SYSTEM) => run(w.runtime, { actor, purpose: 'administration', channel: 'cli' }, useCase, input);

    beforeAll(async () => {
      database = await freshDatabase(engine);
      const clock = new ManualClock(START);
      const store = await openKeyStore(keyStoreTargetFor(database.target));
      database.onDrop(store.close);
      const vault = await Vault.open({ keyring: () => ring, store, now: clock.now() });
      const runtime: Runtime = { db: database.db, clock, vault };
      w = { runtime, clock, act: (useCase, input, options = {}) => run(runtime, { actor: options.actor ?? SYSTEM, purpose: options.purpose ?? 'circulation', channel: 'cli' }, useCase, input) };
      server = await startServer(w, { onLog: (line) => logs.push(line) });
      issuer = `${server.base}/oidc`;
    });
    afterAll(async () => {
      await server?.close();
      await database?.drop();
    });

    /** A relying party for a vendor: openid-client's configuration from Carrel's discovery document. */
    async function relyingParty(vendor: { id: string }, secret: string) {
      return client.discovery(new URL(issuer), vendor.id, secret, undefined, { execute: [client.allowInsecureRequests] });
    }

    /**
     * One sign-in: the vendor sends the browser to Carrel, the patron gives card and PIN (and answers the
     * consent page with `consent` when it is shown), Carrel sends the browser back with a code, the vendor
     * exchanges it. Answers the tokens, or the page the browser was left on when no code came back.
     */
    async function signIn(
      config: client.Configuration,
      browser: BrowserSim,
      patron: { cardNumber: string; pin: string },
      options: { scope?: string; consent?: string[]; exchange?: boolean } = {},
    ) {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const start = client.buildAuthorizationUrl(config, {
        redirect_uri: CALLBACK,
        scope: options.scope ?? 'openid library',
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      let page = await browser.follow(start.href, {}, CALLBACK);
      if (page.status === 200 && page.text.includes('name="pin"')) page = await browser.follow(formAction(page, '/login'), { form: { card: patron.cardNumber, pin: patron.pin } }, CALLBACK);
      const consentShown = page.status === 200 && page.text.includes('name="claim"');
      if (consentShown) page = await browser.follow(formAction(page, '/consent'), { form: { claim: options.consent ?? [] } }, CALLBACK);
      if (!page.location?.startsWith(CALLBACK)) return { tokens: undefined, page, consentShown };
      if (options.exchange === false) return { tokens: undefined, page, consentShown, redeem: () => client.authorizationCodeGrant(config, new URL(page.location as string), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }) };
      const tokens = await client.authorizationCodeGrant(config, new URL(page.location), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
      return { tokens, page, consentShown };
    }

    it('publishes a code-flow-only provider: PKCE S256, pairwise subjects, no implicit flow, no refresh tokens', async () => {
      const answer = await fetch(`${issuer}/.well-known/openid-configuration`);
      expect(answer.status).toBe(200);
      const discovery = (await answer.json()) as Record<string, unknown>;
      expect(discovery.issuer).toBe(issuer);
      expect(discovery.response_types_supported).toEqual(['code']);
      expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
      expect(discovery.subject_types_supported).toEqual(['pairwise']);
      expect(discovery.grant_types_supported).not.toContain('refresh_token');
      expect(discovery.grant_types_supported).not.toContain('implicit');
      const jwks = (await (await fetch(discovery.jwks_uri as string)).json()) as { keys: Record<string, unknown>[] };
      expect(jwks.keys.length).toBeGreaterThan(0);
      // Public halves only.
      for (const key of jwks.keys) for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(secret);
    });

    it('signs a patron in: the ID token verifies with the published keys, and tells the vendor only sub and library (RF-6)', async () => {
      const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
      const patron = await buildPatron(w, { libraryId: library.id });
      const { vendor, secret } = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'E-books', redirectUris: [CALLBACK] });
      const config = await relyingParty(vendor, secret);
      const browser = new BrowserSim();
      const { tokens, consentShown } = await signIn(config, browser, patron);
      expect(consentShown).toBe(false);
      expect(tokens).toBeDefined();
      const idToken = tokens!.id_token as string;
      const verified = await jwtVerify(idToken, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: vendor.id });
      expect(verified.protectedHeader.alg).toBe('RS256');
      expect(Object.keys(told(verified.payload)).sort()).toEqual(['library', 'sub']);
      expect(verified.payload.library).toBe(library.id);
      const sub = verified.payload.sub as string;
      expect(sub).not.toContain(patron.cardNumber);
      expect(sub).not.toBe(patron.id);
      const userinfo = await client.fetchUserInfo(config, tokens!.access_token, sub);
      expect(told(userinfo)).toEqual({ sub, library: library.id });

      // The session cookie is scoped to /oidc and ends with the browser (RF-7).
      const session = browser.cookies.find((c) => c.name === 'carrel_oidc_session');
      expect(session?.path).toBe('/oidc');

      // Recorded: the vendor was told (access log), the patron sees the vendor, the month's count.
      const entries = await database.db.selectFrom('access_log').selectAll().where('patron_id', '=', patron.id).where('action', '=', 'vendor-sign-in').execute();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ actor_kind: 'vendor', actor_id: `vendor:${vendor.id}`, purpose: 'authentication' });
      const mine = await act(listMyVendors, {}, { kind: 'patron', id: patron.id, libraryId: library.id });
      expect(mine.map((v) => v.vendorName)).toEqual(['E-books']);
      const count = await database.db.selectFrom('vendor_sign_in_counts').selectAll().where('vendor_id', '=', vendor.id).executeTakeFirst();
      expect(Number(count?.count)).toBe(1);

      // No token, log line or address carries the card number, the PIN or the name.
      // Every factory patron's name starts so (test/factories.ts), this one's too.
      const name = 'Pat Marker';
      const everything = [idToken, tokens!.access_token, JSON.stringify(userinfo), ...browser.visited, ...logs].join('\n');
      // A PIN is a few digits: it is looked for as a number of its own, not inside a timestamp or a token
      // (a log line's time 1796696974417 holds 669697, and so could a random PIN).
      const appears = (secret: string) => (/^\d+$/.test(secret) ? new RegExp(`(?<![0-9A-Za-z.])${secret}(?![0-9A-Za-z])`).test(everything) : everything.includes(secret));
      for (const secretText of [patron.cardNumber, patron.pin, name]) expect(appears(secretText), secretText).toBe(false);
    });

    it('gives one patron two unlinkable subjects at two vendors, and the same one at a vendor every time, across a KEK rotation', async () => {
      const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
      const patron = await buildPatron(w, { libraryId: library.id });
      const a = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'Vendor A', redirectUris: [CALLBACK] });
      const b = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'Vendor B', redirectUris: [CALLBACK] });
      const rpA = await relyingParty(a.vendor, a.secret);
      const rpB = await relyingParty(b.vendor, b.secret);
      const subOf = async (rp: client.Configuration) => (await signIn(rp, new BrowserSim(), patron)).tokens!.claims()!.sub;
      const first = await subOf(rpA);
      const atB = await subOf(rpB);
      expect(atB).not.toBe(first);
      expect(await subOf(rpA)).toBe(first);

      // A new KEK: every data key rewrapped, the old KEK gone. The pseudonym is unchanged.
      const secondKek = randomKey();
      ring = new Keyring([secondKek, firstKek], { kind: 'env' });
      await w.runtime.vault.rewrapAll();
      ring = new Keyring([secondKek], { kind: 'env' });
      expect(await subOf(rpA)).toBe(first);
      expect(await subOf(rpB)).toBe(atB);
    });

    it('asks consent for a claim beyond sub and library, releases only what the patron agreed to, and withholds it again after revocation', async () => {
      const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
      const patron = await buildPatron(w, { libraryId: library.id, email: 'reader@example.org' });
      const { vendor, secret } = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'Databases', redirectUris: [CALLBACK], claims: ['category', 'email'] });
      const rp = await relyingParty(vendor, secret);
      const scope = 'openid library category email';
      const patronActor: Actor = { kind: 'patron', id: patron.id, libraryId: library.id };

      // First visit: the consent page; the patron shares their category, not their email.
      const first = await signIn(rp, new BrowserSim(), patron, { scope, consent: ['category'] });
      expect(first.consentShown).toBe(true);
      expect(first.page.text).not.toContain(patron.cardNumber);
      expect(told(first.tokens!.claims()!)).toEqual({ sub: expect.any(String), library: library.id, category: 'adult' });
      // Both answers are the patron's to see (the portal, their export).
      const [answered] = await act(listMyVendors, {}, patronActor);
      expect([answered?.consentedClaims, answered?.declinedClaims]).toEqual([['category'], ['email']]);

      // Next visit, in a new browser session: not asked again (they answered both), told the same.
      const second = await signIn(rp, new BrowserSim(), patron, { scope, consent: [] });
      expect(second.consentShown).toBe(false);
      expect(told(second.tokens!.claims()!)).toEqual({ sub: expect.any(String), library: library.id, category: 'adult' });

      // Revoked in the portal: the vendor's tokens die, and nothing beyond the fact of a patron goes until asked again.
      const userinfoBefore = await client.fetchUserInfo(rp, second.tokens!.access_token, second.tokens!.claims()!.sub);
      expect(userinfoBefore.category).toBe('adult');
      await act(revokeMyVendor, { vendorId: vendor.id }, patronActor);
      await expect(client.fetchUserInfo(rp, second.tokens!.access_token, second.tokens!.claims()!.sub)).rejects.toThrow();
      const third = await signIn(rp, new BrowserSim(), patron, { scope, consent: [] });
      expect(third.consentShown).toBe(true);
      expect(told(third.tokens!.claims()!)).toEqual({ sub: expect.any(String), library: library.id });
    });

    it('releases no claim beyond sub and library under ridgefield-ct, whatever the contract or a consent on record (RF-6)', async () => {
      const { library } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
      const patron = await buildPatron(w, { libraryId: library.id });
      const { vendor, secret } = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'Streaming', redirectUris: [CALLBACK], claims: ['category', 'name', 'email'] });
      expect(vendor.withheldClaims).toEqual(['category', 'name', 'email']);
      expect(vendor.clause).toBe('RF-6');
      // A consent on record (as if given before the policy changed) changes nothing.
      await setConsent(database.db, patron.id, vendor.id, ['category', 'name', 'email'], w.clock.now().toISOString());
      const rp = await relyingParty(vendor, secret);
      const { tokens, consentShown } = await signIn(rp, new BrowserSim(), patron, { scope: 'openid library category profile email' });
      expect(consentShown).toBe(false);
      expect(told(tokens!.claims()!)).toEqual({ sub: expect.any(String), library: library.id });
      const userinfo = await client.fetchUserInfo(rp, tokens!.access_token, tokens!.claims()!.sub);
      expect(told(userinfo)).toEqual({ sub: tokens!.claims()!.sub, library: library.id });
    });

    it('refuses a lost, blocked or expired card and a locked one, with one answer, and another library’s card', async () => {
      const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
      const other = await buildLibrary(w, { profileId: 'carlsbad-nm' });
      const { vendor, secret } = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'Music', redirectUris: [CALLBACK] });
      const rp = await relyingParty(vendor, secret);
      const refusedPage = async (patron: { cardNumber: string; pin: string }) => {
        const { tokens, page } = await signIn(rp, new BrowserSim(), patron);
        expect(tokens).toBeUndefined();
        expect(page.status).toBe(401);
        expect(page.text).toContain('The card number or PIN is wrong');
        expect(page.text).not.toContain(patron.cardNumber);
        return page;
      };
      for (const status of ['card-lost', 'blocked', 'expired'] as const) {
        const patron = await buildPatron(w, { libraryId: library.id });
        await act(setPatronStatus, { patronId: patron.id, status });
        await refusedPage(patron);
      }
      await refusedPage(await buildPatron(w, { libraryId: other.library.id }));
      // Five wrong PINs (carlsbad's lockout) and the right one is refused too.
      const locked = await buildPatron(w, { libraryId: library.id });
      for (let i = 0; i < 5; i++) await refusedPage({ cardNumber: locked.cardNumber, pin: '0000000' });
      await refusedPage(locked);
    });

    it('lets a second patron sign in on a browser where another is signed in, ending the first one’s session', async () => {
      const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
      const first = await buildPatron(w, { libraryId: library.id });
      const second = await buildPatron(w, { libraryId: library.id });
      const { vendor, secret } = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'Shared computer', redirectUris: [CALLBACK] });
      const rp = await relyingParty(vendor, secret);
      const browser = new BrowserSim();
      const a = (await signIn(rp, browser, first)).tokens!.claims()!.sub;
      // The vendor asks for a fresh log-in (a "not you?" link); the second patron gives their card.
      const verifier = client.randomPKCECodeVerifier();
      const start = client.buildAuthorizationUrl(rp, { redirect_uri: CALLBACK, scope: 'openid library', prompt: 'login', state: 's2', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const form = await browser.follow(start.href, {}, CALLBACK);
      expect(form.text).toContain('name="pin"');
      const accepted = await browser.request(formAction(form, '/login'), { form: { card: second.cardNumber, pin: second.pin } });
      // The provider ends the first session with a page that posts its form by itself: its one script
      // is allowed by its hash, and nothing else may run.
      const ending = await browser.request(accepted.location as string);
      expect(ending.text).toContain('document.forms[0].submit()');
      expect(ending.headers.get('content-security-policy')).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
      const back = await browser.follow(ending.url, {}, CALLBACK);
      expect(back.location?.startsWith(CALLBACK), `${back.status} ${back.url} ${back.text.slice(0, 400)}`).toBe(true);
      const tokens = await client.authorizationCodeGrant(rp, new URL(back.location as string), { pkceCodeVerifier: verifier, expectedState: 's2' });
      const b = tokens.claims()!.sub;
      expect(b).not.toBe(a);
      // The first patron's session is over: nothing the provider keeps names them.
      const kept = await database.db.selectFrom('oidc_store').select(['model', 'payload']).where('model', '=', 'Session').execute();
      expect(kept.filter((r) => r.payload.includes(first.id))).toEqual([]);
    });

    it('forgets a patron deleted half-way through their first sign-in: the interaction holding their log-in goes too', async () => {
      const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
      const patron = await buildPatron(w, { libraryId: library.id });
      const { vendor, secret } = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'Half-way', redirectUris: [CALLBACK] });
      const rp = await relyingParty(vendor, secret);
      const browser = new BrowserSim();
      const start = client.buildAuthorizationUrl(rp, { redirect_uri: CALLBACK, scope: 'openid library', code_challenge: 'b'.repeat(43), code_challenge_method: 'S256' });
      const form = await browser.follow(start.href);
      // The card and PIN accepted; the browser stops before the provider resumes.
      const accepted = await browser.request(formAction(form, '/login'), { form: { card: patron.cardNumber, pin: patron.pin } });
      expect(accepted.status).toBe(303);
      await act(deletePatron, { patronId: patron.id });
      const kept = await database.db.selectFrom('oidc_store').select(['model', 'payload']).execute();
      expect(kept.filter((r) => r.payload.includes(patron.id)).map((r) => r.model)).toEqual([]);
    });

    it('refuses an authorization code used twice at once: one request gets tokens, the other invalid_grant', async () => {
      const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
      const patron = await buildPatron(w, { libraryId: library.id });
      const { vendor, secret } = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'Race', redirectUris: [CALLBACK] });
      const rp = await relyingParty(vendor, secret);
      const pending = await signIn(rp, new BrowserSim(), patron, { exchange: false });
      const outcomes = await Promise.allSettled([pending.redeem!(), pending.redeem!()]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    });

    it('never authenticates a deleted patron again, even with a live session and a code already issued', async () => {
      const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
      const patron = await buildPatron(w, { libraryId: library.id });
      const { vendor, secret } = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'Courses', redirectUris: [CALLBACK] });
      const rp = await relyingParty(vendor, secret);
      const browser = new BrowserSim();
      const { tokens } = await signIn(rp, browser, patron);
      expect(tokens).toBeDefined();
      const pending = await signIn(rp, browser, patron, { exchange: false });
      expect(pending.redeem).toBeDefined();
      // Left half-way: an interaction naming the patron (a sign-in to another vendor, not finished).
      const other = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'Courses 2', redirectUris: [CALLBACK], claims: ['category'] });
      const otherRp = await relyingParty(other.vendor, other.secret);
      const consentPage = await browser.follow(
        client.buildAuthorizationUrl(otherRp, { redirect_uri: CALLBACK, scope: 'openid library category', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' }).href,
      );
      expect(consentPage.text).toContain('name="claim"');
      await act(deletePatron, { patronId: patron.id });
      // Nothing the provider keeps names them any more: sessions, grants, codes, tokens, interactions.
      const kept = await database.db.selectFrom('oidc_store').select(['model', 'payload']).execute();
      expect(kept.filter((r) => r.payload.includes(patron.id)).map((r) => r.model)).toEqual([]);
      // The code issued before the deletion is worth nothing now.
      await expect(pending.redeem!()).rejects.toThrow();
      // The same browser, its session cookie still there: no code, the sign-in page again.
      const again = await signIn(rp, browser, { cardNumber: '', pin: '' });
      expect(again.tokens).toBeUndefined();
      await expect(client.fetchUserInfo(rp, tokens!.access_token, tokens!.claims()!.sub)).rejects.toThrow();
      const retry = await signIn(rp, new BrowserSim(), patron);
      expect(retry.tokens).toBeUndefined();
    });

    it('refuses an authorization request without PKCE, and the implicit flow', async () => {
      const { library } = await buildLibrary(w);
      const { vendor } = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'No PKCE', redirectUris: [CALLBACK] });
      const base = `${issuer}/auth?client_id=${vendor.id}&redirect_uri=${encodeURIComponent(CALLBACK)}&scope=openid&state=s1`;
      const withoutPkce = await new BrowserSim().request(`${base}&response_type=code`);
      expect(withoutPkce.location).toContain('error=invalid_request');
      const implicit = await new BrowserSim().request(`${base}&response_type=id_token&nonce=n&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`);
      expect(implicit.location ?? implicit.text).toMatch(/unsupported_response_type|invalid_request/);
    });

    it('answers bad input to the provider and its pages with a 4xx and no trace, and changes nothing', async () => {
      const { library } = await buildLibrary(w);
      const { vendor } = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'Bad input', redirectUris: [CALLBACK] });
      const browser = new BrowserSim();
      const answers = [
        await browser.request(`${issuer}/token`, { form: { grant_type: 'authorization_code', code: 'x'.repeat(5000), redirect_uri: CALLBACK } }),
        await browser.request(`${issuer}/token`, { method: 'POST' }),
        await browser.request(`${issuer}/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(CALLBACK)}`),
        await browser.request(`${issuer}/auth?client_id=${vendor.id}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://elsewhere.example/')}`),
        await browser.request(`${issuer}/interaction/no-such-interaction`),
        await browser.request(`${issuer}/interaction/no-such-interaction/login`, { form: { card: '1', pin: '1' } }),
        await browser.request(`${issuer}/interaction/no-such-interaction/consent`, { form: { claim: ['name'] } }),
        await browser.request(`${issuer}/userinfo`),
        await browser.request(`${issuer}/interaction/x/login`, { form: { card: 'x'.repeat(10_000) } }),
      ];
      for (const answer of answers) {
        expect(answer.status, answer.url.slice(0, 80)).toBeGreaterThanOrEqual(400);
        expect(answer.status, answer.url.slice(0, 80)).toBeLessThan(500);
        expect(answer.text).not.toMatch(/\n\s+at \S+ \(/);
      }
      // No sign-in was recorded for any of them.
      const counted = await database.db.selectFrom('vendor_sign_in_counts').selectAll().where('vendor_id', '=', vendor.id).execute();
      expect(counted).toEqual([]);
    });

    it('signs with a new key after a rotation while tokens signed by the old one still verify', async () => {
      const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
      const patron = await buildPatron(w, { libraryId: library.id });
      const { vendor, secret } = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'Magazines', redirectUris: [CALLBACK] });
      const rp = await relyingParty(vendor, secret);
      const before = (await signIn(rp, new BrowserSim(), patron)).tokens!.id_token as string;
      const rotated = await act(rotateOidcKeys, {});
      // Servers look for new keys once a minute.
      w.clock.advanceMinutes(2);
      const after = (await signIn(rp, new BrowserSim(), patron)).tokens!.id_token as string;
      const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`));
      const old = await jwtVerify(before, keys, { issuer });
      const fresh = await jwtVerify(after, keys, { issuer });
      expect(fresh.protectedHeader.kid).toBe(rotated.kid);
      expect(old.protectedHeader.kid).not.toBe(rotated.kid);
      // A day later the old key is no longer published, and the version servers compare says the same
      // (else every server would rebuild its provider at every check).
      w.clock.advanceMinutes(25 * 60);
      const keys25h = await act(oidcKeys, {});
      expect(keys25h.signing.map((k) => k.kid)).toEqual([rotated.kid]);
      expect(await act(oidcKeysVersion, {})).toBe(keys25h.version);
    });

    it('signs a patron in from the example relying party in examples/', async () => {
      const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm' });
      const patron = await buildPatron(w, { libraryId: library.id });
      // A port the system has just handed out and taken back (a random one could be another test's)
      const port = await freePort();
      const callback = `http://127.0.0.1:${port}/callback`;
      const { vendor, secret } = await act(createVendor, { libraryId: library.id, protocol: 'oidc', name: 'Example', redirectUris: [callback] });
      const child = spawn(process.execPath, ['examples/oidc-relying-party.mjs', '--once'], {
        env: { ...process.env, CARREL_ISSUER: issuer, CLIENT_ID: vendor.id, CLIENT_SECRET: secret, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const lines = createInterface({ input: child.stdout });
      const output: string[] = [];
      const errors: string[] = [];
      child.stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      // Ready when it says where to open it; an example that ends first fails the test with what it said
      const ready = new Promise<void>((resolve, reject) => {
        lines.on('line', (line) => (output.push(line), line.startsWith('Open ') && resolve()));
        void exited.then((code) => reject(new Error(`the example relying party ended (${code}) before it was ready:\n${errors.join('')}`)));
      });
      await ready;
      const browser = new BrowserSim();
      let page = await browser.follow(`http://127.0.0.1:${port}/`);
      page = await browser.follow(formAction(page, '/login'), { form: { card: patron.cardNumber, pin: patron.pin } });
      expect(page.status).toBe(200);
      expect(page.text).toContain('Signed in.');
      expect(await exited).toBe(0);
      const signedIn = output.find((l) => l.startsWith('signed in: '));
      const claims = JSON.parse((signedIn as string).slice('signed in: '.length)) as { idToken: Record<string, unknown> };
      expect(told(claims.idToken)).toEqual({ sub: expect.any(String), library: library.id });
    });
  });
}

/** A port nothing listens on now: the system's choice, let go at once for the child to take. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
