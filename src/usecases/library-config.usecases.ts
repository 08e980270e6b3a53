/**
 * The library's own circulation policy, as data its administrators edit (issue 15): the thresholds and
 * fees, branches with their opening hours, closed days and holidays, patron categories, item types and
 * the circulation matrix. Profiles stay about privacy; this is the library's own policy.
 *
 * Reading needs `library.read` (the desk staff who lend by it); changing needs `library.administer`.
 * A change is recorded in the library's chain of the access log with who made it; a refused change
 * writes nothing. A change of a rule or of the calendar applies to what happens next: a loan keeps the
 * due date it was given.
 */
import { IANAZone } from 'luxon';
import { DomainError, ErrorCode, refuse, type Problem } from '../domain/errors.js';
import type { MatrixCell } from '../domain/circulation.rules.js';
import {
  categoryProblems,
  codeProblems,
  deskSettingsProblems,
  explainLoanRule,
  isCalendarDate,
  loanRuleProblems,
  nameProblems,
  normaliseOpeningHours,
  openingHoursProblems,
  rangesOverlap,
  settingsProblems,
  type LoanRuleExplanation,
  type SettingsChange,
} from '../domain/library-config.rules.js';
import type { Branch, ClosedDay, ItemType, Library, LoanRule, LoanRuleInput, OpeningHours, PatronCategory, PaymentMethod } from '../domain/types.js';
import { availableLanguages } from '../i18n/messages.js';
import { isUniqueViolation } from '../storage/errors.js';
import * as libraries from '../storage/library.repository.js';
import { requirePermission } from './authorization.js';
import { newId, recordLibraryChange, type Context } from './context.js';
import { requireLibrary } from './library-access.js';

/** Refuses with every problem found, or does nothing when there is none. */
function refuseIf(problems: readonly Problem[]): void {
  if (problems.length > 0) throw new DomainError(problems);
}

async function readable(ctx: Context, libraryId: string): Promise<Library> {
  requirePermission(ctx, 'library.read');
  return requireLibrary(ctx, libraryId);
}

/** A library the actor administers, its row held so its configuration changes one at a time. */
async function administrable(ctx: Context, libraryId: string): Promise<Library> {
  requirePermission(ctx, 'library.administer');
  // Locked before it is read, so a change of the settings starts from the last one committed.
  await libraries.lockLibrary(ctx.trx, libraryId);
  return requireLibrary(ctx, libraryId);
}

// ---------------------------------------------------------------------------------------------------
// Settings

/** The library's circulation settings as the API, the CLI and the office page show them. */
export interface LibrarySettingsView {
  libraryId: string;
  name: string;
  profileId: string;
  timeZone: string;
  holdPickupDays: number;
  maxBalanceCents: number;
  maxOverdueItems: number | null;
  defaultLostChargeCents: number;
  processingFeeCents: number;
  longOverdueDays: number | null;
  cardValidityMonths: number;
  defaultLanguage: string;
  offeredLanguages: string[];
  paymentMethods: PaymentMethod[];
  slipHeader: string | null;
  slipFooter: string | null;
  slipTitles: boolean;
  legacyPinDays: number;
  /** Refused identifications by photo ID allowed per patron and per staff account in the window (IF-5, issue 22). */
  identifyPatronFailures: number;
  identifyStaffFailures: number;
  identifyWindowMinutes: number;
}

function settingsView(library: Library): LibrarySettingsView {
  return {
    libraryId: library.id,
    name: library.name,
    profileId: library.profileId,
    timeZone: library.timeZone,
    holdPickupDays: library.holdPickupDays,
    maxBalanceCents: library.maxBalanceCents,
    maxOverdueItems: library.maxOverdueItems,
    defaultLostChargeCents: library.defaultLostChargeCents,
    processingFeeCents: library.processingFeeCents,
    longOverdueDays: library.longOverdueDays,
    cardValidityMonths: library.cardValidityMonths,
    defaultLanguage: library.defaultLanguage,
    offeredLanguages: library.offeredLanguages,
    paymentMethods: library.paymentMethods,
    slipHeader: library.slip.header,
    slipFooter: library.slip.footer,
    slipTitles: library.slip.titles,
    legacyPinDays: library.legacyPinDays,
    identifyPatronFailures: library.identifyLimit.patronFailures,
    identifyStaffFailures: library.identifyLimit.staffFailures,
    identifyWindowMinutes: library.identifyLimit.windowMinutes,
  };
}

