import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * Legal holds and complaints. A legal hold suspends retention for exactly the records in its scope (the
 * patrons named, the record categories, a period) until it is released; complaints (JC-VIII) carry the
 * date the director's answer is due. Retention receipts count what a hold kept.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  const instant = pg ? sql`timestamptz` : sql`text`;

  // A hold: who placed it and why (no patron data in `reason`), its scope, and its release. `request_id`
  // names the legal request of the register that is its reason, if any.
  await db.schema
    .createTable('legal_holds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('request_id', 'text')
    .addColumn('placed_at', instant, (c) => c.notNull())
    .addColumn('placed_by', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    // A JSON array of record categories (policy/inventory.ts).
    .addColumn('scope_categories', 'text', (c) => c.notNull())
    // The period whose records the hold keeps; null is unbounded on that side.
    .addColumn('scope_from', instant)
    .addColumn('scope_to', instant)
    .addColumn('released_at', instant)
    .addColumn('released_by', 'text')
    .execute();
  await db.schema.createIndex('legal_holds_library').on('legal_holds').columns(['library_id', 'released_at']).execute();
  await db.schema
    .createTable('legal_hold_patrons')
    .addColumn('hold_id', 'text', (c) => c.notNull().references('legal_holds.id'))
    .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id'))
    .addPrimaryKeyConstraint('legal_hold_patrons_pk', ['hold_id', 'patron_id'])
    .execute();
  await db.schema.createIndex('legal_hold_patrons_patron').on('legal_hold_patrons').column('patron_id').execute();

  // Written complaints (JC-VIII). The summary and answer are sealed under the patron's data key when the
  // complaint names a patron; an anonymous complaint keeps only its topic code.
  await db.schema
    .createTable('complaints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('patron_id', 'text', (c) => c.references('patrons.id'))
    .addColumn('received_at', instant, (c) => c.notNull())
    .addColumn('received_by', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('due_at', instant, (c) => c.notNull())
    .addColumn('answered_at', instant)
    .addColumn('answered_by', 'text')
    .addColumn('answer_summary', 'text')
    .execute();
  await db.schema.createIndex('complaints_library').on('complaints').columns(['library_id', 'received_at']).execute();
  await db.schema.createIndex('complaints_patron').on('complaints').column('patron_id').execute();

  // What a legal hold kept, per receipt line (records past their period kept only because of a hold).
  await db.schema.alterTable('retention_receipts').addColumn('held', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
