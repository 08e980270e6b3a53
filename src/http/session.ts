import { timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, refuse } from '../domain/errors.js';
import { SYSTEM, type Actor } from '../policy/actors.js';
import type { SessionKind } from '../domain/types.js';
import type { Runtime } from '../usecases/context.js';
import { csrfTokenOf, resolveSession, type LiveSession } from '../usecases/session.usecases.js';

export const SESSION_COOKIE = 'carrel_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    session: LiveSession;
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * An onRequest hook: the request must carry a live session of the given kind; its subject becomes the
 * actor. A state-changing request must also carry the session's CSRF token in the X-CSRF-Token header
 * (SameSite=Strict already keeps the cookie off cross-site requests; the token is the second lock).
 * A session of the other kind is refused as PERMISSION_DENIED: it is a session, not a right. A staff
 * session whose password was reset is refused as PASSWORD_CHANGE_REQUIRED, except on the route that
 * changes it (`passwordChange`).
 */
export function requireSession(runtime: Runtime, kind: SessionKind = 'staff', options: { passwordChange?: boolean } = {}) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await resolveSession(runtime, token) : undefined;
    if (!token || !session) throw refuse(ErrorCode.UNAUTHENTICATED, 'Log in first.');
    if (STATE_CHANGING.has(request.method)) requireCsrf(request, token);
    if (session.kind !== kind)
      throw refuse(ErrorCode.PERMISSION_DENIED, kind === 'staff' ? 'This is for library staff.' : 'This is for a patron logged in with their card.');
    // A reset password must be changed before the session does anything else (`options.passwordChange`:
    // the route that changes it).
    if (session.mustChangePassword && !options.passwordChange)
      throw refuse(ErrorCode.PASSWORD_CHANGE_REQUIRED, 'Your password was reset: choose a new one before you continue.');
    request.actor = session.actor;
    request.session = session;
  };
}

/**
 * An onRequest hook for pages anyone may open (the catalogue): a live session's subject becomes the
 * actor, so a patron searches their own library; with none (or a stale one) the request runs as the
 * system, which over HTTP sees what the public sees. Never refuses.
 */
export function optionalSession(runtime: Runtime) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = request.cookies[SESSION_COOKIE];
    // Read-only: a search leaves no "last seen" on the searcher's session (CB-A2)
    const session = token ? await resolveSession(runtime, token, { readOnly: true }) : undefined;
    request.actor = session && !session.mustChangePassword ? session.actor : SYSTEM;
  };
}

/** Refuses a request that does not carry the CSRF token of the session `token` in X-CSRF-Token. */
export function requireCsrf(request: FastifyRequest, token: string): void {
  const presented = request.headers[CSRF_HEADER];
  if (typeof presented !== 'string' || !sameToken(presented, csrfTokenOf(token)))
    throw refuse(ErrorCode.CSRF_TOKEN_INVALID, 'A change needs the X-CSRF-Token header given at log-in.');
}

/** Whether the request reached Carrel over TLS (directly, or through a trusted proxy that says so). */
function overTls(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: string, secure: boolean): void {
  void reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: secure || overTls(request), path: '/', expires: new Date(expiresAt) });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: secure || overTls(request), path: '/' });
}
