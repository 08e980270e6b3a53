import { ErrorCode } from './errors.js';

/**
 * The blocks staff with the override permission may lend past, for one transaction and with a reason:
 * money owed, overdue items and the loan limit are the library's own thresholds, a judgement a senior
 * member of staff may make at the desk. An expired card is not (CB-F2: the patron is re-verified and
 * the card renewed, which takes a minute), nor a card reported lost (it may be in a thief's hands), nor
 * a block staff set on purpose (lift it instead), nor anything about the item itself.
 */
export const OVERRIDABLE_BLOCKS: readonly ErrorCode[] = [ErrorCode.PATRON_OWES_FINES, ErrorCode.PATRON_HAS_OVERDUE_ITEMS, ErrorCode.LOAN_LIMIT_REACHED];

/** Whether staff may lend past this problem with an override. */
export function isOverridable(problem: { code: string }): boolean {
  return (OVERRIDABLE_BLOCKS as readonly string[]).includes(problem.code);
}
