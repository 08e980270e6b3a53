/**
 * The data inventory: every category of record Carrel keeps about patrons, declared once — its fields,
 * why it is kept and on what basis, who may see it, where it lives, how long it is kept under a given
 * profile, and how it is disposed of. The retention engine, the access log's category names, the
 * published policy and the privacy audit report (CB-I) all read this one declaration.
 */
import type { Profile } from './profile.schema.js';
import { noticeRetention } from './notice.policy.js';
import { describeRule, serviceRule, vendorAuthorisationRule, type RetentionCategory, type ServiceKindId } from './retention.policy.js';

/**
 * The category list and the aggregate statistics (counts with no patron in them: RR-4, CB-A6, RF-3, IF-4,
 * JC-IVd) are declared in domain/records.ts.
 */
export { AGGREGATE_CATEGORIES, RECORD_CATEGORIES, type AggregateCategory, type RecordCategory } from '../domain/records.js';
import { AGGREGATE_CATEGORIES, RECORD_CATEGORIES, type AggregateCategory, type RecordCategory } from '../domain/records.js';

/** Whether a category is aggregate statistics (no personal data). */
export function isAggregate(category: RecordCategory): category is AggregateCategory {
  return (AGGREGATE_CATEGORIES as readonly string[]).includes(category);
}

/** Every category that holds records about patrons: the inventory less the aggregate statistics. */
export const PATRON_RECORD_CATEGORIES: readonly Exclude<RecordCategory, AggregateCategory>[] = RECORD_CATEGORIES.filter(
  (c): c is Exclude<RecordCategory, AggregateCategory> => !isAggregate(c),
);

/** The category each kind of service record belongs to (what the access log and receipts name). */
export const SERVICE_CATEGORY = {
  'computer-session': 'computer-sessions',
  'program-signup': 'program-signups',
  'room-booking': 'room-bookings',
  'ill-request': 'ill-requests',
  'reference-request': 'reference-requests',
} as const satisfies Record<ServiceKindId, RecordCategory>;

/** Where a category's records live, and which of their fields are sealed by the vault. */
export interface Storage {
  tables: string[];
  sealed: string[];
  /** Blind indexes (HMACs) kept for look-ups: equality only. */
  indexed: string[];
}

/** A category's retention under one profile: the rule in words and the clause it cites. */
export interface RetentionRule {
  rule: string;
  clause: string;
  note?: string;
}

export interface CategoryDeclaration {
  id: RecordCategory;
  name: string;
  fields: string[];
  purpose: string;
  /** The legal basis in words, and the clauses that carry it. */
  legalBasis: { text: string; clauses: string[] };
  /** Who may see it (staff roles, the patron, guardians); the access issue refines roles. */
  access: string[];
  storage: Storage;
  retention: (profile: Profile) => RetentionRule;
  disposal: string;
}

const fromReceipt = (profile: Profile, category: RetentionCategory, note?: string): RetentionRule => {
  const { rule, clause } = describeRule(profile, category);
  return note ? { rule, clause, note } : { rule, clause };
};

const noteOf = (rule: { note?: string }) => rule.note;

