import type { Db } from './database.js';
import type { JobRunsTable } from './schema.js';

/** A scheduled job's run for one period: who claimed it, when, and how it ended. */
export interface JobRunRow {
  job: string;
  period: string;
  /** `running`, `done` or `failed`. */
  status: string;
  runner: string;
  startedAt: string;
  finishedAt: string | null;
  /** JSON: counts of what the run did, or `{ "error": CODE }`. */
  outcome: string | null;
}

function toRun(row: JobRunsTable): JobRunRow {
  return {
    job: row.job,
    period: row.period,
    status: row.status,
    runner: row.runner,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
  };
}

/**
 * Claims a period by inserting its row. The primary key (job, period) lets exactly one insert win on
 * either engine (PostgreSQL makes a concurrent second insert wait for the first to commit, then skip);
 * whether this one won is answered.
 */
export async function insertJobRun(db: Db, run: { job: string; period: string; runner: string; startedAt: string }): Promise<boolean> {
  const result = await db
    .insertInto('job_runs')
    .values({ job: run.job, period: run.period, status: 'running', runner: run.runner, started_at: run.startedAt, finished_at: null, outcome: null })
    .onConflict((oc) => oc.columns(['job', 'period']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/**
 * Retakes a claim with one conditional update: a run left `running` since before `staleBefore` (its
 * process died), a run that `failed` before `retryBefore`, or (`force`) any run that is not running.
 * On PostgreSQL a concurrent second update waits for the row lock and re-checks the condition, so at
 * most one retaker wins; SQLite has one writer. Whether this one won is answered.
 */
export async function retakeJobRun(
  db: Db,
  run: { job: string; period: string; runner: string; startedAt: string; staleBefore: string; retryBefore: string; force: boolean },
): Promise<boolean> {
  const result = await db
    .updateTable('job_runs')
    .set({ status: 'running', runner: run.runner, started_at: run.startedAt, finished_at: null, outcome: null })
    .where('job', '=', run.job)
    .where('period', '=', run.period)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'running'), eb('started_at', '<', run.staleBefore)]),
        eb.and([eb('status', '=', 'failed'), eb('finished_at', '<', run.retryBefore)]),
        ...(run.force ? [eb('status', '<>', 'running')] : []),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ends a run, only if `runner` still holds it (a claim retaken from a stalled runner is not the stalled runner's to end). */
export async function finishJobRun(db: Db, run: { job: string; period: string; runner: string; status: 'done' | 'failed'; finishedAt: string; outcome: string }): Promise<boolean> {
  const result = await db
    .updateTable('job_runs')
    .set({ status: run.status, finished_at: run.finishedAt, outcome: run.outcome })
    .where('job', '=', run.job)
    .where('period', '=', run.period)
    .where('runner', '=', run.runner)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findJobRun(db: Db, job: string, period: string): Promise<JobRunRow | undefined> {
  const row = await db.selectFrom('job_runs').selectAll().where('job', '=', job).where('period', '=', period).executeTakeFirst();
  return row && toRun(row);
}

/** A job's latest runs, newest first. */
export async function latestJobRuns(db: Db, job: string, limit: number): Promise<JobRunRow[]> {
  const rows = await db.selectFrom('job_runs').selectAll().where('job', '=', job).orderBy('started_at', 'desc').orderBy('period', 'desc').limit(limit).execute();
  return rows.map(toRun);
}
