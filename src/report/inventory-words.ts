/**
 * The data inventory, the role table and the purposes in the words of the report's language: the
 * privacy audit report (CB-I) names each category, its fields, purpose, legal basis, declared access,
 * storage and disposal, each role and each purpose through these keys (locales/<language>/report.json).
 * The English catalogue says exactly what src/policy declares (a test holds them together), so an
 * English report reads as it always has. Identifiers (table names, clause ids) stay as they are; a word
 * the catalogue does not know (a role or purpose added later) is shown as it is stored. Pure.
 */
import type { RecordCategory } from '../domain/records.js';
import type { Translator } from '../domain/translator.js';
import type { CategoryDeclaration } from '../policy/inventory.js';
import { outsideWords } from '../policy/policy-words.js';
import { DEFAULT_NOTICE_RETENTION, noticeRetention } from '../policy/notice.policy.js';
import type { Profile } from '../policy/profile.schema.js';
import { DEFAULT_VENDOR_AUTHORISATION_RETENTION, describeRule, serviceRule, vendorAuthorisationRule, type RetentionCategory } from '../policy/retention.policy.js';

interface CategoryKeys {
  name: string;
  purpose: string;
  legalBasis: string;
  disposal: string;
  /** One key per field and per declared access, in the inventory's order. */
  fields: readonly string[];
  access: readonly string[];
}

