import type { Kysely } from 'kysely';

/**
 * Statistics beyond circulation: registrations and services (computer sessions, program sign-ups, room
 * bookings, interlibrary-loan and reference requests) as aggregate counts, with no patron, no card, no
 * station or program code and no record id (CB-A6, RF-3, IF-4, JC-IVd). Registrations are counted when
 * a patron is registered; services when the retention engine disposes of their records, from the rows
 * it really deleted, in the same transaction (as `circulation_stats` is written when loans are anonymised).
 *
 * Every dimension is part of the primary key (a backup reads tables in key order, and writers upsert), so
 * none may be null: a record with no branch is counted under the branch id `-`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('registration_stats')
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    // The registration's calendar day in the library's time zone.
    .addColumn('day', 'text', (c) => c.notNull())
    // `-`: registration records no branch today.
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('patron_category', 'text', (c) => c.notNull())
    .addColumn('age_band', 'text', (c) => c.notNull())
    .addColumn('registrations', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('registration_stats_pk', ['library_id', 'day', 'branch_id', 'patron_category', 'age_band'])
    .execute();

  await db.schema
    .createTable('service_stats')
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    // The service's calendar day (when it started) in the library's time zone.
    .addColumn('day', 'text', (c) => c.notNull())
    // `-`: a record with no branch (an interlibrary-loan request without a pick-up branch).
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // A guest pass counts as `guest`, a record of no one (an anonymous question) as `unknown`.
    .addColumn('patron_category', 'text', (c) => c.notNull())
    .addColumn('age_band', 'text', (c) => c.notNull())
    .addColumn('records', 'integer', (c) => c.notNull())
    // Computer sessions: the sum of their durations in whole minutes (0 for other kinds).
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_stats_pk', ['library_id', 'day', 'branch_id', 'kind', 'patron_category', 'age_band'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
