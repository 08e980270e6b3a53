/**
 * The privacy audit report (CB-I): what is collected, why and how it is used, who collects it and who
 * can access it, where it is kept and how it is secured, how long it is kept and how it is disposed of.
 * Pure: the use case gathers the facts (counts, the access log's counts, the engine and the key ring,
 * retention receipts, the record-series register) and the retention engine's dry run says what is
 * overdue; this builds the one document every rendering (JSON, Markdown, HTML) shows. Every sentence
 * comes from the data inventory, the profile, the role table or a count; none is typed per library, and
 * none holds personal data (names, card numbers, contact details, titles, patron or staff ids).
 */
import { ROLE_NAMES, ROLES, type Role } from '../policy/actors.js';
import { rolesFor } from '../policy/category-access.js';
import { INVENTORY, type RecordCategory } from '../policy/inventory.js';
import { ROLE_PURPOSES } from '../policy/permissions.js';
import type { RetentionCategory } from '../policy/retention.policy.js';
import type { AuditFacts, HeldCounts } from '../domain/audit-facts.js';
import { AUDIT_REPORT_FORMAT, type AuditReport, type CountLine, type Finding } from '../domain/audit-report-document.js';

/** CB-I's five questions, in its order and words. */
export const AUDIT_QUESTIONS = {
  collected: '(a) What is collected',
  purposes: '(b) Why and how it is used',
  access: '(c) Who collects it and who can access it',
  storage: '(d) Where it is kept and how it is secured',
  retention: '(e) How long it is kept and how it is disposed of',
} as const;
export type AuditSection = keyof typeof AUDIT_QUESTIONS;

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
export function rowBand(rows: number): string {
  if (rows <= 0) return 'none';
  if (rows < 1_000) return 'fewer than 1,000';
  if (rows >= 1_000_000) return '1,000,000 or more';
  const low = 10 ** Math.floor(Math.log10(rows));
  return `${low.toLocaleString('en-US')}–${(low * 10 - 1).toLocaleString('en-US')}`;
}

export type { AuditReport, CountLine, Finding } from '../domain/audit-report-document.js';

/** A readable name for a role as the access log records it (staff roles, `patron`, `guardian`, `system`). */
export const roleName = (role: string): string => ((ROLES as readonly string[]).includes(role) ? ROLE_NAMES[role as Role] : role);
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

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** Counts of what a library holds now, per inventory category (codes as stored: statuses, kinds). */
function heldLines(held: HeldCounts): Record<RecordCategory, CountLine[]> {
  const byStatus = (what: string, rows: { code: string; count: number }[]) => rows.map((r) => ({ label: `${what}: ${r.code}`, count: r.count }));
  const sum = (rows: { code: string; count: number }[], codes: string[]) => rows.filter((r) => codes.includes(r.code)).reduce((s, r) => s + r.count, 0);
  const services = (kind: string): CountLine[] => {
    const rows = held.serviceRecords.filter((r) => r.kind === kind);
    return rows.length === 0 ? [{ label: 'records', count: 0 }] : rows.map((r) => ({ label: `records: ${r.status}`, count: r.count }));
  };
  const total = (rows: { count: number }[]) => rows.reduce((s, r) => s + r.count, 0);
  // The aggregates: what they hold, and a band of their rows, never a sum (see `rowBand`).
  const aggregate = (what: string, by: string, rows: number): CountLine[] => [
    { label: `counts only: ${what} per ${by}; no patron, no item; no total is given here (it would show the month under way)`, count: null },
    { label: 'rows held', count: null, band: rowBand(rows) },
  ];
  return {
    registration: [
      { label: 'patrons', count: total(held.patronsByStatus) },
      ...byStatus('patrons', held.patronsByStatus),
      { label: 'blind-index tokens for look-ups', count: held.searchTokens },
    ],
    guardianship: [
      { label: 'current guardian links', count: held.guardianLinks.current },
      { label: 'ended guardian links', count: held.guardianLinks.ended },
    ],
    circulation: [
      { label: 'loans out now', count: sum(held.loansByStatus, ['active']) },
      { label: 'returned or lost loans still linked to a patron', count: sum(held.loansByStatus, ['returned', 'lost']) },
    ],
    'reading-history': [
      { label: 'patrons who opted in', count: held.readingHistoryPatrons },
      { label: 'past loans kept as reading history', count: held.readingHistoryLoans },
    ],
    holds: [{ label: 'holds', count: total(held.holdsByStatus) }, ...byStatus('holds', held.holdsByStatus)],
    fines: [{ label: 'fines and fees', count: total(held.finesByStatus) }, ...byStatus('fines', held.finesByStatus), { label: 'payments', count: held.payments }],
    'computer-sessions': services('computer-session'),
    'program-signups': services('program-signup'),
    'room-bookings': services('room-booking'),
    'ill-requests': services('ill-request'),
    'reference-requests': services('reference-request'),
    notices: [
      { label: 'notices', count: total(held.noticesByStatus) },
      ...byStatus('notices', held.noticesByStatus),
      { label: 'breaches recorded (RR-6)', count: held.breaches.recorded },
      { label: 'patrons notified of a breach', count: held.breaches.patronsAffected },
    ],
    complaints: [
      { label: 'complaints open', count: held.complaints.open },
      { label: 'complaints answered', count: held.complaints.answered },
      { label: 'of which with no patron named', count: held.complaints.anonymous },
    ],
    'vendor-authorisations': [
      { label: 'patrons’ vendors remembered (a patron and a vendor they signed in to)', count: held.vendorAuthorisations.pairs },
      { label: 'of which with claims the patron consented to', count: held.vendorAuthorisations.withConsent },
    ],
    'access-log': [{ label: 'entries', count: held.accessLogEntries }],
    'circulation-statistics': aggregate('loans', 'day, branch, item type, patron category, age band', held.statistics.rows),
    'registration-statistics': aggregate('registrations', 'day, branch, patron category, age band', held.registrationStatistics.rows),
    'service-statistics': aggregate('services (computer minutes too)', 'day, branch, kind of service, patron category, age band', held.serviceStatistics.rows),
    'vendor-statistics': aggregate('sign-ins to vendors', 'month, vendor', held.vendorStatistics.rows),
  };
}

