/**
 * Table shapes as Kysely sees them. Instants are ISO-8601 UTC strings on both engines (timestamptz on
 * PostgreSQL, parsed back to ISO strings by the driver setup in database.ts; TEXT on SQLite).
 */
import type { Generated } from 'kysely';

export interface LibrariesTable {
  id: string;
  name: string;
  profile_id: string;
  time_zone: string;
  hold_pickup_days: number;
  max_balance_cents: number;
  default_lost_charge_cents: number;
  card_validity_months: number;
  created_at: string;
  processing_fee_cents: number;
  max_overdue_items: number | null;
  long_overdue_days: number | null;
  default_language: string;
  /** JSON array of language codes. */
  offered_languages: string;
  /** JSON array of payment methods ('cash' | 'check' | 'card'). */
  payment_methods: string;
  slip_header: string | null;
  slip_footer: string | null;
  /** 1: a due-date slip prints titles; 0: barcodes only. */
  slip_titles: number;
  /** Days an imported PIN hash in an old scheme is kept for its first log-in (migration 0022). */
  legacy_pin_days: number;
  /** Refused identifications by photo ID allowed per patron and per staff account in the window (migration 0027). */
  identify_patron_failures: number;
  identify_staff_failures: number;
  identify_window_minutes: number;
  /**
   * A random token the database replaces whenever the library's configuration changes (its row, branches,
   * patron categories, circulation rules, closed days; triggers of migration 0032).
   */
  config_version: string;
}

export interface BranchesTable {
  id: string;
  library_id: string;
  code: string;
  name: string;
  address: string | null;
  /** JSON opening hours (domain OpeningHours); '{}' when not given. */
  opening_hours: string;
}

export interface ClosedDaysTable {
  id: string;
  library_id: string;
  branch_id: string | null;
  starts_on: string;
  ends_on: string;
  reason: string;
  created_at: string;
}

export interface PatronCategoriesTable {
  library_id: string;
  code: string;
  name: string;
  max_loans: number | null;
  min_age: number | null;
  max_age: number | null;
  card_validity_months: number | null;
}

export interface ItemTypesTable {
  library_id: string;
  code: string;
  name: string;
}

/** The scheduler's claim on one run of a job for one period (migration 0010). */
export interface JobRunsTable {
  job: string;
  period: string;
  status: string;
  runner: string;
  started_at: string;
  finished_at: string | null;
  outcome: string | null;
}

export interface PatronsTable {
  id: string;
  library_id: string;
  /** Blind index of the card number (the number itself is sealed in `personal`). */
  card_hash: string;
  pin_hash: string;
  category_code: string;
  home_branch_id: string | null;
  status: string;
  /** The personal fields and card number as one JSON document, sealed under the patron's data key. */
  personal: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
  /** When the patron opted in to keeping reading history (JC-IIIc); null when not opted in. */
  reading_history_since: string | null;
  /** The last check-out or remote access (CB-F3 inactivity). */
  last_active_at: string | null;
  /** A coarse age band for statistics, and the instant it next changes (null: never, or unknown). */
  age_band: string;
  age_band_until: string | null;
  /** How the patron wants hold and overdue notices (JC-VI): 'email', 'text' or 'none'. */
  notice_channel: string;
  /** When the patron consented to the library's internal mailing lists (RR-3, RF-8); null: no consent. */
  mailing_consent_since: string | null;
  /** When the patron consented to being photographed or recorded at programs (RR-9); null: no consent. */
  photo_consent_since: string | null;
  /** The language the patron reads notices in (migration 0017); null: the library's. */
  notice_language: string | null;
  /** When the patron unsubscribed from mailings (policy changes, RR-10; RR-3, RF-8); null: subscribed. */
  mailings_off_since: string | null;
  /** How `pin_hash` was made (migration 0022): 'argon2id', an imported scheme until the first log-in, or 'none'. */
  pin_scheme: string;
  /** What the desk must settle with the patron (migration 0022): 'guardian-needed'; null: nothing. */
  desk_flag: string | null;
  /** The standing before the card was reported lost (migration 0023), given back with a new card; null: no card lost. */
  status_before_loss?: string | null;
}

