/**
 * The privacy audit report (CB-I): what is collected, why and how it is used, who collects it and who
 * can access it, where it is kept and how it is secured, how long it is kept and how it is disposed of.
 * Pure: the use case gathers the facts (counts, the access log's counts, the engine and the key ring,
 * retention receipts, the record-series register) and the retention engine's dry run says what is
 * overdue; this builds the one document every rendering (JSON, Markdown, HTML) shows. Every sentence
 * comes from the data inventory, the profile, the role table or a count; none is typed per library, and
 * none holds personal data (names, card numbers, contact details, titles, patron or staff ids).
 */
import { ROLES } from '../policy/actors.js';
import { rolesFor } from '../policy/category-access.js';
import { INVENTORY, type RecordCategory } from '../policy/inventory.js';
import { ROLE_PURPOSES } from '../policy/permissions.js';
import { describeRule, type RetentionCategory } from '../policy/retention.policy.js';
import type { AuditFacts, HeldCounts } from '../domain/audit-facts.js';
import { AUDIT_REPORT_FORMAT, type AuditReport, type CountLine, type Finding } from '../domain/audit-report-document.js';
import type { Translator } from '../domain/translator.js';
import { categoryName, engineRuleWords, inventoryWords, permissionWords, retentionNoteWords, retentionRuleWords, roleWords, seriesWords, statusWords } from './inventory-words.js';

/** CB-I's five questions, in its order and words (in the translator's language). */
export function auditQuestions(tr: Translator) {
  return {
    collected: tr.t('report.audit.q.collected'),
    purposes: tr.t('report.audit.q.purposes'),
    access: tr.t('report.audit.q.access'),
    storage: tr.t('report.audit.q.storage'),
    retention: tr.t('report.audit.q.retention'),
  };
}
export type AuditSection = keyof ReturnType<typeof auditQuestions>;

/** The inventory category whose records each retention-engine category disposes of. */
export const RETENTION_CATEGORY_OF: Record<RetentionCategory, RecordCategory> = {
  circulation: 'circulation',
  fines: 'fines',
  holds: 'holds',
  'computer-sessions': 'computer-sessions',
  'program-signups': 'program-signups',
  'room-bookings': 'room-bookings',
  'ill-requests': 'ill-requests',
  'reference-requests': 'reference-requests',
  notices: 'notices',
  'vendor-authorisations': 'vendor-authorisations',
  'inactive-patrons': 'registration',
  'deceased-patrons': 'registration',
  'access-log': 'access-log',
};

// ── What the use case gathers ────────────────────────────────────────────────────────────────────

export type { AuditFacts, RunFacts, SeriesFacts } from '../domain/audit-facts.js';

/** What the retention engine's dry run said it would dispose of at `asOf` (now less the grace). */
export interface DisposalCheck {
  asOf: string;
  /** How long a record may wait for the scheduled run before it counts as overdue. */
  graceHours: number;
  categories: { category: RetentionCategory; rule: string; clause: string; disposed: number; kept: number; held: number; skipped?: { nextSweepAfter: string } }[];
}

// ── The document ─────────────────────────────────────────────────────────────────────────────────

/**
 * How many rows an aggregate statistics table holds, as a band: none, fewer than 1,000, 1,000–9,999,
 * 10,000–99,999, 100,000–999,999, 1,000,000 or more. A reader of the report needs the order of magnitude
 * (the tables exist, and hold about as much as a library of that size would), not the number. The exact
 * number would not do: a row is added for each new day × branch × item type or kind of service × patron
 * category × age band, so two reports, subtracted, would tell how many such combinations the days in
 * between brought — the month under way, which statistics publish only once it has ended and with small
 * counts hidden. A band changes only when the rows cross a power of ten: two reports then say that some
 * rows were added between them, not how many or where.
 */
export function rowBand(rows: number, tr: Translator): string {
  if (rows <= 0) return tr.t('report.audit.band.none');
  if (rows < 1_000) return tr.t('report.audit.band.under', { n: tr.count(1_000) });
  if (rows >= 1_000_000) return tr.t('report.audit.band.over', { n: tr.count(1_000_000) });
  const low = 10 ** Math.floor(Math.log10(rows));
  return `${tr.count(low)}–${tr.count(low * 10 - 1)}`;
}

