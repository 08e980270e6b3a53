import { createHash } from 'node:crypto';
import type { Actor } from '../policy/actors.js';
import * as sessions from '../storage/session.repository.js';
import type { Library, SessionKind, StaffAccount } from '../domain/types.js';
import { findSessionWithStaff, findStaffById } from '../storage/staff.repository.js';
import { findPatronById } from '../storage/patron.repository.js';
import { findLibrary } from '../storage/library.repository.js';
import { noticePrefs } from '../storage/notice.repository.js';
import { newToken, tokenHash } from '../vault/secrets.js';
import type { Context, Runtime } from './context.js';

/**
 * How long a session lives. Staff work a shift at a desk: ten hours at most, ended after half an hour
 * without a request. A patron's session is for a visit to their account, often on a shared computer:
 * two hours at most, ended after fifteen idle minutes.
 */
export const SESSION_LIMITS: Record<SessionKind, { idleMinutes: number; hours: number }> = {
  staff: { idleMinutes: 30, hours: 10 },
  patron: { idleMinutes: 15, hours: 2 },
};

/** The last-seen time is written at most this often, so most requests do not write at all. */
const TOUCH_EVERY_MS = 60_000;

export interface OpenedSession {
  /** Goes to the HttpOnly cookie only. */
  token: string;
  /** Sent back in the X-CSRF-Token header of every state-changing request. */
  csrfToken: string;
  expiresAt: string;
}

/**
 * The CSRF token of a session: derived from the session token (SHA-256 with its own label), so the
 * server keeps nothing more, a page script can hold it without being able to work back to the session
 * token, and a forged cross-site request, which cannot read it, cannot send it.
 */
export function csrfTokenOf(token: string): string {
  return createHash('sha256').update('carrel-csrf\0').update(token).digest('base64url');
}

/**
 * Opens a session for a staff account or a patron who has just proved who they are. A session presented
 * with the log-in is ended first, so a log-in always starts with a fresh token (no session fixation).
 */
export async function openSession(ctx: Context, input: { kind: SessionKind; subjectId: string; previousToken?: string | undefined }): Promise<OpenedSession> {
  if (input.previousToken) await sessions.deleteSession(ctx.trx, tokenHash(input.previousToken));
  await sessions.deleteExpiredSessions(ctx.trx, ctx.now.toISOString());
  const limits = SESSION_LIMITS[input.kind];
  const token = newToken();
  const at = ctx.now.toISOString();
  const expiresAt = new Date(ctx.now.getTime() + limits.hours * 3_600_000).toISOString();
  await sessions.insertSession(ctx.trx, { tokenHash: tokenHash(token), kind: input.kind, subjectId: input.subjectId, createdAt: at, lastSeenAt: at, idleMinutes: limits.idleMinutes, expiresAt });
  return { token, csrfToken: csrfTokenOf(token), expiresAt };
}

export interface LiveSession {
  actor: Actor;
  kind: SessionKind;
  expiresAt: string;
  /** When the session ends if no request comes before. */
  idleUntil: string;
  /**
   * The staff account's password was reset: the session may only change it (and read itself, and log
   * out) until it does; the HTTP session gate refuses everything else with PASSWORD_CHANGE_REQUIRED.
   */
  mustChangePassword: boolean;
}

/**
 * The actor behind a session token, if the session is live: not past its absolute end, not idle too
 * long, and its account still usable (a disabled staff account, or a card reported lost, ends it at
 * once: JC-IVa). Runs before every authenticated request, outside a transaction. `readOnly`: writes
 * nothing (no "last seen", no clean-up), for pages whose use must leave no trace (the catalogue, CB-A2).
 */
export async function resolveSession(runtime: Runtime, token: string, options: { readOnly?: boolean } = {}): Promise<LiveSession | undefined> {
  const hash = tokenHash(token);
  // A staff session comes with its account in the same statement; a patron's reads the patron after.
  const found = await findSessionWithStaff(runtime.db, hash);
  if (!found) return undefined;
  const session = found.session;
  const now = runtime.clock.now();
  const idleEnd = new Date(session.lastSeenAt).getTime() + session.idleMinutes * 60_000;
  if (now.getTime() >= new Date(session.expiresAt).getTime() || now.getTime() >= idleEnd) {
    if (!options.readOnly) await sessions.deleteSession(runtime.db, hash);
    return undefined;
  }
  const subject = session.kind === 'staff' ? staffSubject(found.staff) : await patronSubject(runtime, session);
  if (!subject) {
    if (!options.readOnly) await sessions.deleteSession(runtime.db, hash);
    return undefined;
  }
  let lastSeen = new Date(session.lastSeenAt).getTime();
  if (!options.readOnly && now.getTime() - lastSeen >= TOUCH_EVERY_MS) {
    await sessions.touch(runtime.db, hash, now.toISOString());
    lastSeen = now.getTime();
  }
  return {
    actor: subject.actor,
    kind: session.kind,
    expiresAt: session.expiresAt,
    idleUntil: new Date(lastSeen + session.idleMinutes * 60_000).toISOString(),
    mustChangePassword: subject.mustChangePassword,
  };
}

