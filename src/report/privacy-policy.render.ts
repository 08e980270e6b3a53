/**
 * The published privacy policy, printed: a self-contained HTML page (one inline style sheet, no script,
 * nothing fetched from anywhere, readable on paper) and Markdown. Pure.
 */
import { createHash } from 'node:crypto';
import type { PolicyVersionEntry } from '../domain/published-policy.js';
import type { PrivacyPolicyDocument, Statement } from './privacy-policy.js';

// ── HTML ─────────────────────────────────────────────────────────────────────────────────────────

const STYLE = `
body{font-family:Georgia,'Times New Roman',serif;line-height:1.5;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;background:#fff}
h1{font-size:1.8rem;margin-bottom:.2rem}h2{font-size:1.35rem;margin-top:2.2rem;border-bottom:1px solid #999}h3{font-size:1.1rem;margin:1.6rem 0 .3rem}
.meta{color:#444}.clause{font-family:Menlo,Consolas,monospace;font-size:.85em;color:#333;white-space:nowrap}
dl{margin:.2rem 0}dt{font-weight:bold;margin-top:.5rem}dd{margin-left:1.2rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}
.no{color:#7a0000}.yes{color:#00520f}.note{color:#444;font-size:.92em}.flag{color:#7a0000;font-weight:bold}
@media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid}section,tr{break-inside:avoid}}
`.trim();

/**
 * The Content-Security-Policy the page is served with: nothing may load, and the one style sheet is
 * allowed by its hash (no inline script or style attribute would run or apply).
 */
export const POLICY_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const clausesHtml = (clauses: readonly string[]) => (clauses.length === 0 ? '' : ` <span class="clause">(${clauses.map(esc).join(', ')})</span>`);
const statementHtml = (s: Statement) => `${esc(s.text)}${clausesHtml(s.clauses)}`;
const statementsHtml = (items: readonly Statement[]) => `<ul>${items.map((s) => `<li>${statementHtml(s)}</li>`).join('')}</ul>`;

function historyHtml(history: readonly PolicyVersionEntry[]): string {
  if (history.length === 0) return '<p>No earlier version is recorded.</p>';
  return history
    .map((entry) => {
      const head = `Version ${entry.version}, effective ${esc(entry.effective)}${entry.current ? ' (in force)' : ''}`;
      const flag = entry.changedWithoutNewVersion ? ' <span class="flag">— changed without a new version number</span>' : '';
      const remarks = entry.remarks.map((r) => `<li>${esc(r)}</li>`).join('');
      const changes = entry.changes.map((c) => `<li>${esc(c.text)}</li>`).join('');
      return `<section><h3>${head}${flag}</h3><p class="meta">First applied ${esc(entry.firstSeenAt.slice(0, 10))}. Fingerprint <span class="clause">${esc(entry.contentHash.slice(0, 16))}</span>.</p><ul>${remarks}${changes}</ul></section>`;
    })
    .join('');
}