const CATEGORY_KEYS: Record<RecordCategory, CategoryKeys> = {
  registration: {
    name: 'report.inventory.registration.name',
    purpose: 'report.inventory.registration.purpose',
    legalBasis: 'report.inventory.registration.legalBasis',
    disposal: 'report.inventory.registration.disposal',
    fields: [
      'report.inventory.registration.field1',
      'report.inventory.registration.field2',
      'report.inventory.registration.field3',
      'report.inventory.registration.field4',
      'report.inventory.registration.field5',
      'report.inventory.registration.field6',
      'report.inventory.registration.field7',
      'report.inventory.registration.field8',
      'report.inventory.registration.field9',
      'report.inventory.registration.field10',
      'report.inventory.registration.field11',
    ],
    access: ['report.inventory.registration.access1', 'report.inventory.registration.access2', 'report.inventory.registration.access3'],
  },
  guardianship: {
    name: 'report.inventory.guardianship.name',
    purpose: 'report.inventory.guardianship.purpose',
    legalBasis: 'report.inventory.guardianship.legalBasis',
    disposal: 'report.inventory.guardianship.disposal',
    fields: [
      'report.inventory.guardianship.field1',
      'report.inventory.guardianship.field2',
      'report.inventory.guardianship.field3',
      'report.inventory.guardianship.field4',
    ],
    access: ['report.inventory.guardianship.access1', 'report.inventory.guardianship.access2'],
  },
  circulation: {
    name: 'report.inventory.circulation.name',
    purpose: 'report.inventory.circulation.purpose',
    legalBasis: 'report.inventory.circulation.legalBasis',
    disposal: 'report.inventory.circulation.disposal',
    fields: [
      'report.inventory.circulation.field1',
      'report.inventory.circulation.field2',
      'report.inventory.circulation.field3',
      'report.inventory.circulation.field4',
      'report.inventory.circulation.field5',
      'report.inventory.circulation.field6',
      'report.inventory.circulation.field7',
      'report.inventory.circulation.field8',
    ],
    access: ['report.inventory.circulation.access1', 'report.inventory.circulation.access2'],
  },
  'reading-history': {
    name: 'report.inventory.reading-history.name',
    purpose: 'report.inventory.reading-history.purpose',
    legalBasis: 'report.inventory.reading-history.legalBasis',
    disposal: 'report.inventory.reading-history.disposal',
    fields: ['report.inventory.reading-history.field1'],
    access: ['report.inventory.reading-history.access1', 'report.inventory.reading-history.access2'],
  },
  holds: {
    name: 'report.inventory.holds.name',
    purpose: 'report.inventory.holds.purpose',
    legalBasis: 'report.inventory.holds.legalBasis',
    disposal: 'report.inventory.holds.disposal',
    fields: [
      'report.inventory.holds.field1',
      'report.inventory.holds.field2',
      'report.inventory.holds.field3',
      'report.inventory.holds.field4',
      'report.inventory.holds.field5',
    ],
    access: ['report.inventory.holds.access1', 'report.inventory.holds.access2', 'report.inventory.holds.access3'],
  },
  fines: {
    name: 'report.inventory.fines.name',
    purpose: 'report.inventory.fines.purpose',
    legalBasis: 'report.inventory.fines.legalBasis',
    disposal: 'report.inventory.fines.disposal',
    fields: [
      'report.inventory.fines.field1',
      'report.inventory.fines.field2',
      'report.inventory.fines.field3',
      'report.inventory.fines.field4',
      'report.inventory.fines.field5',
      'report.inventory.fines.field6',
      'report.inventory.fines.field7',
      'report.inventory.fines.field8',
    ],
    access: ['report.inventory.fines.access1', 'report.inventory.fines.access2', 'report.inventory.fines.access3'],
  },
  'computer-sessions': {
    name: 'report.inventory.computer-sessions.name',
    purpose: 'report.inventory.computer-sessions.purpose',
    legalBasis: 'report.inventory.computer-sessions.legalBasis',
    disposal: 'report.inventory.computer-sessions.disposal',
    fields: ['report.inventory.computer-sessions.field1', 'report.inventory.computer-sessions.field2', 'report.inventory.computer-sessions.field3'],
    access: ['report.inventory.computer-sessions.access1'],
  },
  'program-signups': {
    name: 'report.inventory.program-signups.name',
    purpose: 'report.inventory.program-signups.purpose',
    legalBasis: 'report.inventory.program-signups.legalBasis',
    disposal: 'report.inventory.program-signups.disposal',
    fields: [
      'report.inventory.program-signups.field1',
      'report.inventory.program-signups.field2',
      'report.inventory.program-signups.field3',
      'report.inventory.program-signups.field4',
    ],
    access: ['report.inventory.program-signups.access1', 'report.inventory.program-signups.access2'],
  },
  'room-bookings': {
    name: 'report.inventory.room-bookings.name',
    purpose: 'report.inventory.room-bookings.purpose',
    legalBasis: 'report.inventory.room-bookings.legalBasis',
    disposal: 'report.inventory.room-bookings.disposal',
    fields: [
      'report.inventory.room-bookings.field1',
      'report.inventory.room-bookings.field2',
      'report.inventory.room-bookings.field3',
      'report.inventory.room-bookings.field4',
    ],
    access: ['report.inventory.room-bookings.access1', 'report.inventory.room-bookings.access2'],
  },
  'ill-requests': {
    name: 'report.inventory.ill-requests.name',
    purpose: 'report.inventory.ill-requests.purpose',
    legalBasis: 'report.inventory.ill-requests.legalBasis',
    disposal: 'report.inventory.ill-requests.disposal',
    fields: [
      'report.inventory.ill-requests.field1',
      'report.inventory.ill-requests.field2',
      'report.inventory.ill-requests.field3',
      'report.inventory.ill-requests.field4',
    ],
    access: ['report.inventory.ill-requests.access1', 'report.inventory.ill-requests.access2'],
  },
  'reference-requests': {
    name: 'report.inventory.reference-requests.name',
    purpose: 'report.inventory.reference-requests.purpose',
    legalBasis: 'report.inventory.reference-requests.legalBasis',
    disposal: 'report.inventory.reference-requests.disposal',
    fields: [
      'report.inventory.reference-requests.field1',
      'report.inventory.reference-requests.field2',
      'report.inventory.reference-requests.field3',
      'report.inventory.reference-requests.field4',
    ],
    access: ['report.inventory.reference-requests.access1', 'report.inventory.reference-requests.access2'],
  },
  complaints: {
    name: 'report.inventory.complaints.name',
    purpose: 'report.inventory.complaints.purpose',
    legalBasis: 'report.inventory.complaints.legalBasis',
    disposal: 'report.inventory.complaints.disposal',
    fields: [
      'report.inventory.complaints.field1',
      'report.inventory.complaints.field2',
      'report.inventory.complaints.field3',
      'report.inventory.complaints.field4',
      'report.inventory.complaints.field5',
      'report.inventory.complaints.field6',
      'report.inventory.complaints.field7',
    ],
    access: ['report.inventory.complaints.access1', 'report.inventory.complaints.access2', 'report.inventory.complaints.access3'],
  },
  notices: {
    name: 'report.inventory.notices.name',
    purpose: 'report.inventory.notices.purpose',
    legalBasis: 'report.inventory.notices.legalBasis',
    disposal: 'report.inventory.notices.disposal',
    fields: [
      'report.inventory.notices.field1',
      'report.inventory.notices.field2',
      'report.inventory.notices.field3',
      'report.inventory.notices.field4',
      'report.inventory.notices.field5',
      'report.inventory.notices.field6',
      'report.inventory.notices.field7',
    ],
    access: ['report.inventory.notices.access1', 'report.inventory.notices.access2', 'report.inventory.notices.access3'],
  },
  'vendor-authorisations': {
    name: 'report.inventory.vendor-authorisations.name',
    purpose: 'report.inventory.vendor-authorisations.purpose',
    legalBasis: 'report.inventory.vendor-authorisations.legalBasis',
    disposal: 'report.inventory.vendor-authorisations.disposal',
    fields: [
      'report.inventory.vendor-authorisations.field1',
      'report.inventory.vendor-authorisations.field2',
      'report.inventory.vendor-authorisations.field3',
      'report.inventory.vendor-authorisations.field4',
      'report.inventory.vendor-authorisations.field5',
    ],
    access: ['report.inventory.vendor-authorisations.access1', 'report.inventory.vendor-authorisations.access2'],
  },
  'access-log': {
    name: 'report.inventory.access-log.name',
    purpose: 'report.inventory.access-log.purpose',
    legalBasis: 'report.inventory.access-log.legalBasis',
    disposal: 'report.inventory.access-log.disposal',
    fields: [
      'report.inventory.access-log.field1',
      'report.inventory.access-log.field2',
      'report.inventory.access-log.field3',
      'report.inventory.access-log.field4',
      'report.inventory.access-log.field5',
      'report.inventory.access-log.field6',
      'report.inventory.access-log.field7',
    ],
    access: ['report.inventory.access-log.access1', 'report.inventory.access-log.access2'],
  },
  'circulation-statistics': {
    name: 'report.inventory.circulation-statistics.name',
    purpose: 'report.inventory.circulation-statistics.purpose',
    legalBasis: 'report.inventory.circulation-statistics.legalBasis',
    disposal: 'report.inventory.circulation-statistics.disposal',
    fields: [
      'report.inventory.circulation-statistics.field1',
      'report.inventory.circulation-statistics.field2',
      'report.inventory.circulation-statistics.field3',
      'report.inventory.circulation-statistics.field4',
      'report.inventory.circulation-statistics.field5',
      'report.inventory.circulation-statistics.field6',
    ],
    access: ['report.inventory.circulation-statistics.access1', 'report.inventory.circulation-statistics.access2'],
  },
  'registration-statistics': {
    name: 'report.inventory.registration-statistics.name',
    purpose: 'report.inventory.registration-statistics.purpose',
    legalBasis: 'report.inventory.registration-statistics.legalBasis',
    disposal: 'report.inventory.registration-statistics.disposal',
    fields: [
      'report.inventory.registration-statistics.field1',
      'report.inventory.registration-statistics.field2',
      'report.inventory.registration-statistics.field3',
      'report.inventory.registration-statistics.field4',
      'report.inventory.registration-statistics.field5',
    ],
    access: ['report.inventory.registration-statistics.access1', 'report.inventory.registration-statistics.access2'],
  },
  'service-statistics': {
    name: 'report.inventory.service-statistics.name',
    purpose: 'report.inventory.service-statistics.purpose',
    legalBasis: 'report.inventory.service-statistics.legalBasis',
    disposal: 'report.inventory.service-statistics.disposal',
    fields: [
      'report.inventory.service-statistics.field1',
      'report.inventory.service-statistics.field2',
      'report.inventory.service-statistics.field3',
      'report.inventory.service-statistics.field4',
      'report.inventory.service-statistics.field5',
      'report.inventory.service-statistics.field6',
      'report.inventory.service-statistics.field7',
    ],
    access: ['report.inventory.service-statistics.access1', 'report.inventory.service-statistics.access2'],
  },
  'vendor-statistics': {
    name: 'report.inventory.vendor-statistics.name',
    purpose: 'report.inventory.vendor-statistics.purpose',
    legalBasis: 'report.inventory.vendor-statistics.legalBasis',
    disposal: 'report.inventory.vendor-statistics.disposal',
    fields: ['report.inventory.vendor-statistics.field1', 'report.inventory.vendor-statistics.field2', 'report.inventory.vendor-statistics.field3'],
    access: ['report.inventory.vendor-statistics.access1', 'report.inventory.vendor-statistics.access2'],
  },
};
const STORAGE_KEYS: Readonly<Record<string, string>> = {
  "name": 'report.inventory.storage.name',
  "birth date": 'report.inventory.storage.birth-date',
  "address": 'report.inventory.storage.address',
  "email": 'report.inventory.storage.email',
  "phone": 'report.inventory.storage.phone',
  "card number": 'report.inventory.storage.card-number',
  "name words": 'report.inventory.storage.name-words',
  "override note": 'report.inventory.storage.override-note',
  "note": 'report.inventory.storage.note',
  "details": 'report.inventory.storage.details',
  "summary": 'report.inventory.storage.summary',
  "answer_summary": 'report.inventory.storage.answer-summary',
  "what it will say": 'report.inventory.storage.what-it-will-say',
};
const TABLE_KEYS: Readonly<Record<string, string>> = {
  'patrons (opt-in time)': 'report.inventory.table.patronsOptIn',
  'import_keys (during an import only: keyed hashes of each row’s card and of its name, birth date and email, to find duplicates)': 'report.inventory.table.importKeys',
  'patrons (notice language, unsubscribed)': 'report.inventory.table.patronsNotices',
  'oidc_store (the sign-in provider’s sessions, codes, tokens and grants, by patron)': 'report.inventory.table.oidcStore',
};
const ROLE_KEYS: Readonly<Record<string, string>> = {
  volunteer: 'report.role.volunteer',
  circulation: 'report.role.circulation',
  librarian: 'report.role.librarian',
  'branch-manager': 'report.role.branch-manager',
  director: 'report.role.director',
  admin: 'report.role.admin',
  patron: 'report.role.patron',
  guardian: 'report.role.guardian',
  system: 'report.role.system',
  'self-check': 'report.role.self-check',
  sorter: 'report.role.sorter',
  authentication: 'report.role.authentication',
  vendor: 'report.role.vendor',
};
const PURPOSE_KEYS: Readonly<Record<string, string>> = {
  circulation: 'report.purpose.circulation',
  'account-service': 'report.purpose.account-service',
  'materials-recovery': 'report.purpose.materials-recovery',
  'fines-collection': 'report.purpose.fines-collection',
  'legal-disclosure': 'report.purpose.legal-disclosure',
  statistics: 'report.purpose.statistics',
  'self-service': 'report.purpose.self-service',
  administration: 'report.purpose.administration',
  retention: 'report.purpose.retention',
  'violation-review': 'report.purpose.violation-review',
  'guardian-access': 'report.purpose.guardian-access',
  authentication: 'report.purpose.authentication',
  notices: 'report.purpose.notices',
};
const PERMISSION_KEYS: Readonly<Record<string, string>> = {
  'holds.shelf': 'report.permission.holds.shelf',
  'profiles.read': 'report.permission.profiles.read',
  'statistics.read': 'report.permission.statistics.read',
  'patron.lookup': 'report.permission.patron.lookup',
  'patron.identify': 'report.permission.patron.identify',
  'patron.register': 'report.permission.patron.register',
  'patron.update': 'report.permission.patron.update',
  'patron.status': 'report.permission.patron.status',
  'patron.reissue-card': 'report.permission.patron.reissue-card',
  'patron.reading-history': 'report.permission.patron.reading-history',
  'circulation.checkout': 'report.permission.circulation.checkout',
  'circulation.checkin': 'report.permission.circulation.checkin',
  'circulation.renew': 'report.permission.circulation.renew',
  'circulation.lost': 'report.permission.circulation.lost',
  'holds.place': 'report.permission.holds.place',
  'holds.cancel': 'report.permission.holds.cancel',
  'library.read': 'report.permission.library.read',
  'patron.renew-card': 'report.permission.patron.renew-card',
  'patron.reset-pin': 'report.permission.patron.reset-pin',
  'circulation.lists': 'report.permission.circulation.lists',
  'fines.pay': 'report.permission.fines.pay',
  'services.record': 'report.permission.services.record',
  'items.read': 'report.permission.items.read',
  'patron.read': 'report.permission.patron.read',
  'patron.search': 'report.permission.patron.search',
  'patron.export': 'report.permission.patron.export',
  'items.manage': 'report.permission.items.manage',
  'fines.waive': 'report.permission.fines.waive',
  'circulation.override': 'report.permission.circulation.override',
  'patron.delete': 'report.permission.patron.delete',
  'records.manage': 'report.permission.records.manage',
  'disclosure.receive': 'report.permission.disclosure.receive',
  'complaints.record': 'report.permission.complaints.record',
  'disclosure.read': 'report.permission.disclosure.read',
  'disclosure.decide': 'report.permission.disclosure.decide',
  'disclosure.release': 'report.permission.disclosure.release',
  'legal-hold.manage': 'report.permission.legal-hold.manage',
  'complaints.answer': 'report.permission.complaints.answer',
  'transparency.read': 'report.permission.transparency.read',
  'audit.read': 'report.permission.audit.read',
  'access-log.read': 'report.permission.access-log.read',
  'access-log.verify': 'report.permission.access-log.verify',
  'services.review': 'report.permission.services.review',
  'retention.run': 'report.permission.retention.run',
  'library.administer': 'report.permission.library.administer',
  'staff.manage': 'report.permission.staff.manage',
  'jobs.manage': 'report.permission.jobs.manage',
  'notices.read': 'report.permission.notices.read',
  'notices.send': 'report.permission.notices.send',
  'notices.manage': 'report.permission.notices.manage',
  'breach.manage': 'report.permission.breach.manage',
};

