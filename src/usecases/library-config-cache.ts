/**
 * A library's configuration as the desk reads it (its row, branches, patron categories, circulation rules
 * and closed days), kept by each process under the version the database gives it (migration 0032:
 * `libraries.config_version`, replaced by triggers on every change of any of them).
 *
 * Every transaction still reads the version: a circulation use case has it from the item's look-up
 * (`noteConfigVersion`, the same statement), anything else from the library's row. Only what was read at
 * that very version is used, so a rule, an hour or a closure changed by another process, an import or an
 * operator's SQL counts from the next transaction on, as if nothing were kept; what is saved is the four
 * or five reads of the configuration a check-out would run otherwise.
 *
 * What is kept is configuration only, never anything of a patron. The versions are random tokens, so a
 * restored database or a rolled-back change can never present a version kept with other contents.
 */
import type { Branch, ClosedDay, Library, LoanRule, PatronCategory } from '../domain/types.js';
import type { Db } from '../storage/database.js';
import { findLibrary, findVersionedLibrary, libraryConfigVersion, listBranches, listCategories, listClosedDays, listLoanRules } from '../storage/library.repository.js';

/** A library's configuration at one version. Frozen: it is shared by every transaction that sees the version. */
export interface LibraryConfig {
  readonly version: string;
  readonly library: Library;
  readonly branches: readonly Branch[];
  readonly categories: ReadonlyMap<string, PatronCategory>;
  readonly rules: readonly LoanRule[];
  /** Every closed day of the library, by start date then id (`closedDaysFrom` picks today's view). */
  readonly closedDays: readonly ClosedDay[];
}

/** How many libraries' configurations a process keeps (a consortium's members; the least recent goes). */
const KEPT_LIBRARIES = 256;

/** The configurations a process keeps for one database. */
class ConfigShelf {
  private readonly kept = new Map<string, LibraryConfig>();

  get(libraryId: string, version: string): LibraryConfig | undefined {
    const config = this.kept.get(libraryId);
    if (config === undefined || config.version !== version) return undefined;
    this.kept.delete(libraryId);
    this.kept.set(libraryId, config);
    return config;
  }

  put(config: LibraryConfig): void {
    this.kept.delete(config.library.id);
    this.kept.set(config.library.id, config);
    if (this.kept.size > KEPT_LIBRARIES) this.kept.delete(this.kept.keys().next().value as string);
  }
}

/** One shelf per database handle: two databases (a test's, a restore's) never share one. */
const shelves = new WeakMap<object, ConfigShelf>();

/** What one transaction knows of configuration versions and has read (`Context.config`). */
export interface ConfigScope {
  readonly shelf: ConfigShelf;
  /**
   * Versions read in this transaction by statements that ran anyway (the item's look-up of a circulation
   * use case, which changes no configuration itself).
   */
  readonly versions: Map<string, string>;
}

/** A transaction's scope, over the shelf of the database `root` (the runtime's handle, not the transaction). */
export function configScope(root: object): ConfigScope {
  let shelf = shelves.get(root);
  if (shelf === undefined) {
    shelf = new ConfigShelf();
    shelves.set(root, shelf);
  }
  return { shelf, versions: new Map() };
}

interface ConfigHolder {
  trx: Db;
  config?: ConfigScope;
}

/** Records the version of a library's configuration a statement of this transaction read. */
export function noteConfigVersion(ctx: ConfigHolder, libraryId: string, version: string): void {
  ctx.config?.versions.set(libraryId, version);
}

/**
 * The library's configuration as of this transaction, or undefined when there is no such library.
 * `fresh`: as of now, whatever version the transaction read before.
 */
export async function findLibraryConfig(ctx: ConfigHolder, libraryId: string, options: { fresh?: boolean } = {}): Promise<LibraryConfig | undefined> {
  const scope = ctx.config;
  let version = options.fresh ? undefined : scope?.versions.get(libraryId);
  let row: { library: Library; version: string } | undefined;
  if (version === undefined) {
    row = await findVersionedLibrary(ctx.trx, libraryId);
    version = row?.version;
  }
  let config = version === undefined ? undefined : scope?.shelf.get(libraryId, version);
  if (config === undefined && version !== undefined) config = await readConfig(ctx, libraryId, row, scope);
  return config;
}

