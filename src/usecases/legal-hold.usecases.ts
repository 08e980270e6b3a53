/**
 * Legal holds: the director suspends retention for exactly the records in a hold's scope — the patrons
 * it names, the record categories, a period — until the hold is released (the retention engine honours
 * it and counts what it kept on its receipt). Placing and releasing a hold are logged: one access-log
 * entry per patron in scope, for the purpose `legal-disclosure`.
 */
import { DateTime } from 'luxon';
import { parseInstant } from '../domain/clock.js';
import { ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import type { Library } from '../domain/types.js';
import type { RecordCategory } from '../policy/inventory.js';
import { holdScopeProblems } from '../policy/legal-hold.policy.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import * as holds from '../storage/legal-hold.repository.js';
import type { LegalHold } from '../storage/legal-hold.repository.js';
import { findLibrary } from '../storage/library.repository.js';
import type { StoredPatron } from '../storage/patron.repository.js';
import { requirePermission } from './authorization.js';
import { newId, recordAccess, type Context } from './context.js';
import { requirePatronRef } from './patron-access.js';

/** A patron in a hold's scope: by the card presented with the instrument, or by id. */
export interface HoldPatronRef {
  cardNumber?: string;
  patronId?: string;
}

export interface PlaceHoldInput {
  /** The library placing the hold (default: the director's own). */
  libraryId?: string;
  patrons: readonly HoldPatronRef[];
  categories: readonly string[];
  /** The period whose records are kept: YYYY-MM-DD (library time) or an ISO-8601 instant; absent: unbounded. */
  from?: string | null;
  to?: string | null;
  /** Why, in words with no patron data (the instrument, the case, counsel's advice). */
  reason: string;
  /** The legal request of the register that is the hold's reason, if any. */
  requestId?: string | null;
}

/** A hold as the director sees it: scope, who placed and released it, the patrons by id. */
export interface LegalHoldView extends LegalHold {
  patronIds: string[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A bound of the period from input: a date is the start of that day (`from`) or the end of it (`to`,
 * exclusive: the start of the next day) in the library's time zone; an instant is itself.
 */
function boundOf(text: string | null | undefined, side: 'from' | 'to', library: Library, problems: Problem[]): Date | null {
  if (text === undefined || text === null || text === '') return null;
  let at: Date | undefined;
  if (ISO_DATE.test(text)) {
    const day = DateTime.fromISO(text, { zone: library.timeZone });
    at = day.isValid ? (side === 'from' ? day.startOf('day') : day.plus({ days: 1 }).startOf('day')).toJSDate() : undefined;
  } else at = /T/.test(text) ? parseInstant(text) : undefined;
  if (!at) problems.push({ code: ErrorCode.INVALID_DATE, message: `${side} is a date (YYYY-MM-DD) or an ISO-8601 instant with an offset.`, field: side });
  return at ?? null;
}

async function reachableLibrary(ctx: Context, libraryId: string | undefined): Promise<Library> {
  const id = libraryId ?? (ctx.actor.kind === 'system' ? undefined : ctx.actor.libraryId ?? undefined);
  const library = id === undefined ? undefined : await findLibrary(ctx.trx, id);
  if (!library || !canReachLibrary(ctx.actor, library.id).allowed) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'libraryId');
  return library;
}

/** The context the hold's access-log entries are written under: always for legal disclosure. */
function legal(ctx: Context): Context {
  return { ...ctx, purpose: 'legal-disclosure' };
}

async function requireHold(ctx: Context, holdId: string): Promise<LegalHold> {
  const hold = await holds.findHold(ctx.trx, holdId);
  if (!hold || !canReachLibrary(ctx.actor, hold.libraryId).allowed) throw refuse(ErrorCode.LEGAL_HOLD_NOT_FOUND, 'No legal hold has that id.', 'holdId');
  return hold;
}

/**
 * Places a legal hold (the director): from now until its release, retention keeps every record of the
 * named patrons in the hold's categories whose life overlaps its period, and the patrons' records cannot
 * be deleted. Refused with every problem at once; a patron out of reach is *not found*.
 */
export async function placeLegalHold(ctx: Context, input: PlaceHoldInput): Promise<LegalHoldView> {
  requirePermission(ctx, 'legal-hold.manage');
  const library = await reachableLibrary(ctx, input.libraryId);
  const problems: Problem[] = [];
  const from = boundOf(input.from, 'from', library, problems);
  const to = boundOf(input.to, 'to', library, problems);
  const reason = input.reason.trim();
  problems.push(...holdScopeProblems({ categories: input.categories, from, to, reason, patrons: input.patrons.length }));
  if (input.requestId && !(await holds.legalRequestExists(ctx.trx, library.id, input.requestId)))
    problems.push({ code: ErrorCode.LEGAL_HOLD_REQUEST_NOT_FOUND, message: 'The library’s register holds no legal request with that id.', field: 'requestId' });
  refuseAll(problems);

  const patrons = new Map<string, StoredPatron>();
  for (const ref of input.patrons) {
    const patron = await requirePatronRef(ctx, ref);
    // A hold is placed by the library that holds the records: a shared patron of another library is its
    // director's to hold, not this one's (who could then neither see nor release what it blocks).
    if (patron.libraryId !== library.id) throw refuse(ErrorCode.PATRON_NOT_FOUND, 'No patron of this library matches.', 'patrons');
    patrons.set(patron.id, patron);
  }
  const categories = [...new Set(input.categories)] as RecordCategory[];
  const hold: LegalHold = {
    id: newId(),
    libraryId: library.id,
    requestId: input.requestId ?? null,
    placedAt: ctx.now.toISOString(),
    placedBy: ctx.actor.id,
    reason,
    categories,
    from: from?.toISOString() ?? null,
    to: to?.toISOString() ?? null,
    releasedAt: null,
    releasedBy: null,
  };
  await holds.insertHold(ctx.trx, hold, [...patrons.keys()]);
  for (const patron of patrons.values()) await recordAccess(legal(ctx), patron, 'legal-hold-placed', categories);
  return { ...hold, patronIds: [...patrons.keys()].sort() };
}

/**
 * Releases a live hold (the director): retention takes what it kept at its next run. Logged per patron
 * in scope. A hold is released once (LEGAL_HOLD_RELEASED after that).
 */
export async function releaseLegalHold(ctx: Context, input: { holdId: string }): Promise<LegalHoldView> {
  requirePermission(ctx, 'legal-hold.manage');
  const hold = await requireHold(ctx, input.holdId);
  const at = ctx.now.toISOString();
  if (hold.releasedAt !== null || !(await holds.releaseHold(ctx.trx, hold.id, at, ctx.actor.id)))
    throw refuse(ErrorCode.LEGAL_HOLD_RELEASED, 'That legal hold was already released.', 'holdId');
  const patrons = await holds.patronsOfHold(ctx.trx, hold.id);
  for (const patron of patrons) await recordAccess(legal(ctx), patron, 'legal-hold-released', hold.categories);
  return { ...hold, releasedAt: at, releasedBy: ctx.actor.id, patronIds: patrons.map((p) => p.id) };
}

/**
 * A library's legal holds, newest first (the director): live ones, or all with `includeReleased`;
 * `requestId` keeps only the holds a legal request placed (its page shows them). No patron record is
 * opened (patrons by id only), so nothing is logged.
 */
export async function listLegalHolds(ctx: Context, input: { libraryId?: string; includeReleased?: boolean; requestId?: string }): Promise<LegalHoldView[]> {
  requirePermission(ctx, 'legal-hold.manage');
  const library = await reachableLibrary(ctx, input.libraryId);
  // Holds are few (one per request, a handful placed by hand): narrowed here, before each one's patrons are read.
  const list = (await holds.holdsOfLibrary(ctx.trx, library.id, input.includeReleased === true)).filter((h) => input.requestId === undefined || h.requestId === input.requestId);
  return Promise.all(list.map(async ({ patrons: _count, ...hold }) => ({ ...hold, patronIds: (await holds.patronsOfHold(ctx.trx, hold.id)).map((p) => p.id) })));
}

/** The reason of the hold a legal request places on its patrons' records while it is decided. */
export const PRESERVATION_REASON = 'Preserved while the legal request naming these records is decided.';

/**
 * Keeps the records a legal request names from the moment it is received until it is refused, withdrawn
 * or released: without it, retention (or the patron's deletion) could destroy what the request asks for
 * while the director and counsel consider it. Called by the register's use cases, which have checked
 * their own permissions; the hold is logged on each patron like any other.
 */
export async function preserveForRequest(
  ctx: Context,
  input: { libraryId: string; requestId: string; patrons: readonly { id: string; libraryId: string }[]; categories: readonly RecordCategory[]; from: string | null; to: string | null },
): Promise<void> {
  if (input.patrons.length === 0) return;
  const hold: LegalHold = {
    id: newId(),
    libraryId: input.libraryId,
    requestId: input.requestId,
    placedAt: ctx.now.toISOString(),
    placedBy: ctx.actor.id,
    reason: PRESERVATION_REASON,
    categories: [...input.categories],
    from: input.from,
    to: input.to,
    releasedAt: null,
    releasedBy: null,
  };
  await holds.insertHold(ctx.trx, hold, input.patrons.map((p) => p.id));
  for (const patron of input.patrons) await recordAccess(legal(ctx), patron, 'legal-hold-placed', hold.categories);
}

/** Ends the preservation of a request's records (it was refused, withdrawn or released). */
export async function endPreservation(ctx: Context, requestId: string): Promise<void> {
  for (const holdId of await holds.releaseRequestHolds(ctx.trx, requestId, PRESERVATION_REASON, ctx.now.toISOString(), ctx.actor.id)) {
    const hold = await holds.findHold(ctx.trx, holdId);
    for (const patron of await holds.patronsOfHold(ctx.trx, holdId)) await recordAccess(legal(ctx), patron, 'legal-hold-released', hold?.categories ?? []);
  }
}
