import { insertDeletionReceipt, type DeletionReceipt, type DeletionRequester } from '../storage/deletion-receipt.repository.js';
import { newId, type Context } from './context.js';

/**
 * Keeps the receipt of a patron's deletion (CB-A8), in the deleting transaction: the library, who asked
 * (the patron, staff, or retention), when, and when the shredded key is destroyed — after that instant
 * no backup can bring the patron back. No patron id and no personal data.
 */
export async function keepDeletionReceipt(ctx: Context, libraryId: string, requestedBy: DeletionRequester): Promise<DeletionReceipt> {
  const receipt: DeletionReceipt = {
    id: newId(),
    libraryId,
    requestedBy,
    deletedAt: ctx.now.toISOString(),
    keyDestroyedAfter: new Date(ctx.now.getTime() + ctx.vault.retentionDays * 86_400_000).toISOString(),
  };
  await insertDeletionReceipt(ctx.trx, receipt);
  return receipt;
}