/** A key's words, or the text itself when there is no key for it. */
const say = (tr: Translator, key: string | undefined, text: string): string => (key ? tr.t(key) : text);

const STATUS_KEYS = {
  patron: {
    active: 'report.status.patron.active',
    expired: 'report.status.patron.expired',
    blocked: 'report.status.patron.blocked',
    'card-lost': 'report.status.patron.card-lost',
    deceased: 'report.status.patron.deceased',
  },
  hold: {
    pending: 'report.status.hold.pending',
    ready: 'report.status.hold.ready',
    fulfilled: 'report.status.hold.fulfilled',
    cancelled: 'report.status.hold.cancelled',
    expired: 'report.status.hold.expired',
  },
  fine: {
    open: 'report.status.fine.open',
    paid: 'report.status.fine.paid',
    waived: 'report.status.fine.waived',
  },
  service: {
    active: 'report.status.service.active',
    ended: 'report.status.service.ended',
    booked: 'report.status.service.booked',
    cancelled: 'report.status.service.cancelled',
    open: 'report.status.service.open',
    fulfilled: 'report.status.service.fulfilled',
    answered: 'report.status.service.answered',
  },
  notice: {
    queued: 'report.status.notice.queued',
    sent: 'report.status.notice.sent',
    failed: 'report.status.notice.failed',
    letter: 'report.status.notice.letter',
    posted: 'report.status.notice.posted',
    cancelled: 'report.status.notice.cancelled',
  },
  run: {
    running: 'report.status.run.running',
    finished: 'report.status.run.finished',
    interrupted: 'report.status.run.interrupted',
  },
} as const satisfies Record<string, Readonly<Record<string, string>>>;

