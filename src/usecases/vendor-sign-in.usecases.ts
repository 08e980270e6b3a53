/**
 * A patron signing in to a vendor through Carrel (issue 19): OpenID Connect or an EZproxy ticket. The
 * vendor is told one fact, that this person is a patron of the library in good standing, under a
 * pseudonym of its own (RF-6); a claim beyond that goes only where the contract, the profile and the
 * patron's consent all allow it. The access log records that the vendor was told; nothing records what
 * the patron used there (CB-D, RR-4, IF-4). Sign-ins are counted per vendor and month, with no one in
 * the count.
 */
import { ErrorCode, refuse } from '../domain/errors.js';
import type { StoredPatron } from '../storage/patron.repository.js';
import { EXTRA_CLAIMS, ezproxyTicket, signInMonth, type ExtraClaim, type Vendor } from '../domain/vendors.js';
import type { Actor } from '../policy/actors.js';
import { claimsTheProfileAllows, claimsToAsk, ezproxyGroupsAllowed, releasedClaims } from '../policy/vendor.policy.js';
import { profiles } from '../profile/profiles.js';
import { findLibrary } from '../storage/library.repository.js';
import { findPatronById, touchActivity } from '../storage/patron.repository.js';
import * as vendors from '../storage/vendor.repository.js';
import { VaultError } from '../vault/cipher.js';
import { recordAccess, type Context } from './context.js';
import { checkCardAndPin, invalidCard, type Attempt } from './patron-auth.usecases.js';
import { openPatron } from './patron-records.js';
import { cardOpensAccount } from './session.usecases.js';
import { openVendorSecret } from './vendor.usecases.js';

/** The actor a vendor acts as in the access log. */
export function vendorActor(vendor: Pick<Vendor, 'id' | 'libraryId'>): Actor {
  return { kind: 'vendor', id: `vendor:${vendor.id}`, vendorId: vendor.id, libraryId: vendor.libraryId };
}

/** The sector a vendor's pseudonyms are computed in: its own id, so two vendors never share one. */
function sectorOf(vendorId: string): string {
  return `vendor:${vendorId}`;
}

/** Whether a patron may sign in to vendors: card in use, not blocked, not expired (RF-6: a patron in good standing). */
export function inGoodStanding(patron: Pick<StoredPatron, 'status' | 'expiresAt'>, now: Date): boolean {
  return cardOpensAccount(patron.status) && patron.status !== 'blocked' && patron.status !== 'expired' && new Date(patron.expiresAt).getTime() > now.getTime();
}

/** A vendor that may sign patrons in now: registered, enabled, of the protocol asked. */
export async function usableVendor(ctx: Context, vendorId: string, protocol: Vendor['protocol']): Promise<Vendor | undefined> {
  const vendor = await vendors.findVendor(ctx.trx, vendorId);
  return vendor && !vendor.disabled && vendor.protocol === protocol ? vendor : undefined;
}

/** What a sign-in page shows: the vendor's and the library's names, nothing about anyone. */
export async function vendorSignInPage(ctx: Context, input: { vendorId: string; protocol: Vendor['protocol'] }): Promise<{ vendorName: string; libraryName: string } | undefined> {
  const vendor = await usableVendor(ctx, input.vendorId, input.protocol);
  if (!vendor) return undefined;
  const library = await findLibrary(ctx.trx, vendor.libraryId);
  return { vendorName: vendor.name, libraryName: library?.name ?? '' };
}

/**
 * Checks a card and PIN for a sign-in to a vendor, with the portal's lockout (the profile's
 * `access.patron_login`): every refusal — unknown card, wrong PIN, locked, lost, blocked or expired card,
 * another library's card — costs one argon2id verification, counts against the card, and gets the same
 * answer. A success clears the card's failures and counts as activity (CB-F3). Answers the patron's id,
 * which stays inside Carrel (the provider's session); the vendor sees only its pseudonym.
 */
export async function attemptVendorSignIn(ctx: Context, input: { vendorId: string; protocol: Vendor['protocol']; cardNumber: string; pin: string }): Promise<Attempt<{ patronId: string }>> {
  const vendor = await usableVendor(ctx, input.vendorId, input.protocol);
  if (!vendor) return { ok: false, refusal: refuse(ErrorCode.VENDOR_NOT_FOUND, 'This service is not offered by the library.') };
  if (input.pin.length === 0 || input.pin.length > 64 || input.cardNumber.length > 64) return { ok: false, refusal: invalidCard() };
  // Another library's card is no card here: the vendor's contract is with this library.
  const patron = await checkCardAndPin(ctx, { cardNumber: input.cardNumber, pin: input.pin, usable: (p) => p.libraryId === vendor.libraryId && inGoodStanding(p, ctx.now) });
  if (!patron) return { ok: false, refusal: invalidCard() };
  await touchActivity(ctx.trx, patron.id, ctx.now.toISOString());
  return { ok: true, value: { patronId: patron.id } };
}

