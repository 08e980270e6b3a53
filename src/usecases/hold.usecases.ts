import { holdPickupDeadline, patronBlocks } from '../domain/circulation.rules.js';
import { ErrorCode, refuse, refuseAll } from '../domain/errors.js';
import type { Hold } from '../domain/types.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import { balanceOf } from '../storage/fine.repository.js';
import * as holds from '../storage/hold.repository.js';
import { lockItem, setItemStatus } from '../storage/item.repository.js';
import { findBranch, findLibrary } from '../storage/library.repository.js';
import { findActiveLoanForItem } from '../storage/loan.repository.js';
import { findPatronById } from '../storage/patron.repository.js';
import { sendToNextHold } from './circulation.usecases.js';
import { newId, recordAccess, type Context } from './context.js';
import { queueHoldReady } from './notice.usecases.js';
import { requireItemByBarcode } from './item.usecases.js';
import { requirePatronByCard } from './patron-access.js';
import { requirePermission } from './authorization.js';
import { noteHoldReleased, noteItemTrapped } from './staff-lists.usecases.js';

export interface PlaceHoldInput {
  cardNumber: string;
  itemBarcode: string;
  /** Branch id or code for pick-up; the item's own branch when absent. */
  pickupBranch?: string;
}

/**
 * Places a hold for a patron on an item. An item on the shelf is trapped at once (it goes to the
 * pick-up shelf); one on loan waits in the queue and is trapped when it comes back.
 */
export async function placeHold(ctx: Context, input: PlaceHoldInput): Promise<Hold> {
  requirePermission(ctx, 'holds.place');
  const patron = await requirePatronByCard(ctx, input.cardNumber);
  const library = await findLibrary(ctx.trx, patron.libraryId);
  if (!library) throw new Error('A patron points at a library that does not exist.');
  const item = await requireItemByBarcode(ctx, input.itemBarcode, patron.libraryId, { lock: true });
  const problems = patronBlocks(patron, await balanceOf(ctx.trx, patron.id), library, ctx.now);
  if (item.status === 'lost' || item.status === 'missing' || item.status === 'withdrawn')
    problems.push({ code: ErrorCode.ITEM_NOT_LOANABLE, message: `The item is marked ${item.status}.` });
  const loan = await findActiveLoanForItem(ctx.trx, item.id);
  if (loan?.patronId === patron.id) problems.push({ code: ErrorCode.HOLD_ON_OWN_LOAN, message: 'The patron already has this item.' });
  if (await holds.findOpenHold(ctx.trx, patron.id, item.id))
    problems.push({ code: ErrorCode.HOLD_ALREADY_PLACED, message: 'The patron already has a hold on this item.' });
  const branch = await findBranch(ctx.trx, library.id, input.pickupBranch ?? item.branchId);
  if (!branch) problems.push({ code: ErrorCode.BRANCH_NOT_FOUND, message: 'The library has no branch with that id or code.', field: 'pickupBranch' });
  refuseAll(problems);

  const at = ctx.now.toISOString();
  const hold: Hold = {
    id: newId(),
    libraryId: library.id,
    patronId: patron.id,
    itemId: item.id,
    pickupBranchId: branch?.id ?? item.branchId,
    status: 'pending',
    placedAt: at,
    readyAt: null,
    pickupBy: null,
    endedAt: null,
  };
  await holds.insertHold(ctx.trx, hold);
  await recordAccess(ctx, patron, 'hold-placed', ['holds']);
  if (item.status === 'available') {
    const pickupBy = holdPickupDeadline(ctx.now, library).toISOString();
    await holds.markHoldReady(ctx.trx, hold.id, at, pickupBy);
    await setItemStatus(ctx.trx, item.id, 'on-hold-shelf');
    // Trapped on the open shelves: a pull list's row until someone fetches it.
    await noteItemTrapped(ctx, item, hold.pickupBranchId, { on: 'shelves', branchId: item.branchId });
    await queueHoldReady(ctx, { ...hold, pickupBy }, library);
    return { ...hold, status: 'ready', readyAt: at, pickupBy };
  }
  return hold;
}

/** Cancels a pending or ready hold; a trapped item goes to the next hold or back to the shelves. */
export async function cancelHold(ctx: Context, input: { holdId: string }): Promise<Hold> {
  // Staff cancel holds for their library; a patron cancels their own (and only their own).
  if (ctx.actor.kind !== 'patron') requirePermission(ctx, 'holds.cancel');
  const hold = await holds.findHold(ctx.trx, input.holdId);
  const reachable = hold && (ctx.actor.kind === 'patron' ? hold.patronId === ctx.actor.id : canReachLibrary(ctx.actor, hold.libraryId).allowed);
  if (!hold || !reachable) throw refuse(ErrorCode.HOLD_NOT_FOUND, 'No hold has that id.', 'holdId');
  if (hold.status !== 'pending' && hold.status !== 'ready') throw refuse(ErrorCode.HOLD_NOT_ACTIVE, `The hold is already ${hold.status}.`);
  const at = ctx.now.toISOString();
  await holds.endHold(ctx.trx, hold.id, 'cancelled', at);
  if (hold.status === 'ready') await releaseTrappedItem(ctx, hold);
  const patron = await findPatronById(ctx.trx, hold.patronId);
  if (patron) await recordAccess(ctx, patron, 'hold-cancelled', ['holds']);
  return { ...hold, status: 'cancelled', endedAt: at };
}

