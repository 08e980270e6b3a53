/**
 * The facts the privacy audit report (CB-I) is built from, as storage counts them: records held by kind
 * and status, access-log entries grouped by role, purpose and categories, and the engine's settings.
 * Counts and names only, never a patron. The use case gathers them (usecases/audit-report.usecases.ts);
 * report/audit-report.ts builds the report from them.
 */
import type { RecordSeries } from './record-series.js';
import type { Profile } from './profile.js';

/** A count per status (or kind) code. */
export interface CodeCount {
  code: string;
  count: number;
}

export interface HeldCounts {
  patronsByStatus: CodeCount[];
  /** Patrons who opted in to keeping their reading history (JC-IIIc). */
  readingHistoryPatrons: number;
  /** Blind-index tokens kept for look-ups (card number, email, phone, name words). */
  searchTokens: number;
  guardianLinks: { current: number; ended: number };
  loansByStatus: CodeCount[];
  /** Complete loans kept because their borrower opted in to reading history (ended after the opt-in). */
  readingHistoryLoans: number;
  holdsByStatus: CodeCount[];
  finesByStatus: CodeCount[];
  payments: number;
  /** Service records per kind (`computer-session`, …) and status. */
  serviceRecords: { kind: string; status: string; count: number }[];
  complaints: { open: number; answered: number; anonymous: number };
  /** Notices per status (issue 17), and the breach register (RR-6): breaches and the patrons told of them. */
  noticesByStatus: CodeCount[];
  breaches: { recorded: number; patronsAffected: number };
  accessLogEntries: number;
  /** Vendors' sign-ins remembered for patrons (issue 19): pairs of a patron and a vendor, and how many carry a consent. */
  vendorAuthorisations: { pairs: number; withConsent: number };
  /**
   * The aggregate statistics tables: how many rows each holds, and nothing summed. A sum of their counts
   * over all time, published twice (or once beside the published months), would give the month under
   * way, unsuppressed; the report shows only a band of these row counts (report/audit-report.ts).
   */
  statistics: { rows: number };
  registrationStatistics: { rows: number };
  serviceStatistics: { rows: number };
  /** Sign-ins per vendor per month (issue 19): rows only, as the other aggregates. */
  vendorStatistics: { rows: number };
}

/** Access-log entries of a period, counted per role, purpose and set of categories touched. */
export interface AccessLogGroup {
  role: string;
  purpose: string;
  /** The categories an entry touched (names, never data). */
  categories: string[];
  entries: number;
}

export type EngineSettings =
  | { engine: 'sqlite'; version: string; journalMode: string; secureDelete: boolean }
  | { engine: 'postgres'; version: string };

/** One retention run, as the report lists it. */
export interface RunFacts {
  status: string;
  asOf: string;
  startedAt: string;
  finishedAt: string | null;
  profileVersion: number;
  receipts: { category: string; rule: string; clause: string; disposed: number; kept: number; held: number }[];
}

export interface SeriesFacts extends Pick<RecordSeries, 'code' | 'name' | 'medium' | 'location' | 'retentionDays' | 'clause'> {
  lastDisposal: { disposedThrough: string; method: string; confirmedAt: string } | null;
  due: { status: 'due' | 'not-due'; dueThrough: string; overdueSince: string | null };
}

export interface AuditFacts {
  generatedAt: string;
  library: { id: string; name: string; timeZone: string };
  profile: Profile;
  /** YYYY-MM-DD in the library's time zone; `to` is the day after the last day. */
  period: { from: string; to: string };
  held: HeldCounts;
  accessLog: { groups: AccessLogGroup[]; oldestEntryAt: string | null };
  storage: {
    engine: EngineSettings;
    /** Where the key-encryption key comes from (never the key). */
    keyEncryptionKey: { kind: 'file' } | { kind: 'env' };
    /** Keys in the key ring: more than one while a rotation is under way. */
    keyEncryptionKeys: number;
    /** Patron data keys in the key store (the whole installation), and how many a rotation has not reached. */
    dataKeys: { total: number; notUnderCurrent: number };
    shreddedKeyRetentionDays: number;
    lastBackupAt: string | null;
    lastRestoreAt: string | null;
  };
  /** The library's latest retention runs, newest first. */
  runs: RunFacts[];
  /** The register of records kept outside Carrel (camera footage, paper sheets). */
  series: SeriesFacts[];
}