/** The patron an OpenID session or code names, if they may still sign in to this vendor. */
async function standingPatron(ctx: Context, patronId: string, vendor: Vendor): Promise<StoredPatron | undefined> {
  const patron = await findPatronById(ctx.trx, patronId);
  if (!patron || patron.libraryId !== vendor.libraryId || !inGoodStanding(patron, ctx.now)) return undefined;
  if (!(await ctx.vault.hasKey(patron.id))) return undefined;
  return patron;
}

/**
 * A patron's pseudonym for a vendor (the OpenID `sub`, the EZproxy user name): stable for that vendor,
 * unlinkable across vendors, never the card number or the patron's id, and dead once the patron is
 * shredded (it is computed under their data key). Undefined when the patron is gone.
 */
export async function vendorSubject(ctx: Context, input: { patronId: string; vendorId: string }): Promise<string | undefined> {
  try {
    return await ctx.vault.pairwise(input.patronId, sectorOf(input.vendorId));
  } catch (error) {
    if (error instanceof VaultError) return undefined;
    throw error;
  }
}

/** The claims a vendor receives about a patron now, besides `sub`: `library`, and what contract, profile and consent allow. */
export type VendorClaims = { library: string } & Partial<Record<ExtraClaim, string>>;

/**
 * What an OpenID vendor is told about a signed-in patron, read afresh each time a token or the userinfo
 * answer is made: undefined when the patron is gone, no longer in good standing, or the vendor disabled
 * (so a deleted patron's pseudonym never authenticates again). A claim beyond `library` is opened from
 * the vault only when released, and the release is logged with the vendor as the reader.
 */
export async function vendorAccount(ctx: Context, input: { patronId: string; vendorId: string }): Promise<VendorClaims | undefined> {
  const vendor = await usableVendor(ctx, input.vendorId, 'oidc');
  if (!vendor || vendor.protocol !== 'oidc') return undefined;
  const patron = await standingPatron(ctx, input.patronId, vendor);
  if (!patron) return undefined;
  const library = await findLibrary(ctx.trx, vendor.libraryId);
  const allowed = claimsTheProfileAllows(profiles().get(library?.profileId ?? ''));
  const consent = await vendors.findAuthorisation(ctx.trx, patron.id, vendor.id);
  const released = releasedClaims(vendor.claims, allowed.claims, consent?.consentedClaims ?? []);
  const claims: VendorClaims = { library: vendor.libraryId };
  if (released.length === 0) return claims;
  const personal = released.includes('name') || released.includes('email') ? (await openPatron(ctx, patron)).personal : undefined;
  for (const claim of released) {
    if (claim === 'category') claims.category = patron.categoryCode;
    if (claim === 'age_band') claims.age_band = patron.ageBand;
    if (claim === 'name' && personal) claims.name = personal.name;
    if (claim === 'email' && personal?.email) claims.email = personal.email;
  }
  await recordAccess({ ...ctx, actor: vendorActor(vendor), purpose: 'authentication' }, patron, 'vendor-claims', ['registration']);
  return claims;
}

/** An OpenID vendor, a patron in good standing with it, their library and their answers so far, and what is left to ask. */
async function consentState(ctx: Context, input: { patronId: string; vendorId: string }) {
  const vendor = await usableVendor(ctx, input.vendorId, 'oidc');
  if (!vendor || vendor.protocol !== 'oidc') return undefined;
  const patron = await standingPatron(ctx, input.patronId, vendor);
  if (!patron) return undefined;
  const library = await findLibrary(ctx.trx, vendor.libraryId);
  const allowed = claimsTheProfileAllows(profiles().get(library?.profileId ?? ''));
  const answers = await vendors.findAuthorisation(ctx.trx, patron.id, vendor.id);
  const ask = claimsToAsk(vendor.claims, allowed.claims, [...(answers?.consentedClaims ?? []), ...(answers?.declinedClaims ?? [])]);
  return { vendor, patron, libraryName: library?.name ?? '', answers, ask };
}

/**
 * What the consent page asks a patron about a vendor: the claims its contract names that the profile
 * allows and the patron has not answered yet. Empty: nothing to ask (the vendor learns only that they
 * are a patron, which signing in says).
 */
