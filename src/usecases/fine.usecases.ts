import { ErrorCode, refuse } from '../domain/errors.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import * as fines from '../storage/fine.repository.js';
import { findLibrary } from '../storage/library.repository.js';
import { findPatronById } from '../storage/patron.repository.js';
import type { PaymentMethod } from '../domain/types.js';
import { newId, recordAccess, refusalFromRecord, type Context } from './context.js';
import { requirePatronByCard } from './patron-access.js';
import { requirePermission } from './authorization.js';

/**
 * Takes a payment and settles the patron's open fines oldest first. Carrel keeps no credit balance: a
 * payment larger than what is owed is refused rather than silently kept. The method is one the library
 * takes (its settings' paymentMethods; by default the first), kept with the payment for the day's count.
 */
export async function pay(ctx: Context, input: { cardNumber: string; amountCents: number; method?: string }) {
  requirePermission(ctx, 'fines.pay');
  if (!Number.isInteger(input.amountCents) || input.amountCents <= 0)
    throw refuse(ErrorCode.INVALID_AMOUNT, 'A payment is a positive amount in cents.', 'amountCents');
  const patron = await requirePatronByCard(ctx, input.cardNumber);
  const library = await findLibrary(ctx.trx, patron.libraryId);
  const accepted = library?.paymentMethods ?? ['cash'];
  const method = (input.method ?? accepted[0] ?? 'cash') as PaymentMethod;
  if (!accepted.includes(method)) throw refuse(ErrorCode.PAYMENT_METHOD_NOT_ACCEPTED, `The library takes payments by ${accepted.join(', ')}.`, 'method');
  // Locked: two desks paying at once take turns, and together never settle more than is owed.
  const open = await fines.openFines(ctx.trx, patron.id, { lock: true });
  const owed = open.reduce((sum, f) => sum + f.balanceCents, 0);
  // Either refusal tells the desk something of the patron's balance: logged on the patron as a read.
  if (owed === 0) throw refusalFromRecord(ctx, patron, 'payment-refused', ['fines'], refuse(ErrorCode.NOTHING_OWED, 'The patron owes nothing.'));
  if (input.amountCents > owed)
    throw refusalFromRecord(ctx, patron, 'payment-refused', ['fines'], refuse(ErrorCode.PAYMENT_EXCEEDS_BALANCE, 'The payment is more than the patron owes.', 'amountCents'));

  const at = ctx.now.toISOString();
  let left = input.amountCents;
  const allocations: { fineId: string; amountCents: number }[] = [];
  for (const fine of open) {
    if (left === 0) break;
    const applied = Math.min(left, fine.balanceCents);
    left -= applied;
    allocations.push({ fineId: fine.id, amountCents: applied });
    const balance = fine.balanceCents - applied;
    await fines.settleFine(ctx.trx, fine.id, balance, balance === 0 ? 'paid' : 'open', balance === 0 ? at : null);
  }
  const payment = { id: newId(), libraryId: patron.libraryId, patronId: patron.id, amountCents: input.amountCents, method, createdAt: at };
  await fines.insertPayment(ctx.trx, payment, allocations);
  await recordAccess(ctx, patron, 'payment', ['fines']);
  return { paymentId: payment.id, amountCents: payment.amountCents, method, paidAt: at, balanceCents: owed - input.amountCents, allocations };
}

/** Waives what is left of an open fine, with the reason recorded. */
export async function waiveFine(ctx: Context, input: { fineId: string; reason: string }) {
  requirePermission(ctx, 'fines.waive');
  const reason = input.reason.trim();
  if (reason === '' || reason.length > 500) throw refuse(ErrorCode.VALIDATION_FAILED, 'A waiver needs a reason of 1–500 characters.', 'reason');
  // Locked: a payment settling this fine at that moment finishes first, and the waiver reads what it left.
  const fine = await fines.findFine(ctx.trx, input.fineId, { lock: true });
  if (!fine || !canReachLibrary(ctx.actor, fine.libraryId).allowed) throw refuse(ErrorCode.FINE_NOT_FOUND, 'No fine has that id.', 'fineId');
  // Says whether the patron paid the fine (or had it waived): a read of their fines, logged on them.
  if (fine.status !== 'open')
    throw refusalFromRecord(ctx, { id: fine.patronId, libraryId: fine.libraryId }, 'waiver-refused', ['fines'], refuse(ErrorCode.FINE_NOT_OPEN, `The fine is already ${fine.status}.`));
  const at = ctx.now.toISOString();
  // A waiver's reason is free text about a person: sealed under the patron's key like their other fields.
  await fines.settleFine(ctx.trx, fine.id, 0, 'waived', at, await ctx.vault.seal(fine.patronId, 'fine-note', reason));
  const patron = await findPatronById(ctx.trx, fine.patronId);
  if (patron) await recordAccess(ctx, patron, 'fine-waived', ['fines']);
  return { ...fine, balanceCents: 0, status: 'waived' as const, note: reason, settledAt: at };
}