const ENGINE_CATEGORY_KEYS: Readonly<Record<string, string>> = {
  circulation: 'report.engine.circulation',
  fines: 'report.engine.fines',
  holds: 'report.engine.holds',
  'computer-sessions': 'report.engine.computer-sessions',
  'program-signups': 'report.engine.program-signups',
  'room-bookings': 'report.engine.room-bookings',
  'ill-requests': 'report.engine.ill-requests',
  'reference-requests': 'report.engine.reference-requests',
  notices: 'report.engine.notices',
  'vendor-authorisations': 'report.engine.vendor-authorisations',
  'inactive-patrons': 'report.engine.inactive-patrons',
  'deceased-patrons': 'report.engine.deceased-patrons',
  'access-log': 'report.engine.access-log',
};

/** A status code as stored (a patron's, a hold's, a fine's, a service record's, a notice's, a retention run's), in words. */
export function statusWords(tr: Translator, kind: keyof typeof STATUS_KEYS, code: string): string {
  return say(tr, (STATUS_KEYS[kind] as Readonly<Record<string, string>>)[code], code);
}

/** A retention-engine category (what a run's receipts name), in words. */
export function engineCategoryWords(tr: Translator, category: string): string {
  return say(tr, ENGINE_CATEGORY_KEYS[category], category);
}

