/**
 * The desk's side of a patron's account beyond registration: a card reported lost and a new one issued
 * (JC-IVa, IF-6), corrections of the personal fields, and identifying a patron who has no card with them
 * by photo ID and date of birth (IF-5). The patron's own side is in self-service.usecases.ts.
 */
import { DateTime } from 'luxon';
import { cardNumberFrom } from '../domain/card-number.js';
import { isMinor } from '../domain/circulation.rules.js';
import { DomainError, ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import { ageBandOn, optionalText, personalProblems } from '../domain/patron.rules.js';
import { DEFAULT_IDENTIFY_LIMIT, type IdentifyLimit, type Patron, type PatronPersonal } from '../domain/types.js';
import { IDENTIFY_WINDOW_MAX_MINUTES } from '../domain/library-config.rules.js';
import { countIdentifyFailures, lockIdentifySubject, pruneIdentifyFailures, recordIdentifyFailure } from '../storage/identify.repository.js';
import { raiseAlert } from './access-log.usecases.js';
import { issueDeskHandle, patronIdentifySubject } from './desk-identification.js';
import { homeLibrary } from '../policy/scope.policy.js';
import { findLibrary } from '../storage/library.repository.js';
import * as patrons from '../storage/patron.repository.js';
import type { StoredPatron } from '../storage/patron.repository.js';
import { setAgeBand } from '../storage/retention.repository.js';
import { generatePin, hashSecret, randomDigits } from '../vault/secrets.js';
import { requirePermission } from './authorization.js';
import { newId, recordAccess, type Context } from './context.js';
import { openPatron, sealPatron, searchTokens } from './patron-records.js';
import { lockedPatron, reachesPatron, requirePatron, requirePatronForChange, requirePatronRef } from './patron-access.js';
import { requireLibrary } from './library-access.js';
import { publicPatron } from './patron.usecases.js';
import { endSessionsOf } from './session.usecases.js';
import type { Attempt } from './patron-auth.usecases.js';

/** The personal fields a correction may change; birth date only at the desk (see `correctPatron`). */
export interface Correction {
  name?: string;
  birthDate?: string;
  address?: string | null;
  email?: string | null;
  phone?: string | null;
}

const CORRECTABLE = ['name', 'birthDate', 'address', 'email', 'phone'] as const satisfies readonly (keyof Correction)[];

/**
 * Applies a correction to a patron the caller may reach: checked as at registration (RR-1, CB-A4),
 * re-sealed under the patron's key, and their search tokens rebuilt so the old email, phone or name no
 * longer finds them. A contact detail that notices go to cannot be removed while they go there.
 */
export async function applyCorrection(ctx: Context, found: StoredPatron, changes: Correction) {
  // Locked and read again: two corrections at once each keep the other's fields, and a deletion (the
  // patron's own DELETE /me) committed meanwhile is answered as not found, not a foreign-key fault.
  const stored = await lockedPatron(ctx, found);
  const library = await findLibrary(ctx.trx, stored.libraryId);
  if (!library) throw new Error('A patron points at a library that does not exist.');
  const patron = await openPatron(ctx, stored);
  const personal: PatronPersonal = {
    name: changes.name !== undefined ? changes.name.trim() : patron.personal.name,
    birthDate: changes.birthDate ?? patron.personal.birthDate,
    address: changes.address !== undefined ? optionalText(changes.address) : patron.personal.address,
    email: changes.email !== undefined ? optionalText(changes.email) : patron.personal.email,
    phone: changes.phone !== undefined ? optionalText(changes.phone) : patron.personal.phone,
  };
  const today = DateTime.fromJSDate(ctx.now, { zone: library.timeZone }).toISODate() ?? '';
  const problems: Problem[] = personalProblems(personal, today);
  const birthDateChanged = personal.birthDate !== patron.personal.birthDate;
  // Whether a patron is a minor decides their category and guardian (RR-8, CB-B3): a correction that
  // changes it is a new registration, not a correction.
  if (problems.length === 0 && birthDateChanged && isMinor(personal.birthDate, ctx.now, library.timeZone) !== isMinor(patron.personal.birthDate, ctx.now, library.timeZone))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'This birth date makes the patron a minor or an adult; that changes their category and guardian, so register them again.', field: 'birthDate' });
  if (stored.noticeChannel === 'email' && personal.email === null)
    problems.push({ code: ErrorCode.NOTICE_CHANNEL_UNREACHABLE, message: 'Notices go by email; choose another notice channel before removing the address.', field: 'email' });
  if (stored.noticeChannel === 'text' && personal.phone === null)
    problems.push({ code: ErrorCode.NOTICE_CHANNEL_UNREACHABLE, message: 'Notices go by text; choose another notice channel before removing the number.', field: 'phone' });
  refuseAll(problems);

  const at = ctx.now.toISOString();
  const corrected: Patron = { ...patron, personal, updatedAt: at };
  await patrons.updateSealed(ctx.trx, await sealPatron(ctx.vault, corrected));
  await patrons.replaceSearchTokens(ctx.trx, patron.id, patron.libraryId, searchTokens(ctx.vault, personal));
  if (birthDateChanged) await setAgeBand(ctx.trx, patron.id, ageBandOn(personal.birthDate, ctx.now, library.timeZone));
  await recordAccess(ctx, stored, 'correct', ['registration']);
  return publicPatron(corrected);
}

