/**
 * What the library's own configuration decides for one loan: which cell of the circulation matrix
 * applies (the item's branch, the patron's category, the item's type) and which days the item's branch
 * is open, so a due date never falls on a day nobody could bring the item back.
 */
import { isOpenOn, localDate, resolveLoanRule, type MatrixCell } from '../domain/circulation.rules.js';
import type { Branch, Item, Library, LoanRule, Patron } from '../domain/types.js';
import type { Context } from './context.js';
import { candidateRulesIn, closedDaysFrom, configWithBranch, libraryConfig } from './library-config-cache.js';

async function branchOf(ctx: Context, item: Pick<Item, 'libraryId' | 'branchId'>): Promise<Branch> {
  return (await configWithBranch(ctx, item.libraryId, item.branchId)).branch;
}

/** The cell of the matrix a loan of `item` to `patron` falls in. */
export async function matrixCellFor(ctx: Context, patron: Pick<Patron, 'categoryCode'>, item: Pick<Item, 'libraryId' | 'branchId' | 'itemType'>): Promise<MatrixCell> {
  const branch = await branchOf(ctx, item);
  return { branch: branch.code, patronCategory: patron.categoryCode, itemType: item.itemType };
}

/** The loan rule that applies to lending `item` to `patron`, or undefined when none does. */
export async function ruleFor(ctx: Context, patron: Pick<Patron, 'categoryCode'>, item: Pick<Item, 'libraryId' | 'branchId' | 'itemType'>): Promise<LoanRule | undefined> {
  return (await loanTermsFor(ctx, patron, item)).rule;
}

/** `ruleFor`, with the item's branch it read (its hours set the due date: `openDaysOf`). */
export async function loanTermsFor(
  ctx: Context,
  patron: Pick<Patron, 'categoryCode'>,
  item: Pick<Item, 'libraryId' | 'branchId' | 'itemType'>,
): Promise<{ rule: LoanRule | undefined; branch: Branch }> {
  const { config, branch } = await configWithBranch(ctx, item.libraryId, item.branchId);
  const cell = { branch: branch.code, patronCategory: patron.categoryCode, itemType: item.itemType };
  return { rule: resolveLoanRule(candidateRulesIn(config, cell.branch, cell.patronCategory, cell.itemType), cell), branch };
}

/**
 * Whether the branch is open on a local date, from today's view of its hours and closed days. `read`: the
 * branch as this transaction read it already (`loanTermsFor`), so it is not read twice.
 */
export async function openDaysOf(ctx: Context, library: Pick<Library, 'id' | 'timeZone'>, branchId: string, read?: Branch): Promise<(date: string) => boolean> {
  const branch = read !== undefined && (read.id === branchId || read.code === branchId) ? read : await branchOf(ctx, { libraryId: library.id, branchId });
  const closed = closedDaysFrom(await libraryConfig(ctx, library.id), localDate(ctx.now, library.timeZone));
  return (date) => isOpenOn(date, branch, closed);
}