/** A category's name in the translator's language. */
export function categoryName(tr: Translator, category: CategoryDeclaration): string {
  return tr.t(CATEGORY_KEYS[category.id].name);
}

/** Everything the audit report says of a category, in the translator's language. */
export function inventoryWords(tr: Translator, category: CategoryDeclaration) {
  const keys = CATEGORY_KEYS[category.id];
  return {
    name: tr.t(keys.name),
    purpose: tr.t(keys.purpose),
    legalBasis: tr.t(keys.legalBasis),
    disposal: tr.t(keys.disposal),
    fields: category.fields.map((field, i) => say(tr, keys.fields[i], field)),
    access: category.access.map((access, i) => say(tr, keys.access[i], access)),
    tables: category.storage.tables.map((table) => say(tr, TABLE_KEYS[table], table)),
    sealed: category.storage.sealed.map((field) => say(tr, STORAGE_KEYS[field], field)),
    indexed: category.storage.indexed.map((field) => say(tr, STORAGE_KEYS[field], field)),
  };
}

/** A role as the access log records it (staff roles, `patron`, `guardian`, `system`, a SIP2 machine's kind). */
export function roleWords(tr: Translator, role: string): string {
  return say(tr, ROLE_KEYS[role], role);
}

/** A purpose (why personal data was touched). */
export function purposeWords(tr: Translator, purpose: string): string {
  return say(tr, PURPOSE_KEYS[purpose], purpose);
}

