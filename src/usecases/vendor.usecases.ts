/**
 * Vendors a library sends its patrons to (issue 19): OpenID Connect clients (e-content, databases) and
 * EZproxy instances, kept by the library's administrators; and, for a patron, the vendors they signed in
 * to, when, and what they agreed each may receive, each revocable (RF-6, CB-D, IF-9, RF-7).
 *
 * Every vendor gets a generated secret, returned once and kept sealed under the vault's `vendors` key:
 * an OpenID client's secret (the provider must compare it, so it cannot be a one-way hash) or an EZproxy
 * instance's ticket secret (Carrel signs tickets with it).
 */
import { ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import { EXTRA_CLAIMS, EZPROXY_DIGESTS, type EzproxyDigest, type ExtraClaim, type Vendor, type VendorAuthorisation, type VendorSettings } from '../domain/vendors.js';
import { claimsTheProfileAllows, claimsWithheld } from '../policy/vendor.policy.js';
import { profiles } from '../profile/profiles.js';
import { isUniqueViolation } from '../storage/errors.js';
import { deleteArtefactsOfGrant, grantIdsOf } from '../storage/oidc-store.repository.js';
import * as vendors from '../storage/vendor.repository.js';
import { open as openSealed, seal } from '../vault/cipher.js';
import { newToken } from '../vault/secrets.js';
import { requirePermission } from './authorization.js';
import { newId, recordAccess, recordLibraryChange, type Context } from './context.js';
import { requireLibrary } from './library-access.js';
import { ownRecord } from './self-service.usecases.js';

const SECRET_CONTEXT = 'carrel:vendor-secret:v1';

/** A vendor as administrators see it, with what its library's profile withholds from its contract. */
export type VendorView = Vendor & {
  /** The contract's claims the profile never releases (the patron's consent cannot change that). */
  withheldClaims: ExtraClaim[];
  /** The clause of the profile's rule on vendors. */
  clause: string;
};

export interface VendorInput {
  name?: string | undefined;
  /** OpenID Connect: where the vendor receives codes. */
  redirectUris?: string[] | undefined;
  /** OpenID Connect: the claims its contract adds beyond `sub` and `library`. */
  claims?: string[] | undefined;
  /** EZproxy: its login address. */
  loginUrl?: string | undefined;
  digest?: string | undefined;
  /** EZproxy: category code → group. */
  groups?: Record<string, string> | undefined;
}

export interface CreateVendorInput extends VendorInput {
  libraryId: string;
  protocol: string;
  name: string;
}

const NAME = /^[^\r\n\t|<>]{1,80}$/;

/** An address a browser may be sent to: https, or http on a loopback host (a vendor's test set-up). */
function webAddress(text: string): URL | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.hash !== '' || url.username !== '' || url.password !== '') return null;
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return url;
  return null;
}

function claimsFrom(given: readonly string[], problems: Problem[]): ExtraClaim[] {
  for (const c of given.filter((c) => !(EXTRA_CLAIMS as readonly string[]).includes(c)))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `"${c.slice(0, 40)}" is not a claim a contract may add (${EXTRA_CLAIMS.join(', ')}).`, field: 'claims' });
  return EXTRA_CLAIMS.filter((c) => given.includes(c));
}

function redirectUrisFrom(given: readonly string[], problems: Problem[]): string[] {
  const urls = given.map((u) => ({ given: u, url: webAddress(u) }));
  for (const u of urls.filter((u) => u.url === null))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `"${u.given.slice(0, 80)}" is not an https address (or http on this machine) without a fragment.`, field: 'redirectUris' });
  if (urls.length === 0 || urls.length > 10) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A vendor has 1 to 10 redirect addresses.', field: 'redirectUris' });
  const hosts = new Set(urls.flatMap((u) => (u.url ? [u.url.host] : [])));
  // One host: the provider's pairwise subjects are per sector, and a sector is one host (OpenID Connect Core 8.1).
  if (hosts.size > 1) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'Every redirect address of a vendor is on one host; register each host as its own vendor.', field: 'redirectUris' });
  return [...new Set(urls.flatMap((u) => (u.url ? [u.url.href] : [])))];
}

