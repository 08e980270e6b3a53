/**
 * A profile's rules in plain words, for patrons: the published privacy policy (CB-A9) and the list of
 * what changed between two versions (RR-10) both say a rule the same way, from here. Pure.
 */
import type { Instrument, Permit } from '../domain/disclosure.js';
import type { Statement } from '../domain/published-policy.js';
import type { GuardianViewLevel, InstrumentRule, ProfileRules } from '../domain/profile.js';
import { vendorAuthorisationRule } from './retention.policy.js';

export type { ProfileRules } from '../domain/profile.js';

export type { Statement } from '../domain/published-policy.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const sweepWords = (sweep: 'every-run' | 'annually') => (sweep === 'annually' ? 'once a year' : 'at the next nightly clean-up');

/** The legal instruments in words. */
export const INSTRUMENT_NAMES: Record<Instrument, string> = {
  'informal-request': 'An informal request (a call or a visit, with no paperwork)',
  'written-request': 'A formal written request from law enforcement',
  subpoena: 'A subpoena',
  'search-warrant': 'A search warrant',
  'court-order': 'A court order',
  'fisa-or-nsl': 'A FISA court order or a national security letter',
  'emergency-claim': 'An emergency claim by law enforcement, without a court order',
  'patron-consent': 'Your own written consent, naming who may receive your records',
  'public-records-request': 'A public-records request',
  'materials-recovery': 'Recovering overdue, lost or stolen materials and what is owed',
};

/** What an instrument permits, in words. */
export const PERMIT_WORDS: Record<Permit, string> = {
  release: 'may be released: the records the instrument names, for the period it names, and nothing else',
  'identity-only': 'only who a person is may be released (name, address, phone and email), nothing about what they borrowed',
  'overdue-accounts': 'only overdue adult accounts may be released: name, address and the amount owed, never a title, never a minor',
  recovery: 'only what getting the items back needs may be released: contact details, the items overdue or lost and their cost, and what is owed',
  'director-decides': 'the director decides, on the advice of the library’s lawyer, and may require a subpoena or a court order first',
  refuse: 'nothing is released',
};

/** Whether an instrument can lead to anything leaving the library. */
export function permitsRelease(permit: Permit): boolean {
  return permit !== 'refuse';
}

/** What a guardian sees at a level, in words. */
export const GUARDIAN_LEVEL_WORDS: Record<GuardianViewLevel, string> = {
  full: 'the child’s whole record',
  'current-circulation': 'what the child has out, is waiting for and owes',
  'overdue-and-fines': 'only the child’s overdue or lost items and the fines owed',
  none: 'nothing',
};

/** One instrument's rule in words: what it permits, counsel's review, whether the patron is told. */
export function instrumentWords(rule: InstrumentRule): string {
  const parts = [PERMIT_WORDS[rule.permits]];
  if (permitsRelease(rule.permits) && rule.counselReviewRequired) parts.push('only after the library’s lawyer confirms it is in proper form');
  if (permitsRelease(rule.permits)) parts.push(rule.notifyPatron === 'at-release' ? 'you are told afterwards what was released' : 'you are not told');
  return parts.join('; ');
}

// ── Retention, short forms (one per rule, for the list of changes) ────────────────────────────────

/** The retention rules a profile states, each with a name for patrons. */
export const RETENTION_RULES = [
  ['loans', 'Returned loans'],
  ['readingHistory', 'Reading history'],
  ['fines', 'Paid or waived fines'],
  ['holds', 'Finished holds'],
  ['inactivePatrons', 'Unused cards'],
  ['deceasedPatrons', 'Records of patrons who have died'],
  ['computerSessions', 'Public-computer sessions'],
  ['programSignups', 'Program sign-ups'],
  ['roomBookings', 'Room bookings'],
  ['illRequests', 'Interlibrary-loan requests'],
  ['referenceRequests', 'Reference requests'],
  ['accessLog', 'The access log'],
  ['vendorAuthorisations', 'Vendors you signed in to'],
] as const satisfies readonly (readonly [keyof ProfileRules['retention'], string])[];
export type RetentionRuleKey = (typeof RETENTION_RULES)[number][0];

const afterEnd = (days: number, end: string) => (days === 0 ? `deleted once ${end}` : `kept ${plural(days, 'day')} after ${end}`);