/** A permission of the role table. */
export function permissionWords(tr: Translator, permission: string): string {
  return say(tr, PERMISSION_KEYS[permission], permission);
}

// ── Retention rules, as the retention engine and the inventory word them (policy/retention.policy.ts) ──

/** Numbers as the engine writes them (no grouping), so an English report reads exactly as the engine's words. */
const n = (value: number) => String(value);

/** A retention-engine category's rule in words, under a profile (the engine's `describeRule`, translated). */
export function engineRuleWords(tr: Translator, profile: Profile, category: RetentionCategory): string {
  const r = profile.retention;
  const swept = (sweep: 'every-run' | 'annually') => (sweep === 'annually' ? tr.t('report.rule.purgedAnnually') : tr.t('report.rule.purgedEveryRun'));
  switch (category) {
    case 'circulation':
      return r.loans.afterReturn === 'anonymise' ? tr.t('report.rule.loansAnonymised') : tr.t('report.rule.loansKept', { months: n(r.loans.months) });
    case 'fines':
      return tr.t('report.rule.fines', { days: n(r.fines.days) });
    case 'holds':
      return tr.t('report.rule.holds', { days: n(r.holds.days) });
    case 'computer-sessions':
      return tr.t('report.rule.computerSessions', { days: n(serviceRule('computer-session', profile).days) });
    case 'program-signups':
      return tr.t('report.rule.programSignups', { days: n(serviceRule('program-signup', profile).days) });
    case 'room-bookings':
      return tr.t('report.rule.roomBookings', { days: n(serviceRule('room-booking', profile).days) });
    case 'ill-requests':
      return tr.t('report.rule.illRequests', { days: n(serviceRule('ill-request', profile).days) });
    case 'reference-requests':
      return tr.t('report.rule.referenceRequests', { days: n(serviceRule('reference-request', profile).days) });
    case 'inactive-patrons':
      return tr.t('report.rule.inactivePatrons', { months: n(r.inactivePatrons.months), swept: swept(r.inactivePatrons.sweep) });
    case 'deceased-patrons':
      return tr.t('report.rule.deceasedPatrons', { swept: swept(r.deceasedPatrons.sweep) });
    case 'notices':
      return tr.t('report.rule.notices', { days: n(noticeRetention(profile).days) });
    case 'vendor-authorisations':
      return tr.t('report.rule.vendorAuthorisations', { months: n(vendorAuthorisationRule(profile).months) });
    case 'access-log':
      return tr.t('report.rule.accessLog', { months: n(r.accessLog.months) });
  }
}