function groupsFrom(given: Record<string, string>, problems: Problem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [category, group] of Object.entries(given)) {
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(category) || typeof group !== 'string' || !/^[A-Za-z0-9_.-]{1,60}$/.test(group))
      problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `"${category.slice(0, 40)}" → a group is a category code and an EZproxy group name (letters, digits, . _ -).`, field: 'groups' });
    else out[category] = group;
  }
  return out;
}

/** The settings a request asks for, on top of a vendor's (or a new one's), checked; every problem at once. */
function settingsFrom(protocol: string, base: Partial<Vendor>, input: VendorInput): VendorSettings & { name: string } {
  const problems: Problem[] = [];
  const name = (input.name ?? base.name ?? '').trim();
  if (!NAME.test(name)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A name is 1 to 80 characters, on one line, without "|", "<" or ">".', field: 'name' });
  if (protocol === 'oidc') {
    const b = base as Partial<Extract<Vendor, { protocol: 'oidc' }>>;
    const redirectUris = redirectUrisFrom(input.redirectUris ?? b.redirectUris ?? [], problems);
    const claims = claimsFrom(input.claims ?? b.claims ?? [], problems);
    refuseAll(problems);
    return { protocol: 'oidc', name, redirectUris, claims };
  }
  if (protocol === 'ezproxy') {
    const b = base as Partial<Extract<Vendor, { protocol: 'ezproxy' }>>;
    const loginText = input.loginUrl ?? b.loginUrl ?? '';
    const login = webAddress(loginText);
    if (!login || !/\/login\/?$/.test(login.pathname))
      problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'The EZproxy login address is https://… ending in /login.', field: 'loginUrl' });
    const digest = input.digest ?? b.digest ?? 'SHA256';
    if (!(EZPROXY_DIGESTS as readonly string[]).includes(digest)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `The digest is one of ${EZPROXY_DIGESTS.join(', ')}.`, field: 'digest' });
    const groups = groupsFrom(input.groups ?? b.groups ?? {}, problems);
    refuseAll(problems);
    return { protocol: 'ezproxy', name, loginUrl: (login as URL).href, digest: digest as EzproxyDigest, groups };
  }
  problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'The protocol is oidc or ezproxy.', field: 'protocol' });
  refuseAll(problems);
  throw new Error('unreachable');
}

function viewOf(vendor: Vendor, profileId: string): VendorView {
  const allowed = claimsTheProfileAllows(profiles().get(profileId));
  return { ...vendor, withheldClaims: vendor.protocol === 'oidc' ? claimsWithheld(vendor.claims, allowed.claims) : [], clause: allowed.clause };
}

async function sealSecret(ctx: Context, vendorId: string, secret: string): Promise<string> {
  return seal(await ctx.vault.namedKey('vendors', ctx.now), `${SECRET_CONTEXT}:${vendorId}`, secret);
}

/** A vendor's secret in the clear, for the provider to compare or for signing a ticket. */
export async function openVendorSecret(ctx: Context, vendorId: string, sealed: string): Promise<string> {
  return openSealed(await ctx.vault.namedKey('vendors', ctx.now), `${SECRET_CONTEXT}:${vendorId}`, sealed).toString('utf8');
}

async function requireVendor(ctx: Context, libraryId: string, id: string): Promise<Vendor> {
  const found = await vendors.findVendor(ctx.trx, id);
  if (!found || found.libraryId !== libraryId) throw refuse(ErrorCode.VENDOR_NOT_FOUND, 'No vendor with that id in the library.', 'id');
  return found;
}

/** A library's vendors, by name, without secrets. */
export async function listVendors(ctx: Context, input: { libraryId: string }): Promise<VendorView[]> {
  requirePermission(ctx, 'library.administer');
  const library = await requireLibrary(ctx, input.libraryId);
  return (await vendors.listVendors(ctx.trx, library.id)).map((v) => viewOf(v, library.profileId));
}

/**
 * Registers a vendor with a generated secret, returned once. An OpenID client's id is the vendor's id;
 * its redirect addresses are exact and on one host; the claims its contract adds are recorded as given,
 * and the view says which of them the profile withholds from everyone.
 */
