import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, refuse } from '../domain/errors.js';
import type { Actor } from '../policy/actors.js';
import type { Runtime } from '../usecases/context.js';
import { authenticate } from '../usecases/staff.usecases.js';

export const SESSION_COOKIE = 'carrel_session';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
}

/** An onRequest hook: the request must carry a live staff session; its account becomes the actor. */
export function requireSession(runtime: Runtime) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = request.cookies[SESSION_COOKIE];
    const staff = token ? await authenticate(runtime, token) : undefined;
    if (!staff) throw refuse(ErrorCode.UNAUTHENTICATED, 'Log in first.');
    request.actor = { kind: 'staff', id: staff.id, libraryId: staff.libraryId, roles: staff.roles };
  };
}

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: string, secure: boolean): void {
  void reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires: new Date(expiresAt) });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}
