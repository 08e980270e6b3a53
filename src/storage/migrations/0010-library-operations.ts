import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * The library's own circulation policy as data it edits (issue 15): branch addresses and opening hours,
 * closed days, patron categories with ages and card validity, item types, a circulation matrix with a
 * branch dimension, the thresholds that block borrowing and the long-overdue delay; a patron's home
 * branch; staff accounts that must change a reset password; and the scheduler's claims on its runs.
 *
 * Existing rows keep their meaning: a loan rule becomes the same rule for every branch (`*`), every item
 * type already in use becomes a declared type, and a branch with no opening hours is open every day.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  const instant = pg ? sql`timestamptz` : sql`text`;

  // The library's thresholds. One column per statement: SQLite adds a single column per ALTER TABLE.
  await db.schema.alterTable('libraries').addColumn('processing_fee_cents', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('libraries').addColumn('max_overdue_items', 'integer').execute();
  await db.schema.alterTable('libraries').addColumn('long_overdue_days', 'integer').execute();

  await db.schema.alterTable('branches').addColumn('address', 'text').execute();
  // JSON: { "mon": [["09:00","17:00"]], ... }; '{}' is "hours not given" (open every day).
  await db.schema.alterTable('branches').addColumn('opening_hours', 'text', (c) => c.notNull().defaultTo('{}')).execute();

  await db.schema
    .createTable('closed_days')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    // Null: every branch of the library is closed.
    .addColumn('branch_id', 'text', (c) => c.references('branches.id'))
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('closed_days_library').on('closed_days').columns(['library_id', 'starts_on']).execute();

  await db.schema.alterTable('patron_categories').addColumn('min_age', 'integer').execute();
  await db.schema.alterTable('patron_categories').addColumn('max_age', 'integer').execute();
  // Null: the library's card validity.
  await db.schema.alterTable('patron_categories').addColumn('card_validity_months', 'integer').execute();

  await db.schema
    .createTable('item_types')
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('item_types_pk', ['library_id', 'code'])
    .execute();
  await sql`insert into item_types (library_id, code, name)
    select distinct library_id, item_type, item_type from items
    union select distinct library_id, item_type, item_type from loan_rules where item_type <> '*'`.execute(db);

  // The circulation matrix gains a branch dimension, whether the type may be held, and its own pick-up
  // days (null: the library's). The key changes, so the table is rebuilt (SQLite cannot alter a key).
  await db.schema
    .createTable('circulation_rules')
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('branch_code', 'text', (c) => c.notNull())
    .addColumn('patron_category', 'text', (c) => c.notNull())
    .addColumn('item_type', 'text', (c) => c.notNull())
    .addColumn('loan_days', 'integer', (c) => c.notNull())
    .addColumn('renewals', 'integer', (c) => c.notNull())
    .addColumn('fine_per_day_cents', 'integer', (c) => c.notNull())
    .addColumn('max_fine_cents', 'integer', (c) => c.notNull())
    .addColumn('holdable', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('hold_pickup_days', 'integer')
    .addPrimaryKeyConstraint('circulation_rules_pk', ['library_id', 'branch_code', 'patron_category', 'item_type'])
    .execute();
  await sql`insert into circulation_rules (library_id, branch_code, patron_category, item_type, loan_days, renewals, fine_per_day_cents, max_fine_cents, holdable, hold_pickup_days)
    select library_id, '*', patron_category, item_type, loan_days, renewals, fine_per_day_cents, max_fine_cents, 1, null from loan_rules`.execute(db);
  await db.schema.dropTable('loan_rules').execute();

  await db.schema.alterTable('patrons').addColumn('home_branch_id', 'text', (c) => c.references('branches.id')).execute();

  await db.schema.alterTable('staff_accounts').addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  // The scheduler's claims: one row per job and period, inserted by the one process that runs it.
  await db.schema
    .createTable('job_runs')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('runner', 'text', (c) => c.notNull())
    .addColumn('started_at', instant, (c) => c.notNull())
    .addColumn('finished_at', instant)
    // JSON counts of what the run did (no personal data), or the error's code.
    .addColumn('outcome', 'text')
    .addPrimaryKeyConstraint('job_runs_pk', ['job', 'period'])
    .execute();
  await db.schema.createIndex('job_runs_started').on('job_runs').columns(['job', 'started_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
