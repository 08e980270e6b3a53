/**
 * The published privacy policy of a library (CB-A9) and its version history (RR-10), as documents: the
 * JSON the public routes answer (`/libraries/:libraryId/privacy-policy?format=json` and `…/history`).
 * Declarations only, so the web app reads the same types the server builds: report/privacy-policy.ts
 * builds the policy, profile/profile-version.ts the history entries, profile/policy-diff.ts the changes.
 * Every sentence is in the language asked for (`?lang=`); the clauses cited are the library's own policy's.
 * The profile's notes (its authors' reasons) are not published: they are for the library, not patrons.
 */
import type { Instrument, Permit } from './disclosure.js';
import type { RecordCategory } from './records.js';

/** A sentence and the clauses it rests on. */
export interface Statement {
  text: string;
  clauses: string[];
}

/** The sections of a profile a change is listed under, in the order they are listed. */
export const CHANGE_SECTIONS = ['retention', 'records-outside-carrel', 'guardians', 'shared-patrons', 'patron-login', 'disclosure', 'statistics'] as const;
export type ChangeSection = (typeof CHANGE_SECTIONS)[number];

/** One changed rule. */
export interface PolicyChange {
  section: ChangeSection;
  /** What the rule is about, for patrons ("Returned loans"). */
  subject: string;
  /** The rule before and after, in words; null where the rule did not exist on that side. */
  before: string | null;
  after: string | null;
  /** The clause the rule now rests on (the old one when the rule was removed). */
  clause: string;
  /** The whole line: "Returned loans: anonymised on return → kept 6 months after return (CB-F3)". */
  text: string;
}

/** One entry of the published history. */
export interface PolicyVersionEntry {
  version: number;
  effective: string;
  contentHash: string;
  /** When Carrel first applied this version. */
  firstSeenAt: string;
  /** The version in force now (the one loaded). */
  current: boolean;
  /** An earlier entry has the same version number and other rules: the rules were edited without a new number. */
  changedWithoutNewVersion: boolean;
  /** What changed from the previous entry (empty for the first). */
  changes: PolicyChange[];
  /** The entry in sentences: what it is, and any flag. */
  remarks: string[];
}

/** One category of the inventory, as the page says it. */
export interface PolicyCategory {
  id: RecordCategory;
  name: string;
  /** What is kept, in words (a list in one phrase). */
  fields: string;
  /** Why: the purpose and the legal basis. */
  why: Statement;
  /** For how long, under this library's profile. */
  howLong: Statement;
  /** How it is disposed of. */
  disposal: string;
  /** Who can see it: the patron, guardians, staff roles. */
  whoCanSee: { patron: boolean; guardian: string | null; staffRoles: string[]; text: string };
}

export interface PolicyInstrument {
  instrument: Instrument;
  name: string;
  permits: Permit;
  /** Whether anything can leave the library on it. */
  permitted: boolean;
  counselReviewRequired: boolean;
  patronTold: boolean;
  statement: Statement;
}

/** The published policy of one library. */
export interface PrivacyPolicyDocument {
  library: { id: string; name: string };
  /** The language the words are in (en, es, …). */
  language: string;
  policy: { profileId: string; name: string; jurisdiction: string; version: number; effective: string; contentHash: string; source?: string };
  generatedAt: string;
  introduction: Statement[];
  categories: PolicyCategory[];
  recordsOutsideCarrel: { name: string; medium: string; howLong: Statement }[];
  access: Statement[];
  disclosure: { general: Statement[]; instruments: PolicyInstrument[] };
  statistics: Statement;
  rights: Statement[];
  /** Newest first. */
  history: PolicyVersionEntry[];
}

/** The version history of a library's policy. */
export interface PolicyHistory {
  library: { id: string; name: string };
  profileId: string;
  /** The version in force. */
  current: { version: number; effective: string; contentHash: string };
  /** Newest first, each with what changed from the one before it. */
  versions: PolicyVersionEntry[];
}
