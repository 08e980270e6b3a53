/**
 * Who is asking and why. Every use case receives an Actor and a Purpose; the access log records both.
 */

export { LOOKUP_PURPOSES, PURPOSES, type LookupPurpose, type Purpose } from '../domain/purposes.js';

export { ROLES, type Role } from '../domain/roles.js';
import type { Role } from '../domain/roles.js';
import type { Sip2AccountKind } from '../domain/sip2.js';

export const ROLE_NAMES: Record<Role, string> = {
  volunteer: 'volunteer',
  circulation: 'circulation clerk',
  librarian: 'librarian',
  'branch-manager': 'branch manager',
  director: 'director / privacy officer',
  admin: 'system administrator',
};

export type Actor =
  /**
   * A member of staff. `libraryId` is their home library; null for an account that runs the system and
   * holds no role about patrons (`SYSTEM_ROLES`). `libraries` lists every library the account works for
   * when it works for several, all of which share their patrons (absent: the home library only).
   */
  | { kind: 'staff'; id: string; libraryId: string | null; roles: readonly string[]; libraries?: readonly string[] }
  /** A patron logged in with card and PIN; acts on their own record, or as a guardian on a minor's. */
  | { kind: 'patron'; id: string; libraryId: string }
  | { kind: 'system'; id: 'system' }
  /**
   * A machine or vendor speaking SIP2 under its account (a self-check kiosk, a sorter, an authentication
   * client). `id` is `sip2:<account name>`, what the access log shows; it acts for its library only.
   */
  | { kind: 'sip2'; id: string; accountId: string; libraryId: string; branchId: string; accountKind: Sip2AccountKind }
  /**
   * An e-content vendor or proxy a patron signs in to (OpenID Connect, an EZproxy ticket): told that the
   * patron is valid, and nothing it may not learn (RF-6). `id` is `vendor:<vendor id>`, what the access
   * log shows; it may do nothing to the library's records.
   */
  | { kind: 'vendor'; id: string; vendorId: string; libraryId: string };

/** The operator at the command line and scheduled jobs act as the system. */
export const SYSTEM: Actor = { kind: 'system', id: 'system' };

/** Where the request came in. */
export type Channel = 'http' | 'cli' | 'sip2' | 'job';
