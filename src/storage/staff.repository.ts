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
