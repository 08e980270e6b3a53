/**
 * The words both renderings of the audit report share (Markdown and HTML say the same thing): cell texts
 * built from the typed document, never from anything else, in the translator's language. Pure.
 */
import type { Translator } from '../domain/translator.js';
import type { AuditReport } from './audit-report.js';
import { readableInstant, roleName } from './audit-report.js';
import { engineCategoryWords, permissionWords, purposeWords, statusWords } from './inventory-words.js';

/** An instant as people read it: `2026-03-02 17:00 UTC`. */
export const instant = readableInstant;

export function intro(report: AuditReport, tr: Translator): string[] {
  const p = report.profile;
  return [
    tr.t('report.audit.introLibrary', { library: report.library.name, libraryId: report.library.id, profile: p.name, jurisdiction: p.jurisdiction, profileId: p.id, version: p.version, effective: p.effective }),
    tr.t('report.audit.introGenerated', { at: instant(report.generatedAt), clause: report.clause }),
    tr.t('report.audit.introPeriod', { from: report.period.from, to: report.period.to, timeZone: report.library.timeZone }),
  ];
}

export function noFindings(report: AuditReport, tr: Translator): string {
  return tr.t('report.audit.noFindings', { at: instant(report.retention.check.asOf), hours: report.retention.check.graceHours });
}

/** Each line as `label: count`, `label: band` (aggregate statistics: a band of rows, never a count), or the label alone. */
export function heldText(lines: readonly { label: string; count: number | null; band?: string }[]): string[] {
  return lines.map((l) => (l.count !== null ? `${l.label}: ${l.count}` : l.band !== undefined ? `${l.label}: ${l.band}` : l.label));
}

export function rolesText(roles: AuditReport['access']['categories'][number]['roles'], tr: Translator): string[] {
  return roles.map((r) => `${r.name} (${r.permissions.map((p) => permissionWords(tr, p)).join(', ')})`);
}

export function purposesText(purposes: readonly string[], tr: Translator): string {
  return purposes.length === 0 ? tr.t('report.audit.noPurposes') : purposes.map((p) => purposeWords(tr, p)).join(', ');
}

export function accessLogSummary(report: AuditReport, tr: Translator): string {
  const log = report.access.accessLog;
  return tr.t('report.audit.accessLogSummary', { entries: log.total, months: log.retention.months, clause: log.retention.clause, oldest: instant(log.oldestEntryAt) });
}

export function byRoleText(byRole: readonly { role: string; entries: number }[], tr: Translator): string {
  return byRole.length === 0 ? '—' : byRole.map((r) => `${roleName(r.role, tr)}: ${r.entries}`).join('; ');
}

export function listOrNone(items: readonly string[], tr: Translator): string {
  return items.length === 0 ? tr.t('report.audit.none') : items.join(', ');
}

export function lastRunText(run: AuditReport['retention']['categories'][number]['lastRun'], tr: Translator): string {
  if (!run) return tr.t('report.audit.noRunYet');
  // Legal holds are not named: a hold may stand for a gagged request (JC-II).
  return tr.t('report.audit.lastRun', { at: instant(run.asOf), status: statusWords(tr, 'run', run.status), disposed: run.disposed, kept: run.kept });
}

/** Starts with FINDING (the word the renderings flag) when something is overdue. */
export function overdueText(overdue: number | null, tr: Translator): string {
  if (overdue === null) return tr.t('report.audit.notByEngine');
  return overdue === 0 ? tr.t('report.audit.none') : `${tr.t('report.audit.finding')}: ${tr.t('report.audit.overdueCount', { count: overdue })}`;
}

export function checkText(report: AuditReport, tr: Translator): string {
  const c = report.retention.check;
  return tr.t('report.audit.check', { at: instant(c.asOf), hours: c.graceHours });
}

export function runHeading(run: AuditReport['retention']['runs'][number], tr: Translator): string {
  return tr.t(run.finishedAt ? 'report.audit.runHeadingFinished' : 'report.audit.runHeadingUnfinished', {
    asOf: instant(run.asOf),
    status: statusWords(tr, 'run', run.status),
    started: instant(run.startedAt),
    finished: instant(run.finishedAt),
    version: run.profileVersion,
  });
}

