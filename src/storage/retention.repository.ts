/**
 * The retention engine's SQL: candidate records in bounded, key-ordered pages, the statements that
 * dispose of a page, aggregate statistics, and run receipts. Every page is read and disposed of in one
 * short transaction by the caller; nothing here opens a transaction or decides what to keep.
 */
import { sql, type Kysely } from 'kysely';
import type { EndedRecords } from '../domain/records.js';
import { engineOf, type Db } from './database.js';
import type { RetentionRunsTable } from './schema.js';

/** Where the previous page ended: the next page starts strictly after it. */
export interface Cursor {
  at: string;
  id: string;
}

/**
 * Rows strictly after the cursor in (column, id) order, as one row-value comparison. Both engines read it
 * as one range of an index that ends with (column, id) (migration 0029), starting at the cursor and in
 * the page's order. The equivalent `column > at OR (column = at AND id > id)` made SQLite, once the
 * database had statistics, read the two branches through two indexes and sort what was left of the
 * range on every page (a page cost the rest of the table, not its own rows).
 */
function after<Q extends { where: (...args: any[]) => Q }>(query: Q, column: string, id: string, cursor: Cursor | null): Q {
  if (cursor === null) return query;
  return query.where((eb: any) => eb(eb.refTuple(column, id), '>', eb.tuple(cursor.at, cursor.id)));
}

