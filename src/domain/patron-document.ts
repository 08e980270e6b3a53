/**
 * A patron's whole record as one document (CB-A8, JC-IVb): the JSON GET /me and GET /me/export answer
 * (format carrel.patron-export.v1), and a member of staff's export of a patron (GET /patrons/:id/export,
 * the CLI's `patron export`). Declarations only, so the web app reads the same type the server builds:
 * usecases/patron.usecases.ts `patronDocument` builds it, usecases/self-service.usecases.ts adds the
 * patron's notices. Instants are ISO-8601 UTC strings, money is an integer number of cents.
 */
import type { AggregateCategory, PatronRecordCategory } from './records.js';
import type { Cents, Fine, Hold, Iso, Loan, NoticeChannel, OpenedServiceRecord, Patron, PatronPersonal, Payment } from './types.js';

/** A patron without secrets (no PIN hash, no blind index): what the API and CLI may show. */
export interface PublicPatron extends Omit<Patron, 'personal'>, PatronPersonal {}

/**
 * A guardian link: who signed for whom and when, never the other person's record. `role` is the other
 * person's: 'guardian' on a minor's record, 'minor' on the guardian's. Staff also get the other
 * patron's id; the patron never does.
 */
export interface GuardianLinkEntry {
  role: 'guardian' | 'minor';
  patronId?: string;
  startedAt: Iso;
  endedAt: Iso | null;
}

/** What the registration holds besides the personal fields: last activity (CB-F3) and the age band statistics use. */
export interface RecordAccount {
  lastActiveAt: Iso | null;
  ageBand: string;
  /** What the desk must settle with the patron (an imported minor without a guardian); null: nothing. */
  deskFlag: string | null;
}

/**
 * The patron's privacy choices, each off until they choose it, and since when: reading history (JC-IIIc),
 * notices (JC-VI), the library's mailing lists (RR-3, RF-8) and photos or recordings (RR-9).
 */
export interface PatronPrivacyChoices {
  readingHistory: boolean;
  readingHistorySince: Iso | null;
  noticeChannel: NoticeChannel;
  mailingLists: boolean;
  mailingListsSince: Iso | null;
  photoConsent: boolean;
  photoConsentSince: Iso | null;
}

/** A loan with the item's barcode and title. */
export interface LoanEntry extends Loan {
  itemBarcode: string;
  title: string;
  /** In an export only: why staff lent it past a block, when they did (issue 15; sealed where it is kept). */
  overrideNote?: string;
}

/** A hold with the item's barcode and title. */
export interface HoldEntry extends Hold {
  /** The item held or trapped; null while a title-level hold waits for a copy. */
  itemBarcode: string | null;
  title: string;
}

/** A fine with the item's barcode and title (null for a fee on no item), its note opened. */
export interface FineEntry extends Fine {
  itemBarcode: string | null;
  title: string | null;
}

/** A payment towards the patron's fines. */
export type PaymentEntry = Payment;

/** A service record (computer session, program sign-up, room booking, ILL or reference request), its details opened. */
export type ServiceEntry = OpenedServiceRecord;

/**
 * A written complaint the patron made (JC-VIII), its texts opened, with the director's answer once given;
 * `overdue` when unanswered past its due date. Not who received or answered it.
 */
export interface ComplaintEntry {
  id: string;
  libraryId: string;
  receivedAt: Iso;
  channel: string;
  topic: string;
  summary: string | null;
  dueAt: Iso;
  answeredAt: Iso | null;
  answerSummary: string | null;
  overdue: boolean;
}

/** An access to the patron's record: when, what kind of actor, the action, the categories, the purpose and the channel. */
export interface AccessLogEntry {
  at: Iso;
  actorKind: string;
  action: string;
  categories: string[];
  purpose: string;
  channel: string;
}

/**
 * A release of the patron's records to an agency, told once any gag has ended (JC-II): the kind of
 * request, the agency, the instrument, the date and the categories released; never the case number or
 * the officer.
 */
export interface ReleaseNotice {
  kind: string;
  agency: string | null;
  instrument: string | null;
  releasedAt: Iso | null;
  categories: string[];
  visibleFrom: Iso;
}

/** The inventory's other categories, the aggregate statistics: why they are not in the document. */
export interface AggregatesNote {
  categories: AggregateCategory[];
  personalData: false;
  text: string;
}

/** A notice as its recipient sees it: what kind, on which channel and in which language, when, and how it went. */
export interface SentNoticeEntry {
  kind: string;
  channel: string;
  language: string;
  status: string;
  createdAt: Iso;
  sentAt: Iso | null;
}

/** A vendor the patron signed in to (issue 19): when, and what they agreed it may receive; never what they used there. */
export interface VendorEntry {
  vendorName: string;
  protocol: string;
  firstAt: Iso;
  lastAt: Iso;
  consentedClaims: string[];
  declinedClaims: string[];
  consentedAt: Iso | null;
}

/** The keys of the document that hold records (every key but the document's own facts). */
export type PatronRecordKey = Exclude<keyof PatronRecordDocument, 'format' | 'exportedAt' | 'contents' | 'aggregates'>;

/** Where each record category of the inventory that concerns a patron is in the document. */
export type RecordContents = { readonly [C in PatronRecordCategory]: readonly PatronRecordKey[] };

/** Everything Carrel holds about one patron: every category of the inventory that concerns them; `contents` says where each is. */
export interface PatronRecordDocument {
  format: 'carrel.patron-export.v1';
  exportedAt: Iso;
  patron: PublicPatron;
  contents: RecordContents;
  aggregates: AggregatesNote;
  account: RecordAccount;
  privacy: PatronPrivacyChoices;
  guardianLinks: GuardianLinkEntry[];
  loans: LoanEntry[];
  holds: HoldEntry[];
  fines: FineEntry[];
  payments: PaymentEntry[];
  balanceCents: Cents;
  services: ServiceEntry[];
  /** The categories left out of a member of staff's export (public-computer logs, JC-VII), when any is. */
  withheld?: PatronRecordCategory[];
  complaints: ComplaintEntry[];
  /** Notices sent to the patron, or owed (issue 17): kind, channel, time and status, never what they said. */
  sentNotices: SentNoticeEntry[];
  /** Vendors and proxies the patron signed in to through Carrel (issue 19). */
  vendors: VendorEntry[];
  accessLog: AccessLogEntry[];
  /** Only in the patron's own record (GET /me, GET /me/export): releases of their records to an agency. */
  notices?: ReleaseNotice[];
}
