/**
 * A validated policy profile as the code reads it: one library's privacy policy as data. Types only (and
 * the guardian levels' list), so the web app reads the same declaration GET /profiles/:profileId answers;
 * policy/profile.schema.ts holds the schema a profile file is validated against, profile/ the loader.
 */
import type { Instrument, Permit } from './disclosure.js';

/** What a guardian sees of a minor's record (policy/guardian.policy.ts says which sections). */
export const GUARDIAN_VIEWS = ['full', 'current-circulation', 'overdue-and-fines', 'none'] as const;
export type GuardianViewLevel = (typeof GUARDIAN_VIEWS)[number];

/** A retention rule as the engine reads it: how long, and the clause it cites. */
export interface DaysRule {
  days: number;
  clause: string;
  note?: string;
}

export type SweepKind = 'every-run' | 'annually';

/** A validated profile as the code reads it. */
export interface Profile {
  id: string;
  name: string;
  jurisdiction: string;
  version: number;
  effective: string;
  source?: string;
  /** The file it was loaded from (shipped or the operator's). */
  file: string;
  retention: {
    loans: { afterReturn: 'anonymise' } & { clause: string; note?: string } | ({ afterReturn: 'keep-months'; months: number } & { clause: string; note?: string });
    readingHistory: { offered: boolean; clause: string; note?: string };
    fines: DaysRule;
    holds: DaysRule;
    inactivePatrons: { months: number; sweep: SweepKind; clause: string; note?: string };
    deceasedPatrons: { sweep: SweepKind; clause: string; note?: string };
    computerSessions: DaysRule;
    programSignups: DaysRule;
    roomBookings: DaysRule;
    illRequests: DaysRule;
    referenceRequests: DaysRule;
    accessLog: { months: number; clause: string; note?: string };
    /** Proof that a notice went (kind, channel, time, status), kept this many days after it ended; absent: policy/notice.policy.ts's default. */
    notices?: DaysRule;
    /** A patron's authorisation of a vendor, kept this many months after its last use; absent: policy/vendor.policy.ts's default. */
    vendorAuthorisations?: { months: number; clause: string; note?: string };
  };
  access: {
    sharedPatrons: { allowed: boolean; clause: string; note?: string };
    guardians: {
      ageOfMajority: number;
      withChildCard: GuardianViewLevel;
      withoutChildCard: 'overdue-and-fines' | 'none';
      clause: string;
      note?: string;
    };
    patronLogin: { maxFailures: number; windowMinutes: number; clause: string; note?: string };
    /** What a SIP2 authentication client may learn beyond a valid patron; absent: nothing (RF-6). */
    /**
     * What vendors may learn beyond the fact of a valid patron: over SIP2 (`attributes`), and over OpenID
     * Connect the claims a contract may add with the patron's consent (`consentedClaims`; none when absent).
     */
    vendors?: { attributes: 'none' | 'category-or-age-band'; consentedClaims?: ('category' | 'age_band' | 'name' | 'email')[]; clause: string; note?: string };
  };
  /** What a notice may say (issue 17); absent: no titles (JC-VI: an email crosses other people's servers). */
  notices?: { titles: boolean; clause: string; note?: string };
  /** Lawful disclosure: what each instrument permits (policy/disclosure.policy.ts decides with it). */
  disclosure: DisclosureRules;
  externalRecords: { code: string; name: string; medium: string; days: number; clause: string; note?: string }[];
  statistics: { smallCellThreshold: number; clause: string };
}

/** What one legal instrument permits under a profile, and the clause that says so. */
export interface InstrumentRule {
  permits: Permit;
  clause: string;
  counselReviewRequired: boolean;
  notifyPatron: 'at-release' | 'never';
  note?: string;
}

/** A profile's disclosure rules as the code reads them. */
export interface DisclosureRules {
  decidedBy: 'director';
  clause: string;
  note?: string;
  instruments: Record<Instrument, InstrumentRule>;
}

/** A profile's rules: the validated profile without the file it was read from (what a version records, what GET /profiles/:profileId answers). */
export type ProfileRules = Omit<Profile, 'file'>;
