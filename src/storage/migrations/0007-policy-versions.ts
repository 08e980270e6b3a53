import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * The version history of the policy profiles (RR-10, CB-A9): every distinct version of a profile Carrel
 * has loaded, with the rules it carried, so the published policy can say what changed and when. A row
 * is keyed by the rules' hash as well as the version number, so rules edited without a new version
 * number are recorded too (and flagged on the page) rather than silently taken for the old version.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  const instant = pg ? sql`timestamptz` : sql`text`;

  await db.schema
    .createTable('profile_versions')
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    // SHA-256 (hex) of `rules`.
    .addColumn('content_hash', 'text', (c) => c.notNull())
    // The day the version says it took effect (YYYY-MM-DD, as the profile writes it).
    .addColumn('effective', 'text', (c) => c.notNull())
    // The validated profile minus its file path, as canonical JSON (keys sorted, no whitespace).
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', instant, (c) => c.notNull())
    .addPrimaryKeyConstraint('profile_versions_pk', ['profile_id', 'version', 'content_hash'])
    .execute();
  await db.schema.createIndex('profile_versions_seen').on('profile_versions').columns(['profile_id', 'first_seen_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
