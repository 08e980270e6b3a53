import { randomUUID } from 'node:crypto';
import type { Branch, ClosedDay, ItemType, Library, LoanRule, OpeningHours, PatronCategory, PaymentMethod } from '../domain/types.js';
import { engineOf, type Db } from './database.js';
import { prepared } from './prepared.js';
import type { BranchesTable, CirculationRulesTable, ClosedDaysTable, ItemTypesTable, LibrariesTable, PatronCategoriesTable } from './schema.js';

function toLibrary(row: LibrariesTable): Library {
  return {
    id: row.id,
    name: row.name,
    profileId: row.profile_id,
    timeZone: row.time_zone,
    holdPickupDays: row.hold_pickup_days,
    maxBalanceCents: row.max_balance_cents,
    defaultLostChargeCents: row.default_lost_charge_cents,
    cardValidityMonths: row.card_validity_months,
    processingFeeCents: Number(row.processing_fee_cents),
    maxOverdueItems: row.max_overdue_items,
    longOverdueDays: row.long_overdue_days,
    defaultLanguage: row.default_language,
    offeredLanguages: JSON.parse(row.offered_languages) as string[],
    paymentMethods: JSON.parse(row.payment_methods) as PaymentMethod[],
    slip: { header: row.slip_header, footer: row.slip_footer, titles: Number(row.slip_titles) === 1 },
    legacyPinDays: Number(row.legacy_pin_days),
    identifyLimit: { patronFailures: Number(row.identify_patron_failures), staffFailures: Number(row.identify_staff_failures), windowMinutes: Number(row.identify_window_minutes) },
    createdAt: row.created_at,
  };
}

/** The columns of a library's languages, payment methods and slips. */
function deskColumns(library: Pick<Library, 'defaultLanguage' | 'offeredLanguages' | 'paymentMethods' | 'slip' | 'legacyPinDays' | 'identifyLimit'>) {
  return {
    default_language: library.defaultLanguage,
    offered_languages: JSON.stringify(library.offeredLanguages),
    payment_methods: JSON.stringify(library.paymentMethods),
    slip_header: library.slip.header,
    slip_footer: library.slip.footer,
    slip_titles: library.slip.titles ? 1 : 0,
    legacy_pin_days: library.legacyPinDays,
    identify_patron_failures: library.identifyLimit.patronFailures,
    identify_staff_failures: library.identifyLimit.staffFailures,
    identify_window_minutes: library.identifyLimit.windowMinutes,
  };
}

export async function insertLibrary(db: Db, library: Library): Promise<void> {
  await db
    .insertInto('libraries')
    .values({
      id: library.id,
      name: library.name,
      profile_id: library.profileId,
      // Random from the start, like every later version (migration 0032).
      config_version: randomUUID(),
      time_zone: library.timeZone,
      hold_pickup_days: library.holdPickupDays,
      max_balance_cents: library.maxBalanceCents,
      default_lost_charge_cents: library.defaultLostChargeCents,
      card_validity_months: library.cardValidityMonths,
      processing_fee_cents: library.processingFeeCents,
      max_overdue_items: library.maxOverdueItems,
      long_overdue_days: library.longOverdueDays,
      ...deskColumns(library),
      created_at: library.createdAt,
    })
    .execute();
}

/** The library's circulation settings: what an administrator may change after creating it. */
export type LibrarySettings = Pick<
  Library,
  | 'name'
  | 'timeZone'
  | 'holdPickupDays'
  | 'maxBalanceCents'
  | 'defaultLostChargeCents'
  | 'cardValidityMonths'
  | 'processingFeeCents'
  | 'maxOverdueItems'
  | 'longOverdueDays'
  | 'defaultLanguage'
  | 'offeredLanguages'
  | 'paymentMethods'
  | 'slip'
  | 'legacyPinDays'
  | 'identifyLimit'
>;

export async function updateLibrarySettings(db: Db, id: string, settings: LibrarySettings): Promise<void> {
  await db
    .updateTable('libraries')
    .set({
      name: settings.name,
      time_zone: settings.timeZone,
      hold_pickup_days: settings.holdPickupDays,
      max_balance_cents: settings.maxBalanceCents,
      default_lost_charge_cents: settings.defaultLostChargeCents,
      card_validity_months: settings.cardValidityMonths,
      processing_fee_cents: settings.processingFeeCents,
      max_overdue_items: settings.maxOverdueItems,
      long_overdue_days: settings.longOverdueDays,
      ...deskColumns(settings),
    })
    .where('id', '=', id)
    .execute();
}

const libraryById = prepared((db: Db, id: string) => db.selectFrom('libraries').selectAll().where('id', '=', id));

export async function findLibrary(db: Db, id: string): Promise<Library | undefined> {
  const [row] = (await libraryById(db, id)).rows;
  return row && toLibrary(row);
}

