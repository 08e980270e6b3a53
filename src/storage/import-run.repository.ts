import { engineOf, type Db } from './database.js';
import type { ImportRunsTable } from './schema.js';

/** An import's run as stored (issue 21): its file's digest, checkpoint and running report (JSON). */
export interface ImportRun {
  id: string;
  libraryId: string;
  kind: string;
  format: string;
  fileSha256: string;
  status: 'running' | 'finished' | 'abandoned';
  /** The last line of the file whose page committed; the next run of the same file starts after it. */
  checkpointLine: number;
  report: string;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

function toRun(row: ImportRunsTable): ImportRun {
  return {
    id: row.id,
    libraryId: row.library_id,
    kind: row.kind,
    format: row.format,
    fileSha256: row.file_sha256,
    status: row.status as ImportRun['status'],
    checkpointLine: Number(row.checkpoint_line),
    report: row.report,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

export async function insertImportRun(db: Db, run: ImportRun): Promise<void> {
  await db
    .insertInto('import_runs')
    .values({
      id: run.id,
      library_id: run.libraryId,
      kind: run.kind,
      format: run.format,
      file_sha256: run.fileSha256,
      status: run.status,
      checkpoint_line: run.checkpointLine,
      report: run.report,
      started_at: run.startedAt,
      updated_at: run.updatedAt,
      finished_at: run.finishedAt,
    })
    .execute();
}

/** The run of this file for this library and kind, the latest first (there is at most one). */
export async function findImportRunOfFile(db: Db, libraryId: string, kind: string, fileSha256: string): Promise<ImportRun | undefined> {
  const row = await db
    .selectFrom('import_runs')
    .selectAll()
    .where('library_id', '=', libraryId)
    .where('kind', '=', kind)
    .where('file_sha256', '=', fileSha256)
    .orderBy('started_at', 'desc')
    .executeTakeFirst();
  return row && toRun(row);
}

/** A run, locked for the page about to advance it (PostgreSQL; SQLite's writer is alone anyway). */
export async function lockImportRun(db: Db, id: string): Promise<ImportRun | undefined> {
  let query = db.selectFrom('import_runs').selectAll().where('id', '=', id);
  if (engineOf(db) === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toRun(row);
}

/** Moves a run's checkpoint and report forward (in the page's transaction). */
export async function advanceImportRun(db: Db, id: string, checkpointLine: number, report: string, at: string): Promise<void> {
  await db.updateTable('import_runs').set({ checkpoint_line: checkpointLine, report, updated_at: at }).where('id', '=', id).execute();
}

export async function finishImportRun(db: Db, id: string, report: string, at: string): Promise<void> {
  await db.updateTable('import_runs').set({ status: 'finished', report, updated_at: at, finished_at: at }).where('id', '=', id).execute();
}

export async function listImportRuns(db: Db, libraryIds: readonly string[] | null): Promise<ImportRun[]> {
  let query = db.selectFrom('import_runs').selectAll();
  if (libraryIds !== null) query = query.where('library_id', 'in', libraryIds.length > 0 ? [...libraryIds] : ['']);
  return (await query.orderBy('started_at').execute()).map(toRun);
}

/**
 * Records the identity keys of a page's patrons, in file order; answers, for each line whose key an
 * earlier line of the same run had (in an earlier page or this one), that earlier line.
 */
export async function claimImportKeys(db: Db, runId: string, keys: readonly { keyHash: string; line: number }[]): Promise<Map<number, number>> {
  const first = new Map<string, number>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom('import_keys')
      .select(['key_hash', 'line'])
      .where('run_id', '=', runId)
      .where('key_hash', 'in', keys.slice(i, i + 500).map((k) => k.keyHash))
      .execute();
    for (const row of rows) first.set(row.key_hash, Number(row.line));
  }
  const duplicates = new Map<number, number>();
  const fresh: { run_id: string; key_hash: string; line: number }[] = [];
  for (const key of keys) {
    const earlier = first.get(key.keyHash);
    if (earlier !== undefined) duplicates.set(key.line, earlier);
    else {
      first.set(key.keyHash, key.line);
      fresh.push({ run_id: runId, key_hash: key.keyHash, line: key.line });
    }
  }
  for (let i = 0; i < fresh.length; i += 300) await db.insertInto('import_keys').values(fresh.slice(i, i + 300)).execute();
  return duplicates;
}

/** Forgets a run's identity keys (the run is over: they served only to find duplicates within it). */
export async function deleteImportKeys(db: Db, runId: string): Promise<void> {
  await db.deleteFrom('import_keys').where('run_id', '=', runId).execute();
}


/** Marks a library's runs idle since `before` abandoned and deletes their identity keys; how many. */
export async function abandonIdleImportRuns(db: Db, libraryId: string, before: string, at: string): Promise<number> {
  const idle = await db.selectFrom('import_runs').select('id').where('library_id', '=', libraryId).where('status', '=', 'running').where('updated_at', '<', before).execute();
  for (const { id } of idle) {
    await db.updateTable('import_runs').set({ status: 'abandoned', updated_at: at }).where('id', '=', id).execute();
    await deleteImportKeys(db, id);
  }
  return idle.length;
}
