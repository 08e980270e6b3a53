/**
 * Staff log-in and log-out, and the session answer: who is logged in and what they may do.
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { LOOKUP_PURPOSES } from '../../domain/purposes.js';
import { ErrorResponse, errorResponses, Instant, Nullable, throttledResponses } from './common.js';

export const StaffView = Type.Object({ id: Type.String(), username: Type.String(), libraryId: Nullable(Type.String()), roles: Type.Array(Type.String()) });

/** POST /api/v1/auth/login */
export const LoginRoute = {
  tags: ['auth'],
  summary: 'Log in as staff',
  description: 'Sets the session cookie. Send `csrfToken` back in the `X-CSRF-Token` header of every POST, PUT, PATCH and DELETE.',
  security: [],
  body: Type.Object(
    { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      staff: StaffView,
      expiresAt: Instant,
      csrfToken: Type.String(),
      mustChangePassword: Type.Boolean({
        description: 'The password was reset: until it is changed (POST /api/v1/auth/password) every other route answers PASSWORD_CHANGE_REQUIRED.',
      }),
    }),
    ...throttledResponses,
  },
};

/** POST /api/v1/auth/logout */
export const LogoutRoute = {
  tags: ['auth'],
  summary: 'Log out (staff or patron)',
  description: 'Ending a live session is a change: it needs the session’s `X-CSRF-Token` (403 CSRF_TOKEN_INVALID without it). With no session, or an ended one, it answers 204 all the same.',
  security: [],
  response: { 204: Type.Null(), 403: ErrorResponse },
};

/** GET /api/v1/auth/session */
export const SessionRoute = {
  tags: ['auth'],
  summary: 'Who is logged in (staff or patron), what they may do, and the session’s CSRF token',
  response: {
    200: Type.Object({
      actor: Type.Object({ kind: Type.String(), id: Type.String(), libraryId: Nullable(Type.String()), roles: Type.Array(Type.String()) }),
      permissions: Type.Array(Type.String()),
      purposes: Type.Array(Type.Enum(LOOKUP_PURPOSES), {
        description: 'The purposes the caller may name for a look-up outside a circulation transaction (CB-A3, RF-10), as their roles allow; empty for a patron.',
      }),
      csrfToken: Type.String(),
      expiresAt: Instant,
      idleUntil: Instant,
      mustChangePassword: Type.Boolean({ description: 'A staff session whose password was reset: it must change it before anything else.' }),
      library: Type.Optional(Nullable(Type.Object({ id: Type.String(), name: Type.String() }, { description: 'The library of whoever is logged in, for the header.' }))),
      displayName: Type.Optional(Nullable(Type.String({ description: 'A staff member’s name for the header; a patron’s is not sent (the portal shows it from their own account).' }))),
      language: Type.Optional(Nullable(Type.String({ description: 'The language the person chose (a patron’s is also their notices’); null: none chosen.' }))),
      languages: Type.Optional(
        Type.Object(
          { default: Type.String(), offered: Type.Array(Type.String()) },
          { description: 'The languages the library offers its pages in, and its default.' },
        ),
      ),
    }),
    ...errorResponses,
  },
};

/** What GET /auth/session answers. */
export type SessionAnswer = Static<(typeof SessionRoute.response)[200]>;
