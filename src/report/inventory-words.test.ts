import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/messages.js';
import { loadProfiles } from '../profile/profiles.js';
import type { Profile } from '../policy/profile.schema.js';
import { ROLE_NAMES, ROLES, PURPOSES } from '../policy/actors.js';
import { INVENTORY } from '../policy/inventory.js';
import { PERMISSIONS } from '../policy/permissions.js';
import { describeRule, type RetentionCategory } from '../policy/retention.policy.js';
import enReport from '../../locales/en/report.json' with { type: 'json' };
import esReport from '../../locales/es/report.json' with { type: 'json' };
import { buildAuditReport, RETENTION_CATEGORY_OF, type AuditFacts, type DisposalCheck } from './audit-report.js';
import { auditReportHtml } from './audit-report.html.js';
import { auditReportMarkdown } from './audit-report.md.js';
import { engineRuleWords, inventoryWords, KEYED_CATEGORIES, permissionWords, purposeWords, retentionRuleWords, roleWords } from './inventory-words.js';

const en = translator('en');
const es = translator('es');
const registry = loadProfiles();
const PROFILE_IDS = ['strict-default', 'rio-rancho-nm', 'carlsbad-nm', 'imagineif-mt', 'jackson-county-or', 'ridgefield-ct'];
const RETENTION_CATEGORIES = Object.keys(RETENTION_CATEGORY_OF) as RetentionCategory[];

/** Facts for a library whose every role, purpose and category shows up in the access log. */
function facts(profile: Profile): AuditFacts {
  return {
    generatedAt: '2026-06-01T12:00:00.000Z',
    library: { id: 'lib-x', name: 'Biblioteca Pública de Ejemplo', timeZone: 'America/Denver' },
    profile,
    period: { from: '2025-06-01', to: '2026-06-02' },
    held: {
      patronsByStatus: [
        { code: 'active', count: 3 },
        { code: 'card-lost', count: 1 },
      ],
      readingHistoryPatrons: 1,
      searchTokens: 12,
      guardianLinks: { current: 1, ended: 0 },
      loansByStatus: [{ code: 'active', count: 1 }],
      readingHistoryLoans: 2,
      holdsByStatus: [{ code: 'ready', count: 1 }],
      finesByStatus: [{ code: 'paid', count: 1 }],
      payments: 0,
      serviceRecords: [],
      complaints: { open: 0, answered: 0, anonymous: 0 },
      noticesByStatus: [],
      breaches: { recorded: 0, patronsAffected: 0 },
      accessLogEntries: 9,
      vendorAuthorisations: { pairs: 0, withConsent: 0 },
      statistics: { rows: 10 },
      registrationStatistics: { rows: 0 },
      serviceStatistics: { rows: 0 },
      vendorStatistics: { rows: 0 },
    },
    accessLog: {
      groups: [...ROLES, 'patron', 'guardian', 'system', 'self-check'].flatMap((role, i) =>
        PURPOSES.map((purpose, j) => ({ role, purpose, categories: [INVENTORY[(i + j) % INVENTORY.length]!.id], entries: 1 })),
      ),
      oldestEntryAt: '2025-06-01T10:00:00.000Z',
    },
    storage: {
      engine: { engine: 'postgres', version: '16.2' },
      keyEncryptionKey: { kind: 'file' },
      keyEncryptionKeys: 1,
      dataKeys: { total: 3, notUnderCurrent: 0 },
      shreddedKeyRetentionDays: 7,
      lastBackupAt: null,
      lastRestoreAt: null,
    },
    runs: [
      {
        status: 'finished',
        asOf: '2026-05-30T00:00:00.000Z',
        startedAt: '2026-05-30T00:00:00.000Z',
        finishedAt: '2026-05-30T00:01:00.000Z',
        profileVersion: profile.version,
        receipts: RETENTION_CATEGORIES.map((category) => ({ category, ...describeRule(profile, category), disposed: 1, kept: 2, held: 0 })),
      },
    ],
    series: [
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
    ],
  } as AuditFacts;
}

/** The engine's dry run with every category overdue, its rules in the engine's own (English) words. */
const everythingOverdue = (profile: Profile): DisposalCheck => ({
  asOf: '2026-05-31T12:00:00.000Z',
  graceHours: 24,
  categories: RETENTION_CATEGORIES.map((category) => ({ category, ...describeRule(profile, category), disposed: 2, kept: 0, held: 0 })),
});

