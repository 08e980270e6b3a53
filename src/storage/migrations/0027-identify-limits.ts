import type { Kysely } from 'kysely';

/**
 * Identifying a patron without their card (IF-5) is limited, and stands in for the card only for a while
 * (issue 22, defect 2).
 *
 * - `libraries.identify_patron_failures`, `identify_staff_failures`, `identify_window_minutes`: refused
 *   identifications allowed per patron and per staff account within the window (3 and 10 in 60 minutes
 *   by default); past either, identification by birth date is refused and the director alerted.
 * - `identify_failures`: the refused identifications being counted, each under a keyed hash of the
 *   patron or the staff account it counts against (never a birth date tried), pruned after the window.
 * - `desk_identifications`: a handle that stands in for the card of a patron identified by photo ID, for
 *   the staff account that identified them and for a short while (the handle's SHA-256, never the handle).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('libraries').addColumn('identify_patron_failures', 'integer', (c) => c.notNull().defaultTo(3)).execute();
  await db.schema.alterTable('libraries').addColumn('identify_staff_failures', 'integer', (c) => c.notNull().defaultTo(10)).execute();
  await db.schema.alterTable('libraries').addColumn('identify_window_minutes', 'integer', (c) => c.notNull().defaultTo(60)).execute();
  await db.schema
    .createTable('identify_failures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject_hash', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('identify_failures_subject').on('identify_failures').columns(['subject_hash', 'at']).execute();
  await db.schema
    .createTable('desk_identifications')
    .addColumn('handle_hash', 'text', (c) => c.primaryKey())
    .addColumn('patron_id', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('desk_identifications_patron').on('desk_identifications').column('patron_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
