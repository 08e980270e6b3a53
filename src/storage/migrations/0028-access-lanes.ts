import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * The access log's lanes and verification checkpoints (issue 23).
 *
 * - `access_log_heads.lanes`, `lanes_mac`: a library's log may be several chains ("lanes": the library's
 *   id, then `<id>/1`, `<id>/2`…) so that its transactions do not all queue on one head row. The head of
 *   lane 0 (the library's own chain) says how many lanes the library has, under a MAC bound to lane 0's
 *   last entry, so a lane cannot disappear without `verify-log` noticing. Existing heads are one lane each;
 *   the opening that runs this migration attests them (`attestLegacyLanes`).
 * - `access_log_checkpoints`: where `verify-log` last found each chain intact (a position and its hash,
 *   under a MAC), so a daily `verify-log --incremental` checks only what was appended since. No patron.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('access_log_heads').addColumn('lanes', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('access_log_heads').addColumn('lanes_mac', 'text').execute();
  const bigint = engineOf(db) === 'postgres' ? sql`bigint` : sql`integer`;
  await db.schema
    .createTable('access_log_checkpoints')
    .addColumn('chain', 'text', (c) => c.primaryKey())
    .addColumn('seq', bigint, (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'text', (c) => c.notNull())
    .addColumn('mac', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
