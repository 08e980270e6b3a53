/**
 * The words a vendor's settings and contract are made of (issue 19): its protocol, the claims a contract
 * may name, EZproxy's digests. Kept apart from `vendors.ts` (whose ticket code needs `node:crypto`) so the
 * API's schemas and the web app read them without Node.
 */

/** How a vendor signs patrons in: an OpenID Connect client, or an EZproxy instance's ticket. */
export const VENDOR_PROTOCOLS = ['oidc', 'ezproxy'] as const;
export type VendorProtocol = (typeof VENDOR_PROTOCOLS)[number];

/**
 * The claims a vendor's contract may name, beyond `sub` (its pseudonym for the patron) and `library`,
 * which every vendor receives: the patron's category, an age band, their name, their email address.
 */
export const EXTRA_CLAIMS = ['category', 'age_band', 'name', 'email'] as const;
export type ExtraClaim = (typeof EXTRA_CLAIMS)[number];

/** What every signed-in vendor receives: its own pseudonym for the patron, and the patron's library. */
export const BASE_CLAIMS = ['sub', 'library'] as const;

/** The digests EZproxy checks a ticket with (`::Ticket` … `SHA256 secret`). */
export const EZPROXY_DIGESTS = ['SHA256', 'SHA512', 'SHA1', 'MD5'] as const;
export type EzproxyDigest = (typeof EZPROXY_DIGESTS)[number];
