import type { LoanEntry } from '../domain/patron-document.js';
import type { Loan, LoanStatus } from '../domain/types.js';
import { sql } from 'kysely';
import { sqlTrue, type Db } from './database.js';
import { prepared, preparedInsert } from './prepared.js';
import type { LoansTable } from './schema.js';

function toLoan(row: LoansTable): Loan {
  return {
    id: row.id,
    libraryId: row.library_id,
    patronId: row.patron_id,
    itemId: row.item_id,
    branchId: row.branch_id,
    checkedOutAt: row.checked_out_at,
    dueAt: row.due_at,
    renewals: row.renewals,
    status: row.status as LoanStatus,
    endedAt: row.ended_at,
  };
}

const insertLoanRow = preparedInsert<LoansTable & Record<string, unknown>>('loans', [
  'id',
  'library_id',
  'patron_id',
  'item_id',
  'branch_id',
  'checked_out_at',
  'due_at',
  'renewals',
  'status',
  'ended_at',
]);

export async function insertLoan(db: Db, loan: Loan): Promise<void> {
  await insertLoanRow(db, {
      id: loan.id,
      library_id: loan.libraryId,
      patron_id: loan.patronId,
      item_id: loan.itemId,
      branch_id: loan.branchId,
      checked_out_at: loan.checkedOutAt,
      due_at: loan.dueAt,
      renewals: loan.renewals,
      status: loan.status,
      ended_at: loan.endedAt,
  });
}

// 'active' is written into the SQL (not bound) so both engines can use the partial unique index on it.
const activeLoanForItem = prepared((db: Db, itemId: string) => db.selectFrom('loans').selectAll().where('item_id', '=', itemId).where('status', '=', sql.lit('active')));

export async function findActiveLoanForItem(db: Db, itemId: string): Promise<Loan | undefined> {
  const [row] = (await activeLoanForItem(db, itemId)).rows;
  return row && toLoan(row);
}

const activeLoanCount = prepared((db: Db, patronId: string) =>
  db
    .selectFrom('loans')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patron_id', '=', patronId)
    .where('status', '=', 'active'),
);

export async function countActiveLoans(db: Db, patronId: string): Promise<number> {
  return Number((await activeLoanCount(db, patronId)).rows[0]?.n ?? 0);
}

const loanEnd = prepared((db: Db, id: string, status: string, at: string) => db.updateTable('loans').set({ status, ended_at: at }).where('id', '=', id));

export async function endLoan(db: Db, id: string, status: Exclude<LoanStatus, 'active'>, at: string): Promise<void> {
  await loanEnd(db, id, status, at);
}

/** Keeps the sealed reason a block was overridden to lend this loan (migration 0011). */
export async function setOverrideNote(db: Db, id: string, sealedNote: string): Promise<void> {
  await db.updateTable('loans').set({ override_note: sealedNote }).where('id', '=', id).execute();
}

const overdueLoanCount = prepared((db: Db, patronId: string, at: string) =>
  db
    .selectFrom('loans')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patron_id', '=', patronId)
    .where('status', '=', 'active')
    .where('due_at', '<', at),
);

/**
 * What a check-out's blocks count of a patron, in one statement: items out past their due date at `at`,
 * active loans (the loan limit) and the open balance. Run after the patron's row lock (PostgreSQL), so a
 * loan or fine that committed while this waited is counted.
 */
const standingOfPatron = prepared((db: Db, patronId: string, at: string) =>
  db.selectNoFrom((eb) => [
    eb
      .selectFrom('loans')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('patron_id', '=', patronId)
      .where('status', '=', 'active')
      .where('due_at', '<', at)
      .as('overdue'),
    eb
      .selectFrom('loans')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('patron_id', '=', patronId)
      .where('status', '=', 'active')
      .as('active'),
    eb
      .selectFrom('fines')
      .select(sql<number>`coalesce(sum(balance_cents), 0)`.as('owed'))
      .where('patron_id', '=', patronId)
      .where('status', '=', 'open')
      .as('owed'),
  ]),
);

export interface PatronStanding {
  overdueItems: number;
  activeLoans: number;
  owedCents: number;
}

export async function standingOf(db: Db, patronId: string, at: string): Promise<PatronStanding> {
  const [row] = (await standingOfPatron(db, patronId, at)).rows;
  return { overdueItems: Number(row?.overdue ?? 0), activeLoans: Number(row?.active ?? 0), owedCents: Number(row?.owed ?? 0) };
}

/**
 * Ends the item's active loan, if it has one, and answers it with its borrower's library and category
 * (the chain its access-log entry goes on; the cell of the matrix its fine is under), in one statement.
 */
