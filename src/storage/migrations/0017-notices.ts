import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * Notices (issue 17): the outbox of what the library sends its patrons, the library's own templates and
 * settings, and the register of breaches (RR-6).
 *
 * A notice row is written in the transaction of the event that causes it (a hold trapped, a day's run
 * finding loans due) and claimed by one process at a time to be sent. What it says is sealed under the
 * recipient's data key and cleared once it is delivered; what stays, for the profile's days, is only the
 * proof that it went: kind, channel, time and status. A patron's address is never copied here: it is
 * opened from the vault when the message is built, and forgotten when it is sent.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  const instant = pg ? sql`timestamptz` : sql`text`;

  await db.schema
    .createTable('notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    // The recipient: the patron, or the guardian of a minor (recipient = 'guardian').
    .addColumn('patron_id', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // 'email' | 'text' | 'letter'
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    // 'queued' | 'sent' | 'failed' | 'letter' | 'posted' | 'cancelled'
    .addColumn('status', 'text', (c) => c.notNull())
    // One notice per event: a retried trap or a second run of a day's job finds its key taken.
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    // The fields of the message, sealed under the recipient's key; null once delivered.
    .addColumn('payload', 'text')
    .addColumn('breach_id', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', instant, (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', instant)
    // A stable short code (SMTP 550, HTTP 400, NO_ADDRESS), never an address or a text.
    .addColumn('error_code', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('sent_at', instant)
    // When it stopped being queued (sent, failed, posted, cancelled): retention counts from here.
    .addColumn('ended_at', instant)
    .execute();
  await db.schema.createIndex('notices_due').on('notices').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('notices_patron').on('notices').columns(['patron_id', 'created_at']).execute();
  await db.schema.createIndex('notices_library_status').on('notices').columns(['library_id', 'status', 'ended_at']).execute();

  await db.schema
    .createTable('notice_templates')
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_at', instant, (c) => c.notNull())
    .addPrimaryKeyConstraint('notice_templates_pk', ['library_id', 'kind', 'language'])
    .execute();

  await db.schema
    .createTable('notice_settings')
    .addColumn('library_id', 'text', (c) => c.primaryKey().references('libraries.id'))
    // JSON NoticeSettings (domain/notices.ts); fields left out take the defaults.
    .addColumn('settings', 'text', (c) => c.notNull())
    // The policy version (content hash) patrons were last told of (RR-10); null: none yet.
    .addColumn('announced_policy', 'text')
    .addColumn('updated_at', instant, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('breaches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('occurred_on', 'text', (c) => c.notNull())
    .addColumn('discovered_on', 'text', (c) => c.notNull())
    // JSON array of record categories.
    .addColumn('categories', 'text', (c) => c.notNull())
    // 'all' | 'listed'
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('actions', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', instant, (c) => c.notNull())
    .addColumn('patrons_affected', 'integer', (c) => c.notNull())
    .addColumn('notices_queued', 'integer', (c) => c.notNull())
    .addColumn('letters', 'integer', (c) => c.notNull())
    .execute();

  // The patron's language for notices (null: the library's), and when they unsubscribed from mailings.
  await db.schema.alterTable('patrons').addColumn('notice_language', 'text').execute();
  await db.schema.alterTable('patrons').addColumn('mailings_off_since', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
