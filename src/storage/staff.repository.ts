import type { SessionKind, StaffAccount } from '../domain/types.js';
import type { Db } from './database.js';
import { prepared } from './prepared.js';
import type { StaffAccountsTable } from './schema.js';
import type { StoredSession } from './session.repository.js';

/** `listed`: the account's rows in staff_libraries (empty for an account of one library or none). */
function toStaff(row: Omit<StaffAccountsTable, 'password_hash'>, listed: readonly string[] = []): StaffAccount {
  const home = row.library_id;
  return {
    id: row.id,
    libraryId: home,
    libraryIds: home === null ? [] : [home, ...listed.filter((id) => id !== home).sort()],
    username: row.username,
    roles: JSON.parse(row.roles) as string[],
    disabled: Number(row.disabled) !== 0,
    mustChangePassword: Number(row.must_change_password) !== 0,
    createdAt: row.created_at,
  };
}

/** The staff_libraries rows of these accounts, by account. */
async function listedLibraries(db: Db, staffIds: readonly string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (staffIds.length === 0) return found;
  const rows = await db.selectFrom('staff_libraries').select(['staff_id', 'library_id']).where('staff_id', 'in', [...staffIds]).execute();
  for (const row of rows) found.set(row.staff_id, [...(found.get(row.staff_id) ?? []), row.library_id]);
  return found;
}

/**
 * Sets the libraries an account works for: its home library (`libraryIds[0]`, or null) and, when there
 * are several, every one of them in staff_libraries.
 */
export async function setLibraries(db: Db, id: string, libraryIds: readonly string[]): Promise<void> {
  await db.updateTable('staff_accounts').set({ library_id: libraryIds[0] ?? null }).where('id', '=', id).execute();
  await db.deleteFrom('staff_libraries').where('staff_id', '=', id).execute();
  if (libraryIds.length > 1) await db.insertInto('staff_libraries').values(libraryIds.map((libraryId) => ({ staff_id: id, library_id: libraryId }))).execute();
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
  if (staff.libraryIds.length > 1) await setLibraries(db, staff.id, staff.libraryIds);
}

/** An account and its password hash, for log-in only. */
export async function findStaffCredentials(db: Db, username: string): Promise<{ staff: StaffAccount; passwordHash: string } | undefined> {
  const row = await db.selectFrom('staff_accounts').selectAll().where('username', '=', username).executeTakeFirst();
  return row && { staff: toStaff(row, (await listedLibraries(db, [row.id])).get(row.id)), passwordHash: row.password_hash };
}

export async function countStaff(db: Db): Promise<number> {
  const row = await db.selectFrom('staff_accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The account with this id and the libraries it lists, in one statement (a row per listed library, or
 * one with none): every staff request resolves its session's account through this.
 */
const staffById = prepared((db: Db, id: string) =>
  db
    .selectFrom('staff_accounts')
    .leftJoin('staff_libraries', 'staff_libraries.staff_id', 'staff_accounts.id')
    .selectAll('staff_accounts')
    .select('staff_libraries.library_id as listed_library_id')
    .where('staff_accounts.id', '=', id),
);

export async function findStaffById(db: Db, id: string): Promise<StaffAccount | undefined> {
  const { rows } = await staffById(db, id);
  const [row] = rows;
  return row && toStaff(row, rows.flatMap((r) => (r.listed_library_id === null ? [] : [r.listed_library_id])));
}

/**
 * A session by its token's hash with, for a staff session, its account and the libraries the account
 * lists, in one statement (a row per listed library, or one with none): every staff request resolves its
 * session this way. A patron's session comes back without an account.
 */
const sessionWithStaff = prepared((db: Db, tokenHash: string) =>
  db
    .selectFrom('sessions')
    .leftJoin('staff_accounts', (join) => join.onRef('staff_accounts.id', '=', 'sessions.subject_id').on('sessions.kind', '=', 'staff'))
    .leftJoin('staff_libraries', 'staff_libraries.staff_id', 'staff_accounts.id')
    .select([
      'sessions.kind as session_kind',
      'sessions.subject_id as session_subject_id',
      'sessions.created_at as session_created_at',
      'sessions.last_seen_at as session_last_seen_at',
      'sessions.idle_minutes as session_idle_minutes',
      'sessions.expires_at as session_expires_at',
      'staff_accounts.id',
      'staff_accounts.library_id',
      'staff_accounts.username',
      'staff_accounts.roles',
      'staff_accounts.disabled',
      'staff_accounts.must_change_password',
      'staff_accounts.created_at',
      'staff_libraries.library_id as listed_library_id',
    ])
    .where('sessions.token_hash', '=', tokenHash),
);

export async function findSessionWithStaff(db: Db, tokenHash: string): Promise<{ session: StoredSession; staff: StaffAccount | undefined } | undefined> {
  const { rows } = await sessionWithStaff(db, tokenHash);
  const [row] = rows;
  if (!row) return undefined;
  const session: StoredSession = {
    tokenHash,
    kind: row.session_kind as SessionKind,
    subjectId: row.session_subject_id,
    createdAt: row.session_created_at,
    lastSeenAt: row.session_last_seen_at,
    idleMinutes: Number(row.session_idle_minutes),
    expiresAt: row.session_expires_at,
  };
  // A left join: the account's columns are null for a patron's session (checked by its id).
  const staff = row.id === null ? undefined : toStaff(row as unknown as Omit<StaffAccountsTable, 'password_hash'>, rows.flatMap((r) => (r.listed_library_id === null ? [] : [r.listed_library_id])));
  return { session, staff };
}

/**
 * Accounts in username order: those working for one library (`libraryId`: its home accounts and those
 * listing it), or every account (undefined). No password hashes.
 */
export async function listStaff(db: Db, libraryId?: string): Promise<StaffAccount[]> {
  let query = db.selectFrom('staff_accounts').select(['id', 'library_id', 'username', 'roles', 'disabled', 'must_change_password', 'created_at']);
  if (libraryId !== undefined)
    query = query.where((eb) =>
      eb.or([eb('library_id', '=', libraryId), eb('id', 'in', eb.selectFrom('staff_libraries').select('staff_id').where('library_id', '=', libraryId))]),
    );
  const rows = await query.orderBy('username').execute();
  const listed = await listedLibraries(db, rows.map((row) => row.id));
  return rows.map((row) => toStaff(row, listed.get(row.id)));
}

export async function findStaffByUsername(db: Db, username: string): Promise<StaffAccount | undefined> {
  const row = await db.selectFrom('staff_accounts').selectAll().where('username', '=', username).executeTakeFirst();
  return row && toStaff(row, (await listedLibraries(db, [row.id])).get(row.id));
}

/** The password hash of one account, for checking the current password before a change. */
export async function findPasswordHash(db: Db, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('staff_accounts').select('password_hash').where('id', '=', id).executeTakeFirst();
  return row?.password_hash;
}

export async function setDisabled(db: Db, id: string, disabled: boolean): Promise<void> {
  await db.updateTable('staff_accounts').set({ disabled: disabled ? 1 : 0 }).where('id', '=', id).execute();
}

export async function setRoles(db: Db, id: string, roles: string[]): Promise<void> {
  await db.updateTable('staff_accounts').set({ roles: JSON.stringify(roles) }).where('id', '=', id).execute();
}

/** A new password hash; `mustChange` makes the next log-in choose another (after a reset). */
export async function setPassword(db: Db, id: string, passwordHash: string, mustChange: boolean): Promise<void> {
  await db.updateTable('staff_accounts').set({ password_hash: passwordHash, must_change_password: mustChange ? 1 : 0 }).where('id', '=', id).execute();
}
