import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * Who may see what: sessions for staff and patrons with idle and absolute timeouts, patrons' privacy
 * choices, card log-in failures for lockout, deletion receipts, and the access log's hash chain.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  const instant = pg ? sql`timestamptz` : sql`text`;
  const bigint = pg ? sql`bigint` : sql`integer`;

  // One table for every session, staff or patron: the subject, the last request (idle timeout) and the
  // absolute end. Sessions are short-lived; the old staff sessions are simply ended by the upgrade.
  await db.schema.dropTable('staff_sessions').execute();
  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('last_seen_at', instant, (c) => c.notNull())
    .addColumn('idle_minutes', 'integer', (c) => c.notNull())
    .addColumn('expires_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_subject').on('sessions').columns(['kind', 'subject_id']).execute();
  await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();

  // Privacy choices (JC-VI, RR-3, RF-8, RR-9): the private choice is the default; a consent carries the
  // instant it was given, so the record shows when.
  await db.schema.alterTable('patrons').addColumn('notice_channel', 'text', (c) => c.notNull().defaultTo('none')).execute();
  await db.schema.alterTable('patrons').addColumn('mailing_consent_since', instant).execute();
  await db.schema.alterTable('patrons').addColumn('photo_consent_since', instant).execute();

  // Failed card log-ins, keyed by the card's blind index (an unknown card is counted the same way), for
  // the per-card lockout. Rows older than the lockout window are deleted as they are read.
  await db.schema
    .createTable('login_failures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('card_hash', 'text', (c) => c.notNull())
    .addColumn('at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failures_card').on('login_failures').columns(['card_hash', 'at']).execute();

  // What is left after a patron is deleted (CB-A8): that a record was deleted, when, at whose request,
  // and when its key is destroyed. No personal data and no patron id.
  await db.schema
    .createTable('deletion_receipts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('deleted_at', instant, (c) => c.notNull())
    .addColumn('key_destroyed_after', instant, (c) => c.notNull())
    .execute();

  // The access log: the role and library the actor acted as, and a hash chain per library (one chain for
  // entries of no library). Each entry's hash is a keyed MAC over its fields and the previous entry's hash.
  await db.schema.alterTable('access_log').addColumn('actor_role', 'text').execute();
  await db.schema.alterTable('access_log').addColumn('actor_library_id', 'text').execute();
  await db.schema.alterTable('access_log').addColumn('chain', 'text').execute();
  await db.schema.alterTable('access_log').addColumn('chain_seq', bigint).execute();
  await db.schema.alterTable('access_log').addColumn('hash', 'text').execute();
  await db.schema.createIndex('access_log_chain').on('access_log').columns(['chain', 'chain_seq']).unique().execute();
  await db.schema
    .createTable('access_log_heads')
    .addColumn('chain', 'text', (c) => c.primaryKey())
    .addColumn('last_seq', bigint, (c) => c.notNull())
    .addColumn('last_hash', 'text', (c) => c.notNull())
    // Where the chain starts after retention removed its oldest entries: the hash the first remaining
    // entry links to, and a MAC over (chain, base_seq, base_hash) so the start cannot be moved silently.
    .addColumn('base_seq', bigint, (c) => c.notNull())
    .addColumn('base_hash', 'text', (c) => c.notNull())
    .addColumn('base_mac', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
