/**
 * The published privacy policy, printed: a self-contained HTML page (one inline style sheet, no script,
 * nothing fetched from anywhere, readable on paper) and Markdown, in the language of the Translator given
 * (the document's own words are already in it; this adds the headings). Pure.
 */
import { createHash } from 'node:crypto';
import type { PolicyVersionEntry } from '../domain/published-policy.js';
import type { MessageValues, Translator } from '../domain/translator.js';
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

function historyHtml(tr: Translator, history: readonly PolicyVersionEntry[]): string {
  if (history.length === 0) return `<p>${esc(tr.t('policy.page.noHistory'))}</p>`;
  return history
    .map((entry) => {
      const head = `${esc(tr.t('policy.page.version', { version: entry.version, effective: entry.effective }))}${entry.current ? ` ${esc(tr.t('policy.page.inForce'))}` : ''}`;
      const flag = entry.changedWithoutNewVersion ? ` <span class="flag">— ${esc(tr.t('policy.page.changedWithoutNewVersion'))}</span>` : '';
      const remarks = entry.remarks.map((r) => `<li>${esc(r)}</li>`).join('');
      const changes = entry.changes.map((c) => `<li>${esc(c.text)}</li>`).join('');
      const applied = esc(tr.t('policy.page.firstApplied', { date: entry.firstSeenAt.slice(0, 10) }));
      return `<section><h3>${head}${flag}</h3><p class="meta">${applied} ${esc(tr.t('policy.page.fingerprint'))} <span class="clause">${esc(entry.contentHash.slice(0, 16))}</span>.</p><ul>${remarks}${changes}</ul></section>`;
    })
    .join('');
}

/** The line under the title: version, date, the profile, and where the library's own text is. */
function metaLine(tr: Translator, doc: PrivacyPolicyDocument): string {
  const p = doc.policy;
  const meta = tr.t('policy.page.meta', { version: p.version, effective: p.effective, name: p.name, jurisdiction: p.jurisdiction });
  return p.source ? `${meta} · ${tr.t('policy.page.source', { source: p.source })}` : meta;
}

