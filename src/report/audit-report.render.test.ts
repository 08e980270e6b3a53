import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/messages.js';
import { createHash } from 'node:crypto';
import { auditQuestions, buildAuditReport, rowBand, type AuditFacts, type DisposalCheck } from './audit-report.js';
import { loadProfiles } from '../profile/profiles.js';
import type { Profile } from '../policy/profile.schema.js';
import { AUDIT_REPORT_CSP, AUDIT_REPORT_CSS, AUDIT_REPORT_STYLE_HASH, auditReportHtml } from './audit-report.html.js';
import { auditReportMarkdown } from './audit-report.md.js';

const en = translator('en');

const registry = loadProfiles();

/** Facts as the use case would gather them, for a library whose name tries to inject markup. */
function facts(profile: Profile, overrides: Partial<AuditFacts> = {}): AuditFacts {
  return {
    generatedAt: '2026-06-01T12:00:00.000Z',
    library: { id: 'lib-x', name: 'Oak <script>alert(1)</script> | Branch', timeZone: 'America/Denver' },
    profile,
    period: { from: '2023-06-01', to: '2026-06-02' },
    held: {
      patronsByStatus: [{ code: 'active', count: 3 }],
      readingHistoryPatrons: 0,
      searchTokens: 12,
      guardianLinks: { current: 0, ended: 0 },
      loansByStatus: [
        { code: 'active', count: 1 },
        { code: 'returned', count: 2 },
      ],
      readingHistoryLoans: 0,
      holdsByStatus: [],
      finesByStatus: [{ code: 'paid', count: 1 }],
      payments: 1,
      serviceRecords: [{ kind: 'program-signup', status: 'booked', count: 1 }],
      complaints: { open: 0, answered: 0, anonymous: 0 },
      noticesByStatus: [],
      breaches: { recorded: 0, patronsAffected: 0 },
      accessLogEntries: 9,
      vendorAuthorisations: { pairs: 0, withConsent: 0 },
      statistics: { rows: 0 },
      registrationStatistics: { rows: 0 },
      serviceStatistics: { rows: 0 },
      vendorStatistics: { rows: 0 },
    },
    accessLog: {
      groups: [
        { role: 'circulation', purpose: 'circulation', categories: ['registration', 'circulation'], entries: 5 },
        { role: 'system', purpose: 'retention', categories: ['circulation'], entries: 2 },
      ],
      oldestEntryAt: '2026-05-01T10:00:00.000Z',
    },
    storage: {
      engine: { engine: 'sqlite', version: '3.50.0', journalMode: 'wal', secureDelete: true },
      keyEncryptionKey: { kind: 'env' },
      keyEncryptionKeys: 1,
      dataKeys: { total: 3, notUnderCurrent: 0 },
      shreddedKeyRetentionDays: 7,
      lastBackupAt: null,
      lastRestoreAt: null,
    },
    runs: [],
    series: [],
    ...overrides,
  };
}

const noneOverdue = (asOf = '2026-05-31T12:00:00.000Z'): DisposalCheck => ({ asOf, graceHours: 24, categories: [] });

