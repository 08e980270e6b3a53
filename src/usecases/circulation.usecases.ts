import { applyOverride, dueDate, daysLate, holdPickupDeadline, itemBlocks, loanLimitBlock, overdueFine, patronBlocks } from '../domain/circulation.rules.js';
import { localDay } from '../domain/clock.js';
import { DomainError, ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import type { Item, Library, Loan, LoanRule } from '../domain/types.js';
import { isUniqueViolation } from '../storage/errors.js';
import { balanceOf, insertFine, openFinesForItem, settleFine } from '../storage/fine.repository.js';
import * as holds from '../storage/hold.repository.js';
import { setItemStatus } from '../storage/item.repository.js';
import { findCategory, findLibrary } from '../storage/library.repository.js';
import * as loans from '../storage/loan.repository.js';
import { findPatronById, touchActivity, type StoredPatron } from '../storage/patron.repository.js';
import { addCirculationStats } from '../storage/retention.repository.js';
import { newId, newTimeOrderedId, recordAccess, type Context } from './context.js';
import { requireItemByBarcode } from './item.usecases.js';
import { requirePatronByCard, requirePatronRef, type PatronRef } from './patron-access.js';
import { requirePermission } from './authorization.js';
import { openDaysOf, ruleFor } from './library-calendar.js';

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
  const library = await findLibrary(ctx.trx, libraryId);
  if (!library) throw new Error('A record points at a library that does not exist.');
  return library;
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
  const patron = await requirePatronByCard(ctx, input.cardNumber);
  const library = await libraryOf(ctx, patron.libraryId);
  const item = await lockItemByBarcode(ctx, input.itemBarcode, patron.libraryId);
  const category = await findCategory(ctx.trx, library.id, patron.categoryCode);
  const rule = await ruleFor(ctx, patron, item);
  const readyHold = item.status === 'on-hold-shelf' ? await holds.findReadyHoldForItem(ctx.trx, item.id) : undefined;
  const overdueItems = await loans.countOverdueLoans(ctx.trx, patron.id, ctx.now.toISOString());
  const problems = [
    ...patronBlocks(patron, await balanceOf(ctx.trx, patron.id), library, ctx.now, overdueItems),
    ...loanLimitBlock(category ?? { maxLoans: null }, await loans.countActiveLoans(ctx.trx, patron.id)),
    ...itemBlocks(item, rule, readyHold?.patronId ?? null, patron.id),
  ];
  let overridden: Problem[] = [];
  let overrideReason: string | null = null;
  if (input.override !== undefined) {
    requirePermission(ctx, 'circulation.override');
    overrideReason = (input.override.reason ?? '').trim();
    if (overrideReason === '') throw refuse(ErrorCode.VALIDATION_FAILED, 'An override needs the reason for it.', 'override.reason');
    const applied = applyOverride(problems);
    refuseAll(applied.remaining);
    overridden = applied.overridden;
  } else {
    refuseAll(problems);
  }

  const loanId = newTimeOrderedId(ctx.now);
  const due = dueDate(ctx.now, (rule as LoanRule).loanDays, library.timeZone, await openDaysOf(ctx, library, item.branchId)).toISOString();
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
  await setItemStatus(ctx.trx, item.id, 'on-loan');
  // Statistics count the loan now, once, under today (CB-A6, RF-3, IF-4: a count, no patron, no item).
  // Counted later — when it is anonymised — a month's counts would still change after it had ended.
  await addCirculationStats(ctx.trx, [
    { libraryId: library.id, day: localDay(ctx.now.toISOString(), library.timeZone), branchId: item.branchId, itemType: item.itemType, patronCategory: patron.categoryCode, ageBand: patron.ageBand, loans: 1 },
  ]);
  await touchActivity(ctx.trx, patron.id, ctx.now.toISOString());
  if (readyHold) await holds.endHold(ctx.trx, readyHold.id, 'fulfilled', ctx.now.toISOString());
  // An override that lent past a block is its own entry in the access log (who, when, for whom); the
  // reason is the patron's business and staff's words: sealed with the loan, never in the log.
  if (overridden.length > 0 && overrideReason !== null) await loans.setOverrideNote(ctx.trx, loanId, await ctx.vault.seal(patron.id, 'override-note', overrideReason));
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
 * Takes an item back: ends the loan, charges the overdue fine the loan rule sets, and traps the next
 * hold. The answer does not name the borrower: the desk needs the routing, not the reader.
 */
export async function checkin(ctx: Context, input: { itemBarcode: string; libraryId?: string }): Promise<CheckinResult> {
  requirePermission(ctx, 'circulation.checkin');
  const item = await lockItemByBarcode(ctx, input.itemBarcode, input.libraryId);
  const library = await libraryOf(ctx, item.libraryId);
  const at = ctx.now.toISOString();
  const loan = await loans.findActiveLoanForItem(ctx.trx, item.id);
  let fine: CheckinResult['fine'] = null;
  let late = 0;
  let lostChargeCancelled = false;

  if (loan) {
    const patron = await findPatronById(ctx.trx, loan.patronId);
    if (!patron) throw new Error('A loan points at a patron that does not exist.');
    await loans.endLoan(ctx.trx, loan.id, 'returned', at);
    late = daysLate(new Date(loan.dueAt), ctx.now, library.timeZone);
    const rule = await ruleFor(ctx, patron, item);
    fine = rule ? await chargeOverdue(ctx, loan, rule, library, null) : null;
    await recordAccess(ctx, patron, 'checkin', fine ? ['circulation', 'fines'] : ['circulation']);
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

  const routing = await sendToNextHold(ctx, item, library);
  return { itemBarcode: item.barcode, title: item.title, loanId: loan?.id ?? null, returnedAt: at, daysLate: late, fine, lostChargeCancelled, routing };
}

/** Charges the overdue fine a loan has run up by now under its rule, if any; returns the fine. */
async function chargeOverdue(ctx: Context, loan: Loan, rule: LoanRule, library: Library, note: string | null): Promise<{ id: string; amountCents: number } | null> {
  const amount = overdueFine(new Date(loan.dueAt), ctx.now, rule, library.timeZone);
  if (amount <= 0) return null;
  const fine = { id: newId(), amountCents: amount };
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

/**
 * Puts an item that has just become free where it belongs: trapped for the oldest pending hold (it
 * goes to that hold's pick-up shelf), or back on the shelves.
 */
export async function sendToNextHold(ctx: Context, item: Item, library: Library): Promise<CheckinResult['routing']> {
  const next = await holds.nextPendingHold(ctx.trx, item.id);
  if (!next) {
    await setItemStatus(ctx.trx, item.id, 'available');
    return { to: 'shelf' };
  }
  const pickupBy = holdPickupDeadline(ctx.now, library).toISOString();
  await holds.markHoldReady(ctx.trx, next.id, ctx.now.toISOString(), pickupBy);
  await setItemStatus(ctx.trx, item.id, 'on-hold-shelf');
  const holder = await findPatronById(ctx.trx, next.patronId);
  if (holder) await recordAccess(ctx, holder, 'hold-trapped', ['holds']);
  return { to: 'hold-shelf', holdId: next.id, pickupBranchId: next.pickupBranchId, pickupBy };
}

export interface RenewResult {
  loanId: string;
  itemBarcode: string;
  dueAt: string;
  renewals: number;
  renewalsLeft: number;
  /** Overdue fine charged for the days late before this renewal. */
  fine: { id: string; amountCents: number } | null;
}

/**
 * Extends a loan by the rule's loan period from today. Refused when the renewals are used up, when
 * someone is waiting for the item, when the borrower may not borrow, or when the due date would not move
 * (renewing on the day of check-out: RENEWAL_NOT_DUE, and no renewal is spent). Days already late are charged.
 */
export async function renew(ctx: Context, input: { itemBarcode: string; libraryId?: string }): Promise<RenewResult> {
  requirePermission(ctx, 'circulation.renew');
  const item = await lockItemByBarcode(ctx, input.itemBarcode, input.libraryId);
  const loan = await loans.findActiveLoanForItem(ctx.trx, item.id);
  if (!loan) throw refuse(ErrorCode.ITEM_NOT_ON_LOAN, 'The item is not on loan.', 'itemBarcode');
  const patron = await findPatronById(ctx.trx, loan.patronId);
  if (!patron) throw new Error('A loan points at a patron that does not exist.');
  const outcome = await renewLoanOf(ctx, item, loan, patron);
  if (!outcome.ok) throw new DomainError(outcome.problems);
  await recordAccess(ctx, patron, 'renew', outcome.result.fine ? ['circulation', 'fines'] : ['circulation']);
  return outcome.result;
}

/** One loan's renewal: done (the loan is extended, any late days charged), or the reasons it cannot be. */
async function renewLoanOf(
  ctx: Context,
  item: Item,
  loan: Loan,
  patron: Pick<StoredPatron, 'id' | 'status' | 'expiresAt' | 'categoryCode'>,
): Promise<{ ok: true; result: RenewResult } | { ok: false; problems: Problem[] }> {
  const library = await libraryOf(ctx, item.libraryId);
  const rule = await ruleFor(ctx, patron, item);
  const problems = patronBlocks(patron, await balanceOf(ctx.trx, patron.id), library, ctx.now);
  if (!rule || loan.renewals >= rule.renewals)
    problems.push({ code: ErrorCode.RENEWAL_LIMIT_REACHED, message: 'The loan has been renewed as often as its rule allows.' });
  if ((await holds.countPendingHoldsForItem(ctx.trx, item.id)) > 0)
    problems.push({ code: ErrorCode.ITEM_HAS_HOLDS, message: 'Another patron is waiting for this item.' });
  const due = rule ? dueDate(ctx.now, rule.loanDays, library.timeZone, await openDaysOf(ctx, library, item.branchId)).toISOString() : loan.dueAt;
  // A renewal that would not move the due date would spend a renewal for nothing (said only while one is left).
  if (rule && loan.renewals < rule.renewals && new Date(due).getTime() <= new Date(loan.dueAt).getTime())
    problems.push({ code: ErrorCode.RENEWAL_NOT_DUE, message: 'Renewing now would not move the due date; no renewal was used.' });
  if (problems.length > 0) return { ok: false, problems };

  const applied = rule as LoanRule;
  const fine = await chargeOverdue(ctx, loan, applied, library, 'Charged at renewal for the days already late.');
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

/**
 * Renews every item a patron has out, in the order they fall due: each loan that can be renewed is, and
 * each one that cannot says why (a refusal of one does not stop the others). One entry in the access log.
 */
export async function renewAll(ctx: Context, input: PatronRef & { libraryId?: string }): Promise<RenewAllResult> {
  requirePermission(ctx, 'circulation.renew');
  const patron = await requirePatronRef(ctx, input);
  const out = (await loans.loansOfPatron(ctx.trx, patron.id, 'active')).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const result: RenewAllResult = { patronId: patron.id, renewed: [], refused: [] };
  for (const entry of out) {
    const item = await lockItemByBarcode(ctx, entry.itemBarcode, entry.libraryId);
    const loan = await loans.findActiveLoanForItem(ctx.trx, item.id);
    if (!loan || loan.id !== entry.id) continue;
    const outcome = await renewLoanOf(ctx, item, loan, patron);
    if (outcome.ok) result.renewed.push(outcome.result);
    else result.refused.push({ loanId: loan.id, itemBarcode: item.barcode, dueAt: loan.dueAt, problems: outcome.problems });
  }
  await recordAccess(ctx, patron, 'renew-all', result.renewed.some((r) => r.fine) ? ['circulation', 'fines'] : ['circulation']);
  return result;
}

/**
 * Declares an item lost. On loan: the loan ends as lost and the borrower is charged the replacement
 * cost (or the library's default). Not on loan: it is marked missing, and nobody is charged.
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
  const amount = item.replacementCostCents ?? library.defaultLostChargeCents;
  const charge = { id: newId(), amountCents: amount };
  await loans.endLoan(ctx.trx, loan.id, 'lost', at);
  await setItemStatus(ctx.trx, item.id, 'lost');
  await insertFine(ctx.trx, {
    id: charge.id,
    libraryId: library.id,
    patronId: patron.id,
    loanId: loan.id,
    itemId: item.id,
    kind: 'lost',
    amountCents: amount,
    balanceCents: amount,
    status: 'open',
    note: null,
    createdAt: at,
    settledAt: null,
  });
  await recordAccess(ctx, patron, 'declare-lost', ['circulation', 'fines']);
  return { itemBarcode: item.barcode, status: 'lost' as const, charge };
}
