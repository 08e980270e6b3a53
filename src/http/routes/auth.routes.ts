import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SYSTEM } from '../../policy/actors.js';
import { permissionsOf, purposesOf } from '../../policy/permissions.js';
import { run, type Runtime } from '../../usecases/context.js';
import { csrfTokenOf, endSession, resolveSession, sessionHeader } from '../../usecases/session.usecases.js';
import { availableLanguages } from '../../i18n/messages.js';
import { changeOwnPassword, login } from '../../usecases/staff.usecases.js';
import { LoginRoute, LogoutRoute, SessionRoute } from '../schemas/auth.js';
import { ChangeOwnPasswordRoute } from '../schemas/staff.js';
import { clearSessionCookie, requireCsrf, requireSession, SESSION_COOKIE, setSessionCookie } from '../session.js';
import { DomainError, ErrorCode, refuse } from '../../domain/errors.js';
import { AttemptThrottle, throttleKey } from '../../usecases/attempt-throttle.js';

/**
 * Log-in and log-out: an HttpOnly, SameSite=Strict session cookie (Secure over TLS), new at every
 * log-in, plus a CSRF token in the answer for the X-CSRF-Token header of every change.
 */
export function authRoutes(runtime: Runtime, cookieSecure: boolean, throttle: AttemptThrottle): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/auth/login',
      { schema: LoginRoute },
      async (request, reply) => {
        // The same per-address lock as on card log-ins: failed attempts from one address are limited.
        const address = throttleKey(request.ip);
        const slot = throttle.take(address);
        if (slot === undefined) throw refuse(ErrorCode.TOO_MANY_ATTEMPTS, 'Too many failed log-ins from this address; wait a few minutes and try again.');
        const previousToken = request.cookies[SESSION_COOKIE];
        const session = await run(runtime, { actor: SYSTEM, purpose: 'administration', channel: 'http' }, login, {
          username: request.body.username,
          password: request.body.password,
          ...(previousToken ? { previousToken } : {}),
        });
        throttle.forgive(address, slot);
        setSessionCookie(request, reply, session.token, session.expiresAt, cookieSecure);
        const { id, username, libraryId, roles } = session.staff;
        return { staff: { id, username, libraryId, roles }, expiresAt: session.expiresAt, csrfToken: session.csrfToken, mustChangePassword: session.staff.mustChangePassword };
      },
    );

    // A member of staff changes their own password: the one route a session whose password was reset
    // may use. A wrong current password takes a slot of the same per-address throttle as a failed log-in.
    app.post(
      '/auth/password',
      { schema: ChangeOwnPasswordRoute, onRequest: requireSession(runtime, 'staff', { passwordChange: true }) },
      async (request, reply) => {
        const address = throttleKey(request.ip);
        const slot = throttle.take(address);
        if (slot === undefined) throw refuse(ErrorCode.TOO_MANY_ATTEMPTS, 'Too many failed attempts from this address; wait a few minutes and try again.');
        let session;
        try {
          session = await run(runtime, { actor: request.actor, purpose: 'administration', channel: 'http' }, changeOwnPassword, request.body);
        } catch (error) {
          // Only a wrong current password is a guess; a new password refused by the rules gives its slot back.
          if (!(error instanceof DomainError && error.code === ErrorCode.PASSWORD_WRONG)) throttle.forgive(address, slot);
          throw error;
        }
        throttle.forgive(address, slot);
        setSessionCookie(request, reply, session.token, session.expiresAt, cookieSecure);
        return { expiresAt: session.expiresAt, csrfToken: session.csrfToken };
      },
    );

    app.post('/auth/logout', { schema: LogoutRoute }, async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      // Ending a live session is a change like any other: it needs the session's CSRF token.
      if (token && (await resolveSession(runtime, token))) requireCsrf(request, token);
      if (token) await run(runtime, { actor: SYSTEM, purpose: 'administration', channel: 'http' }, endSession, { token });
      clearSessionCookie(request, reply, cookieSecure);
      return reply.status(204).send(null);
    });

    app.get(
      '/auth/session',
      { schema: SessionRoute },
      async (request) => {
        const token = request.cookies[SESSION_COOKIE];
        const session = token ? await resolveSession(runtime, token) : undefined;
        if (!token || !session) throw refuse(ErrorCode.UNAUTHENTICATED, 'Log in first.');
        const actor = session.actor;
        return {
          actor:
            actor.kind === 'staff'
              ? { kind: actor.kind, id: actor.id, libraryId: actor.libraryId, roles: [...actor.roles] }
              : { kind: actor.kind, id: actor.id, libraryId: actor.kind === 'patron' ? actor.libraryId : null, roles: [] },
          permissions: permissionsOf(actor),
          purposes: purposesOf(actor),
          csrfToken: csrfTokenOf(token),
          expiresAt: session.expiresAt,
          idleUntil: session.idleUntil,
          mustChangePassword: session.mustChangePassword,
          ...(await sessionHeader(runtime, session, availableLanguages())),
        };
      },
    );
  };
}
