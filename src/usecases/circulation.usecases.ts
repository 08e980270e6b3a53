import { applyOverride, dueDate, daysLate, holdPickupDeadline, itemBlocks, loanLimitBlock, overdueFine, patronBlocks, shelfCode } from '../domain/circulation.rules.js';
import { localDay } from '../domain/clock.js';
import { DomainError, ErrorCode, refuse, type Problem } from '../domain/errors.js';
import type { Hold, Item, Library, Loan, LoanRule, Patron } from '../domain/types.js';
import { isUniqueViolation } from '../storage/errors.js';
import { balanceOf, insertFine, openFinesForItem, overdueFineSince, settleFine, topUpFine } from '../storage/fine.repository.js';
import * as holds from '../storage/hold.repository.js';
import { lockItem, setItemStatus, setItemStatusSeeingTask } from '../storage/item.repository.js';
import * as loans from '../storage/loan.repository.js';
import { findPatronById, lockPatronRow, touchActivity, type StoredPatron } from '../storage/patron.repository.js';
import type { LoanEntry } from '../domain/patron-document.js';
import { addCirculationStats } from '../storage/retention.repository.js';
import { newId, newTimeOrderedId, recordAccess, refusalFromRecord, type Context, type RecordCategory } from './context.js';
import { queueHoldReady } from './notice.usecases.js';
import { lockItemForCirculation, requireItemByBarcode } from './item.usecases.js';
import { lendsTo, requirePatronByCardForChange, requirePatronRef, type PatronRef } from './patron-access.js';
import { homeLibrary } from '../policy/scope.policy.js';
import { requirePermission } from './authorization.js';
import { loanTermsFor, openDaysOf, ruleFor } from './library-calendar.js';
import { findLibraryRow, libraryConfig, limitingCategory } from './library-config-cache.js';
import { noteHoldReleased, noteItemHandedOut, noteItemToReshelve, noteItemTrapped, type Whereabouts } from './staff-lists.usecases.js';

/** The borrower as the walks over loans read them: who, where, and the category that picks their rule. */
type Borrower = Pick<Patron, 'id' | 'libraryId' | 'categoryCode'>;

export interface CheckoutInput {
  cardNumber: string;
  itemBarcode: string;
  /**
   * Lend past the blocks an override may lend past (money owed, overdue items, the loan limit), for this
   * check-out only: staff with 'circulation.override', with the reason, which is kept sealed with the loan.
   */
  override?: { reason: string };
}

export interface CheckoutResult {
  loanId: string;
  patronId: string;
  itemBarcode: string;
  title: string;
  dueAt: string;
  /** Set when the check-out picked up a hold waiting for this patron. */
  fulfilledHoldId: string | null;
  /** The blocks an override lent past (empty when none stood in the way). */
  overriddenBlocks: string[];
}

async function libraryOf(ctx: Context, libraryId: string): Promise<Library> {
  return (await libraryConfig(ctx, libraryId)).library;
}

/**
 * The refusals read from the patron's own record: their status, card, balance, overdue items and loans,
 * and (for a hold) that they already wait for the title or have it out.
 */
const STANDING_CODES = new Set<string>([
  ErrorCode.PATRON_BLOCKED,
  ErrorCode.CARD_REPORTED_LOST,
  ErrorCode.PATRON_EXPIRED,
  ErrorCode.PATRON_OWES_FINES,
  ErrorCode.PATRON_HAS_OVERDUE_ITEMS,
  ErrorCode.LOAN_LIMIT_REACHED,
  ErrorCode.HOLD_ALREADY_PLACED,
  ErrorCode.HOLD_ON_OWN_LOAN,
]);

/**
 * Throws every collected problem at once, if there is any. A refusal that tells the asker something of
 * the patron's standing (owes too much, has overdue items, is at the loan limit) is a read of their
 * record and is logged on it, although nothing else of the use case is kept.
 */
export function refuseForPatron(ctx: Context, patron: { id: string; libraryId: string }, action: string, categories: readonly RecordCategory[], problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  const error = new DomainError(problems);
  throw problems.some((p) => STANDING_CODES.has(p.code)) ? refusalFromRecord(ctx, patron, action, categories, error) : error;
}

/** Reads an item by barcode and locks it for the rest of the transaction (one read). */
function lockItemByBarcode(ctx: Context, barcode: string, libraryId?: string): Promise<Item> {
  return requireItemByBarcode(ctx, barcode, libraryId, { lock: true });
}

