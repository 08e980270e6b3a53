/**
 * The privacy audit report (CB-I) as a document: the JSON GET /libraries/:libraryId/audit-report answers
 * (format carrel-audit-report-1), and what its Markdown and HTML renderings show. Declarations only, so
 * the web app reads the same type the server builds (report/audit-report.ts).
 */
import type { AuditFacts, EngineSettings, RunFacts, SeriesFacts } from './audit-facts.js';
import type { RecordCategory } from './records.js';
import type { Permission, Role } from './roles.js';

export const AUDIT_REPORT_FORMAT = 'carrel-audit-report-1';

/** A staff role that reaches a category, and through which of its permissions. */
export interface RoleAccess {
  role: Role;
  name: string;
  /** The permissions of this role that reach the category. */
  permissions: Permission[];
  /** The same permissions in words, in the report's language ("may record a legal request"). */
  permissionNames?: string[];
}

/**
 * One line of what a category holds: a count, or (the aggregate statistics) no count, with a band in
 * words instead (`rowBand`) or nothing more (a statement).
 */
export interface CountLine {
  label: string;
  count: number | null;
  band?: string;
}

export interface Finding {
  kind: 'overdue-disposal' | 'record-series-overdue';
  /** The inventory category, or the record series' code. */
  category: string;
  name: string;
  /** Records past their retention (null for a record series: Carrel holds no count of them). */
  count: number | null;
  rule: string;
  clause: string | null;
  /** For a record series: since when its disposal has been due. */
  overdueSince?: string;
  text: string;
}

export interface AuditReport {
  format: typeof AUDIT_REPORT_FORMAT;
  title: string;
  /** The clause that asks for this audit. */
  clause: 'CB-I';
  generatedAt: string;
  library: { id: string; name: string; timeZone: string };
  profile: { id: string; name: string; jurisdiction: string; version: number; effective: string };
  period: { from: string; to: string };
  findings: Finding[];
  collected: {
    question: string;
    categories: { id: RecordCategory; name: string; fields: string[]; held: CountLine[] }[];
  };
  purposes: {
    question: string;
    categories: { id: RecordCategory; name: string; purpose: string; legalBasis: string; clauses: string[] }[];
  };
  access: {
    question: string;
    categories: { id: RecordCategory; name: string; declared: string[]; roles: RoleAccess[] }[];
    roles: { role: Role; name: string; purposes: string[] }[];
    accessLog: {
      period: { from: string; to: string };
      total: number;
      byRolePurpose: { role: string; purpose: string; entries: number }[];
      byCategory: { id: RecordCategory; name: string; entries: number; byRole: { role: string; entries: number }[] }[];
      oldestEntryAt: string | null;
      retention: { months: number; clause: string };
    };
  };
  storage: {
    question: string;
    statements: string[];
    engine: EngineSettings;
    keys: AuditFacts['storage']['keyEncryptionKey'] & { keyEncryptionKeys: number; dataKeys: AuditFacts['storage']['dataKeys']; shreddedKeyRetentionDays: number };
    backups: { lastBackupAt: string | null; lastRestoreAt: string | null };
    categories: { id: RecordCategory; name: string; tables: string[]; sealed: string[]; indexed: string[] }[];
  };
  retention: {
    question: string;
    categories: {
      id: RecordCategory;
      name: string;
      rule: string;
      clause: string;
      note?: string;
      disposal: string;
      /** What the latest run that reached this category disposed of and kept. */
      lastRun: { asOf: string; status: string; disposed: number; kept: number; held: number } | null;
      /** Records past their retention that no run has disposed of (null: the engine does not dispose of this category). */
      overdue: number | null;
    }[];
    check: { asOf: string; graceHours: number };
    runs: RunFacts[];
    externalRecords: (Omit<SeriesFacts, 'due'> & { due: boolean; dueThrough: string; overdueSince: string | null })[];
  };
}