export function seriesKept(s: AuditReport['retention']['externalRecords'][number], tr: Translator): string {
  return tr.t('report.audit.seriesKept', { days: s.retentionDays });
}

/** How a series was disposed of: the staff's own words, or the default's in the report's language. */
function disposalMethod(method: string, tr: Translator): string {
  return method === 'destroyed' ? tr.t('report.audit.methodDestroyed') : method;
}

export function seriesLast(s: AuditReport['retention']['externalRecords'][number], tr: Translator): string {
  return s.lastDisposal
    ? tr.t('report.audit.seriesLast', { through: instant(s.lastDisposal.disposedThrough), method: disposalMethod(s.lastDisposal.method, tr), confirmed: instant(s.lastDisposal.confirmedAt) })
    : tr.t('report.audit.noneConfirmed');
}

/** Starts with FINDING when the series is due. */
export function seriesDue(s: AuditReport['retention']['externalRecords'][number], tr: Translator): string {
  if (!s.due) return tr.t('report.audit.notDue');
  return `${tr.t('report.audit.finding')}: ${s.overdueSince ? tr.t('report.audit.dueSince', { since: instant(s.overdueSince) }) : tr.t('report.audit.due')}`;
}

/** A purpose as the access log records it, in words. */
export function purposeText(purpose: string, tr: Translator): string {
  return purposeWords(tr, purpose);
}

/** A retention run's receipt: the engine's category in words. */
export function receiptCategory(category: string, tr: Translator): string {
  return engineCategoryWords(tr, category);
}

/** The headings and fixed sentences of both renderings. */
export function headings(tr: Translator) {
  return {
    findings: tr.t('report.audit.findings'),
    finding: tr.t('report.audit.finding'),
    category: tr.t('report.audit.col.category'),
    fields: tr.t('report.audit.col.fields'),
    heldNow: tr.t('report.audit.col.heldNow'),
    purpose: tr.t('report.audit.col.purpose'),
    legalBasis: tr.t('report.audit.col.legalBasis'),
    clauses: tr.t('report.audit.col.clauses'),
    declaredAccess: tr.t('report.audit.col.declaredAccess'),
    staffRoles: tr.t('report.audit.col.staffRoles'),
    role: tr.t('report.audit.col.role'),
    rolePurposes: tr.t('report.audit.col.rolePurposes'),
    entries: tr.t('report.audit.col.entries'),
    byRole: tr.t('report.audit.col.byRole'),
    tables: tr.t('report.audit.col.tables'),
    sealed: tr.t('report.audit.col.sealed'),
    indexes: tr.t('report.audit.col.indexes'),
    rule: tr.t('report.audit.col.rule'),
    clause: tr.t('report.audit.col.clause'),
    disposal: tr.t('report.audit.col.disposal'),
    lastRun: tr.t('report.audit.col.lastRun'),
    overdue: tr.t('report.audit.col.overdue'),
    disposedOf: tr.t('report.audit.col.disposedOf'),
    kept: tr.t('report.audit.col.kept'),
    series: tr.t('report.audit.col.series'),
    medium: tr.t('report.audit.col.medium'),
    where: tr.t('report.audit.col.where'),
    lastDisposal: tr.t('report.audit.col.lastDisposal'),
    due: tr.t('report.audit.col.due'),
    none: tr.t('report.audit.none'),
    rolesDerived: tr.t('report.audit.rolesDerived'),
    rolesAndPurposes: tr.t('report.audit.rolesAndPurposes'),
    noRuns: tr.t('report.audit.noRuns'),
    outside: tr.t('report.audit.outside'),
    noSeries: tr.t('report.audit.noSeries'),
    accessLog: (from: string, to: string) => tr.t('report.audit.accessLogHeading', { from, to }),
    runs: (count: number) => tr.t('report.audit.runsHeading', { count }),
    generated: (at: string, format: string) => tr.t('report.audit.generated', { at, format }),
  };
}
