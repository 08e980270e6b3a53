/**
 * Staff lists (issue 15): overdue items, holds to pull, expired holds to reshelve, items in transit —
 * for staff on duty (`circulation.lists`). Each list shows what its task needs: the pull, reshelving and
 * transit lists name no patron; the overdue list names one only to staff whose role may recover
 * materials and who say so (purpose `materials-recovery`, CB-A3/RF-10), and then only the name and the
 * address of the channel the patron chose for notices (JC-VI).
 *
 * Every list is a look at circulation records and is logged: one entry in the library's chain naming the
 * list and who looked, and one per patron whose loan or hold a row stands for (as the hold shelf does).
 *
 * The pull, transit and reshelving lists read the work an item waits for (`item_tasks`), which the
 * circulation use cases note as holds trap and release items (`noteItemTrapped`, `noteHoldReleased`,
 * `noteItemHandedOut`); staff mark a row done with `completeItemTask`.
 */
import { daysLate, localDate } from '../domain/circulation.rules.js';
import { ErrorCode, refuse } from '../domain/errors.js';
import type { ItemTask, OverdueContact, OverdueRow, PullRow, ReshelveRow, StaffList, TransitRow } from '../domain/staff-lists.js';
import type { Hold, Item } from '../domain/types.js';
import type { Branch } from '../domain/types.js';
import { findBranch } from '../storage/library.repository.js';
import { findPatronById } from '../storage/patron.repository.js';
import * as lists from '../storage/staff-lists.repository.js';
import { requirePermission, requirePurpose } from './authorization.js';
import { recordAccess, recordLibraryChange, type Context } from './context.js';
import { requireItemByBarcode } from './item.usecases.js';
import { requireLibrary } from './library-access.js';
import { openPatron } from './patron-records.js';

export interface ListInput {
  libraryId: string;
  /** A branch's id or code: only its items (overdue), its shelves (pull, reshelve), to or from it (transit). */
  branch?: string;
}

async function begin(ctx: Context, input: ListInput, list: StaffList, namedPurpose = false): Promise<{ libraryId: string; branch?: Branch }> {
  if (namedPurpose) requirePurpose(ctx, 'circulation.lists');
  else requirePermission(ctx, 'circulation.lists');
  const library = await requireLibrary(ctx, input.libraryId);
  let branch: Branch | undefined;
  if (input.branch !== undefined) {
    branch = await findBranch(ctx.trx, library.id, input.branch);
    if (!branch) throw refuse(ErrorCode.BRANCH_NOT_FOUND, 'The library has no branch with that id or code.', 'branch');
  }
  await recordLibraryChange(ctx, library.id, `list-viewed:${list}${branch ? `:${branch.code}` : ''}`);
  return { libraryId: library.id, branch };
}

/** Logs a look at the loan or hold of each patron a list's rows stand for, once per patron. */
async function logPatrons(ctx: Context, libraryId: string, patronIds: readonly (string | null)[], action: string, categories: readonly ('circulation' | 'holds' | 'registration')[]) {
  for (const id of new Set(patronIds)) if (id !== null) await recordAccess(ctx, { id, libraryId }, action, categories);
}

/**
 * Items overdue: item, branch, due date and days overdue, most overdue first; `minDaysOverdue` keeps the
 * longer ones. The patron's contact is added only when the request's purpose is `materials-recovery` and
 * one of the actor's roles grants both the list and that purpose; for anyone else, no patron field.
 */
