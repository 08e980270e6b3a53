import { ErrorCode, refuse, refuseAll } from '../domain/errors.js';
import { passwordProblems } from '../domain/passwords.js';
import type { StaffAccount } from '../domain/types.js';
import { ROLES } from '../policy/actors.js';
import { SYSTEM_ROLES } from '../domain/roles.js';
import * as libraries from '../storage/library.repository.js';
import { sharesPatrons } from './patron-access.js';
import { requirePermission } from './authorization.js';
import { isUniqueViolation } from '../storage/errors.js';
import * as staff from '../storage/staff.repository.js';
import { generatePassword, hashSecret, verifyDecoy, verifySecret } from '../vault/secrets.js';
import { newId, recordLibraryChange, type Context } from './context.js';
import { endSessionsOf, openSession, type OpenedSession } from './session.usecases.js';
import { requireLibrary } from './library-access.js';

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/** A staff account named by id (the API) or by username (the command line). */
export type StaffRef = { id: string } | { username: string };

/** A staff account as shown to whoever manages staff: never its password hash. */
export type StaffView = StaffAccount;

function checkRoles(roles: readonly string[]): void {
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (roles.length === 0 || unknown.length > 0) throw refuse(ErrorCode.VALIDATION_FAILED, `Roles are one or more of ${ROLES.join(', ')}.`, 'roles');
}

/** The library an actor who manages staff is bound to (undefined: the system or consortium-wide staff). */
function boundLibrary(ctx: Context): string | undefined {
  return ctx.actor.kind === 'staff' && ctx.actor.libraryId !== null ? ctx.actor.libraryId : undefined;
}

/**
 * Where a request places an account: `libraryIds`, a list of libraries that all share their patrons;
 * `libraryId`, one library, or null for an account without a library (it runs the system and holds
 * only the roles about that, SYSTEM_ROLES); neither, the actor's own library, or the only library in the
 * database.
 */
export interface Placement {
  libraryId?: string | null | undefined;
  libraryIds?: string[] | undefined;
}

/** Whether every role is one about running the system, which an account without a library may hold. */
function systemRolesOnly(roles: readonly string[]): boolean {
  return roles.every((role) => (SYSTEM_ROLES as readonly string[]).includes(role));
}

/**
 * The libraries an account is placed in by this actor, home first: each one the actor reaches (another
 * library's administrator gets LIBRARY_NOT_FOUND); several only when every one shares its patrons
 * (STAFF_LIBRARIES_NOT_SHARED); none only for an account holding nothing but the roles about running
 * the system, and only by the system or an account without a library itself (STAFF_LIBRARY_REQUIRED,
 * PERMISSION_DENIED). Not naming a library places the account in the actor's own, or in the only one
 * the database holds; with several, the library must be named.
 */
async function resolvePlacement(ctx: Context, placement: Placement, roles: readonly string[]): Promise<string[]> {
  const listed = placement.libraryIds ?? [];
  let ids: string[];
  if (listed.length > 0) ids = [...new Set([...(typeof placement.libraryId === 'string' ? [placement.libraryId] : []), ...listed])];
  else if (placement.libraryId !== undefined) ids = placement.libraryId === null ? [] : [placement.libraryId];
  else ids = await defaultPlacement(ctx, roles);
  if (ids.length === 0) {
    if (boundLibrary(ctx) !== undefined) throw refuse(ErrorCode.PERMISSION_DENIED, 'Only consortium-wide staff make an account consortium-wide.', 'libraryId');
    if (!systemRolesOnly(roles))
      throw refuse(ErrorCode.STAFF_LIBRARY_REQUIRED, `An account that is not only ${SYSTEM_ROLES.join(', ')} works for a library: name it.`, 'libraryId');
    return ids;
  }
  for (const id of ids) await requireLibrary(ctx, id);
  if (ids.length > 1) {
    for (const id of ids)
      if (!(await sharesPatrons(ctx, id)))
        throw refuse(ErrorCode.STAFF_LIBRARIES_NOT_SHARED, 'An account works for several libraries only when every one of them shares its patrons.', 'libraryIds');
  }
  return ids;
}

/** The library of an account whose request names none: the actor's own, or the database's only one. */
async function defaultPlacement(ctx: Context, roles: readonly string[]): Promise<string[]> {
  const bound = boundLibrary(ctx);
  if (bound !== undefined) return [bound];
  const all = await libraries.listLibraries(ctx.trx);
  if (all.length === 1) return [(all[0] as { id: string }).id];
  if (all.length === 0 && systemRolesOnly(roles)) return [];
  throw refuse(ErrorCode.STAFF_LIBRARY_REQUIRED, 'The database holds several libraries: name the one the account works for.', 'libraryId');
}

