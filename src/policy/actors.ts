/**
 * Who is asking and why. Every use case receives an Actor and a Purpose; the access log records both.
 */

/** Why personal data is being touched (CB-A3, RF-10: only in the performance of duties). */
export const PURPOSES = [
  'circulation',
  'account-service',
  'materials-recovery',
  'fines-collection',
  'legal-disclosure',
  'statistics',
  'self-service',
  'administration',
  'retention',
  /** A public computer's log is reviewed because a violation is suspected (JC-VII). */
  'violation-review',
  /** A guardian sees a minor's record as the profile allows (RR-8, CB-B3, JC-IVc, IF-7). */
  'guardian-access',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * The purposes a member of staff names when looking a patron up outside a circulation transaction
 * (checking out, in, renewing, placing a hold): a fixed list, checked against their role.
 */
export const LOOKUP_PURPOSES = ['account-service', 'materials-recovery', 'fines-collection', 'violation-review', 'legal-disclosure'] as const satisfies readonly Purpose[];
export type LookupPurpose = (typeof LOOKUP_PURPOSES)[number];

/**
 * Staff roles, from least to most trusted with patron data. `circulation` is the circulation clerk and
 * `admin` the system administrator (the names the first releases used; they stay).
 */
export const ROLES = ['volunteer', 'circulation', 'librarian', 'branch-manager', 'director', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  volunteer: 'volunteer',
  circulation: 'circulation clerk',
  librarian: 'librarian',
  'branch-manager': 'branch manager',
  director: 'director / privacy officer',
  admin: 'system administrator',
};

export type Actor =
  | { kind: 'staff'; id: string; libraryId: string | null; roles: readonly string[] }
  /** A patron logged in with card and PIN; acts on their own record, or as a guardian on a minor's. */
  | { kind: 'patron'; id: string; libraryId: string }
  | { kind: 'system'; id: 'system' };

/** The operator at the command line and scheduled jobs act as the system. */
export const SYSTEM: Actor = { kind: 'system', id: 'system' };

/** Where the request came in. */
export type Channel = 'http' | 'cli' | 'sip2' | 'job';
