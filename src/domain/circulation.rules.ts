import { DateTime } from 'luxon';
import { ErrorCode, type Problem } from './errors.js';
import type { Branch, Cents, ClosedDay, Item, Library, LoanRule, Patron, PatronCategory } from './types.js';
import { WEEKDAYS } from './types.js';
import { isOverridable } from './blocks.js';

export { isOverridable, OVERRIDABLE_BLOCKS } from './blocks.js';

/** Age at which a patron no longer needs a guardian (all five seed policies: under 18). */
export const AGE_OF_MAJORITY = 18;

/** Where a loan happens in the matrix: the item's branch (by code), the patron's category, the item's type. */
export interface MatrixCell {
  branch: string;
  patronCategory: string;
  itemType: string;
}

/**
 * How specific a rule is for a cell, or -1 when it does not match. The branch weighs most, then the
 * patron category, then the item type: a rule for the branch always beats a library-wide one.
 */
export function ruleSpecificity(rule: Pick<LoanRule, 'branch' | 'patronCategory' | 'itemType'>, cell: MatrixCell): number {
  const part = (value: string, wanted: string, weight: number) => (value === wanted ? weight : value === '*' ? 0 : -100);
  const rank = part(rule.branch, cell.branch, 4) + part(rule.patronCategory, cell.patronCategory, 2) + part(rule.itemType, cell.itemType, 1);
  return rank < 0 ? -1 : rank;
}

/**
 * The loan rule for a cell of the matrix: the most specific match wins (branch, then category, then
 * type; `*` matches anything and the `*`×`*`×`*` rule is the fallback). Undefined when none matches.
 */
export function resolveLoanRule(rules: readonly LoanRule[], cell: MatrixCell): LoanRule | undefined {
  let best: LoanRule | undefined;
  let bestRank = -1;
  for (const rule of rules) {
    const r = ruleSpecificity(rule, cell);
    if (r > bestRank) {
      best = rule;
      bestRank = r;
    }
  }
  return best;
}

/** A calendar date (YYYY-MM-DD) in the library's zone, for an instant. */
export function localDate(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISODate() as string;
}

/**
 * Whether a branch is open on a local date: not inside one of its (or the library's) closed-day ranges,
 * and, when the branch has opening hours, a weekday it opens.
 */
export function isOpenOn(date: string, branch: Pick<Branch, 'id' | 'openingHours'>, closedDays: readonly Pick<ClosedDay, 'branchId' | 'startsOn' | 'endsOn'>[]): boolean {
  for (const closed of closedDays) {
    if ((closed.branchId === null || closed.branchId === branch.id) && closed.startsOn <= date && date <= closed.endsOn) return false;
  }
  const days = Object.keys(branch.openingHours);
  if (days.length === 0) return true;
  const weekday = WEEKDAYS[DateTime.fromISO(date).weekday - 1] as (typeof WEEKDAYS)[number];
  return (branch.openingHours[weekday] ?? []).length > 0;
}

/** How far ahead a due date may move looking for an open day before the calendar is judged wrong. */
const MAX_CLOSED_RUN = 366;

/**
 * Due date for a loan starting `from`: the end of the library's local day `loanDays` days later, so an
 * item borrowed at any hour is due by closing on the same calendar day; when that day the item's branch
 * is closed (`isOpen` says no), the next day it is open.
 */
export function dueDate(from: Date, loanDays: number, timeZone: string, isOpen: (date: string) => boolean = () => true): Date {
  let day = DateTime.fromJSDate(from, { zone: timeZone }).plus({ days: loanDays }).endOf('day');
  for (let moved = 0; moved < MAX_CLOSED_RUN && !isOpen(day.toISODate() as string); moved++) day = day.plus({ days: 1 }).endOf('day');
  return day.toJSDate();
}

/** Whole local calendar days an item is late when it comes back at `at` (0 if on time). */
export function daysLate(dueAt: Date, at: Date, timeZone: string): number {
  if (at.getTime() <= dueAt.getTime()) return 0;
  const due = DateTime.fromJSDate(dueAt, { zone: timeZone }).startOf('day');
  const back = DateTime.fromJSDate(at, { zone: timeZone }).startOf('day');
  return Math.max(0, Math.round(back.diff(due, 'days').days));
}

/** Overdue fine for an item `dueAt` returned (or renewed) at `at`, capped by the rule's maximum. */
export function overdueFine(dueAt: Date, at: Date, rule: LoanRule, timeZone: string): Cents {
  const days = daysLate(dueAt, at, timeZone);
  return Math.min(days * rule.finePerDayCents, rule.maxFineCents);
}

/** The last moment a trapped hold waits on the shelf: the end of the local day, `holdPickupDays` from now. */
export function holdPickupDeadline(now: Date, library: Pick<Library, 'holdPickupDays' | 'timeZone'>): Date {
  return DateTime.fromJSDate(now, { zone: library.timeZone }).plus({ days: library.holdPickupDays }).endOf('day').toJSDate();
}

/** A person's age in whole years on the local date of `at`. */
export function ageOn(birthDate: string, at: Date, timeZone: string): number {
  const born = DateTime.fromISO(birthDate, { zone: timeZone });
  const today = DateTime.fromJSDate(at, { zone: timeZone });
  return Math.floor(today.diff(born, 'years').years);
}

/** Whether a patron born on `birthDate` is a minor on the local date of `at`. */
export function isMinor(birthDate: string, at: Date, timeZone: string): boolean {
  return ageOn(birthDate, at, timeZone) < AGE_OF_MAJORITY;
}

/** When a card issued (or renewed) at `at` expires. */
export function cardExpiry(at: Date, library: Pick<Library, 'cardValidityMonths' | 'timeZone'>): Date {
  return DateTime.fromJSDate(at, { zone: library.timeZone }).plus({ months: library.cardValidityMonths }).endOf('day').toJSDate();
}

