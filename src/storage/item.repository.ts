import type { Item, ItemStatus } from '../domain/types.js';
import { engineOf, sqlTrue, type Db } from './database.js';
import { prepared } from './prepared.js';
import type { ItemsTable } from './schema.js';

export function toItem(row: ItemsTable): Item {
  return {
    id: row.id,
    libraryId: row.library_id,
    branchId: row.branch_id,
    barcode: row.barcode,
    title: row.title,
    author: row.author,
    isbn: row.isbn,
    itemType: row.item_type,
    status: row.status as ItemStatus,
    replacementCostCents: row.replacement_cost_cents,
    createdAt: row.created_at,
    recordId: row.record_id,
    callNumber: row.call_number,
    damaged: row.damaged === 1,
  };
}

function toRow(item: Item): ItemsTable {
  return {
    id: item.id,
    library_id: item.libraryId,
    branch_id: item.branchId,
    barcode: item.barcode,
    title: item.title,
    author: item.author,
    isbn: item.isbn,
    item_type: item.itemType,
    status: item.status,
    replacement_cost_cents: item.replacementCostCents,
    created_at: item.createdAt,
    record_id: item.recordId,
    call_number: item.callNumber,
    damaged: item.damaged ? 1 : 0,
  };
}

/** Inserts items in chunks (SQLite caps bound parameters per statement). */
export async function insertItems(db: Db, items: readonly Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 500) {
    await db.insertInto('items').values(items.slice(i, i + 500).map(toRow)).execute();
  }
}

export async function findItemById(db: Db, id: string): Promise<Item | undefined> {
  const row = await db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toItem(row);
}

const itemsByBarcode = prepared((db: Db, barcode: string) => db.selectFrom('items').selectAll().where('barcode', '=', barcode).limit(2));
const itemByLibraryBarcode = prepared((db: Db, barcode: string, libraryId: string) =>
  db.selectFrom('items').selectAll().where('library_id', '=', libraryId).where('barcode', '=', barcode),
);
// The same two look-ups, locking the rows they read on PostgreSQL (SQLite serialises writers already),
// for circulation: each row carries its library's configuration version (migration 0032), so the use case
// knows whether the configuration its process keeps is current without a statement of its own. (On
// PostgreSQL the version is as of the statement's start, before any wait for the lock: a configuration
// changed during that wait counts from the next transaction; library-config-cache.ts reads afresh when
// the item names a branch the kept configuration lacks.)
function lockedItems(db: Db) {
  return db
    .selectFrom('items')
    .selectAll('items')
    .select((eb) => eb.selectFrom('libraries').select('libraries.config_version').whereRef('libraries.id', '=', 'items.library_id').as('config_version'));
}
const lockedItemsByBarcode = prepared((db: Db, barcode: string) => {
  const query = lockedItems(db).where('barcode', '=', barcode).limit(2);
  return engineOf(db) === 'postgres' ? query.forUpdate('items') : query;
});
const lockedItemByLibraryBarcode = prepared((db: Db, barcode: string, libraryId: string) => {
  const query = lockedItems(db).where('items.library_id', '=', libraryId).where('barcode', '=', barcode);
  return engineOf(db) === 'postgres' ? query.forUpdate('items') : query;
});

/**
 * Items with this barcode, in one library or (libraryId undefined) in any (at most two: enough to know it
 * is ambiguous). Circulation locks what it finds instead: `lockItemsByBarcode`.
 */
export async function findItemsByBarcode(db: Db, barcode: string, libraryId?: string): Promise<Item[]> {
  const result = libraryId === undefined ? await itemsByBarcode(db, barcode) : await itemByLibraryBarcode(db, barcode, libraryId);
  return result.rows.map(toItem);
}

/** An item locked for circulation, with its library's configuration version (migration 0032). */
export interface LockedItem {
  item: Item;
  configVersion: string;
}

/** `findItemsByBarcode` with `lock`, each item with its library's configuration version. */
export async function lockItemsByBarcode(db: Db, barcode: string, libraryId?: string): Promise<LockedItem[]> {
  const result = libraryId === undefined ? await lockedItemsByBarcode(db, barcode) : await lockedItemByLibraryBarcode(db, barcode, libraryId);
  return result.rows.map((row) => ({ item: toItem(row), configVersion: String(row.config_version ?? '') }));
}