/** How the retention engine says it disposes of a category's records (describeRule's `disposal`), by its English. */
const DISPOSALS: Readonly<Record<string, string>> = {
  'added to statistics, then deleted': 'report.disposal.countedThenDeleted',
  'data key shredded, rows deleted': 'report.disposal.keyShredded',
  deleted: 'report.disposal.deleted',
  'deleted (sealed details with them)': 'report.disposal.deletedSealed',
  'deleted, with the sign-in provider’s grants of that vendor for that patron': 'report.disposal.vendorGrants',
  'oldest entries deleted in chain order; the chain’s start moves past them, so it still verifies': 'report.disposal.accessLog',
};

/**
 * A retention receipt's rule and disposal in the reader's language: in the engine's words translated
 * when the receipt states the rule the profile states now; as the run wrote them otherwise (a rule
 * since changed is quoted as it was applied).
 */
export function receiptWords<R extends { category: string; rule: string; disposal: string }>(tr: Translator, profile: Profile, receipt: R): R {
  // A category the engine does not know (an older run's) describes to nothing: its receipt stays as written.
  const category = receipt.category as RetentionCategory;
  const stated = describeRule(profile, category) as ReturnType<typeof describeRule> | undefined;
  const rule = stated !== undefined && receipt.rule === stated.rule ? engineRuleWords(tr, profile, category) : receipt.rule;
  const disposal = DISPOSALS[receipt.disposal];
  return { ...receipt, rule, disposal: disposal ? tr.t(disposal) : receipt.disposal };
}

/** An inventory category's retention rule in words, under a profile (the inventory's `retention(profile).rule`, translated). */
export function retentionRuleWords(tr: Translator, profile: Profile, category: RecordCategory): string {
  switch (category) {
    case 'registration':
      return tr.t('report.rule.registration', { inactive: engineRuleWords(tr, profile, 'inactive-patrons'), deceased: engineRuleWords(tr, profile, 'deceased-patrons') });
    case 'guardianship':
      return tr.t('report.rule.guardianship');
    case 'reading-history':
      return profile.retention.readingHistory.offered ? tr.t('report.rule.readingHistoryOffered') : tr.t('report.rule.readingHistoryNotOffered');
    case 'complaints':
      return tr.t('report.rule.complaints');
    case 'circulation-statistics':
    case 'registration-statistics':
    case 'service-statistics':
    case 'vendor-statistics':
      return tr.t('report.rule.statistics', { threshold: n(profile.statistics.smallCellThreshold) });
    default:
      return engineRuleWords(tr, profile, category);
  }
}

/**
 * The note on a category's retention rule. Carrel's own notes (the complaints', and the defaults for
 * notices and vendors a profile is silent on) are in the catalogue; a profile's note is its authors'
 * words, quoted as they are and, in another language, said to be quoted.
 */
export function retentionNoteWords(tr: Translator, category: RecordCategory, note: string): string {
  if (category === 'complaints') return tr.t('report.rule.complaintsNote');
  if (category === 'notices' && note === DEFAULT_NOTICE_RETENTION.note) return tr.t('report.rule.noticesDefaultNote');
  if (category === 'vendor-authorisations' && note === DEFAULT_VENDOR_AUTHORISATION_RETENTION.note) return tr.t('report.rule.vendorAuthorisationsDefaultNote');
  return tr.t('report.audit.profileNote', { note });
}

/**
 * A record series kept outside Carrel: its name and medium. In English the report quotes the library's
 * own register (a library may word a shipped series its own way); in another language it takes the
 * published policy's words for the shipped series and media, as the policy page does.
 */
export function seriesWords(tr: Translator, series: { code: string; name: string; medium: string }): { name: string; medium: string } {
  return tr.language === 'en' ? { name: series.name, medium: series.medium } : outsideWords(tr, series);
}

/** The number of keys per category, for the test that holds the English catalogue to the inventory. */
export const KEYED_CATEGORIES = CATEGORY_KEYS;
