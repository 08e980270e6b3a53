import { sql, type Kysely } from 'kysely';

/**
 * Indexes for the privacy audit report's reads of the access log (issue 23), which otherwise read the
 * whole log, every library's entries, once per question:
 *
 * - `access_log_library_at` (library_id, at, actor_role, purpose, categories): a library's entries in
 *   time order, carrying every column the report groups by. The entries of a library are counted, its
 *   oldest entry found and a period's entries grouped from the index alone, never the table.
 * - `access_log_installation_actions` (action, at) for backups and restores only: the latest of each is
 *   one step into a small index. Partial, so the desk's entries never write to it.
 *
 * On PostgreSQL both are built inside the migration's transaction, which holds writes to the access log
 * until they are built.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('access_log_library_at')
    .on('access_log')
    .columns(['library_id', 'at', 'actor_role', 'purpose', 'categories'])
    .execute();
  await sql`create index access_log_installation_actions on access_log (action, at) where action in ('backup', 'restore')`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
