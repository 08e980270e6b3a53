import type { FineEntry } from '../domain/patron-document.js';
import type { Fine, FineKind, FineStatus, Payment, PaymentMethod } from '../domain/types.js';
import { engineOf, type Db } from './database.js';
import { prepared } from './prepared.js';
import type { FinesTable, PaymentsTable } from './schema.js';

function toFine(row: FinesTable): Fine {
  return {
    id: row.id,
    libraryId: row.library_id,
    patronId: row.patron_id,
    loanId: row.loan_id,
    itemId: row.item_id,
    kind: row.kind as FineKind,
    amountCents: row.amount_cents,
    balanceCents: row.balance_cents,
    status: row.status as FineStatus,
    note: row.note,
    createdAt: row.created_at,
    settledAt: row.settled_at,
  };
}

export async function insertFine(db: Db, fine: Fine): Promise<void> {
  await db
    .insertInto('fines')
    .values({
      id: fine.id,
      library_id: fine.libraryId,
      patron_id: fine.patronId,
      loan_id: fine.loanId,
      item_id: fine.itemId,
      kind: fine.kind,
      amount_cents: fine.amountCents,
      balance_cents: fine.balanceCents,
      status: fine.status,
      note: fine.note,
      created_at: fine.createdAt,
      settled_at: fine.settledAt,
    })
    .execute();
}

/**
 * A fine by id. `lock`: held until the transaction ends (PostgreSQL `FOR UPDATE`), so a waiver waits for
 * a payment settling the same fine at that moment and then reads what the payment left.
 */
export async function findFine(db: Db, id: string, options: { lock?: boolean } = {}): Promise<Fine | undefined> {
  const query = db.selectFrom('fines').selectAll().where('id', '=', id);
  const row = await (options.lock && engineOf(db) === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
  return row && toFine(row);
}

/**
 * Open fines of a patron, oldest first: the order payments settle them in. `lock`: held until the
 * transaction ends (PostgreSQL `FOR UPDATE`; SQLite has one writer at a time), so a payment taken at
 * another desk at the same moment waits and then sees what this one settled.
 */
export async function openFines(db: Db, patronId: string, options: { lock?: boolean } = {}): Promise<Fine[]> {
  const query = db.selectFrom('fines').selectAll().where('patron_id', '=', patronId).where('status', '=', 'open').orderBy('created_at').orderBy('id');
  const rows = await (options.lock && engineOf(db) === 'postgres' ? query.forUpdate() : query).execute();
  return rows.map(toFine);
}

/** Open fines for one item and kind (a lost-item charge to cancel when the item comes back). */
export async function openFinesForItem(db: Db, itemId: string, kind: FineKind): Promise<Fine[]> {
  const rows = await db.selectFrom('fines').selectAll().where('item_id', '=', itemId).where('kind', '=', kind).where('status', '=', 'open').execute();
  return rows.map(toFine);
}

/** What a patron owes now, in cents. */
const openBalance = prepared((db: Db, patronId: string) =>
  db
    .selectFrom('fines')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('balance_cents'), eb.lit(0)).as('owed'))
    .where('patron_id', '=', patronId)
    .where('status', '=', 'open'),
);

export async function balanceOf(db: Db, patronId: string): Promise<number> {
  return Number((await openBalance(db, patronId)).rows[0]?.owed ?? 0);
}

export async function settleFine(db: Db, id: string, balanceCents: number, status: FineStatus, at: string | null, note?: string): Promise<void> {
  await db
    .updateTable('fines')
    .set({ balance_cents: balanceCents, status, settled_at: at, ...(note === undefined ? {} : { note }) })
    .where('id', '=', id)
    .execute();
}

export async function finesOfPatron(db: Db, patronId: string): Promise<FineEntry[]> {
  const rows = await db
    .selectFrom('fines')
    .leftJoin('items', 'items.id', 'fines.item_id')
    .selectAll('fines')
    .select(['items.barcode', 'items.title'])
    .where('fines.patron_id', '=', patronId)
    .orderBy('fines.created_at', 'desc')
    .execute();
  return rows.map((row) => ({ ...toFine(row), itemBarcode: row.barcode, title: row.title }));
}

function toPayment(row: PaymentsTable): Payment {
  return { id: row.id, libraryId: row.library_id, patronId: row.patron_id, amountCents: row.amount_cents, method: row.method as PaymentMethod, createdAt: row.created_at };
}

export async function insertPayment(db: Db, payment: Payment, allocations: readonly { fineId: string; amountCents: number }[]): Promise<void> {
  await db
    .insertInto('payments')
    .values({ id: payment.id, library_id: payment.libraryId, patron_id: payment.patronId, amount_cents: payment.amountCents, method: payment.method, created_at: payment.createdAt })
    .execute();
  if (allocations.length > 0)
    await db
      .insertInto('payment_allocations')
      .values(allocations.map((a) => ({ payment_id: payment.id, fine_id: a.fineId, amount_cents: a.amountCents })))
      .execute();
}

export async function paymentsOfPatron(db: Db, patronId: string): Promise<Payment[]> {
  const rows = await db.selectFrom('payments').selectAll().where('patron_id', '=', patronId).orderBy('created_at', 'desc').execute();
  return rows.map(toPayment);
}

export async function countFines(db: Db, libraryId: string, status: FineStatus): Promise<number> {
  const row = await db
    .selectFrom('fines')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('library_id', '=', libraryId)
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The overdue fine a loan has run up since its current due date: an overdue fine of the loan created
 * after `dueAt`. A renewal moves the due date past every fine charged before it, so each stretch of
 * lateness has at most one fine, which accrual, renewal and check-in top up instead of charging again.
 */
export async function overdueFineSince(db: Db, loanId: string, dueAt: string): Promise<Fine | undefined> {
  const row = await db
    .selectFrom('fines')
    .selectAll()
    .where('loan_id', '=', loanId)
    .where('kind', '=', 'overdue')
    .where('created_at', '>', dueAt)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row && toFine(row);
}

/** Raises a fine's amount and balance (a paid fine that grows opens again). */
export async function topUpFine(db: Db, id: string, amountCents: number, balanceCents: number): Promise<void> {
  await db.updateTable('fines').set({ amount_cents: amountCents, balance_cents: balanceCents, status: 'open', settled_at: null }).where('id', '=', id).execute();
}
