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
}

export interface BranchesTable {
  id: string;
  library_id: string;
  code: string;
  name: string;
}

export interface PatronCategoriesTable {
  library_id: string;
  code: string;
  name: string;
  max_loans: number | null;
}

export interface PatronsTable {
  id: string;
  library_id: string;
  /** Blind index of the card number (the number itself is sealed in `personal`). */
  card_hash: string;
  pin_hash: string;
  category_code: string;
  status: string;
  /** The personal fields and card number as one JSON document, sealed under the patron's data key. */
  personal: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
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
}

export interface LoanRulesTable {
  library_id: string;
  patron_category: string;
  item_type: string;
  loan_days: number;
  renewals: number;
  fine_per_day_cents: number;
  max_fine_cents: number;
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
}

export interface HoldsTable {
  id: string;
  library_id: string;
  patron_id: string;
  item_id: string;
  pickup_branch_id: string;
  status: string;
  placed_at: string;
  ready_at: string | null;
  pickup_by: string | null;
  ended_at: string | null;
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
}

export interface StaffSessionsTable {
  /** SHA-256 of the session token; the token itself is never stored. */
  token_hash: string;
  staff_id: string;
  created_at: string;
  expires_at: string;
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
}

export interface Schema {
  libraries: LibrariesTable;
  branches: BranchesTable;
  patron_categories: PatronCategoriesTable;
  patrons: PatronsTable;
  patron_search: PatronSearchTable;
  guardian_links: GuardianLinksTable;
  items: ItemsTable;
  loan_rules: LoanRulesTable;
  loans: LoansTable;
  holds: HoldsTable;
  fines: FinesTable;
  payments: PaymentsTable;
  payment_allocations: PaymentAllocationsTable;
  staff_accounts: StaffAccountsTable;
  staff_sessions: StaffSessionsTable;
  access_log: AccessLogTable;
}
