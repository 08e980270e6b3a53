/**
 * The patron's own circulation in the portal (issue 18): their loans with whether each can be renewed
 * and why not, renewing one or all, their holds with their place in the queue, and placing, suspending
 * and cancelling a hold of their own. Like the rest of self-service, everything acts on the patron behind
 * the session (`ctx.actor`), never on a patron named in the request: a loan or hold of anyone else is
 * answered as not found (LOAN_NOT_FOUND, HOLD_NOT_FOUND), and every read is logged as the patron's own
 * access (purpose 'self-service', set by the route).
 */
import { localDay } from '../domain/clock.js';
import { DomainError, ErrorCode, refuse, type Problem } from '../domain/errors.js';
import type { Hold } from '../domain/types.js';
import * as holds from '../storage/hold.repository.js';
import { findItemById, lockItem } from '../storage/item.repository.js';
import { lockPatronRow } from '../storage/patron.repository.js';
import { findBranch, findLibrary } from '../storage/library.repository.js';
import * as loans from '../storage/loan.repository.js';
import { findItemTask } from '../storage/staff-lists.repository.js';
import { renewalCheck, renewEachLoan, renewLoanOf, type RenewResult } from './circulation.usecases.js';
import { recordAccess, type Context } from './context.js';
import { cancelHold, placeHoldFor, suspendHold } from './hold.usecases.js';
import { ownRecord } from './self-service.usecases.js';

/** A reason in words, with its stable code (the portal shows the words; a program may read the code). */
export interface Reason {
  code: string;
  message: string;
}

export interface MyLoan {
  loanId: string;
  itemBarcode: string;
  title: string;
  checkedOutAt: string;
  dueAt: string;
  renewals: number;
  overdue: boolean;
  /** Whether renewing now would be done; when not, every reason (the same rules as the desk's renewal). */
  renewable: boolean;
  reasons: Reason[];
}

const reasonsOf = (problems: readonly Problem[]): Reason[] => problems.map((p) => ({ code: p.code, message: p.message }));

/** The patron's current loans, the soonest due first, each with whether it can be renewed and why not. */
export async function myLoans(ctx: Context, _input: Record<string, never> = {}): Promise<{ loans: MyLoan[] }> {
  const patron = await ownRecord(ctx);
  const out = (await loans.loansOfPatron(ctx.trx, patron.id, 'active')).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const result: MyLoan[] = [];
  for (const loan of out) {
    // By the loan's own item: a loan may be another consortium member's copy (RF-4)
    const item = await findItemById(ctx.trx, loan.itemId);
    if (!item) continue;
    const { problems } = await renewalCheck(ctx, item, loan, patron);
    result.push({
      loanId: loan.id,
      itemBarcode: loan.itemBarcode,
      title: loan.title,
      checkedOutAt: loan.checkedOutAt,
      dueAt: loan.dueAt,
      renewals: loan.renewals,
      overdue: new Date(loan.dueAt).getTime() < ctx.now.getTime(),
      renewable: problems.length === 0,
      reasons: reasonsOf(problems),
    });
  }
  await recordAccess(ctx, patron, 'view-loans', ['circulation']);
  return { loans: result };
}

/** One of the patron's own loans, renewed; refused with every reason, as at the desk. */
export async function renewMyLoan(ctx: Context, input: { loanId: string }): Promise<RenewResult> {
  const patron = await ownRecord(ctx);
  // Found among the patron's own current loans only: anyone else's loan id is not found.
  const entry = (await loans.loansOfPatron(ctx.trx, patron.id, 'active')).find((l) => l.id === input.loanId);
  if (!entry) throw refuse(ErrorCode.LOAN_NOT_FOUND, 'You have no current loan with that id.', 'loanId');
  // The patron's row first, then the item (the order check-outs take them in).
  await lockPatronRow(ctx.trx, patron.id);
  const item = await lockItem(ctx.trx, entry.itemId);
  const loan = item && (await loans.findActiveLoanForItem(ctx.trx, item.id));
  if (!item || !loan || loan.id !== entry.id) throw refuse(ErrorCode.LOAN_NOT_FOUND, 'You have no current loan with that id.', 'loanId');
  const outcome = await renewLoanOf(ctx, item, loan, patron);
  if (!outcome.ok) throw new DomainError(outcome.problems);
  await recordAccess(ctx, patron, 'renew', outcome.result.fine ? ['circulation', 'fines'] : ['circulation']);
  return outcome.result;
}

export interface MyRenewAllOutcome {
  loanId: string;
  itemBarcode: string;
  title: string;
  renewed: boolean;
  /** The new due date when renewed; the unchanged one when refused. */
  dueAt: string;
  reasons: Reason[];
}

/**
 * Renews every loan the patron has out, the soonest due first: each that can be renewed is, each that
 * cannot says why, and one refused does not stop the others. One entry in the access log.
 */
