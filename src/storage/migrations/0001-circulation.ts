import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/** Libraries, patrons, items, loans, holds, fines, staff and the access log. */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  // Instants: timestamptz on PostgreSQL; ISO-8601 UTC text on SQLite (sorts and compares the same).
  const instant = pg ? sql`timestamptz` : sql`text`;
  const serial = pg ? sql`bigserial` : sql`integer`;

  await db.schema
    .createTable('libraries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('hold_pickup_days', 'integer', (c) => c.notNull())
    .addColumn('max_balance_cents', 'integer', (c) => c.notNull())
    .addColumn('default_lost_charge_cents', 'integer', (c) => c.notNull())
    .addColumn('card_validity_months', 'integer', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('branches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addUniqueConstraint('branches_library_code', ['library_id', 'code'])
    .execute();

  await db.schema
    .createTable('patron_categories')
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('max_loans', 'integer')
    .addPrimaryKeyConstraint('patron_categories_pk', ['library_id', 'code'])
    .execute();

  await db.schema
    .createTable('patrons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    // The card number itself is sealed with the other personal fields; this is its blind index.
    .addColumn('card_hash', 'text', (c) => c.notNull().unique())
    .addColumn('pin_hash', 'text', (c) => c.notNull())
    .addColumn('category_code', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('personal', 'text', (c) => c.notNull())
    .addColumn('expires_at', instant, (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('updated_at', instant, (c) => c.notNull())
    .addForeignKeyConstraint('patrons_category_fk', ['library_id', 'category_code'], 'patron_categories', ['library_id', 'code'])
    .execute();
  await db.schema.createIndex('patrons_library').on('patrons').column('library_id').execute();

  // Blind indexes for the desk's look-ups (email, phone, name tokens): equality only, no personal data.
  await db.schema
    .createTable('patron_search')
    .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id'))
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('patron_search_pk', ['patron_id', 'kind', 'token_hash'])
    .execute();
  await db.schema.createIndex('patron_search_token').on('patron_search').columns(['kind', 'token_hash', 'library_id']).execute();

  await db.schema
    .createTable('guardian_links')
    .addColumn('minor_patron_id', 'text', (c) => c.notNull().references('patrons.id'))
    .addColumn('guardian_patron_id', 'text', (c) => c.notNull().references('patrons.id'))
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('started_at', instant, (c) => c.notNull())
    .addColumn('ended_at', instant)
    .addPrimaryKeyConstraint('guardian_links_pk', ['minor_patron_id', 'guardian_patron_id', 'started_at'])
    .execute();
  await db.schema.createIndex('guardian_links_guardian').on('guardian_links').column('guardian_patron_id').execute();

  await db.schema
    .createTable('items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('branch_id', 'text', (c) => c.notNull().references('branches.id'))
    .addColumn('barcode', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('author', 'text')
    .addColumn('isbn', 'text')
    .addColumn('item_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('replacement_cost_cents', 'integer')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addUniqueConstraint('items_library_barcode', ['library_id', 'barcode'])
    .execute();
  await db.schema.createIndex('items_barcode').on('items').column('barcode').execute();

  await db.schema
    .createTable('loan_rules')
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('patron_category', 'text', (c) => c.notNull())
    .addColumn('item_type', 'text', (c) => c.notNull())
    .addColumn('loan_days', 'integer', (c) => c.notNull())
    .addColumn('renewals', 'integer', (c) => c.notNull())
    .addColumn('fine_per_day_cents', 'integer', (c) => c.notNull())
    .addColumn('max_fine_cents', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('loan_rules_pk', ['library_id', 'patron_category', 'item_type'])
    .execute();

  await db.schema
    .createTable('loans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('branch_id', 'text', (c) => c.notNull().references('branches.id'))
    .addColumn('checked_out_at', instant, (c) => c.notNull())
    .addColumn('due_at', instant, (c) => c.notNull())
    .addColumn('renewals', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('ended_at', instant)
    .execute();
  // One active loan per item, enforced by the database: two desks checking out the same item at the
  // same instant cannot both succeed, whichever engine and however many app processes.
  await db.schema
    .createIndex('loans_one_active_per_item')
    .on('loans')
    .column('item_id')
    .unique()
    .where(sql.ref('status'), '=', 'active')
    .execute();
  await db.schema.createIndex('loans_patron').on('loans').columns(['patron_id', 'status']).execute();
  await db.schema.createIndex('loans_item').on('loans').column('item_id').execute();

  await db.schema
    .createTable('holds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('pickup_branch_id', 'text', (c) => c.notNull().references('branches.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('placed_at', instant, (c) => c.notNull())
    .addColumn('ready_at', instant)
    .addColumn('pickup_by', instant)
    .addColumn('ended_at', instant)
    .execute();
  await db.schema.createIndex('holds_item_status').on('holds').columns(['item_id', 'status', 'placed_at']).execute();
  await db.schema.createIndex('holds_patron').on('holds').columns(['patron_id', 'status']).execute();

  await db.schema
    .createTable('fines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id'))
    .addColumn('loan_id', 'text', (c) => c.references('loans.id'))
    .addColumn('item_id', 'text', (c) => c.references('items.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('balance_cents', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('settled_at', instant)
    .execute();
  await db.schema.createIndex('fines_patron_status').on('fines').columns(['patron_id', 'status']).execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id'))
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payments_patron').on('payments').column('patron_id').execute();

  await db.schema
    .createTable('payment_allocations')
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('fine_id', 'text', (c) => c.notNull().references('fines.id'))
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('payment_allocations_pk', ['payment_id', 'fine_id'])
    .execute();

  await db.schema
    .createTable('staff_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.references('libraries.id'))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('staff_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff_accounts.id'))
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('expires_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_sessions_staff').on('staff_sessions').column('staff_id').execute();

  await db.schema
    .createTable('access_log')
    .addColumn('seq', serial, (c) => c.primaryKey().notNull())
    .addColumn('at', instant, (c) => c.notNull())
    .addColumn('library_id', 'text')
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('patron_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('access_log_patron').on('access_log').columns(['patron_id', 'at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
