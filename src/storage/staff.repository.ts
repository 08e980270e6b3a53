import type { StaffAccount } from '../domain/types.js';
import type { Db } from './database.js';
import { prepared } from './prepared.js';
import type { StaffAccountsTable } from './schema.js';

function toStaff(row: StaffAccountsTable): StaffAccount {
  return {
    id: row.id,
    libraryId: row.library_id,
    username: row.username,
    roles: JSON.parse(row.roles) as string[],
    disabled: Number(row.disabled) !== 0,
    mustChangePassword: Number(row.must_change_password) !== 0,
    createdAt: row.created_at,
  };
}

export async function insertStaff(db: Db, staff: StaffAccount, passwordHash: string): Promise<void> {
  await db
    .insertInto('staff_accounts')
    .values({
      id: staff.id,
      library_id: staff.libraryId,
      username: staff.username,
      password_hash: passwordHash,
      roles: JSON.stringify(staff.roles),
      disabled: staff.disabled ? 1 : 0,
      must_change_password: staff.mustChangePassword ? 1 : 0,
      created_at: staff.createdAt,
    })
    .execute();
}

/** An account and its password hash, for log-in only. */
export async function findStaffCredentials(db: Db, username: string): Promise<{ staff: StaffAccount; passwordHash: string } | undefined> {
  const row = await db.selectFrom('staff_accounts').selectAll().where('username', '=', username).executeTakeFirst();
  return row && { staff: toStaff(row), passwordHash: row.password_hash };
}

export async function countStaff(db: Db): Promise<number> {
  const row = await db.selectFrom('staff_accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The account with this id. */
const staffById = prepared((db: Db, id: string) => db.selectFrom('staff_accounts').selectAll().where('id', '=', id));

export async function findStaffById(db: Db, id: string): Promise<StaffAccount | undefined> {
  const [row] = (await staffById(db, id)).rows;
  return row && toStaff(row);
}

/** Accounts in username order: one library's (`libraryId`), or every account (undefined). No password hashes. */
export async function listStaff(db: Db, libraryId?: string): Promise<StaffAccount[]> {
  let query = db.selectFrom('staff_accounts').select(['id', 'library_id', 'username', 'roles', 'disabled', 'must_change_password', 'created_at']);
  if (libraryId !== undefined) query = query.where('library_id', '=', libraryId);
  const rows = await query.orderBy('username').execute();
  return rows.map((row) => toStaff({ ...row, password_hash: '' }));
}

export async function findStaffByUsername(db: Db, username: string): Promise<StaffAccount | undefined> {
  const row = await db.selectFrom('staff_accounts').selectAll().where('username', '=', username).executeTakeFirst();
  return row && toStaff(row);
}

/** The password hash of one account, for checking the current password before a change. */
export async function findPasswordHash(db: Db, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('staff_accounts').select('password_hash').where('id', '=', id).executeTakeFirst();
  return row?.password_hash;
}

export async function setDisabled(db: Db, id: string, disabled: boolean): Promise<void> {
  await db.updateTable('staff_accounts').set({ disabled: disabled ? 1 : 0 }).where('id', '=', id).execute();
}

export async function setRolesAndLibrary(db: Db, id: string, change: { roles: string[]; libraryId: string | null }): Promise<void> {
  await db.updateTable('staff_accounts').set({ roles: JSON.stringify(change.roles), library_id: change.libraryId }).where('id', '=', id).execute();
}

/** A new password hash; `mustChange` makes the next log-in choose another (after a reset). */
export async function setPassword(db: Db, id: string, passwordHash: string, mustChange: boolean): Promise<void> {
  await db.updateTable('staff_accounts').set({ password_hash: passwordHash, must_change_password: mustChange ? 1 : 0 }).where('id', '=', id).execute();
}
