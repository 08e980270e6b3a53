import type { Branch, Library, LoanRule, PatronCategory } from '../domain/types.js';
import type { Db } from './database.js';
import { prepared } from './prepared.js';
import type { BranchesTable, LibrariesTable, LoanRulesTable, PatronCategoriesTable } from './schema.js';

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
    createdAt: row.created_at,
  };
}

export async function insertLibrary(db: Db, library: Library): Promise<void> {
  await db
    .insertInto('libraries')
    .values({
      id: library.id,
      name: library.name,
      profile_id: library.profileId,
      time_zone: library.timeZone,
      hold_pickup_days: library.holdPickupDays,
      max_balance_cents: library.maxBalanceCents,
      default_lost_charge_cents: library.defaultLostChargeCents,
      card_validity_months: library.cardValidityMonths,
      created_at: library.createdAt,
    })
    .execute();
}

const libraryById = prepared((db: Db, id: string) => db.selectFrom('libraries').selectAll().where('id', '=', id));

export async function findLibrary(db: Db, id: string): Promise<Library | undefined> {
  const [row] = (await libraryById(db, id)).rows;
  return row && toLibrary(row);
}

export async function listLibraries(db: Db): Promise<Library[]> {
  const rows = await db.selectFrom('libraries').selectAll().orderBy('id').execute();
  return rows.map(toLibrary);
}

function toBranch(row: BranchesTable): Branch {
  return { id: row.id, libraryId: row.library_id, code: row.code, name: row.name };
}

export async function insertBranch(db: Db, branch: Branch): Promise<void> {
  await db.insertInto('branches').values({ id: branch.id, library_id: branch.libraryId, code: branch.code, name: branch.name }).execute();
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
  return { libraryId: row.library_id, code: row.code, name: row.name, maxLoans: row.max_loans };
}

export async function insertCategory(db: Db, category: PatronCategory): Promise<void> {
  await db
    .insertInto('patron_categories')
    .values({ library_id: category.libraryId, code: category.code, name: category.name, max_loans: category.maxLoans })
    .execute();
}

const categoryByCode = prepared((db: Db, libraryId: string, code: string) =>
  db.selectFrom('patron_categories').selectAll().where('library_id', '=', libraryId).where('code', '=', code),
);

export async function findCategory(db: Db, libraryId: string, code: string): Promise<PatronCategory | undefined> {
  const [row] = (await categoryByCode(db, libraryId, code)).rows;
  return row && toCategory(row);
}

function toLoanRule(row: LoanRulesTable): LoanRule {
  return {
    libraryId: row.library_id,
    patronCategory: row.patron_category,
    itemType: row.item_type,
    loanDays: row.loan_days,
    renewals: row.renewals,
    finePerDayCents: row.fine_per_day_cents,
    maxFineCents: row.max_fine_cents,
  };
}

export async function insertLoanRule(db: Db, rule: LoanRule): Promise<void> {
  await db
    .insertInto('loan_rules')
    .values({
      library_id: rule.libraryId,
      patron_category: rule.patronCategory,
      item_type: rule.itemType,
      loan_days: rule.loanDays,
      renewals: rule.renewals,
      fine_per_day_cents: rule.finePerDayCents,
      max_fine_cents: rule.maxFineCents,
    })
    .execute();
}

/** The rules that could apply to this category × item type (exact or wildcard), for resolveLoanRule. */
const loanRuleCandidates = prepared((db: Db, libraryId: string, patronCategory: string, itemType: string) =>
  db
    .selectFrom('loan_rules')
    .selectAll()
    .where('library_id', '=', libraryId)
    .where('patron_category', 'in', [patronCategory, '*'])
    .where('item_type', 'in', [itemType, '*']),
);

export async function candidateLoanRules(db: Db, libraryId: string, patronCategory: string, itemType: string): Promise<LoanRule[]> {
  return (await loanRuleCandidates(db, libraryId, patronCategory, itemType)).rows.map(toLoanRule);
}