/** A library's items with any of these barcodes (a batch of an import: one query, not one per copy). */
export async function findItemsByBarcodes(db: Db, libraryId: string, barcodes: readonly string[]): Promise<Item[]> {
  const found: Item[] = [];
  for (let i = 0; i < barcodes.length; i += 500) {
    const chunk = barcodes.slice(i, i + 500);
    if (chunk.length === 0) continue;
    const rows = await db.selectFrom('items').selectAll().where('library_id', '=', libraryId).where('barcode', 'in', chunk).execute();
    found.push(...rows.map(toItem));
  }
  return found;
}

/**
 * Reads an item and, on PostgreSQL, locks its row until the transaction ends, so concurrent
 * circulation on one item is serialised. (SQLite serialises every write transaction already.)
 */
const lockedItem = prepared((db: Db, id: string) => {
  const query = db.selectFrom('items').selectAll().where('id', '=', id);
  return engineOf(db) === 'postgres' ? query.forUpdate() : query;
});

export async function lockItem(db: Db, id: string): Promise<Item | undefined> {
  const [row] = (await lockedItem(db, id)).rows;
  return row && toItem(row);
}

const itemStatus = prepared((db: Db, id: string, status: string) => db.updateTable('items').set({ status }).where('id', '=', id));

export async function setItemStatus(db: Db, id: string, status: ItemStatus): Promise<void> {
  await itemStatus(db, id, status);
}

// The status set, answering whether a staff-list task waits on the item: a check-out clears it only then.
// Asked by a statement that runs with the item locked, so a task written by a transaction the check-out
// waited for is seen.
const itemStatusSeeingTask = prepared((db: Db, id: string, status: string) =>
  db
    .updateTable('items')
    .set({ status })
    .where('id', '=', id)
    .returning((eb) => eb.exists(eb.selectFrom('item_tasks').select('item_tasks.item_id').whereRef('item_tasks.item_id', '=', 'items.id')).as('has_task')),
);

/** `setItemStatus`, answering whether a staff-list task waits on the item. */
export async function setItemStatusSeeingTask(db: Db, id: string, status: ItemStatus): Promise<boolean> {
  const [row] = (await itemStatusSeeingTask(db, id, status)).rows;
  return row !== undefined && sqlTrue(row.has_task);
}

export async function countItems(db: Db, libraryId?: string): Promise<number> {
  let query = db.selectFrom('items').select((eb) => eb.fn.countAll<number>().as('n'));
  if (libraryId) query = query.where('library_id', '=', libraryId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What an edit may change of an item. */
export interface ItemChanges {
  branchId?: string;
  callNumber?: string | null;
  itemType?: string;
  replacementCostCents?: number | null;
  status?: ItemStatus;
  damaged?: boolean;
  recordId?: string | null;
}

export async function updateItem(db: Db, id: string, changes: ItemChanges): Promise<void> {
  const set: Partial<ItemsTable> = {};
  if (changes.branchId !== undefined) set.branch_id = changes.branchId;
  if (changes.callNumber !== undefined) set.call_number = changes.callNumber;
  if (changes.itemType !== undefined) set.item_type = changes.itemType;
  if (changes.replacementCostCents !== undefined) set.replacement_cost_cents = changes.replacementCostCents;
  if (changes.status !== undefined) set.status = changes.status;
  if (changes.damaged !== undefined) set.damaged = changes.damaged ? 1 : 0;
  if (changes.recordId !== undefined) set.record_id = changes.recordId;
  if (Object.keys(set).length === 0) return;
  await db.updateTable('items').set(set).where('id', '=', id).execute();
}

/** A record's items (every status), by branch and barcode. */
export async function itemsOfRecord(db: Db, recordId: string): Promise<Item[]> {
  const rows = await db.selectFrom('items').selectAll().where('record_id', '=', recordId).orderBy('branch_id').orderBy('barcode').execute();
  return rows.map(toItem);
}
