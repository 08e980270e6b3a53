import type { Db } from './database.js';
import { lockAttemptsOf, pruneAttempts } from './login-failure.repository.js';

/**
 * Identifying a patron without their card (IF-5, issue 22): the refused identifications counted per
 * patron and per staff account, each under a keyed hash of what it counts against (never a birth date
 * tried), and the handles that stand in for the card of a patron identified at the desk.
 */

export async function recordIdentifyFailure(db: Db, failure: { id: string; subjectHash: string; at: string }): Promise<void> {
  await db.insertInto('identify_failures').values({ id: failure.id, subject_hash: failure.subjectHash, at: failure.at }).execute();
}

/** The refusals counted against a subject since `since`. */
export async function countIdentifyFailures(db: Db, subjectHash: string, since: string): Promise<number> {
  const row = await db
    .selectFrom('identify_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('subject_hash', '=', subjectHash)
    .where('at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Deletes every refusal older than `before` (no window reaches back that far). On PostgreSQL, rows another transaction holds are left for the next sweep. */
export async function pruneIdentifyFailures(db: Db, before: string): Promise<void> {
  await pruneAttempts(db, 'identify_failures', before);
}

/**
 * Serialises identifications counted against one subject until the transaction ends, so concurrent
 * attempts cannot all read a count under the limit. PostgreSQL: a transaction-scoped advisory lock on
 * the subject's hash; SQLite runs one transaction at a time already. Callers take several in one order.
 */
export async function lockIdentifySubject(db: Db, subjectHash: string): Promise<void> {
  await lockAttemptsOf(db, `identify:${subjectHash}`);
}

export async function insertDeskIdentification(db: Db, row: { handleHash: string; patronId: string; staffId: string; expiresAt: string }): Promise<void> {
  await db.insertInto('desk_identifications').values({ handle_hash: row.handleHash, patron_id: row.patronId, staff_id: row.staffId, expires_at: row.expiresAt }).execute();
}

/** The patron a handle stands for, if it is the staff account's and has not expired. */
export async function findDeskIdentification(db: Db, handleHash: string, staffId: string, now: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('desk_identifications')
    .select('patron_id')
    .where('handle_hash', '=', handleHash)
    .where('staff_id', '=', staffId)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row?.patron_id;
}

/** Deletes the handles that have expired. */
export async function pruneDeskIdentifications(db: Db, now: string): Promise<void> {
  await db.deleteFrom('desk_identifications').where('expires_at', '<=', now).execute();
}

/** Deletes every handle of a patron (their record is being deleted). */
export async function deleteDeskIdentificationsOf(db: Db, patronId: string): Promise<void> {
  await db.deleteFrom('desk_identifications').where('patron_id', '=', patronId).execute();
}

/** Deletes every refusal counted against a subject (the patron it counted against is being deleted). */
export async function deleteIdentifyFailuresOf(db: Db, subjectHash: string): Promise<void> {
  await db.deleteFrom('identify_failures').where('subject_hash', '=', subjectHash).execute();
}