/** The policy as one self-contained HTML page, in the document's language. */
export function renderPolicyHtml(tr: Translator, doc: PrivacyPolicyDocument): string {
  const w = (id: string, values?: MessageValues) => esc(tr.t(id, values));
  const categories = doc.categories
    .map(
      (c) => `<section id="${esc(c.id)}"><h3>${esc(c.name)}</h3><dl>
<dt>${w('policy.page.what')}</dt><dd>${esc(c.fields)}.</dd>
<dt>${w('policy.page.why')}</dt><dd>${statementHtml(c.why)}</dd>
<dt>${w('policy.page.howLong')}</dt><dd>${statementHtml(c.howLong)}</dd>
<dt>${w('policy.page.whoCanSee')}</dt><dd>${esc(c.whoCanSee.text)}</dd>
<dt>${w('policy.page.disposal')}</dt><dd>${esc(c.disposal)}</dd>
</dl></section>`,
    )
    .join('\n');
  const outside =
    doc.recordsOutsideCarrel.length === 0
      ? ''
      : `<h3>${w('policy.page.outside')}</h3><ul>${doc.recordsOutsideCarrel.map((s) => `<li><strong>${esc(s.name)}</strong> (${esc(s.medium)}): ${statementHtml(s.howLong)}</li>`).join('')}</ul>`;
  const instruments = doc.disclosure.instruments
    .map(
      (i) =>
        `<tr><td>${esc(i.name)}</td><td class="${i.permitted ? 'yes' : 'no'}">${i.permitted ? w('policy.page.possible') : w('policy.page.never')}</td><td>${statementHtml(i.statement)}</td></tr>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="${esc(doc.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${w('policy.page.title', { library: doc.library.name })}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${w('policy.page.heading', { library: doc.library.name })}</h1>
<p class="meta">${esc(metaLine(tr, doc))}</p>
</header>
<main>
${statementsHtml(doc.introduction)}
<h2>${w('policy.page.whatWeKeep')}</h2>
${categories}
${outside}
<h2>${w('policy.page.whoCanSee')}</h2>
${statementsHtml(doc.access)}
<h2>${w('policy.page.disclosure')}</h2>
${statementsHtml(doc.disclosure.general)}
<table>
<thead><tr><th>${w('policy.page.basis')}</th><th>${w('policy.page.released')}</th><th>${w('policy.page.says')}</th></tr></thead>
<tbody>
${instruments}
</tbody>
</table>
<h2>${w('policy.page.statistics')}</h2>
<p>${statementHtml(doc.statistics)}</p>
<h2>${w('policy.page.rights')}</h2>
${statementsHtml(doc.rights)}
<h2>${w('policy.page.changes')}</h2>
${historyHtml(tr, doc.history)}
</main>
<footer><p class="meta">${w('policy.page.clauses')} ${w('policy.page.generated', { date: doc.generatedAt.slice(0, 10) })}</p></footer>
</body>
</html>
`;
}

// ── Markdown ─────────────────────────────────────────────────────────────────────────────────────

const clausesMd = (clauses: readonly string[]) => (clauses.length === 0 ? '' : ` (${clauses.join(', ')})`);
const statementMd = (s: Statement) => `${s.text}${clausesMd(s.clauses)}`;
const bullets = (items: readonly string[]) => items.map((i) => `- ${i}`).join('\n');

/** The policy as Markdown, in the document's language. */
export function renderPolicyMarkdown(tr: Translator, doc: PrivacyPolicyDocument): string {
  const out: string[] = [];
  out.push(`# ${tr.t('policy.page.heading', { library: doc.library.name })}`, '');
  out.push(metaLine(tr, doc), '');
  out.push(bullets(doc.introduction.map(statementMd)), '');
  out.push(`## ${tr.t('policy.page.whatWeKeep')}`, '');
  for (const c of doc.categories) {
    out.push(`### ${c.name}`, '');
    out.push(`- **${tr.t('policy.page.what')}:** ${c.fields}.`);
    out.push(`- **${tr.t('policy.page.why')}:** ${statementMd(c.why)}`);
    out.push(`- **${tr.t('policy.page.howLong')}:** ${statementMd(c.howLong)}`);
    out.push(`- **${tr.t('policy.page.whoCanSee')}:** ${c.whoCanSee.text}`);
    out.push(`- **${tr.t('policy.page.disposal')}:** ${c.disposal}`, '');
  }
  if (doc.recordsOutsideCarrel.length > 0) {
    out.push(`### ${tr.t('policy.page.outside')}`, '');
    out.push(bullets(doc.recordsOutsideCarrel.map((s) => `**${s.name}** (${s.medium}): ${statementMd(s.howLong)}`)), '');
  }
  out.push(`## ${tr.t('policy.page.whoCanSee')}`, '', bullets(doc.access.map(statementMd)), '');
  out.push(`## ${tr.t('policy.page.disclosure')}`, '', bullets(doc.disclosure.general.map(statementMd)), '');
  out.push(`| ${tr.t('policy.page.basis')} | ${tr.t('policy.page.released')} | ${tr.t('policy.page.says')} |`, '|---|---|---|');
  for (const i of doc.disclosure.instruments)
    out.push(`| ${i.name} | ${i.permitted ? tr.t('policy.page.possible') : tr.t('policy.page.never')} | ${statementMd(i.statement).replace(/\|/g, '\\|')} |`);
  out.push('');
  out.push(`## ${tr.t('policy.page.statistics')}`, '', statementMd(doc.statistics), '');
  out.push(`## ${tr.t('policy.page.rights')}`, '', bullets(doc.rights.map(statementMd)), '');
  out.push(`## ${tr.t('policy.page.changes')}`, '');
  if (doc.history.length === 0) out.push(tr.t('policy.page.noHistory'), '');
  for (const entry of doc.history) {
    const head = tr.t('policy.page.version', { version: entry.version, effective: entry.effective });
    out.push(`### ${head}${entry.current ? ` ${tr.t('policy.page.inForce')}` : ''}${entry.changedWithoutNewVersion ? ` — ${tr.t('policy.page.changedWithoutNewVersion')}` : ''}`, '');
    out.push(`${tr.t('policy.page.firstApplied', { date: entry.firstSeenAt.slice(0, 10) })} ${tr.t('policy.page.fingerprint')} \`${entry.contentHash.slice(0, 16)}\`.`, '');
    out.push(bullets([...entry.remarks, ...entry.changes.map((c) => c.text)]), '');
  }
  out.push(tr.t('policy.page.clauses'), '');
  return out.join('\n');
}
