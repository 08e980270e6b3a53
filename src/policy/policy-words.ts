/**
 * A profile's rules in plain words, for patrons: the published privacy policy (CB-A9) and the list of
 * what changed between two versions (RR-10) both say a rule the same way, from here, in the language of
 * the Translator they are given (the words are in locales/<language>/policy.json). Pure.
 *
 * The profile's own `note`s (why its authors chose a rule) and the inventory's storage words are for the
 * library's staff and the audit report, not for patrons: nothing here repeats them.
 */
import type { Instrument, Permit } from '../domain/disclosure.js';
import type { Statement } from '../domain/published-policy.js';
import type { GuardianViewLevel, InstrumentRule, ProfileRules } from '../domain/profile.js';
import type { RecordCategory } from '../domain/records.js';
import type { Translator } from '../domain/translator.js';
import type { Role } from './actors.js';
import { vendorAuthorisationRule } from './retention.policy.js';
import { noticeRetention } from './notice.policy.js';

export type { ProfileRules } from '../domain/profile.js';

export type { Statement } from '../domain/published-policy.js';

/** The legal instruments' names. */
const INSTRUMENT_NAMES: Record<Instrument, string> = {
  'informal-request': 'policy.instrument.informalRequest',
  'written-request': 'policy.instrument.writtenRequest',
  subpoena: 'policy.instrument.subpoena',
  'search-warrant': 'policy.instrument.searchWarrant',
  'court-order': 'policy.instrument.courtOrder',
  'fisa-or-nsl': 'policy.instrument.fisaOrNsl',
  'emergency-claim': 'policy.instrument.emergencyClaim',
  'patron-consent': 'policy.instrument.patronConsent',
  'public-records-request': 'policy.instrument.publicRecordsRequest',
  'materials-recovery': 'policy.instrument.materialsRecovery',
};

/** What an instrument permits. */
const PERMIT_WORDS: Record<Permit, string> = {
  release: 'policy.permit.release',
  'identity-only': 'policy.permit.identityOnly',
  'overdue-accounts': 'policy.permit.overdueAccounts',
  recovery: 'policy.permit.recovery',
  'director-decides': 'policy.permit.directorDecides',
  refuse: 'policy.permit.refuse',
};

/** What a guardian sees at a level. */
const GUARDIAN_LEVEL_WORDS: Record<GuardianViewLevel, string> = {
  full: 'policy.guardianLevel.full',
  'current-circulation': 'policy.guardianLevel.currentCirculation',
  'overdue-and-fines': 'policy.guardianLevel.overdueAndFines',
  none: 'policy.guardianLevel.none',
};

/** The staff roles as patrons read them. */
const ROLE_WORDS: Record<Role, string> = {
  volunteer: 'policy.role.volunteer',
  circulation: 'policy.role.circulation',
  librarian: 'policy.role.librarian',
  'branch-manager': 'policy.role.branchManager',
  director: 'policy.role.director',
  admin: 'policy.role.admin',
};

/** An instrument's name, in words. */
export function instrumentName(tr: Translator, instrument: Instrument): string {
  return tr.t(INSTRUMENT_NAMES[instrument]);
}

/** What a guardian sees at a level, in words. */
export function guardianLevelWords(tr: Translator, level: GuardianViewLevel): string {
  return tr.t(GUARDIAN_LEVEL_WORDS[level]);
}

/** A staff role's name, in words. */
export function roleWords(tr: Translator, role: Role): string {
  return tr.t(ROLE_WORDS[role]);
}

/** Whether an instrument can lead to anything leaving the library. */
export function permitsRelease(permit: Permit): boolean {
  return permit !== 'refuse';
}

/** One instrument's rule in words: what it permits, counsel's review, whether the patron is told. */
export function instrumentWords(tr: Translator, rule: InstrumentRule): string {
  const parts = [tr.t(PERMIT_WORDS[rule.permits])];
  if (permitsRelease(rule.permits) && rule.counselReviewRequired) parts.push(tr.t('policy.instrument.counselReview'));
  if (permitsRelease(rule.permits)) parts.push(rule.notifyPatron === 'at-release' ? tr.t('policy.instrument.patronTold') : tr.t('policy.instrument.patronNotTold'));
  return parts.join('; ');
}

// ── Whose clauses the page cites ─────────────────────────────────────────────────────────────────

/** The policy a clause id belongs to: its prefix ("RR" for RR-10, "JC" for JC-IIIa). */
const policyOfClause = (clause: string) => clause.split('-')[0] ?? clause;

