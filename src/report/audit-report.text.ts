/**
 * The words both renderings of the audit report share (Markdown and HTML say the same thing): cell texts
 * built from the typed document, never from anything else. Pure.
 */
import type { AuditReport } from './audit-report.js';
import { readableInstant, roleName } from './audit-report.js';

/** An instant as people read it: `2026-03-02 17:00 UTC`. */
export const instant = readableInstant;

export const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

export function intro(report: AuditReport): string[] {
  const p = report.profile;
  return [
    `Library: ${report.library.name} (${report.library.id}). Policy profile: ${p.name}, ${p.jurisdiction} (${p.id}, version ${p.version}, effective ${p.effective}).`,
    `Generated ${instant(report.generatedAt)} from the live system: the data inventory, the library's policy profile, the staff role table, counts of the records held, the access log and the retention engine's receipts. ` +
      `It answers the five questions of the privacy audit (${report.clause}) and names no patron.`,
    `Access-log period: ${report.period.from} up to, not including, ${report.period.to} (${report.library.timeZone}).`,
  ];
}

export function noFindings(report: AuditReport): string {
  return `No findings: nothing was past its retention at ${instant(report.retention.check.asOf)} (the report's time less ${plural(report.retention.check.graceHours, 'hour')} for the scheduled run), and no record series kept outside Carrel is due for disposal.`;
}

/** Each line as `label: count`, `label: band` (aggregate statistics: a band of rows, never a count), or the label alone. */
export function heldText(lines: readonly { label: string; count: number | null; band?: string }[]): string[] {
  return lines.map((l) => (l.count !== null ? `${l.label}: ${l.count}` : l.band !== undefined ? `${l.label}: ${l.band}` : l.label));
}

export function rolesText(roles: AuditReport['access']['categories'][number]['roles']): string[] {
  return roles.map((r) => `${r.name} (${r.permissions.join(', ')})`);
}

export function purposesText(purposes: readonly string[]): string {
  return purposes.length === 0 ? 'none (reads no record outside a transaction)' : purposes.join(', ');
}

export function accessLogSummary(report: AuditReport): string {
  const log = report.access.accessLog;
  return (
    `${plural(log.total, 'entry', 'entries')} about this library's patrons in the period. ` +
    `The log is kept ${plural(log.retention.months, 'month')} (${log.retention.clause}); its oldest entry held now is of ${instant(log.oldestEntryAt)}. ` +
    'Each entry records the role the actor acted in, the purpose and the record categories touched (never the data).'
  );
}

export function byRoleText(byRole: readonly { role: string; entries: number }[]): string {
  return byRole.length === 0 ? '—' : byRole.map((r) => `${roleName(r.role)}: ${r.entries}`).join('; ');
}

export function listOrNone(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}

export function lastRunText(run: AuditReport['retention']['categories'][number]['lastRun']): string {
  if (!run) return 'no run yet';
  // Legal holds are not named: a hold may stand for a gagged request (JC-II).
  return `${instant(run.asOf)} (${run.status}): ${run.disposed} disposed of, ${run.kept} kept`;
}

export function overdueText(overdue: number | null): string {
  if (overdue === null) return 'not disposed of by the retention engine';
  return overdue === 0 ? 'none' : `FINDING: ${overdue} overdue`;
}

export function checkText(report: AuditReport): string {
  const c = report.retention.check;
  return (
    `Overdue: what the retention engine, run dry for this library at ${instant(c.asOf)} (the report's time less ${plural(c.graceHours, 'hour')} for the scheduled run), would have disposed of. ` +
    'A record counted there is past its retention and still held.'
  );
}

export function runHeading(run: AuditReport['retention']['runs'][number]): string {
  return `Run as of ${instant(run.asOf)}: ${run.status}, started ${instant(run.startedAt)}, ${run.finishedAt ? `finished ${instant(run.finishedAt)}` : 'not finished'} (profile version ${run.profileVersion})`;
}

export function seriesKept(s: AuditReport['retention']['externalRecords'][number]): string {
  return `at most ${plural(s.retentionDays, 'day')}`;
}

export function seriesLast(s: AuditReport['retention']['externalRecords'][number]): string {
  return s.lastDisposal ? `through ${instant(s.lastDisposal.disposedThrough)} (${s.lastDisposal.method}, confirmed ${instant(s.lastDisposal.confirmedAt)})` : 'none confirmed';
}

export function seriesDue(s: AuditReport['retention']['externalRecords'][number]): string {
  return s.due ? `FINDING: due${s.overdueSince ? ` since ${instant(s.overdueSince)}` : ''}` : 'not due';
}
