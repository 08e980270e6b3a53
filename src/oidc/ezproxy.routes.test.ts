import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, world, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { ezproxyTicket, signInMonth, verifyEzproxyTicket } from '../domain/vendors.js';
import { shippedProfilesDir, profiles } from '../profile/profiles.js';
import * as vendorStore from '../storage/vendor.repository.js';
import { setPatronStatus } from '../usecases/patron.usecases.js';
import { vendorSubject } from '../usecases/vendor-sign-in.usecases.js';
import { createVendor, setVendorDisabled } from '../usecases/vendor.usecases.js';
import { translator } from '../i18n/messages.js';

/** The sign-in pages' English words (a browser that asks for no language gets English). */
const en = translator('en');

/**
 * EZproxy's ticket sign-in over real HTTP, on every engine (issue 19): the patron signs in with card and
 * PIN on Carrel's page and is sent to EZproxy with a ticket that verifies under the shared secret (with
 * the domain's check and with the standalone verifier the README documents), carrying a pseudonym for
 * that EZproxy instance alone (RF-6) and a group only where the profile lets vendors learn a category
 * unasked; a replayed or expired ticket is refused. A locked, lost, blocked or expired card, or another
 * library's, cannot sign in. The sign-in is recorded (access log, monthly count, the patron's
 * authorisation); a failed one is not. No log line, address or answer carries the card number or PIN.
 */

// An operator's profile that lets vendors learn the category unasked (access.vendors.attributes), loaded
// before anything reads the profiles, as `carrel start` loads CARREL_PROFILES_DIR. No shipped profile does.
const GROUPS_PROFILE = 'ezproxy-groups';
const profilesDir = mkdtempSync(join(tmpdir(), 'carrel-ezproxy-profiles-'));
writeFileSync(
  join(profilesDir, `${GROUPS_PROFILE}.yaml`),
  readFileSync(join(shippedProfilesDir(), 'strict-default.yaml'), 'utf8')
    .replace(/^id: strict-default$/m, `id: ${GROUPS_PROFILE}`)
    .replace(/^access:$/m, 'access:\n  vendors:\n    attributes: category-or-age-band\n    clause: IF-9'),
);
const savedProfilesDir = process.env.CARREL_PROFILES_DIR;
process.env.CARREL_PROFILES_DIR = profilesDir;
profiles();
if (savedProfilesDir === undefined) delete process.env.CARREL_PROFILES_DIR;
else process.env.CARREL_PROFILES_DIR = savedProfilesDir;

/** The standalone verifier shipped in examples/ (no Carrel code), as the README documents it. */
interface ExampleAnswer {
  ok: boolean;
  reason?: string;
  user?: string;
  groups?: string[];
  url?: string;
}
interface ExampleVerifier {
  verify(input: { user: string; ticket: string; now?: Date }): ExampleAnswer;
  verifyUrl(address: string, now?: Date): ExampleAnswer;
}
type ExampleModule = { TicketVerifier: new (options: { secret: string; digest?: string; timeValidMinutes?: number }) => ExampleVerifier };
const EXAMPLE = fileURLToPath(new URL('../../examples/ezproxy-verify.mjs', import.meta.url));
const example = (): Promise<ExampleModule> => import(EXAMPLE) as Promise<ExampleModule>;

const LOGIN_URL = 'https://ezproxy.example.org/login';
const DESTINATION = 'https://journals.example.com/search?q=tides&lang=en';

interface Posted {
  status: number;
  location: string | null;
  text: string;
  headers: Headers;
}

