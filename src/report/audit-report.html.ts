/**
 * The privacy audit report (CB-I) as one self-contained HTML page a library can publish as it is: inline
 * CSS (print-friendly), no script, no image, no link, no external reference of any kind. Findings are red
 * and also carry the word FINDING, so they do not rely on colour alone. Every text is escaped. Pure.
 */
import { createHash } from 'node:crypto';
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

/** The page's only style sheet (its hash is what the Content-Security-Policy allows). */
export const AUDIT_REPORT_CSS = [
  ':root { color-scheme: light; }',
  'body { font-family: Georgia, "Times New Roman", serif; line-height: 1.45; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; color: #111; background: #fff; }',
  'h1 { font-size: 1.7rem; margin-bottom: 0.3rem; }',
  'h2 { font-size: 1.3rem; border-bottom: 2px solid #333; padding-bottom: 0.2rem; margin-top: 2.2rem; }',
  'h3 { font-size: 1.1rem; margin-top: 1.5rem; }',
  'h4 { font-size: 1rem; margin-bottom: 0.3rem; }',
  'p.meta { color: #333; }',
  'table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.9rem; }',
  'th, td { border: 1px solid #888; padding: 0.3rem 0.45rem; text-align: left; vertical-align: top; }',
  'th { background: #eee; }',
  'td.num { text-align: right; font-variant-numeric: tabular-nums; }',
  '.finding { color: #a00000; font-weight: bold; }',
  'ul.findings { padding-left: 0; }',
  'ul.findings li { list-style: none; border-left: 0.35rem solid #a00000; padding: 0.2rem 0 0.2rem 0.6rem; margin-bottom: 0.5rem; }',
  'p.clear { border-left: 0.35rem solid #1b5e20; padding-left: 0.6rem; }',
  '@media print {',
  '  body { margin: 0; max-width: none; font-size: 10pt; }',
  '  h2, h3, h4 { break-after: avoid; }',
  '  tr { break-inside: avoid; }',
  '  .finding, ul.findings li, th { print-color-adjust: exact; -webkit-print-color-adjust: exact; }',
  '}',
].join('\n');

/** The CSP source that allows exactly the page's inline style sheet. */
export const AUDIT_REPORT_STYLE_HASH = `'sha256-${createHash('sha256').update(AUDIT_REPORT_CSS, 'utf8').digest('base64')}'`;

/** The Content-Security-Policy to serve the page with: nothing but its own style. */
export const AUDIT_REPORT_CSP = `default-src 'none'; style-src ${AUDIT_REPORT_STYLE_HASH}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

type Cell = string | number | { html: string; className?: string };

const multi = (items: readonly string[]): Cell => ({ html: items.map(escapeHtml).join('<br>') });

function td(value: Cell): string {
  if (typeof value === 'number') return `<td class="num">${value}</td>`;
  if (typeof value === 'string') return `<td>${escapeHtml(value)}</td>`;
  return `<td${value.className ? ` class="${value.className}"` : ''}>${value.html}</td>`;
}

function table(head: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [
    '<table>',
    `<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r) => `<tr>${r.map(td).join('')}</tr>`),
    '</tbody>',
    '</table>',
  ].join('\n');
}

const p = (text: string, className?: string) => `<p${className ? ` class="${className}"` : ''}>${escapeHtml(text)}</p>`;

function section(id: string, heading: string, body: readonly string[]): string {
  return [`<section id="${id}" aria-labelledby="${id}-h">`, `<h2 id="${id}-h">${escapeHtml(heading)}</h2>`, ...body, '</section>'].join('\n');
}

