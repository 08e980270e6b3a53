import { DateTime } from 'luxon';
import type { BibRecord } from '../domain/catalogue.js';
import { holdPickupDeadline, patronBlocks, shelfCode } from '../domain/circulation.rules.js';
import { localDay } from '../domain/clock.js';
import { ErrorCode, refuse } from '../domain/errors.js';
import type { Branch, Hold, Item } from '../domain/types.js';
import { lockRecord } from '../storage/catalogue.repository.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import { balanceOf } from '../storage/fine.repository.js';
import * as holds from '../storage/hold.repository.js';
import { itemsOfRecord, lockItem, setItemStatus } from '../storage/item.repository.js';
import { findBranch, findLibrary, listBranches } from '../storage/library.repository.js';
import { findActiveLoanForItem } from '../storage/loan.repository.js';
import { findPatronById, type StoredPatron } from '../storage/patron.repository.js';
import { offerShelfCopies, refuseForPatron, releaseTrappedItem, sendToNextHold } from './circulation.usecases.js';
import { newId, recordAccess, type Context } from './context.js';
import { queueHoldReady } from './notice.usecases.js';
import { requireItemByBarcode } from './item.usecases.js';
import { ruleFor } from './library-calendar.js';
import { lendsTo, lockedPatron, requirePatronByCard } from './patron-access.js';
import { requirePermission } from './authorization.js';
import { noteHoldReleased, noteItemTrapped } from './staff-lists.usecases.js';

