import { sql, type Kysely } from 'kysely';

/**
 * Indexes for the privacy audit report's counts of what a library holds (issue 23), two of which read
 * every row of a table, every library's, once per report:
 *
 * - `patrons_reading_history` (reading_history_since, id) on the patrons who keep a reading history
 *   only: the report counts the kept loans by walking these patrons and each one's loans (`loans_patron`),
 *   instead of joining every loan of the library to its patron. Partial, so a patron who never opted in
 *   costs it nothing.
 * - `patron_search_library` (library_id): the library's name tokens counted from the index alone.
 *
 * On PostgreSQL both are built inside the migration's transaction, which holds writes to the two tables
 * until they are built.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index patrons_reading_history on patrons (reading_history_since, id) where reading_history_since is not null`.execute(db);
  await db.schema.createIndex('patron_search_library').on('patron_search').column('library_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
