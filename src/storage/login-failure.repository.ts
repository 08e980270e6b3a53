import { sql } from 'kysely';
import { engineOf, type Db } from './database.js';

/**
 * Failed card log-ins, keyed by the card's blind index (a card nobody holds is counted the same way),
 * for the per-card lockout (JC-IVa). Only the hash and the instant are kept: never the PIN tried.
 */

export async function recordLoginFailure(db: Db, failure: { id: string; cardHash: string; at: string }): Promise<void> {
  await db.insertInto('login_failures').values({ id: failure.id, card_hash: failure.cardHash, at: failure.at }).execute();
}

/** The card's failures since `since` (older ones no longer count; `pruneLoginFailures` removes them). */
export async function countLoginFailures(db: Db, cardHash: string, since: string): Promise<number> {
  const row = await db
    .selectFrom('login_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('card_hash', '=', cardHash)
    .where('at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The card's latest failures since `since`, newest first, at most `limit` of them (their instants). */
export async function latestLoginFailures(db: Db, cardHash: string, since: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('login_failures').select('at').where('card_hash', '=', cardHash).where('at', '>=', since).orderBy('at', 'desc').limit(limit).execute();
  return rows.map((r) => r.at);
}

/** A successful log-in wipes the card's count. */
export async function clearLoginFailures(db: Db, cardHash: string): Promise<void> {
  await db.deleteFrom('login_failures').where('card_hash', '=', cardHash).execute();
}

/**
 * Deletes every failure older than `before`, whatever the card (cards tried once and never again). On
 * PostgreSQL rows another transaction holds are skipped, not waited for: this runs inside concurrent
 * log-ins, and two of them sweeping the same rows while each clears its own card could deadlock. What
 * is skipped goes at the next sweep.
 */
export async function pruneLoginFailures(db: Db, before: string): Promise<void> {
  await pruneAttempts(db, 'login_failures', before);
}

/**
 * Deletes the counted attempts (log-in failures, refused identifications) older than `before`; on
 * PostgreSQL rows another transaction holds are skipped, not waited for, and go at the next sweep.
 */
export async function pruneAttempts(db: Db, table: 'login_failures' | 'identify_failures', before: string): Promise<void> {
  if (engineOf(db) === 'postgres') {
    await db
      .deleteFrom(table)
      .where('id', 'in', (eb) => eb.selectFrom(table).select('id').where('at', '<', before).forUpdate().skipLocked())
      .execute();
    return;
  }
  await db.deleteFrom(table).where('at', '<', before).execute();
}

/**
 * Serialises log-in attempts on one card until the transaction ends, so concurrent attempts cannot all
 * read a count under the limit and each try a PIN. PostgreSQL: a transaction-scoped advisory lock on the
 * card's hash (other cards are not held up); SQLite runs one transaction at a time already.
 */
export async function lockCardAttempts(db: Db, cardHash: string): Promise<void> {
  await lockAttemptsOf(db, cardHash);
}

/** Serialises the attempts counted under `key` until the transaction ends (PostgreSQL advisory lock; SQLite has one writer). */
export async function lockAttemptsOf(db: Db, key: string): Promise<void> {
  if (engineOf(db) === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(db);
}
