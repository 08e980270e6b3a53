import type { LegalRequest as RegisterRecord } from '../../../src/domain/disclosure';
/** The API's answers the office reads (src/http/routes/*.routes.ts say each one). */

export interface Manifest {
  records: { category: string; id: string }[];
  categories: string[];
  sha256: string;
  generatedAt: string;
}

/**
 * A legal request as the register shows it to the director (GET /legal-requests/:id): the register's own
 * record (src/domain/disclosure.ts), with the patrons it names, whether a gag holds and the profile's rule.
 */
export interface LegalRequest extends RegisterRecord {
  patronIds: string[];
  gagged: boolean;
  rule: { permits: string; clause: string; counselReviewRequired: boolean; notifyPatron: string; note?: string };
}

/** What recording a request answers: that it is in the register, nothing of its scope. */
export interface RequestReceipt {
  id: string;
  libraryId: string;
  instrument: string;
  status: string;
  receivedAt: string;
}

/** What a release answers: the export (produced once, not stored) and the manifest the register keeps. */
export interface Release {
  requestId: string;
  manifest: Manifest;
  export: { format: string; patrons?: unknown[]; accounts?: unknown[] } & Record<string, unknown>;
}

export interface LegalHold {
  id: string;
  libraryId: string;
  requestId: string | null;
  placedAt: string;
  placedBy: string;
  reason: string;
  categories: string[];
  from: string | null;
  to: string | null;
  releasedAt: string | null;
  releasedBy: string | null;
  patronIds: string[];
}

export interface RetentionReceipt {
  category: string;
  rule: string;
  clause: string;
  disposal: string;
  disposed: number;
  kept: number;
  held: number;
  firstAt: string;
  lastAt: string;
}

export interface RetentionRuns {
  libraryId: string;
  profile: { id: string; version: number };
  runs: {
    id: string;
    libraryId: string;
    profileId: string;
    profileVersion: number;
    asOf: string;
    startedAt: string;
    heartbeatAt: string;
    finishedAt: string | null;
    status: string;
    receipts: RetentionReceipt[];
  }[];
}

export interface RetentionRunAnswer {
  asOf: string;
  dryRun: boolean;
  libraries: {
    libraryId: string;
    profileId: string;
    profileVersion: number;
    runId: string | null;
    resumedFrom: string | null;
    agesRebanded: number;
    sessionsEnded: number;
    categories: { category: string; rule: string; clause: string; disposal: string; disposed: number; kept: number; held: number; skipped?: { reason: string; nextSweepAfter: string } }[];
    externalRecordsDue: { code: string; name: string; retentionDays: number; clause: string | null; dueThrough: string; overdueSince: string | null }[];
  }[];
}

export interface RecordSeries {
  code: string;
  name: string;
  medium: string;
  location: string | null;
  retentionDays: number;
  clause: string | null;
  fromProfile: boolean;
  createdAt: string;
  lastDisposal: { disposedThrough: string; method: string; confirmedBy: string; confirmedAt: string } | null;
  due: { status: 'due' | 'not-due'; dueThrough: string; overdueSince: string | null; reason: string };
}

export interface BrokenLink {
  chain: string | null;
  chainSeq: number | null;
  seq: number | null;
  problem: string;
  detail: string;
}

export interface Verification {
  ok: boolean;
  verifiedAt: string;
  entries: number;
  chains: { chain: string; entries: number; ok: boolean; brokenLinks: number; head: { seq: number; hash: string } | null; base: { seq: number; hash: string }; firstBroken: BrokenLink | null }[];
  unchained: number;
  broken: BrokenLink[];
  firstBroken: BrokenLink | null;
}

export interface Cell {
  value: number | null;
  suppressed: boolean;
}

export interface StatsTable {
  rowLabels: string[];
  columnLabels: string[];
  cells: Cell[][];
  rowTotals: Cell[];
  columnTotals: Cell[];
  total: Cell;
}

export interface Statistics {
  libraryId: string;
  kind: string;
  measure: string;
  from: string;
  to: string;
  period: string;
  rows: string;
  columns: string;
  threshold: number;
  clause: string;
  table: StatsTable;
  /** `complementary` is always null: which hidden entries are small would point to them. */
  suppressed: { total: number; complementary: number | null; marginsOnly?: boolean };
  minutes?: StatsTable;
}

export interface TransparencyReport {
  libraryId: string | null;
  period: { from: string; to: string };
  generatedAt: string;
  requests: {
    byInstrument: { instrument: string; released: number; refused: number; pending: number; withdrawn: number; total: number }[];
    ungaggedTotal: number;
    gagged: { band: string; bandWidth: number };
  };
  legalHolds: { placed: number; released: number; liveAtEnd: number };
  complaints: { received: number; answered: number; overdue: number };
}

export interface Complaint {
  id: string;
  libraryId: string;
  patronId: string | null;
  receivedAt: string;
  receivedBy: string;
  channel: string;
  topic: string;
  summary: string | null;
  dueAt: string;
  answeredAt: string | null;
  answeredBy: string | null;
  answerSummary: string | null;
  overdue: boolean;
  /** Whether there is a sealed summary (answer) to open: the list opens none, GET /complaints/:id opens both (logged). */
  hasSummary: boolean;
  hasAnswerSummary: boolean;
}

/** The privacy audit report (CB-I) as JSON (src/policy/audit-report.ts, format carrel-audit-report-1). */
export interface AuditReport {
  format: string;
  title: string;
  clause: string;
  generatedAt: string;
  library: { id: string; name: string; timeZone: string };
  profile: { id: string; name: string; jurisdiction: string; version: number; effective: string };
  period: { from: string; to: string };
  findings: { kind: string; category: string; name: string; count: number | null; rule: string; clause: string | null; overdueSince?: string; text: string }[];
  collected: { question: string; categories: { id: string; name: string; fields: string[]; held: { label: string; count: number }[] }[] };
  purposes: { question: string; categories: { id: string; name: string; purpose: string; legalBasis: string; clauses: string[] }[] };
  access: {
    question: string;
    categories: { id: string; name: string; declared: string[]; roles: { role: string; name: string; permissions: string[] }[] }[];
    roles: { role: string; name: string; purposes: string[] }[];
    accessLog: {
      period: { from: string; to: string };
      total: number;
      byRolePurpose: { role: string; purpose: string; entries: number }[];
      byCategory: { id: string; name: string; entries: number; byRole: { role: string; entries: number }[] }[];
      oldestEntryAt: string | null;
      retention: { months: number; clause: string };
    };
  };
  storage: {
    question: string;
    statements: string[];
    categories: { id: string; name: string; tables: string[]; sealed: string[]; indexed: string[] }[];
  };
  retention: {
    question: string;
    categories: {
      id: string;
      name: string;
      rule: string;
      clause: string;
      note?: string;
      disposal: string;
      lastRun: { asOf: string; status: string; disposed: number; kept: number } | null;
      overdue: number | null;
    }[];
    check: { asOf: string; graceHours: number };
    runs: { status: string; asOf: string; startedAt: string; finishedAt: string | null; profileVersion: number; receipts: { category: string; rule: string; clause: string; disposed: number; kept: number }[] }[];
    externalRecords: {
      code: string;
      name: string;
      medium: string;
      location: string | null;
      retentionDays: number;
      clause: string | null;
      lastDisposal: { disposedThrough: string; method: string; confirmedAt: string } | null;
      due: boolean;
      dueThrough: string;
      overdueSince: string | null;
    }[];
  };
}
