/**
 * Carrel's entities as the rest of the code sees them. Storage maps rows to these in one function per
 * table; nothing outside storage/ knows a column name. Instants are ISO-8601 UTC strings, calendar dates
 * are YYYY-MM-DD strings, money is an integer number of cents.
 */

export type Iso = string;
export type Cents = number;

export interface Library {
  id: string;
  name: string;
  profileId: string;
  timeZone: string;
  /** Days a trapped hold waits on the shelf for pick-up. */
  holdPickupDays: number;
  /** Borrowing stops when a patron owes more than this. */
  maxBalanceCents: Cents;
  /** Charged for a lost item whose replacement cost is unknown. */
  defaultLostChargeCents: Cents;
  /** How long a card stays valid before the patron re-verifies (CB-F2: annually); a category may differ. */
  cardValidityMonths: number;
  /** Added to the charge for an item declared lost (0: none). */
  processingFeeCents: Cents;
  /** Borrowing stops when a patron has this many items overdue (null: overdue items never block). */
  maxOverdueItems: number | null;
  /** Days after its due date an item still out is declared lost and charged (null: never by itself). */
  longOverdueDays: number | null;
  /** The language of a page when nobody chose one; one of `offeredLanguages`. */
  defaultLanguage: string;
  /** The languages the library offers its patrons and staff (among those Carrel has catalogues for). */
  offeredLanguages: string[];
  /** The ways the desk takes a payment, the one offered first first. */
  paymentMethods: PaymentMethod[];
  /** What the printed receipt and due-date slip say besides the transaction. */
  slip: SlipSettings;
  /** Days an imported PIN hash in an old scheme waits for the patron's first log-in before it is dropped. */
  legacyPinDays: number;
  /**
   * Identifying a patron by photo ID and birth date (IF-5): refused attempts allowed per patron and per
   * staff account within `windowMinutes`; past either, the desk asks for the card (issue 22).
   */
  identifyLimit: IdentifyLimit;
  createdAt: Iso;
}

/** Refused identifications allowed per patron and per staff account within a window (a library setting). */
export interface IdentifyLimit {
  patronFailures: number;
  staffFailures: number;
  windowMinutes: number;
}

/** A library's identification limit until it sets its own: 3 refusals per patron, 10 per staff account, in an hour. */
export const DEFAULT_IDENTIFY_LIMIT: IdentifyLimit = { patronFailures: 3, staffFailures: 10, windowMinutes: 60 };