/** Every clause a profile's own rules cite. */
function profileClauses(rules: ProfileRules): string[] {
  return [
    ...Object.values(rules.retention).flatMap((r) => (r && typeof r === 'object' && 'clause' in r ? [r.clause] : [])),
    rules.access.guardians.clause,
    rules.access.sharedPatrons.clause,
    rules.access.patronLogin.clause,
    rules.disclosure.clause,
    ...Object.values(rules.disclosure.instruments).map((i) => i.clause),
    ...rules.externalRecords.map((s) => s.clause),
    rules.statistics.clause,
  ];
}

/**
 * Which clauses a library's published policy may cite: those of the policies its profile is written
 * from (the prefixes its own rules cite: RR for Rio Rancho; several for the strict default, which
 * gathers the strictest promise of each). The inventory and the general statements rest on clauses of
 * all five shipped policies; a patron of one library reads only their own library's (issue 20).
 */
export function ownClauses(rules: ProfileRules): (clauses: readonly string[]) => string[] {
  const own = new Set(profileClauses(rules).map(policyOfClause));
  return (clauses) => [...new Set(clauses.filter((c) => own.has(policyOfClause(c))))];
}

/** The records kept outside Carrel that the shipped profiles name, in the catalogue's words; a library's own keep theirs. */
const OUTSIDE_NAMES: Readonly<Record<string, string>> = {
  'security-camera': 'policy.outside.securityCamera',
  'program-recordings': 'policy.outside.programRecordings',
  'paper-sign-up-sheets': 'policy.outside.paperSignUpSheets',
};
const MEDIA: Readonly<Record<string, string>> = {
  'digital video': 'policy.medium.digitalVideo',
  'digital media': 'policy.medium.digitalMedia',
  paper: 'policy.medium.paper',
};

/** A record series kept outside Carrel: its name and medium in the page's language where the catalogue has them. */
export function outsideWords(tr: Translator, series: { code: string; name: string; medium: string }): { name: string; medium: string } {
  const name = OUTSIDE_NAMES[series.code];
  const medium = MEDIA[series.medium];
  return { name: name ? tr.t(name) : series.name, medium: medium ? tr.t(medium) : series.medium };
}

// ── Retention, short forms (one per rule, for the list of changes) ────────────────────────────────

/** The retention rules a profile states, each with its name for patrons. */
export const RETENTION_RULES = [
  ['loans', 'policy.rule.loans'],
  ['readingHistory', 'policy.rule.readingHistory'],
  ['fines', 'policy.rule.fines'],
  ['holds', 'policy.rule.holds'],
  ['inactivePatrons', 'policy.rule.inactivePatrons'],
  ['deceasedPatrons', 'policy.rule.deceasedPatrons'],
  ['computerSessions', 'policy.rule.computerSessions'],
  ['programSignups', 'policy.rule.programSignups'],
  ['roomBookings', 'policy.rule.roomBookings'],
  ['illRequests', 'policy.rule.illRequests'],
  ['referenceRequests', 'policy.rule.referenceRequests'],
  ['accessLog', 'policy.rule.accessLog'],
  ['vendorAuthorisations', 'policy.rule.vendorAuthorisations'],
] as const satisfies readonly (readonly [keyof ProfileRules['retention'], string])[];
export type RetentionRuleKey = (typeof RETENTION_RULES)[number][0];

/** One retention rule, briefly: "anonymised on return", "kept 12 months after return". */
export function retentionShort(tr: Translator, rules: ProfileRules, key: RetentionRuleKey): { text: string; clause: string } {
  const r = rules.retention;
  switch (key) {
    case 'loans':
      return {
        text: r.loans.afterReturn === 'anonymise' ? tr.t('policy.short.loansAnonymised') : tr.t('policy.short.loansKept', { months: r.loans.months }),
        clause: r.loans.clause,
      };
    case 'readingHistory':
      return { text: r.readingHistory.offered ? tr.t('policy.short.readingHistoryOffered') : tr.t('policy.short.readingHistoryNotOffered'), clause: r.readingHistory.clause };
    case 'fines':
      return { text: tr.t('policy.short.fines', { days: r.fines.days }), clause: r.fines.clause };
    case 'holds':
      return { text: tr.t('policy.short.holds', { days: r.holds.days }), clause: r.holds.clause };
    case 'inactivePatrons':
      return { text: tr.t('policy.short.inactivePatrons', { months: r.inactivePatrons.months, sweep: r.inactivePatrons.sweep }), clause: r.inactivePatrons.clause };
    case 'deceasedPatrons':
      return { text: tr.t('policy.short.deceasedPatrons', { sweep: r.deceasedPatrons.sweep }), clause: r.deceasedPatrons.clause };
    case 'computerSessions':
    case 'programSignups':
    case 'roomBookings':
    case 'illRequests':
    case 'referenceRequests':
      return { text: tr.t('policy.short.service', { days: r[key].days }), clause: r[key].clause };
    case 'accessLog':
      return { text: tr.t('policy.short.accessLog', { months: r.accessLog.months }), clause: r.accessLog.clause };
    case 'vendorAuthorisations': {
      const rule = vendorAuthorisationRule(rules);
      return { text: tr.t('policy.short.vendorAuthorisations', { months: rule.months }), clause: rule.clause };
    }
  }
}

