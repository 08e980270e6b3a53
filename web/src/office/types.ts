/**
 * The API's answers the office reads: the static types of the server's own schemas (src/http/schemas/),
 * under the names the office uses. The audit report and a release's export are documents the schema
 * leaves open: their types are the server's declarations in src/domain/ (audit-report-document.ts,
 * disclosure.ts).
 */
import type { DisclosureExport } from '../../../src/domain/disclosure';
import type { Release as ReleaseAnswer } from '../../../src/http/schemas/disclosure';

export type { BrokenLink, Verification } from '../../../src/http/schemas/access-log';
export type { Complaint } from '../../../src/http/schemas/complaint';
export type { LegalRequestView as LegalRequest, Manifest, RequestReceipt } from '../../../src/http/schemas/disclosure';
export type { LegalHold, TransparencyReport } from '../../../src/http/schemas/legal-hold';
export type { RecordSeries } from '../../../src/http/schemas/record-series';
export type { RetentionReceipt, RetentionRunAnswer, RetentionRuns } from '../../../src/http/schemas/retention';
export type { Cell, Statistics, StatsTable } from '../../../src/http/schemas/statistics';

/** What a release answers; the schema leaves the export open, and its contents are the server's declaration. */
export type Release = Omit<ReleaseAnswer, 'export'> & { export: DisclosureExport };

/** The privacy audit report (CB-I) as JSON, format carrel-audit-report-1: the server's own declaration. */
export type { AuditReport } from '../../../src/domain/audit-report-document';

/** Notices and breaches (issue 17). */
export type {
  BreachRecorded,
  BreachView,
  Letter,
  NoticeCount,
  NoticeSettingsView as NoticeSettings,
  NoticeView,
  TemplatePreview,
  TemplateView,
} from '../../../src/http/schemas/notices';
