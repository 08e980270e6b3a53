/**
 * The published privacy policy of one library (CB-A9: what is kept, for how long, why, and when it
 * could be disclosed; RR-10: changes are published), built from the same facts Carrel enforces: the
 * data inventory, the library's profile, the role table and the profile's version history. Pure: the use
 * case loads the library and the history; `renderPolicyHtml` / `renderPolicyMarkdown` print it.
 * Nothing here is about a patron: the page holds no personal data.
 */
import { INSTRUMENTS } from '../domain/disclosure.js';
import { sectionsOf, type RecordSection } from '../policy/guardian.policy.js';
import { INVENTORY, isAggregate, SERVICE_CATEGORY, type RecordCategory } from '../policy/inventory.js';
import { rolesSeeing } from '../policy/category-access.js';
import { GUARDIAN_LEVEL_WORDS, INSTRUMENT_NAMES, instrumentWords, permitsRelease, retentionSentence, type ProfileRules, type Statement } from '../policy/policy-words.js';
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

const list = (items: readonly string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/** Builds the published policy. */
export function buildPrivacyPolicy(input: PolicyInput): PrivacyPolicyDocument {
  const { profile } = input;
  const guardians = profile.access.guardians;
  const withCard = guardianCategories(guardians.withChildCard);
  const withoutCard = guardianCategories(guardians.withoutChildCard);

  const categories = INVENTORY.map((declaration): PolicyCategory => {
    const rule = declaration.retention({ ...profile, file: '' });
    const howLong = retentionSentence(profile, declaration.id) ?? { text: `${capitalise(rule.rule)}.`, clauses: [rule.clause] };
    const patron = declaration.access.some((a) => a.startsWith('the patron'));
    const guardian = withCard.has(declaration.id)
      ? withoutCard.has(declaration.id)
        ? 'with or without the child’s card'
        : 'only with the child’s card or card number'
      : null;
    const staffRoles = rolesSeeing(declaration.id);
    const who: string[] = [];
    if (isAggregate(declaration.id)) who.push('anyone: the numbers are published, with no personal data');
    if (patron) who.push('you');
    if (guardian) who.push(`the parent or guardian who signed a child’s application (${guardian}, until the child turns ${guardians.ageOfMajority})`);
    if (staffRoles.length > 0) who.push(`library staff in these roles, and only as their duties require: ${list(staffRoles)}`);
    if (declaration.id === 'holds') who.push('volunteers at the pick-up shelf see the item and its shelf code, never your name');
    const note = rule.note;
    return {
      id: declaration.id,
      name: declaration.name,
      fields: [...declaration.fields],
      why: { text: `${declaration.purpose} ${declaration.legalBasis.text}`, clauses: [...declaration.legalBasis.clauses] },
      howLong,
      ...(note ? { note } : {}),
      disposal: declaration.disposal,
      whoCanSee: { patron, guardian, staffRoles, text: `${capitalise(who.join('; '))}.` },
    };
  });

  const access: Statement[] = [
    {
      text: 'Staff see your records only as their duties require, and each role only what its duties need; every look at your record is written in the access log, with the reason given.',
      clauses: ['CB-A3', 'RF-1', 'RF-10'],
    },
    {
      text: `A parent or guardian who signed a child’s application sees ${GUARDIAN_LEVEL_WORDS[guardians.withChildCard]} with the child’s card or card number, and ${GUARDIAN_LEVEL_WORDS[guardians.withoutChildCard]} without it, until the child turns ${guardians.ageOfMajority}.`,
      clauses: [guardians.clause],
    },
    profile.access.sharedPatrons.allowed
      ? { text: 'This library shares its patrons with the other libraries of its consortium: their staff can see your record as their duties require.', clauses: [profile.access.sharedPatrons.clause] }
      : { text: 'Staff of other libraries never see your record.', clauses: [profile.access.sharedPatrons.clause] },
    { text: 'The system administrator runs the system and sees no patron’s record.', clauses: ['CB-A3'] },
  ];

  const instruments = INSTRUMENTS.map((instrument): PolicyInstrument => {
    const rule = profile.disclosure.instruments[instrument];
    return {
      instrument,
      name: INSTRUMENT_NAMES[instrument],
      permits: rule.permits,
      permitted: permitsRelease(rule.permits),
      counselReviewRequired: rule.counselReviewRequired,
      patronTold: permitsRelease(rule.permits) && rule.notifyPatron === 'at-release',
      statement: { text: `${capitalise(instrumentWords(rule))}.`, clauses: [rule.clause] },
      ...(rule.note ? { note: rule.note } : {}),
    };
  });
  const told = instruments.some((i) => i.patronTold);
  const disclosure = {
    general: [
      {
        text: 'Your records leave the library only on a basis this policy accepts, listed below. Every request is recorded, goes to the director, who decides; what is released is recorded too. Your data is never sold.',
        clauses: [profile.disclosure.clause, 'RR-5'],
      },
      {
        text: told
          ? 'A court may forbid the library to tell you about a request (a gag order). While it holds you are not told; where the list below says you are told, you find a notice in your own record once the records are released or the gag ends, whichever is later.'
          : 'A court may forbid the library to tell you about a request (a gag order). This policy does not tell patrons about releases.',
        clauses: ['JC-II'],
      },
    ],
    instruments,
  };

  const rh = profile.retention.readingHistory;
  const login = profile.access.patronLogin;
  const rights: Statement[] = [
    { text: 'You can see everything the library keeps about you, and download it as one file.', clauses: ['CB-A8', 'JC-IVb', 'RF-4', 'IF-5'] },
    { text: 'You can correct your name and contact details yourself, or ask at the desk.', clauses: ['CB-A8', 'JC-IVb'] },
    {
      text: 'You can ask for your record to be deleted. It cannot be while you have items out or owe money, or while the law requires the library to keep it; otherwise your record is destroyed and you get a receipt.',
      clauses: ['CB-A8'],
    },
    {
      text: rh.offered
        ? 'Your privacy settings are all off until you choose: keeping your reading history (turning it off deletes it at once), notices by email or text, the library’s own mailing lists, and being photographed or recorded at programs.'
        : 'Your privacy settings are all off until you choose: notices by email or text, the library’s own mailing lists, and being photographed or recorded at programs. This library keeps no reading history.',
      clauses: [rh.clause, 'JC-VI', 'RR-3', 'RF-8', 'RR-9'],
    },
    { text: 'If your card is lost or stolen, report it (online or at the desk): it stops working at once, and the library issues you a new one.', clauses: ['JC-IVa', 'IF-6'] },
    {
      text: `Your PIN protects your account online: after ${login.maxFailures} wrong PINs in ${login.windowMinutes} minutes the card is locked for that time.`,
      clauses: [login.clause],
    },
    { text: 'You can see who looked at or changed your record, when, and why (except, while a gag order holds, the entries of the request it covers).', clauses: ['CB-A3', 'RF-10', 'JC-II'] },
    { text: `You can complain in writing to the director, who answers within ${input.complaintAnswerDays} days.`, clauses: ['JC-VIII'] },
    { text: 'When this policy changes, this page changes with it, and the history below says what changed and when.', clauses: ['RR-10'] },
  ];

  return {
    library: { id: input.library.id, name: input.library.name },
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
      {
        text: `This page says what ${input.library.name} keeps about you, why, for how long, who can see it, and when it could be disclosed. It is generated from the rules the library’s system enforces, so it says what the system does.`,
        clauses: ['CB-A9', 'CB-I'],
      },
      { text: 'The library collects only what its services need, and uses it only for them.', clauses: ['RR-1', 'CB-A4', 'JC-III', 'IF-2'] },
    ],
    categories,
    recordsOutsideCarrel: profile.externalRecords.map((s) => ({
      name: s.name,
      medium: s.medium,
      howLong: { text: s.days === 0 ? 'Not kept.' : `Kept at most ${s.days === 1 ? '1 day' : `${s.days} days`}, oldest first.`, clauses: [s.clause] },
      ...(s.note ? { note: s.note } : {}),
    })),
    access,
    disclosure,
    statistics: {
      text: `Statistics carry no personal data and are never linked to you; a published count below ${profile.statistics.smallCellThreshold} is left out.`,
      clauses: [profile.statistics.clause],
    },
    rights,
    history: [...input.history].reverse(),
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