export async function consentToAsk(ctx: Context, input: { patronId: string; vendorId: string }): Promise<{ vendorName: string; libraryName: string; ask: ExtraClaim[] } | undefined> {
  const state = await consentState(ctx, input);
  return state && { vendorName: state.vendor.name, libraryName: state.libraryName, ask: state.ask };
}

/**
 * Records the patron's answer on the consent page: the claims they agree to, among those asked (anything
 * else given is ignored), and the ones they declined, which are not asked about again. Logged as the
 * patron's own act; revocable in the portal, which forgets both.
 */
export async function recordVendorConsent(ctx: Context, input: { patronId: string; vendorId: string; claims: readonly string[] }): Promise<ExtraClaim[]> {
  const state = await consentState(ctx, input);
  if (!state) throw refuse(ErrorCode.VENDOR_NOT_FOUND, 'This service is not offered by the library.');
  const { vendor, patron, answers, ask } = state;
  const agreed = EXTRA_CLAIMS.filter((c) => answers?.consentedClaims.includes(c) || (ask.includes(c) && input.claims.includes(c)));
  const declined = EXTRA_CLAIMS.filter((c) => answers?.declinedClaims.includes(c) || (ask.includes(c) && !input.claims.includes(c)));
  await vendors.setConsent(ctx.trx, patron.id, vendor.id, agreed, ctx.now.toISOString(), declined);
  const actor: Actor = { kind: 'patron', id: patron.id, libraryId: patron.libraryId };
  await recordAccess({ ...ctx, actor, purpose: 'self-service' }, patron, 'vendor-consent', ['vendor-authorisations']);
  return agreed;
}

/**
 * Records that a vendor was told a patron is valid (a code was issued to it, or a ticket signed): the
 * patron's authorisation of the vendor gets its time, the month's count goes up by one, and the access
 * log shows the vendor as the reader of the patron's registration, for authentication. Nothing says what
 * the patron went on to use (CB-D).
 */
export async function recordVendorSignIn(ctx: Context, input: { patronId: string; vendorId: string }): Promise<boolean> {
  const vendor = await vendors.findVendor(ctx.trx, input.vendorId);
  if (!vendor) return false;
  const patron = await standingPatron(ctx, input.patronId, vendor);
  if (!patron) return false;
  const library = await findLibrary(ctx.trx, vendor.libraryId);
  await vendors.touchAuthorisation(ctx.trx, patron.id, vendor.id, ctx.now.toISOString());
  await vendors.countSignIn(ctx.trx, vendor.libraryId, vendor.id, signInMonth(ctx.now, library?.timeZone ?? 'UTC'));
  await recordAccess({ ...ctx, actor: vendorActor(vendor), purpose: 'authentication' }, patron, 'vendor-sign-in', ['registration', 'vendor-authorisations']);
  return true;
}

/**
 * Signs an EZproxy ticket for a patron who just proved their card: the user name is their pseudonym for
 * that EZproxy instance, the groups come from their category (the instance's mapping) where the profile
 * lets vendors learn a category unasked, and the sign-in is recorded. Answers the address to send the browser to, with the destination the patron asked for.
 */
export async function ezproxyRedirect(ctx: Context, input: { patronId: string; vendorId: string; destination: string }): Promise<string> {
  const found = await vendors.findVendorWithSecret(ctx.trx, input.vendorId);
  const vendor = found?.vendor;
  if (!found || !vendor || vendor.disabled || vendor.protocol !== 'ezproxy') throw refuse(ErrorCode.VENDOR_NOT_FOUND, 'This service is not offered by the library.');
  const patron = await standingPatron(ctx, input.patronId, vendor);
  const user = patron && (await vendorSubject(ctx, { patronId: patron.id, vendorId: vendor.id }));
  if (!patron || !user) throw invalidCard();
  // A group tells EZproxy the patron's category, unasked: only where the profile allows that (RF-6, CB-D, IF-9).
  const library = await findLibrary(ctx.trx, vendor.libraryId);
  const group = ezproxyGroupsAllowed(profiles().get(library?.profileId ?? '')).allowed && Object.hasOwn(vendor.groups, patron.categoryCode) ? vendor.groups[patron.categoryCode] : undefined;
  const ticket = ezproxyTicket({ secret: await openVendorSecret(ctx, vendor.id, found.secretSealed), user, issuedAt: ctx.now, groups: group ? [group] : [], digest: vendor.digest });
  await recordVendorSignIn(ctx, { patronId: patron.id, vendorId: vendor.id });
  const url = new URL(vendor.loginUrl);
  url.searchParams.set('user', user);
  url.searchParams.set('ticket', ticket);
  if (input.destination) url.searchParams.set('url', input.destination);
  return url.href;
}
