import { ErrorCode, refuse } from '../domain/errors.js';
import { LOOKUP_PURPOSES, type LookupPurpose } from '../policy/actors.js';
import { authorize, type Permission } from '../policy/permissions.js';
import type { Context } from './context.js';

/**
 * Refuses unless one of the actor's roles grants `permission` (src/policy/permissions.ts, the one
 * table). The granting role is noted on the context: the access log names it.
 */
export function requirePermission(ctx: Pick<Context, 'actor' | 'role'>, permission: Permission): void {
  const decision = authorize(ctx.actor, permission);
  if (!decision.allowed) throw refuse(ErrorCode.PERMISSION_DENIED, 'Your role does not allow this.');
  ctx.role = decision.role;
}

/** Whether the request's purpose is one of the fixed look-up purposes. */
export function isLookupPurpose(purpose: string): purpose is LookupPurpose {
  return (LOOKUP_PURPOSES as readonly string[]).includes(purpose);
}

/**
 * For reading a patron's record outside a circulation transaction (CB-A3, RF-10): the request must name
 * a purpose from the fixed list, and one of the actor's roles must grant both the permission and that
 * purpose. The system (the operator's command line) names its purpose but is not limited by role.
 */
export function requirePurpose(ctx: Context, permission: Permission): void {
  if (!isLookupPurpose(ctx.purpose))
    throw refuse(ErrorCode.PURPOSE_REQUIRED, `Name the purpose of this look-up: one of ${LOOKUP_PURPOSES.join(', ')}.`, 'purpose');
  const decision = authorize(ctx.actor, permission, ctx.purpose);
  if (!decision.allowed)
    throw decision.reason === 'purpose-not-allowed'
      ? refuse(ErrorCode.PURPOSE_NOT_ALLOWED, 'Your role does not read records for that purpose.', 'purpose')
      : refuse(ErrorCode.PERMISSION_DENIED, 'Your role does not allow this.');
  ctx.role = decision.role;
}

/**
 * For what only the operator does, at the command line: moving a library's records in from another
 * system (issue 21) writes thousands of patrons at once, which no staff role's duties include.
 */
export function refuseUnlessOperator(ctx: Pick<Context, 'actor'>): void {
  if (ctx.actor.kind !== 'system') throw refuse(ErrorCode.PERMISSION_DENIED, 'Only the operator, at the command line, imports records from another system.');
}