/** Every reference a page could make to something outside itself. */
function externalReferences(html: string): string[] {
  const found: string[] = [];
  for (const pattern of [/https?:/gi, /\/\//g, /<script/gi, /<link/gi, /<img/gi, /<iframe/gi, /<object/gi, /<embed/gi, /url\(/gi, /@import/gi, /\ssrc=/gi, /\shref=/gi, /\son[a-z]+=/gi])
    found.push(...(html.match(pattern) ?? []));
  return found;
}

describe('the audit report renderings (CB-I)', () => {
  const imagineif = registry.get('imagineif-mt');

  it('Markdown and HTML have a heading for each of the five questions and the findings', () => {
    const report = buildAuditReport(facts(imagineif), noneOverdue(), en);
    const md = auditReportMarkdown(report, en);
    const html = auditReportHtml(report, en);
    for (const question of Object.values(auditQuestions(en))) {
      expect(md).toContain(`## ${question}`);
      expect(html).toMatch(new RegExp(`<h2 id="[a-e]-h">${question.replace(/[()]/g, '\\$&')}</h2>`));
    }
    expect(md).toContain('## Findings');
    expect(md).toContain('No findings');
  });

  it('in Spanish: the same document and numbers, its own words, the questions, findings and sentences in Spanish', () => {
    const es = translator('es');
    const check: DisposalCheck = {
      asOf: '2026-05-31T12:00:00.000Z',
      graceHours: 24,
      categories: [{ category: 'circulation', rule: 'loans: patron–item link broken on return', clause: 'IF-3', disposed: 2, kept: 0, held: 0 }],
    };
    const english = buildAuditReport(facts(imagineif), check, en);
    const spanish = buildAuditReport(facts(imagineif), check, es);
    expect(spanish.title).toBe(`Informe de auditoría de privacidad: ${english.library.name}`);
    expect(spanish.collected.question).toBe('(a) Qué datos se recogen');
    expect(spanish.findings.map((f) => [f.kind, f.category, f.count])).toEqual(english.findings.map((f) => [f.kind, f.category, f.count]));
    expect(spanish.findings[0]?.text).toMatch(/^2 registros de .* \(circulation\) superaron su plazo de conservación/);
    const md = auditReportMarkdown(spanish, es);
    const html = auditReportHtml(spanish, es);
    expect(html).toContain('<html lang="es">');
    expect(md).toContain('## Hallazgos');
    expect(md).toContain('**HALLAZGO:**');
    expect(html).toContain('<td class="finding">HALLAZGO: 2 vencidos</td>');
    for (const english of ['Findings', 'Held now', 'Legal basis', 'Key store', 'Backups:', 'Report generated', 'Retention runs', 'Encryption at rest']) {
      expect(md).not.toContain(english);
      expect(html).not.toContain(english);
    }
  });

  it('the HTML is self-contained: no script, no link, no external reference; only its own hashed style', () => {
    const html = auditReportHtml(buildAuditReport(facts(imagineif), noneOverdue(), en), en);
    expect(externalReferences(html)).toEqual([]);
    expect(html).toContain(`<style>${AUDIT_REPORT_CSS}</style>`);
    expect(html).toContain('@media print');
    const hash = `'sha256-${createHash('sha256').update(AUDIT_REPORT_CSS).digest('base64')}'`;
    expect(AUDIT_REPORT_STYLE_HASH).toBe(hash);
    expect(AUDIT_REPORT_CSP).toBe(`default-src 'none'; style-src ${hash}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
    // The library's name is text, never markup
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('Oak &lt;script&gt;alert(1)&lt;/script&gt; | Branch');
    expect(auditReportMarkdown(buildAuditReport(facts(imagineif), noneOverdue(), en), en)).toContain('Oak \\<script\\>alert(1)\\</script\\> \\| Branch');
  });

  it('the Markdown prints every value as text: a record series named like a link, an image and HTML is none of them (issue 22)', () => {
    // Given a record series whose name and place are written as Markdown and HTML
    const attack = '[x](https://evil.example) ![i](https://evil.example/p.png) <img src=x> www.evil.example a@evil.example *b* `c` &amp; | d';
    const series: AuditFacts['series'] = [
      {
        code: 'camera',
        name: attack,
        medium: '**bold**',
        location: '[here]: https://evil.example\n# heading',
        retentionDays: 30,
        clause: 'RF-9',
        lastDisposal: null,
        due: { status: 'due', dueThrough: '2026-05-02T12:00:00.000Z', overdueSince: '2026-04-30T12:00:00.000Z' },
      },
    ];
    const md = auditReportMarkdown(buildAuditReport(facts(imagineif, { series }), noneOverdue(), en), en);
    // When the escaped characters are taken out of each line that names the series (its row, its finding)
    const lines = md.split('\n').filter((line) => line.includes('evil'));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const markup = line.replace(/\\[\s\S]/g, '');
      // Then no link, image, autolink, raw HTML, entity, emphasis or code opens in it
      expect(markup.replace(/^- \*\*FINDING:\*\* /, '')).not.toMatch(/[[\]<>!`*_&@]|https?:\/\/|www\./);
      expect(line).toContain('\\[x\\](https\\://evil.example) \\!\\[i\\](https\\://evil.example/p.png) \\<img src=x\\>');
    }
    // and the row is still one row of seven cells, the place on the same line
    const row = lines.find((line) => line.startsWith('| ')) ?? '';
    expect(row.match(/(?<!\\)\|/g)).toHaveLength(8);
    expect(row).toContain('\\[here\\]: https\\://evil.example \\# heading');
  });

  it('an overdue category and a due record series are findings, in red and marked in words', () => {
    const check: DisposalCheck = {
      asOf: '2026-05-31T12:00:00.000Z',
      graceHours: 24,
      categories: [{ category: 'circulation', rule: 'loans: patron–item link broken on return', clause: 'IF-3', disposed: 2, kept: 0, held: 0 }],
    };
    const series: AuditFacts['series'] = [
      {
        code: 'security-camera',
        name: 'Security-camera recordings',
        medium: 'digital video',
        location: null,
        retentionDays: 30,
        clause: 'RF-9',
        lastDisposal: null,
        due: { status: 'due', dueThrough: '2026-05-02T12:00:00.000Z', overdueSince: '2026-04-30T12:00:00.000Z' },
      },
    ];
    const report = buildAuditReport(facts(imagineif, { series }), check, en);
    expect(report.findings.map((f) => [f.kind, f.category, f.count, f.clause])).toEqual([
      ['overdue-disposal', 'circulation', 2, 'IF-3'],
      ['record-series-overdue', 'security-camera', null, 'RF-9'],
    ]);
    expect(report.retention.categories.find((c) => c.id === 'circulation')?.overdue).toBe(2);
    expect(report.retention.categories.find((c) => c.id === 'fines')?.overdue).toBe(0);
    expect(report.retention.categories.find((c) => c.id === 'complaints')?.overdue).toBeNull();
    const html = auditReportHtml(report, en);
    expect(html).toMatch(/<li class="finding"><strong>FINDING:<\/strong> 2 records of Current loans/);
    expect(html).toContain('<td class="finding">FINDING: 2 overdue</td>');
    expect(html).toMatch(/<td class="finding">FINDING: due since 2026-04-30 12:00 UTC<\/td>/);
    expect(html).toMatch(/\.finding \{ color: #a00000;/);
    const md = auditReportMarkdown(report, en);
    expect(md).toMatch(/- \*\*FINDING:\*\* 2 records of Current loans \(circulation\) are past their retention \(loans: patron–item link broken on return; IF-3\)/);
    expect(md).toContain('FINDING: due since 2026-04-30 12:00 UTC');
  });

  it('changing a retention rule of the profile changes the report', () => {
    const longer: Profile = { ...imagineif, version: imagineif.version + 1, retention: { ...imagineif.retention, fines: { ...imagineif.retention.fines, days: 400 } } };
    const before = buildAuditReport(facts(imagineif), noneOverdue(), en);
    const after = buildAuditReport(facts(longer), noneOverdue(), en);
    const finesRule = (r: typeof before) => r.retention.categories.find((c) => c.id === 'fines')?.rule;
    expect(finesRule(before)).toBe('fines, fees and payments: 90 days after settlement');
    expect(finesRule(after)).toBe('fines, fees and payments: 400 days after settlement');
    expect(auditReportMarkdown(after, en)).toContain('fines, fees and payments: 400 days after settlement');
    expect(auditReportHtml(after, en)).toContain(`version ${imagineif.version + 1}`);
  });

  it('counts the access log by role and purpose, and per category by role; roles come from the role table', () => {
    const report = buildAuditReport(facts(imagineif), noneOverdue(), en);
    expect(report.access.accessLog.total).toBe(7);
    expect(report.access.accessLog.byRolePurpose).toEqual([
      { role: 'circulation', purpose: 'circulation', entries: 5 },
      { role: 'system', purpose: 'retention', entries: 2 },
    ]);
    expect(report.access.accessLog.byCategory.find((c) => c.id === 'circulation')).toMatchObject({ entries: 7, byRole: [{ role: 'circulation', entries: 5 }, { role: 'system', entries: 2 }] });
    const accessLog = report.access.categories.find((c) => c.id === 'access-log');
    expect(accessLog?.roles.map((r) => r.role)).toEqual(['director', 'admin']);
    expect(report.access.categories.find((c) => c.id === 'registration')?.roles.map((r) => r.role)).toEqual(['circulation', 'librarian', 'branch-manager', 'director']);
    expect(report.access.roles.find((r) => r.role === 'admin')?.purposes).toEqual([]);
  });

  it('gives the aggregate statistics as counts only, with a band of their rows: no sum, no exact number', () => {
    // Given aggregates holding 12 rows of loans, 1,234 of registrations and 250,000 of services
    const held = { ...facts(imagineif).held, statistics: { rows: 12 }, registrationStatistics: { rows: 1_234 }, serviceStatistics: { rows: 250_000 } };
    const report = buildAuditReport(facts(imagineif, { held }), noneOverdue(), en);
    const lines = (id: string) => report.collected.categories.find((c) => c.id === id)?.held;
    // Then each says it holds counts only, and its rows as a band; no line carries a number
    expect(lines('circulation-statistics')).toEqual([
      { label: expect.stringMatching(/^counts only: loans per day, branch, item type, patron category, age band; no patron, no item; no total/), count: null },
      { label: 'rows held', count: null, band: 'fewer than 1,000' },
    ]);
    expect(lines('registration-statistics')?.[1]).toEqual({ label: 'rows held', count: null, band: '1,000–9,999' });
    expect(lines('service-statistics')?.[1]).toEqual({ label: 'rows held', count: null, band: '100,000–999,999' });
    for (const id of ['circulation-statistics', 'registration-statistics', 'service-statistics']) expect(lines(id)?.every((l) => l.count === null)).toBe(true);
    // And the renderings print the band, never the number of rows
    const md = auditReportMarkdown(report, en);
    const html = auditReportHtml(report, en);
    for (const out of [md, html]) {
      expect(out).toContain('rows held: 1,000–9,999');
      expect(out).toContain('rows held: 100,000–999,999');
      expect(out).not.toMatch(/\b1,?234\b|\b250,?000\b/);
      expect(out).not.toMatch(/loans counted|registrations counted|services counted/);
    }
    // The bands: powers of ten
    expect([0, 1, 999, 1_000, 9_999, 10_000, 99_999, 100_000, 999_999, 1_000_000, 40_000_000].map((rows) => rowBand(rows, en))).toEqual([
      'none',
      'fewer than 1,000',
      'fewer than 1,000',
      '1,000–9,999',
      '1,000–9,999',
      '10,000–99,999',
      '10,000–99,999',
      '100,000–999,999',
      '100,000–999,999',
      '1,000,000 or more',
      '1,000,000 or more',
    ]);
  });

  it('says where the key-encryption key lives without the key or its path, and what it knows of backups', () => {
    const fromFile = buildAuditReport(
      facts(imagineif, { storage: { ...facts(imagineif).storage, keyEncryptionKey: { kind: 'file' }, lastBackupAt: '2026-05-30T02:00:00.000Z' } }),
      noneOverdue(),
      en,
    );
    const text = fromFile.storage.statements.join('\n');
    expect(text).toContain('in a key file readable by Carrel');
    expect(text).not.toMatch(/carrel\.key|\/srv\//);
    expect(text).toContain('the last backup taken with `carrel backup` is of 2026-05-30 02:00 UTC');
    expect(text).toContain('secure_delete is on');
    const fromEnv = buildAuditReport(facts(imagineif), noneOverdue(), en).storage.statements.join('\n');
    expect(fromEnv).toContain('CARREL_KEY environment variable');
    expect(fromEnv).toContain('records no backup taken with `carrel backup`');
  });
});