/** The policy as one self-contained HTML page. */
export function renderPolicyHtml(doc: PrivacyPolicyDocument): string {
  const p = doc.policy;
  const categories = doc.categories
    .map(
      (c) => `<section id="${esc(c.id)}"><h3>${esc(c.name)}</h3><dl>
<dt>What is kept</dt><dd>${esc(c.fields.join('; '))}.</dd>
<dt>Why</dt><dd>${statementHtml(c.why)}</dd>
<dt>For how long</dt><dd>${statementHtml(c.howLong)}${c.note ? `<br><span class="note">${esc(c.note)}</span>` : ''}</dd>
<dt>Who can see it</dt><dd>${esc(c.whoCanSee.text)}</dd>
<dt>How it is disposed of</dt><dd>${esc(c.disposal)}</dd>
</dl></section>`,
    )
    .join('\n');
  const outside =
    doc.recordsOutsideCarrel.length === 0
      ? ''
      : `<h3>Kept outside this system</h3><ul>${doc.recordsOutsideCarrel
          .map((s) => `<li><strong>${esc(s.name)}</strong> (${esc(s.medium)}): ${statementHtml(s.howLong)}${s.note ? ` <span class="note">${esc(s.note)}</span>` : ''}</li>`)
          .join('')}</ul>`;
  const instruments = doc.disclosure.instruments
    .map(
      (i) =>
        `<tr><td>${esc(i.name)}</td><td class="${i.permitted ? 'yes' : 'no'}">${i.permitted ? 'Possible' : 'Never'}</td><td>${statementHtml(i.statement)}${i.note ? `<br><span class="note">${esc(i.note)}</span>` : ''}</td></tr>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Privacy policy — ${esc(doc.library.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Privacy policy of ${esc(doc.library.name)}</h1>
<p class="meta">Version ${p.version}, effective ${esc(p.effective)} · ${esc(p.name)} (${esc(p.jurisdiction)})${p.source ? ` · The library’s policy text: ${esc(p.source)}` : ''}</p>
</header>
<main>
${statementsHtml(doc.introduction)}
<h2>What we keep, why, and for how long</h2>
${categories}
${outside}
<h2>Who can see it</h2>
${statementsHtml(doc.access)}
<h2>When your records could be disclosed</h2>
${statementsHtml(doc.disclosure.general)}
<table>
<thead><tr><th>On what basis</th><th>Released?</th><th>What this policy says</th></tr></thead>
<tbody>
${instruments}
</tbody>
</table>
<h2>Statistics</h2>
<p>${statementHtml(doc.statistics)}</p>
<h2>Your rights</h2>
${statementsHtml(doc.rights)}
<h2>Changes to this policy</h2>
${historyHtml(doc.history)}
</main>
<footer><p class="meta">The codes in brackets name the clause of the library’s policy each statement carries out. Generated ${esc(doc.generatedAt.slice(0, 10))}.</p></footer>
</body>
</html>
`;
}

// ── Markdown ─────────────────────────────────────────────────────────────────────────────────────

const clausesMd = (clauses: readonly string[]) => (clauses.length === 0 ? '' : ` (${clauses.join(', ')})`);
const statementMd = (s: Statement) => `${s.text}${clausesMd(s.clauses)}`;
const bullets = (items: readonly string[]) => items.map((i) => `- ${i}`).join('\n');

/** The policy as Markdown. */
export function renderPolicyMarkdown(doc: PrivacyPolicyDocument): string {
  const p = doc.policy;
  const out: string[] = [];
  out.push(`# Privacy policy of ${doc.library.name}`, '');
  out.push(`Version ${p.version}, effective ${p.effective} · ${p.name} (${p.jurisdiction})${p.source ? ` · The library’s policy text: ${p.source}` : ''}`, '');
  out.push(bullets(doc.introduction.map(statementMd)), '');
  out.push('## What we keep, why, and for how long', '');
  for (const c of doc.categories) {
    out.push(`### ${c.name}`, '');
    out.push(`- **What is kept:** ${c.fields.join('; ')}.`);
    out.push(`- **Why:** ${statementMd(c.why)}`);
    out.push(`- **For how long:** ${statementMd(c.howLong)}${c.note ? ` ${c.note}` : ''}`);
    out.push(`- **Who can see it:** ${c.whoCanSee.text}`);
    out.push(`- **How it is disposed of:** ${c.disposal}`, '');
  }
  if (doc.recordsOutsideCarrel.length > 0) {
    out.push('### Kept outside this system', '');
    out.push(bullets(doc.recordsOutsideCarrel.map((s) => `**${s.name}** (${s.medium}): ${statementMd(s.howLong)}${s.note ? ` ${s.note}` : ''}`)), '');
  }
  out.push('## Who can see it', '', bullets(doc.access.map(statementMd)), '');
  out.push('## When your records could be disclosed', '', bullets(doc.disclosure.general.map(statementMd)), '');
  out.push('| On what basis | Released? | What this policy says |', '|---|---|---|');
  for (const i of doc.disclosure.instruments) out.push(`| ${i.name} | ${i.permitted ? 'Possible' : 'Never'} | ${statementMd(i.statement).replace(/\|/g, '\\|')} |`);
  out.push('');
  out.push('## Statistics', '', statementMd(doc.statistics), '');
  out.push('## Your rights', '', bullets(doc.rights.map(statementMd)), '');
  out.push('## Changes to this policy', '');
  if (doc.history.length === 0) out.push('No earlier version is recorded.', '');
  for (const entry of doc.history) {
    out.push(`### Version ${entry.version}, effective ${entry.effective}${entry.current ? ' (in force)' : ''}${entry.changedWithoutNewVersion ? ' — changed without a new version number' : ''}`, '');
    out.push(`First applied ${entry.firstSeenAt.slice(0, 10)}. Fingerprint \`${entry.contentHash.slice(0, 16)}\`.`, '');
    out.push(bullets([...entry.remarks, ...entry.changes.map((c) => c.text)]), '');
  }
  out.push('The codes in brackets name the clause of the library’s policy each statement carries out.', '');
  return out.join('\n');
}
