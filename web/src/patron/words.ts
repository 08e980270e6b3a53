/**
 * The patron portal's words for the API's codes: statuses, purposes, actions, record categories and
 * guardian levels, in the language libraries use with patrons. An unknown code is shown as it is, with
 * its hyphens as spaces: the portal never hides what the API answered.
 */
import type { GuardianLevel } from './types';

export function plain(code: string): string {
  const text = code.replace(/-/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const from = (words: Record<string, string>) => (code: string) => words[code] ?? plain(code);

/** The record categories of the inventory (names as the published policy gives them, when it loads). */
export const categoryName = from({
  registration: 'Registration',
  guardianship: 'Guardian links',
  circulation: 'Current loans',
  'reading-history': 'Reading history',
  holds: 'Holds',
  fines: 'Fines, fees and payments',
  'computer-sessions': 'Public-computer sessions',
  'program-signups': 'Program sign-ups',
  'room-bookings': 'Room bookings',
  'ill-requests': 'Interlibrary-loan requests',
  'reference-requests': 'Reference requests',
  complaints: 'Complaints',
  'access-log': 'Who looked at your record',
  'circulation-statistics': 'Circulation statistics',
  'registration-statistics': 'Registration statistics',
  'service-statistics': 'Service statistics',
});

/** Why someone opened the record (the access log's purpose). */
export const purposeWords = from({
  circulation: 'Checking items out or in, renewing, or a hold',
  'account-service': 'Serving your account',
  'materials-recovery': 'Getting overdue or lost items back',
  'fines-collection': 'Collecting fines owed',
  'legal-disclosure': 'A legal request',
  statistics: 'Statistics (no personal data)',
  'self-service': 'Your own use of your account',
  administration: 'Running the system',
  retention: 'Scheduled clean-up under the privacy policy',
  'violation-review': 'Review of a suspected breach of the computer rules',
  'guardian-access': 'A parent or guardian, as the policy allows',
  authentication: 'Checking your card and PIN for a service you signed in to',
});

/** What they did (the access log's action). */
export const actionWords = from({
  register: 'Registered your card',
  login: 'Logged in',
  view: 'Viewed your whole record',
  export: 'Downloaded your whole record',
  'view-account': 'Looked at your account',
  'view-guardian-link': 'Saw that you are linked as guardian or child',
  'view-privacy': 'Looked at your privacy settings',
  'privacy-changed': 'Changed your privacy settings',
  'view-access-log': 'Looked at who looked at your record',
  'view-services': 'Looked at your service records',
  correct: 'Corrected your details',
  checkout: 'Checked an item out to you',
  checkin: 'Checked in an item you had',
  renew: 'Renewed a loan',
  'declare-lost': 'Declared an item lost',
  'lost-item-returned': 'Checked in an item declared lost',
  'hold-placed': 'Placed a hold',
  'hold-cancelled': 'Cancelled a hold',
  'hold-trapped': 'Set an item aside for your hold',
  'hold-expired': 'A hold expired',
  'hold-shelf': 'Listed the hold shelf',
  payment: 'Took a payment',
  'fine-waived': 'Waived a fine',
  'pin-changed': 'Changed your PIN',
  'status-card-lost': 'Recorded your card as lost',
  'card-reissued': 'Issued you a new card',
  'search-match': 'Found your record in a search',
  'identity-verified': 'Checked your identity',
  'identity-check-failed': 'An identity check did not match',
  'guardian-linked': 'Linked a parent or guardian',
  'guardian-link-ended': 'Ended a guardian link',
  'guardian-dependents': 'Listed the children they signed for',
  'guardian-view': 'A parent or guardian looked at the record',
  'reading-history-opt-in': 'Turned reading history on',
  'reading-history-opt-out': 'Turned reading history off',
  'complaint-recorded': 'Recorded your complaint',
  'complaint-read': 'Read your complaint',
  'complaint-answered': 'Answered your complaint',
  'legal-request-received': 'Recorded a legal request',
  'legal-disclosure-release': 'Released records on a legal request',
  delete: 'Deleted records',
  'sip2-patron': 'Opened your account at a self-check machine',
  'sip2-authenticate': 'Checked that your card and PIN are valid (nothing else)',
  'sip2-block': 'Blocked your card at a self-check machine',
  'vendor-sign-in': 'Told a service you signed in to that you are a patron (nothing else)',
  'vendor-claims': 'Gave a service you signed in to what you agreed to share',
  'vendor-consent': 'Recorded what you agreed to share with a service',
  'vendors-read': 'Looked at the services you sign in to',
  'vendor-revoke': 'Withdrew a service’s access',
});

/** Who, as the API words it ('you', 'guardian', 'system' or a staff role). */
export const roleWords = from({
  you: 'You',
  guardian: 'A parent or guardian',
  system: 'The system (automatic)',
  vendor: 'A service you signed in to',
});

export const loanStatus = from({ active: 'Out', returned: 'Returned', lost: 'Declared lost' });

export const holdStatus = from({
  pending: 'Waiting for the item',
  ready: 'Ready to pick up',
  fulfilled: 'Picked up',
  cancelled: 'Cancelled',
  expired: 'Not picked up in time',
});

export const fineKind = from({ overdue: 'Overdue fine', lost: 'Lost item', fee: 'Fee' });
export const fineStatus = from({ open: 'Owed', paid: 'Paid', waived: 'Waived' });

export const patronStatus = from({ active: 'Active', expired: 'Expired', blocked: 'Blocked', 'card-lost': 'Card reported lost', deceased: 'Deceased' });

export const serviceKind = from({
  'computer-session': 'Public-computer session',
  'program-signup': 'Program sign-up',
  'room-booking': 'Room booking',
  'ill-request': 'Interlibrary-loan request',
  'reference-request': 'Reference request',
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
export const GUARDIAN_LEVEL_WORDS: Record<GuardianLevel, string> = {
  full: 'the child’s whole record',
  'current-circulation': 'what the child has out, is waiting for and owes',
  'overdue-and-fines': 'only the child’s overdue or lost items and the fines owed',
  none: 'nothing',
};

/** A refusal of DELETE /me, in plain words (the API's message follows it, with the code). */
export const DELETION_REFUSALS: Record<string, string> = {
  PATRON_HAS_ITEMS_OUT: 'You still have items checked out. Return them (or have them declared lost at the desk) and then ask again.',
  PATRON_OWES_FINES: 'You owe the library money. Once it is paid or waived, your account can be deleted.',
  DELETION_NOT_POSSIBLE_NOW:
    'The library must keep your record for now because of a legal obligation. Nothing is deleted today; ask at the desk or the director for more.',
  RECORD_UNDER_LEGAL_HOLD: 'The library must keep your record for now because of a legal obligation. Nothing is deleted today.',
};

/** A notice's status, as its recipient reads it (a posted letter is answered as sent). */
export const noticeStatus = from({
  queued: 'Waiting to be sent',
  sent: 'Sent',
  failed: 'Could not be sent',
  letter: 'Letter waiting to be posted',
  posted: 'Sent',
  cancelled: 'Not sent (no longer needed)',
});