export async function renewAllMine(ctx: Context, _input: Record<string, never> = {}): Promise<{ outcomes: MyRenewAllOutcome[] }> {
  const patron = await ownRecord(ctx);
  const outcomes: MyRenewAllOutcome[] = [];
  let charged = false;
  for (const { entry, loan, item, outcome } of await renewEachLoan(ctx, patron)) {
    if (outcome.ok) {
      charged ||= outcome.result.fine !== null;
      outcomes.push({ loanId: loan.id, itemBarcode: item.barcode, title: entry.title, renewed: true, dueAt: outcome.result.dueAt, reasons: [] });
    } else outcomes.push({ loanId: loan.id, itemBarcode: item.barcode, title: entry.title, renewed: false, dueAt: loan.dueAt, reasons: reasonsOf(outcome.problems) });
  }
  await recordAccess(ctx, patron, 'renew-all', charged ? ['circulation', 'fines'] : ['circulation']);
  return { outcomes };
}

/** Where an open hold stands, in the patron's words. */
export type MyHoldStatus = 'waiting' | 'suspended' | 'in-transit' | 'ready';

export interface MyHold {
  holdId: string;
  title: string;
  /** The record of a title-level hold; null for a hold on one copy. */
  recordId: string | null;
  itemBarcode: string | null;
  status: MyHoldStatus;
  /** Place among the holds waiting on the same record or copy (1: next); null once a copy is trapped. */
  queuePosition: number | null;
  pickupBranch: { id: string; code: string; name: string };
  placedAt: string;
  /** The local day a suspension ends; null: not suspended. */
  suspendedUntil: string | null;
  /** The last moment to collect a ready hold. */
  pickupBy: string | null;
  /** When a waiting hold ends unfilled; null: never. */
  expiresAt: string | null;
}

/** The patron's open holds (waiting or ready), newest first, with their place in the queue. */
export async function myHolds(ctx: Context, _input: Record<string, never> = {}): Promise<{ holds: MyHold[] }> {
  const patron = await ownRecord(ctx);
  const open = (await holds.holdsOfPatron(ctx.trx, patron.id)).filter((h) => h.status === 'pending' || h.status === 'ready');
  const result: MyHold[] = [];
  for (const hold of open) result.push({ ...(await describeHold(ctx, hold)), title: hold.title, itemBarcode: hold.itemBarcode });
  await recordAccess(ctx, patron, 'view-holds', ['holds']);
  return { holds: result };
}

async function describeHold(ctx: Context, hold: Hold): Promise<Omit<MyHold, 'title' | 'itemBarcode'>> {
  const branch = await findBranch(ctx.trx, hold.libraryId, hold.pickupBranchId);
  const library = await findLibrary(ctx.trx, hold.libraryId);
  const today = library ? localDay(ctx.now.toISOString(), library.timeZone) : ctx.now.toISOString().slice(0, 10);
  let status: MyHoldStatus;
  if (hold.status === 'ready') {
    // Trapped for the patron at another branch: on its way until staff receive it at the pick-up branch.
    const task = hold.itemId !== null ? await findItemTask(ctx.trx, hold.itemId) : undefined;
    status = task?.kind === 'transit' ? 'in-transit' : 'ready';
  } else status = hold.suspendedUntil !== null && hold.suspendedUntil > today ? 'suspended' : 'waiting';
  return {
    holdId: hold.id,
    recordId: hold.recordId,
    status,
    queuePosition: hold.status === 'pending' ? await holds.queuePosition(ctx.trx, hold) : null,
    pickupBranch: { id: hold.pickupBranchId, code: branch?.code ?? '', name: branch?.name ?? '' },
    placedAt: hold.placedAt,
    suspendedUntil: hold.suspendedUntil,
    pickupBy: hold.pickupBy,
    expiresAt: hold.expiresAt,
  };
}

/** The patron's hold as the portal shows it, read again after a change. */
async function myHold(ctx: Context, holdId: string): Promise<MyHold> {
  const patron = await ownRecord(ctx);
  const entry = (await holds.holdsOfPatron(ctx.trx, patron.id)).find((h) => h.id === holdId);
  if (!entry) throw refuse(ErrorCode.HOLD_NOT_FOUND, 'You have no hold with that id.', 'holdId');
  return { ...(await describeHold(ctx, entry)), title: entry.title, itemBarcode: entry.itemBarcode };
}

/**
 * A hold for the patron themself on a record (any copy) or one copy, to collect at a branch of the
 * lending library; a consortium member's record when both profiles share patrons (RF-4). The same rules
 * as at the desk (`placeHoldFor`).
 */
export async function placeMyHold(ctx: Context, input: { recordId?: string; itemBarcode?: string; pickupBranch: string }): Promise<MyHold> {
  const patron = await ownRecord(ctx);
  const hold = await placeHoldFor(ctx, patron, {
    ...(input.recordId !== undefined ? { recordId: input.recordId } : {}),
    ...(input.itemBarcode !== undefined ? { itemBarcode: input.itemBarcode } : {}),
    pickupBranch: input.pickupBranch,
  });
  return myHold(ctx, hold.id);
}

/** Suspends one of the patron's waiting holds until a local day, or resumes it (`until` null). */
export async function suspendMyHold(ctx: Context, input: { holdId: string; until: string | null }): Promise<MyHold> {
  await ownRecord(ctx);
  await suspendHold(ctx, input);
  return myHold(ctx, input.holdId);
}

/** Cancels one of the patron's holds (a copy trapped for it goes to the next hold or back to the shelves). */
export async function cancelMyHold(ctx: Context, input: { holdId: string }): Promise<{ holdId: string; status: 'cancelled' }> {
  await ownRecord(ctx);
  await cancelHold(ctx, input);
  return { holdId: input.holdId, status: 'cancelled' };
}