/** Staff correct a patron's personal fields, birth date included (a typo found against a photo ID). */
export async function correctPatron(ctx: Context, input: Correction & { patronId: string }) {
  requirePermission(ctx, 'patron.update');
  const { patronId, ...changes } = input;
  // A correction that changes nothing would only read the record back, to staff who may not read it by id.
  if (!CORRECTABLE.some((field) => changes[field] !== undefined)) throw refuse(ErrorCode.VALIDATION_FAILED, 'A correction names at least one field to change.');
  return applyCorrection(ctx, await requirePatron(ctx, patronId), changes);
}

/**
 * Marks a patron's card as reported lost or stolen (JC-IVa, IF-6): it stops working at once — no
 * log-in, no check-out — and every session opened with it ends. A deceased patron's card has already
 * stopped and their standing is kept (the retention sweep depends on it).
 */
export async function markCardLost(ctx: Context, stored: StoredPatron): Promise<void> {
  // The standing the patron had stays behind the lost card: a new card gives it back, never more (issue 22).
  await patrons.markCardLost(ctx.trx, stored.id, ctx.now.toISOString());
  await endSessionsOf(ctx, 'patron', stored.id);
  await recordAccess(ctx, stored, 'status-card-lost', ['registration']);
}

/** Staff record a card reported lost or stolen (by the patron on the phone, at the desk). */
export async function reportCardLost(ctx: Context, input: { patronId?: string; cardNumber?: string }) {
  requirePermission(ctx, 'patron.status');
  const stored = await requirePatronRef(ctx, input);
  await markCardLost(ctx, stored);
  return { patronId: stored.id, status: stored.status === 'deceased' ? stored.status : ('card-lost' as const) };
}

async function unusedCardNumber(ctx: Context): Promise<string> {
  // As at registration: a collision is rare, but checked rather than assumed.
  for (let attempt = 0; attempt < 10; attempt++) {
    const card = cardNumberFrom(randomDigits(12));
    if (!(await patrons.cardHashExists(ctx.trx, ctx.vault.blind('card', card)))) return card;
  }
  throw new Error('Could not find an unused card number after 10 attempts.');
}

/**
 * Issues a new card (after a lost one, IF-6): a new card number and a new PIN, both shown once. The old
 * card's blind index is replaced, so the old number no longer finds the patron anywhere (log-in, desk,
 * SIP2); a card reported lost gets back the standing it had before (a blocked or expired account stays so:
 * reissuing never lifts a block or an expiry); every session ends.
 */
export async function reissueCard(ctx: Context, input: { patronId?: string; cardNumber?: string }) {
  requirePermission(ctx, 'patron.reissue-card');
  // Locked and read again: a block set at this moment is kept, never overwritten by the standing read before it.
  const stored = await requirePatronForChange(ctx, input);
  const patron = await openPatron(ctx, stored);
  const at = ctx.now.toISOString();
  const status = stored.status === 'card-lost' ? await patrons.standingBeforeLoss(ctx.trx, stored.id) : stored.status;
  const reissued: Patron = { ...patron, cardNumber: await unusedCardNumber(ctx), status, updatedAt: at };
  const pin = generatePin();
  await patrons.updateSealed(ctx.trx, await sealPatron(ctx.vault, reissued));
  await patrons.setPinHash(ctx.trx, stored.id, await hashSecret(pin), at);
  if (stored.status === 'card-lost') await patrons.endCardLoss(ctx.trx, stored.id, status, at);
  await endSessionsOf(ctx, 'patron', stored.id);
  await recordAccess(ctx, stored, 'card-reissued', ['registration']);
  return { patronId: stored.id, cardNumber: reissued.cardNumber, pin, status };
}

function notVerified(): DomainError {
  return refuse(ErrorCode.IDENTITY_NOT_VERIFIED, 'The patron could not be identified from what was given.');
}

