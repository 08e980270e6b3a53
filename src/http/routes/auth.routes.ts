import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SYSTEM } from '../../policy/actors.js';
import { run, type Runtime } from '../../usecases/context.js';
import { login, logout } from '../../usecases/staff.usecases.js';
import { errorResponses, Instant, Nullable } from '../schemas.js';
import { clearSessionCookie, requireSession, SESSION_COOKIE, setSessionCookie } from '../session.js';

const StaffView = Type.Object({ id: Type.String(), username: Type.String(), libraryId: Nullable(Type.String()), roles: Type.Array(Type.String()) });

/** Staff log-in and log-out: an HttpOnly, SameSite=Strict session cookie, new at every log-in. */
export function authRoutes(runtime: Runtime, cookieSecure: boolean): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Log in as staff',
          body: Type.Object(
            { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ staff: StaffView, expiresAt: Instant }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const previousToken = request.cookies[SESSION_COOKIE];
        const session = await run(runtime, { actor: SYSTEM, purpose: 'administration', channel: 'http' }, login, {
          username: request.body.username,
          password: request.body.password,
          ...(previousToken ? { previousToken } : {}),
        });
        setSessionCookie(reply, session.token, session.expiresAt, cookieSecure);
        const { id, username, libraryId, roles } = session.staff;
        return { staff: { id, username, libraryId, roles }, expiresAt: session.expiresAt };
      },
    );

    app.post('/auth/logout', { schema: { tags: ['auth'], summary: 'Log out', response: { 204: Type.Null() } } }, async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await run(runtime, { actor: SYSTEM, purpose: 'administration', channel: 'http' }, logout, { token });
      clearSessionCookie(reply, cookieSecure);
      return reply.status(204).send(null);
    });

    app.get(
      '/auth/session',
      { onRequest: requireSession(runtime), schema: { tags: ['auth'], summary: 'Who is logged in', response: { 200: Type.Object({ actor: Type.Object({ kind: Type.String(), id: Type.String(), libraryId: Nullable(Type.String()), roles: Type.Array(Type.String()) }) }), ...errorResponses } } },
      async (request) => {
        const actor = request.actor;
        return { actor: actor.kind === 'staff' ? { kind: actor.kind, id: actor.id, libraryId: actor.libraryId, roles: [...actor.roles] } : { kind: actor.kind, id: actor.id, libraryId: null, roles: [] } };
      },
    );
  };
}