/** How a payment is made at the desk. */
export const PAYMENT_METHODS = ['cash', 'check', 'card'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/**
 * The printed slips (the browser's print): lines at the top and the bottom (the library's name, hours,
 * telephone: never a patron's), and whether a due-date slip names the titles or only their barcodes.
 */
export interface SlipSettings {
  header: string | null;
  footer: string | null;
  titles: boolean;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * A branch's weekly opening hours: for each day it opens, its opening periods as local "HH:MM" pairs.
 * A day missing from a non-empty table is a day the branch is closed; an empty table says nothing about
 * hours (the branch counts as open every day).
 */
export type OpeningHours = Partial<Record<Weekday, [string, string][]>>;

export interface Branch {
  id: string;
  libraryId: string;
  code: string;
  name: string;
  address: string | null;
  openingHours: OpeningHours;
}

/** Days a branch (or, with no branch, the whole library) is closed: a holiday, a closure. Dates inclusive. */
export interface ClosedDay {
  id: string;
  libraryId: string;
  /** Null: every branch of the library. */
  branchId: string | null;
  startsOn: string;
  endsOn: string;
  reason: string;
  createdAt: Iso;
}

export interface PatronCategory {
  libraryId: string;
  code: string;
  name: string;
  /** Most items out at once; null for no limit. */
  maxLoans: number | null;
  /** Ages the category is for, inclusive (null: no bound). */
  minAge: number | null;
  maxAge: number | null;
  /** Months a card of this category stays valid (null: the library's). */
  cardValidityMonths: number | null;
}

/** A kind of item the circulation matrix tells apart (book, dvd, reference…). */
export interface ItemType {
  libraryId: string;
  code: string;
  name: string;
}

/** `deceased` is set on a relative's or an executor's request; retention purges the record (CB-F3). */
export const PATRON_STATUSES = ['active', 'expired', 'blocked', 'card-lost', 'deceased'] as const;
export type PatronStatus = (typeof PATRON_STATUSES)[number];

/** The personal fields of a patron: the part the vault encrypts (see DESIGN.md, vault/). */
export interface PatronPersonal {
  name: string;
  birthDate: string;
  address: string | null;
  email: string | null;
  phone: string | null;
}

/** How a patron wants notices (JC-VI); 'none' is the default, the private choice. */
export const NOTICE_CHANNELS = ['none', 'email', 'text', 'both'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

export interface Patron {
  id: string;
  libraryId: string;
  cardNumber: string;
  categoryCode: string;
  /** The branch the patron calls home (null: none given). */
  homeBranchId: string | null;
  status: PatronStatus;
  personal: PatronPersonal;
  expiresAt: Iso;
  createdAt: Iso;
  updatedAt: Iso;
}

export const ITEM_STATUSES = ['available', 'on-loan', 'on-hold-shelf', 'lost', 'missing', 'withdrawn'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export interface Item {
  id: string;
  libraryId: string;
  branchId: string;
  barcode: string;
  title: string;
  author: string | null;
  isbn: string | null;
  itemType: string;
  status: ItemStatus;
  replacementCostCents: Cents | null;
  createdAt: Iso;
  /** The bibliographic record the item is a copy of (null: an item added without one). */
  recordId: string | null;
  callNumber: string | null;
  /** Marked damaged: still lent, not sent to another branch to fill a hold. */
  damaged: boolean;
}

export type LoanStatus = 'active' | 'returned' | 'lost';

export interface Loan {
  id: string;
  libraryId: string;
  patronId: string;
  itemId: string;
  branchId: string;
  checkedOutAt: Iso;
  dueAt: Iso;
  renewals: number;
  status: LoanStatus;
  endedAt: Iso | null;
}

export type HoldStatus = 'pending' | 'ready' | 'fulfilled' | 'cancelled' | 'expired';

export interface Hold {
  id: string;
  libraryId: string;
  patronId: string;
  /** The item held: the one asked for, or the copy trapped for a title-level hold; null while one waits. */
  itemId: string | null;
  /** The record of a title-level hold (any copy); null for a hold on one item. */
  recordId: string | null;
  pickupBranchId: string;
  status: HoldStatus;
  placedAt: Iso;
  readyAt: Iso | null;
  pickupBy: Iso | null;
  endedAt: Iso | null;
  /** A local day (YYYY-MM-DD) before which the hold is passed over; null: not suspended. */
  suspendedUntil: string | null;
  /** When a hold still waiting ends unfilled; null: never. */
  expiresAt: Iso | null;
}

export type FineKind = 'overdue' | 'lost' | 'fee';
export type FineStatus = 'open' | 'paid' | 'waived';

export interface Fine {
  id: string;
  libraryId: string;
  patronId: string;
  loanId: string | null;
  itemId: string | null;
  kind: FineKind;
  amountCents: Cents;
  balanceCents: Cents;
  status: FineStatus;
  note: string | null;
  createdAt: Iso;
  settledAt: Iso | null;
}

export interface Payment {
  id: string;
  libraryId: string;
  patronId: string;
  amountCents: Cents;
  method: PaymentMethod;
  createdAt: Iso;
}

/**
 * One cell of the circulation matrix: branch × patron category × item type. `*` matches anything; the
 * `*`×`*`×`*` rule is the fallback. The branch is the item's branch, named by its code.
 */
export interface LoanRule {
  libraryId: string;
  branch: string;
  patronCategory: string;
  itemType: string;
  loanDays: number;
  renewals: number;
  finePerDayCents: Cents;
  maxFineCents: Cents;
  /** Whether items this rule covers may be placed on hold. */
  holdable: boolean;
  /** Days a trapped hold waits for pick-up (null: the library's). */
  holdPickupDays: number | null;
}

/** A loan rule as given to set it: the branch defaults to `*`, holds to allowed with the library's days. */
export type LoanRuleInput = Omit<LoanRule, 'branch' | 'holdable' | 'holdPickupDays'> & Partial<Pick<LoanRule, 'branch' | 'holdable' | 'holdPickupDays'>>;

export interface GuardianLink {
  minorPatronId: string;
  guardianPatronId: string;
  libraryId: string;
  startedAt: Iso;
  endedAt: Iso | null;
}

export interface StaffAccount {
  id: string;
  /**
   * The home library; null: an account without a library, which holds only the roles about running the
   * system (SYSTEM_ROLES) and reaches no patron.
   */
  libraryId: string | null;
  /**
   * Every library the account works for, the home library first: one, or several that all share their
   * patrons; empty for an account without a library.
   */
  libraryIds: string[];
  username: string;
  roles: string[];
  disabled: boolean;
  /** Set when an administrator reset the password: the next log-in must choose a new one. */
  mustChangePassword: boolean;
  createdAt: Iso;
}

/** Whose a session is: a member of staff's, or a patron's logged in with card and PIN. */
export type SessionKind = 'staff' | 'patron';

/**
 * Services recorded outside circulation (JC-IIId-f, CB-A2): public-computer sessions, program sign-ups,
 * room bookings, interlibrary-loan and reference requests. Each is disposed by the retention engine a
 * profile-set number of days after `endsAt`, so every kind sets `endsAt` when it is over.
 */
export const SERVICE_KINDS = ['computer-session', 'program-signup', 'room-booking', 'ill-request', 'reference-request'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/**
 * A computer session is `active` until it `ended`; a sign-up or booking is `booked` (over at the event's
 * end) or `cancelled`; a request is `open` until `fulfilled` (ILL), `answered` (reference) or `cancelled`.
 */
export const SERVICE_STATUSES = ['active', 'ended', 'booked', 'cancelled', 'open', 'fulfilled', 'answered'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export interface ServiceRecord {
  id: string;
  libraryId: string;
  branchId: string | null;
  kind: ServiceKind;
  /** Null for a guest-pass session or an anonymous reference question. */
  patronId: string | null;
  /** The guest pass a computer session was opened with (not personal data). */
  guestPass: string | null;
  /** What was used or asked about when it is not personal: a station, program, room or topic code. */
  resource: string | null;
  /** Free text as stored: sealed under the patron's data key (null when there is none). */
  details: string | null;
  status: ServiceStatus;
  startsAt: Iso;
  /** When the record is over (log-off, the event's end, the request's closing); null while open. */
  endsAt: Iso | null;
  createdAt: Iso;
}

/**
 * The free text of a service record, as sealed: what an interlibrary-loan request asks for, or a known
 * patron's reference question. Reading interests are confidential (CB-A2, CB-C), so it is sealed under
 * the patron's data key and goes with it when the patron is deleted (shredded).
 */
export type ServiceDetails = { title: string; author: string | null; isbn: string | null } | { question: string };

/** A service record with its details opened, as the patron's export and the staff listing show it. */
export type OpenedServiceRecord = Omit<ServiceRecord, 'details'> & { details: ServiceDetails | null };
