/**
 * Legal holds, as pure rules. A hold suspends retention for exactly the records in its scope — the
 * patrons it names, the record categories it lists, and a period — until it is released. The retention
 * engine asks `heldBy` for each record it would dispose of; a held record is kept with the reason code
 * `legal-hold` and counted as such on the run's receipt.
 */
import type { Problem } from '../domain/errors.js';
import { ErrorCode } from '../domain/errors.js';
import { RECORD_CATEGORIES, type RecordCategory } from '../domain/records.js';

export type { HeldPatrons } from '../domain/records.js';
import type { HeldPatrons, HoldScope } from '../domain/records.js';

export const NO_HOLDS: HeldPatrons = new Map();

/**
 * Whether a scope covers a record of `category` that existed from `start` to `end` (an instant each;
 * `end` null while the record is open). The record is in the period when its life overlaps [from, to):
 * a loan taken out before the period and returned in it is a record of the period too.
 */
export function scopeCovers(scope: HoldScope, category: RecordCategory, start: string | null, end: string | null): boolean {
  if (!scope.categories.includes(category)) return false;
  const first = start ?? end;
  const last = end ?? start;
  if (scope.to !== null && first !== null && Date.parse(first) >= Date.parse(scope.to)) return false;
  if (scope.from !== null && last !== null && Date.parse(last) < Date.parse(scope.from)) return false;
  return true;
}

/** Whether any live hold keeps this patron's record of `category` that lived from `start` to `end`. */
export function heldBy(held: HeldPatrons, patronId: string | null, category: RecordCategory, start: string | null, end: string | null): boolean {
  if (patronId === null || held.size === 0) return false;
  const scopes = held.get(patronId);
  return scopes !== undefined && scopes.some((scope) => scopeCovers(scope, category, start, end));
}

/** Whether any live hold names the patron at all (a purge or deletion would destroy records in scope). */
export function patronUnderHold(held: HeldPatrons, patronId: string): boolean {
  return (held.get(patronId)?.length ?? 0) > 0;
}

export const HOLD_REASON_MAX = 500;

/**
 * What is wrong with a hold's scope, all at once: at least one known category, the period in order, a
 * reason given, at least one patron.
 */
export function holdScopeProblems(input: { categories: readonly string[]; from: Date | null; to: Date | null; reason: string; patrons: number }): Problem[] {
  const problems: Problem[] = [];
  if (input.categories.length === 0 || input.categories.some((c) => !(RECORD_CATEGORIES as readonly string[]).includes(c)))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `Name at least one record category: ${RECORD_CATEGORIES.join(', ')}.`, field: 'categories' });
  if (input.from !== null && input.to !== null && input.to.getTime() <= input.from.getTime())
    problems.push({ code: ErrorCode.INVALID_DATE, message: 'The end of the period must come after its start.', field: 'to' });
  if (input.reason.trim().length === 0 || input.reason.length > HOLD_REASON_MAX)
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `Give the reason for the hold (at most ${HOLD_REASON_MAX} characters, no patron data).`, field: 'reason' });
  if (input.patrons === 0) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'Name at least one patron (by card number or id).', field: 'patrons' });
  return problems;
}
