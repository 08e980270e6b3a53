import { isStorableInteger, isStorableText } from '../domain/storable.js';
import { ErrorCode, refuse, type Problem, DomainError } from '../domain/errors.js';
import { ITEM_STATUSES, type Item, type ItemStatus, type Library } from '../domain/types.js';
import { canReachLibrary, homeLibrary } from '../policy/scope.policy.js';
import { isUniqueViolation } from '../storage/errors.js';
import * as items from '../storage/item.repository.js';
import { findBranch, listBranches } from '../storage/library.repository.js';
import { newId, type Context } from './context.js';
import { noteConfigVersion } from './library-config-cache.js';
import { requireLibrary } from './library-access.js';
import { requirePermission } from './authorization.js';

export interface AddItemInput {
  libraryId: string;
  barcode: string;
  title: string;
  author?: string | null;
  isbn?: string | null;
  itemType?: string;
  /** Branch id or code; the library's first branch when absent. */
  branch?: string;
  status?: ItemStatus;
  replacementCostCents?: number | null;
  /** The bibliographic record the item is a copy of. */
  recordId?: string | null;
  callNumber?: string | null;
}

const BARCODE = /^[A-Za-z0-9-]{1,32}$/;
const ITEM_TYPE = /^[a-z0-9-]{1,32}$/;

/** Checks one item's fields; collects every problem. */
export function itemProblems(input: AddItemInput): Problem[] {
  const problems: Problem[] = [];
  if (!BARCODE.test(input.barcode)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A barcode is 1–32 letters, digits or hyphens.', field: 'barcode' });
  if (input.title.trim() === '' || !isStorableText(input.title, 500)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A title of 1–500 characters (without U+0000) is required.', field: 'title' });
  if (input.author != null && !isStorableText(input.author, 300)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'An author is at most 300 characters, without U+0000.', field: 'author' });
  if (input.itemType !== undefined && !ITEM_TYPE.test(input.itemType))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'An item type is 1–32 lower-case letters, digits or hyphens (book, dvd…).', field: 'type' });
  if (input.status !== undefined && !ITEM_STATUSES.includes(input.status))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `An item status is one of ${ITEM_STATUSES.join(', ')}.`, field: 'status' });
  // Within PostgreSQL's integer on both engines (domain/storable): SQLite would take 1e21 cents (issue 22, defect 6).
  if (input.replacementCostCents != null && (!isStorableInteger(input.replacementCostCents) || input.replacementCostCents < 0))
    problems.push({ code: ErrorCode.INVALID_AMOUNT, message: 'A replacement cost is a non-negative amount.', field: 'replacementCost' });
  return problems;
}

/**
 * Adds items to the catalogue. All or nothing: a problem in any one (its position is reported as
 * `line`), a duplicate barcode, an unknown branch, and none is written.
 */