/** One retention rule, briefly: "anonymised on return", "kept 12 months after return". */
export function retentionShort(rules: ProfileRules, key: RetentionRuleKey): { text: string; clause: string } {
  const r = rules.retention;
  switch (key) {
    case 'loans':
      return { text: r.loans.afterReturn === 'anonymise' ? 'anonymised on return' : `kept ${plural(r.loans.months, 'month')} after return`, clause: r.loans.clause };
    case 'readingHistory':
      return { text: r.readingHistory.offered ? 'offered, off unless you turn it on' : 'not offered', clause: r.readingHistory.clause };
    case 'fines':
      return { text: afterEnd(r.fines.days, 'settlement'), clause: r.fines.clause };
    case 'holds':
      return { text: afterEnd(r.holds.days, 'the hold ends'), clause: r.holds.clause };
    case 'inactivePatrons':
      return { text: `deleted after ${plural(r.inactivePatrons.months, 'month')} without use, ${sweepWords(r.inactivePatrons.sweep)}`, clause: r.inactivePatrons.clause };
    case 'deceasedPatrons':
      return { text: `deleted ${sweepWords(r.deceasedPatrons.sweep)}`, clause: r.deceasedPatrons.clause };
    case 'computerSessions':
    case 'programSignups':
    case 'roomBookings':
    case 'illRequests':
    case 'referenceRequests':
      return { text: afterEnd(r[key].days, 'it ends'), clause: r[key].clause };
    case 'accessLog':
      return { text: `entries kept ${plural(r.accessLog.months, 'month')}`, clause: r.accessLog.clause };
    case 'vendorAuthorisations': {
      const rule = vendorAuthorisationRule(rules);
      return { text: `forgotten ${plural(rule.months, 'month')} after the last sign-in`, clause: rule.clause };
    }
  }
}

// ── Retention per inventory category, in full sentences ──────────────────────────────────────────

/** How long a category is kept under a profile, in a sentence, with the clause. */
export function retentionSentence(rules: ProfileRules, category: string): Statement | undefined {
  const r = rules.retention;
  const service = (rule: { days: number; clause: string }, what: string) => ({
    text: rule.days === 0 ? `Deleted once ${what}.` : `Kept ${plural(rule.days, 'day')} after ${what}, then deleted.`,
    clauses: [rule.clause],
  });
  switch (category) {
    case 'registration':
      return {
        text:
          `Kept while your card is in use. A card with no check-out or remote use for ${plural(r.inactivePatrons.months, 'month')} is deleted ${sweepWords(r.inactivePatrons.sweep)}; ` +
          `the record of a patron who has died is deleted ${sweepWords(r.deceasedPatrons.sweep)}. Never while items are out, money is owed or holds are waiting.`,
        clauses: [...new Set([r.inactivePatrons.clause, r.deceasedPatrons.clause])],
      };
    case 'guardianship':
      return { text: `Kept while both the child and the adult are registered, and ends by itself when the child turns ${rules.access.guardians.ageOfMajority}.`, clauses: [rules.access.guardians.clause] };
    case 'circulation':
      return r.loans.afterReturn === 'anonymise'
        ? { text: 'Kept until the item is back and nothing is owed on it; then the link between you and the item is removed.', clauses: [r.loans.clause] }
        : {
            text: `Kept until the item is back and nothing is owed on it, then ${plural(r.loans.months, 'month')} more; then the link between you and the item is removed.`,
            clauses: [r.loans.clause],
          };
    case 'reading-history':
      return r.readingHistory.offered
        ? { text: 'Kept only if you turn it on (it is off unless you do), for as long as it stays on; turning it off deletes it at once.', clauses: [r.readingHistory.clause] }
        : { text: 'Not kept: this library keeps no reading history.', clauses: [r.readingHistory.clause] };
    case 'holds':
      return service(r.holds, 'the hold is picked up, cancelled or expires');
    case 'fines':
      return {
        text: r.fines.days === 0 ? 'Kept while money is owed; deleted once it is paid or waived.' : `Kept while money is owed, then ${plural(r.fines.days, 'day')} after it is paid or waived.`,
        clauses: [r.fines.clause],
      };
    case 'computer-sessions':
      return service(r.computerSessions, 'the session ends');
    case 'program-signups':
      return service(r.programSignups, 'the program ends');
    case 'room-bookings':
      return service(r.roomBookings, 'the booking ends');
    case 'ill-requests':
      return service(r.illRequests, 'the request is closed');
    case 'reference-requests':
      return service(r.referenceRequests, 'the question is closed');
    case 'vendor-authorisations': {
      const rule = vendorAuthorisationRule(rules);
      return {
        text: `Kept ${plural(rule.months, 'month')} after you last signed in to the vendor, with what you agreed it may receive; then forgotten, as when you revoke it yourself, which you can do at any time. Deleted with your record.`,
        clauses: [rule.clause],
      };
    }
    case 'access-log':
      return { text: `Each entry is kept ${plural(r.accessLog.months, 'month')}, then deleted.`, clauses: [r.accessLog.clause] };
    case 'circulation-statistics':
    case 'registration-statistics':
    case 'service-statistics':
    case 'vendor-statistics':
      return {
        text: `Kept. It holds no personal data: each loan, registration, service or sign-in to a vendor is counted once, and a month's counts never change after it ends. A count below ${rules.statistics.smallCellThreshold} is never published.`,
        clauses: [rules.statistics.clause],
      };
    default:
      return undefined;
  }
}