const endActiveLoan = prepared((db: Db, itemId: string, status: string, at: string) =>
  db
    .updateTable('loans')
    .set({ status, ended_at: at })
    .where('item_id', '=', itemId)
    .where('status', '=', sql.lit('active'))
    .returningAll()
    .returning((eb) => [
      eb.selectFrom('patrons').select('patrons.library_id').whereRef('patrons.id', '=', 'loans.patron_id').as('borrower_library_id'),
      eb.selectFrom('patrons').select('patrons.category_code').whereRef('patrons.id', '=', 'loans.patron_id').as('borrower_category_code'),
      // Whether any pending hold names the item or its record (a superset of its queue). Asked here, in a
      // statement that runs once the item is locked, so a hold placed by a transaction the check-in
      // waited for is seen (a subquery of the locking read itself would answer from before the wait on
      // PostgreSQL). Two EXISTS, one per index: an OR inside one could be planned as a pass over every
      // pending hold.
      eb
        .or([
          eb.exists(eb.selectFrom('holds').select('holds.id').whereRef('holds.item_id', '=', 'loans.item_id').where('holds.status', '=', 'pending')),
          eb.exists(
            eb
              .selectFrom('items')
              .innerJoin('holds', 'holds.record_id', 'items.record_id')
              .select('holds.id')
              .whereRef('items.id', '=', 'loans.item_id')
              .where('holds.status', '=', 'pending'),
          ),
        ])
        .as('hold_waits'),
    ]),
);

export async function endActiveLoanOfItem(
  db: Db,
  itemId: string,
  status: Exclude<LoanStatus, 'active'>,
  at: string,
): Promise<{ loan: Loan; borrower: { id: string; libraryId: string; categoryCode: string }; holdWaits: boolean } | undefined> {
  const [row] = (await endActiveLoan(db, itemId, status, at)).rows;
  if (!row) return undefined;
  if (row.borrower_library_id === null || row.borrower_category_code === null) throw new Error('A loan points at a patron that does not exist.');
  return {
    loan: toLoan(row),
    borrower: { id: row.patron_id, libraryId: row.borrower_library_id, categoryCode: row.borrower_category_code },
    holdWaits: sqlTrue(row.hold_waits),
  };
}

/** The sealed override reasons kept with a patron's loans (for their export). */
export async function overrideNotesOfPatron(db: Db, patronId: string): Promise<{ loanId: string; sealed: string }[]> {
  const rows = await db.selectFrom('loans').select(['id', 'override_note']).where('patron_id', '=', patronId).where('override_note', 'is not', null).execute();
  return rows.map((r) => ({ loanId: r.id, sealed: r.override_note as string }));
}

/** A patron's items still out past their due date at `at` (an ISO instant). */
export async function countOverdueLoans(db: Db, patronId: string, at: string): Promise<number> {
  return Number((await overdueLoanCount(db, patronId, at)).rows[0]?.n ?? 0);
}

export async function renewLoan(db: Db, id: string, dueAt: string, renewals: number): Promise<void> {
  await db.updateTable('loans').set({ due_at: dueAt, renewals }).where('id', '=', id).execute();
}

/** A patron's loans with the item's barcode and title, newest first. */
export async function loansOfPatron(db: Db, patronId: string, status?: LoanStatus): Promise<LoanEntry[]> {
  let query = db
    .selectFrom('loans')
    .innerJoin('items', 'items.id', 'loans.item_id')
    .selectAll('loans')
    .select(['items.barcode', 'items.title'])
    .where('loans.patron_id', '=', patronId);
  if (status) query = query.where('loans.status', '=', status);
  const rows = await query.orderBy('loans.checked_out_at', 'desc').execute();
  return rows.map((row) => ({ ...toLoan(row), itemBarcode: row.barcode, title: row.title }));
}

export async function countLoans(db: Db, libraryId: string, status: LoanStatus): Promise<number> {
  const row = await db
    .selectFrom('loans')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('library_id', '=', libraryId)
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A page of a library's active loans past their due date at `now`, by id after `afterId`: what the
 * fines accrual and the long-overdue job walk.
 */
export async function overdueActiveLoans(db: Db, libraryId: string, now: string, afterId: string | null, limit: number): Promise<Loan[]> {
  let query = db.selectFrom('loans').selectAll().where('library_id', '=', libraryId).where('status', '=', 'active').where('due_at', '<', now);
  if (afterId !== null) query = query.where('id', '>', afterId);
  const rows = await query.orderBy('id').limit(limit).execute();
  return rows.map(toLoan);
}
