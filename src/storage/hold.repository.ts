import type { HoldEntry } from '../domain/patron-document.js';
import type { Hold, HoldStatus } from '../domain/types.js';
import type { Db } from './database.js';
import { prepared } from './prepared.js';
import type { HoldsTable } from './schema.js';

function toHold(row: HoldsTable): Hold {
  return {
    id: row.id,
    libraryId: row.library_id,
    patronId: row.patron_id,
    itemId: row.item_id,
    pickupBranchId: row.pickup_branch_id,
    status: row.status as HoldStatus,
    placedAt: row.placed_at,
    readyAt: row.ready_at,
    pickupBy: row.pickup_by,
    endedAt: row.ended_at,
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
    })
    .execute();
}

export async function findHold(db: Db, id: string): Promise<Hold | undefined> {
  const row = await db.selectFrom('holds').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toHold(row);
}

/** The hold waiting on the shelf for this item, if any. */
const readyHoldForItem = prepared((db: Db, itemId: string) => db.selectFrom('holds').selectAll().where('item_id', '=', itemId).where('status', '=', 'ready'));

export async function findReadyHoldForItem(db: Db, itemId: string): Promise<Hold | undefined> {
  const [row] = (await readyHoldForItem(db, itemId)).rows;
  return row && toHold(row);
}

/** The oldest pending hold on this item: the next in the queue. */
const pendingHoldQueue = prepared((db: Db, itemId: string) =>
  db.selectFrom('holds').selectAll().where('item_id', '=', itemId).where('status', '=', 'pending').orderBy('placed_at').orderBy('id').limit(1),
);

export async function nextPendingHold(db: Db, itemId: string): Promise<Hold | undefined> {
  const [row] = (await pendingHoldQueue(db, itemId)).rows;
  return row && toHold(row);
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

export async function countPendingHoldsForItem(db: Db, itemId: string): Promise<number> {
  const row = await db
    .selectFrom('holds')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('item_id', '=', itemId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
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
    .innerJoin('items', 'items.id', 'holds.item_id')
    .selectAll('holds')
    .select(['items.barcode', 'items.title'])
    .where('holds.patron_id', '=', patronId)
    .orderBy('holds.placed_at', 'desc')
    .execute();
  return rows.map((row) => ({ ...toHold(row), itemBarcode: row.barcode, title: row.title }));
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
