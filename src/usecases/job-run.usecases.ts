/**
 * The scheduler's claims on its runs (src/jobs/scheduler.ts): one row per job and period in job_runs,
 * whose primary key lets exactly one process win a period on either engine. A run records who claimed
 * it, when it started and finished, and what it did in counts (never a patron, an item or a name) or
 * the error code it failed with.
 */
import { ErrorCode, refuse } from '../domain/errors.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import * as jobRuns from '../storage/job-run.repository.js';
import { findLibrary, listLibraries } from '../storage/library.repository.js';
import { requirePermission } from './authorization.js';
import type { Context } from './context.js';

/** What a run did: counts by name, or the code of the error it failed with. */
export type JobOutcome = Record<string, number> | { error: string };

/** A run as the scheduler and `carrel jobs list` show it. */
export interface JobRun {
  job: string;
  period: string;
  /** The library a per-library period belongs to (null: a run for every library at once). */
  libraryId: string | null;
  status: 'running' | 'done' | 'failed';
  /** The process that claimed it (host, process id, a random tag). */
  runner: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: JobOutcome | null;
}

/** A per-library period is `<local date>@<library id>`; any other period belongs to no library. */
export function libraryOfPeriod(period: string): string | null {
  const at = period.indexOf('@');
  return at < 0 ? null : period.slice(at + 1);
}

function toRun(row: jobRuns.JobRunRow): JobRun {
  let outcome: JobOutcome | null = null;
  if (row.outcome !== null) {
    try {
      outcome = JSON.parse(row.outcome) as JobOutcome;
    } catch {
      outcome = { error: 'UNREADABLE_OUTCOME' };
    }
  }
  return {
    job: row.job,
    period: row.period,
    libraryId: libraryOfPeriod(row.period),
    status: row.status as JobRun['status'],
    runner: row.runner,
    startedAt: new Date(row.startedAt).toISOString(),
    finishedAt: row.finishedAt === null ? null : new Date(row.finishedAt).toISOString(),
    outcome,
  };
}

export interface ClaimInput {
  job: string;
  period: string;
  runner: string;
  /** A claim left running longer than this is taken to belong to a dead process and may be retaken. */
  staleAfterMs: number;
  /** A failed run may be tried again this long after it failed. */
  retryAfterMs: number;
  /** Run again a period that already ran (never one another process is running). */
  force?: boolean;
}

/** Whether this runner holds the period now; when not, the run that holds it. */
export type ClaimResult = { claimed: true; retaken: boolean } | { claimed: false; run: JobRun };

/**
 * Claims a job's period for a runner: the first insert of (job, period) wins; a claim stalled past
 * `staleAfterMs`, a failure older than `retryAfterMs` or (with `force`) a finished run is retaken by one
 * conditional update, which at most one process wins.
 */
export async function claimJobRun(ctx: Context, input: ClaimInput): Promise<ClaimResult> {
  requirePermission(ctx, 'jobs.manage');
  const startedAt = ctx.now.toISOString();
  if (await jobRuns.insertJobRun(ctx.trx, { job: input.job, period: input.period, runner: input.runner, startedAt })) return { claimed: true, retaken: false };
  const retaken = await jobRuns.retakeJobRun(ctx.trx, {
    job: input.job,
    period: input.period,
    runner: input.runner,
    startedAt,
    staleBefore: new Date(ctx.now.getTime() - input.staleAfterMs).toISOString(),
    retryBefore: new Date(ctx.now.getTime() - input.retryAfterMs).toISOString(),
    force: input.force === true,
  });
  if (retaken) return { claimed: true, retaken: true };
  const run = await jobRuns.findJobRun(ctx.trx, input.job, input.period);
  if (!run) throw new Error('A job run claimed by another process is missing.');
  return { claimed: false, run: toRun(run) };
}

/**
 * Records how a claimed run ended. Nothing is recorded when the runner no longer holds the claim (it
 * stalled, and another process retook the period).
 */
export async function finishJobRun(
  ctx: Context,
  input: { job: string; period: string; runner: string; outcome: JobOutcome },
): Promise<{ recorded: boolean }> {
  requirePermission(ctx, 'jobs.manage');
  const status = 'error' in input.outcome ? 'failed' : 'done';
  const recorded = await jobRuns.finishJobRun(ctx.trx, { job: input.job, period: input.period, runner: input.runner, status, finishedAt: ctx.now.toISOString(), outcome: JSON.stringify(input.outcome) });
  return { recorded };
}

/**
 * A job's latest runs, newest first, optionally of one library's periods only (the runs for every
 * library at once are shown to a library's staff too: they hold only counts).
 */
export async function jobRunHistory(ctx: Context, input: { job: string; libraryId?: string; limit?: number }): Promise<JobRun[]> {
  requirePermission(ctx, 'jobs.manage');
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 500);
  const runs = (await jobRuns.latestJobRuns(ctx.trx, input.job, limit)).map(toRun);
  return runs.filter((r) => (r.libraryId === null || canReachLibrary(ctx.actor, r.libraryId).allowed) && (input.libraryId === undefined || r.libraryId === null || r.libraryId === input.libraryId));
}

/** The libraries a scheduled job walks (one, or every library the actor reaches), with their time zones. */
export async function scheduledLibraries(ctx: Context, input: { libraryId?: string }): Promise<{ id: string; timeZone: string }[]> {
  requirePermission(ctx, 'jobs.manage');
  if (input.libraryId !== undefined) {
    const library = await findLibrary(ctx.trx, input.libraryId);
    if (!library || !canReachLibrary(ctx.actor, library.id).allowed) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'libraryId');
    return [{ id: library.id, timeZone: library.timeZone }];
  }
  return (await listLibraries(ctx.trx)).filter((l) => canReachLibrary(ctx.actor, l.id).allowed).map((l) => ({ id: l.id, timeZone: l.timeZone }));
}
