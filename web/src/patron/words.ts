/**
 * The patron portal's words for the API's codes: statuses, purposes, actions, record categories and
 * guardian levels, in the language libraries use with patrons. An unknown code is shown as it is, with
 * its hyphens as spaces: the portal never hides what the API answered.
 */
import { t, wordsOf, type MessageId } from '../i18n';
import type { GuardianLevel } from './types';

export function plain(code: string): string {
  const text = code.replace(/-/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Words for codes, read in the page's language when asked for; an unknown code shown as it is. */
const from =
  (words: Record<string, MessageId>) =>
  (code: string): string => {
    const id = words[code];
    return id ? t(id) : plain(code);
  };

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

/** Why someone opened the record (the access log's purpose). */
export const purposeWords = from({
  circulation: 'vocab.portal.purpose.circulation',
  'account-service': 'vocab.portal.purpose.accountService',
  'materials-recovery': 'vocab.portal.purpose.materialsRecovery',
  'fines-collection': 'vocab.portal.purpose.finesCollection',
  'legal-disclosure': 'vocab.portal.purpose.legalDisclosure',
  statistics: 'vocab.portal.purpose.statistics',
  'self-service': 'vocab.portal.purpose.selfService',
  administration: 'vocab.portal.purpose.administration',
  retention: 'vocab.portal.purpose.retention',
  'violation-review': 'vocab.portal.purpose.violationReview',
  'guardian-access': 'vocab.portal.purpose.guardianAccess',
  authentication: 'vocab.portal.purpose.authentication',
});

/** What they did (the access log's action). */
export const actionWords = from({
  register: 'vocab.portal.action.register',
  login: 'vocab.portal.action.login',
  view: 'vocab.portal.action.view',
  export: 'vocab.portal.action.export',
  'view-account': 'vocab.portal.action.viewAccount',
  'view-guardian-link': 'vocab.portal.action.viewGuardianLink',
  'view-privacy': 'vocab.portal.action.viewPrivacy',
  'privacy-changed': 'vocab.portal.action.privacyChanged',
  'view-access-log': 'vocab.portal.action.viewAccessLog',
  'view-services': 'vocab.portal.action.viewServices',
  correct: 'vocab.portal.action.correct',
  checkout: 'vocab.portal.action.checkout',
  checkin: 'vocab.portal.action.checkin',
  renew: 'vocab.portal.action.renew',
  'declare-lost': 'vocab.portal.action.declareLost',
  'lost-item-returned': 'vocab.portal.action.lostItemReturned',
  'hold-placed': 'vocab.portal.action.holdPlaced',
  'hold-cancelled': 'vocab.portal.action.holdCancelled',
  'hold-trapped': 'vocab.portal.action.holdTrapped',
  'hold-expired': 'vocab.portal.action.holdExpired',
  'hold-shelf': 'vocab.portal.action.holdShelf',
  payment: 'vocab.portal.action.payment',
  'fine-waived': 'vocab.portal.action.fineWaived',
  'pin-changed': 'vocab.portal.action.pinChanged',
  'status-card-lost': 'vocab.portal.action.statusCardLost',
  'card-reissued': 'vocab.portal.action.cardReissued',
  'search-match': 'vocab.portal.action.searchMatch',
  'identity-verified': 'vocab.portal.action.identityVerified',
  'identity-check-failed': 'vocab.portal.action.identityCheckFailed',
  'identity-check-ambiguous': 'vocab.portal.action.identityCheckAmbiguous',
  'guardian-linked': 'vocab.portal.action.guardianLinked',
  'guardian-link-ended': 'vocab.portal.action.guardianLinkEnded',
  'guardian-dependents': 'vocab.portal.action.guardianDependents',
  'guardian-view': 'vocab.portal.action.guardianView',
  'reading-history-opt-in': 'vocab.portal.action.readingHistoryOptIn',
  'reading-history-opt-out': 'vocab.portal.action.readingHistoryOptOut',
  'complaint-recorded': 'vocab.portal.action.complaintRecorded',
  'complaint-read': 'vocab.portal.action.complaintRead',
  'complaint-answered': 'vocab.portal.action.complaintAnswered',
  'legal-request-received': 'vocab.portal.action.legalRequestReceived',
  'legal-disclosure-release': 'vocab.portal.action.legalDisclosureRelease',
  delete: 'vocab.portal.action.delete',
  'sip2-patron': 'vocab.portal.action.sip2Patron',
  'sip2-authenticate': 'vocab.portal.action.sip2Authenticate',
  'sip2-block': 'vocab.portal.action.sip2Block',
  'vendor-sign-in': 'vocab.portal.action.vendorSignIn',
  'vendor-claims': 'vocab.portal.action.vendorClaims',
  'vendor-consent': 'vocab.portal.action.vendorConsent',
  'vendors-read': 'vocab.portal.action.vendorsRead',
  'vendor-revoke': 'vocab.portal.action.vendorRevoke',
});

/** Who, as the API words it ('you', 'guardian', 'system' or a staff role). */
export const roleWords = from({
  you: 'vocab.portal.role.you',
  guardian: 'vocab.portal.role.guardian',
  system: 'vocab.portal.role.system',
  vendor: 'vocab.portal.role.vendor',
});

export const loanStatus = from({
  active: 'vocab.portal.loan.active',
  returned: 'vocab.portal.loan.returned',
  lost: 'vocab.portal.loan.lost',
});

export const holdStatus = from({
  pending: 'vocab.portal.hold.pending',
  ready: 'vocab.portal.hold.ready',
  fulfilled: 'vocab.portal.hold.fulfilled',
  cancelled: 'vocab.portal.hold.cancelled',
  expired: 'vocab.portal.hold.expired',
});

export const fineKind = from({
  overdue: 'vocab.portal.fine.overdue',
  lost: 'vocab.portal.fine.lost',
  fee: 'vocab.portal.fine.fee',
});
export const fineStatus = from({
  open: 'vocab.portal.fineStatus.open',
  paid: 'vocab.portal.fineStatus.paid',
  waived: 'vocab.portal.fineStatus.waived',
});

export const patronStatus = from({
  active: 'vocab.portal.status.active',
  expired: 'vocab.portal.status.expired',
  blocked: 'vocab.portal.status.blocked',
  'card-lost': 'vocab.portal.status.cardLost',
  deceased: 'vocab.portal.status.deceased',
});

export const serviceKind = from({
  'computer-session': 'vocab.portal.service.computerSession',
  'program-signup': 'vocab.portal.service.programSignup',
  'room-booking': 'vocab.portal.service.roomBooking',
  'ill-request': 'vocab.portal.service.illRequest',
  'reference-request': 'vocab.portal.service.referenceRequest',
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