export async function overdueList(ctx: Context, input: ListInput & { minDaysOverdue?: number }): Promise<OverdueRow[]> {
  const minDays = input.minDaysOverdue ?? 1;
  if (!Number.isInteger(minDays) || minDays < 1) throw refuse(ErrorCode.VALIDATION_FAILED, 'The minimum days overdue is a whole number of at least 1.', 'minDaysOverdue');
  // Named purpose `materials-recovery`: the role must allow it (else PURPOSE_NOT_ALLOWED), and the rows
  // then carry the contact. Any other purpose: the list as staff on duty work it, no patron.
  const withContact = ctx.purpose === 'materials-recovery';
  const { libraryId, branch } = await begin(ctx, input, 'overdue', withContact);
  const library = await requireLibrary(ctx, libraryId);
  const loans = await lists.overdueLoans(ctx.trx, libraryId, ctx.now.toISOString(), branch?.id);
  const rows = loans
    .map((loan) => ({ ...loan, daysOverdue: daysLate(new Date(loan.dueAt), ctx.now, library.timeZone) }))
    .filter((loan) => loan.daysOverdue >= minDays)
    .sort((a, b) => b.daysOverdue - a.daysOverdue || a.itemBarcode.localeCompare(b.itemBarcode));
  const contacts = new Map<string, OverdueContact | null>();
  if (withContact)
    for (const id of new Set(rows.map((r) => r.patronId))) {
      const stored = await findPatronById(ctx.trx, id);
      if (!stored) continue;
      const { personal } = await openPatron(ctx, stored);
      // A patron who chose both is reached first by email.
      const channel = stored.noticeChannel === 'both' ? 'email' : stored.noticeChannel;
      contacts.set(id, { name: personal.name, channel, address: channel === 'email' ? personal.email : channel === 'text' ? personal.phone : null });
    }
  await logPatrons(ctx, libraryId, rows.map((r) => r.patronId), withContact ? 'overdue-list-contact' : 'overdue-list', withContact ? ['circulation', 'registration'] : ['circulation']);
  return rows.map((r) => ({ itemBarcode: r.itemBarcode, title: r.title, branchCode: r.branchCode, dueAt: r.dueAt, dueOn: localDate(new Date(r.dueAt), library.timeZone), daysOverdue: r.daysOverdue, contact: contacts.get(r.patronId) ?? null }));
}

/** Holds to pull: items on the open shelves trapped for a hold; what finding them needs, no patron. */
export async function pullList(ctx: Context, input: ListInput): Promise<PullRow[]> {
  const { libraryId, branch } = await begin(ctx, input, 'pull');
  const rows = await lists.itemTasks(ctx.trx, libraryId, 'pull', branch?.id);
  await logPatrons(ctx, libraryId, rows.map((r) => r.patronId), 'pull-list', ['holds']);
  return rows.map((r) => ({ itemBarcode: r.itemBarcode, title: r.title, author: r.author, itemType: r.itemType, branchCode: r.branchCode, pickupBranchCode: r.toBranchCode ?? r.branchCode, since: r.since }));
}

/** Expired holds to reshelve: items on a hold shelf whose hold expired or was cancelled (shelf code, item). */
export async function expiredHoldsList(ctx: Context, input: ListInput): Promise<ReshelveRow[]> {
  const { libraryId, branch } = await begin(ctx, input, 'expired-holds');
  const rows = await lists.itemTasks(ctx.trx, libraryId, 'reshelve', branch?.id);
  return rows.map((r) => ({ shelfCode: r.shelfCode, itemBarcode: r.itemBarcode, title: r.title, branchCode: r.branchCode, since: r.since }));
}

/** Items in transit between branches for a hold: item, from, to, since; no patron. */
export async function inTransitList(ctx: Context, input: ListInput): Promise<TransitRow[]> {
  const { libraryId, branch } = await begin(ctx, input, 'in-transit');
  const rows = await lists.itemTasks(ctx.trx, libraryId, 'transit', branch?.id);
  await logPatrons(ctx, libraryId, rows.map((r) => r.patronId), 'transit-list', ['holds']);
  return rows.map((r) => ({ itemBarcode: r.itemBarcode, title: r.title, fromBranchCode: r.branchCode, toBranchCode: r.toBranchCode ?? r.branchCode, since: r.since }));
}

export interface CompletedTask {
  itemBarcode: string;
  /** What was done. */
  done: 'pulled' | 'received' | 'reshelved';
  /** What the item waits for now: a pulled item for another branch goes in transit; otherwise nothing. */
  next: 'in-transit' | 'hold-shelf' | 'shelf';
}

/**
 * Marks a list's row done, by the item's barcode: pulled (onto the hold shelf, or in transit when the
 * pick-up branch is another), received at the pick-up branch (onto its hold shelf), reshelved.
 */
