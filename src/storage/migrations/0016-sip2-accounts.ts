import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * SIP2 accounts (issue 16): one per self-check kiosk, sorter or authentication client. The library's
 * own configuration: the machine's name, its login id and password hash (argon2id), the branch it
 * stands in, and its settings (the addresses it may connect from, the messages it may send, the patron
 * fields it may receive, its character set). Nothing about any patron: a kiosk's transactions are loans,
 * kept and disposed of like the desk's (CB-G2).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  const instant = pg ? sql`timestamptz` : sql`text`;
  await db.schema
    .createTable('sip2_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('library_id', 'text', (c) => c.notNull().references('libraries.id'))
    .addColumn('branch_id', 'text', (c) => c.notNull().references('branches.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('login_id', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    // 'self-check' | 'sorter' | 'authentication'
    .addColumn('kind', 'text', (c) => c.notNull())
    // JSON: allowedCidrs, messages, patronFields, charset, requireErrorDetection, pinRequired, sortBins.
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sip2_accounts_library_name').on('sip2_accounts').columns(['library_id', 'name']).unique().execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
