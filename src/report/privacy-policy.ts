/**
 * The published privacy policy of one library (CB-A9: what is kept, for how long, why, and when it
 * could be disclosed; RR-10: changes are published), built from the same facts Carrel enforces: the
 * data inventory, the library's profile, the role table and the profile's version history. Pure: the use
 * case loads the library and the history; `renderPolicyHtml` / `renderPolicyMarkdown` print it.
 * Nothing here is about a patron: the page holds no personal data.
 */
import { INSTRUMENTS } from '../domain/disclosure.js';
import type { Translator } from '../domain/translator.js';
import { ROLES, type Role } from '../policy/actors.js';
import { CATEGORY_VIEW_PERMISSIONS } from '../policy/category-access.js';
import { sectionsOf, type RecordSection } from '../policy/guardian.policy.js';
import { INVENTORY, isAggregate, SERVICE_CATEGORY, type RecordCategory } from '../policy/inventory.js';
import { ROLE_PERMISSIONS } from '../policy/permissions.js';
import {
  categoryWords,
  guardianLevelWords,
  instrumentName,
  instrumentWords,
  outsideWords,
  ownClauses,
  permitsRelease,
  retentionSentence,
  roleWords,
  type ProfileRules,
  type Statement,
} from '../policy/policy-words.js';
import type { PolicyCategory, PolicyInstrument, PolicyVersionEntry, PrivacyPolicyDocument } from '../domain/published-policy.js';

export type { PolicyCategory, PolicyInstrument, PrivacyPolicyDocument, Statement } from '../domain/published-policy.js';
export { CATEGORY_VIEW_PERMISSIONS, rolesSeeing } from '../policy/category-access.js';

/** The categories each section of a minor's record belongs to (what a guardian level shows). */
const SECTION_CATEGORIES: Record<RecordSection, readonly RecordCategory[]> = {
  registration: ['registration'],
  loans: ['circulation'],
  history: ['reading-history'],
  holds: ['holds'],
  fines: ['fines'],
  payments: ['fines'],
  services: Object.values(SERVICE_CATEGORY),
};

function guardianCategories(level: ProfileRules['access']['guardians']['withChildCard']): Set<RecordCategory> {
  return new Set(level === 'none' ? [] : sectionsOf(level).flatMap((s) => SECTION_CATEGORIES[s]));
}

export interface PolicyInput {
  library: { id: string; name: string };
  profile: ProfileRules;
  contentHash: string;
  /** Oldest first, as versionHistory answers; the page shows it newest first. */
  history: readonly PolicyVersionEntry[];
  /** Days the director has to answer a written complaint (JC-VIII). */
  complaintAnswerDays: number;
  generatedAt: string;
}

/** The staff roles through which staff see a category's contents (the role table, as `authorize` enforces it). */
function rolesSeeingCategory(category: RecordCategory): Role[] {
  const permissions = CATEGORY_VIEW_PERMISSIONS[category];
  return ROLES.filter((role) => ROLE_PERMISSIONS[role].some((p) => permissions.includes(p)));
}

/**
 * Builds the published policy in the Translator's language. It cites only the clauses of the policies
 * the library's profile is written from (`ownClauses`), and none of the profile's notes: they explain
 * its authors' choices to the library, and stay in the profile and the audit report.
 */