export const INVENTORY: readonly CategoryDeclaration[] = [
  {
    id: 'registration',
    name: 'Registration',
    fields: ['name', 'birth date', 'address', 'email', 'phone', 'card number', 'PIN (an argon2id hash; a hash imported from the old system only until the first log-in)', 'patron category', 'card expiry', 'age band (for statistics)', 'last activity'],
    purpose: 'Identify the patron and hold them accountable for borrowed materials.',
    legalBasis: { text: 'Collected with the patron’s application for a card; limited to what the service needs.', clauses: ['RR-1', 'CB-A4', 'CB-F2', 'JC-IIIa', 'RF-4', 'IF-2'] },
    access: ['the patron', 'circulation staff on duty', 'administrators'],
    storage: { tables: ['patrons', 'patron_search', 'import_keys (during an import only: keyed hashes of each row’s card and of its name, birth date and email, to find duplicates)'], sealed: ['name', 'birth date', 'address', 'email', 'phone', 'card number'], indexed: ['card number', 'email', 'phone', 'name words'] },
    retention: (p) => {
      const inactive = describeRule(p, 'inactive-patrons');
      const deceased = describeRule(p, 'deceased-patrons');
      return { rule: `while the card is in use; ${inactive.rule}; ${deceased.rule}`, clause: inactive.clause, ...(p.retention.inactivePatrons.note ? { note: p.retention.inactivePatrons.note } : {}) };
    },
    disposal: 'The patron’s data key is shredded (every sealed copy, including backups, becomes unreadable), then the rows are deleted.',
  },
  {
    id: 'guardianship',
    name: 'Guardian links',
    fields: ['minor patron', 'guardian patron (the adult who signed the application)', 'start', 'end'],
    purpose: 'Tell the adult who signed a minor’s application about overdue or lost items, as the law allows.',
    legalBasis: { text: 'The guardian signed the minor’s application.', clauses: ['RR-8', 'CB-B3', 'JC-IVc', 'IF-7'] },
    access: ['the guardian (as the profile allows)', 'circulation staff on duty'],
    storage: { tables: ['guardian_links'], sealed: [], indexed: [] },
    retention: (p) => ({ rule: 'kept while both patrons are registered; deleted with either', clause: describeRule(p, 'inactive-patrons').clause }),
    disposal: 'Deleted with the minor’s or the guardian’s record.',
  },
  {
    id: 'circulation',
    name: 'Current loans',
    fields: ['patron', 'item', 'branch', 'check-out time', 'due date', 'renewals', 'return time', 'why a block was overridden to lend it (sealed)'],
    purpose: 'Know who has which item until it comes back and nothing is owed on it.',
    legalBasis: { text: 'Needed to lend materials and recover them.', clauses: ['RR-2', 'CB-F3', 'JC-IIIb', 'IF-3'] },
    access: ['the patron', 'circulation staff on duty'],
    // The override reason (issue 15, migration 0011) is staff's words about the patron: sealed.
    storage: { tables: ['loans'], sealed: ['override note'], indexed: [] },
    retention: (p) => fromReceipt(p, 'circulation', noteOf(p.retention.loans)),
    disposal: 'The row is deleted and settled fines on it lose the item. (The loan was counted in the circulation statistics when it was lent; nothing is added when it goes.)',
  },
  {
    id: 'reading-history',
    name: 'Reading history',
    fields: ['past loans of a patron who opted in: item, check-out and return times'],
    purpose: 'Let a patron who asked for it see what they borrowed before.',
    legalBasis: { text: 'The patron’s own choice, off by default; opting out deletes it at once.', clauses: ['JC-IIIc'] },
    access: ['the patron', 'circulation staff on duty (the patron’s account)'],
    storage: { tables: ['loans', 'patrons (opt-in time)'], sealed: [], indexed: [] },
    retention: (p) =>
      p.retention.readingHistory.offered
        ? { rule: 'kept while the patron stays opted in; deleted at once when they opt out', clause: p.retention.readingHistory.clause }
        : { rule: 'not offered: no reading history is kept', clause: p.retention.readingHistory.clause, ...(p.retention.readingHistory.note ? { note: p.retention.readingHistory.note } : {}) },
    disposal: 'As current loans: deleted (each was counted in the statistics when it was lent).',
  },
  {
    id: 'holds',
    name: 'Holds (reserves)',
    fields: ['patron', 'item', 'pick-up branch', 'placed, ready, pick-up-by and end times', 'status'],
    purpose: 'Keep an item for the patron who asked for it.',
    legalBasis: { text: 'Requested by the patron.', clauses: ['CB-A2', 'JC-IIIb'] },
    access: ['the patron', 'circulation staff on duty', 'hold-shelf volunteers (name on the shelf only)'],
    storage: { tables: ['holds'], sealed: [], indexed: [] },
    retention: (p) => fromReceipt(p, 'holds', noteOf(p.retention.holds)),
    disposal: 'Deleted.',
  },
  {
    id: 'fines',
    name: 'Fines, fees and payments',
    fields: ['patron', 'loan and item (until the loan is anonymised)', 'kind', 'amount', 'balance', 'status', 'note (sealed)', 'payments and their allocation'],
    purpose: 'Collect what is owed and answer questions about payments.',
    legalBasis: { text: 'Charges under the library’s circulation rules.', clauses: ['RR-2', 'JC-IIIb', 'IF-3', 'IF-8'] },
    access: ['the patron', 'circulation staff on duty', 'the guardian of a minor (as the profile allows)'],
    storage: { tables: ['fines', 'payments', 'payment_allocations'], sealed: ['note'], indexed: [] },
    retention: (p) => fromReceipt(p, 'fines', noteOf(p.retention.fines)),
    disposal: 'Deleted with their payment allocations; a payment goes when no fine points at it.',
  },
  {
    id: 'computer-sessions',
    name: 'Public-computer sessions',
    fields: ['patron or guest pass used to log on', 'station', 'start and end'],
    purpose: 'Share public computers fairly; review only when a violation is suspected.',
    legalBasis: { text: 'Logging on to a public computer.', clauses: ['JC-IIId', 'JC-VII', 'CB-A2'] },
    access: ['circulation staff on duty'],
    storage: { tables: ['service_records'], sealed: [], indexed: [] },
    retention: (p) => fromReceipt(p, 'computer-sessions', noteOf(serviceRule('computer-session', p))),
    disposal: 'Deleted.',
  },
  {
    id: 'program-signups',
    name: 'Program sign-ups',
    fields: ['patron', 'program', 'branch', 'event start and end'],
    purpose: 'Hold a place at a class or program.',
    legalBasis: { text: 'The patron signed up.', clauses: ['JC-IIIf'] },
    access: ['the patron', 'staff running the program'],
    storage: { tables: ['service_records'], sealed: [], indexed: [] },
    retention: (p) => fromReceipt(p, 'program-signups', noteOf(serviceRule('program-signup', p))),
    disposal: 'Deleted.',
  },
  {
    id: 'room-bookings',
    name: 'Room bookings',
    fields: ['patron', 'room', 'branch', 'start and end'],
    purpose: 'Book a meeting room.',
    legalBasis: { text: 'The patron booked the room.', clauses: ['JC-IIIf'] },
    access: ['the patron', 'staff managing rooms'],
    storage: { tables: ['service_records'], sealed: [], indexed: [] },
    retention: (p) => fromReceipt(p, 'room-bookings', noteOf(serviceRule('room-booking', p))),
    disposal: 'Deleted.',
  },
  {
    id: 'ill-requests',
    name: 'Interlibrary-loan requests',
    fields: ['patron', 'what was requested (sealed)', 'status', 'opened and closed'],
    purpose: 'Borrow from another library what this one does not hold; the lender gets only what it needs.',
    legalBasis: { text: 'Requested by the patron.', clauses: ['CB-C', 'JC-IIIe', 'IF-2'] },
    access: ['the patron', 'interlibrary-loan staff'],
    storage: { tables: ['service_records'], sealed: ['details'], indexed: [] },
    retention: (p) => fromReceipt(p, 'ill-requests', noteOf(serviceRule('ill-request', p))),
    disposal: 'Deleted, with the sealed details.',
  },
  {
    id: 'reference-requests',
    name: 'Reference requests',
    fields: ['patron', 'the question (sealed)', 'status', 'opened and closed'],
    purpose: 'Answer a patron’s question and follow up.',
    legalBasis: { text: 'Asked by the patron.', clauses: ['CB-A2', 'JC-IIIe'] },
    access: ['the patron', 'reference staff'],
    storage: { tables: ['service_records'], sealed: ['details'], indexed: [] },
    retention: (p) => fromReceipt(p, 'reference-requests', noteOf(serviceRule('reference-request', p))),
    disposal: 'Deleted, with the sealed details.',
  },
  {
    id: 'complaints',
    name: 'Complaints',
    fields: ['complainant (a patron, or anonymous)', 'channel', 'topic code', 'what the complaint says (sealed, only when a patron is named)', 'due date', 'the answer (sealed)', 'who received and answered it'],
    purpose: 'Answer a written complaint in good time (the director).',
    legalBasis: { text: 'Written complaints go to the director and get a timely answer.', clauses: ['JC-VIII'] },
    access: ['the patron (their own)', 'the staff member who records it', 'the director / privacy officer'],
    storage: { tables: ['complaints'], sealed: ['summary', 'answer_summary'], indexed: [] },
    retention: () => ({
      rule: 'kept while the patron is registered; when the patron goes, the complaint keeps its topic and dates only',
      clause: 'JC-VIII',
      note: 'The answered complaint is the library’s record of having answered; nothing in it identifies the patron once they are gone.',
    }),
    disposal: 'The patron link and the sealed texts go with the patron (their key is shredded); the topic, channel and dates stay for the transparency report.',
  },
  {
    id: 'notices',
    name: 'Notices',
    fields: [
      'recipient (the patron, or a minor’s guardian)',
      'kind (hold ready, due soon, overdue, billed as lost, card expiring, policy changed, breach)',
      'channel (email, text, letter)',
      'language',
      'status, attempts and the failure’s code',
      'what it will say (sealed, until it is delivered)',
      'queued, sent and ended times',
    ],
    purpose: 'Tell the patron what they asked to be told (holds ready, items due or overdue, cards expiring), and what the law or the policy requires (a breach, a change of the policy).',
    legalBasis: { text: 'The patron’s own choice of channel, off by default; breach notices and policy changes are owed to every patron.', clauses: ['JC-VI', 'RR-6', 'RR-10', 'RR-8', 'IF-7', 'CB-B3'] },
    access: ['the patron (their own)', 'circulation staff on duty (kind, channel and status only)', 'the director (breach notices)'],
    storage: { tables: ['notices', 'patrons (notice language, unsubscribed)'], sealed: ['what it will say'], indexed: [] },
    retention: (p) => fromReceipt(p, 'notices', noteOf(noticeRetention(p))),
    disposal: 'What a notice says is deleted when it is delivered (the address is never stored: it is opened from the vault to send); the proof of sending is deleted after the profile’s days.',
  },
  {
    id: 'vendor-authorisations',
    name: 'Vendors signed in to',
    fields: [
      'patron',
      'vendor (an e-content service, a database, an EZproxy instance)',
      'first and last sign-in',
      'the claims the patron consented to the vendor receiving (category, age band, name, email), and when',
      'the sign-in provider’s short-lived sessions, codes, tokens and grants, each until it expires',
    ],
    purpose:
      'Show the patron which vendors they sign in to through the library, and when, so they can revoke each (RF-6, RF-7); remember what they consented each may receive, so they are asked once. Never what they used there.',
    legalBasis: {
      text: 'The patron signs in to the vendor themselves. A vendor learns only that they are a patron in good standing, under a pseudonym of its own (never the card number), and more only where its contract, the policy and the patron’s consent all allow; what the patron uses there is neither tracked nor linked to them.',
      clauses: ['RF-6', 'RF-7', 'CB-D', 'IF-4', 'IF-9', 'RR-4'],
    },
    access: ['the patron (their own; each vendor revocable in the portal)', 'staff reading or exporting the patron’s whole record'],
    storage: { tables: ['vendor_authorisations', 'oidc_store (the sign-in provider’s sessions, codes, tokens and grants, by patron)'], sealed: [], indexed: [] },
    retention: (p) => fromReceipt(p, 'vendor-authorisations', noteOf(vendorAuthorisationRule(p))),
    disposal:
      'Deleted the profile’s months after the last sign-in, at once when the patron revokes the vendor, and with the patron’s record; the provider’s grants of that vendor for the patron go with it, and its other artefacts are deleted within the hour after they expire. The pseudonym a vendor knows is derived from the patron’s data key, so it dies when the record is deleted.',
  },
  {
    id: 'access-log',
    name: 'Access log',
    fields: ['time', 'actor (staff account or system)', 'patron', 'action', 'record categories touched (names, never data)', 'purpose', 'channel'],
    purpose: 'Show who looked at or changed a patron’s record, and why (accountability).',
    legalBasis: { text: 'Staff use patron data only in the performance of their duties; the log is the evidence.', clauses: ['CB-A3', 'RF-10', 'CB-F1'] },
    access: ['the patron (their own entries)', 'the director / privacy officer'],
    storage: { tables: ['access_log'], sealed: [], indexed: [] },
    retention: (p) => fromReceipt(p, 'access-log', noteOf(p.retention.accessLog)),
    disposal:
      'Deleted by the retention job, oldest first in each library’s hash chain, once past the profile’s months; the chain’s start moves past them, so `carrel verify-log` still passes. Entries carry no item and no personal field, only the patron’s id, which no longer resolves to anyone once the patron is purged.',
  },
  {
    id: 'circulation-statistics',
    name: 'Circulation statistics',
    fields: ['day', 'branch', 'item type', 'patron category', 'age band', 'number of loans'],
    purpose: 'Plan collections and report use, with no personal data: each loan is counted once, when it is lent.',
    legalBasis: { text: 'Aggregate statistics carry no personal data.', clauses: ['RR-4', 'CB-A6', 'RF-3', 'IF-4', 'JC-IVd'] },
    access: ['librarians, branch managers, the director and the system administrator (tables with small counts suppressed)', 'the public (published with small cells suppressed)'],
    storage: { tables: ['circulation_stats'], sealed: [], indexed: [] },
    retention: (p) => ({ rule: `kept: counts only, no personal data; counts below ${p.statistics.smallCellThreshold} are suppressed when published`, clause: p.statistics.clause }),
    disposal: 'Not personal data; kept.',
  },
  {
    id: 'registration-statistics',
    name: 'Registration statistics',
    fields: ['day', 'branch (none recorded yet)', 'patron category', 'age band', 'number of registrations'],
    purpose: 'Report how many people register, and which kinds, with no personal data: each registration is counted once, when it is made.',
    legalBasis: { text: 'Aggregate statistics carry no personal data.', clauses: ['RR-4', 'CB-A6', 'RF-3', 'IF-4', 'JC-IVd'] },
    access: ['librarians, branch managers, the director and the system administrator (tables with small counts suppressed)', 'the public (published with small cells suppressed)'],
    storage: { tables: ['registration_stats'], sealed: [], indexed: [] },
    retention: (p) => ({ rule: `kept: counts only, no personal data; counts below ${p.statistics.smallCellThreshold} are suppressed when published`, clause: p.statistics.clause }),
    disposal: 'Not personal data; kept (a patron whose record is deleted stays counted, as nobody, in the month they registered).',
  },
  {
    id: 'service-statistics',
    name: 'Service statistics',
    fields: ['day the service ended', 'branch', 'kind of service', 'patron category (guest for a guest pass)', 'age band', 'number of services', 'minutes of public-computer use'],
    purpose:
      'Report the use of public computers, programs, rooms, interlibrary loan and reference, with no personal data: each service that took place is counted once, by the first retention run after it ends (or when its record is deleted before that).',
    legalBasis: { text: 'Aggregate statistics carry no personal data.', clauses: ['RR-4', 'CB-A6', 'RF-3', 'IF-4', 'JC-IVd'] },
    access: ['librarians, branch managers, the director and the system administrator (tables with small counts suppressed)', 'the public (published with small cells suppressed)'],
    storage: { tables: ['service_stats'], sealed: [], indexed: [] },
    retention: (p) => ({ rule: `kept: counts only, no personal data; counts below ${p.statistics.smallCellThreshold} are suppressed when published`, clause: p.statistics.clause }),
    disposal: 'Not personal data; kept (no station, program, room, title or question is in it).',
  },
  {
    id: 'vendor-statistics',
    name: 'Vendor sign-in statistics',
    fields: ['month', 'vendor', 'number of sign-ins'],
    purpose:
      'Report how much each e-content vendor, database or proxy is used, with no personal data: each sign-in is counted once, in the month the vendor was told a patron is valid; what anyone did there is never known to the library (CB-D: usage tracked only for statistics).',
    legalBasis: { text: 'Aggregate statistics carry no personal data.', clauses: ['CB-D', 'RR-4', 'IF-4', 'RF-3', 'CB-A6'] },
    access: ['librarians, branch managers, the director and the system administrator (tables with small counts suppressed)', 'the public (published with small cells suppressed)'],
    storage: { tables: ['vendor_sign_in_counts'], sealed: [], indexed: [] },
    retention: (p) => ({ rule: `kept: counts only, no personal data; counts below ${p.statistics.smallCellThreshold} are suppressed when published`, clause: p.statistics.clause }),
    disposal: 'Not personal data; kept (no patron, category or age band is in it: only the vendor, the month and a count).',
  },
];

