/**
 * SIP2 accounts: one per machine or vendor that speaks SIP2 to Carrel (a self-check kiosk or RFID pad,
 * an automated-returns sorter, or an authentication client such as EZproxy, PC booking or an e-content
 * vendor). Plain names and shapes; what each kind may send and learn is the policy's
 * (policy/sip2-disclosure.policy.ts).
 */

export const SIP2_ACCOUNT_KINDS = ['self-check', 'sorter', 'authentication'] as const;
export type Sip2AccountKind = (typeof SIP2_ACCOUNT_KINDS)[number];

/**
 * The requests of SIP2 2.00, by their two-digit code, in the order of the SC status response's
 * supported-messages field (BX): patron status, checkout, checkin, block patron, SC status, resend,
 * login, patron information, end patron session, fee paid, item information, item status update, patron
 * enable, hold, renew, renew all.
 */
export const SIP2_BX_ORDER = ['23', '11', '09', '01', '99', '97', '93', '63', '35', '37', '17', '19', '25', '15', '29', '65'] as const;
export type Sip2RequestCode = (typeof SIP2_BX_ORDER)[number];

/** The requests Carrel answers (item status update and patron enable are not offered). */
export const SIP2_IMPLEMENTED: readonly Sip2RequestCode[] = ['23', '11', '09', '01', '99', '97', '93', '63', '35', '37', '17', '15', '29', '65'];

/**
 * What a response may say about a patron, one name per kind of fact. The disclosure rule decides each
 * for each account; a response builder asks before it writes the field.
 */
export const SIP2_PATRON_FIELDS = [
  /** BL: the card belongs to a patron in good standing (not unknown, lost, expired or locked). */
  'valid-patron',
  /** CQ: the PIN given is the card's. */
  'valid-pin',
  /** AA: the identifier the client sent, echoed back as the spec requires. */
  'patron-identifier',
  /** AE: the patron's first name, for the kiosk's greeting. */
  'greeting',
  /** PC (extension): the patron's category code. */
  'category',
  /** XB (Carrel's extension): the patron's age band (child, teen, adult), for children's content. */
  'age-band',
  /** The patron status flags (charge privileges denied, too many items overdue …) and screen messages about the account. */
  'account-standing',
  /** The item counts of the patron information response (holds, overdue, charged, fines). */
  'counts',
  /** BV/BH/CC/AV: money owed and the fine items. */
  'fees',
  /** AU/AT: the items the patron has out now (charged, overdue). */
  'current-loans',
  /** AS/CD: the patron's holds (waiting on the shelf, not yet available). */
  'holds',
  /** BD/BE/BF: home address, email, phone. Never over SIP2. */
  'contact-details',
  /** PB: birth date. Never over SIP2. */
  'birth-date',
  /** The patron's full name. Never over SIP2. */
  'full-name',
  /** Items the patron had before (reading history). Never over SIP2. */
  'past-loans',
  /** CY/DA on a check-in: who the trapped hold is for. Never over SIP2. */
  'hold-patron',
] as const;
export type Sip2PatronField = (typeof SIP2_PATRON_FIELDS)[number];

/** The text encodings a kiosk may speak. Old kiosks speak code page 850. */
export const SIP2_CHARSETS = ['utf-8', 'cp850'] as const;
export type Sip2Charset = (typeof SIP2_CHARSETS)[number];

/** The sort bins of an automated-returns sorter: which bin each kind of returned item drops into. */
export interface Sip2SortBins {
  /** The item is trapped for a hold picked up at this branch. */
  holdHere: string;
  /** The item is trapped for a hold picked up at another branch (goes in transit). */
  holdElsewhere: string;
  /** The item belongs to another branch and goes home. */
  otherBranch: string;
  /** Back to this branch's shelves. */
  shelf: string;
}

/** What an account is allowed and how it talks. */
export interface Sip2AccountSettings {
  /** The addresses the machine may connect from, as CIDR blocks (IPv4 or IPv6). */
  allowedCidrs: string[];
  /** The request codes it may send (login, SC status and resend are always allowed). */
  messages: Sip2RequestCode[];
  /** The patron fields it may receive, within what its kind and the profile allow. */
  patronFields: Sip2PatronField[];
  charset: Sip2Charset;
  /** Refuse messages without a sequence number and checksum (AY/AZ). */
  requireErrorDetection: boolean;
  /** Patron requests must carry the patron's PIN (AD); without one the card is answered as not valid. */
  pinRequired: boolean;
  /** For a sorter: the bins a check-in sorts into. */
  sortBins: Sip2SortBins;
}

export interface Sip2Account extends Sip2AccountSettings {
  id: string;
  libraryId: string;
  /** The branch the machine stands in (check-ins are received there). */
  branchId: string;
  /** A name staff and patrons recognise: 'Central kiosk 1', 'EZproxy', 'Returns sorter'. */
  name: string;
  /** The SIP2 login user id (CN). */
  loginId: string;
  kind: Sip2AccountKind;
  disabled: boolean;
  createdAt: string;
}

export const DEFAULT_SORT_BINS: Sip2SortBins = { holdHere: '1', holdElsewhere: '2', otherBranch: '3', shelf: '4' };
