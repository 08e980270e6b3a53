import { ErrorCode, refuse } from '../domain/errors.js';
import type { StaffAccount } from '../domain/types.js';
import { ROLES } from '../policy/actors.js';
import { requirePermission } from './authorization.js';
import { isUniqueViolation } from '../storage/errors.js';
import * as staff from '../storage/staff.repository.js';
import { generatePassword, hashSecret, verifyDecoy, verifySecret } from '../vault/secrets.js';
import { newId, type Context } from './context.js';
import { openSession } from './session.usecases.js';
import { requireLibrary } from './library-access.js';

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/**
 * Creates a staff account with a generated password, returned once. No account ever has a default or
 * chosen-by-installer password.
 */
export async function createStaff(ctx: Context, input: { username: string; libraryId: string | null; roles: string[] }) {
  requirePermission(ctx, 'staff.manage');
  if (!USERNAME.test(input.username))
    throw refuse(ErrorCode.VALIDATION_FAILED, 'A username is 2–64 lower-case letters, digits, dots, hyphens or underscores.', 'username');
  const unknown = input.roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (input.roles.length === 0 || unknown.length > 0)
    throw refuse(ErrorCode.VALIDATION_FAILED, `Roles are one or more of ${ROLES.join(', ')}.`, 'roles');
  if (input.libraryId !== null) await requireLibrary(ctx, input.libraryId);
  const account: StaffAccount = {
    id: newId(),
    libraryId: input.libraryId,
    username: input.username,
    roles: input.roles,
    disabled: false,
    mustChangePassword: false,
    createdAt: ctx.now.toISOString(),
  };
  const password = generatePassword();
  try {
    await staff.insertStaff(ctx.trx, account, await hashSecret(password));
  } catch (error) {
    if (isUniqueViolation(error)) throw refuse(ErrorCode.USERNAME_EXISTS, 'That username is taken.', 'username');
    throw error;
  }
  return { account, password };
}

/**
 * Checks a username and password and opens a session. Unknown user, wrong password and disabled
 * account get the same answer after the same work.
 */
export async function login(ctx: Context, input: { username: string; password: string; previousToken?: string }) {
  const found = await staff.findStaffCredentials(ctx.trx, input.username);
  const ok = found ? await verifySecret(found.passwordHash, input.password) : await verifyDecoy(input.password);
  if (!found || !ok || found.staff.disabled) throw refuse(ErrorCode.INVALID_CREDENTIALS, 'The username or password is wrong.');
  const session = await openSession(ctx, { kind: 'staff', subjectId: found.staff.id, previousToken: input.previousToken });
  return { ...session, staff: found.staff };
}