export function buildPrivacyPolicy(tr: Translator, input: PolicyInput): PrivacyPolicyDocument {
  const { profile } = input;
  const cite = ownClauses(profile);
  const said = (text: string, clauses: readonly string[]): Statement => ({ text, clauses: cite(clauses) });
  const guardians = profile.access.guardians;
  const withCard = guardianCategories(guardians.withChildCard);
  const withoutCard = guardianCategories(guardians.withoutChildCard);

  const categories = INVENTORY.map((declaration): PolicyCategory => {
    const words = categoryWords(tr, declaration.id);
    const howLong = retentionSentence(tr, profile, declaration.id);
    const patron = declaration.access.some((a) => a.startsWith('the patron'));
    const guardian = withCard.has(declaration.id)
      ? withoutCard.has(declaration.id)
        ? tr.t('policy.who.guardianWithOrWithoutCard')
        : tr.t('policy.who.guardianWithCard')
      : null;
    const staffRoles = rolesSeeingCategory(declaration.id).map((role) => roleWords(tr, role));
    const who: string[] = [];
    if (isAggregate(declaration.id)) who.push(tr.t('policy.who.anyone'));
    if (patron) who.push(tr.t('policy.who.you'));
    if (guardian) who.push(tr.t('policy.who.guardian', { when: guardian, age: guardians.ageOfMajority }));
    if (staffRoles.length > 0) who.push(tr.t('policy.who.staff', { roles: tr.list(staffRoles) }));
    if (declaration.id === 'holds') who.push(tr.t('policy.who.holdShelf'));
    return {
      id: declaration.id,
      name: words.name,
      fields: words.what,
      why: said(words.why, declaration.legalBasis.clauses),
      howLong: said(howLong.text, howLong.clauses),
      disposal: words.then,
      whoCanSee: { patron, guardian, staffRoles, text: `${capitalise(who.join('; '))}.` },
    };
  });

  const access: Statement[] = [
    said(tr.t('policy.access.staff'), ['CB-A3', 'RF-1', 'RF-10']),
    said(
      tr.t('policy.access.guardians', {
        withCard: guardianLevelWords(tr, guardians.withChildCard),
        withoutCard: guardianLevelWords(tr, guardians.withoutChildCard),
        age: guardians.ageOfMajority,
      }),
      [guardians.clause],
    ),
    said(profile.access.sharedPatrons.allowed ? tr.t('policy.access.shared') : tr.t('policy.access.notShared'), [profile.access.sharedPatrons.clause]),
    said(tr.t('policy.access.admin'), ['CB-A3']),
  ];

  const instruments = INSTRUMENTS.map((instrument): PolicyInstrument => {
    const rule = profile.disclosure.instruments[instrument];
    return {
      instrument,
      name: instrumentName(tr, instrument),
      permits: rule.permits,
      permitted: permitsRelease(rule.permits),
      counselReviewRequired: rule.counselReviewRequired,
      patronTold: permitsRelease(rule.permits) && rule.notifyPatron === 'at-release',
      statement: said(`${capitalise(instrumentWords(tr, rule))}.`, [rule.clause]),
    };
  });
  const told = instruments.some((i) => i.patronTold);
  const disclosure = {
    general: [
      said(tr.t('policy.disclosure.basis'), [profile.disclosure.clause, 'RR-5']),
      said(told ? tr.t('policy.disclosure.gagTold') : tr.t('policy.disclosure.gagNotTold'), ['JC-II']),
    ],
    instruments,
  };

  const rh = profile.retention.readingHistory;
  const login = profile.access.patronLogin;
  const rights: Statement[] = [
    said(tr.t('policy.rights.see'), ['CB-A8', 'JC-IVb', 'RF-4', 'IF-5']),
    said(tr.t('policy.rights.correct'), ['CB-A8', 'JC-IVb']),
    said(tr.t('policy.rights.delete'), ['CB-A8']),
    said(rh.offered ? tr.t('policy.rights.settingsWithHistory') : tr.t('policy.rights.settingsWithoutHistory'), [rh.clause, 'JC-VI', 'RR-3', 'RF-8', 'RR-9']),
    said(tr.t('policy.rights.lostCard'), ['JC-IVa', 'IF-6']),
    said(tr.t('policy.rights.pin', { failures: login.maxFailures, minutes: login.windowMinutes }), [login.clause]),
    said(tr.t('policy.rights.whoLooked'), ['CB-A3', 'RF-10', 'JC-II']),
    said(tr.t('policy.rights.complain', { days: input.complaintAnswerDays }), ['JC-VIII']),
    said(tr.t('policy.rights.changes'), ['RR-10']),
  ];

  return {
    library: { id: input.library.id, name: input.library.name },
    language: tr.language,
    policy: {
      profileId: profile.id,
      name: profile.name,
      jurisdiction: profile.jurisdiction,
      version: profile.version,
      effective: profile.effective,
      contentHash: input.contentHash,
      ...(profile.source ? { source: profile.source } : {}),
    },
    generatedAt: input.generatedAt,
    introduction: [
      said(tr.t('policy.intro.what', { library: input.library.name }), ['CB-A9', 'CB-I']),
      said(tr.t('policy.intro.minimum'), ['RR-1', 'CB-A4', 'JC-III', 'IF-2']),
    ],
    categories,
    recordsOutsideCarrel: profile.externalRecords.map((s) => ({
      ...outsideWords(tr, s),
      howLong: said(s.days === 0 ? tr.t('policy.outside.notKept') : tr.t('policy.outside.kept', { days: s.days }), [s.clause]),
    })),
    access,
    disclosure,
    statistics: said(tr.t('policy.statistics', { threshold: profile.statistics.smallCellThreshold }), [profile.statistics.clause]),
    rights,
    history: [...input.history].reverse(),
  };
}

/** The first letter in capitals (the language's own rules: "ñ" → "Ñ"). */
function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