export async function completeItemTask(ctx: Context, input: { libraryId: string; itemBarcode: string }): Promise<CompletedTask> {
  requirePermission(ctx, 'circulation.lists');
  const library = await requireLibrary(ctx, input.libraryId);
  const item = await requireItemByBarcode(ctx, input.itemBarcode, library.id, { lock: true });
  const task = await lists.findItemTask(ctx.trx, item.id);
  if (!task) throw refuse(ErrorCode.ITEM_NOT_ON_LIST, 'The item is on no staff list: nothing waits to be done with it.', 'itemBarcode');
  await lists.clearItemTask(ctx.trx, item.id);
  let result: CompletedTask;
  if (task.kind === 'pull' && task.toBranchId !== null && task.toBranchId !== task.branchId) {
    await lists.setItemTask(ctx.trx, { itemId: item.id, libraryId: library.id, kind: 'transit', branchId: task.branchId, toBranchId: task.toBranchId, shelfCode: null, since: ctx.now.toISOString() });
    result = { itemBarcode: item.barcode, done: 'pulled', next: 'in-transit' };
  } else if (task.kind === 'pull') result = { itemBarcode: item.barcode, done: 'pulled', next: 'hold-shelf' };
  else if (task.kind === 'transit') result = { itemBarcode: item.barcode, done: 'received', next: 'hold-shelf' };
  else result = { itemBarcode: item.barcode, done: 'reshelved', next: 'shelf' };
  // Names the item, never a patron: the item's barcode is catalogue data.
  await recordLibraryChange(ctx, library.id, `list-done:${task.kind}:${item.barcode}`);
  return result;
}

/**
 * Where an item is when a hold traps it: still on the open shelves of its branch (placing a hold on an
 * item on the shelf), or in staff's hands or on a hold shelf at a branch (checked in, or passed on from
 * a hold that ended).
 */
export type Whereabouts = { on: 'shelves'; branchId: string } | { on: 'hand'; branchId: string };

/**
 * Notes the work a trapped item now waits for: pulled from the shelves for the hold, or carried to the
 * hold's pick-up branch when it is elsewhere; nothing when it is already where it is picked up.
 */
export async function noteItemTrapped(ctx: Context, item: Pick<Item, 'id' | 'libraryId'>, pickupBranchId: string, where: Whereabouts): Promise<void> {
  const base = { itemId: item.id, libraryId: item.libraryId, branchId: where.branchId, toBranchId: pickupBranchId, shelfCode: null, since: ctx.now.toISOString() };
  if (where.on === 'shelves') await lists.setItemTask(ctx.trx, { ...base, kind: 'pull' });
  else if (pickupBranchId !== where.branchId) await lists.setItemTask(ctx.trx, { ...base, kind: 'transit' });
  else await lists.clearItemTask(ctx.trx, item.id);
}

/**
 * A ready hold ended (expired or cancelled) before pick-up: where its item is now. An item still to be
 * pulled is still on the shelves; one in transit is taken as arrived at the pick-up branch; otherwise it
 * sits on the hold's pick-up shelf, to be reshelved (under the hold's shelf code) unless the next hold
 * takes it. The caller then passes the item on and, if it goes back to the shelves, calls
 * `noteItemToReshelve`.
 */
export async function noteHoldReleased(ctx: Context, hold: Pick<Hold, 'itemId' | 'pickupBranchId'>, itemBranchId: string): Promise<Whereabouts & { wasOnHoldShelf: boolean }> {
  if (hold.itemId === null) return { on: 'shelves', branchId: itemBranchId, wasOnHoldShelf: false };
  const task = await lists.findItemTask(ctx.trx, hold.itemId);
  await lists.clearItemTask(ctx.trx, hold.itemId);
  if (task?.kind === 'pull') return { on: 'shelves', branchId: itemBranchId, wasOnHoldShelf: false };
  return { on: 'hand', branchId: task?.kind === 'transit' ? (task.toBranchId ?? hold.pickupBranchId) : hold.pickupBranchId, wasOnHoldShelf: true };
}

/** An item left on a hold shelf by a hold that ended, with no next hold: to reshelve. */
export async function noteItemToReshelve(ctx: Context, item: Pick<Item, 'id' | 'libraryId'>, branchId: string, shelfCode: string): Promise<void> {
  await lists.setItemTask(ctx.trx, { itemId: item.id, libraryId: item.libraryId, kind: 'reshelve', branchId, toBranchId: null, shelfCode, since: ctx.now.toISOString() });
}

/** An item left the building on a loan (picked up, or checked out in passing): no work waits on it. */
export async function noteItemHandedOut(ctx: Context, itemId: string): Promise<void> {
  await lists.clearItemTask(ctx.trx, itemId);
}

export type { ItemTask };