/** `findLibrary`, with the version of its configuration (migration 0032) the row was read at. */
export async function findVersionedLibrary(db: Db, id: string): Promise<{ library: Library; version: string } | undefined> {
  const [row] = (await libraryById(db, id)).rows;
  return row && { library: toLibrary(row), version: row.config_version };
}

const configVersionById = prepared((db: Db, id: string) => db.selectFrom('libraries').select('config_version').where('id', '=', id));

/** The version of a library's configuration (migration 0032), or undefined when there is no such library. */
export async function libraryConfigVersion(db: Db, id: string): Promise<string | undefined> {
  const [row] = (await configVersionById(db, id)).rows;
  return row?.config_version;
}

/**
 * Holds the library's row until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite runs one writer at
 * a time anyway), so two changes of its configuration (two overlapping closures, the same cell of the
 * matrix set twice) run one after the other and each sees the other's result.
 */
export async function lockLibrary(db: Db, id: string): Promise<void> {
  const query = db.selectFrom('libraries').select('id').where('id', '=', id);
  await (engineOf(db) === 'postgres' ? query.forUpdate() : query).execute();
}

export async function listLibraries(db: Db): Promise<Library[]> {
  const rows = await db.selectFrom('libraries').selectAll().orderBy('id').execute();
  return rows.map(toLibrary);
}

function toBranch(row: BranchesTable): Branch {
  return {
    id: row.id,
    libraryId: row.library_id,
    code: row.code,
    name: row.name,
    address: row.address,
    openingHours: JSON.parse(row.opening_hours) as OpeningHours,
  };
}

export async function insertBranch(db: Db, branch: Branch): Promise<void> {
  await db
    .insertInto('branches')
    .values({
      id: branch.id,
      library_id: branch.libraryId,
      code: branch.code,
      name: branch.name,
      address: branch.address,
      opening_hours: JSON.stringify(branch.openingHours),
    })
    .execute();
}

/** Changes a branch's name, address and hours (its code and id never change). */
export async function updateBranch(db: Db, branch: Branch): Promise<void> {
  await db
    .updateTable('branches')
    .set({ name: branch.name, address: branch.address, opening_hours: JSON.stringify(branch.openingHours) })
    .where('id', '=', branch.id)
    .execute();
}

export async function listBranches(db: Db, libraryId: string): Promise<Branch[]> {
  const rows = await db.selectFrom('branches').selectAll().where('library_id', '=', libraryId).orderBy('code').execute();
  return rows.map(toBranch);
}

/** A branch of a library by its id or its short code. */
export async function findBranch(db: Db, libraryId: string, idOrCode: string): Promise<Branch | undefined> {
  const row = await db
    .selectFrom('branches')
    .selectAll()
    .where('library_id', '=', libraryId)
    .where((eb) => eb.or([eb('id', '=', idOrCode), eb('code', '=', idOrCode)]))
    .executeTakeFirst();
  return row && toBranch(row);
}

function toCategory(row: PatronCategoriesTable): PatronCategory {
  return {
    libraryId: row.library_id,
    code: row.code,
    name: row.name,
    maxLoans: row.max_loans,
    minAge: row.min_age,
    maxAge: row.max_age,
    cardValidityMonths: row.card_validity_months,
  };
}

export async function insertCategory(db: Db, category: PatronCategory): Promise<void> {
  await db
    .insertInto('patron_categories')
    .values({
      library_id: category.libraryId,
      code: category.code,
      name: category.name,
      max_loans: category.maxLoans,
      min_age: category.minAge,
      max_age: category.maxAge,
      card_validity_months: category.cardValidityMonths,
    })
    .execute();
}

export async function updateCategory(db: Db, category: PatronCategory): Promise<void> {
  await db
    .updateTable('patron_categories')
    .set({
      name: category.name,
      max_loans: category.maxLoans,
      min_age: category.minAge,
      max_age: category.maxAge,
      card_validity_months: category.cardValidityMonths,
    })
    .where('library_id', '=', category.libraryId)
    .where('code', '=', category.code)
    .execute();
}

export async function listCategories(db: Db, libraryId: string): Promise<PatronCategory[]> {
  const rows = await db.selectFrom('patron_categories').selectAll().where('library_id', '=', libraryId).orderBy('code').execute();
  return rows.map(toCategory);
}

function toItemType(row: ItemTypesTable): ItemType {
  return { libraryId: row.library_id, code: row.code, name: row.name };
}

export async function insertItemType(db: Db, type: ItemType): Promise<void> {
  await db.insertInto('item_types').values({ library_id: type.libraryId, code: type.code, name: type.name }).execute();
}

export async function updateItemType(db: Db, type: ItemType): Promise<void> {
  await db.updateTable('item_types').set({ name: type.name }).where('library_id', '=', type.libraryId).where('code', '=', type.code).execute();
}

