/**
 * A patron's card over its life (CB-F2, issue 15): renewed after staff re-verify the patron, a forgotten
 * PIN reset at the desk without changing the card number, and the patron's membership (category and
 * home branch) changed. Each is a change to the registration, logged on the patron's record.
 */
import { cardValidityMonthsFor, categoryAgeProblem, isMinor, renewedCardExpiry } from '../domain/circulation.rules.js';
import { ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import type { PatronStatus } from '../domain/types.js';
import { findBranch, findCategory, findLibrary } from '../storage/library.repository.js';
import * as patrons from '../storage/patron.repository.js';
import type { StoredPatron } from '../storage/patron.repository.js';
import { clearLoginFailures } from '../storage/login-failure.repository.js';
import { generatePin, hashSecret } from '../vault/secrets.js';
import { requirePermission } from './authorization.js';
import { recordAccess, refusalFromRecord, type Context } from './context.js';
import { requirePatronByCard, requirePatronForChange, requirePatronRef, type PatronRef } from './patron-access.js';
import { openPatron } from './patron-records.js';
import { publicPatron } from './patron.usecases.js';
import { endSessionsOf } from './session.usecases.js';

async function libraryOf(ctx: Context, stored: StoredPatron) {
  const library = await findLibrary(ctx.trx, stored.libraryId);
  if (!library) throw new Error('A patron points at a library that does not exist.');
  return library;
}

/** A deceased patron's record waits for its purge (CB-F3): nothing renews or changes it. */
function refuseDeceased(stored: StoredPatron): void {
  if (stored.status === 'deceased') throw refuse(ErrorCode.STATUS_CHANGE_NOT_ALLOWED, 'The patron is recorded as deceased.', 'status');
}

export interface RenewCardInput extends PatronRef {
  /** Staff confirm they re-verified the patron today (identity and address, CB-F2). */
  verified: boolean;
}

export interface RenewedCard {
  patronId: string;
  previousExpiresAt: string;
  expiresAt: string;
  status: PatronStatus;
}

/**
 * Renews a patron's card after staff re-verified them (CB-F2: annual re-verification): the category's
 * card validity (else the library's) is added to the current expiry while the card is still valid, else
 * to today. A card that had expired is active again; a block, a lost card stay what they were.
 */
export async function renewCard(ctx: Context, input: RenewCardInput): Promise<RenewedCard> {
  requirePermission(ctx, 'patron.renew-card');
  if (input.verified !== true) throw refuse(ErrorCode.VALIDATION_FAILED, 'Re-verify the patron before renewing the card (CB-F2).', 'verified');
  // Locked and read again: a block set at this moment stays (a renewal lifts an expiry, never a block).
  const stored = await requirePatronForChange(ctx, input);
  refuseDeceased(stored);
  const library = await libraryOf(ctx, stored);
  const months = cardValidityMonthsFor(await findCategory(ctx.trx, library.id, stored.categoryCode), library);
  const expiresAt = renewedCardExpiry(new Date(stored.expiresAt), ctx.now, months, library.timeZone).toISOString();
  const status: PatronStatus = stored.status === 'expired' ? 'active' : stored.status;
  await patrons.setCardExpiry(ctx.trx, stored.id, expiresAt, status, ctx.now.toISOString());
  await recordAccess(ctx, stored, 'card-renewed', ['registration']);
  return { patronId: stored.id, previousExpiresAt: stored.expiresAt, expiresAt, status };
}

/**
 * Resets a forgotten PIN at the desk: a new PIN, in this answer only (its argon2id hash is kept); the
 * card number stays. Every session opened with the old PIN ends, and the card's failed PINs are
 * forgotten, so a card locked after them opens at once with the new PIN (as a password set by staff
 * unlocks an account in Koha; issue 22).
 */
export async function resetPin(ctx: Context, input: PatronRef): Promise<{ patronId: string; pin: string }> {
  requirePermission(ctx, 'patron.reset-pin');
  const stored = await requirePatronRef(ctx, input);
  refuseDeceased(stored);
  const pin = generatePin();
  await patrons.setPinHash(ctx.trx, stored.id, await hashSecret(pin), ctx.now.toISOString());
  await clearLoginFailures(ctx.trx, stored.cardHash);
  await endSessionsOf(ctx, 'patron', stored.id);
  await recordAccess(ctx, stored, 'pin-reset', ['registration']);
  return { patronId: stored.id, pin };
}

export interface ChangeMembershipInput extends PatronRef {
  /** The new category's code (absent: unchanged). */
  categoryCode?: string;
  /** The new home branch by id or code; null clears it (absent: unchanged). */
  homeBranch?: string | null;
}

/**
 * Changes a patron's category or home branch. The category must exist in the patron's library and fit
 * the patron's age (from their birth date); the branch must be one of the library's.
 */
export async function changeMembership(ctx: Context, input: ChangeMembershipInput) {
  requirePermission(ctx, 'patron.update');
  if (input.categoryCode === undefined && input.homeBranch === undefined)
    throw refuse(ErrorCode.VALIDATION_FAILED, 'Give a category, a home branch, or both.', 'category');
  const stored = await requirePatronForChange(ctx, input);
  refuseDeceased(stored);
  const library = await libraryOf(ctx, stored);
  const patron = await openPatron(ctx, stored);
  const problems: Problem[] = [];
  let categoryCode = stored.categoryCode;
  if (input.categoryCode !== undefined) {
    const category = await findCategory(ctx.trx, library.id, input.categoryCode);
    if (!category) problems.push({ code: ErrorCode.CATEGORY_NOT_FOUND, message: 'The library has no patron category with that code.', field: 'category' });
    else {
      const ageProblem = categoryAgeProblem(category, patron.personal.birthDate || null, ctx.now, library.timeZone);
      if (ageProblem) problems.push(ageProblem);
      categoryCode = category.code;
    }
  }
  let homeBranchId = stored.homeBranchId;
  if (input.homeBranch !== undefined) {
    if (input.homeBranch === null || input.homeBranch.trim() === '') homeBranchId = null;
    else {
      const branch = await findBranch(ctx.trx, library.id, input.homeBranch.trim());
      if (!branch) problems.push({ code: ErrorCode.BRANCH_NOT_FOUND, message: 'The library has no branch with that id or code.', field: 'homeBranch' });
      else homeBranchId = branch.id;
    }
  }
  refuseAll(problems);
  const at = ctx.now.toISOString();
  await patrons.setMembership(ctx.trx, stored.id, categoryCode, homeBranchId, at);
  await recordAccess(ctx, stored, 'membership-changed', ['registration']);
  return publicPatron({ ...patron, categoryCode, homeBranchId, updatedAt: at });
}

export interface LinkGuardianInput extends PatronRef {
  /** The card of the adult who signs for the minor, presented at the desk. */
  guardianCardNumber: string;
}

/**
 * Links a minor to the adult who signs for them (RR-8, CB-B3, JC-IVc, IF-7) after registration: the
 * desk settles a minor imported without a guardian ('guardian-needed'), or adds a second guardian. The
 * guardian is an adult of the same library, presented by card; the link is logged on both records.
 */
export async function linkGuardian(ctx: Context, input: LinkGuardianInput) {
  requirePermission(ctx, 'patron.update');
  const stored = await requirePatronRef(ctx, input);
  refuseDeceased(stored);
  const library = await libraryOf(ctx, stored);
  const minor = await openPatron(ctx, stored);
  if (!isMinor(minor.personal.birthDate, ctx.now, library.timeZone))
    throw refusalFromRecord(ctx, stored, 'guardian-refused', ['registration'], refuse(ErrorCode.GUARDIAN_NOT_NEEDED, 'Only a minor has a guardian linked to their card.', 'patron'));
  const guardian = await requirePatronByCard(ctx, input.guardianCardNumber).catch(() => undefined);
  if (!guardian || guardian.libraryId !== stored.libraryId || guardian.id === stored.id || guardian.status === 'deceased')
    throw refuse(ErrorCode.GUARDIAN_NOT_FOUND, 'No other patron of this library has the guardian’s card number.', 'guardianCardNumber');
  // Says that the card's holder is a minor: a read of their registration, logged on them.
  if (isMinor((await openPatron(ctx, guardian)).personal.birthDate, ctx.now, library.timeZone))
    throw refusalFromRecord(ctx, guardian, 'guardian-refused', ['registration'], refuse(ErrorCode.GUARDIAN_NOT_ADULT, 'A guardian must be an adult.', 'guardianCardNumber'));
  // Two desks linking the same guardian at once: the second waits for the first and finds its link.
  await patrons.lockPatronRow(ctx.trx, stored.id);
  const links = await patrons.guardianLinksOf(ctx.trx, stored.id);
  if (links.some((l) => l.minorPatronId === stored.id && l.guardianPatronId === guardian.id && l.endedAt === null))
    throw refusalFromRecord(ctx, stored, 'guardian-refused', ['guardianship'], refuse(ErrorCode.GUARDIAN_ALREADY_LINKED, 'That adult is already linked as this child’s guardian.', 'guardianCardNumber'));
  const at = ctx.now.toISOString();
  await patrons.insertGuardianLink(ctx.trx, { minorPatronId: stored.id, guardianPatronId: guardian.id, libraryId: stored.libraryId, startedAt: at, endedAt: null });
  if (stored.deskFlag === 'guardian-needed') await patrons.setDeskFlag(ctx.trx, stored.id, null, at);
  await recordAccess(ctx, guardian, 'guardian-linked', ['guardianship']);
  await recordAccess(ctx, stored, 'guardian-linked', ['guardianship']);
  return { minorPatronId: stored.id, guardianPatronId: guardian.id, startedAt: at };
}
