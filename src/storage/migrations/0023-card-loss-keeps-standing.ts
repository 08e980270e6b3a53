import type { Kysely } from 'kysely';

/**
 * A card reported lost keeps every other reason the account cannot borrow (issue 22, defect 3).
 *
 * - `patrons.status_before_loss`: the standing the patron had when the card was reported lost ('active',
 *   'blocked', 'expired'), given back when a new card is issued. Without it, a blocked or expired patron
 *   who reported the card lost came back active with the new card. Null when no card is lost.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('patrons').addColumn('status_before_loss', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