describe.each(ENGINES)('EZproxy ticket sign-in on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;
  let otherLibraryId: string;
  let server: TestServer;
  const logLines: string[] = [];
  /** Every card number and PIN used, to look for afterwards in logs, addresses and answers. */
  const secrets: string[] = [];
  const seen: string[] = [];
  let proxy: { id: string; secret: string };
  let proxy2: { id: string; secret: string };
  let plainProxy: { id: string; secret: string };
  let oidcVendorId: string;

  const adult = async (library = libraryId, overrides: Record<string, string> = {}) => {
    const p = await buildPatron(w, { libraryId: library, ...overrides });
    secrets.push(p.cardNumber, p.pin);
    return p;
  };

  /** Posts the sign-in form as a browser does; the redirect is not followed. */
  const post = async (path: string, form: Record<string, string>, on: TestServer = server): Promise<Posted> => {
    const response = await fetch(`${on.base}${path}`, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' });
    const text = await response.text();
    const location = response.headers.get('location');
    seen.push(text, location ?? '');
    return { status: response.status, location, text, headers: response.headers };
  };
  const signIn = (vendorId: string, card: string, pin: string, url = DESTINATION, on: TestServer = server) => post(`/ezproxy/${vendorId}/login`, { card, pin, url }, on);
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.base}${path}`, { redirect: 'manual', headers });
    const text = await response.text();
    seen.push(text);
    return { status: response.status, text, headers: response.headers };
  };
  const ticketOf = (location: string | null) => {
    const url = new URL(location ?? '');
    return { base: `${url.origin}${url.pathname}`, user: url.searchParams.get('user') ?? '', ticket: url.searchParams.get('ticket') ?? '', url: url.searchParams.get('url') };
  };
  const signInEntries = async (patronId: string) =>
    database.db.selectFrom('access_log').select(['actor_kind', 'actor_id', 'purpose', 'channel', 'categories']).where('patron_id', '=', patronId).where('action', '=', 'vendor-sign-in').orderBy('seq').execute();
  const monthCount = async (vendorId: string) => {
    const month = signInMonth(w.clock.now(), 'America/Denver');
    return (await vendorStore.signInCounts(database.db, libraryId, month, month)).find((c) => c.vendorId === vendorId)?.count ?? 0;
  };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    libraryId = (await buildLibrary(w, { profileId: GROUPS_PROFILE })).library.id;
    otherLibraryId = (await buildLibrary(w)).library.id;
    const add = async (library: string, name: string) => {
      const made = await w.act(createVendor, { libraryId: library, protocol: 'ezproxy', name, loginUrl: LOGIN_URL, groups: { adult: 'General', juvenile: 'Young' } }, { purpose: 'administration' });
      return { id: made.vendor.id, secret: made.secret };
    };
    proxy = await add(libraryId, 'Main EZproxy');
    proxy2 = await add(libraryId, 'Law school EZproxy');
    plainProxy = await add(otherLibraryId, 'Other EZproxy');
    oidcVendorId = (await w.act(createVendor, { libraryId, protocol: 'oidc', name: 'Books Inc', redirectUris: ['https://books.example.com/cb'] }, { purpose: 'administration' })).vendor.id;
    server = await startServer(w, { onLog: (line) => logLines.push(line) });
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('shows the sign-in form with the destination carried, its own content security policy and no caching', async () => {
    const page = await get(`/ezproxy/${proxy.id}/login?url=${encodeURIComponent(DESTINATION)}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(page.text).toContain(`<form method="post" action="/ezproxy/${proxy.id}/login"`);
    expect(page.text).toContain(`<input type="hidden" name="url" value="${DESTINATION.replace(/&/g, '&amp;')}">`);
    expect(page.text).toContain('Main EZproxy');
    // Without a destination EZproxy shows its menu: the form still works
    expect((await get(`/ezproxy/${proxy.id}/login`)).status).toBe(200);
  });

  it('speaks the language the browser asks for: Spanish for es-MX, English for a language Carrel lacks', async () => {
    const spanish = await get(`/ezproxy/${proxy.id}/login?url=${encodeURIComponent(DESTINATION)}`, { 'accept-language': 'fr-CA, es-MX;q=0.8, en;q=0.5' });
    expect(spanish.status).toBe(200);
    expect(spanish.text).toContain('<html lang="es">');
    expect(spanish.text).toContain('Iniciar sesión en Main EZproxy');
    expect(spanish.text).toContain('Número de carné');
    expect(spanish.text).not.toContain('Card number');
    const other = await get(`/ezproxy/${proxy.id}/login`, { 'accept-language': 'de' });
    expect(other.text).toContain('<html lang="en">');
    expect(other.text).toContain('Sign in to Main EZproxy');
    const gone = await get(`/ezproxy/no-such-vendor/login`, { 'accept-language': 'es' });
    expect([gone.status, gone.text.includes('Este servicio no está disponible')]).toEqual([404, true]);
  });

  it('answers an unknown, disabled or non-EZproxy vendor with the "unavailable" page (404), and a bad destination with 400', async () => {
    for (const id of ['no-such-vendor', oidcVendorId, 'x'.repeat(150), 'a%20b']) {
      const page = await get(`/ezproxy/${id}/login?url=${encodeURIComponent(DESTINATION)}`);
      expect([page.status, page.text.includes(en.t('signin.unavailableTitle'))], id).toEqual([404, true]);
    }
    // A NUL in the address is refused before any page, as on every route (what neither engine can store, issue 22)
    const nul = await get(`/ezproxy/%00/login?url=${encodeURIComponent(DESTINATION)}`);
    expect([nul.status, JSON.parse(nul.text).error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const off = await w.act(createVendor, { libraryId, protocol: 'ezproxy', name: 'Retired EZproxy', loginUrl: LOGIN_URL }, { purpose: 'administration' });
    await w.act(setVendorDisabled, { libraryId, id: off.vendor.id, disabled: true }, { purpose: 'administration' });
    expect((await get(`/ezproxy/${off.vendor.id}/login`)).status).toBe(404);
    const posted = await post(`/ezproxy/${off.vendor.id}/login`, { card: '1', pin: '1', url: DESTINATION });
    expect(posted.status).toBe(404);

    for (const url of ['javascript:alert(1)', 'data:text/html,hi', 'not a url', `https://example.com/${'a'.repeat(2048)}`, 'https://example.com/\u0001']) {
      const page = await get(`/ezproxy/${proxy.id}/login?url=${encodeURIComponent(url)}`);
      expect([page.status, page.text.includes(en.t('signin.refusedTitle'))], url.slice(0, 30)).toEqual([400, true]);
    }
    expect((await get(`/ezproxy/${proxy.id}/login?url=https://a.example&url=https://b.example`)).status).toBe(400);
    const p = await adult();
    const bad = await signIn(proxy.id, p.cardNumber, p.pin, 'javascript:alert(1)');
    expect([bad.status, bad.location]).toEqual([400, null]);
    // Nothing was recorded for a refused destination
    expect(await signInEntries(p.id)).toEqual([]);
  });

  it('signs a patron in with a ticket that verifies under the shared secret, for a pseudonym of that instance alone', async () => {
    const p = await adult();
    const countBefore = await monthCount(proxy.id);
    // When the patron signs in on Carrel's page
    const answer = await signIn(proxy.id, p.cardNumber, p.pin);
    // Then the browser is sent to EZproxy with user, ticket and the destination
    expect(answer.status).toBe(303);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const sent = ticketOf(answer.location);
    expect(sent.base).toBe(LOGIN_URL);
    expect(sent.url).toBe(DESTINATION);
    // The user name is the patron's pseudonym for this instance: never the card number or the patron's id
    expect(sent.user).toBe(await w.act(vendorSubject, { patronId: p.id, vendorId: proxy.id }));
    expect(sent.user).not.toContain(p.cardNumber);
    expect(sent.user).not.toContain(p.id);
    // The ticket verifies under the shared secret, by the domain's check and by the standalone verifier
    const now = w.clock.now();
    expect(verifyEzproxyTicket({ secret: proxy.secret, user: sent.user, ticket: sent.ticket, digest: 'SHA256', now, validMinutes: 2 })).toEqual({ ok: true, groups: ['General'], issuedAt: new Date(Math.floor(now.getTime() / 1000) * 1000) });
    const { TicketVerifier } = await example();
    const verifier = new TicketVerifier({ secret: proxy.secret, digest: 'SHA256', timeValidMinutes: 2 });
    expect(verifier.verifyUrl(answer.location ?? '', now)).toMatchObject({ ok: true, user: sent.user, groups: ['General'], url: DESTINATION });
    // A replayed ticket is refused by the verifier, which remembers the tickets it accepted
    expect(verifier.verifyUrl(answer.location ?? '', new Date(now.getTime() + 30_000))).toEqual({ ok: false, reason: 'replayed' });
    // An expired one is refused by both (TimeValid 2)
    const later = new Date(now.getTime() + 3 * 60_000);
    expect(verifyEzproxyTicket({ secret: proxy.secret, user: sent.user, ticket: sent.ticket, digest: 'SHA256', now: later, validMinutes: 2 })).toEqual({ ok: false, reason: 'expired' });
    expect(new TicketVerifier({ secret: proxy.secret, timeValidMinutes: 2 }).verifyUrl(answer.location ?? '', later)).toEqual({ ok: false, reason: 'expired' });
    // Another secret, another user, or a changed group do not verify
    expect(new TicketVerifier({ secret: proxy2.secret }).verify({ user: sent.user, ticket: sent.ticket, now })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(new TicketVerifier({ secret: proxy.secret }).verify({ user: `${sent.user}x`, ticket: sent.ticket, now })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(new TicketVerifier({ secret: proxy.secret }).verify({ user: sent.user, ticket: sent.ticket.replace('$gGeneral', '$gStaff'), now })).toEqual({ ok: false, reason: 'bad-signature' });

    // The same patron at the same instance later: the same user name; at another instance: another
    w.clock.advanceMinutes(5);
    const again = ticketOf((await signIn(proxy.id, p.cardNumber, p.pin)).location);
    expect(again.user).toBe(sent.user);
    expect(again.ticket).not.toBe(sent.ticket);
    const elsewhere = ticketOf((await signIn(proxy2.id, p.cardNumber, p.pin)).location);
    expect(elsewhere.user).not.toBe(sent.user);
    expect(verifyEzproxyTicket({ secret: proxy2.secret, user: elsewhere.user, ticket: elsewhere.ticket, digest: 'SHA256', now: w.clock.now(), validMinutes: 2 }).ok).toBe(true);

    // And each sign-in is recorded: by the vendor, for authentication; the month's count; the authorisation
    const entries = await signInEntries(p.id);
    expect(entries.map((e) => [e.actor_kind, e.actor_id, e.purpose, e.channel])).toEqual([
      ['vendor', `vendor:${proxy.id}`, 'authentication', 'http'],
      ['vendor', `vendor:${proxy.id}`, 'authentication', 'http'],
      ['vendor', `vendor:${proxy2.id}`, 'authentication', 'http'],
    ]);
    expect(await monthCount(proxy.id)).toBe(countBefore + 2);
    const authorisation = await vendorStore.findAuthorisation(database.db, p.id, proxy.id);
    expect(authorisation).toMatchObject({ firstAt: now.toISOString(), lastAt: w.clock.now().toISOString(), consentedClaims: [] });
  });

  it('sends a group only as the instance maps the category, and none where the profile withholds categories (RF-6)', async () => {
    const grown = await adult();
    const child = await buildPatron(w, { libraryId, birthDate: '2014-05-20', guardianCard: grown.cardNumber });
    secrets.push(child.cardNumber, child.pin);
    const childTicket = ticketOf((await signIn(proxy.id, child.cardNumber, child.pin)).location);
    expect(verifyEzproxyTicket({ secret: proxy.secret, user: childTicket.user, ticket: childTicket.ticket, digest: 'SHA256', now: w.clock.now(), validMinutes: 2 })).toMatchObject({ ok: true, groups: ['Young'] });

    // An instance that maps no group for the category: the ticket carries none
    const narrow = await w.act(createVendor, { libraryId, protocol: 'ezproxy', name: 'Kids EZproxy', loginUrl: LOGIN_URL, groups: { juvenile: 'Young' } }, { purpose: 'administration' });
    const none = ticketOf((await signIn(narrow.vendor.id, grown.cardNumber, grown.pin)).location);
    expect(none.ticket).not.toContain('$g');
    expect(verifyEzproxyTicket({ secret: narrow.secret, user: none.user, ticket: none.ticket, digest: 'SHA256', now: w.clock.now(), validMinutes: 2 })).toMatchObject({ ok: true, groups: [] });

    // The shipped default profile lets no vendor learn a category unasked: the mapping is not used, and the view says so
    const elsewhere = await adult(otherLibraryId);
    const plain = ticketOf((await signIn(plainProxy.id, elsewhere.cardNumber, elsewhere.pin)).location);
    expect(plain.ticket).toMatch(/^[0-9a-f]{64}\$u\d+\$e$/);
    const view = await w.act(createVendor, { libraryId: otherLibraryId, protocol: 'ezproxy', name: 'Grouped EZproxy', loginUrl: LOGIN_URL, groups: { adult: 'General' } }, { purpose: 'administration' });
    expect([view.vendor.withheldClaims, view.vendor.clause]).toEqual([['category'], 'RF-6']);
  });

  it('refuses a wrong PIN, a locked, lost, blocked or expired card, and another library’s card, recording nothing', async () => {
    const p = await adult();
    const countBefore = await monthCount(proxy.id);
    const refused = async (card: string, pin: string) => {
      const answer = await signIn(proxy.id, card, pin);
      expect(answer.status).toBe(401);
      expect(answer.location).toBeNull();
      expect(answer.text).toContain(en.t('signin.wrongCard').slice(0, 40));
      // The form is shown again without echoing the card number
      expect(answer.text).not.toContain(card);
      expect(answer.text).toContain(`value="${DESTINATION.replace(/&/g, '&amp;')}"`);
    };
    // A wrong PIN, five times: the card is locked (strict-default: five in fifteen minutes) even for the right PIN
    for (let i = 0; i < 5; i++) await refused(p.cardNumber, '000000' === p.pin ? '111111' : '000000');
    await refused(p.cardNumber, p.pin);
    expect(await signInEntries(p.id)).toEqual([]);
    // After the window the right PIN works again
    w.clock.advanceMinutes(16);
    expect((await signIn(proxy.id, p.cardNumber, p.pin)).status).toBe(303);

    for (const status of ['card-lost', 'blocked', 'expired'] as const) {
      const q = await adult();
      await w.act(setPatronStatus, { patronId: q.id, status }, { purpose: 'account-service' });
      await refused(q.cardNumber, q.pin);
      expect(await signInEntries(q.id), status).toEqual([]);
    }
    // A card past its expiry date, whatever its status says
    const old = await adult();
    await database.db.updateTable('patrons').set({ expires_at: new Date(w.clock.now().getTime() - 86_400_000).toISOString() }).where('id', '=', old.id).execute();
    await refused(old.cardNumber, old.pin);
    // Another library's patron: the instance's contract is with this library
    const stranger = await adult(otherLibraryId);
    await refused(stranger.cardNumber, stranger.pin);
    // An unknown card and an empty PIN
    await refused('29999000000001', '123456');
    await refused(p.cardNumber, '');
    expect(await signInEntries(old.id)).toEqual([]);
    expect(await signInEntries(stranger.id)).toEqual([]);
    expect(await vendorStore.findAuthorisation(database.db, stranger.id, proxy.id)).toBeUndefined();
    expect(await monthCount(proxy.id)).toBe(countBefore + 1);
  });

  it('throttles failed sign-ins per address (429) and forgives a good one', async () => {
    const limited = await startServer(w, { onLog: (line) => logLines.push(line), loginThrottle: { limit: 2, windowMinutes: 15 } });
    try {
      const p = await adult();
      expect((await signIn(proxy.id, p.cardNumber, p.pin, DESTINATION, limited)).status).toBe(303);
      expect((await signIn(proxy.id, p.cardNumber, p.pin, DESTINATION, limited)).status).toBe(303);
      expect((await signIn(proxy.id, '29999000000002', '123456', DESTINATION, limited)).status).toBe(401);
      expect((await signIn(proxy.id, '29999000000003', '123456', DESTINATION, limited)).status).toBe(401);
      const throttled = await signIn(proxy.id, p.cardNumber, p.pin, DESTINATION, limited);
      expect([throttled.status, throttled.location, throttled.text.includes(en.t('signin.tooMany'))]).toEqual([429, null, true]);
    } finally {
      await limited.close();
    }
  });

  it('cancels with a page saying nothing was shared, and never answers bad input with a 500', async () => {
    const p = await adult();
    const cancelled = await post(`/ezproxy/${proxy.id}/cancel`, { card: p.cardNumber, pin: p.pin, url: DESTINATION });
    expect([cancelled.status, cancelled.text.includes(en.t('signin.refusedText'))]).toEqual([200, true]);
    expect(await signInEntries(p.id)).toEqual([]);

    const statuses: number[] = [];
    const raw = async (body: string | undefined, type?: string) => {
      const response = await fetch(`${server.base}/ezproxy/${proxy.id}/login`, { method: 'POST', ...(body !== undefined ? { body } : {}), headers: type ? { 'content-type': type } : {}, redirect: 'manual' });
      seen.push(await response.text());
      statuses.push(response.status);
    };
    await raw(JSON.stringify({ card: p.cardNumber, pin: p.pin }), 'application/json');
    await raw('card=%ZZ&pin=%', 'application/x-www-form-urlencoded');
    await raw(`card=${'9'.repeat(9000)}`, 'application/x-www-form-urlencoded');
    await raw('card=1&pin=2', 'text/plain');
    await raw(undefined);
    await raw(`card=${'1'.repeat(100)}&pin=${'2'.repeat(100)}`, 'application/x-www-form-urlencoded');
    await raw('card=1&card=2&pin=3&pin=4&url=https://a.example&url=javascript:x', 'application/x-www-form-urlencoded');
    expect(statuses.every((s) => s >= 400 && s < 500), statuses.join(',')).toBe(true);
  });

  it('puts no card number or PIN in any log line, address or answer', async () => {
    expect(logLines.length).toBeGreaterThan(0);
    // Request and vendor ids are UUIDs: their hex digits are no one's PIN.
    const logs = logLines.join('\n').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '');
    const answers = seen.join('\n');
    // PINs are six digits and could occur by chance in a long text; each is looked for as a whole value.
    for (const secret of secrets) {
      if (secret.length >= 10) {
        expect(logs).not.toContain(secret);
        expect(answers).not.toContain(secret);
      } else {
        expect(logs).not.toMatch(new RegExp(`(^|[^0-9])${secret}([^0-9]|$)`));
        expect(answers).not.toMatch(new RegExp(`(pin|PIN)[^<]{0,20}${secret}`));
      }
    }
  });
});

describe('examples/ezproxy-verify.mjs from the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'carrel-ezproxy-verify-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const verify = (args: string[], secret: string) =>
    new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(process.execPath, [EXAMPLE, ...args], { env: { ...process.env, EZPROXY_SECRET: secret } }, (error, stdout) =>
        resolve({ code: error ? Number(error.code) : 0, stdout: String(stdout) }),
      ),
    );

  it('accepts a fresh ticket once, refuses it as a replay the second time, and refuses a wrong secret or an old ticket', async () => {
    const secret = 'a-shared-secret';
    const ticket = ezproxyTicket({ secret, user: 'pseudonym_1', issuedAt: new Date(), groups: ['General'], digest: 'SHA256' });
    const address = `${LOGIN_URL}?user=pseudonym_1&ticket=${encodeURIComponent(ticket)}&url=${encodeURIComponent(DESTINATION)}`;
    const seenFile = join(dir, 'seen.json');
    const first = await verify(['--seen', seenFile, address], secret);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, user: 'pseudonym_1', groups: ['General'], url: DESTINATION });
    const second = await verify(['--seen', seenFile, address], secret);
    expect([second.code, JSON.parse(second.stdout)]).toEqual([1, { ok: false, reason: 'replayed' }]);
    const wrong = await verify(['--user', 'pseudonym_1', '--ticket', ticket], 'another-secret');
    expect([wrong.code, JSON.parse(wrong.stdout)]).toEqual([1, { ok: false, reason: 'bad-signature' }]);
    const old = ezproxyTicket({ secret, user: 'pseudonym_1', issuedAt: new Date(Date.now() - 10 * 60_000), groups: [], digest: 'SHA256' });
    const expired = await verify(['--time-valid', '2', '--user', 'pseudonym_1', '--ticket', old], secret);
    expect([expired.code, JSON.parse(expired.stdout)]).toEqual([1, { ok: false, reason: 'expired' }]);
    expect((await verify([address], '')).code).toBe(2);
  });
});
