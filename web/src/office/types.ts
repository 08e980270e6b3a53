/**
 * The API's answers the office reads: the static types of the server's own schemas (src/http/schemas/),
 * under the names the office uses. The audit report and a release's export are documents the schema
 * leaves open (src/report/audit-report.ts, the release's `export`): the office types the parts it reads.
 */
import type { Release as ReleaseAnswer } from '../../../src/http/schemas/disclosure';

export type { BrokenLink, Verification } from '../../../src/http/schemas/access-log';
export type { Complaint } from '../../../src/http/schemas/complaint';
export type { LegalRequestView as LegalRequest, Manifest, RequestReceipt } from '../../../src/http/schemas/disclosure';
export type { LegalHold, TransparencyReport } from '../../../src/http/schemas/legal-hold';
export type { RecordSeries } from '../../../src/http/schemas/record-series';
export type { RetentionReceipt, RetentionRunAnswer, RetentionRuns } from '../../../src/http/schemas/retention';
export type { Cell, Statistics, StatsTable } from '../../../src/http/schemas/statistics';

/** What a release answers; the export is a document the schema leaves open, and the office counts its patrons or accounts. */
export type Release = Omit<ReleaseAnswer, 'export'> & { export: ReleaseAnswer['export'] & { patrons?: unknown[]; accounts?: unknown[] } };

/** The privacy audit report (CB-I) as JSON (src/report/audit-report.ts, format carrel-audit-report-1). */
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