function accessLogSection(facts: AuditFacts): AuditReport['access']['accessLog'] {
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
    return { id: c.id, name: c.name, entries: byRole.reduce((s, r) => s + r.entries, 0), byRole };
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

function storageStatements(s: AuditFacts['storage']): string[] {
  const statements: string[] = [];
  if (s.engine.engine === 'sqlite')
    statements.push(
      `Database: embedded SQLite ${s.engine.version}, one file on the library's server (journal mode ${s.engine.journalMode}). ` +
        (s.engine.secureDelete ? 'Deleted rows are overwritten on disk at once (secure_delete is on).' : 'secure_delete is OFF: deleted rows may stay in free pages until the file is vacuumed.'),
    );
  else
    statements.push(
      `Database: PostgreSQL ${s.engine.version}. Deleted rows stay in the table files until VACUUM reclaims them (autovacuum does this in time; run VACUUM after a large first retention run).`,
    );
  statements.push(
    'Encryption at rest: every personal field listed as sealed below is encrypted with AES-256-GCM under a data key of its own patron (envelope encryption); look-ups go through blind indexes (HMAC-SHA256, equality only), never through the plain value.',
  );
  statements.push(
    s.keyEncryptionKey.kind === 'file'
      ? "Key-encryption key: in a key file readable by Carrel's user only, outside the database (its path is the operator's: a published report does not point at it)."
      : 'Key-encryption key: supplied in the CARREL_KEY environment variable, outside the database.',
  );
  if (s.keyEncryptionKeys > 1) statements.push(`A key rotation is under way: the key ring holds ${s.keyEncryptionKeys} key-encryption keys.`);
  const keyStore = s.engine.engine === 'sqlite' ? 'a SQLite file of its own beside the database' : 'the carrel_keys schema of the same PostgreSQL database';
  statements.push(
    `Key store: ${keyStore}, holding only wrapped keys: ${plural(s.dataKeys.total, 'patron data key')} for the whole installation` +
      (s.dataKeys.notUnderCurrent > 0 ? `, ${s.dataKeys.notUnderCurrent} of them not yet rewrapped under the current key-encryption key.` : ', all wrapped under the current key-encryption key.'),
  );
  statements.push(
    `Shredding: deleting or purging a patron shreds their data key at once; it is destroyed ${plural(s.shreddedKeyRetentionDays, 'day')} later, after which no copy of their sealed fields (database, backups) can be opened.`,
  );
  statements.push(
    s.lastBackupAt
      ? `Backups: the last backup taken with \`carrel backup\` is of ${readableInstant(s.lastBackupAt)} (per the access log). Its file is sealed with AES-256-GCM under the installation's backup key and holds no key.`
      : 'Backups: the access log records no backup taken with `carrel backup`. A backup file is sealed with AES-256-GCM under the installation\'s backup key and holds no key.',
  );
  statements.push('Copies made by other means (database dumps, file copies, disk snapshots) and copies of the key store and key file are kept by the operator; they are not recorded here.');
  if (s.lastRestoreAt) statements.push(`The last restore from a backup was at ${readableInstant(s.lastRestoreAt)}.`);
  return statements;
}

function retentionSection(facts: AuditFacts, check: DisposalCheck): AuditReport['retention'] {
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
    question: AUDIT_QUESTIONS.retention,
    categories: INVENTORY.map((c) => {
      const rule = c.retention(profile);
      return {
        id: c.id,
        name: c.name,
        rule: rule.rule,
        clause: rule.clause,
        ...(rule.note ? { note: rule.note } : {}),
        disposal: c.disposal,
        lastRun: lastRunOf(c.id),
        overdue: engineCategories(c.id).length > 0 ? (overdueOf.get(c.id) ?? 0) : null,
      };
    }),
    check: { asOf: check.asOf, graceHours: check.graceHours },
    runs: facts.runs,
    externalRecords: facts.series.map(({ due, ...s }) => ({ ...s, due: due.status === 'due', dueThrough: due.dueThrough, overdueSince: due.overdueSince })),
  };
}

