/**
 * The HTTP contract's two shared rules, applied to every route in one place: input the storage engines
 * cannot keep is refused before any route sees it, and every error status the transport itself can
 * answer is declared in the route's OpenAPI responses (issue 22).
 */
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { DomainError } from '../domain/errors.js';
import { storableProblems } from '../domain/storable.js';
import { ErrorResponse } from './schemas/common.js';

/**
 * A preValidation hook: text with U+0000 or longer than any field takes, and numbers outside
 * PostgreSQL's `integer`, in the body, the query string or the path, anywhere in them, are refused as
 * VALIDATION_FAILED (400) on both engines (domain/storable, issue 22 defect 6). The route's schema
 * then checks the rest.
 */
export async function refuseUnstorableInput(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const problems = storableProblems(request.params, 'params');
  storableProblems(request.query, 'querystring', problems);
  if (typeof request.body === 'object' || typeof request.body === 'string') storableProblems(request.body, 'body', problems);
  if (problems.length > 0) throw new DomainError(problems);
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The error statuses any route of the API can answer whatever it does, by what the route is:
 * - every route: 400 (the request does not match the schema, or holds what cannot be stored), 431 (the
 *   address or headers are larger than Node takes, 16 KiB), 500 (a fault of Carrel's, answered without
 *   detail) and 503 (the database is busy, out of reach, or not initialised; with Retry-After when time
 *   cures it: STORAGE_BUSY, DATABASE_UNAVAILABLE);
 * - a route that takes a body: 413 (too large) and 415 (not JSON);
 * - a route behind a session (it does not say `security: []`): 401 (no live session) and 403 (another
 *   kind of session, a missing CSRF token, a password to change first, or a role that does not allow it).
 * Statuses a route's own use case answers (404, 409, 422, 429) are declared by the route.
 */
export function transportErrorStatuses(method: string, schema: { security?: unknown[] }): number[] {
  const statuses = [400, 431, 500, 503];
  if (WITH_BODY.has(method)) statuses.push(413, 415);
  if (!Array.isArray(schema.security) || schema.security.length > 0) statuses.push(401, 403);
  return statuses;
}

/**
 * An onRoute hook: adds the transport's error statuses (`transportErrorStatuses`) to the responses a
 * route declares, so /openapi.json lists every status the server answers and each is serialised in
 * Carrel's error shape. Routes hidden from the document (the web app's pages) are left alone.
 */
export function declareTransportErrors(route: RouteOptions): void {
  const schema = route.schema as ({ hide?: boolean; security?: unknown[]; response?: Record<string, unknown> } & Record<string, unknown>) | undefined;
  if (!schema || schema.hide) return;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const response: Record<string, unknown> = { ...(schema.response ?? {}) };
  for (const method of methods)
    for (const status of transportErrorStatuses(method, schema)) if (response[String(status)] === undefined) response[String(status)] = ErrorResponse;
  route.schema = { ...schema, response } as RouteOptions['schema'];
}