/** The actor a staff session is for: none when the account is gone or disabled. */
function staffSubject(staff: StaffAccount | undefined): { actor: Actor; mustChangePassword: boolean } | undefined {
  return staff && !staff.disabled
    ? {
        actor: { kind: 'staff', id: staff.id, libraryId: staff.libraryId, roles: staff.roles, ...(staff.libraryIds.length > 1 ? { libraries: staff.libraryIds } : {}) },
        mustChangePassword: staff.mustChangePassword,
      }
    : undefined;
}

/** Patron standings whose card no longer opens the account. */
const CARD_STOPPED = new Set(['card-lost', 'deceased']);

/**
 * Who a patron's session is for, read afresh on every request: a card reported lost or a deceased patron
 * has no actor. (A staff session's account is read with the session itself, `staffSubject`: a disabled
 * account has no actor, its session ending on its next request even had disabling not ended it, and roles
 * changed since log-in apply at once.)
 */
async function patronSubject(runtime: Runtime, session: sessions.StoredSession): Promise<{ actor: Actor; mustChangePassword: boolean } | undefined> {
  const patron = await findPatronById(runtime.db, session.subjectId);
  return patron && !CARD_STOPPED.has(patron.status) ? { actor: { kind: 'patron', id: patron.id, libraryId: patron.libraryId }, mustChangePassword: false } : undefined;
}

/** Whether a patron's standing lets their card open a session at all. */
export function cardOpensAccount(status: string): boolean {
  return !CARD_STOPPED.has(status);
}

/** Server-side log-out: the session row goes, so the token is worthless even if it was copied. */
export async function endSession(ctx: Context, input: { token: string }): Promise<void> {
  await sessions.deleteSession(ctx.trx, tokenHash(input.token));
}

/** Ends every session of a staff account or a patron (a lost card, a disabled account, a deletion). */
export async function endSessionsOf(ctx: Context, kind: SessionKind, subjectId: string): Promise<void> {
  await sessions.deleteSessionsOf(ctx.trx, kind, subjectId);
}

/** What a page's header and language need to know about a session, read with the session answer. */
export interface SessionHeader {
  library: { id: string; name: string } | null;
  /** A staff member's username; a patron's name is not read here (the portal shows it from their account, logged). */
  displayName: string | null;
  /** The patron's chosen language (also their notices'); a staff member's choice stays on their browser. */
  language: string | null;
  languages: { default: string; offered: string[] };
}

/**
 * The header of a live session. A patron's language is a setting of how Carrel speaks to them, not part
 * of the record anyone reads, so reading it for their own session writes nothing to the access log.
 */
export async function sessionHeader(runtime: Runtime, session: LiveSession, available: readonly string[]): Promise<SessionHeader> {
  const { actor } = session;
  const libraryId = actor.kind === 'staff' || actor.kind === 'patron' ? actor.libraryId : null;
  const library = libraryId ? await findLibrary(runtime.db, libraryId) : undefined;
  let displayName: string | null = null;
  let language: string | null = null;
  if (actor.kind === 'staff') displayName = (await findStaffById(runtime.db, actor.id))?.username ?? null;
  if (actor.kind === 'patron') language = (await noticePrefs(runtime.db, [actor.id])).get(actor.id)?.language ?? null;
  return {
    library: library ? { id: library.id, name: library.name } : null,
    displayName,
    language,
    languages: languagesOf(library, available),
  };
}

/** The library's languages among those Carrel has catalogues for (all of them, English first, without a library). */
export function languagesOf(library: Pick<Library, 'defaultLanguage' | 'offeredLanguages'> | undefined, available: readonly string[]): { default: string; offered: string[] } {
  const fallback = { default: available.includes('en') ? 'en' : (available[0] ?? 'en'), offered: [...available] };
  if (!library) return fallback;
  const offered = library.offeredLanguages.filter((l) => available.includes(l));
  if (offered.length === 0) return fallback;
  return { default: offered.includes(library.defaultLanguage) ? library.defaultLanguage : (offered[0] as string), offered };
}