// ── Each inventory category, as the published policy says it ────────────────────────────────────

/**
 * A category's words for patrons: its name, what is kept, why, and what happens at the end. Written for
 * the public page (the inventory's own words name tables, hashes and keys, for the audit report).
 */
const CATEGORY_WORDS: Record<RecordCategory, { name: string; what: string; why: string; then: string }> = {
  registration: {
    name: 'policy.category.registration.name',
    what: 'policy.category.registration.what',
    why: 'policy.category.registration.why',
    then: 'policy.category.registration.then',
  },
  guardianship: {
    name: 'policy.category.guardianship.name',
    what: 'policy.category.guardianship.what',
    why: 'policy.category.guardianship.why',
    then: 'policy.category.guardianship.then',
  },
  circulation: {
    name: 'policy.category.circulation.name',
    what: 'policy.category.circulation.what',
    why: 'policy.category.circulation.why',
    then: 'policy.category.circulation.then',
  },
  'reading-history': {
    name: 'policy.category.readingHistory.name',
    what: 'policy.category.readingHistory.what',
    why: 'policy.category.readingHistory.why',
    then: 'policy.category.readingHistory.then',
  },
  holds: { name: 'policy.category.holds.name', what: 'policy.category.holds.what', why: 'policy.category.holds.why', then: 'policy.category.holds.then' },
  fines: { name: 'policy.category.fines.name', what: 'policy.category.fines.what', why: 'policy.category.fines.why', then: 'policy.category.fines.then' },
  'computer-sessions': {
    name: 'policy.category.computerSessions.name',
    what: 'policy.category.computerSessions.what',
    why: 'policy.category.computerSessions.why',
    then: 'policy.category.computerSessions.then',
  },
  'program-signups': {
    name: 'policy.category.programSignups.name',
    what: 'policy.category.programSignups.what',
    why: 'policy.category.programSignups.why',
    then: 'policy.category.programSignups.then',
  },
  'room-bookings': {
    name: 'policy.category.roomBookings.name',
    what: 'policy.category.roomBookings.what',
    why: 'policy.category.roomBookings.why',
    then: 'policy.category.roomBookings.then',
  },
  'ill-requests': {
    name: 'policy.category.illRequests.name',
    what: 'policy.category.illRequests.what',
    why: 'policy.category.illRequests.why',
    then: 'policy.category.illRequests.then',
  },
  'reference-requests': {
    name: 'policy.category.referenceRequests.name',
    what: 'policy.category.referenceRequests.what',
    why: 'policy.category.referenceRequests.why',
    then: 'policy.category.referenceRequests.then',
  },
  complaints: {
    name: 'policy.category.complaints.name',
    what: 'policy.category.complaints.what',
    why: 'policy.category.complaints.why',
    then: 'policy.category.complaints.then',
  },
  notices: { name: 'policy.category.notices.name', what: 'policy.category.notices.what', why: 'policy.category.notices.why', then: 'policy.category.notices.then' },
  'vendor-authorisations': {
    name: 'policy.category.vendorAuthorisations.name',
    what: 'policy.category.vendorAuthorisations.what',
    why: 'policy.category.vendorAuthorisations.why',
    then: 'policy.category.vendorAuthorisations.then',
  },
  'access-log': {
    name: 'policy.category.accessLog.name',
    what: 'policy.category.accessLog.what',
    why: 'policy.category.accessLog.why',
    then: 'policy.category.accessLog.then',
  },
  'circulation-statistics': {
    name: 'policy.category.circulationStatistics.name',
    what: 'policy.category.circulationStatistics.what',
    why: 'policy.category.circulationStatistics.why',
    then: 'policy.category.circulationStatistics.then',
  },
  'registration-statistics': {
    name: 'policy.category.registrationStatistics.name',
    what: 'policy.category.registrationStatistics.what',
    why: 'policy.category.registrationStatistics.why',
    then: 'policy.category.registrationStatistics.then',
  },
  'service-statistics': {
    name: 'policy.category.serviceStatistics.name',
    what: 'policy.category.serviceStatistics.what',
    why: 'policy.category.serviceStatistics.why',
    then: 'policy.category.serviceStatistics.then',
  },
  'vendor-statistics': {
    name: 'policy.category.vendorStatistics.name',
    what: 'policy.category.vendorStatistics.what',
    why: 'policy.category.vendorStatistics.why',
    then: 'policy.category.vendorStatistics.then',
  },
};

