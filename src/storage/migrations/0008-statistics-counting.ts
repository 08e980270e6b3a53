import { sql, type Kysely } from 'kysely';
import { localDay } from '../../domain/clock.js';
import { engineOf } from '../database.js';

/**
 * Statistics that do not change once published (issue 7, statistics.usecases.ts). Until now a loan was
 * counted when retention anonymised it and a service when its record was disposed of, which can be
 * months later (a kept reading history, a released legal hold, a patron deleted): a month's counts grew
 * afterwards, and two publications of one month, subtracted, showed what that one patron had done.
 * From now on a loan is counted when it is lent, and a service once it has ended, by the first
 * retention run after its end (or when its record is deleted before that run), under the day it ended.
 *
 * - `service_records.counted_at`: when statistics took the record into account (null: not yet). Records
 *   here now were never counted (they were to be counted at disposal): the next run counts those that
 *   took place.
 * - `retention_runs.services_counted_through`: every service of the library that ended by this instant
 *   is counted; statistics of services answer only months that ended by then.
 * - Loans still in `loans` now were never counted either (anonymisation counted them): they are counted
 *   here, under their check-out day, and never again.
 *
 * Service counts written before this migration are under the day the service started, those after it
 * under the day it ended (the same day, except for a request kept open across days).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  const instant = pg ? sql`timestamptz` : sql`text`;

  await db.schema.alterTable('service_records').addColumn('counted_at', instant).execute();
  await db.schema
    .createIndex('service_records_uncounted')
    .on('service_records')
    .columns(['library_id', 'ends_at'])
    .where(sql.ref('counted_at'), 'is', null)
    .execute();
  await db.schema.alterTable('retention_runs').addColumn('services_counted_through', instant).execute();
  await countLoansHeld(db);
}

/** Counts the loans still in `loans` (not anonymised, so never counted) under their check-out day, as a check-out does from now on. */
export async function countLoansHeld(db: Kysely<any>): Promise<void> {
  let after = '';
  for (;;) {
    const rows: { id: string; checked_out_at: string | Date; branch_id: string; item_type: string; patron_category: string; age_band: string; library_id: string; time_zone: string }[] = await db
      .selectFrom('loans')
      .innerJoin('items', 'items.id', 'loans.item_id')
      .innerJoin('patrons', 'patrons.id', 'loans.patron_id')
      .innerJoin('libraries', 'libraries.id', 'loans.library_id')
      .select([
        'loans.id as id',
        'loans.checked_out_at as checked_out_at',
        'loans.branch_id as branch_id',
        'items.item_type as item_type',
        'patrons.category_code as patron_category',
        'patrons.age_band as age_band',
        'loans.library_id as library_id',
        'libraries.time_zone as time_zone',
      ])
      .where('loans.id', '>', after)
      .orderBy('loans.id')
      .limit(5000)
      .execute();
    if (rows.length === 0) break;
    const cells = new Map<string, { library_id: string; day: string; branch_id: string; item_type: string; patron_category: string; age_band: string; loans: number }>();
    for (const row of rows) {
      const day = localDay(new Date(row.checked_out_at).toISOString(), row.time_zone);
      const key = [row.library_id, day, row.branch_id, row.item_type, row.patron_category, row.age_band].join('\u0000');
      const cell = cells.get(key);
      if (cell) cell.loans++;
      else cells.set(key, { library_id: row.library_id, day, branch_id: row.branch_id, item_type: row.item_type, patron_category: row.patron_category, age_band: row.age_band, loans: 1 });
    }
    const values = [...cells.values()];
    for (let i = 0; i < values.length; i += 500)
      await db
        .insertInto('circulation_stats')
        .values(values.slice(i, i + 500))
        .onConflict((oc) =>
          oc.columns(['library_id', 'day', 'branch_id', 'item_type', 'patron_category', 'age_band']).doUpdateSet({ loans: sql<number>`circulation_stats.loans + excluded.loans` }),
        )
        .execute();
    after = (rows[rows.length - 1] as { id: string }).id;
  }
}

export async function down(): Promise<void> {
  throw new Error('Carrel migrations are forward-only; restore a backup to go back.');
}