export async function listItemTypes(db: Db, libraryId: string): Promise<ItemType[]> {
  const rows = await db.selectFrom('item_types').selectAll().where('library_id', '=', libraryId).orderBy('code').execute();
  return rows.map(toItemType);
}

export async function findItemType(db: Db, libraryId: string, code: string): Promise<ItemType | undefined> {
  const row = await db.selectFrom('item_types').selectAll().where('library_id', '=', libraryId).where('code', '=', code).executeTakeFirst();
  return row && toItemType(row);
}

function toClosedDay(row: ClosedDaysTable): ClosedDay {
  return {
    id: row.id,
    libraryId: row.library_id,
    branchId: row.branch_id,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    reason: row.reason,
    createdAt: row.created_at,
  };
}

export async function insertClosedDay(db: Db, day: ClosedDay): Promise<void> {
  await db
    .insertInto('closed_days')
    .values({
      id: day.id,
      library_id: day.libraryId,
      branch_id: day.branchId,
      starts_on: day.startsOn,
      ends_on: day.endsOn,
      reason: day.reason,
      created_at: day.createdAt,
    })
    .execute();
}

export async function deleteClosedDay(db: Db, libraryId: string, id: string): Promise<number> {
  const result = await db.deleteFrom('closed_days').where('library_id', '=', libraryId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A library's closed days that end on or after `from` (every one when `from` is omitted), by start. */
export async function listClosedDays(db: Db, libraryId: string, from?: string): Promise<ClosedDay[]> {
  let query = db.selectFrom('closed_days').selectAll().where('library_id', '=', libraryId);
  if (from) query = query.where('ends_on', '>=', from);
  const rows = await query.orderBy('starts_on').orderBy('id').execute();
  return rows.map(toClosedDay);
}

const categoryByCode = prepared((db: Db, libraryId: string, code: string) =>
  db.selectFrom('patron_categories').selectAll().where('library_id', '=', libraryId).where('code', '=', code),
);

export async function findCategory(db: Db, libraryId: string, code: string): Promise<PatronCategory | undefined> {
  const [row] = (await categoryByCode(db, libraryId, code)).rows;
  return row && toCategory(row);
}

function toLoanRule(row: CirculationRulesTable): LoanRule {
  return {
    libraryId: row.library_id,
    branch: row.branch_code,
    patronCategory: row.patron_category,
    itemType: row.item_type,
    loanDays: row.loan_days,
    renewals: row.renewals,
    finePerDayCents: row.fine_per_day_cents,
    maxFineCents: row.max_fine_cents,
    holdable: Number(row.holdable) !== 0,
    holdPickupDays: row.hold_pickup_days,
  };
}

export async function insertLoanRule(db: Db, rule: LoanRule): Promise<void> {
  await db
    .insertInto('circulation_rules')
    .values({
      library_id: rule.libraryId,
      branch_code: rule.branch,
      patron_category: rule.patronCategory,
      item_type: rule.itemType,
      loan_days: rule.loanDays,
      renewals: rule.renewals,
      fine_per_day_cents: rule.finePerDayCents,
      max_fine_cents: rule.maxFineCents,
      holdable: rule.holdable ? 1 : 0,
      hold_pickup_days: rule.holdPickupDays,
    })
    .execute();
}

/** Removes the one rule of a cell of the matrix; how many went (0 or 1). */
export async function deleteLoanRule(db: Db, rule: Pick<LoanRule, 'libraryId' | 'branch' | 'patronCategory' | 'itemType'>): Promise<number> {
  const result = await db
    .deleteFrom('circulation_rules')
    .where('library_id', '=', rule.libraryId)
    .where('branch_code', '=', rule.branch)
    .where('patron_category', '=', rule.patronCategory)
    .where('item_type', '=', rule.itemType)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function listLoanRules(db: Db, libraryId: string): Promise<LoanRule[]> {
  const rows = await db
    .selectFrom('circulation_rules')
    .selectAll()
    .where('library_id', '=', libraryId)
    .orderBy('branch_code')
    .orderBy('patron_category')
    .orderBy('item_type')
    .execute();
  return rows.map(toLoanRule);
}

/** The rules that could apply to this branch × category × item type (exact or wildcard), for resolveLoanRule. */
const loanRuleCandidates = prepared((db: Db, libraryId: string, branchCode: string, patronCategory: string, itemType: string) =>
  db
    .selectFrom('circulation_rules')
    .selectAll()
    .where('library_id', '=', libraryId)
    .where('branch_code', 'in', [branchCode, '*'])
    .where('patron_category', 'in', [patronCategory, '*'])
    .where('item_type', 'in', [itemType, '*']),
);

export async function candidateLoanRules(db: Db, libraryId: string, branchCode: string, patronCategory: string, itemType: string): Promise<LoanRule[]> {
  return (await loanRuleCandidates(db, libraryId, branchCode, patronCategory, itemType)).rows.map(toLoanRule);
}
