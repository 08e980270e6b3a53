import { sql, type Kysely } from 'kysely';

/**
 * `holds_record_waiting` (record_id, status) on the holds that name a record (issue 23). The desk's item
 * look-up asks whether any pending hold names the item's record (storage/item.repository.ts); in a
 * library whose holds name no record, statistics show `holds_record_status` as one key shared by every
 * hold, and SQLite's planner then passes over every hold instead. Partial, so holds on a copy cost it
 * nothing and a search on it reads the record's own holds only (`record_id = ?` implies the index's
 * condition on both engines).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index holds_record_waiting on holds (record_id, status) where record_id is not null`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