/** The declaration of one category. */
export function declarationOf(id: RecordCategory): CategoryDeclaration {
  const found = INVENTORY.find((c) => c.id === id);
  if (!found) throw new Error(`The inventory does not declare ${id}.`);
  return found;
}

/**
 * Every table that is not the storage of a record category above, and why: the library's own
 * configuration, its catalogue, the register of its own decisions about records, and the machinery that
 * keeps them. A new table must be declared here or in a category's storage (the anonymisation scan
 * checks the database's catalog against both), so nothing about patrons is stored outside the inventory
 * unnoticed.
 */
export const OTHER_TABLES: Readonly<Record<string, string>> = {
  libraries: 'The library itself and its circulation settings; no patron.',
  branches: 'The library’s branches, addresses and opening hours; no patron.',
  closed_days: 'Days a branch or the library is closed; no patron.',
  patron_categories: 'The categories a patron may belong to (their names, ages, limits); no patron.',
  item_types: 'The kinds of item the circulation matrix tells apart; no patron.',
  circulation_rules: 'The library’s circulation matrix (loan days, renewals, fines); no patron.',
  items: 'The catalogue’s items and their status; never who has one (that is the loan).',
  bib_records: 'The catalogue’s bibliographic records (title, authors, subjects, ISBN…) and their folded search words; no patron. Searching writes nothing (CB-A2).',
  bib_search: 'SQLite’s full-text index over the records’ folded words (derived; rebuilt on restore); no patron.',
  bib_search_data: 'A shadow table of SQLite’s full-text index over the catalogue; no patron.',
  bib_search_idx: 'A shadow table of SQLite’s full-text index over the catalogue; no patron.',
  bib_search_docsize: 'A shadow table of SQLite’s full-text index over the catalogue; no patron.',
  bib_search_config: 'A shadow table of SQLite’s full-text index over the catalogue; no patron.',
  staff_accounts: 'Staff accounts: username, roles, password hash; no patron.',
  staff_libraries: 'The libraries a staff account works for when it works for several that share patrons; no patron.',
  vendors: 'The library’s e-content vendors and proxies (OpenID Connect clients, EZproxy instances): name, addresses, the claims their contract names, a sealed secret; no patron (issue 19).',
  oidc_signing_keys: 'The sign-in provider’s signing keys, sealed under the vault’s key, kept until the tokens they signed have expired; no patron.',
  sip2_accounts: 'SIP2 accounts of self-check kiosks, sorters and authentication clients: name, login id, password hash, branch and settings; no patron (CB-G2).',
  sessions: 'Open log-in sessions (a token’s hash and whose it is), ended at log-out or after hours of idleness.',
  login_failures: 'Recent failed log-ins, counted to slow guessing (a keyed hash of the name tried); no patron record.',
  identify_failures: 'Recent refused identifications by photo ID and birth date (IF-5), counted to slow guessing: a keyed hash of the patron or staff account each counts against and its instant, never a birth date tried; pruned past the longest window a library may set, at the next identification or the nightly retention run, and deleted with the patron they counted against; no patron record.',
  desk_identifications: 'Who was identified at the desk by photo ID (IF-5), for a short while: the SHA-256 of a handle that stands in for their card, the patron and the staff account by id, and its expiry; pruned once expired, at the next identification or the nightly retention run, and deleted with the patron.',
  legal_requests: 'The disclosure register (RR-7, CB-E1): requests received and decisions, sealed where they name anyone.',
  legal_request_patrons: 'Which patrons a legal request concerns: part of the disclosure register, kept with it.',
  patron_notices: 'Notices owed to a patron about a request that concerned them (when they may be told).',
  legal_holds: 'Legal holds that suspend disposal of the records they cover.',
  legal_hold_patrons: 'Which patrons a legal hold covers: part of the hold, ended with it.',
  deletion_receipts: 'Receipts that a patron’s records were deleted on request: what and when, no personal data.',
  retention_receipts: 'Receipts of each retention run: counts per category, no patron.',
  retention_runs: 'The retention engine’s progress through each run; no patron.',
  record_series: 'The library’s register of record series (CB-H, RF-9); no patron.',
  record_series_disposals: 'When each record series was last disposed of; counts, no patron.',
  profile_versions: 'The history of the privacy policy in force (RR-10, CB-A9); no patron.',
  access_log_heads: 'The head of each chain of the access log (a sequence number and a hash; lane 0 also how many lanes its library has, under a MAC); no patron.',
  access_log_checkpoints: 'Where verify-log last found each chain of the access log intact (a sequence number, a hash and when, under a MAC), so a daily check starts there; no patron.',
  item_tasks: 'Work an item waits for (pull for a hold, in transit, reshelve from a hold shelf), deleted when done: item and branches, and for reshelving the ended hold’s shelf code (the slip’s pseudonym); never a patron.',
  job_runs: 'The scheduler’s record of each job’s runs: when and counts, no patron.',
  notice_templates: 'The library’s own wording of each kind of notice, per language; no patron.',
  notice_settings: 'The library’s notice settings (days before and after a due date, From address, portal) and the policy version its patrons were last told of; no patron.',
  import_runs: 'The runs of imports from another library system (issue 21): the file’s SHA-256, the checkpoint and the report (counts, line numbers and reasons naming columns); no patron.',
  breaches: 'The breach register (RR-6): when, which categories of data, how many patrons were affected and how they were told; no patron.',
  kysely_migration: 'The schema migrations applied.',
  kysely_migration_lock: 'The lock that keeps two processes from migrating at once.',
  carrel_key_store_migration: 'The key store’s own schema migrations (PostgreSQL).',
  carrel_key_store_migration_lock: 'The lock on the key store’s migrations (PostgreSQL).',
  data_keys: 'The vault’s key store: each patron’s wrapped data key, destroyed when the patron is (crypto-shredding).',
  vault_keys: 'The vault’s key store: the wrapped master keys.',
  shredded_keys: 'The vault’s key store: which data keys were destroyed, and when.',
  destroyed_keys: 'The vault’s key store: destroyed keys, until their backups have expired.',
  key_store_clock: 'The vault’s key store: the last instant it saw, so its clock never goes back.',
};

/** The tables the record categories are stored in (a table may hold several categories). */
export function inventoryTables(): Set<string> {
  return new Set(INVENTORY.flatMap((c) => c.storage.tables.map((t) => t.split(' ')[0] as string)));
}
