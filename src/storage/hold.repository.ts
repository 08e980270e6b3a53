import type { HoldEntry } from '../domain/patron-document.js';
import type { Hold, HoldStatus } from '../domain/types.js';
import { sql } from 'kysely';
import { engineOf, type Db } from './database.js';
import { prepared } from './prepared.js';
import type { HoldsTable } from './schema.js';

function toHold(row: HoldsTable): Hold {
  return {
    id: row.id,
    libraryId: row.library_id,
    patronId: row.patron_id,
    itemId: row.item_id,
    recordId: row.record_id,
    pickupBranchId: row.pickup_branch_id,
    status: row.status as HoldStatus,
    placedAt: row.placed_at,
    readyAt: row.ready_at,
    pickupBy: row.pickup_by,
    endedAt: row.ended_at,
    suspendedUntil: row.suspended_until,
    expiresAt: row.expires_at,
  };
}

export async function insertHold(db: Db, hold: Hold): Promise<void> {
  await db
    .insertInto('holds')
    .values({
      id: hold.id,
      library_id: hold.libraryId,
      patron_id: hold.patronId,
      item_id: hold.itemId,
      pickup_branch_id: hold.pickupBranchId,
      status: hold.status,
      placed_at: hold.placedAt,
      ready_at: hold.readyAt,
      pickup_by: hold.pickupBy,
      ended_at: hold.endedAt,
      record_id: hold.recordId,
      suspended_until: hold.suspendedUntil,
      expires_at: hold.expiresAt,
    })
    .execute();
}

export async function findHold(db: Db, id: string): Promise<Hold | undefined> {
  const row = await db.selectFrom('holds').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toHold(row);
}

/**
 * A hold read again and locked until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite's writer is
 * alone): two check-ins of copies of one title cannot both trap the same title-level hold, and a
 * cancellation waits for a check-out filling the hold at that moment.
 */