/** What a reader sees: tags stripped, entities decoded, identifiers the report shows as they are removed. */
function readable(text: string): string {
  const tables = new Set(INVENTORY.flatMap((c) => c.storage.tables.map((t) => t.split(' ')[0] as string)));
  let out = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;|&gt;|&quot;|&#39;|&amp;/g, ' ')
    // A profile's own notes, quoted in its authors' words and said to be
    .replace(/«[^»]*»/g, ' ')
    // The retention engine's category ids, quoted in findings as identifiers: "(circulation)"
    .replace(new RegExp(`\\((${RETENTION_CATEGORIES.join('|')})\\)`, 'g'), ' ');
  for (const table of tables) out = out.replace(new RegExp(`\\b${table}\\b`, 'g'), ' ');
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the inventory, roles and purposes in the report’s words', () => {
  it('in English, says exactly what the inventory, the role table and the retention engine declare', () => {
    for (const c of INVENTORY) {
      expect(KEYED_CATEGORIES[c.id].fields).toHaveLength(c.fields.length);
      expect(KEYED_CATEGORIES[c.id].access).toHaveLength(c.access.length);
      expect(inventoryWords(en, c)).toEqual({
        name: c.name,
        purpose: c.purpose,
        legalBasis: c.legalBasis.text,
        disposal: c.disposal,
        fields: c.fields,
        access: c.access,
        tables: c.storage.tables,
        sealed: c.storage.sealed,
        indexed: c.storage.indexed,
      });
    }
    for (const role of ROLES) expect(roleWords(en, role)).toBe(ROLE_NAMES[role]);
    for (const role of ['patron', 'guardian', 'system', 'self-check', 'something-new']) expect(roleWords(en, role)).toBe(role);
    for (const purpose of PURPOSES) expect(purposeWords(en, purpose)).toBe(purpose);
    for (const permission of PERMISSIONS) expect(permissionWords(en, permission)).toBe(permission);
    for (const id of PROFILE_IDS) {
      const profile = registry.get(id);
      for (const c of INVENTORY) expect(retentionRuleWords(en, profile, c.id), `${id} ${c.id}`).toBe(c.retention(profile).rule);
      for (const category of RETENTION_CATEGORIES) expect(engineRuleWords(en, profile, category), `${id} ${category}`).toBe(describeRule(profile, category).rule);
    }
  });

  it('every inventory field, storage field, role, purpose and permission has Spanish words of its own', () => {
    for (const c of INVENTORY) {
      const english = inventoryWords(en, c);
      const spanish = inventoryWords(es, c);
      for (const aspect of ['name', 'purpose', 'legalBasis', 'disposal'] as const) expect(spanish[aspect], `${c.id} ${aspect}`).not.toBe(english[aspect]);
      for (const aspect of ['fields', 'access', 'sealed', 'indexed'] as const) spanish[aspect].forEach((words, i) => expect(words, `${c.id} ${aspect}`).not.toBe(english[aspect][i]));
    }
    for (const role of [...ROLES, 'patron', 'guardian', 'system']) expect(roleWords(es, role)).not.toBe(roleWords(en, role));
    for (const purpose of PURPOSES) expect(purposeWords(es, purpose)).not.toBe(purpose);
    for (const permission of PERMISSIONS) expect(permissionWords(es, permission)).not.toBe(permission);
  });

  for (const id of PROFILE_IDS)
    it(`a Spanish audit report for ${id} names no category, field, purpose, legal basis, role, permission or rule in English`, () => {
      const profile = registry.get(id);
      const report = buildAuditReport(facts(profile), everythingOverdue(profile), es);
      const outputs = { markdown: readable(auditReportMarkdown(report, es)), html: readable(auditReportHtml(report, es)) };
      // The English texts, from the English catalogue and the declarations themselves
      const english = new Set<string>();
      for (const [key, message] of Object.entries(enReport as Record<string, string>))
        if (/^report\.(inventory|role|purpose|permission)\./.test(key) && message !== (esReport as Record<string, string>)[key]) english.add(message);
      for (const c of INVENTORY) {
        for (const text of [c.name, c.purpose, c.legalBasis.text, c.disposal, ...c.fields, ...c.access, ...c.storage.sealed, ...c.storage.indexed]) english.add(text);
        english.add(c.retention(profile).rule);
      }
      for (const category of RETENTION_CATEGORIES) english.add(describeRule(profile, category).rule);
      for (const role of ROLES) english.add(ROLE_NAMES[role]);
      for (const [name, out] of Object.entries(outputs)) {
        const found = [...english].filter((text) => new RegExp(`(^|[^\\w-])${escape(text)}(?![\\w-])`).test(out));
        if (process.env.PEEK) for (const line of out.split('\n')) if (found.some((t) => new RegExp(`(^|[^\\w-])${escape(t)}(?![\\w-])`).test(line))) console.log(line.slice(0, 600));
        expect(found, `${name} says these in English`).toEqual([]);
      }
      // and the record series kept outside Carrel is named as the published policy names it
      expect(outputs.markdown).toContain('Grabaciones de las cámaras de seguridad');
      // statuses, the retention run and its receipts in words
      for (const words of ['usuarios: activos: 3', 'usuarios: con el carné perdido: 1', 'reservas: listas para recoger: 1', 'multas: pagadas: 1', '(terminada)', '| usuarios inactivos |'])
        expect(outputs.markdown).toContain(words);
      for (const code of [': active:', ': card-lost:', ': ready:', ': paid:', 'finished', '| inactive-patrons |']) expect(outputs.markdown).not.toContain(code);
    });

  it('English output is unchanged: the declarations’ own words, roles, purposes and permissions as ids', () => {
    const profile = registry.get('imagineif-mt');
    const report = buildAuditReport(facts(profile), everythingOverdue(profile), en);
    expect(report.collected.categories.map((c) => [c.name, c.fields])).toEqual(INVENTORY.map((c) => [c.name, c.fields]));
    expect(report.purposes.categories.map((c) => [c.purpose, c.legalBasis])).toEqual(INVENTORY.map((c) => [c.purpose, c.legalBasis.text]));
    expect(report.retention.categories.map((c) => [c.rule, c.disposal])).toEqual(INVENTORY.map((c) => [c.retention(profile).rule, c.disposal]));
    expect(report.access.roles.map((r) => r.name)).toEqual(ROLES.map((r) => ROLE_NAMES[r]));
    const md = auditReportMarkdown(report, en);
    expect(md).toContain('| circulation clerk | account-service |');
    expect(md).toContain('| director / privacy officer | account-service, materials-recovery, fines-collection, violation-review, legal-disclosure |');
    expect(md).toContain('circulation clerk (patron.register, ');
    expect(md).toContain('| system | retention | 1 |');
    expect(md).toContain('Security-camera recordings (digital video, kept outside Carrel)');
  });
});
