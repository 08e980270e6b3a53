/**
 * E-content vendors, databases and proxies a library sends its patrons to (issue 19). Each is told one
 * fact: this person is a patron in good standing (RF-6). Pure types and rules: no I/O.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

// The protocols, claims and digests live in vendor-terms.ts, which the web app reads without Node.
import type { EzproxyDigest, ExtraClaim, VendorProtocol } from './vendor-terms.js';
export { BASE_CLAIMS, EXTRA_CLAIMS, EZPROXY_DIGESTS, VENDOR_PROTOCOLS, type EzproxyDigest, type ExtraClaim, type VendorProtocol } from './vendor-terms.js';

export interface OidcVendorSettings {
  /** Where the vendor's site receives the code: exact addresses, one host. */
  redirectUris: string[];
  /** The claims its contract adds (each still needs the profile's leave and the patron's consent). */
  claims: ExtraClaim[];
}

export interface EzproxyVendorSettings {
  /** The EZproxy server's login address (`https://ezproxy.example.org/login`). */
  loginUrl: string;
  /** The digest the instance's `::Ticket` block names. */
  digest: EzproxyDigest;
  /** The EZproxy groups a patron category opens (`adult` → `General`); none: no groups in the ticket. */
  groups: Record<string, string>;
}

export type VendorSettings = ({ protocol: 'oidc' } & OidcVendorSettings) | ({ protocol: 'ezproxy' } & EzproxyVendorSettings);

/** A vendor as its library's administrators see it: never its secret. */
export type Vendor = {
  id: string;
  libraryId: string;
  name: string;
  disabled: boolean;
  createdAt: string;
} & VendorSettings;

/** A vendor a patron has signed in to, as the patron sees it in the portal. */
export interface VendorAuthorisation {
  vendorId: string;
  vendorName: string;
  protocol: VendorProtocol;
  firstAt: string;
  lastAt: string;
  /** The claims the patron agreed it may receive (empty: only the fact of being a patron). */
  consentedClaims: ExtraClaim[];
  /** The claims the patron declined when asked (not asked again until they revoke the vendor). */
  declinedClaims: ExtraClaim[];
  consentedAt: string | null;
}

/** A patron's answer on the consent page: which of the claims asked for they agree to release. */
export interface ConsentAnswer {
  claims: ExtraClaim[];
}

/** The month a sign-in counts in (`YYYY-MM`), from an instant in the library's time zone. */
export function signInMonth(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(at);
  const year = parts.find((p) => p.type === 'year')?.value ?? '0000';
  const month = parts.find((p) => p.type === 'month')?.value ?? '01';
  return `${year}-${month}`;
}

/**
 * An EZproxy ticket (EZproxy's "ticket authentication"): `hex(digest(secret + user + packet)) + packet`,
 * where the packet is `$u<unix seconds>`, then `$g<group+group>` when there are groups, then `$e`.
 * EZproxy checks the digest with the secret of its `::Ticket` block and refuses a ticket older than its
 * `TimeValid` minutes.
 */
export function ezproxyTicket(input: { secret: string; user: string; issuedAt: Date; groups: readonly string[]; digest: EzproxyDigest }): string {
  const packet = `$u${Math.floor(input.issuedAt.getTime() / 1000)}${input.groups.length > 0 ? `$g${input.groups.join('+')}` : ''}$e`;
  return ezproxyDigest(input.digest, input.secret + input.user + packet) + packet;
}

function ezproxyDigest(digest: EzproxyDigest, text: string): string {
  const algorithm = { SHA256: 'sha256', SHA512: 'sha512', SHA1: 'sha1', MD5: 'md5' }[digest];
  return createHash(algorithm).update(text, 'utf8').digest('hex');
}

/** Why a ticket is refused by `verifyEzproxyTicket`. */
export type TicketRefusal = 'malformed' | 'bad-signature' | 'expired' | 'from-the-future';

/**
 * Checks a ticket the way EZproxy does: the digest under the shared secret, and its age against the
 * `TimeValid` minutes. Answers the groups it carries, or why it is refused. (A replayed ticket is the
 * verifier's to refuse: it remembers the tickets it accepted until they expire.)
 */
export function verifyEzproxyTicket(input: {
  secret: string;
  user: string;
  ticket: string;
  digest: EzproxyDigest;
  now: Date;
  validMinutes: number;
}): { ok: true; groups: string[]; issuedAt: Date } | { ok: false; reason: TicketRefusal } {
  const match = /^([0-9a-f]+)(\$u(\d{1,12})(?:\$g([^$]*))?\$e)$/.exec(input.ticket);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, signature = '', packet = '', seconds = '0', groups] = match;
  const expected = Buffer.from(ezproxyDigest(input.digest, input.secret + input.user + packet));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
  const issuedAt = new Date(Number(seconds) * 1000);
  const age = input.now.getTime() - issuedAt.getTime();
  if (age > input.validMinutes * 60_000) return { ok: false, reason: 'expired' };
  // A minute of clock skew between Carrel and EZproxy is forgiven, no more.
  if (age < -60_000) return { ok: false, reason: 'from-the-future' };
  return { ok: true, groups: groups ? groups.split('+').filter((g) => g.length > 0) : [], issuedAt };
}
