import type { Kysely } from 'kysely';

/**
 * The library's languages, how its desk takes payments and what its printed slips say (issue 20).
 *
 * - `libraries.default_language`, `offered_languages`: the language of a page when nobody chose one, and
 *   the languages the switch offers (JSON array), among those Carrel has catalogues for.
 * - `libraries.payment_methods`: the ways the desk takes a payment (JSON array of 'cash' | 'check' |
 *   'card'), the first offered first.
 * - `libraries.slip_header`, `slip_footer`, `slip_titles`: the lines printed at the top and bottom of a
 *   receipt or due-date slip (the library's name, hours, telephone), and whether a due-date slip prints
 *   titles (1) or only barcodes (0), for a library that would rather no title lie on a counter.
 * - `payments.method`: how a payment was made. Existing payments were taken before the desk asked: cash.
 *
 * No personal data: a payment's method says nothing about the patron beyond the payment itself.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite adds a single column per ALTER TABLE.
  await db.schema.alterTable('libraries').addColumn('default_language', 'text', (c) => c.notNull().defaultTo('en')).execute();
  await db.schema.alterTable('libraries').addColumn('offered_languages', 'text', (c) => c.notNull().defaultTo('["en","es"]')).execute();
  await db.schema.alterTable('libraries').addColumn('payment_methods', 'text', (c) => c.notNull().defaultTo('["cash","check","card"]')).execute();
  await db.schema.alterTable('libraries').addColumn('slip_header', 'text').execute();
  await db.schema.alterTable('libraries').addColumn('slip_footer', 'text').execute();
  await db.schema.alterTable('libraries').addColumn('slip_titles', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('payments').addColumn('method', 'text', (c) => c.notNull().defaultTo('cash')).execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
