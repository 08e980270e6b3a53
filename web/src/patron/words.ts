/**
 * The patron portal's shared words for the API's codes (record categories, a card's status, guardian
 * levels, deletion refusals, a notice's status), in the page's language, in the words libraries use with
 * patrons; the words of one page only live with that page. An unknown code is shown as it is, with its
 * hyphens as spaces: the portal never hides what the API answered.
 */
import { wordFor, wordsOf, type MessageId } from '../i18n';
import type { GuardianLevel } from './types';

export function plain(code: string): string {
  const text = code.replace(/-/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Words for codes, read in the page's language when asked for; an unknown code shown as it is. */
const from =
  (words: Record<string, MessageId>) =>
  (code: string): string =>
    wordFor(words, code, plain);

/** The record categories of the inventory (names as the published policy gives them, when it loads). */
export const categoryName = from({
  registration: 'vocab.portal.category.registration',
  guardianship: 'vocab.portal.category.guardianship',
  circulation: 'vocab.portal.category.circulation',
  'reading-history': 'vocab.portal.category.readingHistory',
  holds: 'vocab.portal.category.holds',
  fines: 'vocab.portal.category.fines',
  'computer-sessions': 'vocab.portal.category.computerSessions',
  'program-signups': 'vocab.portal.category.programSignups',
  'room-bookings': 'vocab.portal.category.roomBookings',
  'ill-requests': 'vocab.portal.category.illRequests',
  'reference-requests': 'vocab.portal.category.referenceRequests',
  complaints: 'vocab.portal.category.complaints',
  'access-log': 'vocab.portal.category.accessLog',
  'circulation-statistics': 'vocab.portal.category.circulationStatistics',
  'registration-statistics': 'vocab.portal.category.registrationStatistics',
  'service-statistics': 'vocab.portal.category.serviceStatistics',
});

export const patronStatus = from({
  active: 'vocab.portal.status.active',
  expired: 'vocab.portal.status.expired',
  blocked: 'vocab.portal.status.blocked',
  'card-lost': 'vocab.portal.status.cardLost',
  deceased: 'vocab.portal.status.deceased',
});

/** The category each kind of service record belongs to (src/policy/inventory.ts SERVICE_CATEGORY). */
export const SERVICE_CATEGORY: Record<string, string> = {
  'computer-session': 'computer-sessions',
  'program-signup': 'program-signups',
  'room-booking': 'room-bookings',
  'ill-request': 'ill-requests',
  'reference-request': 'reference-requests',
};

/** What a guardian level shows, in the words of the published policy (src/policy/policy-words.ts). */
export const GUARDIAN_LEVEL_WORDS: Readonly<Record<GuardianLevel, string>> = wordsOf<GuardianLevel>({
  full: 'vocab.portal.guardianLevel.full',
  'current-circulation': 'vocab.portal.guardianLevel.currentCirculation',
  'overdue-and-fines': 'vocab.portal.guardianLevel.overdueAndFines',
  none: 'vocab.portal.guardianLevel.none',
});

/** A refusal of DELETE /me, in plain words (the API's message follows it, with the code). */
export const DELETION_REFUSALS: Readonly<Record<string, string>> = wordsOf<string>({
  PATRON_HAS_ITEMS_OUT: 'vocab.portal.deletion.PATRON_HAS_ITEMS_OUT',
  PATRON_OWES_FINES: 'vocab.portal.deletion.PATRON_OWES_FINES',
  DELETION_NOT_POSSIBLE_NOW: 'vocab.portal.deletion.DELETION_NOT_POSSIBLE_NOW',
  RECORD_UNDER_LEGAL_HOLD: 'vocab.portal.deletion.RECORD_UNDER_LEGAL_HOLD',
});

/** A notice's status, as its recipient reads it (a posted letter is answered as sent). */
export const noticeStatus = from({
  queued: 'vocab.portal.notice.queued',
  sent: 'vocab.portal.notice.sent',
  failed: 'vocab.portal.notice.failed',
  letter: 'vocab.portal.notice.letter',
  posted: 'vocab.portal.notice.posted',
  cancelled: 'vocab.portal.notice.cancelled',
});