/** Reads a library's whole configuration, and keeps it when nothing changed it while it was read. */
async function readConfig(ctx: ConfigHolder, libraryId: string, row: { library: Library; version: string } | undefined, scope: ConfigScope | undefined): Promise<LibraryConfig | undefined> {
  const versioned = row ?? (await findVersionedLibrary(ctx.trx, libraryId));
  if (versioned === undefined) return undefined;
  const [branches, categories, rules, closedDays] = [
    await listBranches(ctx.trx, libraryId),
    await listCategories(ctx.trx, libraryId),
    await listLoanRules(ctx.trx, libraryId),
    await listClosedDays(ctx.trx, libraryId),
  ];
  const config: LibraryConfig = deepFreeze({
    version: versioned.version,
    library: versioned.library,
    branches,
    categories: new Map(categories.map((c) => [c.code, c])),
    rules,
    closedDays,
  });
  // On PostgreSQL each statement reads the newest committed state: a change that committed between the
  // row and the lists would put a newer configuration under the older version. Kept only when the version
  // is still the one the row gave (this transaction uses what it read either way: nothing older).
  if (scope !== undefined && (await libraryConfigVersion(ctx.trx, libraryId)) === versioned.version) scope.shelf.put(config);
  return config;
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (value instanceof Map) for (const entry of value.values()) deepFreeze(entry);
  else for (const entry of Object.values(value)) deepFreeze(entry);
  return Object.freeze(value);
}

/**
 * The library's row as of this transaction: kept, when the transaction read the version already and the
 * process keeps that version; read otherwise (one statement; the rest of the configuration is not read).
 */
export async function findLibraryRow(ctx: ConfigHolder, libraryId: string): Promise<Library | undefined> {
  const version = ctx.config?.versions.get(libraryId);
  const kept = version === undefined ? undefined : ctx.config?.shelf.get(libraryId, version);
  return kept?.library ?? (await findLibrary(ctx.trx, libraryId));
}

/**
 * The category whose loan limit a loan by the lending library (`lender`) counts against: the lender's
 * category of the patron's code; for a consortium visitor whose category the lender lacks, the one their
 * own library gives it, never none. The check-out counts against it, and the desk's summary shows it.
 */
export async function limitingCategory(ctx: ConfigHolder, lender: LibraryConfig, patron: { libraryId: string; categoryCode: string }): Promise<PatronCategory | undefined> {
  const own = lender.categories.get(patron.categoryCode);
  if (own !== undefined || patron.libraryId === lender.library.id) return own;
  return (await libraryConfig(ctx, patron.libraryId)).categories.get(patron.categoryCode);
}

/** The library's configuration as of this transaction; a record pointing at no library is a bug. */
export async function libraryConfig(ctx: ConfigHolder, libraryId: string): Promise<LibraryConfig> {
  const config = await findLibraryConfig(ctx, libraryId);
  if (config === undefined) throw new Error('A record points at a library that does not exist.');
  return config;
}

/**
 * The configuration and one of its branches (by id or code). On PostgreSQL the version a circulation use
 * case read with its item is as of that statement's start, before it waited for the item's lock: an item
 * moved meanwhile to a branch created meanwhile is not in it, so a missing branch is looked for once more
 * in the configuration as it is now. A branch missing from that too is a bug.
 */
export async function configWithBranch(ctx: ConfigHolder, libraryId: string, idOrCode: string): Promise<{ config: LibraryConfig; branch: Branch }> {
  let config = await libraryConfig(ctx, libraryId);
  let branch = branchIn(config, idOrCode);
  if (branch === undefined) {
    config = (await findLibraryConfig(ctx, libraryId, { fresh: true })) ?? config;
    branch = branchIn(config, idOrCode);
  }
  if (branch === undefined) throw new Error('An item points at a branch that does not exist.');
  return { config, branch };
}

/** A branch of the configuration by its id or its short code (`findBranch`'s rule). */
export function branchIn(config: LibraryConfig, idOrCode: string): Branch | undefined {
  return config.branches.find((b) => b.id === idOrCode) ?? config.branches.find((b) => b.code === idOrCode);
}

/** The rules that could apply to a cell, exact or wildcard (`candidateLoanRules`'s rule), for resolveLoanRule. */
export function candidateRulesIn(config: LibraryConfig, branchCode: string, patronCategory: string, itemType: string): LoanRule[] {
  return config.rules.filter(
    (r) => (r.branch === branchCode || r.branch === '*') && (r.patronCategory === patronCategory || r.patronCategory === '*') && (r.itemType === itemType || r.itemType === '*'),
  );
}

/** The closed days that end on or after `from`, by start date (`listClosedDays`'s rule). */
export function closedDaysFrom(config: LibraryConfig, from: string): ClosedDay[] {
  return config.closedDays.filter((d) => d.endsOn >= from);
}
