import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * A withdrawal of its own in the legal-request register (RR-7, CB-E1): when, by whom and with what notes
 * the agency's withdrawal was recorded. Until now a withdrawal wrote its notes over `decision_notes`,
 * which erased the director's notes on an approval withdrawn before release.
 *
 * Rows withdrawn before this migration: a withdrawal with no decision (`decided_at` null) could only have
 * written `decision_notes` itself, so those notes move to `withdrawal_notes`. Where a decision was
 * recorded the notes stay where they are (whose they were cannot be told apart any more), and
 * `withdrawn_at` / `withdrawn_by` stay null: they were never recorded.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  const instant = pg ? sql`timestamptz` : sql`text`;

  // One column per statement: SQLite adds a single column per ALTER TABLE.
  await db.schema.alterTable('legal_requests').addColumn('withdrawn_at', instant).execute();
  await db.schema.alterTable('legal_requests').addColumn('withdrawn_by', 'text').execute();
  await db.schema.alterTable('legal_requests').addColumn('withdrawal_notes', 'text').execute();
  await moveWithdrawalNotes(db);
}

/**
 * Moves the notes of requests withdrawn before any decision from `decision_notes` to `withdrawal_notes`
 * (exported for its test: what the migration does to rows written before it).
 */
export async function moveWithdrawalNotes(db: Kysely<any>): Promise<void> {
  await db
    .updateTable('legal_requests')
    .set((eb) => ({ withdrawal_notes: eb.ref('decision_notes'), decision_notes: null }))
    .where('status', '=', 'withdrawn')
    .where('decided_at', 'is', null)
    .where('decision_notes', 'is not', null)
    .where('withdrawal_notes', 'is', null)
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