/**
 * The account a request is about, if the actor reaches it: an administrator of one library reaches that
 * library's accounts only; another library's account answers STAFF_NOT_FOUND, as if it did not exist.
 */
async function requireStaff(ctx: Context, ref: StaffRef): Promise<StaffAccount> {
  const found = 'id' in ref ? await staff.findStaffById(ctx.trx, ref.id) : await staff.findStaffByUsername(ctx.trx, ref.username);
  const bound = boundLibrary(ctx);
  if (!found || (bound !== undefined && found.libraryId !== bound)) throw refuse(ErrorCode.STAFF_NOT_FOUND, 'No staff account with that id or username.', 'id' in ref ? 'id' : 'username');
  return found;
}

function isSelf(ctx: Context, account: StaffAccount): boolean {
  return ctx.actor.kind === 'staff' && ctx.actor.id === account.id;
}

/**
 * The staff accounts the actor manages, in username order, without password hashes: one library's
 * (an administrator of one library sees only theirs), or every account for consortium-wide staff, who
 * may name a library to see only its accounts.
 */
export async function listStaff(ctx: Context, input: { libraryId?: string | undefined } = {}): Promise<StaffView[]> {
  requirePermission(ctx, 'staff.manage');
  if (input.libraryId !== undefined) await requireLibrary(ctx, input.libraryId);
  return staff.listStaff(ctx.trx, boundLibrary(ctx) ?? input.libraryId);
}

/**
 * Creates a staff account with a generated password, returned once. No account ever has a default or
 * chosen-by-installer password. The creation enters the access log with who made it.
 */
