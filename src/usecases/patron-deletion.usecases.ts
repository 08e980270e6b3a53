import { ErrorCode, refuseAll, type Problem } from '../domain/errors.js';
import { balanceOf } from '../storage/fine.repository.js';
import { holdsOfPatron } from '../storage/hold.repository.js';
import { countActiveLoans } from '../storage/loan.repository.js';
import { deletePatronRows } from '../storage/patron.repository.js';
import { findLibrary } from '../storage/library.repository.js';
import { recordAccess, type Context } from './context.js';
import { anonymisePatronLoans, SERVICE_CATEGORY } from './retention.usecases.js';

const SERVICE_CATEGORIES = Object.values(SERVICE_CATEGORY);
import { cancelHold } from './hold.usecases.js';
import { requirePatron, requirePatronByCard } from './patron.usecases.js';

/**
 * Deletes a patron at their request or the library's (CB-A8): refused with the reason while items are
 * out or money is owed. Otherwise their open holds are cancelled (a trapped item goes to the next
 * patron), their data key is shredded — from that instant no copy of their sealed fields anywhere can be
 * opened — and their rows go. Returns a receipt with no personal data.
 */
export async function deletePatron(ctx: Context, input: { patronId?: string; cardNumber?: string }) {
  const stored = input.cardNumber !== undefined ? await requirePatronByCard(ctx, input.cardNumber) : await requirePatron(ctx, input.patronId ?? '');
  const problems: Problem[] = [];
  if ((await countActiveLoans(ctx.trx, stored.id)) > 0)
    problems.push({ code: ErrorCode.PATRON_HAS_ITEMS_OUT, message: 'The patron has items on loan; they must come back (or be declared lost) first.' });
  if ((await balanceOf(ctx.trx, stored.id)) > 0)
    problems.push({ code: ErrorCode.PATRON_OWES_FINES, message: 'The patron owes money; it must be paid or waived first.' });
  refuseAll(problems);

  for (const hold of await holdsOfPatron(ctx.trx, stored.id))
    if (hold.status === 'pending' || hold.status === 'ready') await cancelHold(ctx, { holdId: hold.id });
  const library = await findLibrary(ctx.trx, stored.libraryId);
  if (library) await anonymisePatronLoans(ctx, library, stored.id);
  await deletePatronRows(ctx.trx, stored.id);
  await recordAccess(ctx, stored, 'delete', ['registration', 'guardianship', 'circulation', 'reading-history', 'holds', 'fines', ...SERVICE_CATEGORIES]);
  // The key goes last, just before the rows' deletion commits: if anything above fails, nothing has
  // changed; once the key is shredded, every copy of the sealed fields is unreadable, committed or not.
  await ctx.vault.shred(stored.id, ctx.now);
  return {
    patronId: stored.id,
    libraryId: stored.libraryId,
    deletedAt: ctx.now.toISOString(),
    /** After this instant the shredded key is destroyed and no backup can bring the patron back. */
    keyDestroyedAfter: new Date(ctx.now.getTime() + ctx.vault.retentionDays * 86_400_000).toISOString(),
  };
}