/** SQLite: a list of values as one JSON parameter, so a page runs the same statement text whatever its length. */
function jsonList(values: readonly (string | number)[]) {
  return sql<string>`(SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

// ── Loans ────────────────────────────────────────────────────────────────────────────────────────

export interface ClosedLoanRow {
  id: string;
  /**
   * SQLite: the loan's rowid (in every index entry), so the page's delete goes straight to each row
   * instead of through the primary key. Undefined on PostgreSQL (loans are deleted by id there).
   */
  rowid?: number;
  /** The borrower (legal holds are by patron). */
  patronId: string;
  status: string;
  endedAt: string;
  checkedOutAt: string;
  /** Whether a fine on the loan is still open (it keeps the loan, IF-3). */
  openFine: boolean;
  /** Whether a settled fine points at the loan (it loses the loan and the item when the loan goes). */
  settledFine: boolean;
}

export interface ClosedLoansOptions {
  libraryId: string;
  status: 'returned' | 'lost';
  cutoff: string;
  cursor: Cursor | null;
  limit: number;
  patronId?: string;
}

/**
 * The page query of `closedLoans`, unexecuted (its plan is tested: one range of `loans_closed_cursor`, no
 * sort). It reads the loans alone: the borrower is read only when the checker needs them
 * (`borrowerFacts`). The fines are one probe of `fines_loan`: null when the loan has none, 1 when all of
 * them are settled, 2 when one is open. (An index carrying the borrower and the check-out instant, so the
 * page would not read the loans' rows, made no difference: the delete that follows reads them anyway.)
 */
export function closedLoansQuery(db: Db, options: ClosedLoansOptions) {
  let query = db
    .selectFrom('loans')
    .select(['loans.id as id', 'loans.patron_id as patron_id', 'loans.status as status', 'loans.ended_at as ended_at', 'loans.checked_out_at as checked_out_at'])
    .select((eb) =>
      eb
        .selectFrom('fines')
        .select(sql<number | null>`max(case when fines.status = 'open' then 2 else 1 end)`.as('f'))
        .whereRef('fines.loan_id', '=', 'loans.id')
        .as('fines'),
    )
    .$if(engineOf(db) === 'sqlite', (q) => q.select(sql<number>`loans.rowid`.as('rowid')))
    .where('loans.library_id', '=', options.libraryId)
    .where('loans.status', '=', options.status)
    .where('loans.ended_at', '<=', options.cutoff);
  if (options.patronId !== undefined) query = query.where('loans.patron_id', '=', options.patronId);
  query = after(query, 'loans.ended_at', 'loans.id', options.cursor);
  return query.orderBy('loans.ended_at').orderBy('loans.id').limit(options.limit);
}

/**
 * A page of complete loans (returned or lost) of one library that ended at or before `cutoff`, with
 * what the loan checker needs of the loan (statistics counted each loan at check-out: nothing is counted
 * here; what it needs of the borrower is `borrowerFacts`). `patronId` narrows to one patron (opt-out, purge).
 */
export async function closedLoans(db: Db, options: ClosedLoansOptions): Promise<ClosedLoanRow[]> {
  const rows = (await closedLoansQuery(db, options).execute()) as { id: string; patron_id: string; status: string; ended_at: string | null; checked_out_at: string; fines: number | null; rowid?: number }[];
  return rows.map((row) => ({
    id: row.id,
    ...(row.rowid !== undefined ? { rowid: Number(row.rowid) } : {}),
    patronId: row.patron_id,
    status: row.status,
    endedAt: row.ended_at as string,
    checkedOutAt: row.checked_out_at,
    openFine: Number(row.fines) === 2,
    settledFine: Number(row.fines) === 1,
  }));
}

/** What the loan checker needs of a borrower: their library (a consortium loan, RF-4) and their reading-history opt-in (JC-IIIc). */
export interface BorrowerFacts {
  libraryId: string;
  readingHistorySince: string | null;
}

/** The borrowers of a page of loans, by id (each once, however many of their loans the page holds). */
export async function borrowerFacts(db: Db, patronIds: readonly string[]): Promise<Map<string, BorrowerFacts>> {
  const ids = [...new Set(patronIds)];
  if (ids.length === 0) return new Map();
  const inList = engineOf(db) === 'postgres' ? sql<string>`any(${ids}::text[])` : jsonList(ids);
  const rows = await db
    .selectFrom('patrons')
    .select(['id', 'library_id', 'reading_history_since'])
    .where(sql.ref('id'), engineOf(db) === 'postgres' ? '=' : 'in', inList)
    .execute();
  return new Map(rows.map((row) => [row.id, { libraryId: row.library_id, readingHistorySince: row.reading_history_since }]));
}

export interface StatsRow {
  libraryId: string;
  day: string;
  branchId: string;
  itemType: string;
  patronCategory: string;
  ageBand: string;
  loans: number;
}

/** Adds counts to the aggregate circulation statistics (no patron, no item: CB-A6, RF-3, IF-4). */
export async function addCirculationStats(db: Db, rows: readonly StatsRow[]): Promise<void> {
  // A few hundred distinct cells at most per page; kept well under either engine's parameter limit.
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await db
      .insertInto('circulation_stats')
      .values(
        chunk.map((r) => ({
          library_id: r.libraryId,
          day: r.day,
          branch_id: r.branchId,
          item_type: r.itemType,
          patron_category: r.patronCategory,
          age_band: r.ageBand,
          loans: r.loans,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['library_id', 'day', 'branch_id', 'item_type', 'patron_category', 'age_band'])
          .doUpdateSet({ loans: sql<number>`circulation_stats.loans + excluded.loans` }),
      )
      .execute();
  }
}

/**
 * Breaks the patron–item link of complete loans: settled fines of those loans lose their loan and item
 * (the title goes with the link), then the loan rows go. The ids travel as one parameter (a PostgreSQL
 * array, a JSON array on SQLite), so every page runs the same statement text whatever its length.
 * PostgreSQL does both in one statement (the fines' update in a data-modifying WITH; the foreign key
 * is checked at the statement's end, when the fines have let go of their loans).
 */
export async function deleteLoans(db: Db, loans: readonly Pick<ClosedLoanRow, 'id' | 'rowid' | 'settledFine'>[]): Promise<number> {
  if (loans.length === 0) return 0;
  if (engineOf(db) === 'postgres') {
    const ids = loans.map((loan) => loan.id);
    // A settled fine's sealed note may name the item: it goes with the link. Only complete loans, and
    // only the rows this statement really deleted count: another transaction anonymising the same loans
    // at the same moment (read committed) deletes the others. Every loan's fines are unlinked, not only
    // those the page saw: a fine settled since the page was read (read committed) must let go too.
    const { rows } = await sql<{ id: string }>`
      WITH unlinked AS (
        UPDATE fines SET loan_id = NULL, item_id = NULL, note = NULL
        WHERE loan_id = ANY(${ids}::text[]) AND status <> 'open'
        RETURNING 1
      ), gone AS (
        DELETE FROM loans WHERE id = ANY(${ids}::text[]) AND status <> 'active' RETURNING id
      )
      SELECT id FROM gone`.execute(db);
    return rows.length;
  }
  // SQLite: the page was read in this write transaction (BEGIN IMMEDIATE), so the fines it saw are the
  // fines there are: only the loans with a settled fine have one to unlink, and each loan is deleted by
  // the rowid the page read.
  const settled = loans.filter((loan) => loan.settledFine).map((loan) => loan.id);
  if (settled.length > 0)
    await db
      .updateTable('fines')
      .set({ loan_id: null, item_id: null, note: null })
      .where(sql.ref('loan_id'), 'in', jsonList(settled))
      .where('status', '<>', 'open')
      .execute();
  const rowids = loans.map((loan) => {
    if (loan.rowid === undefined) throw new Error('deleteLoans on SQLite needs each loan’s rowid, as closedLoans reads it.');
    return loan.rowid;
  });
  const deleted = await sql`DELETE FROM loans WHERE rowid IN ${jsonList(rowids)} AND status <> 'active'`.execute(db);
  return Number(deleted.numAffectedRows ?? 0);
}

// ── Records disposed of a period after they end ───────────────────────────────────────────────────

/**
 * Where each kind of ended record lives: its table, the column that says which kind a record is (its
 * status, or its service kind), and when it began and ended. The retention policy's category table
 * (policy/retention.policy.ts `ENDED_RECORD_CATEGORIES`) names the rows and values; this names the SQL.
 */
const ENDED_RECORDS = {
  fines: { table: 'fines', kind: 'status', start: 'created_at', end: 'settled_at' },
  holds: { table: 'holds', kind: 'status', start: 'placed_at', end: 'ended_at' },
  'service-records': { table: 'service_records', kind: 'kind', start: 'starts_at', end: 'ends_at' },
  notices: { table: 'notices', kind: 'status', start: 'created_at', end: 'ended_at' },
} as const satisfies Record<EndedRecords, { table: string; kind: string; start: string; end: string }>;

/** A record that ended: a settled fine, an ended hold, a closed service record. */
export interface EndedRecord {
  id: string;
  kind: string;
  endedAt: string;
  /** The patron (null: an anonymous or guest-pass service record) and when the record began (legal holds). */
  patronId: string | null;
  startedAt: string;
}

export interface EndedRecordsOptions {
  libraryId: string;
  kind: string;
  cutoff: string;
  cursor: Cursor | null;
  limit: number;
}

/** The page query of `endedRecords`, unexecuted (its plan is tested: one index range, no sort). */
export function endedRecordsQuery(db: Db, records: EndedRecords, options: EndedRecordsOptions) {
  const { table, kind, start, end } = ENDED_RECORDS[records];
  // One query for three tables: the table and column names come from the constant above, never from input.
  let query = (db as unknown as Kysely<any>)
    .selectFrom(table)
    .select(['id', `${kind} as kind`, `${end} as ended_at`, 'patron_id', `${start} as started_at`])
    .where('library_id', '=', options.libraryId)
    .where(kind, '=', options.kind)
    .where(end, '<=', options.cutoff);
  query = after(query, end, 'id', options.cursor);
  return query.orderBy(end).orderBy('id').limit(options.limit);
}

/**
 * A page of one library's ended records of one sort and kind (a fine's or hold's status, a service
 * record's kind) that ended at or before `cutoff`, oldest first.
 */
export async function endedRecords(db: Db, records: EndedRecords, options: EndedRecordsOptions): Promise<EndedRecord[]> {
  const rows: { id: string; kind: string; ended_at: string; patron_id: string | null; started_at: string }[] = await endedRecordsQuery(db, records, options).execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, endedAt: r.ended_at, patronId: r.patron_id, startedAt: r.started_at }));
}

// ── Fines and payments ───────────────────────────────────────────────────────────────────────────

/** Deletes settled fines with their payment allocations, then payments nothing points at any more. */
export async function deleteFines(db: Db, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const payments = await db.selectFrom('payment_allocations').select('payment_id').distinct().where('fine_id', 'in', ids).execute();
  await db.deleteFrom('payment_allocations').where('fine_id', 'in', ids).execute();
  await db.deleteFrom('fines').where('id', 'in', ids).execute();
  const paymentIds = payments.map((p) => p.payment_id);
  if (paymentIds.length === 0) return 0;
  const orphaned = await db
    .selectFrom('payments')
    .select('id')
    .where('id', 'in', paymentIds)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('payment_allocations').select('fine_id').whereRef('payment_allocations.payment_id', '=', 'payments.id'))))
    .execute();
  if (orphaned.length > 0) await db.deleteFrom('payments').where('id', 'in', orphaned.map((p) => p.id)).execute();
  return orphaned.length;
}

// ── Holds ────────────────────────────────────────────────────────────────────────────────────────

export async function deleteHolds(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('holds').where('id', 'in', ids).execute();
}

// ── Service records ──────────────────────────────────────────────────────────────────────────────

/** Deletes service records; the ids this statement really deleted (only those count in statistics). */
export async function deleteServiceRecords(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const deleted = await db.deleteFrom('service_records').where('id', 'in', ids).returning('id').execute();
  return new Set(deleted.map((row) => row.id));
}

// ── Patrons ──────────────────────────────────────────────────────────────────────────────────────

export interface PatronCandidateRow {
  id: string;
  libraryId: string;
  status: string;
  lastActiveAt: string | null;
  createdAt: string;
  activeLoans: number;
  balanceCents: number;
  openHolds: number;
}

export interface PatronCandidatesOptions {
  libraryId: string;
  deceased: boolean;
  inactiveBefore: string;
  /** Where the previous page ended: its last patron's last activity (inactive patrons) and id. */
  after: Cursor | null;
  limit: number;
  patronId?: string;
}

/** The page query of `patronCandidates`, unexecuted (its plan is tested). */
export function patronCandidatesQuery(db: Db, options: PatronCandidatesOptions) {
  let query = db
    .selectFrom('patrons')
    .select(['patrons.id', 'patrons.library_id', 'patrons.status', 'patrons.last_active_at', 'patrons.created_at'])
    .select((eb) => [
      eb.selectFrom('loans').select(eb.fn.countAll<number>().as('n')).whereRef('loans.patron_id', '=', 'patrons.id').where('loans.status', '=', 'active').as('active_loans'),
      eb
        .selectFrom('fines')
        .select((f) => f.fn.coalesce(f.fn.sum<number>('fines.balance_cents'), f.lit(0)).as('owed'))
        .whereRef('fines.patron_id', '=', 'patrons.id')
        .where('fines.status', '=', 'open')
        .as('balance'),
      eb
        .selectFrom('holds')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('holds.patron_id', '=', 'patrons.id')
        .where('holds.status', 'in', ['pending', 'ready'])
        .as('open_holds'),
    ])
    .where('patrons.library_id', '=', options.libraryId);
  if (options.patronId !== undefined) query = query.where('patrons.id', '=', options.patronId);
  // Each walk is one index range in its own order (migration 0029): deceased patrons by id, inactive
  // ones by last activity then id. Ordered by id alone, every page (one patron) sorted every inactive
  // patron of the library.
  if (options.deceased) {
    query = query.where('patrons.status', '=', 'deceased');
    if (options.after !== null) query = query.where('patrons.id', '>', options.after.id);
    return query.orderBy('patrons.id').limit(options.limit);
  }
  query = query.where('patrons.status', '<>', 'deceased').where('patrons.last_active_at', '<=', options.inactiveBefore);
  query = after(query, 'patrons.last_active_at', 'patrons.id', options.after);
  return query.orderBy('patrons.last_active_at').orderBy('patrons.id').limit(options.limit);
}

/**
 * A page of patrons of one library to check for purging: inactive since `inactiveBefore`, or (with
 * `deceased`) recorded as deceased. Ordered by id; the page carries the facts the checker needs.
 */
export async function patronCandidates(db: Db, options: PatronCandidatesOptions): Promise<PatronCandidateRow[]> {
  const rows = await patronCandidatesQuery(db, options).execute();
  return rows.map((r) => ({
    id: r.id,
    libraryId: r.library_id,
    status: r.status,
    lastActiveAt: r.last_active_at,
    createdAt: r.created_at,
    activeLoans: Number(r.active_loans ?? 0),
    balanceCents: Number(r.balance ?? 0),
    openHolds: Number(r.open_holds ?? 0),
  }));
}

/**
 * Locks a patron's row for the rest of the transaction (PostgreSQL; SQLite's one writer already
 * serialises): a check-out, which updates the same row, waits for a purge or is seen by it.
 */
export async function lockPatron(db: Db, id: string): Promise<void> {
  if (engineOf(db) === 'postgres') await db.selectFrom('patrons').select('id').where('id', '=', id).forUpdate().execute();
}

/** The query of `patronsToReband`, unexecuted (its plan is tested: a range of patrons_age_band_until). */
export function patronsToRebandQuery(db: Db, libraryId: string, now: string) {
  return db.selectFrom('patrons').select(['id', 'age_band', 'age_band_until']).where('library_id', '=', libraryId).where('age_band_until', '<=', now);
}

/**
 * Patrons whose age band has ended by `now` (the statistics band moves on at a birthday). Read through
 * the (library_id, age_band_until) index (migration 0029): a run reads only the patrons whose band
 * changes, not every patron of the library.
 */
export async function patronsToReband(db: Db, libraryId: string, now: string): Promise<{ id: string; ageBand: string; ageBandUntil: string }[]> {
  const rows = await patronsToRebandQuery(db, libraryId, now).execute();
  return rows.map((r) => ({ id: r.id, ageBand: r.age_band, ageBandUntil: r.age_band_until as string }));
}

export async function setAgeBand(db: Db, id: string, band: { ageBand: string; ageBandUntil: string | null }): Promise<void> {
  await db.updateTable('patrons').set({ age_band: band.ageBand, age_band_until: band.ageBandUntil }).where('id', '=', id).execute();
}

/** Sets or clears a patron's reading-history opt-in (JC-IIIc). */
export async function setReadingHistorySince(db: Db, id: string, since: string | null, at: string): Promise<void> {
  await db.updateTable('patrons').set({ reading_history_since: since, updated_at: at }).where('id', '=', id).execute();
}

// ── Runs and receipts ────────────────────────────────────────────────────────────────────────────

export interface RetentionRun {
  id: string;
  libraryId: string;
  profileId: string;
  profileVersion: number;
  asOf: string;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
  status: 'running' | 'finished' | 'interrupted';
  /** The process holding the run (`host:pid:tag`); null for runs from before migration 0025. */
  owner?: string | null;
  /** When the owner last renewed its lease, by the wall clock; null once released (or before 0025). */
  renewedAt?: string | null;
}

function toRun(row: RetentionRunsTable): RetentionRun {
  return {
    id: row.id,
    libraryId: row.library_id,
    profileId: row.profile_id,
    profileVersion: row.profile_version,
    asOf: row.as_of,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
    finishedAt: row.finished_at,
    status: row.status as RetentionRun['status'],
    owner: row.owner ?? null,
    renewedAt: row.renewed_at === null || row.renewed_at === undefined ? null : new Date(row.renewed_at).toISOString(),
  };
}

/** The run of a library still marked running (a run in progress elsewhere, or one that was killed). */
export async function runningRun(db: Db, libraryId: string): Promise<RetentionRun | undefined> {
  const row = await db.selectFrom('retention_runs').selectAll().where('library_id', '=', libraryId).where('status', '=', 'running').executeTakeFirst();
  return row && toRun(row);
}

export async function insertRun(db: Db, run: RetentionRun): Promise<void> {
  await db
    .insertInto('retention_runs')
    .values({
      id: run.id,
      library_id: run.libraryId,
      profile_id: run.profileId,
      profile_version: run.profileVersion,
      as_of: run.asOf,
      started_at: run.startedAt,
      heartbeat_at: run.heartbeatAt,
      finished_at: run.finishedAt,
      status: run.status,
      services_counted_through: null,
      owner: run.owner ?? null,
      renewed_at: run.renewedAt ?? null,
    })
    .execute();
}

/** Ends a running run (finished, or interrupted by the run that takes over); false if it was not running. */
export async function setRunStatus(db: Db, id: string, status: RetentionRun['status'], at: string): Promise<boolean> {
  const result = await db
    .updateTable('retention_runs')
    .set({ status, heartbeat_at: at, ...(status === 'finished' ? { finished_at: at } : {}) })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Marks a run alive at the run's instant `at`, and renews its owner's lease at `renewedAt` (the wall
 * clock); false when it is no longer running (another run took it over).
 */
export async function heartbeat(db: Db, id: string, at: string, renewedAt?: string): Promise<boolean> {
  const result = await db
    .updateTable('retention_runs')
    .set({ heartbeat_at: at, ...(renewedAt !== undefined ? { renewed_at: renewedAt } : {}) })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives up a run's lease (its owner stopped between pages): the next run takes it over at once. */
export async function releaseRun(db: Db, id: string): Promise<void> {
  await db.updateTable('retention_runs').set({ renewed_at: null }).where('id', '=', id).where('status', '=', 'running').execute();
}

export interface ReceiptLine {
  category: string;
  rule: string;
  clause: string;
  disposal: string;
  disposed: number;
  kept: number;
  /** Of `kept`, the records a legal hold alone kept. */
  held: number;
  firstAt: string;
  lastAt: string;
}

/** Adds a page's counts to the run's receipt for a category, in the page's own transaction. */
export async function addToReceipt(db: Db, runId: string, line: ReceiptLine): Promise<void> {
  await db
    .insertInto('retention_receipts')
    .values({
      run_id: runId,
      category: line.category,
      rule: line.rule,
      clause: line.clause,
      disposal: line.disposal,
      disposed: line.disposed,
      kept: line.kept,
      held: line.held,
      first_at: line.firstAt,
      last_at: line.lastAt,
    })
    .onConflict((oc) =>
      oc.columns(['run_id', 'category']).doUpdateSet({
        disposed: sql<number>`retention_receipts.disposed + excluded.disposed`,
        kept: sql<number>`retention_receipts.kept + excluded.kept`,
        held: sql<number>`retention_receipts.held + excluded.held`,
        last_at: sql<string>`excluded.last_at`,
      }),
    )
    .execute();
}

export async function receiptsOfRun(db: Db, runId: string): Promise<ReceiptLine[]> {
  const rows = await db.selectFrom('retention_receipts').selectAll().where('run_id', '=', runId).orderBy('category').execute();
  return rows.map((r) => ({
    category: r.category,
    rule: r.rule,
    clause: r.clause,
    disposal: r.disposal,
    disposed: Number(r.disposed),
    kept: Number(r.kept),
    held: Number(r.held),
    firstAt: r.first_at,
    lastAt: r.last_at,
  }));
}

/**
 * The as-of instant of the library's last finished run that swept a category (annual sweeps, CB-F3). A
 * killed (interrupted) run may have swept only part of it, so only a finished run counts: the next run
 * sweeps again rather than putting the rest off for a year.
 */
export async function lastSweep(db: Db, libraryId: string, category: string): Promise<string | null> {
  const row = await db
    .selectFrom('retention_receipts')
    .innerJoin('retention_runs', 'retention_runs.id', 'retention_receipts.run_id')
    .select((eb) => eb.fn.max('retention_runs.as_of').as('last'))
    .where('retention_runs.library_id', '=', libraryId)
    .where('retention_runs.status', '=', 'finished')
    .where('retention_receipts.category', '=', category)
    .executeTakeFirst();
  return (row?.last as string | null | undefined) ?? null;
}

/** A library's latest runs, newest first. */
export async function latestRuns(db: Db, libraryId: string, limit: number): Promise<RetentionRun[]> {
  const rows = await db.selectFrom('retention_runs').selectAll().where('library_id', '=', libraryId).orderBy('started_at', 'desc').orderBy('id').limit(limit).execute();
  return rows.map(toRun);
}

/** Computer sessions of a library still open that started at or before `startedBefore` (nobody logged off). */
export async function staleComputerSessions(db: Db, libraryId: string, startedBefore: string): Promise<{ id: string; startsAt: string }[]> {
  const rows = await db
    .selectFrom('service_records')
    .select(['id', 'starts_at'])
    .where('library_id', '=', libraryId)
    .where('kind', '=', 'computer-session')
    .where('ends_at', 'is', null)
    .where('starts_at', '<=', startedBefore)
    .execute();
  return rows.map((r) => ({ id: r.id, startsAt: r.starts_at }));
}