export async function createVendor(ctx: Context, input: CreateVendorInput): Promise<{ vendor: VendorView; secret: string }> {
  requirePermission(ctx, 'library.administer');
  const library = await requireLibrary(ctx, input.libraryId);
  const settings = settingsFrom(input.protocol, {}, input);
  const vendor = { ...settings, id: newId(), libraryId: library.id, disabled: false, createdAt: ctx.now.toISOString() } as Vendor;
  const secret = newToken();
  try {
    await vendors.insertVendor(ctx.trx, vendor, await sealSecret(ctx, vendor.id, secret));
  } catch (error) {
    if (isUniqueViolation(error)) throw refuse(ErrorCode.VENDOR_EXISTS, 'The library has a vendor of that name.', 'name');
    throw error;
  }
  await recordLibraryChange(ctx, library.id, `vendor.create:${vendor.id}`);
  return { vendor: viewOf(vendor, library.profileId), secret };
}

/** Changes a vendor's name or settings (the same checks as at registration). */
export async function updateVendor(ctx: Context, input: VendorInput & { libraryId: string; id: string }): Promise<VendorView> {
  requirePermission(ctx, 'library.administer');
  const library = await requireLibrary(ctx, input.libraryId);
  const vendor = await requireVendor(ctx, library.id, input.id);
  const changed = { ...vendor, ...settingsFrom(vendor.protocol, vendor, input) } as Vendor;
  try {
    await vendors.updateVendor(ctx.trx, changed);
  } catch (error) {
    if (isUniqueViolation(error)) throw refuse(ErrorCode.VENDOR_EXISTS, 'The library has a vendor of that name.', 'name');
    throw error;
  }
  await recordLibraryChange(ctx, library.id, `vendor.update:${vendor.id}`);
  return viewOf(changed, library.profileId);
}

/** Stops (or lets again) a vendor sign patrons in; tokens it holds stop working at their next use. */
export async function setVendorDisabled(ctx: Context, input: { libraryId: string; id: string; disabled: boolean }): Promise<VendorView> {
  requirePermission(ctx, 'library.administer');
  const library = await requireLibrary(ctx, input.libraryId);
  const vendor = await requireVendor(ctx, library.id, input.id);
  if (vendor.disabled !== input.disabled) {
    await vendors.updateVendor(ctx.trx, { ...vendor, disabled: input.disabled });
    await recordLibraryChange(ctx, library.id, `vendor.${input.disabled ? 'disable' : 'enable'}:${vendor.id}`);
  }
  return viewOf({ ...vendor, disabled: input.disabled }, library.profileId);
}

/** A new generated secret for a vendor, returned once (the old one stops working). */
export async function resetVendorSecret(ctx: Context, input: { libraryId: string; id: string }): Promise<{ vendor: VendorView; secret: string }> {
  requirePermission(ctx, 'library.administer');
  const library = await requireLibrary(ctx, input.libraryId);
  const vendor = await requireVendor(ctx, library.id, input.id);
  const secret = newToken();
  await vendors.setVendorSecret(ctx.trx, vendor.id, await sealSecret(ctx, vendor.id, secret));
  await recordLibraryChange(ctx, library.id, `vendor.reset-secret:${vendor.id}`);
  return { vendor: viewOf(vendor, library.profileId), secret };
}

// --- the patron's own --------------------------------------------------------------------------------

/** The vendors a patron signed in to, most recent first, with what each may receive (RF-6). */
export async function listMyVendors(ctx: Context, _input: Record<string, never> = {}): Promise<VendorAuthorisation[]> {
  const patron = await ownRecord(ctx);
  const list = await vendors.listAuthorisations(ctx.trx, patron.id);
  await recordAccess(ctx, patron, 'vendors-read', ['vendor-authorisations']);
  return list;
}

/**
 * Revokes a vendor: forgets that the patron used it and what they consented to, and ends every grant,
 * code and token the vendor holds for them. Their next visit starts afresh, asking consent again.
 */
export async function revokeMyVendor(ctx: Context, input: { vendorId: string }): Promise<void> {
  const patron = await ownRecord(ctx);
  if (!(await vendors.deleteAuthorisation(ctx.trx, patron.id, input.vendorId))) throw refuse(ErrorCode.VENDOR_NOT_FOUND, 'You have not signed in to that vendor.', 'vendorId');
  for (const grantId of await grantIdsOf(ctx.trx, patron.id, input.vendorId)) await deleteArtefactsOfGrant(ctx.trx, grantId);
  await recordAccess(ctx, patron, 'vendor-revoke', ['vendor-authorisations']);
}
