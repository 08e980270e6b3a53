/**
 * What a kiosk's screen says (AF) for each refusal: the one place error codes become SIP2 words, as
 * src/http/errors.ts is for HTTP statuses. Short, addressed to the patron at the machine, never naming
 * anyone or anything the patron did not just present. An unknown card, a wrong PIN and a locked, lost,
 * expired or blocked card all read the same (the machine must not tell them apart).
 */
import { ErrorCode } from '../domain/errors.js';

const SCREEN: Partial<Record<string, string>> = {
  [ErrorCode.INVALID_CREDENTIALS]: 'Your card number or PIN was not accepted. Please see a staff member.',
  [ErrorCode.PATRON_NOT_FOUND]: 'Your card number or PIN was not accepted. Please see a staff member.',
  [ErrorCode.PATRON_OWES_FINES]: 'Your account has charges to pay before borrowing. Please see a staff member.',
  [ErrorCode.PATRON_HAS_OVERDUE_ITEMS]: 'Please return your overdue items before borrowing more.',
  [ErrorCode.LOAN_LIMIT_REACHED]: 'You have borrowed as many items as your card allows.',
  [ErrorCode.ITEM_NOT_FOUND]: 'This item was not recognised. Please see a staff member.',
  [ErrorCode.BARCODE_AMBIGUOUS]: 'This item was not recognised. Please see a staff member.',
  [ErrorCode.ITEM_NOT_LOANABLE]: 'This item cannot be borrowed here. Please see a staff member.',
  [ErrorCode.ITEM_ALREADY_ON_LOAN]: 'This item is already checked out. Please see a staff member.',
  [ErrorCode.ITEM_ON_HOLD_FOR_ANOTHER_PATRON]: 'This item is being held for someone else.',
  [ErrorCode.ITEM_NOT_ON_LOAN]: 'This item is not checked out.',
  [ErrorCode.RENEWAL_LIMIT_REACHED]: 'This item cannot be renewed again.',
  [ErrorCode.ITEM_HAS_HOLDS]: 'Someone is waiting for this item; it cannot be renewed.',
  [ErrorCode.RENEWAL_NOT_DUE]: 'This item was just checked out; it does not need renewing yet.',
  [ErrorCode.HOLD_ALREADY_PLACED]: 'You already have a hold on this item.',
  [ErrorCode.HOLD_ON_OWN_LOAN]: 'You already have this item.',
  [ErrorCode.HOLD_NOT_FOUND]: 'You have no hold on this item.',
  [ErrorCode.HOLD_NOT_ACTIVE]: 'You have no hold on this item.',
  [ErrorCode.BRANCH_NOT_FOUND]: 'That pick-up location was not recognised.',
  [ErrorCode.NOTHING_OWED]: 'There is nothing to pay on your account.',
  [ErrorCode.PAYMENT_EXCEEDS_BALANCE]: 'The payment is more than your account owes.',
  [ErrorCode.INVALID_AMOUNT]: 'The payment amount was not recognised.',
  [ErrorCode.STORAGE_BUSY]: 'The library system is busy. Please try again.',
  [ErrorCode.DATABASE_UNAVAILABLE]: 'The library system is offline. Please try again shortly.',
};

/** The screen line for a set of refusal codes: the first one Carrel words for a patron, else a general line. */
export function screenMessage(codes: readonly string[]): string {
  for (const code of codes) {
    // Blocks the patron must settle at the desk: said without saying which account fact it is.
    if (code === ErrorCode.PATRON_BLOCKED || code === ErrorCode.PATRON_EXPIRED || code === ErrorCode.CARD_REPORTED_LOST) return SCREEN[ErrorCode.INVALID_CREDENTIALS] as string;
    const line = SCREEN[code];
    if (line) return line;
  }
  return 'This could not be done here. Please see a staff member.';
}

/** What a machine that may not send a message is told. */
export const NOT_ALLOWED = 'This terminal is not set up for that. Please see a staff member.';
