/**
 * The privacy audit report (CB-I) as Markdown: the same document as the JSON, one heading per question
 * (a)…(e), findings first and each marked `FINDING`. Pure.
 */
import type { Translator } from '../domain/translator.js';
import { roleName, type AuditReport } from './audit-report.js';
import {
  headings,
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
  purposeText,
  receiptCategory,
  rolesText,
  runHeading,
  seriesDue,
  seriesKept,
  seriesLast,
} from './audit-report.text.js';

/**
 * Text that no Markdown renderer takes for markup (CommonMark backslash escapes, issue 22): every
 * character that opens a link, an image, raw HTML, an entity, emphasis, code, a heading or a quote is
 * escaped (pipes too, for table cells), line breaks are flattened, and the shapes GFM links without
 * brackets (`scheme://`, `www.`, `name@host`) are broken by an escape: a record series named
 * `[x](https://…)`, `![i](…)` or `<img src=x>` prints as written.
 */
export function markdownText(value: string): string {
  return value
    .replace(/\r\n?|\n/g, ' ')
    .replace(/[\\`*{}[\]<>!#&|~@]/g, '\\$&')
    // An underscore inside a word never opens emphasis (table names stay readable as `patron_search`).
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
    .replace(/:\/\//g, '\\://')
    .replace(/\b(www)\./gi, '$1\\.');
}

const text = markdownText;

/** A cell already escaped (several lines joined with `<br>`). */
type Cell = string | number | { md: string };

/** A table cell: escaped text (its pipes and line breaks included). */
function cell(value: Cell): string {
  if (typeof value === 'object') return value.md;
  return text(String(value));
}

function table(head: readonly string[], rows: readonly (readonly Cell[])[]): string[] {
  return [`| ${head.map(cell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

const lines = (items: readonly string[]): Cell => ({ md: items.map(cell).join('<br>') });

export function auditReportMarkdown(report: AuditReport, tr: Translator): string {
  const out: string[] = [];
  const push = (...text: string[]) => out.push(...text);
  const h = headings(tr);

  push(`# ${text(report.title)}`, '', ...intro(report, tr).flatMap((p) => [text(p), '']));

  push(`## ${h.findings}`, '');
  if (report.findings.length === 0) push(text(noFindings(report, tr)), '');
  else for (const f of report.findings) push(`- **${h.finding}:** ${text(f.text)}`);
  if (report.findings.length > 0) push('');

  const a = report.collected;
  push(`## ${a.question}`, '');
  push(...table([h.category, h.fields, h.heldNow], a.categories.map((c) => [c.name, c.fields.join(', '), lines(heldText(c.held))])), '');

  const b = report.purposes;
  push(`## ${b.question}`, '');
  push(...table([h.category, h.purpose, h.legalBasis, h.clauses], b.categories.map((c) => [c.name, c.purpose, c.legalBasis, c.clauses.join(', ')])), '');

  const c = report.access;
  push(`## ${c.question}`, '');
  push(
    h.rolesDerived,
    '',
    ...table([h.category, h.declaredAccess, h.staffRoles], c.categories.map((x) => [x.name, x.declared.join('; '), x.roles.length === 0 ? h.none : lines(rolesText(x.roles, tr))])),
    '',
    `### ${h.rolesAndPurposes}`,
    '',
    ...table([h.role, h.rolePurposes], c.roles.map((r) => [r.name, purposesText(r.purposes, tr)])),
    '',
    `### ${h.accessLog(c.accessLog.period.from, c.accessLog.period.to)}`,
    '',
    text(accessLogSummary(report, tr)),
    '',
    ...table([h.role, h.purpose, h.entries], c.accessLog.byRolePurpose.map((r) => [roleName(r.role, tr), purposeText(r.purpose, tr), r.entries])),
    '',
    ...table([h.category, h.entries, h.byRole], c.accessLog.byCategory.map((x) => [x.name, x.entries, byRoleText(x.byRole, tr)])),
    '',
  );

  const d = report.storage;
  push(`## ${d.question}`, '');
  push(...d.statements.map((s) => `- ${text(s)}`), '');
  push(...table([h.category, h.tables, h.sealed, h.indexes], d.categories.map((x) => [x.name, x.tables.join(', '), listOrNone(x.sealed, tr), listOrNone(x.indexed, tr)])), '');

  const e = report.retention;
  push(`## ${e.question}`, '');
  push(text(checkText(report, tr)), '');
  push(
    ...table(
      [h.category, h.rule, h.clause, h.disposal, h.lastRun, h.overdue],
      e.categories.map((x) => [x.name, x.note ? `${x.rule} (${x.note})` : x.rule, x.clause, x.disposal, lastRunText(x.lastRun, tr), overdueText(x.overdue, tr)]),
    ),
    '',
  );
  push(`### ${h.runs(e.runs.length)}`, '');
  if (e.runs.length === 0) push(h.noRuns, '');
  for (const run of e.runs) {
    push(`#### ${text(runHeading(run, tr))}`, '');
    // Records kept under a legal hold are counted in "Kept" only (a hold may stand for a gagged request, JC-II).
    push(...table([h.category, h.rule, h.clause, h.disposedOf, h.kept], run.receipts.map((r) => [receiptCategory(r.category, tr), r.rule, r.clause, r.disposed, r.kept])), '');
  }
  push(`### ${h.outside}`, '');
  if (e.externalRecords.length === 0) push(h.noSeries, '');
  else
    push(
      ...table(
        [h.series, h.medium, h.where, h.kept, h.clause, h.lastDisposal, h.due],
        e.externalRecords.map((s) => [s.name, s.medium, s.location ?? '—', seriesKept(s, tr), s.clause ?? '—', seriesLast(s, tr), seriesDue(s, tr)]),
      ),
      '',
    );
  push(text(h.generated(instant(report.generatedAt), report.format)));
  return `${out.join('\n')}\n`;
}
