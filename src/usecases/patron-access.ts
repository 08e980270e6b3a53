/**
 * Patron access in one place: whether the actor reaches a patron, and the patron a request is about,
 * found by card or by id. A patron the actor may not reach answers PATRON_NOT_FOUND, exactly as one that
 * does not exist, so a refusal never reveals that a record exists.
 */
import { ErrorCode, refuse } from '../domain/errors.js';
import { canReachPatron, homeLibrary } from '../policy/scope.policy.js';
import { profiles } from '../profile/profiles.js';
import { findLibraryRow } from './library-config-cache.js';
import * as patrons from '../storage/patron.repository.js';
import type { StoredPatron } from '../storage/patron.repository.js';
import type { Context } from './context.js';
import { isDeskHandle, patronIdOfHandle } from './desk-identification.js';

/** How a request names its patron: by the card presented, or by id. */
export interface PatronRef {
  patronId?: string;
  cardNumber?: string;
}

/**
 * Whether the actor reaches this patron: the system, staff of the patron's library (or consortium-wide
 * staff), staff of another library when both libraries' profiles share patrons (RF-4), and a patron
 * only their own record (a guardian's view of a minor goes through the guardian use cases).
 */
export async function reachesPatron(ctx: Context, patron: Pick<StoredPatron, 'id' | 'libraryId'>): Promise<boolean> {
  if (ctx.actor.kind === 'patron') return ctx.actor.id === patron.id;
  const actorLibrary = homeLibrary(ctx.actor);
  if (actorLibrary === undefined || actorLibrary === patron.libraryId) return canReachPatron(ctx.actor, patron.libraryId, { actorLibrary: false, patronLibrary: false }).allowed;
  return canReachPatron(ctx.actor, patron.libraryId, { actorLibrary: await sharesPatrons(ctx, actorLibrary), patronLibrary: await sharesPatrons(ctx, patron.libraryId) }).allowed;
}

/** Whether a library's profile shares its patrons with the other members of the consortium (RF-4). */
export async function sharesPatrons(ctx: Context, libraryId: string): Promise<boolean> {
  const library = await findLibraryRow(ctx, libraryId);
  return library !== undefined && profiles().get(library.profileId).access.sharedPatrons.allowed;
}

/**
 * Whether a library lends to (and takes holds from) a patron of a library: its own, or another member
 * of the consortium when both profiles share patrons (RF-4).
 */
export async function lendsTo(ctx: Context, lenderId: string, patronLibraryId: string): Promise<boolean> {
  return lenderId === patronLibraryId || ((await sharesPatrons(ctx, lenderId)) && (await sharesPatrons(ctx, patronLibraryId)));
}

/**
 * A patron the actor may reach, by card (through its blind index; nothing is opened), or by the handle
 * that stands in for the card of a patron identified at the desk by photo ID (IF-5, desk-identification.ts);
 * anything else is PATRON_NOT_FOUND, never "forbidden".
 */
export async function requirePatronByCard(ctx: Context, cardNumber: string): Promise<StoredPatron> {
  let patron = await patrons.findPatronByCardHash(ctx.trx, ctx.vault.blind('card', cardNumber));
  if (!patron && isDeskHandle(cardNumber)) {
    const patronId = await patronIdOfHandle(ctx, cardNumber);
    patron = patronId === undefined ? undefined : await patrons.findPatronById(ctx.trx, patronId);
  }
  if (!patron || !(await reachesPatron(ctx, patron))) throw refuse(ErrorCode.PATRON_NOT_FOUND, 'No patron has that card number.', 'cardNumber');
  return patron;
}

/**
 * `requirePatronByCard`, locked for a change (`lockedPatron`): a card found through its blind index is
 * locked and read in one statement; a desk handle is resolved, then locked and read again.
 */
export async function requirePatronByCardForChange(ctx: Context, cardNumber: string): Promise<StoredPatron> {
  const notFound = () => refuse(ErrorCode.PATRON_NOT_FOUND, 'No patron has that card number.', 'cardNumber');
  const byCard = await patrons.findPatronByCardHash(ctx.trx, ctx.vault.blind('card', cardNumber), { lock: true });
  if (byCard) {
    if (!(await reachesPatron(ctx, byCard))) throw notFound();
    return byCard;
  }
  if (!isDeskHandle(cardNumber)) throw notFound();
  const patronId = await patronIdOfHandle(ctx, cardNumber);
  const byHandle = patronId === undefined ? undefined : await patrons.findPatronById(ctx.trx, patronId);
  if (!byHandle || !(await reachesPatron(ctx, byHandle))) throw notFound();
  return lockedPatron(ctx, byHandle);
}

/** A patron the actor may reach, by id. */
export async function requirePatron(ctx: Context, patronId: string): Promise<StoredPatron> {
  const patron = await patrons.findPatronById(ctx.trx, patronId);
  if (!patron || !(await reachesPatron(ctx, patron))) throw refuse(ErrorCode.PATRON_NOT_FOUND, 'No patron has that id.', 'patronId');
  return patron;
}

/**
 * The patron a request is about, by card when one is given (the card wins over an id) and by id
 * otherwise; a request naming neither finds no patron (PATRON_NOT_FOUND, as for an unknown id).
 */
export async function requirePatronRef(ctx: Context, ref: PatronRef): Promise<StoredPatron> {
  return ref.cardNumber !== undefined ? requirePatronByCard(ctx, ref.cardNumber) : requirePatron(ctx, ref.patronId ?? '');
}

/**
 * A patron a change is about, locked (PostgreSQL; SQLite has one writer) and read again under the lock:
 * a change that reads the patron's status or record and writes it back (a card reissued or renewed, a
 * status set, a correction) waits for another at that moment and starts from what it wrote, so neither
 * is lost and a block set meanwhile is never undone. Taken before any item or hold (docs/ARCHITECTURE.md).
 */
export async function lockedPatron(ctx: Context, stored: StoredPatron): Promise<StoredPatron> {
  const now = (await patrons.lockPatronRow(ctx.trx, stored.id)) ? await patrons.findPatronById(ctx.trx, stored.id) : undefined;
  if (!now) throw refuse(ErrorCode.PATRON_NOT_FOUND, 'No patron has that id.', 'patronId');
  return now;
}

/** `requirePatronRef`, locked for a change (`lockedPatron`). */
export async function requirePatronForChange(ctx: Context, ref: PatronRef): Promise<StoredPatron> {
  return lockedPatron(ctx, await requirePatronRef(ctx, ref));
}
