/**
 * Why personal data is touched: the fixed list of purposes, and the ones a member of staff names for a
 * look-up. Plain names, no rules: which role may name which is the policy's (policy/permissions.ts).
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
  /** A machine asks whether a card and PIN are a valid patron's (SIP2 authentication: EZproxy, a vendor; RF-6). */
  'authentication',
  /** A notice the patron chose (JC-VI), or the law requires (RR-6, RR-10), is written and sent. */
  'notices',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * The purposes a member of staff names when looking a patron up outside a circulation transaction
 * (checking out, in, renewing, placing a hold): a fixed list, checked against their role.
 */
export const LOOKUP_PURPOSES = ['account-service', 'materials-recovery', 'fines-collection', 'violation-review', 'legal-disclosure'] as const satisfies readonly Purpose[];
export type LookupPurpose = (typeof LOOKUP_PURPOSES)[number];
