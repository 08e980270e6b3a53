import { IANAZone } from 'luxon';
import { ErrorCode, refuse } from '../domain/errors.js';
import { DEFAULT_IDENTIFY_LIMIT, PAYMENT_METHODS, type Branch, type Library } from '../domain/types.js';
import { availableLanguages } from '../i18n/messages.js';
import { DEFAULT_PROFILE, profiles } from '../profile/profiles.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import { requirePermission } from './authorization.js';
import { isUniqueViolation } from '../storage/errors.js';
import { countFines } from '../storage/fine.repository.js';
import * as libraries from '../storage/library.repository.js';
import { countLoans } from '../storage/loan.repository.js';
import { newId, type Context } from './context.js';
import { requireLibrary } from './library-access.js';
import { syncProfileSeries } from './record-series.usecases.js';
import { recordProfileVersion } from './privacy-policy.usecases.js';

export const LIBRARY_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;

export interface CreateLibraryInput {
  id: string;
  name: string;
  profileId?: string;
  timeZone?: string;
  branches?: { code: string; name: string }[];
}

/** The item types a new library starts with (an item is a book unless said otherwise); the library adds and renames its own. */
const STARTING_ITEM_TYPES: readonly (readonly [string, string])[] = [
  ['book', 'Book'],
  ['audiobook', 'Audiobook'],
  ['dvd', 'DVD'],
  ['magazine', 'Magazine'],
  ['reference', 'Reference'],
];

function requireAdmin(ctx: Context): void {
  requirePermission(ctx, 'library.administer');
}

/**
 * Creates a library with what it needs to lend on day one: its branches (a "main" branch unless told
 * otherwise), the adult and juvenile patron categories, a starting set of item types, and a fallback
 * loan rule. Every one of them is data the library then edits (library-config.usecases.ts).
 */
export async function createLibrary(ctx: Context, input: CreateLibraryInput): Promise<{ library: Library; branches: Branch[] }> {
  requireAdmin(ctx);
  if (!LIBRARY_ID.test(input.id))
    throw refuse(ErrorCode.VALIDATION_FAILED, 'A library id is 2–40 lower-case letters, digits or hyphens.', 'id');
  if (input.name.trim() === '') throw refuse(ErrorCode.VALIDATION_FAILED, 'A library needs a name.', 'name');
  const profileId = input.profileId ?? DEFAULT_PROFILE;
  if (!profiles().has(profileId)) throw refuse(ErrorCode.PROFILE_NOT_FOUND, 'No policy profile has that id.', 'profile');
  // A library's own administrator runs that library; a new library is the installation's (consortium-wide) business.
  if (!canReachLibrary(ctx.actor, input.id).allowed) throw refuse(ErrorCode.PERMISSION_DENIED, 'Only an administrator of the whole installation adds a library.', 'id');
  const timeZone = input.timeZone ?? 'UTC';
  if (!IANAZone.isValidZone(timeZone)) throw refuse(ErrorCode.INVALID_TIME_ZONE, 'Not an IANA time zone (for example America/Denver).', 'timeZone');

  const library: Library = {
    id: input.id,
    name: input.name.trim(),
    profileId,
    timeZone,
    holdPickupDays: 7,
    maxBalanceCents: 1000,
    defaultLostChargeCents: 2500,
    cardValidityMonths: 12, // CB-F2: registration is re-verified annually
    processingFeeCents: 0,
    maxOverdueItems: null,
    longOverdueDays: null,
    // Every language Carrel speaks, English first until the library chooses; every way of paying.
    defaultLanguage: 'en',
    offeredLanguages: availableLanguages(),
    paymentMethods: [...PAYMENT_METHODS],
    slip: { header: null, footer: null, titles: true },
    legacyPinDays: 180,
    identifyLimit: DEFAULT_IDENTIFY_LIMIT,
    createdAt: ctx.now.toISOString(),
  };
  try {
    await libraries.insertLibrary(ctx.trx, library);
  } catch (error) {
    if (isUniqueViolation(error)) throw refuse(ErrorCode.LIBRARY_EXISTS, 'A library with that id already exists.', 'id');
    throw error;
  }
  const branches: Branch[] = (input.branches ?? [{ code: 'main', name: `${library.name} (main)` }]).map((b) => ({
    id: newId(),
    libraryId: library.id,
    code: b.code,
    name: b.name,
    address: null,
    openingHours: {},
  }));
  for (const branch of branches) await libraries.insertBranch(ctx.trx, branch);
  const category = { minAge: null, maxAge: null, cardValidityMonths: null };
  await libraries.insertCategory(ctx.trx, { ...category, libraryId: library.id, code: 'adult', name: 'Adult', maxLoans: 50, minAge: 18 });
  await libraries.insertCategory(ctx.trx, { ...category, libraryId: library.id, code: 'juvenile', name: 'Juvenile (under 18)', maxLoans: 20, maxAge: 17 });
  for (const [code, name] of STARTING_ITEM_TYPES) await libraries.insertItemType(ctx.trx, { libraryId: library.id, code, name });
  await libraries.insertLoanRule(ctx.trx, {
    libraryId: library.id,
    branch: '*',
    holdable: true,
    holdPickupDays: null,
    patronCategory: '*',
    itemType: '*',
    loanDays: 21,
    renewals: 2,
    finePerDayCents: 25,
    maxFineCents: 500,
  });
  await syncProfileSeries(ctx, { libraryId: library.id }); // CB-H, RF-9: the profile's record series enter the register
  await recordProfileVersion(ctx, { profileId }); // RR-10: the version in force enters the policy's history
  return { library, branches };
}

/** Setting a loan rule lives with the rest of the library's configuration; it is re-exported for its callers. */
export { setLoanRule } from './library-config.usecases.js';

/**
 * How many loans are out and how many fines are open in a library: two counts, nothing about anyone
 * (the demo library's summary says them). Whoever may read the library's statistics.
 */
export async function circulationCounts(ctx: Context, input: { libraryId: string }): Promise<{ activeLoans: number; openFines: number }> {
  requirePermission(ctx, 'statistics.read');
  const library = await requireLibrary(ctx, input.libraryId);
  return { activeLoans: await countLoans(ctx.trx, library.id, 'active'), openFines: await countFines(ctx.trx, library.id, 'open') };
}

/** The libraries the actor may reach, with their branches. */
export async function listLibraries(ctx: Context, _input: void): Promise<(Library & { branches: Branch[] })[]> {
  const all = await libraries.listLibraries(ctx.trx);
  const visible = all.filter((l) => canReachLibrary(ctx.actor, l.id).allowed);
  return Promise.all(visible.map(async (l) => ({ ...l, branches: await libraries.listBranches(ctx.trx, l.id) })));
}