export type { AuditReport, CountLine, Finding } from '../domain/audit-report-document.js';

/** A readable name for a role as the access log records it (staff roles, `patron`, `guardian`, `system`), in the translator's language. */
export const roleName = (role: string, tr: Translator): string => roleWords(tr, role);
const roleOrder = (role: string): number => {
  const index = (ROLES as readonly string[]).indexOf(role);
  return index === -1 ? ROLES.length + (role === 'system' ? 0 : 1) : index;
};
/** An instant as people read it: `2026-03-02 17:00 UTC` (the renderings use the same form). */
export function readableInstant(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Counts of what a library holds now, per inventory category (codes as stored: statuses, kinds). */
function heldLines(held: HeldCounts, tr: Translator): Record<RecordCategory, CountLine[]> {
  const t = tr.t.bind(tr);
  const byStatus = (what: string, kind: 'patron' | 'hold' | 'fine' | 'notice', rows: { code: string; count: number }[]) =>
    rows.map((r) => ({ label: `${what}: ${statusWords(tr, kind, r.code)}`, count: r.count }));
  const sum = (rows: { code: string; count: number }[], codes: string[]) => rows.filter((r) => codes.includes(r.code)).reduce((s, r) => s + r.count, 0);
  const services = (kind: string): CountLine[] => {
    const rows = held.serviceRecords.filter((r) => r.kind === kind);
    return rows.length === 0 ? [{ label: t('report.audit.held.records'), count: 0 }] : rows.map((r) => ({ label: `${t('report.audit.held.records')}: ${statusWords(tr, 'service', r.status)}`, count: r.count }));
  };
  const total = (rows: { count: number }[]) => rows.reduce((s, r) => s + r.count, 0);
  // The aggregates: what they hold, and a band of their rows, never a sum (see `rowBand`).
  const aggregate = (what: string, by: string, rows: number): CountLine[] => [
    { label: t('report.audit.held.countsOnly', { what, by }), count: null },
    { label: t('report.audit.held.rowsHeld'), count: null, band: rowBand(rows, tr) },
  ];
  return {
    registration: [
      { label: t('report.audit.held.patrons'), count: total(held.patronsByStatus) },
      ...byStatus(t('report.audit.held.patrons'), 'patron', held.patronsByStatus),
      { label: t('report.audit.held.searchTokens'), count: held.searchTokens },
    ],
    guardianship: [
      { label: t('report.audit.held.guardianCurrent'), count: held.guardianLinks.current },
      { label: t('report.audit.held.guardianEnded'), count: held.guardianLinks.ended },
    ],
    circulation: [
      { label: t('report.audit.held.loansOut'), count: sum(held.loansByStatus, ['active']) },
      { label: t('report.audit.held.loansLinked'), count: sum(held.loansByStatus, ['returned', 'lost']) },
    ],
    'reading-history': [
      { label: t('report.audit.held.historyPatrons'), count: held.readingHistoryPatrons },
      { label: t('report.audit.held.historyLoans'), count: held.readingHistoryLoans },
    ],
    holds: [{ label: t('report.audit.held.holds'), count: total(held.holdsByStatus) }, ...byStatus(t('report.audit.held.holds'), 'hold', held.holdsByStatus)],
    fines: [{ label: t('report.audit.held.finesAndFees'), count: total(held.finesByStatus) }, ...byStatus(t('report.audit.held.fines'), 'fine', held.finesByStatus), { label: t('report.audit.held.payments'), count: held.payments }],
    'computer-sessions': services('computer-session'),
    'program-signups': services('program-signup'),
    'room-bookings': services('room-booking'),
    'ill-requests': services('ill-request'),
    'reference-requests': services('reference-request'),
    notices: [
      { label: t('report.audit.held.notices'), count: total(held.noticesByStatus) },
      ...byStatus(t('report.audit.held.notices'), 'notice', held.noticesByStatus),
      { label: t('report.audit.held.breaches'), count: held.breaches.recorded },
      { label: t('report.audit.held.breachNotified'), count: held.breaches.patronsAffected },
    ],
    complaints: [
      { label: t('report.audit.held.complaintsOpen'), count: held.complaints.open },
      { label: t('report.audit.held.complaintsAnswered'), count: held.complaints.answered },
      { label: t('report.audit.held.complaintsAnonymous'), count: held.complaints.anonymous },
    ],
    'vendor-authorisations': [
      { label: t('report.audit.held.vendorPairs'), count: held.vendorAuthorisations.pairs },
      { label: t('report.audit.held.vendorConsent'), count: held.vendorAuthorisations.withConsent },
    ],
    'access-log': [{ label: t('report.audit.held.entries'), count: held.accessLogEntries }],
    'circulation-statistics': aggregate(t('report.audit.held.aggLoans'), t('report.audit.held.byLoans'), held.statistics.rows),
    'registration-statistics': aggregate(t('report.audit.held.aggRegistrations'), t('report.audit.held.byRegistrations'), held.registrationStatistics.rows),
    'service-statistics': aggregate(t('report.audit.held.aggServices'), t('report.audit.held.byServices'), held.serviceStatistics.rows),
    'vendor-statistics': aggregate(t('report.audit.held.aggVendors'), t('report.audit.held.byVendors'), held.vendorStatistics.rows),
  };
}

function accessLogSection(facts: AuditFacts, tr: Translator): AuditReport['access']['accessLog'] {
  const groups = facts.accessLog.groups;
  const rolePurpose = new Map<string, { role: string; purpose: string; entries: number }>();
  const perCategory = new Map<string, Map<string, number>>();
  for (const g of groups) {
    const key = `${g.role}\u0000${g.purpose}`;
    const row = rolePurpose.get(key) ?? { role: g.role, purpose: g.purpose, entries: 0 };
    row.entries += g.entries;
    rolePurpose.set(key, row);
    for (const category of g.categories) {
      const roles = perCategory.get(category) ?? new Map<string, number>();
      roles.set(g.role, (roles.get(g.role) ?? 0) + g.entries);
      perCategory.set(category, roles);
    }
  }
  const byRolePurpose = [...rolePurpose.values()].sort((a, b) => roleOrder(a.role) - roleOrder(b.role) || a.role.localeCompare(b.role) || a.purpose.localeCompare(b.purpose));
  const byCategory = INVENTORY.map((c) => {
    const roles = perCategory.get(c.id) ?? new Map<string, number>();
    const byRole = [...roles.entries()].map(([role, entries]) => ({ role, entries })).sort((a, b) => roleOrder(a.role) - roleOrder(b.role) || a.role.localeCompare(b.role));
    return { id: c.id, name: categoryName(tr, c), entries: byRole.reduce((s, r) => s + r.entries, 0), byRole };
  });
  const retention = facts.profile.retention.accessLog;
  return {
    period: facts.period,
    total: groups.reduce((s, g) => s + g.entries, 0),
    byRolePurpose,
    byCategory,
    oldestEntryAt: facts.accessLog.oldestEntryAt,
    retention: { months: retention.months, clause: retention.clause },
  };
}

function storageStatements(s: AuditFacts['storage'], tr: Translator): string[] {
  const statements: string[] = [];
  if (s.engine.engine === 'sqlite')
    statements.push(
      `${tr.t('report.audit.storage.sqlite', { version: s.engine.version, journal: s.engine.journalMode })} ` +
        (s.engine.secureDelete ? tr.t('report.audit.storage.secureDeleteOn') : tr.t('report.audit.storage.secureDeleteOff')),
    );
  else statements.push(tr.t('report.audit.storage.postgres', { version: s.engine.version }));
  statements.push(tr.t('report.audit.storage.encryption'));
  statements.push(s.keyEncryptionKey.kind === 'file' ? tr.t('report.audit.storage.kekFile') : tr.t('report.audit.storage.kekEnv'));
  if (s.keyEncryptionKeys > 1) statements.push(tr.t('report.audit.storage.rotation', { count: s.keyEncryptionKeys }));
  const keyStore = s.engine.engine === 'sqlite' ? tr.t('report.audit.storage.keyStoreSqlite') : tr.t('report.audit.storage.keyStorePostgres');
  statements.push(
    s.dataKeys.notUnderCurrent > 0
      ? tr.t('report.audit.storage.keyStoreRewrapping', { store: keyStore, keys: s.dataKeys.total, behind: s.dataKeys.notUnderCurrent })
      : tr.t('report.audit.storage.keyStoreCurrent', { store: keyStore, keys: s.dataKeys.total }),
  );
  statements.push(tr.t('report.audit.storage.shredding', { days: s.shreddedKeyRetentionDays }));
  statements.push(s.lastBackupAt ? tr.t('report.audit.storage.lastBackup', { at: readableInstant(s.lastBackupAt) }) : tr.t('report.audit.storage.noBackup'));
  statements.push(tr.t('report.audit.storage.otherCopies'));
  if (s.lastRestoreAt) statements.push(tr.t('report.audit.storage.lastRestore', { at: readableInstant(s.lastRestoreAt) }));
  return statements;
}

function retentionSection(facts: AuditFacts, check: DisposalCheck, tr: Translator): AuditReport['retention'] {
  const { profile } = facts;
  const overdueOf = new Map<RecordCategory, number>();
  for (const c of check.categories) {
    const id = RETENTION_CATEGORY_OF[c.category];
    overdueOf.set(id, (overdueOf.get(id) ?? 0) + c.disposed);
  }
  const engineCategories = (id: RecordCategory) => (Object.keys(RETENTION_CATEGORY_OF) as RetentionCategory[]).filter((c) => RETENTION_CATEGORY_OF[c] === id);
  const lastRunOf = (id: RecordCategory) => {
    const wanted = engineCategories(id) as string[];
    for (const run of facts.runs) {
      const lines = run.receipts.filter((r) => wanted.includes(r.category));
      if (lines.length === 0) continue;
      const sum = (k: 'disposed' | 'kept' | 'held') => lines.reduce((s, l) => s + l[k], 0);
      return { asOf: run.asOf, status: run.status, disposed: sum('disposed'), kept: sum('kept'), held: sum('held') };
    }
    return null;
  };
  return {
    question: auditQuestions(tr).retention,
    categories: INVENTORY.map((c) => {
      const rule = c.retention(profile);
      const words = inventoryWords(tr, c);
      return {
        id: c.id,
        name: words.name,
        rule: retentionRuleWords(tr, profile, c.id),
        clause: rule.clause,
        ...(rule.note ? { note: retentionNoteWords(tr, c.id, rule.note) } : {}),
        disposal: words.disposal,
        lastRun: lastRunOf(c.id),
        overdue: engineCategories(c.id).length > 0 ? (overdueOf.get(c.id) ?? 0) : null,
      };
    }),
    check: { asOf: check.asOf, graceHours: check.graceHours },
    // A receipt's rule in the report's language when it is the rule the profile states now; else as the run wrote it.
    runs: facts.runs.map((run) => ({
      ...run,
      receipts: run.receipts.map((r) => {
        const category = (Object.keys(RETENTION_CATEGORY_OF) as string[]).includes(r.category) ? (r.category as RetentionCategory) : null;
        return category && r.rule === describeRule(profile, category).rule ? { ...r, rule: engineRuleWords(tr, profile, category) } : r;
      }),
    })),
    externalRecords: facts.series.map(({ due, ...s }) => ({ ...s, ...seriesWords(tr, s), due: due.status === 'due', dueThrough: due.dueThrough, overdueSince: due.overdueSince })),
  };
}

function findingsOf(facts: AuditFacts, check: DisposalCheck, tr: Translator): Finding[] {
  const findings: Finding[] = [];
  for (const c of check.categories) {
    if (c.disposed === 0) continue;
    const id = RETENTION_CATEGORY_OF[c.category];
    const declared = INVENTORY.find((d) => d.id === id);
    const name = declared ? categoryName(tr, declared) : id;
    // The engine's rule in the report's language, when it is the rule the profile states now.
    const rule = c.rule === describeRule(facts.profile, c.category).rule ? engineRuleWords(tr, facts.profile, c.category) : c.rule;
    findings.push({
      kind: 'overdue-disposal',
      category: id,
      name,
      count: c.disposed,
      rule,
      clause: c.clause,
      text: tr.t('report.audit.overdueFinding', { count: c.disposed, name, category: c.category, rule, clause: c.clause, at: readableInstant(check.asOf) }),
    });
  }
  for (const s of facts.series) {
    if (s.due.status !== 'due') continue;
    const words = seriesWords(tr, s);
    findings.push({
      kind: 'record-series-overdue',
      category: s.code,
      name: words.name,
      count: null,
      rule: tr.t('report.audit.keptAtMost', { days: s.retentionDays }),
      clause: s.clause,
      ...(s.due.overdueSince ? { overdueSince: s.due.overdueSince } : {}),
      text: [
        tr.t(s.clause ? 'report.audit.seriesFindingClause' : 'report.audit.seriesFinding', { name: words.name, medium: words.medium, before: readableInstant(s.due.dueThrough), days: s.retentionDays, clause: s.clause ?? '' }),
        s.lastDisposal ? tr.t('report.audit.seriesNoDisposalBeyond', { through: readableInstant(s.lastDisposal.disposedThrough) }) : tr.t('report.audit.seriesNoDisposal'),
        s.due.overdueSince ? tr.t('report.audit.seriesOverdueSince', { since: readableInstant(s.due.overdueSince) }) : '',
      ].join('') + '.',
    });
  }
  return findings;
}

/** The privacy audit report of one library, from the facts gathered now and the engine's dry run. */
export function buildAuditReport(facts: AuditFacts, check: DisposalCheck, tr: Translator): AuditReport {
  const { profile } = facts;
  const held = heldLines(facts.held, tr);
  const questions = auditQuestions(tr);
  const words = new Map(INVENTORY.map((c) => [c.id, inventoryWords(tr, c)]));
  const wordsOf = (c: (typeof INVENTORY)[number]) => words.get(c.id) ?? inventoryWords(tr, c);
  return {
    format: AUDIT_REPORT_FORMAT,
    title: tr.t('report.audit.title', { library: facts.library.name }),
    clause: 'CB-I',
    generatedAt: facts.generatedAt,
    library: facts.library,
    profile: { id: profile.id, name: profile.name, jurisdiction: profile.jurisdiction, version: profile.version, effective: profile.effective },
    period: facts.period,
    findings: findingsOf(facts, check, tr),
    collected: {
      question: questions.collected,
      categories: INVENTORY.map((c) => ({ id: c.id, name: wordsOf(c).name, fields: wordsOf(c).fields, held: held[c.id] })),
    },
    purposes: {
      question: questions.purposes,
      categories: INVENTORY.map((c) => ({ id: c.id, name: wordsOf(c).name, purpose: wordsOf(c).purpose, legalBasis: wordsOf(c).legalBasis, clauses: [...c.legalBasis.clauses] })),
    },
    access: {
      question: questions.access,
      categories: INVENTORY.map((c) => ({ id: c.id, name: wordsOf(c).name, declared: wordsOf(c).access, roles: rolesFor(c.id).map((r) => ({ ...r, name: roleWords(tr, r.role), permissionNames: r.permissions.map((p) => permissionWords(tr, p)) })) })),
      roles: ROLES.map((role) => ({ role, name: roleWords(tr, role), purposes: [...ROLE_PURPOSES[role]] })),
      accessLog: accessLogSection(facts, tr),
    },
    storage: {
      question: questions.storage,
      statements: storageStatements(facts.storage, tr),
      engine: facts.storage.engine,
      keys: {
        ...facts.storage.keyEncryptionKey,
        keyEncryptionKeys: facts.storage.keyEncryptionKeys,
        dataKeys: facts.storage.dataKeys,
        shreddedKeyRetentionDays: facts.storage.shreddedKeyRetentionDays,
      },
      backups: { lastBackupAt: facts.storage.lastBackupAt, lastRestoreAt: facts.storage.lastRestoreAt },
      categories: INVENTORY.map((c) => ({ id: c.id, name: wordsOf(c).name, tables: wordsOf(c).tables, sealed: wordsOf(c).sealed, indexed: wordsOf(c).indexed })),
    },
    retention: retentionSection(facts, check, tr),
  };
}