/** One run of an import (migration 0022): its file's digest, checkpoint and report; no personal data. */
export interface ImportRunsTable {
  id: string;
  library_id: string;
  kind: string;
  format: string;
  file_sha256: string;
  status: string;
  checkpoint_line: number;
  report: string;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** Keyed hashes of a patron import's identities, kept only while the run lasts (migration 0022). */
export interface ImportKeysTable {
  run_id: string;
  key_hash: string;
  line: number;
}

export interface PatronSearchTable {
  patron_id: string;
  library_id: string;
  kind: string;
  token_hash: string;
}

export interface GuardianLinksTable {
  minor_patron_id: string;
  guardian_patron_id: string;
  library_id: string;
  started_at: string;
  ended_at: string | null;
}

export interface ItemsTable {
  id: string;
  library_id: string;
  branch_id: string;
  barcode: string;
  title: string;
  author: string | null;
  isbn: string | null;
  item_type: string;
  status: string;
  replacement_cost_cents: number | null;
  created_at: string;
  /** The bibliographic record (migration 0018); null for an item added without one. */
  record_id: string | null;
  call_number: string | null;
  /** 1 when marked damaged. */
  damaged: number;
}

export interface CirculationRulesTable {
  library_id: string;
  branch_code: string;
  patron_category: string;
  item_type: string;
  loan_days: number;
  renewals: number;
  fine_per_day_cents: number;
  max_fine_cents: number;
  holdable: number;
  hold_pickup_days: number | null;
}

export interface LoansTable {
  id: string;
  library_id: string;
  patron_id: string;
  item_id: string;
  branch_id: string;
  checked_out_at: string;
  due_at: string;
  renewals: number;
  status: string;
  ended_at: string | null;
  /** The reason a block was overridden to lend it, sealed under the patron's key (migration 0011); null when none was. */
  override_note?: string | null;
}

export interface HoldsTable {
  id: string;
  library_id: string;
  patron_id: string;
  /** The item (an item-level hold, or the copy trapped for a title-level one); null while a title-level hold waits. */
  item_id: string | null;
  pickup_branch_id: string;
  status: string;
  placed_at: string;
  ready_at: string | null;
  pickup_by: string | null;
  ended_at: string | null;
  /** The record of a title-level hold (migration 0018). */
  record_id: string | null;
  /** A local day (YYYY-MM-DD): the hold is skipped until this day. */
  suspended_until: string | null;
  /** A hold still waiting ends unfilled after this instant. */
  expires_at: string | null;
}

/** Bibliographic records (migration 0018). JSON arrays in authors, subjects, isbns. */
export interface BibRecordsTable {
  id: string;
  library_id: string;
  control_number: string | null;
  title: string;
  subtitle: string | null;
  authors: string;
  subjects: string;
  isbns: string;
  isbn: string | null;
  issn: string | null;
  publisher: string | null;
  year: number | null;
  format: string;
  language: string | null;
  summary: string | null;
  search_title: string;
  search_authors: string;
  search_subjects: string;
  search_other: string;
  sort_title: string;
  created_at: string;
  updated_at: string;
}

export interface FinesTable {
  id: string;
  library_id: string;
  patron_id: string;
  loan_id: string | null;
  item_id: string | null;
  kind: string;
  amount_cents: number;
  balance_cents: number;
  status: string;
  note: string | null;
  created_at: string;
  settled_at: string | null;
}

export interface PaymentsTable {
  id: string;
  library_id: string;
  patron_id: string;
  amount_cents: number;
  /** 'cash' | 'check' | 'card' */
  method: string;
  created_at: string;
}

export interface PaymentAllocationsTable {
  payment_id: string;
  fine_id: string;
  amount_cents: number;
}

export interface StaffAccountsTable {
  id: string;
  library_id: string | null;
  username: string;
  password_hash: string;
  roles: string;
  disabled: number;
  created_at: string;
  must_change_password: number;
}

/** The libraries of a staff account that works for several, all sharing patrons (0026). */
export interface StaffLibrariesTable {
  staff_id: string;
  library_id: string;
}

export interface Sip2AccountsTable {
  id: string;
  library_id: string;
  branch_id: string;
  name: string;
  login_id: string;
  password_hash: string;
  kind: string;
  settings: string;
  disabled: number;
  created_at: string;
}

/** An OpenID Connect client or an EZproxy instance of a library (0020); nothing about any patron. */
export interface VendorsTable {
  id: string;
  library_id: string;
  name: string;
  protocol: string;
  settings: string;
  secret_sealed: string;
  disabled: number;
  created_at: string;
}

/** A patron's use of a vendor (0020): first and last sign-in, and the claims they consented to. */
export interface VendorAuthorisationsTable {
  patron_id: string;
  vendor_id: string;
  first_at: string;
  last_at: string;
  consented_claims: string | null;
  declined_claims: string | null;
  consented_at: string | null;
}

/** Sign-ins per vendor per month (0020): a count, no patron. */
export interface VendorSignInCountsTable {
  library_id: string;
  vendor_id: string;
  month: string;
  count: number;
}

/** The OpenID provider's artefacts (0020), each until it expires. */
export interface OidcStoreTable {
  model: string;
  id: string;
  payload: string;
  account_id: string | null;
  grant_id: string | null;
  uid: string | null;
  expires_at: string;
  consumed_at: string | null;
}

/** The OpenID provider's signing keys (0020), sealed under the vault's `oidc` key. */
export interface OidcSigningKeysTable {
  kid: string;
  sealed: string;
  created_at: string;
  retired_at: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the session token; the token itself is never stored. */
  token_hash: string;
  /** 'staff' or 'patron'. */
  kind: string;
  subject_id: string;
  created_at: string;
  /** The last request; a session idle for `idle_minutes` is over. */
  last_seen_at: string;
  idle_minutes: number;
  /** The absolute end, whatever the activity. */
  expires_at: string;
}

/** A refused identification by photo ID (migration 0027), under a keyed hash of the patron or staff account it counts against. */
export interface IdentifyFailuresTable {
  id: string;
  subject_hash: string;
  at: string;
}

/** A handle standing in for the card of a patron identified by photo ID, for one staff account, until it expires (migration 0027). */
export interface DeskIdentificationsTable {
  handle_hash: string;
  patron_id: string;
  staff_id: string;
  expires_at: string;
}

export interface LoginFailuresTable {
  id: string;
  /** The blind index of the card number tried (known card or not). */
  card_hash: string;
  at: string;
}

export interface DeletionReceiptsTable {
  id: string;
  library_id: string;
  /** 'patron', 'staff' or 'retention'. */
  requested_by: string;
  deleted_at: string;
  key_destroyed_after: string;
}

export interface AccessLogHeadsTable {
  chain: string;
  last_seq: number;
  last_hash: string;
  base_seq: number;
  base_hash: string;
  base_mac: string;
  /** Lane 0's head only: how many lanes the library's log has, and their MAC (0028; null on heads not yet attested). */
  lanes: Generated<number>;
  lanes_mac: string | null;
}

/** Where `verify-log` last found a chain intact (0028): a position, its hash, when, under a MAC. */
export interface AccessLogCheckpointsTable {
  chain: string;
  seq: number;
  hash: string;
  verified_at: string;
  mac: string;
}

export interface AccessLogTable {
  seq: Generated<number>;
  at: string;
  library_id: string | null;
  actor_kind: string;
  actor_id: string;
  patron_id: string | null;
  action: string;
  categories: string;
  purpose: string;
  channel: string;
  /** The role the actor acted in (a staff role, 'patron', 'guardian', 'system'). */
  actor_role: string | null;
  /** The library the actor belongs to (null: the system or consortium-wide staff). */
  actor_library_id: string | null;
  /** The hash chain the entry belongs to (its library's id, or '-'), its place in it, and its MAC. */
  chain: string | null;
  chain_seq: number | null;
  hash: string | null;
}

export interface CirculationStatsTable {
  library_id: string;
  /** The check-out's calendar day in the library's time zone. */
  day: string;
  branch_id: string;
  item_type: string;
  patron_category: string;
  age_band: string;
  loans: number;
}

// ── Statistics (migration 0006): aggregates only, no patron, no record id ─────────────────────
export interface RegistrationStatsTable {
  library_id: string;
  /** The registration's calendar day in the library's time zone. */
  day: string;
  /** `-`: no branch recorded. */
  branch_id: string;
  patron_category: string;
  age_band: string;
  registrations: number;
}

export interface ServiceStatsTable {
  library_id: string;
  /** The day the service started, in the library's time zone. */
  day: string;
  /** `-`: no branch recorded. */
  branch_id: string;
  kind: string;
  /** `guest` for a guest pass, `unknown` for a record of no one. */
  patron_category: string;
  age_band: string;
  records: number;
  /** Computer sessions: the sum of their durations in minutes. */
  minutes: number;
}
// ── end of statistics (0006) ──

export interface RetentionRunsTable {
  id: string;
  library_id: string;
  profile_id: string;
  profile_version: number;
  as_of: string;
  started_at: string;
  heartbeat_at: string;
  finished_at: string | null;
  status: string;
  /** 0008: every service of the library that ended by this instant has been counted in the statistics. */
  services_counted_through: string | null;
  /** 0025: the process holding the run (`host:pid:tag`); null for runs from before 0025. */
  owner?: string | null;
  /** 0025: when the owner last renewed its lease, by the wall clock; null once released (or before 0025). */
  renewed_at?: string | null;
}

export interface RetentionReceiptsTable {
  run_id: string;
  category: string;
  rule: string;
  clause: string;
  disposal: string;
  disposed: number;
  kept: number;
  first_at: string;
  last_at: string;
  /** Records past their period kept only because a legal hold covers them (migration 0005). */
  held: Generated<number>;
}

export interface ServiceRecordsTable {
  id: string;
  library_id: string;
  branch_id: string | null;
  kind: string;
  patron_id: string | null;
  guest_pass: string | null;
  /** What was used or asked for when it is not personal: a station, a program code, a room. */
  resource: string | null;
  /** Free text, sealed under the patron's data key (a request's title, a reference question). */
  details: string | null;
  status: string;
  starts_at: string;
  ends_at: string | null;
  created_at: string;
  /** 0008: when statistics took the record into account (counted it, or passed over a cancelled one); null: not yet. */
  counted_at: string | null;
}

export interface RecordSeriesTable {
  id: string;
  library_id: string;
  code: string;
  name: string;
  medium: string;
  location: string | null;
  retention_days: number;
  clause: string | null;
  from_profile: number;
  created_at: string;
}

export interface RecordSeriesDisposalsTable {
  id: string;
  series_id: string;
  disposed_through: string;
  method: string;
  confirmed_by: string;
  confirmed_at: string;
}

// ── Legal holds and complaints (migration 0005) ──────────────────────────────────────────────────

export interface LegalHoldsTable {
  id: string;
  library_id: string;
  /** The legal request of the register that is the hold's reason, if any. */
  request_id: string | null;
  placed_at: string;
  placed_by: string;
  /** Why, in words with no patron data. */
  reason: string;
  /** A JSON array of record categories (policy/inventory.ts). */
  scope_categories: string;
  scope_from: string | null;
  scope_to: string | null;
  released_at: string | null;
  released_by: string | null;
}

export interface LegalHoldPatronsTable {
  hold_id: string;
  patron_id: string;
}

export interface ComplaintsTable {
  id: string;
  library_id: string;
  patron_id: string | null;
  received_at: string;
  received_by: string;
  channel: string;
  topic: string;
  /** Sealed under the patron's data key (purpose `complaint`); null for an anonymous complaint. */
  summary: string | null;
  due_at: string;
  answered_at: string | null;
  answered_by: string | null;
  answer_summary: string | null;
}

// Lawful disclosure (migration 0004): the legal-request register and patrons' notices.
export interface LegalRequestsTable {
  id: string;
  library_id: string;
  received_at: string;
  /** The staff account that recorded it, or 'system'. */
  received_by: string;
  agency: string;
  officer_name: string;
  officer_id: string;
  instrument: string;
  case_number: string | null;
  /** JSON array of record categories (policy/inventory.ts). */
  scope_categories: string;
  scope_from: string | null;
  scope_to: string | null;
  status: string;
  referred_at: string | null;
  referred_by: string | null;
  /** 0/1, null until counsel answers. */
  review_proper_form: number | null;
  review_good_cause: number | null;
  review_notes: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  decision: string | null;
  decision_reason: string | null;
  decision_notes: string | null;
  decided_by: string | null;
  decided_at: string | null;
  gag_until: string | null;
  released_at: string | null;
  released_by: string | null;
  /** JSON manifest of a release: record ids, categories, the export's SHA-256. */
  manifest: string | null;
  created_at: string;
  // The agency's withdrawal (migration 0009); null until withdrawn, and on rows withdrawn before 0009.
  withdrawn_at: string | null;
  withdrawn_by: string | null;
  withdrawal_notes: string | null;
}

export interface LegalRequestPatronsTable {
  request_id: string;
  patron_id: string;
}

export interface PatronNoticesTable {
  id: string;
  patron_id: string;
  library_id: string;
  kind: string;
  request_id: string | null;
  visible_from: string;
  created_at: string;
}

export interface Schema {
  libraries: LibrariesTable;
  branches: BranchesTable;
  patron_categories: PatronCategoriesTable;
  patrons: PatronsTable;
  patron_search: PatronSearchTable;
  guardian_links: GuardianLinksTable;
  items: ItemsTable;
  bib_records: BibRecordsTable; // 0018
  circulation_rules: CirculationRulesTable;
  closed_days: ClosedDaysTable;
  item_types: ItemTypesTable;
  job_runs: JobRunsTable;
  loans: LoansTable;
  holds: HoldsTable;
  fines: FinesTable;
  payments: PaymentsTable;
  payment_allocations: PaymentAllocationsTable;
  staff_accounts: StaffAccountsTable;
  staff_libraries: StaffLibrariesTable; // 0026
  sip2_accounts: Sip2AccountsTable; // 0016
  vendors: VendorsTable; // 0020
  vendor_authorisations: VendorAuthorisationsTable; // 0020
  vendor_sign_in_counts: VendorSignInCountsTable; // 0020
  oidc_store: OidcStoreTable; // 0020
  oidc_signing_keys: OidcSigningKeysTable; // 0020
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  identify_failures: IdentifyFailuresTable;
  desk_identifications: DeskIdentificationsTable;
  deletion_receipts: DeletionReceiptsTable;
  access_log_heads: AccessLogHeadsTable;
  access_log_checkpoints: AccessLogCheckpointsTable; // 0028
  access_log: AccessLogTable;
  circulation_stats: CirculationStatsTable;
  registration_stats: RegistrationStatsTable; // 0006
  service_stats: ServiceStatsTable; // 0006
  retention_runs: RetentionRunsTable;
  retention_receipts: RetentionReceiptsTable;
  service_records: ServiceRecordsTable;
  record_series: RecordSeriesTable;
  record_series_disposals: RecordSeriesDisposalsTable;
  legal_requests: LegalRequestsTable;
  legal_request_patrons: LegalRequestPatronsTable;
  patron_notices: PatronNoticesTable;
  legal_holds: LegalHoldsTable;
  legal_hold_patrons: LegalHoldPatronsTable;
  complaints: ComplaintsTable;
  // Policy version history (migration 0007).
  profile_versions: ProfileVersionsTable;
  // Staff lists (migration 0015).
  item_tasks: ItemTasksTable;
  // Notices (migration 0017).
  notices: NoticesTable;
  notice_templates: NoticeTemplatesTable;
  notice_settings: NoticeSettingsTable;
  breaches: BreachesTable;
  import_runs: ImportRunsTable;
  import_keys: ImportKeysTable;
}

// ── Notices (migration 0017) ─────────────────────────────────────────────────────────────────────

export interface NoticesTable {
  id: string;
  library_id: string;
  patron_id: string;
  recipient: string;
  kind: string;
  channel: string;
  language: string;
  status: string;
  idempotency_key: string;
  payload: string | null;
  breach_id: string | null;
  attempts: number;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  error_code: string | null;
  created_at: string;
  sent_at: string | null;
  ended_at: string | null;
}

export interface NoticeTemplatesTable {
  library_id: string;
  kind: string;
  language: string;
  subject: string;
  body: string;
  updated_at: string;
}

export interface NoticeSettingsTable {
  library_id: string;
  settings: string;
  announced_policy: string | null;
  updated_at: string;
}

export interface BreachesTable {
  id: string;
  library_id: string;
  occurred_on: string;
  discovered_on: string;
  categories: string;
  scope: string;
  description: string;
  actions: string;
  recorded_by: string;
  recorded_at: string;
  patrons_affected: number;
  notices_queued: number;
  letters: number;
}

/** Physical work an item waits for (migration 0015): pull, transit or reshelve; deleted when done. */
export interface ItemTasksTable {
  item_id: string;
  library_id: string;
  kind: string;
  branch_id: string;
  to_branch_id: string | null;
  shelf_code: string | null;
  since: string;
}

// ── Policy version history (migration 0007) ──────────────────────────────────────────────────────

export interface ProfileVersionsTable {
  profile_id: string;
  version: number;
  /** SHA-256 (hex) of `rules`. */
  content_hash: string;
  /** YYYY-MM-DD, as the profile writes it. */
  effective: string;
  /** The validated profile minus its file path, as canonical JSON. */
  rules: string;
  first_seen_at: string;
}