async function releaseTrappedItem(ctx: Context, hold: Hold): Promise<void> {
  const item = await lockItem(ctx.trx, hold.itemId);
  const library = await findLibrary(ctx.trx, hold.libraryId);
  if (item && library && item.status === 'on-hold-shelf') {
    // Staff lists: an item left on a hold shelf is reshelved under the ended hold's slip, unless the
    // next hold takes it; one never pulled stays where it is.
    const where = await noteHoldReleased(ctx, hold, item.branchId);
    await sendToNextHold(ctx, item, library, where, where.wasOnHoldShelf ? { branchId: where.branchId, shelfCode: shelfCode(hold.id) } : undefined);
  } else if (item && item.status === 'on-hold-shelf') await setItemStatus(ctx.trx, item.id, 'available');
}

/**
 * Expires ready holds not picked up by their deadline, passing each item to the next hold in the queue
 * (its pick-up shelf, a new deadline) or back to the shelves. Run by the scheduler's holds-expire job
 * (and `carrel holds expire`). Each item is locked and its hold read again under the lock, so a holder
 * checking the item out at that moment keeps it and their hold is not expired under them.
 */
export async function expireHolds(ctx: Context, input: { libraryId?: string }): Promise<{ expired: number; trapped: number; reshelved: number }> {
  requirePermission(ctx, 'holds.cancel');
  const at = ctx.now.toISOString();
  const due = await holds.overdueReadyHolds(ctx.trx, at, input.libraryId);
  let expired = 0;
  let trapped = 0;
  let reshelved = 0;
  for (const candidate of due.filter((h) => canReachLibrary(ctx.actor, h.libraryId).allowed)) {
    const item = await lockItem(ctx.trx, candidate.itemId);
    const hold = await holds.findHold(ctx.trx, candidate.id);
    if (!item || !hold || hold.status !== 'ready' || hold.pickupBy === null || hold.pickupBy >= at) continue;
    await holds.endHold(ctx.trx, hold.id, 'expired', at);
    await recordAccess(ctx, { id: hold.patronId, libraryId: hold.libraryId }, 'hold-expired', ['holds']);
    expired++;
    if (item.status !== 'on-hold-shelf') continue;
    const library = await findLibrary(ctx.trx, hold.libraryId);
    if (!library) throw new Error('A hold points at a library that does not exist.');
    // Staff lists: an item left on a hold shelf is reshelved under the expired hold's slip, unless the
    // next hold takes it.
    const where = await noteHoldReleased(ctx, hold, item.branchId);
    const routing = await sendToNextHold(ctx, item, library, where, where.wasOnHoldShelf ? { branchId: where.branchId, shelfCode: shelfCode(hold.id) } : undefined);
    if (routing.to === 'hold-shelf') trapped++;
    else reshelved++;
  }
  return { expired, trapped, reshelved };
}

/**
 * A hold's shelf code: what the slip on a held item shows instead of the patron's name, so a volunteer
 * shelving holds, and anyone browsing the shelf, learns nothing of who asked for what. The patron sees
 * the same code with their hold.
 */
export function shelfCode(holdId: string): string {
  const hex = holdId.replace(/-/g, '');
  return `${hex.slice(-8, -4)}-${hex.slice(-4)}`.toUpperCase();
}

/**
 * The pick-up shelf of a library (or one branch): item, title, pick-up deadline and the hold's shelf
 * code; never the patron. What a volunteer needs and all they see. Each hold listed is still a look at
 * a patron's hold and is logged as one.
 */
export async function holdShelfOf(ctx: Context, input: { libraryId: string; branch?: string }) {
  requirePermission(ctx, 'holds.shelf');
  const library = await findLibrary(ctx.trx, input.libraryId);
  if (!library || !canReachLibrary(ctx.actor, library.id).allowed) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'libraryId');
  let branchId: string | undefined;
  if (input.branch !== undefined) {
    const branch = await findBranch(ctx.trx, library.id, input.branch);
    if (!branch) throw refuse(ErrorCode.BRANCH_NOT_FOUND, 'The library has no branch with that id or code.', 'branch');
    branchId = branch.id;
  }
  const shelf = await holds.holdShelf(ctx.trx, library.id, branchId);
  for (const hold of shelf) await recordAccess(ctx, { id: hold.patronId, libraryId: library.id }, 'hold-shelf', ['holds']);
  return shelf.map(({ patronId: _patron, holdId, ...rest }) => ({ shelfCode: shelfCode(holdId), ...rest }));
}