/**
 * Lends an item to a patron. Every reason it cannot go out is collected and answered together; the
 * database's one-active-loan-per-item index makes a simultaneous second check-out fail cleanly.
 */
export async function checkout(ctx: Context, input: CheckoutInput): Promise<CheckoutResult> {
  requirePermission(ctx, 'circulation.checkout');
  // The patron's row is locked first, then the item (the order every use case takes them in), so two
  // check-outs for one patron at two desks or kiosks take turns: the second counts the first's loan
  // against the limit. The patron is read under the lock (one statement), so a block or a card reported
  // lost that committed while this waited is seen; everything counted below is read after it too.
  const patron = await requirePatronByCardForChange(ctx, input.cardNumber);
  // The item is the desk's library's (a consortium patron borrows another member's item at its desk);
  // the loan, its rules and its fines are the lending library's (RF-4).
  const { item } = await lockItemForCirculation(ctx, input.itemBarcode, homeLibrary(ctx.actor) ?? patron.libraryId);
  if (!(await lendsTo(ctx, item.libraryId, patron.libraryId)))
    throw refuse(ErrorCode.NOT_LENT_BETWEEN_LIBRARIES, 'This library does not lend to patrons of the patron’s library (their profiles do not share patrons).', 'cardNumber');
  const config = await libraryConfig(ctx, item.libraryId);
  const library = config.library;
  const category = await limitingCategory(ctx, config, patron);
  const { rule, branch } = await loanTermsFor(ctx, patron, item);
  const readyHold = item.status === 'on-hold-shelf' ? await holds.findReadyHoldForItem(ctx.trx, item.id) : undefined;
  // A copy taken from the shelf by a patron who was waiting for the title fills their hold.
  const found =
    readyHold === undefined && item.recordId !== null ? ((await holds.findOpenRecordHold(ctx.trx, patron.id, item.recordId)) ?? (await holds.findOpenHold(ctx.trx, patron.id, item.id))) : undefined;
  // Read again under its lock: a check-in of another copy may be trapping it for that copy at this moment.
  const lockedHold = found && (await holds.lockHold(ctx.trx, found.id));
  const waitingHold = lockedHold && (lockedHold.status === 'pending' || lockedHold.status === 'ready') ? lockedHold : undefined;
  // Overdue items, balance and active loans, in one statement after the patron's lock.
  const standing = await loans.standingOf(ctx.trx, patron.id, ctx.now.toISOString());
  const problems = [
    ...patronBlocks(patron, standing.owedCents, library, ctx.now, standing.overdueItems),
    ...loanLimitBlock(category ?? { maxLoans: null }, standing.activeLoans),
    ...itemBlocks(item, rule, readyHold?.patronId ?? null, patron.id),
  ];
  let overridden: Problem[] = [];
  let overrideReason: string | null = null;
  if (input.override !== undefined) {
    requirePermission(ctx, 'circulation.override');
    overrideReason = (input.override.reason ?? '').trim();
    if (overrideReason === '') throw refuse(ErrorCode.VALIDATION_FAILED, 'An override needs the reason for it.', 'override.reason');
    const applied = applyOverride(problems);
    refuseForPatron(ctx, patron, 'checkout-refused', ['circulation', 'fines'], applied.remaining);
    overridden = applied.overridden;
  } else {
    refuseForPatron(ctx, patron, 'checkout-refused', ['circulation', 'fines'], problems);
  }

  const loanId = newTimeOrderedId(ctx.now);
  const due = dueDate(ctx.now, (rule as LoanRule).loanDays, library.timeZone, await openDaysOf(ctx, library, item.branchId, branch)).toISOString();
  try {
    await loans.insertLoan(ctx.trx, {
      id: loanId,
      libraryId: library.id,
      patronId: patron.id,
      itemId: item.id,
      branchId: item.branchId,
      checkedOutAt: ctx.now.toISOString(),
      dueAt: due,
      renewals: 0,
      status: 'active',
      endedAt: null,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw refuse(ErrorCode.ITEM_ALREADY_ON_LOAN, 'The item is already on loan.', 'itemBarcode');
    throw error;
  }
  const hasTask = await setItemStatusSeeingTask(ctx.trx, item.id, 'on-loan');
  // Statistics count the loan now, once, under today (CB-A6, RF-3, IF-4: a count, no patron, no item).
  // Counted later — when it is anonymised — a month's counts would still change after it had ended.
  await addCirculationStats(ctx.trx, [
    { libraryId: library.id, day: localDay(ctx.now.toISOString(), library.timeZone), branchId: item.branchId, itemType: item.itemType, patronCategory: patron.categoryCode, ageBand: patron.ageBand, loans: 1 },
  ]);
  // Marked active (CB-F3) by the patron's id, not in the look-up by card: that statement crosses libraries
  // (the card is the one cross-library read, docs/SCALING.md), and a write there would change a patron of
  // another library before scope has decided.
  await touchActivity(ctx.trx, patron.id, ctx.now.toISOString());
  if (readyHold) await holds.endHold(ctx.trx, readyHold.id, 'fulfilled', ctx.now.toISOString());
  if (waitingHold) {
    // The patron took another copy than the one trapped for them: that one goes to the next hold.
    if (waitingHold.status === 'ready') await releaseTrappedItem(ctx, waitingHold);
    await holds.assignHoldItem(ctx.trx, waitingHold.id, item.id);
    await holds.endHold(ctx.trx, waitingHold.id, 'fulfilled', ctx.now.toISOString());
  }
  // An override that lent past a block is its own entry in the access log (who, when, for whom); the
  // reason is the patron's business and staff's words: sealed with the loan, never in the log.
  if (overridden.length > 0 && overrideReason !== null) await loans.setOverrideNote(ctx.trx, loanId, await ctx.vault.seal(patron.id, 'override-note', overrideReason));
  // (Setting the status said whether a task waits on the item: cleared only then.)
  if (hasTask) await noteItemHandedOut(ctx, item.id);
  await recordAccess(ctx, patron, overridden.length > 0 ? 'checkout-override' : 'checkout', readyHold ? ['circulation', 'holds'] : ['circulation']);
  return {
    loanId,
    patronId: patron.id,
    itemBarcode: item.barcode,
    title: item.title,
    dueAt: due,
    fulfilledHoldId: readyHold?.id ?? null,
    overriddenBlocks: overridden.map((p) => p.code),
  };
}

export interface CheckinResult {
  itemBarcode: string;
  title: string;
  /** The loan that ended; null when a lost item came back with no open loan. */
  loanId: string | null;
  returnedAt: string;
  daysLate: number;
  fine: { id: string; amountCents: number } | null;
  /** A lost-item charge cancelled because the item came back. */
  lostChargeCancelled: boolean;
  /** Where the item goes now: to the hold shelf of a branch, or back to the shelves. */
  routing: { to: 'hold-shelf'; holdId: string; pickupBranchId: string; pickupBy: string } | { to: 'shelf' };
}

/**
 * Takes an item back: ends the loan, brings the loan's overdue fine up to what the rule sets (the daily
 * accrual may have charged most of it already; nothing is charged twice), and traps the next hold. The
 * answer does not name the borrower: the desk needs the routing, not the reader.
 */
export async function checkin(ctx: Context, input: { itemBarcode: string; libraryId?: string }): Promise<CheckinResult> {
  requirePermission(ctx, 'circulation.checkin');
  const { item } = await lockItemForCirculation(ctx, input.itemBarcode, input.libraryId);
  const library = await libraryOf(ctx, item.libraryId);
  const at = ctx.now.toISOString();
  // The loan is ended in the statement that finds it, which answers its borrower's library and category too.
  const ended = await loans.endActiveLoanOfItem(ctx.trx, item.id, 'returned', at);
  const loan = ended?.loan;
  let fine: CheckinResult['fine'] = null;
  let late = 0;
  let lostChargeCancelled = false;

  if (ended) {
    const { loan: returned, borrower } = ended;
    late = daysLate(new Date(returned.dueAt), ctx.now, library.timeZone);
    // Back on time, nothing is owed whatever the rule (`overdueFine` counts late days): the rule is read only when late.
    const rule = late > 0 ? await ruleFor(ctx, borrower, item) : undefined;
    fine = rule ? shown(await topUpOverdue(ctx, returned, rule, library, null)) : null;
    await recordAccess(ctx, borrower, 'checkin', fine ? ['circulation', 'fines'] : ['circulation']);
  } else if (item.status === 'lost') {
    // A lost item came back: the replacement charge no longer applies where it is still unpaid.
    for (const charge of await openFinesForItem(ctx.trx, item.id, 'lost')) {
      await settleFine(ctx.trx, charge.id, 0, 'waived', at, await ctx.vault.seal(charge.patronId, 'fine-note', 'Item returned after being declared lost.'));
      lostChargeCancelled = true;
      const patron = await findPatronById(ctx.trx, charge.patronId);
      if (patron) await recordAccess(ctx, patron, 'lost-item-returned', ['fines']);
    }
  } else {
    throw refuse(ErrorCode.ITEM_NOT_ON_LOAN, 'The item is not on loan.', 'itemBarcode');
  }

  // Ending the loan said whether any pending hold could take the item: the queue is read only then (and
  // always for a lost item that came back with no loan).
  const routing = await sendToNextHold(ctx, item, library, undefined, undefined, { queueEmpty: ended !== undefined && !ended.holdWaits });
  return { itemBarcode: item.barcode, title: item.title, loanId: loan?.id ?? null, returnedAt: at, daysLate: late, fine, lostChargeCancelled, routing };
}

/** The loan's overdue fine as it stands after `topUpOverdue`, and how much this call added to it. */
interface OverdueCharge {
  id: string;
  amountCents: number;
  /** 0 when the fine already held what the loan has run up (or was waived). */
  addedCents: number;
  created: boolean;
}

/**
 * Brings the overdue fine of a loan's current stretch of lateness up to what the loan has run up by now
 * under its rule (capped by the rule's maximum), creating it the first time. The daily accrual, renewal
 * and check-in all call this, so the same late days are never charged twice: each tops up the one fine.
 * A waived fine stays waived; a paid one that grows opens again for the difference. Null when nothing
 * is owed for lateness.
 */
async function topUpOverdue(ctx: Context, loan: Loan, rule: LoanRule, library: Library, note: string | null): Promise<OverdueCharge | null> {
  const amount = overdueFine(new Date(loan.dueAt), ctx.now, rule, library.timeZone);
  if (amount <= 0) return null;
  const existing = await overdueFineSince(ctx.trx, loan.id, loan.dueAt);
  if (existing) {
    if (existing.status === 'waived') return null;
    if (amount <= existing.amountCents) return { id: existing.id, amountCents: existing.amountCents, addedCents: 0, created: false };
    const added = amount - existing.amountCents;
    await topUpFine(ctx.trx, existing.id, amount, existing.balanceCents + added);
    return { id: existing.id, amountCents: amount, addedCents: added, created: false };
  }
  const fine = { id: newId(), amountCents: amount, addedCents: amount, created: true };
  await insertFine(ctx.trx, {
    id: fine.id,
    libraryId: loan.libraryId,
    patronId: loan.patronId,
    loanId: loan.id,
    itemId: loan.itemId,
    kind: 'overdue',
    amountCents: amount,
    balanceCents: amount,
    status: 'open',
    note: note === null ? null : await ctx.vault.seal(loan.patronId, 'fine-note', note),
    createdAt: ctx.now.toISOString(),
    settledAt: null,
  });
  return fine;
}

/** What a desk answer shows of an overdue charge. */
function shown(charge: OverdueCharge | null): { id: string; amountCents: number } | null {
  return charge && { id: charge.id, amountCents: charge.amountCents };
}

/**
 * Puts an item that has just become free where it belongs: trapped for the oldest pending hold (it
 * goes to that hold's pick-up shelf), or back on the shelves.
 */
export async function sendToNextHold(
  ctx: Context,
  item: Item,
  library: Library,
  // Staff lists: where the item is now (checked in: in hand at its branch), and the hold-shelf slip it
  // still carries if it sits on a hold shelf (to reshelve when no hold takes it).
  where: Whereabouts = { on: 'hand', branchId: item.branchId },
  leftOnHoldShelf?: { branchId: string; shelfCode: string },
  // Known already: no pending hold names the item or (with no copy named) its record.
  known: { queueEmpty?: boolean } = {},
): Promise<CheckinResult['routing']> {
  const next = known.queueEmpty ? undefined : await nextHoldFor(ctx, item, library, where.branchId);
  if (!next) {
    await setItemStatus(ctx.trx, item.id, 'available');
    if (leftOnHoldShelf) await noteItemToReshelve(ctx, item, leftOnHoldShelf.branchId, leftOnHoldShelf.shelfCode);
    return { to: 'shelf' };
  }
  const pickupBy = holdPickupDeadline(ctx.now, library).toISOString();
  if (next.itemId === null) await holds.assignHoldItem(ctx.trx, next.id, item.id);
  await holds.markHoldReady(ctx.trx, next.id, ctx.now.toISOString(), pickupBy);
  await setItemStatus(ctx.trx, item.id, 'on-hold-shelf');
  await noteItemTrapped(ctx, item, next.pickupBranchId, where);
  const holder = await findPatronById(ctx.trx, next.patronId);
  if (holder) await recordAccess(ctx, holder, 'hold-trapped', ['holds']);
  // The holder is told, in this transaction: the notice exists if and only if the trap does.
  await queueHoldReady(ctx, { ...next, itemId: item.id, pickupBy }, library);
  return { to: 'hold-shelf', holdId: next.id, pickupBranchId: next.pickupBranchId, pickupBy };
}

/**
 * Offers copies on the open shelves to the holds waiting for them (a copy found again or repaired, a
 * hold resumed): each copy still available goes to the first hold in its queue it can fill, if any,
 * and onto the pull list; one no hold wants stays where it is.
 */
export async function offerShelfCopies(ctx: Context, copies: readonly Item[], library: Library): Promise<void> {
  for (const copy of copies) {
    const item = await lockItem(ctx.trx, copy.id);
    if (item?.status !== 'available') continue;
    if (await nextHoldFor(ctx, item, library, item.branchId)) await sendToNextHold(ctx, item, library, { on: 'shelves', branchId: item.branchId });
  }
}

/**
 * Frees the copy a ready hold that ended was holding: to the next hold, or back to the shelves (from a
 * hold shelf: reshelved under the ended hold's slip; one never pulled stays where it is).
 */
export async function releaseTrappedItem(ctx: Context, hold: Hold): Promise<void> {
  if (hold.itemId === null) return;
  const item = await lockItem(ctx.trx, hold.itemId);
  const library = await findLibraryRow(ctx, hold.libraryId);
  if (item && library && item.status === 'on-hold-shelf') {
    const where = await noteHoldReleased(ctx, hold, item.branchId);
    await sendToNextHold(ctx, item, library, where, where.wasOnHoldShelf ? { branchId: where.branchId, shelfCode: shelfCode(hold.id) } : undefined);
  } else if (item && item.status === 'on-hold-shelf') await setItemStatus(ctx.trx, item.id, 'available');
}

/**
 * The first hold in the queue this item can fill: holds on it and title-level holds on its record, not
 * suspended, those picking up where the item is first, then the oldest; passed over when the lending
 * library's matrix does not lend the item to the holder's category, or when the copy is damaged and the
 * hold picks up at another branch.
 */
async function nextHoldFor(ctx: Context, item: Item, library: Library, atBranchId: string) {
  const today = localDay(ctx.now.toISOString(), library.timeZone);
  for (const listed of await holds.pendingHoldsFor(ctx.trx, item, today, atBranchId, ctx.now.toISOString())) {
    if (item.damaged && listed.pickupBranchId !== atBranchId) continue;
    // Read again under its lock: a title-level hold is in the queue of every copy, and a check-in of
    // another copy at that moment may have trapped it (or a cancellation ended it) since the list was read.
    const candidate = await holds.lockHold(ctx.trx, listed.id);
    if (!candidate || candidate.status !== 'pending' || (candidate.itemId !== null && candidate.itemId !== item.id)) continue;
    if (candidate.itemId === null) {
      const holder = await findPatronById(ctx.trx, candidate.patronId);
      const rule = holder && (await ruleFor(ctx, holder, item));
      if (!rule || rule.loanDays <= 0) continue;
    }
    return candidate;
  }
  return undefined;
}

export interface RenewResult {
  loanId: string;
  itemBarcode: string;
  dueAt: string;
  renewals: number;
  renewalsLeft: number;
  /** The loan's overdue fine for the days late before this renewal (topped up, never charged twice). */
  fine: { id: string; amountCents: number } | null;
}

/**
 * Extends a loan by the rule's loan period from today. Refused when the renewals are used up, when
 * someone is waiting for the item, when the borrower may not borrow, or when the due date would not move
 * (renewing on the day of check-out: RENEWAL_NOT_DUE, and no renewal is spent). Days already late are charged.
 */
export async function renew(ctx: Context, input: { itemBarcode: string; libraryId?: string }): Promise<RenewResult> {
  requirePermission(ctx, 'circulation.renew');
  // The borrower's row first, then the item (the order check-outs take them in), and the loan read again
  // under both locks.
  const seen = await requireItemByBarcode(ctx, input.itemBarcode, input.libraryId);
  const borrower = (await loans.findActiveLoanForItem(ctx.trx, seen.id))?.patronId;
  if (borrower === undefined) throw refuse(ErrorCode.ITEM_NOT_ON_LOAN, 'The item is not on loan.', 'itemBarcode');
  await lockPatronRow(ctx.trx, borrower);
  const item = await lockItemByBarcode(ctx, input.itemBarcode, input.libraryId);
  const loan = await loans.findActiveLoanForItem(ctx.trx, item.id);
  if (!loan) throw refuse(ErrorCode.ITEM_NOT_ON_LOAN, 'The item is not on loan.', 'itemBarcode');
  // Returned and lent to someone else in between: a moment's race, answered as one.
  if (loan.patronId !== borrower) throw refuse(ErrorCode.STORAGE_BUSY, 'The item changed hands meanwhile; try again.');
  const patron = await findPatronById(ctx.trx, loan.patronId);
  if (!patron) throw new Error('A loan points at a patron that does not exist.');
  const outcome = await renewLoanOf(ctx, item, loan, patron);
  if (!outcome.ok) refuseForPatron(ctx, patron, 'renew-refused', ['circulation', 'fines'], outcome.problems);
  if (!outcome.ok) throw new DomainError(outcome.problems);
  await recordAccess(ctx, patron, 'renew', outcome.result.fine ? ['circulation', 'fines'] : ['circulation']);
  return outcome.result;
}

/**
 * Every reason a loan cannot be renewed now (none: it can), and the due date a renewal would give. Read
 * only: the patron's portal shows it beside each loan, and `renewLoanOf` acts on it.
 */
export async function renewalCheck(
  ctx: Context,
  item: Item,
  loan: Loan,
  patron: Pick<StoredPatron, 'id' | 'status' | 'expiresAt' | 'categoryCode'>,
): Promise<{ problems: Problem[]; due: string; rule: LoanRule | undefined; library: Library }> {
  const library = await libraryOf(ctx, item.libraryId);
  const rule = await ruleFor(ctx, patron, item);
  const problems = patronBlocks(patron, await balanceOf(ctx.trx, patron.id), library, ctx.now);
  if (!rule || loan.renewals >= rule.renewals)
    problems.push({ code: ErrorCode.RENEWAL_LIMIT_REACHED, message: 'The loan has been renewed as often as its rule allows.' });
  if ((await holds.countPendingHoldsForItem(ctx.trx, item.id, item.recordId, { day: localDay(ctx.now.toISOString(), library.timeZone), now: ctx.now.toISOString() })) > 0)
    problems.push({ code: ErrorCode.ITEM_HAS_HOLDS, message: 'Another patron is waiting for this item.' });
  const due = rule ? dueDate(ctx.now, rule.loanDays, library.timeZone, await openDaysOf(ctx, library, item.branchId)).toISOString() : loan.dueAt;
  // A renewal that would not move the due date would spend a renewal for nothing (said only while one is left).
  if (rule && loan.renewals < rule.renewals && new Date(due).getTime() <= new Date(loan.dueAt).getTime())
    problems.push({ code: ErrorCode.RENEWAL_NOT_DUE, message: 'Renewing now would not move the due date; no renewal was used.' });
  return { problems, due, rule, library };
}

/** One loan's renewal: done (the loan is extended, any late days charged), or the reasons it cannot be. */
export async function renewLoanOf(
  ctx: Context,
  item: Item,
  loan: Loan,
  patron: Pick<StoredPatron, 'id' | 'status' | 'expiresAt' | 'categoryCode'>,
): Promise<{ ok: true; result: RenewResult } | { ok: false; problems: Problem[] }> {
  const { problems, due, rule, library } = await renewalCheck(ctx, item, loan, patron);
  if (problems.length > 0) return { ok: false, problems };

  const applied = rule as LoanRule;
  const fine = shown(await topUpOverdue(ctx, loan, applied, library, 'Charged at renewal for the days already late.'));
  await loans.renewLoan(ctx.trx, loan.id, due, loan.renewals + 1);
  await touchActivity(ctx.trx, patron.id, ctx.now.toISOString());
  return { ok: true, result: { loanId: loan.id, itemBarcode: item.barcode, dueAt: due, renewals: loan.renewals + 1, renewalsLeft: applied.renewals - loan.renewals - 1, fine } };
}

export interface RenewAllResult {
  patronId: string;
  renewed: RenewResult[];
  /** Loans that stay as they were, each with every reason. */
  refused: { loanId: string; itemBarcode: string; dueAt: string; problems: Problem[] }[];
}

/** One loan's outcome in a renew-all: renewed, or refused with every reason. */
export interface EachRenewal {
  entry: LoanEntry;
  loan: Loan;
  item: Item;
  outcome: { ok: true; result: RenewResult } | { ok: false; problems: Problem[] };
}

/**
 * Tries to renew every loan a patron has out, the soonest due first; a refusal of one does not stop the
 * others. Each loan is reached by its own item, not by barcode within the actor's reach: a patron's loans
 * include copies borrowed from other members of a consortium (RF-4), renewed under their lender's rules.
 * The desk's renew-all and the patron's own share it; each logs its access.
 */
export async function renewEachLoan(ctx: Context, patron: StoredPatron): Promise<EachRenewal[]> {
  // The patron's row first, then each item (the order check-outs take them in).
  await lockPatronRow(ctx.trx, patron.id);
  const out = (await loans.loansOfPatron(ctx.trx, patron.id, 'active')).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const done: EachRenewal[] = [];
  for (const entry of out) {
    const item = await lockItem(ctx.trx, entry.itemId);
    if (!item) continue;
    const loan = await loans.findActiveLoanForItem(ctx.trx, item.id);
    if (!loan || loan.id !== entry.id) continue;
    done.push({ entry, loan, item, outcome: await renewLoanOf(ctx, item, loan, patron) });
  }
  return done;
}

/**
 * Renews every item a patron has out, in the order they fall due: each loan that can be renewed is, and
 * each one that cannot says why (a refusal of one does not stop the others). One entry in the access log.
 */
export async function renewAll(ctx: Context, input: PatronRef & { libraryId?: string }): Promise<RenewAllResult> {
  requirePermission(ctx, 'circulation.renew');
  const patron = await requirePatronRef(ctx, input);
  const result: RenewAllResult = { patronId: patron.id, renewed: [], refused: [] };
  for (const { loan, item, outcome } of await renewEachLoan(ctx, patron)) {
    if (outcome.ok) result.renewed.push(outcome.result);
    else result.refused.push({ loanId: loan.id, itemBarcode: item.barcode, dueAt: loan.dueAt, problems: outcome.problems });
  }
  await recordAccess(ctx, patron, 'renew-all', result.renewed.some((r) => r.fine) ? ['circulation', 'fines'] : ['circulation']);
  return result;
}

/**
 * Declares an item lost. On loan: the loan ends as lost and the borrower is charged the replacement
 * cost (or the library's default) and the library's processing fee. Not on loan: it is marked missing,
 * and nobody is charged.
 */
export async function declareLost(ctx: Context, input: { itemBarcode: string; libraryId?: string }) {
  requirePermission(ctx, 'circulation.lost');
  const item = await lockItemByBarcode(ctx, input.itemBarcode, input.libraryId);
  if (item.status === 'lost' || item.status === 'missing' || item.status === 'withdrawn')
    throw refuse(ErrorCode.ITEM_NOT_LOANABLE, `The item is already marked ${item.status}.`, 'itemBarcode');
  const loan = await loans.findActiveLoanForItem(ctx.trx, item.id);
  const at = ctx.now.toISOString();
  if (!loan) {
    // A missing item cannot be picked up: the patron waiting for it loses the hold, and that is a change
    // to their record (logged).
    const ready = await holds.findReadyHoldForItem(ctx.trx, item.id);
    if (ready) {
      await holds.endHold(ctx.trx, ready.id, 'cancelled', at);
      await recordAccess(ctx, { id: ready.patronId, libraryId: ready.libraryId }, 'hold-cancelled', ['holds']);
    }
    await setItemStatus(ctx.trx, item.id, 'missing');
    return { itemBarcode: item.barcode, status: 'missing' as const, charge: null };
  }
  const library = await libraryOf(ctx, item.libraryId);
  const patron = await findPatronById(ctx.trx, loan.patronId);
  if (!patron) throw new Error('A loan points at a patron that does not exist.');
  const charged = await loseLoan(ctx, item, loan, library, patron);
  await recordAccess(ctx, patron, 'declare-lost', ['circulation', 'fines']);
  return { itemBarcode: item.barcode, status: 'lost' as const, ...charged };
}

/**
 * Ends a loan as lost and charges the borrower: the item's replacement cost, else the library's default
 * lost-item charge (a `lost` fine, cancelled if the item comes back), and the library's processing fee
 * when it has one (a `fee` fine, which stays).
 */
async function loseLoan(ctx: Context, item: Item, loan: Loan, library: Library, patron: Borrower) {
  const at = ctx.now.toISOString();
  const amount = item.replacementCostCents ?? library.defaultLostChargeCents;
  const charge = { id: newId(), amountCents: amount };
  const fee = library.processingFeeCents > 0 ? { id: newId(), amountCents: library.processingFeeCents } : null;
  await loans.endLoan(ctx.trx, loan.id, 'lost', at);
  await setItemStatus(ctx.trx, item.id, 'lost');
  const base = { libraryId: library.id, patronId: patron.id, loanId: loan.id, itemId: item.id, status: 'open' as const, note: null, createdAt: at, settledAt: null };
  await insertFine(ctx.trx, { ...base, id: charge.id, kind: 'lost', amountCents: amount, balanceCents: amount });
  if (fee) await insertFine(ctx.trx, { ...base, id: fee.id, kind: 'fee', amountCents: fee.amountCents, balanceCents: fee.amountCents });
  return { charge, fee };
}

/** A page of a scheduled job's walk over a library's overdue loans. */
export interface OverduePageInput {
  libraryId: string;
  /** The last loan id of the previous page (null: from the start). */
  afterId: string | null;
  limit: number;
}

/**
 * Each active overdue loan of a page, with its item locked and the loan read again under the lock (a
 * check-in or renewal that got there first wins), its borrower and its rule. Answers where the next
 * page starts (null: done).
 */
async function walkOverdue(
  ctx: Context,
  input: OverduePageInput,
  visit: (loan: Loan, item: Item, patron: Borrower, library: Library) => Promise<void>,
): Promise<{ seen: number; next: string | null }> {
  const library = await findLibraryRow(ctx, input.libraryId);
  if (!library) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'libraryId');
  const page = await loans.overdueActiveLoans(ctx.trx, library.id, ctx.now.toISOString(), input.afterId, input.limit);
  for (const candidate of page) {
    const item = await lockItem(ctx.trx, candidate.itemId);
    const loan = item && (await loans.findActiveLoanForItem(ctx.trx, item.id));
    if (!item || !loan || loan.id !== candidate.id || new Date(loan.dueAt).getTime() >= ctx.now.getTime()) continue;
    const patron = await findPatronById(ctx.trx, loan.patronId);
    if (!patron) throw new Error('A loan points at a patron that does not exist.');
    await visit(loan, item, patron, library);
  }
  return { seen: page.length, next: page.length < input.limit ? null : (page[page.length - 1] as Loan).id };
}

/**
 * The daily accrual of overdue fines for items still out (run by the scheduler as the system): each
 * overdue loan's fine is created or topped up to what it has run up by today, capped by its rule's
 * maximum. Check-in and renewal later top up the same fine, so no day is charged twice.
 */
export async function accrueOverdueFines(ctx: Context, input: OverduePageInput) {
  requirePermission(ctx, 'jobs.manage');
  let created = 0;
  let toppedUp = 0;
  let addedCents = 0;
  const page = await walkOverdue(ctx, input, async (loan, item, patron, library) => {
    const rule = await ruleFor(ctx, patron, item);
    const charge = rule ? await topUpOverdue(ctx, loan, rule, library, null) : null;
    if (!charge || charge.addedCents === 0) return;
    if (charge.created) created++;
    else toppedUp++;
    addedCents += charge.addedCents;
    await recordAccess(ctx, patron, 'fine-accrued', ['fines']);
  });
  return { ...page, created, toppedUp, addedCents };
}

/**
 * Declares lost the items out longer than the library's long-overdue delay allows (whole local days
 * past the due date, more than `long_overdue_days`; never when the library has none), and charges the
 * borrower as a declared loss does. Run by the scheduler as the system.
 */
export async function markLongOverdueLost(ctx: Context, input: OverduePageInput) {
  requirePermission(ctx, 'jobs.manage');
  let lost = 0;
  let chargedCents = 0;
  let feesCents = 0;
  const page = await walkOverdue(ctx, input, async (loan, item, patron, library) => {
    if (library.longOverdueDays === null || daysLate(new Date(loan.dueAt), ctx.now, library.timeZone) <= library.longOverdueDays) return;
    const { charge, fee } = await loseLoan(ctx, item, loan, library, patron);
    // The item is gone: a hold waiting for it cannot be filled from this copy, but stays in the queue for
    // the day it comes back (check-in traps it then).
    lost++;
    chargedCents += charge.amountCents;
    feesCents += fee?.amountCents ?? 0;
    await recordAccess(ctx, patron, 'long-overdue-lost', ['circulation', 'fines']);
  });
  return { ...page, lost, chargedCents, feesCents };
}
