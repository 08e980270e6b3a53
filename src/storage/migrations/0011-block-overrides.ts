import type { Kysely } from 'kysely';

/**
 * A block overridden at the desk (issue 15): staff with the override permission lend past a block for
 * one transaction, with a reason. The reason is kept with the loan it let out, sealed under the
 * patron's data key (it is about the patron), and goes when the loan goes (retention deletes the row).
 * Loans written before this migration were never overridden: null.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('loans').addColumn('override_note', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