/** The library's settings: hold pick-up days, thresholds that block borrowing, charges, delays, card validity. */
export async function readLibrarySettings(ctx: Context, input: { libraryId: string }): Promise<LibrarySettingsView> {
  return settingsView(await readable(ctx, input.libraryId));
}

export type UpdateSettingsInput = { libraryId: string; timeZone?: string } & SettingsChange;

/** A slip's line as kept: trimmed, and none when blank. */
function optionalLine(text: string | null): string | null {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** Changes some of the library's settings (those given); the others stay as they are. */
export async function updateLibrarySettings(ctx: Context, input: UpdateSettingsInput): Promise<LibrarySettingsView> {
  const library = await administrable(ctx, input.libraryId);
  const problems = settingsProblems(input);
  if (input.timeZone !== undefined && !IANAZone.isValidZone(input.timeZone))
    problems.push({ code: ErrorCode.INVALID_TIME_ZONE, message: 'Not an IANA time zone (for example America/Denver).', field: 'timeZone' });
  const next: Library = {
    ...library,
    name: input.name?.trim() ?? library.name,
    timeZone: input.timeZone ?? library.timeZone,
    holdPickupDays: input.holdPickupDays ?? library.holdPickupDays,
    maxBalanceCents: input.maxBalanceCents ?? library.maxBalanceCents,
    maxOverdueItems: input.maxOverdueItems === undefined ? library.maxOverdueItems : input.maxOverdueItems,
    defaultLostChargeCents: input.defaultLostChargeCents ?? library.defaultLostChargeCents,
    processingFeeCents: input.processingFeeCents ?? library.processingFeeCents,
    longOverdueDays: input.longOverdueDays === undefined ? library.longOverdueDays : input.longOverdueDays,
    cardValidityMonths: input.cardValidityMonths ?? library.cardValidityMonths,
    defaultLanguage: input.defaultLanguage ?? library.defaultLanguage,
    offeredLanguages: input.offeredLanguages ?? library.offeredLanguages,
    paymentMethods: (input.paymentMethods as PaymentMethod[] | undefined) ?? library.paymentMethods,
    slip: {
      header: input.slipHeader === undefined ? library.slip.header : optionalLine(input.slipHeader),
      footer: input.slipFooter === undefined ? library.slip.footer : optionalLine(input.slipFooter),
      titles: input.slipTitles ?? library.slip.titles,
    },
    legacyPinDays: input.legacyPinDays ?? library.legacyPinDays,
    identifyLimit: {
      patronFailures: input.identifyPatronFailures ?? library.identifyLimit.patronFailures,
      staffFailures: input.identifyStaffFailures ?? library.identifyLimit.staffFailures,
      windowMinutes: input.identifyWindowMinutes ?? library.identifyLimit.windowMinutes,
    },
  };
  problems.push(...deskSettingsProblems(next, availableLanguages()));
  refuseIf(problems);
  await libraries.updateLibrarySettings(ctx.trx, library.id, next);
  await recordLibraryChange(ctx, library.id, 'library.settings.update');
  return settingsView(next);
}

// ---------------------------------------------------------------------------------------------------
// Branches

/** A branch as shown: its code, name, address and weekly hours (ids stay inside Carrel's answers for loans). */
export type BranchView = Branch;

/** The library's branches, by code. */
export async function listBranches(ctx: Context, input: { libraryId: string }): Promise<BranchView[]> {
  const library = await readable(ctx, input.libraryId);
  return libraries.listBranches(ctx.trx, library.id);
}

export interface AddBranchInput {
  libraryId: string;
  code: string;
  name: string;
  address?: string | null;
  openingHours?: OpeningHours;
}

function branchProblems(input: { name?: string; address?: string | null; openingHours?: OpeningHours }): Problem[] {
  return [
    ...nameProblems('name', input.name),
    ...(input.address != null && input.address.length > 500 ? [{ code: ErrorCode.VALIDATION_FAILED, message: 'An address is at most 500 characters.', field: 'address' }] : []),
    ...(input.openingHours === undefined ? [] : openingHoursProblems(input.openingHours)),
  ];
}

/** Adds a branch with its code, name, address and weekly opening hours. */
export async function addBranch(ctx: Context, input: AddBranchInput): Promise<BranchView> {
  const library = await administrable(ctx, input.libraryId);
  refuseIf([...codeProblems('code', input.code), ...branchProblems(input)]);
  if (await libraries.findBranch(ctx.trx, library.id, input.code)) throw refuse(ErrorCode.BRANCH_EXISTS, 'The library already has a branch with that code.', 'code');
  const branch: Branch = {
    id: newId(),
    libraryId: library.id,
    code: input.code,
    name: input.name.trim(),
    address: input.address?.trim() || null,
    openingHours: normaliseOpeningHours(input.openingHours ?? {}),
  };
  try {
    await libraries.insertBranch(ctx.trx, branch);
  } catch (error) {
    if (isUniqueViolation(error)) throw refuse(ErrorCode.BRANCH_EXISTS, 'The library already has a branch with that code.', 'code');
    throw error;
  }
  await recordLibraryChange(ctx, library.id, `library.branch.add:${branch.code}`);
  return branch;
}

export interface EditBranchInput {
  libraryId: string;
  code: string;
  name?: string;
  address?: string | null;
  openingHours?: OpeningHours;
}

async function requireBranchByCode(ctx: Context, libraryId: string, code: string): Promise<Branch> {
  const branch = await libraries.findBranch(ctx.trx, libraryId, code);
  if (!branch || branch.code !== code) throw refuse(ErrorCode.BRANCH_NOT_FOUND, 'The library has no branch with that code.', 'branch');
  return branch;
}

/** Changes a branch's name, address or hours (its code never changes: rules and items name it). */
export async function editBranch(ctx: Context, input: EditBranchInput): Promise<BranchView> {
  const library = await administrable(ctx, input.libraryId);
  const branch = await requireBranchByCode(ctx, library.id, input.code);
  refuseIf(branchProblems(input));
  const next: Branch = {
    ...branch,
    name: input.name?.trim() ?? branch.name,
    address: input.address === undefined ? branch.address : input.address?.trim() || null,
    openingHours: input.openingHours === undefined ? branch.openingHours : normaliseOpeningHours(input.openingHours),
  };
  await libraries.updateBranch(ctx.trx, next);
  await recordLibraryChange(ctx, library.id, `library.branch.edit:${branch.code}`);
  return next;
}

// ---------------------------------------------------------------------------------------------------
// Closed days

/** A range of closed days as shown: the branch by code (null: the whole library). */
export interface ClosedDaysView {
  id: string;
  branch: string | null;
  startsOn: string;
  endsOn: string;
  reason: string;
  createdAt: string;
}

function closedDaysView(day: ClosedDay, branches: readonly Branch[]): ClosedDaysView {
  return {
    id: day.id,
    branch: day.branchId === null ? null : (branches.find((b) => b.id === day.branchId)?.code ?? day.branchId),
    startsOn: day.startsOn,
    endsOn: day.endsOn,
    reason: day.reason,
    createdAt: day.createdAt,
  };
}

/** The library's closed days (every branch's and the library-wide ones), by first day; those ending on or after `from` when given. */
export async function listClosedDays(ctx: Context, input: { libraryId: string; from?: string }): Promise<ClosedDaysView[]> {
  const library = await readable(ctx, input.libraryId);
  if (input.from !== undefined && !isCalendarDate(input.from)) throw refuse(ErrorCode.INVALID_DATE, 'Write the date as YYYY-MM-DD.', 'from');
  const branches = await libraries.listBranches(ctx.trx, library.id);
  return (await libraries.listClosedDays(ctx.trx, library.id, input.from)).map((d) => closedDaysView(d, branches));
}

export interface CloseDaysInput {
  libraryId: string;
  /** The branch's code; null (or `all`) closes every branch of the library. */
  branch: string | null;
  startsOn: string;
  endsOn: string;
  reason: string;
}

/**
 * Closes a branch (or the whole library) from `startsOn` to `endsOn` inclusive: a holiday, a closure.
 * Due dates given from now on move past it; loans already out keep theirs. A range overlapping one
 * already recorded for the same branch is refused (CLOSED_DAYS_OVERLAP): remove the old one first.
 */
export async function closeDays(ctx: Context, input: CloseDaysInput): Promise<ClosedDaysView> {
  const library = await administrable(ctx, input.libraryId);
  const problems: Problem[] = [];
  if (!isCalendarDate(input.startsOn)) problems.push({ code: ErrorCode.INVALID_DATE, message: 'Write the first day as YYYY-MM-DD.', field: 'startsOn' });
  if (!isCalendarDate(input.endsOn)) problems.push({ code: ErrorCode.INVALID_DATE, message: 'Write the last day as YYYY-MM-DD.', field: 'endsOn' });
  problems.push(...nameProblems('reason', input.reason));
  refuseIf(problems);
  if (input.endsOn < input.startsOn) throw refuse(ErrorCode.ENDS_BEFORE_STARTS, 'The last closed day is before the first.', 'endsOn');
  const branchCode = input.branch === null || input.branch === 'all' ? null : input.branch;
  const branch = branchCode === null ? null : await requireBranchByCode(ctx, library.id, branchCode);
  const branchId = branch?.id ?? null;
  const existing = await libraries.listClosedDays(ctx.trx, library.id);
  if (existing.some((d) => d.branchId === branchId && rangesOverlap(d, input)))
    throw refuse(
      ErrorCode.CLOSED_DAYS_OVERLAP,
      branch ? 'Those days overlap a closure already recorded for that branch.' : 'Those days overlap a library-wide closure already recorded.',
      'startsOn',
    );
  const day: ClosedDay = { id: newId(), libraryId: library.id, branchId, startsOn: input.startsOn, endsOn: input.endsOn, reason: input.reason.trim(), createdAt: ctx.now.toISOString() };
  await libraries.insertClosedDay(ctx.trx, day);
  await recordLibraryChange(ctx, library.id, `library.calendar.close:${day.id}`);
  return closedDaysView(day, branch ? [branch] : []);
}

/** Opens again the days of a closed-day range (removes it); due dates given from now on may fall on them. */
export async function openDays(ctx: Context, input: { libraryId: string; id: string }): Promise<{ removed: string }> {
  const library = await administrable(ctx, input.libraryId);
  const removed = await libraries.deleteClosedDay(ctx.trx, library.id, input.id);
  if (removed === 0) throw refuse(ErrorCode.CLOSED_DAY_NOT_FOUND, 'The library has no closed days with that id.', 'id');
  await recordLibraryChange(ctx, library.id, `library.calendar.open:${input.id}`);
  return { removed: input.id };
}

// ---------------------------------------------------------------------------------------------------
// Patron categories

export type CategoryView = Omit<PatronCategory, 'libraryId'>;

const categoryView = ({ libraryId: _l, ...rest }: PatronCategory): CategoryView => rest;

/** The library's patron categories, by code. */
export async function listCategories(ctx: Context, input: { libraryId: string }): Promise<CategoryView[]> {
  const library = await readable(ctx, input.libraryId);
  return (await libraries.listCategories(ctx.trx, library.id)).map(categoryView);
}

export interface AddCategoryInput {
  libraryId: string;
  code: string;
  name: string;
  minAge?: number | null;
  maxAge?: number | null;
  /** Months a card of the category stays valid (null: the library's); at least 1. */
  cardValidityMonths?: number | null;
  /** Most items out at once (null: no limit). */
  maxLoans?: number | null;
}

/** Adds a patron category: its name, the ages it is for, how long its cards stay valid and how many items it may have out. */
export async function addCategory(ctx: Context, input: AddCategoryInput): Promise<CategoryView> {
  const library = await administrable(ctx, input.libraryId);
  refuseIf([...codeProblems('code', input.code), ...nameProblems('name', input.name), ...categoryProblems(input)]);
  if (await libraries.findCategory(ctx.trx, library.id, input.code)) throw refuse(ErrorCode.CATEGORY_EXISTS, 'The library already has a patron category with that code.', 'code');
  const category: PatronCategory = {
    libraryId: library.id,
    code: input.code,
    name: input.name.trim(),
    minAge: input.minAge ?? null,
    maxAge: input.maxAge ?? null,
    cardValidityMonths: input.cardValidityMonths ?? null,
    maxLoans: input.maxLoans ?? null,
  };
  await libraries.insertCategory(ctx.trx, category);
  await recordLibraryChange(ctx, library.id, `library.category.add:${category.code}`);
  return categoryView(category);
}

export type EditCategoryInput = Partial<Omit<AddCategoryInput, 'libraryId' | 'code'>> & { libraryId: string; code: string };

/** Changes a patron category (its code never changes: patrons and rules name it). */
export async function editCategory(ctx: Context, input: EditCategoryInput): Promise<CategoryView> {
  const library = await administrable(ctx, input.libraryId);
  const current = await libraries.findCategory(ctx.trx, library.id, input.code);
  if (!current) throw refuse(ErrorCode.CATEGORY_NOT_FOUND, 'The library has no patron category with that code.', 'code');
  const pick = <K extends 'minAge' | 'maxAge' | 'cardValidityMonths' | 'maxLoans'>(key: K) => (input[key] === undefined ? current[key] : (input[key] ?? null));
  const next: PatronCategory = {
    ...current,
    name: input.name?.trim() ?? current.name,
    minAge: pick('minAge'),
    maxAge: pick('maxAge'),
    cardValidityMonths: pick('cardValidityMonths'),
    maxLoans: pick('maxLoans'),
  };
  refuseIf([...nameProblems('name', input.name), ...categoryProblems(next)]);
  await libraries.updateCategory(ctx.trx, next);
  await recordLibraryChange(ctx, library.id, `library.category.edit:${next.code}`);
  return categoryView(next);
}

// ---------------------------------------------------------------------------------------------------
// Item types

export type ItemTypeView = Omit<ItemType, 'libraryId'>;

/** The library's item types, by code. */
export async function listItemTypes(ctx: Context, input: { libraryId: string }): Promise<ItemTypeView[]> {
  const library = await readable(ctx, input.libraryId);
  return (await libraries.listItemTypes(ctx.trx, library.id)).map(({ code, name }) => ({ code, name }));
}

/** Declares an item type the circulation matrix may name. */
export async function addItemType(ctx: Context, input: { libraryId: string; code: string; name: string }): Promise<ItemTypeView> {
  const library = await administrable(ctx, input.libraryId);
  refuseIf([...codeProblems('code', input.code), ...nameProblems('name', input.name)]);
  if (await libraries.findItemType(ctx.trx, library.id, input.code)) throw refuse(ErrorCode.ITEM_TYPE_EXISTS, 'The library already has an item type with that code.', 'code');
  const type: ItemType = { libraryId: library.id, code: input.code, name: input.name.trim() };
  await libraries.insertItemType(ctx.trx, type);
  await recordLibraryChange(ctx, library.id, `library.item-type.add:${type.code}`);
  return { code: type.code, name: type.name };
}

/** Renames an item type (its code never changes: items and rules name it). */
export async function editItemType(ctx: Context, input: { libraryId: string; code: string; name: string }): Promise<ItemTypeView> {
  const library = await administrable(ctx, input.libraryId);
  if (!(await libraries.findItemType(ctx.trx, library.id, input.code))) throw refuse(ErrorCode.ITEM_TYPE_NOT_FOUND, 'The library has no item type with that code.', 'code');
  refuseIf(nameProblems('name', input.name));
  const type: ItemType = { libraryId: library.id, code: input.code, name: input.name.trim() };
  await libraries.updateItemType(ctx.trx, type);
  await recordLibraryChange(ctx, library.id, `library.item-type.edit:${type.code}`);
  return { code: type.code, name: type.name };
}

// ---------------------------------------------------------------------------------------------------
// The circulation matrix

/** The matrix's cell a rule or an explanation is about; each part a code or `*`. */
interface CellInput {
  libraryId: string;
  branch?: string;
  patronCategory: string;
  itemType: string;
}

/**
 * Problems with the codes a rule or an explanation names: each `*` or something the library has
 * (BRANCH_NOT_FOUND, CATEGORY_NOT_FOUND, ITEM_TYPE_NOT_FOUND), every one that applies.
 */
async function cellProblems(ctx: Context, cell: Required<CellInput>, allowWildcards: boolean): Promise<Problem[]> {
  const problems: Problem[] = [];
  const wild = (v: string) => allowWildcards && v === '*';
  if (!wild(cell.branch)) {
    const branch = await libraries.findBranch(ctx.trx, cell.libraryId, cell.branch);
    if (!branch || branch.code !== cell.branch) problems.push({ code: ErrorCode.BRANCH_NOT_FOUND, message: 'The library has no branch with that code.', field: 'branch' });
  }
  if (!wild(cell.patronCategory) && !(await libraries.findCategory(ctx.trx, cell.libraryId, cell.patronCategory)))
    problems.push({ code: ErrorCode.CATEGORY_NOT_FOUND, message: 'The library has no patron category with that code.', field: 'patronCategory' });
  if (!wild(cell.itemType) && !(await libraries.findItemType(ctx.trx, cell.libraryId, cell.itemType)))
    problems.push({ code: ErrorCode.ITEM_TYPE_NOT_FOUND, message: 'The library has no item type with that code.', field: 'itemType' });
  return problems;
}

/** The rules of the library's circulation matrix, by branch, category and type (`*` first). */
export async function listLoanRules(ctx: Context, input: { libraryId: string }): Promise<LoanRule[]> {
  const library = await readable(ctx, input.libraryId);
  return libraries.listLoanRules(ctx.trx, library.id);
}

/**
 * Sets (adds or replaces) one rule of the circulation matrix. Its branch, category and type are each `*`
 * or one the library has; its figures are whole numbers, none negative. Loans already out keep their due
 * dates: the rule applies to check-outs and renewals from now on.
 */
export async function setLoanRule(ctx: Context, input: LoanRuleInput): Promise<LoanRule> {
  const library = await administrable(ctx, input.libraryId);
  const rule: LoanRule = { branch: '*', holdable: true, holdPickupDays: null, ...input, libraryId: library.id };
  refuseIf([...(await cellProblems(ctx, rule, true)), ...loanRuleProblems(rule)]);
  const existed = (await libraries.deleteLoanRule(ctx.trx, rule)) > 0;
  await libraries.insertLoanRule(ctx.trx, rule);
  await recordLibraryChange(ctx, library.id, `library.loan-rule.${existed ? 'replace' : 'set'}:${rule.branch}/${rule.patronCategory}/${rule.itemType}`);
  return rule;
}

/** Removes one rule of the matrix; the cells it covered fall back to the next most specific rule. */
export async function removeLoanRule(ctx: Context, input: CellInput): Promise<{ removed: Pick<LoanRule, 'branch' | 'patronCategory' | 'itemType'> }> {
  const library = await administrable(ctx, input.libraryId);
  const cell = { libraryId: library.id, branch: input.branch ?? '*', patronCategory: input.patronCategory, itemType: input.itemType };
  if ((await libraries.deleteLoanRule(ctx.trx, cell)) === 0) throw refuse(ErrorCode.LOAN_RULE_NOT_FOUND, 'The matrix has no rule for that branch, category and type.');
  await recordLibraryChange(ctx, library.id, `library.loan-rule.remove:${cell.branch}/${cell.patronCategory}/${cell.itemType}`);
  return { removed: { branch: cell.branch, patronCategory: cell.patronCategory, itemType: cell.itemType } };
}

/**
 * Which rule a loan of an item of `itemType` from `branch` to a patron of `patronCategory` gets, and
 * why: the same choice check-out makes (resolveLoanRule), with every rule that matched.
 */
export async function explainLoanRuleFor(ctx: Context, input: { libraryId: string; branch: string; patronCategory: string; itemType: string }): Promise<LoanRuleExplanation> {
  const library = await readable(ctx, input.libraryId);
  const cell: MatrixCell = { branch: input.branch, patronCategory: input.patronCategory, itemType: input.itemType };
  refuseIf(await cellProblems(ctx, { libraryId: library.id, ...cell }, false));
  return explainLoanRule(await libraries.candidateLoanRules(ctx.trx, library.id, cell.branch, cell.patronCategory, cell.itemType), cell);
}