/** Patrons whose name words a look-up by name compares at most; a name matching more is too broad. */
export const IDENTIFY_CANDIDATES_MAX = 200;

export interface IdentifyPatronInput {
  /** The patron's record, when staff have it (a record reached from a list); else their name. */
  patronId?: string;
  /** The name on the photo ID: every word of it must be a word of the patron's name. */
  name?: string;
  /** The library to look in (the desk's library); by default the staff member's own. */
  libraryId?: string;
  photoIdChecked: boolean;
  birthDate: string;
}

/** What the desk needs of a patron identified by photo ID: who to greet and confirm, their standing, and a handle that stands in for their card. */
export interface Identified {
  patronId: string;
  name: string;
  status: Patron['status'];
  /** Stands in for the card number wherever the desk gives one (`POST /patrons/lookup`, check-outs, payments, holds), for this staff account, until `expiresAt`. */
  handle: string;
  expiresAt: string;
}

/** The identification limit of a library (its setting), or the default when there is none to go by. */
async function identifyLimitOf(ctx: Context, libraryId: string | undefined): Promise<IdentifyLimit> {
  const library = libraryId === undefined ? undefined : await findLibrary(ctx.trx, libraryId);
  return library?.identifyLimit ?? DEFAULT_IDENTIFY_LIMIT;
}

function limitReached(): DomainError {
  return refuse(ErrorCode.IDENTIFY_LIMIT_REACHED, 'Too many identifications by birth date were refused for this patron or this account: ask for the library card.');
}

function since(ctx: Context, minutes: number): string {
  return new Date(ctx.now.getTime() - minutes * 60_000).toISOString();
}

/**
 * A patron at the desk without their card (IF-5): staff check a photo ID and ask the date of birth, and
 * give the name on the ID (or the record, when they reached it from a list). When exactly one patron has
 * that name and that date of birth, the identification stands in for the card: the answer names the
 * patron and gives a handle the desk uses as the card (never the card number, nor anything else of the
 * record), after an 'identity-verified' entry in the access log. No match and a patron out of reach get
 * the same refusal. Every record opened to compare a birth date that did not match is logged on it
 * ('identity-check-failed', committed with the refusal); two patrons with the same name and date of
 * birth are not told apart here (IDENTITY_AMBIGUOUS: ask for the card, or a librarian searches with a
 * purpose).
 *
 * Guessing is limited (issue 22): each refusal counts against the staff account, and each patron whose
 * birth date did not match counts against that patron, within the library's window (its settings,
 * `identifyLimit`). Past the staff account's limit nothing is looked up; a patron past theirs is not
 * compared at all, so a right birth date is refused as a wrong one would be (IDENTIFY_LIMIT_REACHED), and
 * refusals then are not counted, so the limit ends with its window. The attempt that reaches a limit
 * raises an alert to the director, and a patron's is logged on their record ('identity-check-locked').
 */
