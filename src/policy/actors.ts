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
] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Staff roles. Issue "who may see what" refines these into the full permission table. */
export const ROLES = ['admin', 'circulation'] as const;
export type Role = (typeof ROLES)[number];

export type Actor =
  | { kind: 'staff'; id: string; libraryId: string | null; roles: readonly string[] }
  | { kind: 'system'; id: 'system' };

/** The operator at the command line and scheduled jobs act as the system. */
export const SYSTEM: Actor = { kind: 'system', id: 'system' };

/** Where the request came in. */
export type Channel = 'http' | 'cli' | 'sip2' | 'job';
