/**
 * The facts the privacy audit report (CB-I) is built from, as storage counts them: records held by kind
 * and status, access-log entries grouped by role, purpose and categories, and the engine's settings.
 * Counts and names only, never a patron.
 */

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
  accessLogEntries: number;
  /**
   * The aggregate statistics tables: how many rows each holds, and nothing summed. A sum of their counts
   * over all time, published twice (or once beside the published months), would give the month under
   * way, unsuppressed; the report shows only a band of these row counts (policy/audit-report.ts).
   */
  statistics: { rows: number };
  registrationStatistics: { rows: number };
  serviceStatistics: { rows: number };
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