/** Reasons a patron may not borrow at all right now; empty when they may. */
export function patronBlocks(
  patron: Pick<Patron, 'status' | 'expiresAt'>,
  balanceCents: Cents,
  library: Pick<Library, 'maxBalanceCents'> & Partial<Pick<Library, 'maxOverdueItems'>>,
  now: Date,
  overdueItems = 0,
): Problem[] {
  const problems: Problem[] = [];
  if (patron.status === 'blocked') problems.push({ code: ErrorCode.PATRON_BLOCKED, message: 'The patron is blocked from borrowing.' });
  if (patron.status === 'deceased') problems.push({ code: ErrorCode.PATRON_BLOCKED, message: 'The card belongs to a patron recorded as deceased.' });
  if (patron.status === 'card-lost')
    problems.push({ code: ErrorCode.CARD_REPORTED_LOST, message: 'This card was reported lost or stolen; issue a new card.' });
  if (patron.status === 'expired' || new Date(patron.expiresAt).getTime() <= now.getTime())
    problems.push({ code: ErrorCode.PATRON_EXPIRED, message: 'The patron’s card has expired; re-verify the patron and renew the card (renew-card).' });
  if (balanceCents > library.maxBalanceCents)
    problems.push({ code: ErrorCode.PATRON_OWES_FINES, message: 'The patron owes more than the library allows while borrowing.' });
  const maxOverdue = library.maxOverdueItems ?? null;
  if (maxOverdue !== null && overdueItems >= maxOverdue)
    problems.push({ code: ErrorCode.PATRON_HAS_OVERDUE_ITEMS, message: 'The patron has as many overdue items as the library allows while borrowing.' });
  return problems;
}

/**
 * What is left of a check-out's problems once an override applies: nothing when every problem may be
 * overridden; otherwise BLOCK_NOT_OVERRIDABLE first, then the problems that still stand (every reason,
 * as without an override). `overridden` are the ones the override lends past.
 */
export function applyOverride(problems: readonly Problem[]): { remaining: Problem[]; overridden: Problem[] } {
  const overridden = problems.filter(isOverridable);
  const standing = problems.filter((p) => !isOverridable(p));
  if (standing.length === 0) return { remaining: [], overridden };
  return {
    remaining: [{ code: ErrorCode.BLOCK_NOT_OVERRIDABLE, message: 'An override cannot lend past these reasons.' }, ...standing],
    overridden,
  };
}

/** Months a card of this category stays valid: the category's own, else the library's. */
export function cardValidityMonthsFor(category: Pick<PatronCategory, 'cardValidityMonths'> | undefined, library: Pick<Library, 'cardValidityMonths'>): number {
  return category?.cardValidityMonths ?? library.cardValidityMonths;
}

/**
 * When a renewed card expires (CB-F2): the validity is added to the current expiry while the card is
 * still valid (renewing early loses nothing), else to today; the end of that local day.
 */
export function renewedCardExpiry(currentExpiry: Date, now: Date, months: number, timeZone: string): Date {
  const from = currentExpiry.getTime() > now.getTime() ? currentExpiry : now;
  return DateTime.fromJSDate(from, { zone: timeZone }).plus({ months }).endOf('day').toJSDate();
}

/** Whether a card expires within `days` days of `now` (and has not yet expired). */
export function cardExpiresWithin(expiresAt: Date, now: Date, days: number): boolean {
  const left = expiresAt.getTime() - now.getTime();
  return left > 0 && left <= days * 86_400_000;
}

/** A patron's age outside a category's age range (inclusive bounds; null: no bound), as a problem. */
export function categoryAgeProblem(category: Pick<PatronCategory, 'minAge' | 'maxAge'>, birthDate: string | null, at: Date, timeZone: string): Problem | undefined {
  if (birthDate === null) return undefined;
  const age = ageOn(birthDate, at, timeZone);
  if ((category.minAge !== null && age < category.minAge) || (category.maxAge !== null && age > category.maxAge))
    return { code: ErrorCode.CATEGORY_AGE_MISMATCH, message: 'The patron’s age is outside the category’s age range.', field: 'category' };
  return undefined;
}

/** What the item's side of a check-out decides: reasons this patron cannot take this item now. */
export function itemBlocks(
  item: Pick<Item, 'status'>,
  rule: LoanRule | undefined,
  readyHoldPatronId: string | null,
  patronId: string,
): Problem[] {
  const problems: Problem[] = [];
  if (item.status === 'on-loan') problems.push({ code: ErrorCode.ITEM_ALREADY_ON_LOAN, message: 'The item is already on loan.' });
  else if (item.status === 'on-hold-shelf' && readyHoldPatronId !== patronId)
    problems.push({ code: ErrorCode.ITEM_ON_HOLD_FOR_ANOTHER_PATRON, message: 'The item is waiting on the hold shelf for another patron.' });
  else if (item.status === 'lost' || item.status === 'missing' || item.status === 'withdrawn')
    problems.push({ code: ErrorCode.ITEM_NOT_LOANABLE, message: `The item is marked ${item.status}; check it in first.` });
  if (!rule || rule.loanDays <= 0) problems.push({ code: ErrorCode.ITEM_NOT_LOANABLE, message: 'No loan rule lets this item go out (reference only).' });
  return problems;
}

/** Whether the patron has reached their category's loan limit. */
export function loanLimitBlock(category: Pick<PatronCategory, 'maxLoans'>, activeLoans: number): Problem[] {
  if (category.maxLoans !== null && activeLoans >= category.maxLoans)
    return [{ code: ErrorCode.LOAN_LIMIT_REACHED, message: 'The patron has as many items out as their category allows.' }];
  return [];
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