export async function lockHold(db: Db, id: string): Promise<Hold | undefined> {
  const query = db.selectFrom('holds').selectAll().where('id', '=', id);
  const row = await (engineOf(db) === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
  return row && toHold(row);
}

/** The hold waiting on the shelf for this item, if any. */
const readyHoldForItem = prepared((db: Db, itemId: string) => db.selectFrom('holds').selectAll().where('item_id', '=', itemId).where('status', '=', 'ready'));

export async function findReadyHoldForItem(db: Db, itemId: string): Promise<Hold | undefined> {
  const [row] = (await readyHoldForItem(db, itemId)).rows;
  return row && toHold(row);
}

/**
 * The pending holds an item could fill: holds on the item, and title-level holds on its record still
 * waiting for a copy; with `waiting`, not suspended past its local day nor past their "not needed after"
 * instant. Two searches, one index each (holds_item_status, holds_record_waiting), put together: as one
 * OR, SQLite searched instead every pending hold of the installation by its status, and sorted them.
 */
function pendingForItem(db: Db, item: { id: string; recordId: string | null }, waiting?: { day: string; now: string }) {
  const select = () =>
    db
      .selectFrom('holds')
      .selectAll()
      .where('status', '=', 'pending')
      .$if(waiting !== undefined, (query) =>
        query
          .where((eb) => eb.or([eb('suspended_until', 'is', null), eb('suspended_until', '<=', (waiting as { day: string }).day)]))
          // A hold whose "not needed after" day has passed is over, whether or not the scheduler has ended it yet
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', (waiting as { now: string }).now)])),
      );
  const onItem = select().where('item_id', '=', item.id);
  return item.recordId === null ? onItem : onItem.unionAll(select().where('record_id', '=', item.recordId).where('item_id', 'is', null));
}

/**
 * The holds an item that has just become free could fill, in queue order: holds on this item and
 * title-level holds on its record still waiting for a copy, not suspended past `today` (a local day)
 * nor past their "not needed after" instant (`now`),
 * those picking up at `localBranchId` first (a branch's own copies fill its own holds first), then the
 * oldest. A few, so the caller can pass over one the item cannot fill.
 */
export async function pendingHoldsFor(db: Db, item: { id: string; recordId: string | null }, today: string, localBranchId: string, now: string, limit = 20): Promise<Hold[]> {
  const rows = await db
    .selectFrom(pendingForItem(db, item, { day: today, now }).as('pending'))
    .selectAll()
    .orderBy(sql`case when pickup_branch_id = ${localBranchId} then 0 else 1 end`)
    .orderBy('placed_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toHold);
}

/** A patron's pending or ready hold on an item. */
export async function findOpenHold(db: Db, patronId: string, itemId: string): Promise<Hold | undefined> {
  const row = await db
    .selectFrom('holds')
    .selectAll()
    .where('patron_id', '=', patronId)
    .where('item_id', '=', itemId)
    .where('status', 'in', ['pending', 'ready'])
    .executeTakeFirst();
  return row && toHold(row);
}

/**
 * How many holds wait for this item: holds on it and title-level holds on its record still waiting for a
 * copy; suspended and lapsed ones left out when `today` (the local day and the instant) is given.
 */
export async function countPendingHoldsForItem(db: Db, itemId: string, recordId: string | null = null, today?: { day: string; now: string }): Promise<number> {
  const row = await db
    .selectFrom(pendingForItem(db, { id: itemId, recordId }, today).as('pending'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many title-level holds wait for a copy of a record (no one named). */
export async function countPendingHoldsForRecord(db: Db, recordId: string): Promise<number> {
  const row = await db
    .selectFrom('holds')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('record_id', '=', recordId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A patron's pending or ready title-level hold on a record. */
export async function findOpenRecordHold(db: Db, patronId: string, recordId: string): Promise<Hold | undefined> {
  const row = await db
    .selectFrom('holds')
    .selectAll()
    .where('patron_id', '=', patronId)
    .where('record_id', '=', recordId)
    .where('status', 'in', ['pending', 'ready'])
    .executeTakeFirst();
  return row && toHold(row);
}

/** A pending hold's place in its queue (1: next), counting the holds on the same item or record placed before it. */
export async function queuePosition(db: Db, hold: Hold): Promise<number> {
  const row = await db
    .selectFrom('holds')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .where((eb) => (hold.recordId !== null ? eb('record_id', '=', hold.recordId) : eb('item_id', '=', hold.itemId)))
    .where((eb) => eb.or([eb('placed_at', '<', hold.placedAt), eb.and([eb('placed_at', '=', hold.placedAt), eb('id', '<', hold.id)])]))
    .executeTakeFirstOrThrow();
  return Number(row.n) + 1;
}

/** Gives a title-level hold the copy trapped for it. */
export async function assignHoldItem(db: Db, id: string, itemId: string): Promise<void> {
  await db.updateTable('holds').set({ item_id: itemId }).where('id', '=', id).execute();
}

export async function setHoldSuspension(db: Db, id: string, until: string | null): Promise<void> {
  await db.updateTable('holds').set({ suspended_until: until }).where('id', '=', id).execute();
}

/** Pending holds whose "not needed after" has passed. */
export async function lapsedPendingHolds(db: Db, now: string, libraryId?: string): Promise<Hold[]> {
  let query = db.selectFrom('holds').selectAll().where('status', '=', 'pending').where('expires_at', '<', now);
  if (libraryId) query = query.where('library_id', '=', libraryId);
  return (await query.orderBy('expires_at').execute()).map(toHold);
}

export async function markHoldReady(db: Db, id: string, readyAt: string, pickupBy: string): Promise<void> {
  await db.updateTable('holds').set({ status: 'ready', ready_at: readyAt, pickup_by: pickupBy }).where('id', '=', id).execute();
}

export async function endHold(db: Db, id: string, status: 'fulfilled' | 'cancelled' | 'expired', at: string): Promise<void> {
  await db.updateTable('holds').set({ status, ended_at: at }).where('id', '=', id).execute();
}

/** Ready holds whose pick-up deadline has passed. */
export async function overdueReadyHolds(db: Db, now: string, libraryId?: string): Promise<Hold[]> {
  let query = db.selectFrom('holds').selectAll().where('status', '=', 'ready').where('pickup_by', '<', now);
  if (libraryId) query = query.where('library_id', '=', libraryId);
  const rows = await query.orderBy('pickup_by').execute();
  return rows.map(toHold);
}

export async function holdsOfPatron(db: Db, patronId: string): Promise<HoldEntry[]> {
  const rows = await db
    .selectFrom('holds')
    .leftJoin('items', 'items.id', 'holds.item_id')
    .leftJoin('bib_records', 'bib_records.id', 'holds.record_id')
    .selectAll('holds')
    .select(['items.barcode', 'items.title as item_title', 'bib_records.title as record_title'])
    .where('holds.patron_id', '=', patronId)
    .orderBy('holds.placed_at', 'desc')
    .execute();
  return rows.map((row) => ({ ...toHold(row), itemBarcode: row.barcode, title: row.record_title ?? row.item_title ?? '' }));
}

/** The holds waiting on a library's pick-up shelves, with what a shelf needs of the item and the branch. */
export async function holdShelf(db: Db, libraryId: string, branchId?: string) {
  let query = db
    .selectFrom('holds')
    .innerJoin('items', 'items.id', 'holds.item_id')
    .innerJoin('branches', 'branches.id', 'holds.pickup_branch_id')
    .select(['holds.id', 'holds.patron_id', 'holds.ready_at', 'holds.pickup_by', 'items.barcode', 'items.title', 'branches.code as branch_code'])
    .where('holds.library_id', '=', libraryId)
    .where('holds.status', '=', 'ready');
  if (branchId) query = query.where('holds.pickup_branch_id', '=', branchId);
  const rows = await query.orderBy('holds.pickup_by').orderBy('holds.id').execute();
  return rows.map((row) => ({
    holdId: row.id,
    patronId: row.patron_id,
    readyAt: row.ready_at as string,
    pickupBy: row.pickup_by as string,
    itemBarcode: row.barcode,
    title: row.title,
    branchCode: row.branch_code,
  }));
}

/** The latest placing of a record's or an item's holds still waiting in the queue (an imported queue goes after it). */
export async function lastQueuedHold(db: Db, target: { recordId: string | null; itemId: string | null }): Promise<string | null> {
  let query = db.selectFrom('holds').select((eb) => eb.fn.max('placed_at').as('last')).where('status', '=', 'pending');
  query = target.recordId !== null ? query.where('record_id', '=', target.recordId) : query.where('item_id', '=', target.itemId ?? '').where('record_id', 'is', null);
  const row = await query.executeTakeFirst();
  return (row?.last as string | null | undefined) ?? null;
}
