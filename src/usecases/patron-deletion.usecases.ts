import { ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import { balanceOf } from '../storage/fine.repository.js';
import { holdsOfPatron } from '../storage/hold.repository.js';
import { countActiveLoans } from '../storage/loan.repository.js';
import { deletePatronRows, lockPatronRow, type StoredPatron } from '../storage/patron.repository.js';
import { liveHeldPatrons } from '../storage/legal-hold.repository.js';
import { patronUnderHold } from '../policy/legal-hold.policy.js';
import { findLibrary } from '../storage/library.repository.js';
import type { DeletionRequester } from '../storage/deletion-receipt.repository.js';
import { requirePermission } from './authorization.js';
import { flushAccess, markErased, recordAccess, type Context } from './context.js';
import { keepDeletionReceipt } from './deletion-receipts.js';
import { anonymisePatronLoans, SERVICE_CATEGORY } from './retention.usecases.js';

const SERVICE_CATEGORIES = Object.values(SERVICE_CATEGORY);
import { cancelHold } from './hold.usecases.js';
import { requirePatronRef } from './patron-access.js';
import { forgetIdentifyFailuresOf } from './desk-identification.js';
import { authorize } from '../policy/permissions.js';

/** What a deletion leaves: a receipt with no personal data. */
export interface DeletionReceiptView {
  receiptId: string;
  patronId: string;
  libraryId: string;
  deletedAt: string;
  /** After this instant the shredded key is destroyed and no backup can bring the patron back. */
  keyDestroyedAfter: string;
}

/**
 * Deletes a patron at the library's request (CB-A8): staff with the permission, or the operator. See
 * `shredPatron`; the receipt says staff asked.
 */
export async function deletePatron(ctx: Context, input: { patronId?: string; cardNumber?: string }): Promise<DeletionReceiptView> {
  requirePermission(ctx, 'patron.delete');
  const stored = await requirePatronRef(ctx, input);
  return shredPatron(ctx, stored, 'staff');
}

/**
 * Deletes a patron the caller has already been allowed to reach (CB-A8): refused with every reason
 * that applies while items are out or money is owed. Otherwise their open holds are cancelled (a
 * trapped item goes to the next patron), their data key is shredded — from that instant no copy of
 * their sealed fields anywhere can be opened — their rows go, and a receipt without personal data or
 * patron id is kept (deletion_receipts) saying when, at whose request, and when the key is destroyed.
 */
export async function shredPatron(ctx: Context, stored: StoredPatron, requestedBy: DeletionRequester): Promise<DeletionReceiptView> {
  // The patron's row first (the order check-outs take it in): a check-out at that moment finishes
  // before the loans are counted, or waits and finds the patron gone.
  if (!(await lockPatronRow(ctx.trx, stored.id))) throw refuse(ErrorCode.PATRON_NOT_FOUND, 'No patron has that id.');
  const problems: Problem[] = [];
  if ((await countActiveLoans(ctx.trx, stored.id)) > 0)
    problems.push({ code: ErrorCode.PATRON_HAS_ITEMS_OUT, message: 'The patron has items on loan; they must come back (or be declared lost) first.' });
  if ((await balanceOf(ctx.trx, stored.id)) > 0)
    problems.push({ code: ErrorCode.PATRON_OWES_FINES, message: 'The patron owes money; it must be paid or waived first.' });
  // A live legal hold names the patron: deleting the record would destroy what it keeps. Who is told
  // why: the director, and the system. The patron, and staff who may not see a gagged matter, get an
  // answer that names no legal process (JC-II): the record cannot be deleted now.
  if (patronUnderHold(await liveHeldPatrons(ctx.trx, stored.id), stored.id)) {
    const told = ctx.actor.kind === 'system' || (ctx.actor.kind === 'staff' && authorize(ctx.actor, 'legal-hold.manage').allowed);
    problems.push(
      told
        ? { code: ErrorCode.RECORD_UNDER_LEGAL_HOLD, message: 'The record is under a legal hold; it cannot be deleted until the hold is released.' }
        : { code: ErrorCode.DELETION_NOT_POSSIBLE_NOW, message: 'This record cannot be deleted now; the library keeps it for the time being and can say more.' },
    );
  }
  refuseAll(problems);

  for (const hold of await holdsOfPatron(ctx.trx, stored.id))
    if (hold.status === 'pending' || hold.status === 'ready') await cancelHold(ctx, { holdId: hold.id });
  const library = await findLibrary(ctx.trx, stored.libraryId);
  if (library) await anonymisePatronLoans(ctx, library, stored.id);
  await deletePatronRows(ctx.trx, stored.id);
  await forgetIdentifyFailuresOf(ctx, stored.id);
  await recordAccess(ctx, stored, 'delete', ['registration', 'guardianship', 'circulation', 'reading-history', 'holds', 'fines', ...SERVICE_CATEGORIES, 'vendor-authorisations']);
  const receipt = await keepDeletionReceipt(ctx, stored.libraryId, requestedBy);
  // The key goes last, just before the rows' deletion commits: if anything above fails, nothing has
  // changed; once the key is shredded, every copy of the sealed fields is unreadable, committed or not.
  await flushAccess(ctx); // the access log is written before the key goes, which cannot be undone
  await ctx.vault.shred(stored.id, ctx.now);
  markErased(ctx); // once committed, the rows' earlier versions leave the WAL too
  return { receiptId: receipt.id, patronId: stored.id, libraryId: stored.libraryId, deletedAt: receipt.deletedAt, keyDestroyedAfter: receipt.keyDestroyedAfter };
}
