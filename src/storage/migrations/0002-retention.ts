import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * Retention: what the policy profiles need to make their retention promises true. Patrons gain the
 * facts the checkers read (reading-history opt-in, last activity, a coarse age band for statistics);
 * anonymised loans add to aggregate statistics; every run leaves a receipt per category; services
 * recorded outside circulation (computer sessions, program sign-ups, room bookings, interlibrary-loan
 * and reference requests) and record series kept outside Carrel (camera footage) get their own tables.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  const instant = pg ? sql`timestamptz` : sql`text`;

  // JC-IIIc: past checkouts are kept only for a patron who opted in; null means not opted in.
  await db.schema.alterTable('patrons').addColumn('reading_history_since', instant).execute();
  // CB-F3: inactivity is measured from the last check-out or remote access.
  await db.schema.alterTable('patrons').addColumn('last_active_at', instant).execute();
  await db.updateTable('patrons').set({ last_active_at: sql.ref('created_at') }).execute();
  // Statistics need an age band, and circulation must not open a seal to learn it: the band and the
  // instant it next changes are derived from the birth date when it is written.
  await db.schema.alterTable('patrons').addColumn('age_band', 'text', (c) => c.notNull().defaultTo('unknown')).execute();
  await db.schema.alterTable('patrons').addColumn('age_band_until', instant).execute();
  await db.schema.createIndex('patrons_last_active').on('patrons').columns(['library_id', 'last_active_at']).execute();

  // Closed loans in the order the retention engine visits them, and the fines of a loan.
  await db.schema.createIndex('loans_closed').on('loans').columns(['library_id', 'status', 'ended_at']).execute();
  await db.schema.createIndex('fines_loan').on('fines').column('loan_id').execute();
  // Loans are found by item only while active (the partial unique index serves that); a full index on
  // item_id is one more random page to rewrite for every loan retention deletes.
  await db.schema.dropIndex('loans_item').execute();
  await db.schema.createIndex('fines_settled').on('fines').columns(['library_id', 'status', 'settled_at']).execute();
  await db.schema.createIndex('holds_ended').on('holds').columns(['library_id', 'status', 'ended_at']).execute();

  // Aggregate circulation: no patron identifier, no item identifier (CB-A6, RF-3, IF-4, JC-IVd).
  await db.schema
    .createTable('circulation_stats')
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'text', (c) => c.notNull().references('branches.id'))
    .addColumn('item_type', 'text', (c) => c.notNull())
    .addColumn('patron_category', 'text', (c) => c.notNull())
    .addColumn('age_band', 'text', (c) => c.notNull())
    .addColumn('loans', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('circulation_stats_pk', ['library_id', 'day', 'branch_id', 'item_type', 'patron_category', 'age_band'])
    .execute();

  // One row per retention run of one library; a killed run is resumed by the next one.
  await db.schema
    .createTable('retention_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('profile_version', 'integer', (c) => c.notNull())
    .addColumn('as_of', instant, (c) => c.notNull())
    .addColumn('started_at', instant, (c) => c.notNull())
    .addColumn('heartbeat_at', instant, (c) => c.notNull())
    .addColumn('finished_at', instant)
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('retention_runs_library').on('retention_runs').columns(['library_id', 'status', 'as_of']).execute();
  // One run at a time per library, whichever process starts it.
  await db.schema
    .createIndex('retention_runs_one_running')
    .on('retention_runs')
    .column('library_id')
    .unique()
    .where(sql.ref('status'), '=', 'running')
    .execute();

  // The disposal receipt: rule, clause, count, time. Never personal data, never record ids.
  await db.schema
    .createTable('retention_receipts')
    .addColumn('run_id', 'text', (c) => c.notNull().references('retention_runs.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('clause', 'text', (c) => c.notNull())
    .addColumn('disposal', 'text', (c) => c.notNull())
    .addColumn('disposed', 'integer', (c) => c.notNull())
    .addColumn('kept', 'integer', (c) => c.notNull())
    .addColumn('first_at', instant, (c) => c.notNull())
    .addColumn('last_at', instant, (c) => c.notNull())
    .addPrimaryKeyConstraint('retention_receipts_pk', ['run_id', 'category'])
    .execute();

  // Services recorded outside circulation (JC-IIId-f, CB-A2): computer sessions, program sign-ups,
  // room bookings, interlibrary-loan and reference requests. Free text is sealed under the patron's key.
  await db.schema
    .createTable('service_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('branch_id', 'text', (c) => c.references('branches.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('patron_id', 'text', (c) => c.references('patrons.id'))
    .addColumn('guest_pass', 'text')
    .addColumn('resource', 'text')
    .addColumn('details', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('starts_at', instant, (c) => c.notNull())
    .addColumn('ends_at', instant)
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_records_due').on('service_records').columns(['library_id', 'kind', 'ends_at']).execute();
  await db.schema.createIndex('service_records_patron').on('service_records').column('patron_id').execute();

  // Record series kept outside Carrel (camera footage CB-H / RF-9, paper sign-up sheets) and the
  // confirmations that what was due has been destroyed.
  await db.schema
    .createTable('record_series')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('medium', 'text', (c) => c.notNull())
    .addColumn('location', 'text')
    .addColumn('retention_days', 'integer', (c) => c.notNull())
    .addColumn('clause', 'text')
    .addColumn('from_profile', 'integer', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .addUniqueConstraint('record_series_library_code', ['library_id', 'code'])
    .execute();
  await db.schema
    .createTable('record_series_disposals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('series_id', 'text', (c) => c.notNull().references('record_series.id'))
    .addColumn('disposed_through', instant, (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('confirmed_by', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('record_series_disposals_series').on('record_series_disposals').columns(['series_id', 'disposed_through']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
