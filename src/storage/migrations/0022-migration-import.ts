import type { Kysely } from 'kysely';

/**
 * Moving a library onto Carrel (issue 21): imports of patrons, current loans, holds and fines from Koha,
 * Evergreen or a generic CSV, each run resumable and reported.
 *
 * - `import_runs`: one row per run of an import: which library, which kind of rows, the file's SHA-256
 *   (a run is found again by it, so running the same file after a kill resumes), the last line of the
 *   file committed (the checkpoint, written in each page's transaction) and the running report (counts,
 *   rejected line numbers with a reason naming a column, never a value). No personal data.
 * - `import_keys`: during a patron import only, a keyed hash (the vault's blind index) of each imported
 *   row's name, birth date and email with its line, to report two rows of one file that are the same
 *   person under two cards. Deleted when the run finishes.
 * - `patrons.pin_scheme`: how `pin_hash` was made. 'argon2id' for every PIN Carrel set; an imported hash
 *   keeps its old scheme ('bcrypt', 'md5-base64', 'md5', 'evergreen') until the patron's first log-in
 *   replaces it, or the library's `legacy_pin_days` pass and it is dropped ('none': reset at the desk).
 * - `patrons.desk_flag`: something the desk must settle with the patron, set by an import: a minor
 *   imported without a guardian ('guardian-needed'). Cleared when the desk settles it.
 * - `libraries.legacy_pin_days`: the days an imported PIN hash in an old scheme is kept for its first
 *   log-in (default 180).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('import_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('checkpoint_line', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('report', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('import_runs_file').on('import_runs').columns(['library_id', 'kind', 'file_sha256']).execute();
  await db.schema
    .createTable('import_keys')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_keys_pk', ['run_id', 'key_hash'])
    .execute();
  // One column per statement: SQLite adds a single column per ALTER TABLE.
  await db.schema.alterTable('patrons').addColumn('pin_scheme', 'text', (c) => c.notNull().defaultTo('argon2id')).execute();
  await db.schema.alterTable('patrons').addColumn('desk_flag', 'text').execute();
  // The log-in asks whether any imported bcrypt hash remains (to spend a bcrypt check on every path).
  await db.schema.createIndex('patrons_pin_scheme').on('patrons').column('pin_scheme').execute();
  await db.schema.alterTable('libraries').addColumn('legacy_pin_days', 'integer', (c) => c.notNull().defaultTo(180)).execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
