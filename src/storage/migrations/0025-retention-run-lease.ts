import { sql, type Kysely } from 'kysely';
import { engineOf } from '../database.js';

/**
 * A retention run's lease on real time and its owner (issue 22, defect 9). The heartbeat was the run's
 * clock, which `--as-of` fixes: a run killed with an `--as-of` blocked every rerun with the same date for
 * ever, and any killed run blocked reruns for ten minutes.
 *
 * - `retention_runs.owner`: the process that holds the run (`host:pid:tag`, no person). A rerun on the
 *   same host whose owner no longer runs takes over at once.
 * - `retention_runs.renewed_at`: when the owner last renewed its lease, by the wall clock (never the
 *   run's `--as-of`); null once the owner released the run (it stopped and left it to the next run).
 *   Rows from before this migration have neither and keep the old rule.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const instant = engineOf(db) === 'postgres' ? sql`timestamptz` : sql`text`;
  await db.schema.alterTable('retention_runs').addColumn('owner', 'text').execute();
  await db.schema.alterTable('retention_runs').addColumn('renewed_at', instant).execute();
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