export async function identifyPatron(ctx: Context, input: IdentifyPatronInput): Promise<Attempt<Identified>> {
  requirePermission(ctx, 'patron.identify');
  if (input.photoIdChecked !== true) throw refuse(ErrorCode.VALIDATION_FAILED, 'Check a photo ID first.', 'photoIdChecked');
  const name = optionalText(input.name) ?? undefined;
  if ((input.patronId === undefined) === (name === undefined))
    throw refuse(ErrorCode.VALIDATION_FAILED, 'Give the name on the photo ID (or the patron’s record), not both.', input.patronId === undefined ? 'name' : 'patronId');

  // The staff account's limit, before anything is looked up: its library's, else the library looked in.
  const staffLibrary = homeLibrary(ctx.actor) ?? input.libraryId;
  const staffLimit = await identifyLimitOf(ctx, staffLibrary);
  const staffHash = ctx.vault.blind('identity', `identify-staff:${ctx.actor.kind}:${ctx.actor.kind === 'system' ? '' : ctx.actor.id}`);
  await lockIdentifySubject(ctx.trx, staffHash);
  const staffFailures = await countIdentifyFailures(ctx.trx, staffHash, since(ctx, staffLimit.windowMinutes));
  if (staffFailures >= staffLimit.staffFailures) return { ok: false, refusal: limitReached() };

  const candidates = input.patronId !== undefined ? await recordCandidate(ctx, input.patronId) : await nameCandidates(ctx, name as string, input.libraryId);
  // Each candidate's own limit, taken in one order (two desks never wait on each other the other way round).
  const open: { stored: StoredPatron; hash: string; failures: number; limit: IdentifyLimit }[] = [];
  let lockedOut = false;
  for (const stored of [...candidates].sort((a, b) => a.id.localeCompare(b.id))) {
    const limit = await identifyLimitOf(ctx, stored.libraryId);
    const hash = patronIdentifySubject(ctx, stored.id);
    await lockIdentifySubject(ctx.trx, hash);
    const failures = await countIdentifyFailures(ctx.trx, hash, since(ctx, limit.windowMinutes));
    // Not even opened: whether the date given is theirs must not show in the answer.
    if (failures >= limit.patronFailures) lockedOut = true;
    else open.push({ stored, hash, failures, limit });
  }

  // Each record is opened once, to compare its birth date.
  const matching: { stored: StoredPatron; patron: Patron }[] = [];
  const missed: typeof open = [];
  for (const candidate of open) {
    const patron = await openPatron(ctx, candidate.stored);
    if (patron.personal.birthDate === input.birthDate) matching.push({ stored: candidate.stored, patron });
    else {
      missed.push(candidate);
      await recordAccess(ctx, candidate.stored, 'identity-check-failed', ['registration']);
    }
  }
  if (matching.length > 1) {
    for (const { stored } of matching) await recordAccess(ctx, stored, 'identity-check-ambiguous', ['registration']);
    return {
      ok: false,
      refusal: refuse(ErrorCode.IDENTITY_AMBIGUOUS, 'More than one patron has this name and date of birth: ask for the library card, or ask a librarian to look the patron up.'),
    };
  }
  const [found] = matching;
  if (found) {
    await recordAccess(ctx, found.stored, 'identity-verified', ['registration']);
    const { handle, expiresAt } = await issueDeskHandle(ctx, found.stored.id);
    return { ok: true, value: { patronId: found.stored.id, name: found.patron.personal.name, status: found.stored.status, handle, expiresAt } };
  }
  // A patron past their limit was asked for and not compared: the answer says so, whatever the date.
  if (lockedOut && missed.length === 0) return { ok: false, refusal: limitReached() };

  await countIdentifyRefusal(ctx, staffHash);
  if (staffFailures + 1 === staffLimit.staffFailures) await raiseAlert(ctx, staffLibrary ?? candidates[0]?.libraryId ?? null, 'identify-limit-staff');
  for (const { stored, hash, failures, limit } of missed) {
    await countIdentifyRefusal(ctx, hash);
    if (failures + 1 === limit.patronFailures) {
      await recordAccess(ctx, stored, 'identity-check-locked', ['registration']);
      await raiseAlert(ctx, stored.libraryId, 'identify-limit-patron');
    }
  }
  return { ok: false, refusal: notVerified() };
}

/** Counts one refusal against a subject, and sweeps refusals older than the longest window a library may set. */
async function countIdentifyRefusal(ctx: Context, subjectHash: string): Promise<void> {
  await recordIdentifyFailure(ctx.trx, { id: newId(), subjectHash, at: ctx.now.toISOString() });
  await pruneIdentifyFailures(ctx.trx, since(ctx, IDENTIFY_WINDOW_MAX_MINUTES));
}

/** The one record staff reached, if it is within their reach (else none: the same refusal as no match). */
async function recordCandidate(ctx: Context, patronId: string): Promise<StoredPatron[]> {
  try {
    return [await requirePatron(ctx, patronId)];
  } catch (error) {
    if (error instanceof DomainError && error.code === ErrorCode.PATRON_NOT_FOUND) return [];
    throw error;
  }
}

/** The patrons of the library whose name has every word of `name` (blind indexes: no name is read to find them). */
async function nameCandidates(ctx: Context, name: string, libraryId: string | undefined): Promise<StoredPatron[]> {
  const tokens = ctx.vault.nameTokens(name).map((hash) => ({ kind: 'name', hash }));
  if (tokens.length === 0) throw refuse(ErrorCode.VALIDATION_FAILED, 'Give the name as it is on the photo ID.', 'name');
  const library = libraryId !== undefined ? (await requireLibrary(ctx, libraryId)).id : homeLibrary(ctx.actor);
  const ids = await patrons.findPatronIdsByTokens(ctx.trx, tokens, library !== undefined ? [library] : null, IDENTIFY_CANDIDATES_MAX + 1);
  if (ids.length > IDENTIFY_CANDIDATES_MAX) throw refuse(ErrorCode.SEARCH_TOO_BROAD, 'Too many patrons have these names: give the whole name as it is on the photo ID.', 'name');
  const found: StoredPatron[] = [];
  for (const id of ids) {
    const stored = await patrons.findPatronById(ctx.trx, id);
    if (stored && (await reachesPatron(ctx, stored))) found.push(stored);
  }
  return found;
}
