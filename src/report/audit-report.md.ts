/**
 * The privacy audit report (CB-I) as Markdown: the same document as the JSON, one heading per question
 * (a)…(e), findings first and each marked `FINDING`. Pure.
 */
import { roleName, type AuditReport } from './audit-report.js';
import {
  accessLogSummary,
  byRoleText,
  checkText,
  heldText,
  instant,
  intro,
  lastRunText,
  listOrNone,
  noFindings,
  overdueText,
  purposesText,
  rolesText,
  runHeading,
  seriesDue,
  seriesKept,
  seriesLast,
} from './audit-report.text.js';

/** Text that no Markdown renderer takes for markup: angle brackets escaped (CommonMark backslash escapes). */
function text(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/[<>]/g, '\\$&');
}

/** A cell already escaped (several lines joined with `<br>`). */
type Cell = string | number | { md: string };

/** A table cell: also pipes escaped and line breaks flattened. */
function cell(value: Cell): string {
  if (typeof value === 'object') return value.md;
  return text(String(value)).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(head: readonly string[], rows: readonly (readonly Cell[])[]): string[] {
  return [`| ${head.map(cell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

const lines = (items: readonly string[]): Cell => ({ md: items.map(cell).join('<br>') });

export function auditReportMarkdown(report: AuditReport): string {
  const out: string[] = [];
  const push = (...text: string[]) => out.push(...text);

  push(`# ${text(report.title)}`, '', ...intro(report).flatMap((p) => [text(p), '']));

  push('## Findings', '');
  if (report.findings.length === 0) push(noFindings(report), '');
  else for (const f of report.findings) push(`- **FINDING:** ${text(f.text)}`);
  if (report.findings.length > 0) push('');

  const a = report.collected;
  push(`## ${a.question}`, '');
  push(...table(['Category', 'Fields', 'Held now'], a.categories.map((c) => [c.name, c.fields.join(', '), lines(heldText(c.held))])), '');

  const b = report.purposes;
  push(`## ${b.question}`, '');
  push(...table(['Category', 'Purpose', 'Legal basis', 'Clauses'], b.categories.map((c) => [c.name, c.purpose, c.legalBasis, c.clauses.join(', ')])), '');

  const c = report.access;
  push(`## ${c.question}`, '');
  push(
    'Staff roles are derived from the role table that the software enforces; a role reaches a category only through the permissions named.',
    '',
    ...table(['Category', 'Declared access', 'Staff roles (permissions)'], c.categories.map((x) => [x.name, x.declared.join('; '), x.roles.length === 0 ? 'none' : lines(rolesText(x.roles))])),
    '',
    '### Roles and the purposes they may name',
    '',
    ...table(['Role', 'Purposes for reading a record outside a transaction'], c.roles.map((r) => [r.name, purposesText(r.purposes)])),
    '',
    `### Access log, ${c.accessLog.period.from} to ${c.accessLog.period.to}`,
    '',
    accessLogSummary(report),
    '',
    ...table(['Role', 'Purpose', 'Entries'], c.accessLog.byRolePurpose.map((r) => [roleName(r.role), r.purpose, r.entries])),
    '',
    ...table(['Category', 'Entries', 'By role'], c.accessLog.byCategory.map((x) => [x.name, x.entries, byRoleText(x.byRole)])),
    '',
  );

  const d = report.storage;
  push(`## ${d.question}`, '');
  push(...d.statements.map((s) => `- ${text(s)}`), '');
  push(...table(['Category', 'Tables', 'Sealed fields', 'Blind indexes'], d.categories.map((x) => [x.name, x.tables.join(', '), listOrNone(x.sealed), listOrNone(x.indexed)])), '');

  const e = report.retention;
  push(`## ${e.question}`, '');
  push(checkText(report), '');
  push(
    ...table(
      ['Category', 'Rule', 'Clause', 'Disposal', 'Last run', 'Overdue'],
      e.categories.map((x) => [x.name, x.note ? `${x.rule} (${x.note})` : x.rule, x.clause, x.disposal, lastRunText(x.lastRun), overdueText(x.overdue)]),
    ),
    '',
  );
  push(`### Retention runs (latest ${e.runs.length})`, '');
  if (e.runs.length === 0) push('No retention run has been recorded for this library.', '');
  for (const run of e.runs) {
    push(`#### ${runHeading(run)}`, '');
    // Records kept under a legal hold are counted in "Kept" only (a hold may stand for a gagged request, JC-II).
    push(...table(['Category', 'Rule', 'Clause', 'Disposed of', 'Kept'], run.receipts.map((r) => [r.category, r.rule, r.clause, r.disposed, r.kept])), '');
  }
  push('### Records kept outside Carrel', '');
  if (e.externalRecords.length === 0) push('The register holds no record series kept outside Carrel.', '');
  else
    push(
      ...table(
        ['Series', 'Medium', 'Where', 'Kept', 'Clause', 'Last confirmed disposal', 'Due'],
        e.externalRecords.map((s) => [s.name, s.medium, s.location ?? '—', seriesKept(s), s.clause ?? '—', seriesLast(s), seriesDue(s)]),
      ),
      '',
    );
  push(`Report generated ${instant(report.generatedAt)} (${report.format}).`);
  return `${out.join('\n')}\n`;
}