function findingsOf(facts: AuditFacts, check: DisposalCheck): Finding[] {
  const findings: Finding[] = [];
  for (const c of check.categories) {
    if (c.disposed === 0) continue;
    const id = RETENTION_CATEGORY_OF[c.category];
    const name = INVENTORY.find((d) => d.id === id)?.name ?? id;
    findings.push({
      kind: 'overdue-disposal',
      category: id,
      name,
      count: c.disposed,
      rule: c.rule,
      clause: c.clause,
      text:
        `${plural(c.disposed, 'record')} of ${name} (${c.category}) ${c.disposed === 1 ? 'is' : 'are'} past ${c.disposed === 1 ? 'its' : 'their'} retention (${c.rule}; ${c.clause}) ` +
        `and ${c.disposed === 1 ? 'was' : 'were'} not disposed of by ${readableInstant(check.asOf)}: the retention engine has not caught up.`,
    });
  }
  for (const s of facts.series) {
    if (s.due.status !== 'due') continue;
    findings.push({
      kind: 'record-series-overdue',
      category: s.code,
      name: s.name,
      count: null,
      rule: `kept at most ${plural(s.retentionDays, 'day')}`,
      clause: s.clause,
      ...(s.due.overdueSince ? { overdueSince: s.due.overdueSince } : {}),
      text:
        `${s.name} (${s.medium}, kept outside Carrel) recorded before ${readableInstant(s.due.dueThrough)} should have been destroyed (at most ${plural(s.retentionDays, 'day')}${s.clause ? `; ${s.clause}` : ''}); ` +
        `no disposal has been confirmed ${s.lastDisposal ? `beyond ${readableInstant(s.lastDisposal.disposedThrough)}` : 'since the series was registered'}` +
        `${s.due.overdueSince ? `, overdue since ${readableInstant(s.due.overdueSince)}` : ''}.`,
    });
  }
  return findings;
}

/** The privacy audit report of one library, from the facts gathered now and the engine's dry run. */
export function buildAuditReport(facts: AuditFacts, check: DisposalCheck): AuditReport {
  const { profile } = facts;
  const held = heldLines(facts.held);
  return {
    format: AUDIT_REPORT_FORMAT,
    title: `Privacy audit report: ${facts.library.name}`,
    clause: 'CB-I',
    generatedAt: facts.generatedAt,
    library: facts.library,
    profile: { id: profile.id, name: profile.name, jurisdiction: profile.jurisdiction, version: profile.version, effective: profile.effective },
    period: facts.period,
    findings: findingsOf(facts, check),
    collected: {
      question: AUDIT_QUESTIONS.collected,
      categories: INVENTORY.map((c) => ({ id: c.id, name: c.name, fields: [...c.fields], held: held[c.id] })),
    },
    purposes: {
      question: AUDIT_QUESTIONS.purposes,
      categories: INVENTORY.map((c) => ({ id: c.id, name: c.name, purpose: c.purpose, legalBasis: c.legalBasis.text, clauses: [...c.legalBasis.clauses] })),
    },
    access: {
      question: AUDIT_QUESTIONS.access,
      categories: INVENTORY.map((c) => ({ id: c.id, name: c.name, declared: [...c.access], roles: rolesFor(c.id) })),
      roles: ROLES.map((role) => ({ role, name: ROLE_NAMES[role], purposes: [...ROLE_PURPOSES[role]] })),
      accessLog: accessLogSection(facts),
    },
    storage: {
      question: AUDIT_QUESTIONS.storage,
      statements: storageStatements(facts.storage),
      engine: facts.storage.engine,
      keys: {
        ...facts.storage.keyEncryptionKey,
        keyEncryptionKeys: facts.storage.keyEncryptionKeys,
        dataKeys: facts.storage.dataKeys,
        shreddedKeyRetentionDays: facts.storage.shreddedKeyRetentionDays,
      },
      backups: { lastBackupAt: facts.storage.lastBackupAt, lastRestoreAt: facts.storage.lastRestoreAt },
      categories: INVENTORY.map((c) => ({ id: c.id, name: c.name, tables: [...c.storage.tables], sealed: [...c.storage.sealed], indexed: [...c.storage.indexed] })),
    },
    retention: retentionSection(facts, check),
  };
}