export async function addItems(ctx: Context, inputs: readonly (AddItemInput & { line?: number })[]): Promise<Item[]> {
  requirePermission(ctx, 'items.manage');
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  const created: Item[] = [];
  const branchCache = new Map<string, string | undefined>();
  // One look-up per library of the batch, not one per item (an import adds thousands)
  const libraryCache = new Map<string, Promise<Library>>();
  for (const [index, input] of inputs.entries()) {
    const where = input.line !== undefined ? `line ${input.line}: ` : inputs.length > 1 ? `item ${index + 1}: ` : '';
    const own = itemProblems(input);
    const key = `${input.libraryId}\u0000${input.barcode}`;
    if (seen.has(key)) own.push({ code: ErrorCode.BARCODE_EXISTS, message: `The barcode also appears at ${seen.get(key)}.`, field: 'barcode' });
    seen.set(key, input.line ?? index + 1);
    if (!libraryCache.has(input.libraryId)) libraryCache.set(input.libraryId, requireLibrary(ctx, input.libraryId));
    const library = await (libraryCache.get(input.libraryId) as Promise<Library>).catch((e: unknown) => {
      if (e instanceof DomainError) own.push(...e.problems);
      return undefined;
    });
    let branchId: string | undefined;
    if (library) {
      const branchKey = `${library.id}\u0000${input.branch ?? ''}`;
      if (!branchCache.has(branchKey)) {
        const branch = input.branch !== undefined ? await findBranch(ctx.trx, library.id, input.branch) : (await listBranches(ctx.trx, library.id))[0];
        branchCache.set(branchKey, branch?.id);
      }
      branchId = branchCache.get(branchKey);
      if (!branchId) own.push({ code: ErrorCode.BRANCH_NOT_FOUND, message: 'The library has no branch with that id or code.', field: 'branch' });
    }
    if (own.length > 0) {
      problems.push(...own.map((p) => ({ ...p, message: `${where}${p.message}` })));
      continue;
    }
    created.push({
      id: newId(),
      libraryId: input.libraryId,
      branchId: branchId ?? '',
      barcode: input.barcode,
      title: input.title.trim(),
      author: input.author?.trim() || null,
      isbn: input.isbn?.trim() || null,
      itemType: input.itemType ?? 'book',
      status: input.status ?? 'available',
      replacementCostCents: input.replacementCostCents ?? null,
      createdAt: ctx.now.toISOString(),
      recordId: input.recordId ?? null,
      callNumber: input.callNumber?.trim() || null,
      damaged: false,
    });
  }
  if (problems.length > 0) throw new DomainError(problems);
  try {
    await items.insertItems(ctx.trx, created);
  } catch (error) {
    if (isUniqueViolation(error)) throw refuse(ErrorCode.BARCODE_EXISTS, 'An item with one of these barcodes already exists in the library.', 'barcode');
    throw error;
  }
  return created;
}

/**
 * The item with a barcode, in the actor's library (or the one named). A barcode used by two libraries
 * of a consortium must be disambiguated with the library.
 */
export async function requireItemByBarcode(ctx: Context, barcode: string, libraryId?: string, options: { lock?: boolean } = {}): Promise<Item> {
  if (options.lock) return (await lockItemForCirculation(ctx, barcode, libraryId)).item;
  return onlyReachable(ctx, await items.findItemsByBarcode(ctx.trx, barcode, libraryId ?? homeLibrary(ctx.actor)), (item) => item);
}

/**
 * `requireItemByBarcode` locked, for circulation: the same statement answers the library's configuration
 * version (noted for library-config-cache.ts), whether a staff-list task waits on the item and whether a
 * pending hold may be in its queue.
 */
export async function lockItemForCirculation(ctx: Context, barcode: string, libraryId?: string): Promise<items.LockedItem> {
  const locked = await items.lockItemsByBarcode(ctx.trx, barcode, libraryId ?? homeLibrary(ctx.actor));
  for (const { item, configVersion } of locked) noteConfigVersion(ctx, item.libraryId, configVersion);
  return onlyReachable(ctx, locked, (found) => found.item);
}

/** The one candidate the actor may reach: ITEM_NOT_FOUND for none, BARCODE_AMBIGUOUS for several. */
function onlyReachable<T>(ctx: Context, candidates: readonly T[], itemOf: (candidate: T) => Item): T {
  const found = candidates.filter((candidate) => canReachLibrary(ctx.actor, itemOf(candidate).libraryId).allowed);
  if (found.length === 0) throw refuse(ErrorCode.ITEM_NOT_FOUND, 'No item has that barcode.', 'itemBarcode');
  if (found.length > 1) throw refuse(ErrorCode.BARCODE_AMBIGUOUS, 'Several libraries use that barcode; name the library.', 'library');
  return found[0] as T;
}

/** Looks an item up by barcode (catalogue data only: no patron is revealed). */
export async function findItem(ctx: Context, input: { barcode: string; libraryId?: string }): Promise<Item> {
  requirePermission(ctx, 'items.read');
  return requireItemByBarcode(ctx, input.barcode, input.libraryId);
}

/** Adds one item to the catalogue. */
export async function addItem(ctx: Context, input: AddItemInput): Promise<Item> {
  const [item] = await addItems(ctx, [input]);
  return item as Item;
}
