import type { Db } from './database.js';

/** Who asked for a patron's record to be deleted (CB-A8). */
export type DeletionRequester = 'patron' | 'staff' | 'retention';

/**
 * What is left after a patron is deleted: that a record of this library was deleted, when, at whose
 * request, and when its key is destroyed. No patron id and no personal data.
 */
export interface DeletionReceipt {
  id: string;
  libraryId: string;
  requestedBy: DeletionRequester;
  deletedAt: string;
  keyDestroyedAfter: string;
}

export async function insertDeletionReceipt(db: Db, receipt: DeletionReceipt): Promise<void> {
  await db
    .insertInto('deletion_receipts')
    .values({
      id: receipt.id,
      library_id: receipt.libraryId,
      requested_by: receipt.requestedBy,
      deleted_at: receipt.deletedAt,
      key_destroyed_after: receipt.keyDestroyedAfter,
    })
    .execute();
}

export async function findDeletionReceipt(db: Db, id: string): Promise<DeletionReceipt | undefined> {
  const row = await db.selectFrom('deletion_receipts').selectAll().where('id', '=', id).executeTakeFirst();
  return (
    row && {
      id: row.id,
      libraryId: row.library_id,
      requestedBy: row.requested_by as DeletionRequester,
      deletedAt: row.deleted_at,
      keyDestroyedAfter: row.key_destroyed_after,
    }
  );
}
