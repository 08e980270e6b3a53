import type { ItemTask, ItemTaskKind } from '../domain/staff-lists.js';
import type { Db } from './database.js';
import type { ItemTasksTable } from './schema.js';

function toTask(row: ItemTasksTable): ItemTask {
  return {
    itemId: row.item_id,
    libraryId: row.library_id,
    kind: row.kind as ItemTaskKind,
    branchId: row.branch_id,
    toBranchId: row.to_branch_id,
    shelfCode: row.shelf_code,
    since: row.since,
  };
}

/** Sets the work an item waits for, replacing any it had (an item waits for one thing at a time). */
export async function setItemTask(db: Db, task: ItemTask): Promise<void> {
  await clearItemTask(db, task.itemId);
  await db
    .insertInto('item_tasks')
    .values({
      item_id: task.itemId,
      library_id: task.libraryId,
      kind: task.kind,
      branch_id: task.branchId,
      to_branch_id: task.toBranchId,
      shelf_code: task.shelfCode,
      since: task.since,
    })
    .execute();
}

export async function findItemTask(db: Db, itemId: string): Promise<ItemTask | undefined> {
  const row = await db.selectFrom('item_tasks').selectAll().where('item_id', '=', itemId).executeTakeFirst();
  return row && toTask(row);
}

/** The work is done (or no longer needed). */
export async function clearItemTask(db: Db, itemId: string): Promise<void> {
  await db.deleteFrom('item_tasks').where('item_id', '=', itemId).execute();
}

/**
 * A library's active loans due before `now`, with the item and its branch and whose loan it is (the
 * patron's id, for the access log and, where allowed, the contact); optionally one branch's items.
 */
export async function overdueLoans(db: Db, libraryId: string, now: string, branchId?: string) {
  let query = db
    .selectFrom('loans')
    .innerJoin('items', 'items.id', 'loans.item_id')
    .innerJoin('branches', 'branches.id', 'items.branch_id')
    .select(['loans.patron_id', 'loans.due_at', 'items.barcode', 'items.title', 'branches.code as branch_code'])
    .where('loans.library_id', '=', libraryId)
    .where('loans.status', '=', 'active')
    .where('loans.due_at', '<', now);
  if (branchId) query = query.where('items.branch_id', '=', branchId);
  const rows = await query.orderBy('loans.due_at').orderBy('items.barcode').execute();
  return rows.map((row) => ({ patronId: row.patron_id, dueAt: row.due_at, itemBarcode: row.barcode, title: row.title, branchCode: row.branch_code }));
}

/**
 * A library's items waiting for one kind of work, with the item, the branches, and the patron of the
 * ready hold the work serves where there is one (for the access log only; never returned to a list).
 * `branchId` keeps the work done at that branch, or (transit) going to it.
 */
export async function itemTasks(db: Db, libraryId: string, kind: ItemTaskKind, branchId?: string) {
  let query = db
    .selectFrom('item_tasks')
    .innerJoin('items', 'items.id', 'item_tasks.item_id')
    .innerJoin('branches as at_branch', 'at_branch.id', 'item_tasks.branch_id')
    .leftJoin('branches as to_branch', 'to_branch.id', 'item_tasks.to_branch_id')
    .leftJoin('holds', (join) => join.onRef('holds.item_id', '=', 'item_tasks.item_id').on('holds.status', '=', 'ready'))
    .select([
      'item_tasks.shelf_code',
      'item_tasks.since',
      'items.barcode',
      'items.title',
      'items.author',
      'items.item_type',
      'at_branch.code as branch_code',
      'to_branch.code as to_branch_code',
      'holds.patron_id',
    ])
    .where('item_tasks.library_id', '=', libraryId)
    .where('item_tasks.kind', '=', kind);
  if (branchId)
    query =
      kind === 'transit'
        ? query.where((eb) => eb.or([eb('item_tasks.branch_id', '=', branchId), eb('item_tasks.to_branch_id', '=', branchId)]))
        : query.where('item_tasks.branch_id', '=', branchId);
  const rows = await query.orderBy('item_tasks.since').orderBy('items.barcode').execute();
  return rows.map((row) => ({
    shelfCode: row.shelf_code,
    since: row.since,
    itemBarcode: row.barcode,
    title: row.title,
    author: row.author,
    itemType: row.item_type,
    branchCode: row.branch_code,
    toBranchCode: row.to_branch_code,
    patronId: row.patron_id,
  }));
}