export interface PlaceHoldInput {
  cardNumber: string;
  /** A hold on this copy. One of itemBarcode and recordId. */
  itemBarcode?: string;
  /** A title-level hold: the first copy of the record that comes free. */
  recordId?: string;
  /** Branch id or code for pick-up (of the lending library); the patron's home branch, or the item's, when absent. */
  pickupBranch?: string;
  /** A local day (YYYY-MM-DD) after which the patron no longer wants the title: the hold ends unfilled. */
  notNeededAfter?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Places a hold for a patron on a record (any copy) or on one item, in the patron's library or in
 * another member of the consortium when both profiles share patrons (RF-4): the lending library's
 * rules and branches apply. A copy on the shelf is trapped at once (the pick-up branch's own copy first)
 * and goes on the pull list; otherwise the hold waits in the queue and is trapped when a copy comes back.
 */
export async function placeHold(ctx: Context, input: PlaceHoldInput): Promise<Hold> {
  requirePermission(ctx, 'holds.place');
  const patron = await requirePatronByCard(ctx, input.cardNumber);
  return placeHoldFor(ctx, patron, input);
}

/** The hold itself, for a patron already found (the desk by card, the patron's own portal). */
export async function placeHoldFor(ctx: Context, found: StoredPatron, input: Omit<PlaceHoldInput, 'cardNumber'>): Promise<Hold> {
  if ((input.itemBarcode === undefined) === (input.recordId === undefined))
    throw refuse(ErrorCode.VALIDATION_FAILED, 'A hold names either an item barcode or a record, not both.', input.recordId === undefined ? 'itemBarcode' : 'recordId');
  if (input.notNeededAfter !== undefined && !isCalendarDay(input.notNeededAfter))
    throw refuse(ErrorCode.VALIDATION_FAILED, 'A "not needed after" date is YYYY-MM-DD.', 'notNeededAfter');
  // The patron's row first, then the copy or the title (the order check-outs take them in): holds placed
  // for one patron at once, on a title and on its copy, take turns, and the second finds the first. The
  // patron is read again under the lock, so a block that committed meanwhile is seen.
  const patron = await lockedPatron(ctx, found);
  let item: Item | undefined;
  let record: BibRecord | undefined;
  if (input.itemBarcode !== undefined) {
    item = await requireItemByBarcode(ctx, input.itemBarcode, patron.libraryId, { lock: true });
  } else {
    record = await lockRecord(ctx.trx, input.recordId ?? '');
    if (!record || !(await lendsTo(ctx, record.libraryId, patron.libraryId))) throw refuse(ErrorCode.RECORD_NOT_FOUND, 'No record has that id.', 'recordId');
  }
  const lenderId = item?.libraryId ?? (record as BibRecord).libraryId;
  const library = await findLibrary(ctx.trx, lenderId);
  if (!library) throw new Error('A record points at a library that does not exist.');
  const patronLibrary = lenderId === patron.libraryId ? library : await findLibrary(ctx.trx, patron.libraryId);
  const problems = patronBlocks(patron, await balanceOf(ctx.trx, patron.id), patronLibrary ?? library, ctx.now);
  if (item) {
    if (item.status === 'lost' || item.status === 'missing' || item.status === 'withdrawn')
      problems.push({ code: ErrorCode.ITEM_NOT_LOANABLE, message: `The item is marked ${item.status}.` });
    const loan = await findActiveLoanForItem(ctx.trx, item.id);
    if (loan?.patronId === patron.id) problems.push({ code: ErrorCode.HOLD_ON_OWN_LOAN, message: 'The patron already has this item.' });
    if ((await holds.findOpenHold(ctx.trx, patron.id, item.id)) || (item.recordId !== null && (await holds.findOpenRecordHold(ctx.trx, patron.id, item.recordId))))
      problems.push({ code: ErrorCode.HOLD_ALREADY_PLACED, message: 'The patron already has a hold on this item or its title.' });
    else if (item.recordId !== null && loan?.patronId !== patron.id && (await onLoanToPatron(ctx, await itemsOfRecord(ctx.trx, item.recordId), patron.id)))
      problems.push({ code: ErrorCode.HOLD_ON_OWN_LOAN, message: 'The patron already has a copy of this title.' });
  } else if (record) {
    const copies = (await itemsOfRecord(ctx.trx, record.id)).filter((c) => HOLDABLE.has(c.status));
    if (copies.length === 0) problems.push({ code: ErrorCode.ITEM_NOT_LOANABLE, message: 'The library has no copy of this title that can be lent.' });
    if ((await holds.findOpenRecordHold(ctx.trx, patron.id, record.id)) || (await anyOpenHoldOn(ctx, patron.id, copies)))
      problems.push({ code: ErrorCode.HOLD_ALREADY_PLACED, message: 'The patron already has a hold on this title or one of its copies.' });
    if (await onLoanToPatron(ctx, copies, patron.id)) problems.push({ code: ErrorCode.HOLD_ON_OWN_LOAN, message: 'The patron already has a copy of this title.' });
  }
  const defaultBranch = patron.homeBranchId !== null && patron.libraryId === lenderId ? patron.homeBranchId : (item?.branchId ?? (await listBranches(ctx.trx, lenderId))[0]?.id);
  const branch = await findBranch(ctx.trx, library.id, input.pickupBranch ?? defaultBranch ?? '');
  if (!branch) problems.push({ code: ErrorCode.BRANCH_NOT_FOUND, message: 'The library has no branch with that id or code.', field: 'pickupBranch' });
  refuseForPatron(ctx, patron, 'hold-refused', ['holds', 'fines'], problems);
  const pickupBranchId = (branch as Branch).id;

  const at = ctx.now.toISOString();
  const hold: Hold = {
    id: newId(),
    libraryId: library.id,
    patronId: patron.id,
    itemId: item?.id ?? null,
    recordId: record?.id ?? null,
    pickupBranchId,
    status: 'pending',
    placedAt: at,
    readyAt: null,
    pickupBy: null,
    endedAt: null,
    suspendedUntil: null,
    expiresAt: input.notNeededAfter !== undefined ? endOfLocalDay(input.notNeededAfter, library.timeZone) : null,
  };
  await holds.insertHold(ctx.trx, hold);
  await recordAccess(ctx, patron, 'hold-placed', ['holds']);
  // A copy on the shelf now: trapped at once, to be pulled (the pick-up branch's own copy first; a
  // damaged copy is not sent to another branch).
  const onShelf = item
    ? item.status === 'available' && (await lendable(ctx, patron, item))
      ? item
      : undefined
    : await bestCopyOnShelf(ctx, patron, record as BibRecord, pickupBranchId);
  if (onShelf) {
    const pickupBy = holdPickupDeadline(ctx.now, library).toISOString();
    await holds.assignHoldItem(ctx.trx, hold.id, onShelf.id);
    await holds.markHoldReady(ctx.trx, hold.id, at, pickupBy);
    await setItemStatus(ctx.trx, onShelf.id, 'on-hold-shelf');
    // Trapped on the open shelves: a pull list's row until someone fetches it.
    await noteItemTrapped(ctx, onShelf, pickupBranchId, { on: 'shelves', branchId: onShelf.branchId });
    await queueHoldReady(ctx, { ...hold, itemId: onShelf.id, pickupBy }, library);
    return { ...hold, itemId: onShelf.id, status: 'ready', readyAt: at, pickupBy };
  }
  return hold;
}

/** Item statuses a title-level hold may wait for (a copy out on loan comes back; one lost or withdrawn does not). */
const HOLDABLE = new Set<Item['status']>(['available', 'on-loan', 'on-hold-shelf']);

/** Whether the patron already waits for one of these copies by an item-level hold. */
async function anyOpenHoldOn(ctx: Context, patronId: string, copies: readonly Item[]): Promise<boolean> {
  for (const copy of copies) if (await holds.findOpenHold(ctx.trx, patronId, copy.id)) return true;
  return false;
}

/** A real calendar day written YYYY-MM-DD (2030-02-30 is not one). */
function isCalendarDay(text: string): boolean {
  return DAY.test(text) && DateTime.fromISO(text).isValid;
}

async function onLoanToPatron(ctx: Context, copies: readonly Item[], patronId: string): Promise<boolean> {
  for (const copy of copies.filter((c) => c.status === 'on-loan')) if ((await findActiveLoanForItem(ctx.trx, copy.id))?.patronId === patronId) return true;
  return false;
}

/** Whether the lending library's matrix lends this item to this patron's category at all. */
async function lendable(ctx: Context, patron: Pick<StoredPatron, 'categoryCode'>, item: Item): Promise<boolean> {
  const rule = await ruleFor(ctx, patron, item);
  return rule !== undefined && rule.loanDays > 0;
}

/** The copy on the shelf that fills a new title-level hold: at the pick-up branch first, then any undamaged copy. */
async function bestCopyOnShelf(ctx: Context, patron: StoredPatron, record: BibRecord, pickupBranchId: string): Promise<Item | undefined> {
  const onShelf = (await itemsOfRecord(ctx.trx, record.id)).filter((c) => c.status === 'available');
  const ordered = [...onShelf.filter((c) => c.branchId === pickupBranchId), ...onShelf.filter((c) => c.branchId !== pickupBranchId && !c.damaged)];
  for (const candidate of ordered) {
    const locked = await lockItem(ctx.trx, candidate.id);
    if (locked?.status === 'available' && (await lendable(ctx, patron, locked))) return locked;
  }
  return undefined;
}

/** The instant a local day ends in a time zone (the last moment a "not needed after" day still counts). */
function endOfLocalDay(day: string, timeZone: string): string {
  return DateTime.fromISO(day, { zone: timeZone }).endOf('day').toUTC().toISO() as string;
}

/**
 * Suspends a pending hold until a local day (it keeps its place in the queue and is passed over until
 * then), or resumes it (`until` null). The patron's own, or staff's for their library.
 */
export async function suspendHold(ctx: Context, input: { holdId: string; until: string | null }): Promise<Hold> {
  if (ctx.actor.kind !== 'patron') requirePermission(ctx, 'holds.place');
  const seen = await reachableHold(ctx, input.holdId);
  // The hold's copy first, then the hold read again under its lock (as a cancellation does): a check-in
  // trapping it at this moment wins, and the suspension finds it ready.
  if (seen.itemId !== null) await lockItem(ctx.trx, seen.itemId);
  const hold = (await holds.lockHold(ctx.trx, seen.id)) ?? seen;
  if (hold.status !== 'pending') throw refuse(ErrorCode.HOLD_NOT_ACTIVE, hold.status === 'ready' ? 'The hold is ready for pick-up; it can no longer be suspended.' : `The hold is already ${hold.status}.`, 'holdId');
  if (input.until !== null) {
    const library = await findLibrary(ctx.trx, hold.libraryId);
    if (!isCalendarDay(input.until)) throw refuse(ErrorCode.VALIDATION_FAILED, 'A suspension ends on a day, YYYY-MM-DD.', 'until');
    if (library && input.until <= localDay(ctx.now.toISOString(), library.timeZone)) throw refuse(ErrorCode.VALIDATION_FAILED, 'A suspension ends on a day after today.', 'until');
  }
  await holds.setHoldSuspension(ctx.trx, hold.id, input.until);
  await recordAccess(ctx, { id: hold.patronId, libraryId: hold.libraryId }, input.until === null ? 'hold-resumed' : 'hold-suspended', ['holds']);
  if (input.until === null) {
    // Resumed: a copy on the shelf now goes to the queue (the pick-up branch's own copies first)
    const library = await findLibrary(ctx.trx, hold.libraryId);
    const copies = hold.itemId !== null ? [await lockItem(ctx.trx, hold.itemId)] : hold.recordId !== null ? await itemsOfRecord(ctx.trx, hold.recordId) : [];
    const onShelf = copies.filter((c): c is Item => c !== undefined && c.status === 'available');
    if (library) await offerShelfCopies(ctx, [...onShelf.filter((c) => c.branchId === hold.pickupBranchId), ...onShelf.filter((c) => c.branchId !== hold.pickupBranchId)], library);
    const now = await holds.findHold(ctx.trx, hold.id);
    if (now) return now;
  }
  return { ...hold, suspendedUntil: input.until };
}

/** A hold the actor may act on: a patron their own, staff their library's; anything else is HOLD_NOT_FOUND. */
async function reachableHold(ctx: Context, holdId: string): Promise<Hold> {
  const hold = await holds.findHold(ctx.trx, holdId);
  const reachable = hold && (ctx.actor.kind === 'patron' ? hold.patronId === ctx.actor.id : canReachLibrary(ctx.actor, hold.libraryId).allowed);
  if (!hold || !reachable) throw refuse(ErrorCode.HOLD_NOT_FOUND, 'No hold has that id.', 'holdId');
  return hold;
}

/** Cancels a pending or ready hold; a trapped item goes to the next hold or back to the shelves. */
export async function cancelHold(ctx: Context, input: { holdId: string }): Promise<Hold> {
  // Staff cancel holds for their library; a patron cancels their own (and only their own).
  if (ctx.actor.kind !== 'patron') requirePermission(ctx, 'holds.cancel');
  const seen = await reachableHold(ctx, input.holdId);
  // The trapped copy first, then the hold read again under its lock (the order check-outs and check-ins
  // take them in): a check-out filling the hold at this moment wins, and the cancellation finds it fulfilled.
  if (seen.itemId !== null) await lockItem(ctx.trx, seen.itemId);
  const hold = (await holds.lockHold(ctx.trx, seen.id)) ?? seen;
  if (hold.status !== 'pending' && hold.status !== 'ready') throw refuse(ErrorCode.HOLD_NOT_ACTIVE, `The hold is already ${hold.status}.`);
  const at = ctx.now.toISOString();
  await holds.endHold(ctx.trx, hold.id, 'cancelled', at);
  if (hold.status === 'ready') await releaseTrappedItem(ctx, hold);
  const patron = await findPatronById(ctx.trx, hold.patronId);
  if (patron) await recordAccess(ctx, patron, 'hold-cancelled', ['holds']);
  return { ...hold, status: 'cancelled', endedAt: at };
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
    if (candidate.itemId === null) continue;
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
  // Holds still waiting whose "not needed after" day has passed end unfilled; the queue moves up.
  for (const lapsed of (await holds.lapsedPendingHolds(ctx.trx, at, input.libraryId)).filter((h) => canReachLibrary(ctx.actor, h.libraryId).allowed)) {
    await holds.endHold(ctx.trx, lapsed.id, 'expired', at);
    await recordAccess(ctx, { id: lapsed.patronId, libraryId: lapsed.libraryId }, 'hold-expired', ['holds']);
    expired++;
  }
  return { expired, trapped, reshelved };
}

export { shelfCode } from '../domain/circulation.rules.js';

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
