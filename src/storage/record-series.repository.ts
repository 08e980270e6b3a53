import type { RecordSeries, SeriesDisposal } from '../domain/record-series.js';
import { engineOf, type Db } from './database.js';
import type { RecordSeriesDisposalsTable, RecordSeriesTable } from './schema.js';

/**
 * The register of record series kept outside Carrel and their disposal confirmations (CB-H, RF-9).
 * Instants are written as ISO strings (`toISOString`), so they compare as text on SQLite.
 */

function toSeries(row: RecordSeriesTable): RecordSeries {
  return {
    id: row.id,
    libraryId: row.library_id,
    code: row.code,
    name: row.name,
    medium: row.medium,
    location: row.location,
    retentionDays: Number(row.retention_days),
    clause: row.clause,
    fromProfile: Number(row.from_profile) === 1,
    createdAt: row.created_at,
  };
}

function toDisposal(row: RecordSeriesDisposalsTable): SeriesDisposal {
  return {
    id: row.id,
    seriesId: row.series_id,
    disposedThrough: row.disposed_through,
    method: row.method,
    confirmedBy: row.confirmed_by,
    confirmedAt: row.confirmed_at,
  };
}

function toRow(series: RecordSeries): RecordSeriesTable {
  return {
    id: series.id,
    library_id: series.libraryId,
    code: series.code,
    name: series.name,
    medium: series.medium,
    location: series.location,
    retention_days: series.retentionDays,
    clause: series.clause,
    from_profile: series.fromProfile ? 1 : 0,
    created_at: series.createdAt,
  };
}

/** Adds a series; a duplicate code in the library is a unique violation for the caller to answer. */
export async function insertSeries(db: Db, series: RecordSeries): Promise<void> {
  await db.insertInto('record_series').values(toRow(series)).execute();
}

/**
 * Adds a series unless the library already has one with that code; says whether it was added. Two
 * processes syncing the same profile at once both succeed (one inserts, the other finds it there).
 */
export async function insertSeriesIfAbsent(db: Db, series: RecordSeries): Promise<boolean> {
  const result = await db
    .insertInto('record_series')
    .values(toRow(series))
    .onConflict((oc) => oc.columns(['library_id', 'code']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Rewrites what a profile declares about a series (name, medium, retention, clause); never its history. */
export async function updateSeriesDeclaration(db: Db, id: string, declared: Pick<RecordSeries, 'name' | 'medium' | 'retentionDays' | 'clause'>): Promise<void> {
  await db
    .updateTable('record_series')
    .set({ name: declared.name, medium: declared.medium, retention_days: declared.retentionDays, clause: declared.clause })
    .where('id', '=', id)
    .execute();
}

/** Every series of a library, by code. */
export async function listSeries(db: Db, libraryId: string): Promise<RecordSeries[]> {
  const rows = await db.selectFrom('record_series').selectAll().where('library_id', '=', libraryId).orderBy('code').execute();
  return rows.map(toSeries);
}

/** One series of a library by its code. */
export async function findSeries(db: Db, libraryId: string, code: string): Promise<RecordSeries | undefined> {
  const row = await db.selectFrom('record_series').selectAll().where('library_id', '=', libraryId).where('code', '=', code).executeTakeFirst();
  return row && toSeries(row);
}

/**
 * One series, locked until the transaction ends on PostgreSQL (SQLite runs one writer at a time), so
 * two confirmations of the same series are checked against each other in order.
 */
export async function findSeriesForUpdate(db: Db, libraryId: string, code: string): Promise<RecordSeries | undefined> {
  const query = db.selectFrom('record_series').selectAll().where('library_id', '=', libraryId).where('code', '=', code);
  const row = await (engineOf(db) === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
  return row && toSeries(row);
}

/** The confirmation reaching furthest for a series (latest confirmed first among equals), if any. */
export async function latestDisposal(db: Db, seriesId: string): Promise<SeriesDisposal | undefined> {
  const row = await db
    .selectFrom('record_series_disposals')
    .selectAll()
    .where('series_id', '=', seriesId)
    .orderBy('disposed_through', 'desc')
    .orderBy('confirmed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toDisposal(row);
}

/** Records a disposal confirmation. */
export async function insertDisposal(db: Db, disposal: SeriesDisposal): Promise<void> {
  await db
    .insertInto('record_series_disposals')
    .values({
      id: disposal.id,
      series_id: disposal.seriesId,
      disposed_through: disposal.disposedThrough,
      method: disposal.method,
      confirmed_by: disposal.confirmedBy,
      confirmed_at: disposal.confirmedAt,
    })
    .execute();
}

/** Every confirmation of a series, latest first. */
export async function disposalsOfSeries(db: Db, seriesId: string): Promise<SeriesDisposal[]> {
  const rows = await db
    .selectFrom('record_series_disposals')
    .selectAll()
    .where('series_id', '=', seriesId)
    .orderBy('disposed_through', 'desc')
    .orderBy('confirmed_at', 'desc')
    .execute();
  return rows.map(toDisposal);
}