export function auditReportHtml(report: AuditReport, tr: Translator): string {
  const h = headings(tr);
  const flagged = (text: string): Cell => (text.startsWith(h.finding) ? { html: escapeHtml(text), className: 'finding' } : text);
  const findings =
    report.findings.length === 0
      ? [p(noFindings(report, tr), 'clear')]
      : ['<ul class="findings">', ...report.findings.map((f) => `<li class="finding"><strong>${escapeHtml(h.finding)}:</strong> ${escapeHtml(f.text)}</li>`), '</ul>'];

  const a = report.collected;
  const b = report.purposes;
  const c = report.access;
  const d = report.storage;
  const e = report.retention;

  const runs =
    e.runs.length === 0
      ? [p(h.noRuns)]
      : e.runs.flatMap((run) => [
          `<h4>${escapeHtml(runHeading(run, tr))}</h4>`,
          // Records kept under a legal hold are counted in "Kept" only: the report is published, and a hold may
          // stand for a gagged request (JC-II); the transparency report bands those.
          table([h.category, h.rule, h.clause, h.disposedOf, h.kept], run.receipts.map((r) => [receiptCategory(r.category, tr), r.rule, r.clause, r.disposed, r.kept])),
        ]);
  const series =
    e.externalRecords.length === 0
      ? [p(h.noSeries)]
      : [
          table(
            [h.series, h.medium, h.where, h.kept, h.clause, h.lastDisposal, h.due],
            e.externalRecords.map((s) => [s.name, s.medium, s.location ?? '—', seriesKept(s, tr), s.clause ?? '—', seriesLast(s, tr), flagged(seriesDue(s, tr))]),
          ),
        ];

  const body = [
    '<header>',
    `<h1>${escapeHtml(report.title)}</h1>`,
    ...intro(report, tr).map((text) => p(text, 'meta')),
    '</header>',
    '<main>',
    section('findings', h.findings, findings),
    section('a', a.question, [table([h.category, h.fields, h.heldNow], a.categories.map((x) => [x.name, x.fields.join(', '), multi(heldText(x.held))]))]),
    section('b', b.question, [table([h.category, h.purpose, h.legalBasis, h.clauses], b.categories.map((x) => [x.name, x.purpose, x.legalBasis, x.clauses.join(', ')]))]),
    section('c', c.question, [
      p(h.rolesDerived),
      table([h.category, h.declaredAccess, h.staffRoles], c.categories.map((x) => [x.name, multi(x.declared), x.roles.length === 0 ? h.none : multi(rolesText(x.roles, tr))])),
      `<h3>${escapeHtml(h.rolesAndPurposes)}</h3>`,
      table([h.role, h.rolePurposes], c.roles.map((r) => [r.name, purposesText(r.purposes, tr)])),
      `<h3>${escapeHtml(h.accessLog(c.accessLog.period.from, c.accessLog.period.to))}</h3>`,
      p(accessLogSummary(report, tr)),
      table([h.role, h.purpose, h.entries], c.accessLog.byRolePurpose.map((r) => [roleName(r.role, tr), purposeText(r.purpose, tr), r.entries])),
      table([h.category, h.entries, h.byRole], c.accessLog.byCategory.map((x) => [x.name, x.entries, byRoleText(x.byRole, tr)])),
    ]),
    section('d', d.question, [
      '<ul>',
      ...d.statements.map((s) => `<li>${escapeHtml(s)}</li>`),
      '</ul>',
      table([h.category, h.tables, h.sealed, h.indexes], d.categories.map((x) => [x.name, x.tables.join(', '), listOrNone(x.sealed, tr), listOrNone(x.indexed, tr)])),
    ]),
    section('e', e.question, [
      p(checkText(report, tr)),
      table(
        [h.category, h.rule, h.clause, h.disposal, h.lastRun, h.overdue],
        e.categories.map((x) => [x.name, x.note ? `${x.rule} (${x.note})` : x.rule, x.clause, x.disposal, lastRunText(x.lastRun, tr), flagged(overdueText(x.overdue, tr))]),
      ),
      `<h3>${escapeHtml(h.runs(e.runs.length))}</h3>`,
      ...runs,
      `<h3>${escapeHtml(h.outside)}</h3>`,
      ...series,
    ]),
    '</main>',
    `<footer>${p(h.generated(instant(report.generatedAt), report.format), 'meta')}</footer>`,
  ];

  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(tr.language)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${AUDIT_REPORT_STYLE_HASH}">`,
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(report.title)}</title>`,
    `<style>${AUDIT_REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
