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

export async function insertSession(db: Db, session: { tokenHash: string; staffId: string; createdAt: string; expiresAt: string }): Promise<void> {
  await db
    .insertInto('staff_sessions')
    .values({ token_hash: session.tokenHash, staff_id: session.staffId, created_at: session.createdAt, expires_at: session.expiresAt })
    .execute();
}

/** The account behind a live session (one statement: it runs on every authenticated request). */
const sessionStaff = prepared((db: Db, tokenHash: string, now: string) =>
  db
    .selectFrom('staff_sessions')
    .innerJoin('staff_accounts', 'staff_accounts.id', 'staff_sessions.staff_id')
    .selectAll('staff_accounts')
    .where('staff_sessions.token_hash', '=', tokenHash)
    .where('staff_sessions.expires_at', '>', now),
);

export async function findSessionStaff(db: Db, tokenHash: string, now: string): Promise<StaffAccount | undefined> {
  const [row] = (await sessionStaff(db, tokenHash, now)).rows;
  return row && toStaff(row);
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteExpiredSessions(db: Db, now: string): Promise<number> {
  const result = await db.deleteFrom('staff_sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