export async function createStaff(ctx: Context, input: { username: string; roles: string[] } & Placement) {
  requirePermission(ctx, 'staff.manage');
  if (!USERNAME.test(input.username))
    throw refuse(ErrorCode.VALIDATION_FAILED, 'A username is 2–64 lower-case letters, digits, dots, hyphens or underscores.', 'username');
  checkRoles(input.roles);
  const roles = [...new Set(input.roles)];
  const libraryIds = await resolvePlacement(ctx, input, roles);
  const account: StaffAccount = {
    id: newId(),
    libraryId: libraryIds[0] ?? null,
    libraryIds,
    username: input.username,
    roles,
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
  await recordLibraryChange(ctx, account.libraryId, `staff.create:${account.id}`);
  return { account, password };
}

/**
 * Disables an account: it can no longer log in, and every session it holds ends in the same transaction,
 * so a departing employee is out at once. An administrator cannot disable themselves.
 */
export async function disableStaff(ctx: Context, input: StaffRef): Promise<StaffView> {
  requirePermission(ctx, 'staff.manage');
  const account = await requireStaff(ctx, input);
  if (isSelf(ctx, account)) throw refuse(ErrorCode.CANNOT_LOCK_OUT_SELF, 'You cannot disable your own account; another administrator can.');
  await staff.setDisabled(ctx.trx, account.id, true);
  await endSessionsOf(ctx, 'staff', account.id);
  if (!account.disabled) await recordLibraryChange(ctx, account.libraryId, `staff.disable:${account.id}`);
  return { ...account, disabled: true };
}

/** Lets a disabled account log in again (with its password as it was; reset it if it may be known). */
export async function enableStaff(ctx: Context, input: StaffRef): Promise<StaffView> {
  requirePermission(ctx, 'staff.manage');
  const account = await requireStaff(ctx, input);
  if (account.disabled) {
    await staff.setDisabled(ctx.trx, account.id, false);
    await recordLibraryChange(ctx, account.libraryId, `staff.enable:${account.id}`);
  }
  return { ...account, disabled: false };
}

/**
 * Changes an account's roles, its libraries, or both. An administrator cannot take the admin role from
 * themselves; an account keeps no role about patrons without a library (STAFF_LIBRARY_REQUIRED). A
 * move is logged in both libraries' chains. The account's open sessions carry on with the new roles and
 * libraries from their next request (a session reads the account on every request).
 */
export async function updateStaff(ctx: Context, input: StaffRef & { roles?: string[] | undefined } & Placement): Promise<StaffView> {
  requirePermission(ctx, 'staff.manage');
  const account = await requireStaff(ctx, input);
  const roles = input.roles === undefined ? account.roles : [...new Set(input.roles)];
  if (input.roles !== undefined) checkRoles(roles);
  const moved = input.libraryId !== undefined || (input.libraryIds !== undefined && input.libraryIds.length > 0);
  const libraryIds = moved ? await resolvePlacement(ctx, input, roles) : account.libraryIds;
  if (!moved && libraryIds.length === 0 && !systemRolesOnly(roles))
    throw refuse(ErrorCode.STAFF_LIBRARY_REQUIRED, `An account that is not only ${SYSTEM_ROLES.join(', ')} works for a library: name it.`, 'libraryId');
  if (isSelf(ctx, account) && account.roles.includes('admin') && !roles.includes('admin'))
    throw refuse(ErrorCode.CANNOT_LOCK_OUT_SELF, 'You cannot take the admin role from yourself; another administrator can.', 'roles');
  const libraryId = libraryIds[0] ?? null;
  const rolesChanged = roles.length !== account.roles.length || roles.some((r) => !account.roles.includes(r));
  const librariesChanged = libraryIds.length !== account.libraryIds.length || libraryIds.some((id, i) => account.libraryIds[i] !== id);
  if (rolesChanged) await staff.setRoles(ctx.trx, account.id, roles);
  if (librariesChanged) await staff.setLibraries(ctx.trx, account.id, libraryIds);
  if (rolesChanged) await recordLibraryChange(ctx, libraryId, `staff.roles:${account.id}`);
  if (librariesChanged) {
    for (const id of account.libraryIds.filter((id) => !libraryIds.includes(id))) await recordLibraryChange(ctx, id, `staff.move-out:${account.id}`);
    for (const id of libraryIds.filter((id) => !account.libraryIds.includes(id))) await recordLibraryChange(ctx, id, `staff.move-in:${account.id}`);
    if (account.libraryIds.length === 0 || libraryIds.length === 0) await recordLibraryChange(ctx, null, `staff.${libraryIds.length === 0 ? 'move-in' : 'move-out'}:${account.id}`);
  }
  return { ...account, roles, libraryId, libraryIds };
}

/**
 * Resets an account's password to a new generated one, returned once, which must be changed at the next
 * log-in. Every session the account holds ends: whoever knew the old password is out.
 */
export async function resetStaffPassword(ctx: Context, input: StaffRef): Promise<{ account: StaffView; password: string }> {
  requirePermission(ctx, 'staff.manage');
  const account = await requireStaff(ctx, input);
  const password = generatePassword();
  await staff.setPassword(ctx.trx, account.id, await hashSecret(password), true);
  await endSessionsOf(ctx, 'staff', account.id);
  await recordLibraryChange(ctx, account.libraryId, `staff.reset-password:${account.id}`);
  return { account: { ...account, mustChangePassword: true }, password };
}

/**
 * A member of staff changes their own password, proving the current one (a session left open at a desk
 * is no way to take over the account). The new one follows ASVS 5.0 L2 (domain/passwords.ts). Every
 * session of the account ends and a fresh one opens for this browser; a change demanded by a reset is
 * thereby done.
 */
export async function changeOwnPassword(ctx: Context, input: { currentPassword: string; newPassword: string }): Promise<OpenedSession & { staff: StaffView }> {
  if (ctx.actor.kind !== 'staff') throw refuse(ErrorCode.PERMISSION_DENIED, 'This is for library staff.');
  const account = await staff.findStaffById(ctx.trx, ctx.actor.id);
  const hash = await staff.findPasswordHash(ctx.trx, ctx.actor.id);
  if (!account || account.disabled || hash === undefined) throw refuse(ErrorCode.UNAUTHENTICATED, 'Log in first.');
  if (!(await verifySecret(hash, input.currentPassword))) throw refuse(ErrorCode.PASSWORD_WRONG, 'The current password is wrong.', 'currentPassword');
  refuseAll(passwordProblems(input.newPassword, account.username));
  if (await verifySecret(hash, input.newPassword)) throw refuse(ErrorCode.PASSWORD_UNCHANGED, 'Choose a password other than the current one.', 'newPassword');
  await staff.setPassword(ctx.trx, account.id, await hashSecret(input.newPassword), false);
  await endSessionsOf(ctx, 'staff', account.id);
  await recordLibraryChange(ctx, account.libraryId, `staff.change-password:${account.id}`);
  const session = await openSession(ctx, { kind: 'staff', subjectId: account.id });
  return { ...session, staff: { ...account, mustChangePassword: false } };
}

/**
 * Checks a username and password and opens a session. Unknown user, wrong password and disabled
 * account get the same answer after the same work. An account whose password was reset still logs in,
 * but its session can do nothing but change the password (`mustChangePassword`, the session gate).
 */
export async function login(ctx: Context, input: { username: string; password: string; previousToken?: string }) {
  const found = await staff.findStaffCredentials(ctx.trx, input.username);
  const ok = found ? await verifySecret(found.passwordHash, input.password) : await verifyDecoy(input.password);
  if (!found || !ok || found.staff.disabled) throw refuse(ErrorCode.INVALID_CREDENTIALS, 'The username or password is wrong.');
  const session = await openSession(ctx, { kind: 'staff', subjectId: found.staff.id, previousToken: input.previousToken });
  return { ...session, staff: found.staff };
}
