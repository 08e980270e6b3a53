import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * E-content vendors and single sign-on (issue 19). A vendor learns that a person is a patron in good
 * standing and nothing else unless its contract, the profile and the patron's own consent all say so
 * (RF-6, CB-D, IF-9, RR-4, IF-4).
 *
 * - `vendors`: the library's configuration, one row per OpenID Connect client or EZproxy instance: its
 *   redirect addresses or login address, the claims its contract names, its secret sealed under the
 *   vault's `vendors` key (never stored in the clear). Nothing about any patron.
 * - `vendor_authorisations`: which vendors a patron has signed in to, first and last, and the claims they
 *   consented to; what the portal shows and the patron revokes. Never what they used there.
 * - `vendor_sign_in_counts`: sign-ins per vendor per month, a count with no patron in it (CB-D).
 * - `oidc_store`: the OpenID provider's short-lived artefacts (interactions, sessions, codes, tokens,
 *   grants), each until it expires; `account_id` is the patron, so a deletion takes theirs at once.
 * - `oidc_signing_keys`: the provider's signing keys, sealed under the vault's `oidc` key; rotated, a key
 *   is still published until the tokens it signed have expired.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  const instant = pg ? sql`timestamptz` : sql`text`;
  await db.schema
    .createTable('vendors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    // 'oidc' | 'ezproxy'
    .addColumn('protocol', 'text', (c) => c.notNull())
    // JSON: redirectUris, claims (the contract's, beyond sub and library), loginUrl, groups, ticketSeconds.
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vendors_library_name').on('vendors').columns(['library_id', 'name']).unique().execute();

  await db.schema
    .createTable('vendor_authorisations')
    .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id'))
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('vendors.id'))
    .addColumn('first_at', instant, (c) => c.notNull())
    .addColumn('last_at', instant, (c) => c.notNull())
    // JSON arrays of the claims the patron agreed to and declined on the consent page; null: never asked.
    .addColumn('consented_claims', 'text')
    .addColumn('declined_claims', 'text')
    .addColumn('consented_at', instant)
    .addPrimaryKeyConstraint('vendor_authorisations_pk', ['patron_id', 'vendor_id'])
    .execute();
  await db.schema.createIndex('vendor_authorisations_vendor').on('vendor_authorisations').columns(['vendor_id']).execute();
  await db.schema.createIndex('vendor_authorisations_last').on('vendor_authorisations').columns(['last_at']).execute();

  await db.schema
    .createTable('vendor_sign_in_counts')
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('vendors.id'))
    // YYYY-MM in the library's time zone.
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('vendor_sign_in_counts_pk', ['vendor_id', 'month'])
    .execute();

  await db.schema
    .createTable('oidc_store')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('expires_at', instant, (c) => c.notNull())
    .addColumn('consumed_at', instant)
    .addPrimaryKeyConstraint('oidc_store_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_store_grant').on('oidc_store').columns(['grant_id']).execute();
  await db.schema.createIndex('oidc_store_uid').on('oidc_store').columns(['uid']).execute();
  await db.schema.createIndex('oidc_store_account').on('oidc_store').columns(['account_id']).execute();
  await db.schema.createIndex('oidc_store_expires').on('oidc_store').columns(['expires_at']).execute();

  await db.schema
    .createTable('oidc_signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    // Set when a newer key took over: published until the tokens it signed have expired.
    .addColumn('retired_at', instant)
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