/** A category in words: its name, what is kept, why, and how it is disposed of. */
export function categoryWords(tr: Translator, category: RecordCategory): { name: string; what: string; why: string; then: string } {
  const words = CATEGORY_WORDS[category];
  return { name: tr.t(words.name), what: tr.t(words.what), why: tr.t(words.why), then: tr.t(words.then) };
}

/** How long a category is kept under a profile, in a sentence, with the clause it rests on. */
export function retentionSentence(tr: Translator, rules: ProfileRules, category: RecordCategory): Statement {
  const r = rules.retention;
  switch (category) {
    case 'registration':
      return {
        text: tr.t('policy.howLong.registration', { months: r.inactivePatrons.months, inactiveSweep: r.inactivePatrons.sweep, deceasedSweep: r.deceasedPatrons.sweep }),
        clauses: [...new Set([r.inactivePatrons.clause, r.deceasedPatrons.clause])],
      };
    case 'guardianship':
      return { text: tr.t('policy.howLong.guardianship', { age: rules.access.guardians.ageOfMajority }), clauses: [rules.access.guardians.clause] };
    case 'circulation':
      return {
        text: r.loans.afterReturn === 'anonymise' ? tr.t('policy.howLong.circulationAnonymised') : tr.t('policy.howLong.circulationKept', { months: r.loans.months }),
        clauses: [r.loans.clause],
      };
    case 'reading-history':
      return {
        text: r.readingHistory.offered ? tr.t('policy.howLong.readingHistoryOffered') : tr.t('policy.howLong.readingHistoryNotOffered'),
        clauses: [r.readingHistory.clause],
      };
    case 'holds':
      return { text: tr.t('policy.howLong.holds', { days: r.holds.days }), clauses: [r.holds.clause] };
    case 'fines':
      return { text: tr.t('policy.howLong.fines', { days: r.fines.days }), clauses: [r.fines.clause] };
    case 'computer-sessions':
      return { text: tr.t('policy.howLong.computerSessions', { days: r.computerSessions.days }), clauses: [r.computerSessions.clause] };
    case 'program-signups':
      return { text: tr.t('policy.howLong.programSignups', { days: r.programSignups.days }), clauses: [r.programSignups.clause] };
    case 'room-bookings':
      return { text: tr.t('policy.howLong.roomBookings', { days: r.roomBookings.days }), clauses: [r.roomBookings.clause] };
    case 'ill-requests':
      return { text: tr.t('policy.howLong.illRequests', { days: r.illRequests.days }), clauses: [r.illRequests.clause] };
    case 'reference-requests':
      return { text: tr.t('policy.howLong.referenceRequests', { days: r.referenceRequests.days }), clauses: [r.referenceRequests.clause] };
    case 'complaints':
      // JC-VIII: the answered complaint is the library's record of having answered.
      return { text: tr.t('policy.howLong.complaints'), clauses: ['JC-VIII'] };
    case 'notices': {
      const rule = noticeRetention(rules);
      return { text: tr.t('policy.howLong.notices', { days: rule.days }), clauses: [rule.clause] };
    }
    case 'vendor-authorisations': {
      const rule = vendorAuthorisationRule(rules);
      return { text: tr.t('policy.howLong.vendorAuthorisations', { months: rule.months }), clauses: [rule.clause] };
    }
    case 'access-log':
      return { text: tr.t('policy.howLong.accessLog', { months: r.accessLog.months }), clauses: [r.accessLog.clause] };
    case 'circulation-statistics':
    case 'registration-statistics':
    case 'service-statistics':
    case 'vendor-statistics':
      return { text: tr.t('policy.howLong.statistics', { threshold: rules.statistics.smallCellThreshold }), clauses: [rules.statistics.clause] };
  }
}
