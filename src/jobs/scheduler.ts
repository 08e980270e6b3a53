/**
 * The scheduler inside `carrel start`: named jobs, each cut into periods (a library's local date, an
 * hour, an occurrence of the retention schedule). Every process serving one database ticks; a job's
 * period is claimed by inserting its row in job_runs, whose primary key lets exactly one process win,
 * so any number of processes may run the scheduler and each job still runs once per period. A claim
 * left running by a process that died is retaken after `staleAfterMs`; a failed run is tried again
 * after `retryAfterMs`. Each run leaves its counts (no personal data) or its error code.
 *
 * Jobs act as the system through the use cases, with their policy checks and access log, as a clerk's
 * request would. Periods come from the runtime's clock (`--as-of` moves them); the timer only says how
 * often to look.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Cron } from 'croner';
import { localDate } from '../domain/circulation.rules.js';
import { DomainError, ErrorCode, refuse } from '../domain/errors.js';
import { SYSTEM, type Purpose } from '../policy/actors.js';
import { accrueOverdueFines, markLongOverdueLost, type OverduePageInput } from '../usecases/circulation.usecases.js';
import { run, type Caller, type Runtime, type UseCase } from '../usecases/context.js';
import { expireHolds } from '../usecases/hold.usecases.js';
import { claimJobRun, finishJobRun, jobRunHistory, scheduledLibraries, type JobOutcome, type JobRun } from '../usecases/job-run.usecases.js';
import { destroyExpiredKeys } from '../usecases/key.usecases.js';
import { purgeExpiredArtefacts } from '../usecases/oidc.usecases.js';
import { dropLegacyPins } from '../usecases/import.usecases.js';
import { runRetention } from './retention.job.js';
import { announcePolicyChange, deliverNotices } from './notices.job.js';
import { planNotices } from '../usecases/notice.usecases.js';
import type { NoticeChannels } from '../domain/notices.js';

export const JOB_NAMES = ['fines-accrue', 'long-overdue', 'holds-expire', 'notices-plan', 'notices-send', 'retention', 'key-purge', 'oidc-purge', 'legacy-pins'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/**
 * How a job's periods are cut. `every-tick` has no period to claim: its work claims its own rows (the
 * notices outbox), so every process helps at every tick and none sends what another took.
 */
type Cadence = { kind: 'library-day' } | { kind: 'hour' } | { kind: 'schedule' } | { kind: 'every-tick' };

interface JobDefinition {
  name: JobName;
  description: string;
  cadence: Cadence;
  purpose: Purpose;
  /** Does one period's work for one library (library-day jobs) or for all; answers what it did, in counts. */
  work(runtime: Runtime, caller: Caller, libraryId: string | null, signal: AbortSignal, options: SchedulerOptions & { runner: string }): Promise<Record<string, number>>;
}

/** Rows of overdue loans per transaction in the walks of fines-accrue and long-overdue. */
const PAGE = 200;

/** Expired artefacts of the sign-in provider deleted per transaction by oidc-purge. */
const ARTEFACT_PAGE = 500;

/**
 * Deletes every artefact of the OpenID provider that has expired (issue 19), a page per transaction. The
 * provider's sessions, codes, tokens and grants live minutes to days and carry the patron's id, and an
 * expired one is never read again: an hourly job bounds how long such a row outlives its use to an hour,
 * which the nightly retention run, walking one library at a time over a table that belongs to none,
 * would stretch to a day.
 */
async function purgeArtefacts(runtime: Runtime, caller: Caller, signal: AbortSignal): Promise<Record<string, number>> {
  let deleted = 0;
  for (;;) {
    if (signal.aborted) throw refuse(ErrorCode.JOB_STOPPED, 'The scheduler was stopped; the next run finishes the job.');
    const page = await run(runtime, caller, purgeExpiredArtefacts, { limit: ARTEFACT_PAGE });
    deleted += page;
    if (page < ARTEFACT_PAGE) return { deleted };
  }
}

/** Walks a library's overdue loans page by page, one transaction each, adding up the counts. */
async function walkPages(
  runtime: Runtime,
  caller: Caller,
  useCase: UseCase<OverduePageInput, { seen: number; next: string | null } & Record<string, unknown>>,
  libraryId: string,
  signal: AbortSignal,
): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  let afterId: string | null = null;
  do {
    if (signal.aborted) throw refuse(ErrorCode.JOB_STOPPED, 'The scheduler was stopped; the next run finishes the job.');
    const page: { seen: number; next: string | null } & Record<string, unknown> = await run(runtime, caller, useCase, { libraryId, afterId, limit: PAGE });
    for (const [key, value] of Object.entries(page)) if (typeof value === 'number') totals[key === 'seen' ? 'loans' : key] = (totals[key === 'seen' ? 'loans' : key] ?? 0) + value;
    afterId = page.next;
  } while (afterId !== null);
  return totals;
}

const JOBS: readonly JobDefinition[] = [
  {
    name: 'fines-accrue',
    description: 'overdue fines for items still out, created or topped up to today’s amount (capped by the rule)',
    cadence: { kind: 'library-day' },
    purpose: 'fines-collection',
    work: (runtime, caller, libraryId, signal) => walkPages(runtime, caller, accrueOverdueFines, libraryId as string, signal),
  },
  {
    name: 'long-overdue',
    description: 'items out longer than the library’s long-overdue delay are declared lost and charged',
    cadence: { kind: 'library-day' },
    purpose: 'materials-recovery',
    work: (runtime, caller, libraryId, signal) => walkPages(runtime, caller, markLongOverdueLost, libraryId as string, signal),
  },
  {
    name: 'holds-expire',
    description: 'holds not picked up by their deadline expire; the item goes to the next hold or back to the shelf',
    cadence: { kind: 'library-day' },
    purpose: 'circulation',
    work: async (runtime, caller, libraryId) => ({ ...(await run(runtime, caller, expireHolds, { libraryId: libraryId as string })) }),
  },
  {
    name: 'notices-plan',
    description: 'the day’s notices: items due soon, overdue and billed as lost, cards expiring, guardians of minors, and a changed privacy policy',
    cadence: { kind: 'library-day' },
    purpose: 'notices',
    work: async (runtime, caller, libraryId) => {
      const planned = await run(runtime, caller, planNotices, { libraryId: libraryId as string });
      const policy = await announcePolicyChange(runtime, caller, libraryId as string);
      return { ...planned, policyChanged: policy.queued };
    },
  },
  {
    name: 'notices-send',
    description: 'sends the notices that are due, by email and text, retrying temporary failures with backoff',
    cadence: { kind: 'every-tick' },
    purpose: 'notices',
    work: async (runtime, _caller, _libraryId, signal, options) => {
      if (!options.noticeChannels) return { sent: 0 };
      const counts = await deliverNotices(runtime, options.noticeChannels, { runner: options.runner, publicUrl: options.publicUrl ?? 'http://127.0.0.1', signal });
      return { ...counts };
    },
  },
  {
    name: 'retention',
    description: 'the retention engine: disposes of what each library’s profile no longer allows to be kept',
    cadence: { kind: 'schedule' },
    purpose: 'retention',
    work: async (runtime, _caller, _libraryId, signal) => {
      const report = await runRetention(runtime, { signal });
      const categories = report.libraries.flatMap((l) => l.categories);
      return {
        libraries: report.libraries.length,
        disposed: categories.reduce((sum, c) => sum + c.disposed, 0),
        kept: categories.reduce((sum, c) => sum + c.kept, 0),
      };
    },
  },
  {
    name: 'key-purge',
    description: 'destroys the data keys of deleted patrons whose key-store retention has passed',
    cadence: { kind: 'hour' },
    purpose: 'administration',
    work: async (runtime, caller) => ({ ...(await run(runtime, caller, destroyExpiredKeys, undefined)) }),
  },
  {
    name: 'oidc-purge',
    description: 'deletes the sign-in provider’s sessions, codes, tokens and grants that have expired (they name the patron)',
    cadence: { kind: 'hour' },
    purpose: 'retention',
    work: (runtime, caller, _libraryId, signal) => purgeArtefacts(runtime, caller, signal),
  },
  {
    name: 'legacy-pins',
    description: 'drops PIN hashes imported from another system that no log-in replaced within the library’s legacy-PIN days (the patron resets at the desk)',
    cadence: { kind: 'library-day' },
    purpose: 'administration',
    work: async (runtime, caller, libraryId) => ({ ...(await run(runtime, caller, dropLegacyPins, { libraryId: libraryId as string })) }),
  },
];

function definitionOf(name: string): JobDefinition {
  const job = JOBS.find((j) => j.name === name);
  if (!job) throw refuse(ErrorCode.JOB_NOT_FOUND, `No job has that name; the jobs are ${JOB_NAMES.join(', ')}.`, 'job');
  return job;
}

export interface SchedulerOptions {
  /** How often to look for due periods (CARREL_SCHEDULER_TICK_MS; default one minute). */
  tickMs?: number;
  /** When the retention job runs: a cron expression (server time), or "off" to leave it to `carrel jobs run`. */
  retentionSchedule?: string;
  /** A claim running longer than this belongs to a process that died (default 2 hours). */
  staleAfterMs?: number;
  /** A failed run is tried again this long after (default 15 minutes). */
  retryAfterMs?: number;
  /** This process's name in the claims (default: host, process id and a random tag). */
  runner?: string;
  /** The channels notices go out on (composition root: src/notices/); none: notices wait in the queue. */
  noticeChannels?: NoticeChannels;
  /** Carrel's public address, for the links in notices (CARREL_PUBLIC_URL). */
  publicUrl?: string;
  /** Told of every run this process makes or finds taken (counts and codes only). */
  onRun?: (report: RunReport) => void;
}

/** One period of one job, as this process found it. */
export interface RunReport {
  job: JobName;
  period: string;
  libraryId: string | null;
  /** `ran` and `failed`: this process ran it now; `already-ran` / `running`: another run holds it. */
  status: 'ran' | 'failed' | 'already-ran' | 'running';
  /** What this run did, or (another run's) what that one did. */
  outcome: JobOutcome | null;
  /** The run that holds the period, when this process did not run it. */
  heldBy?: Pick<JobRun, 'runner' | 'startedAt' | 'finishedAt' | 'status'>;
  /** This run retook a stalled or failed claim (or forced a second run). */
  retaken?: boolean;
}

const DEFAULTS = { tickMs: 60_000, retentionSchedule: '30 2 * * *', staleAfterMs: 2 * 3_600_000, retryAfterMs: 15 * 60_000 };

/** A name for this process in the claims it makes: no person, only the machine and the process. */
export function runnerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** The period of a job at `now` that is not per library, or null when it has none yet. */
function globalPeriod(cadence: Cadence, now: Date, retentionSchedule: string): string | null {
  if (cadence.kind === 'hour') return `${now.toISOString().slice(0, 13)}:00Z`;
  // The retention job's period is the schedule's latest occurrence: a process that was down at 02:30
  // catches up when it starts, and every process agrees on which occurrence is due.
  if (retentionSchedule === 'off') return now.toISOString().slice(0, 10);
  const [last] = new Cron(retentionSchedule, { paused: true }).previousRuns(1, now);
  return last ? last.toISOString().slice(0, 16) + 'Z' : null;
}

/**
 * Runs one job's due periods now, each through its claim: for a per-library job one period per
 * library (the library's local date), otherwise one. A period another run holds is reported, not run
 * again (unless `force`, and never while it runs).
 */
export async function runJob(
  runtime: Runtime,
  name: string,
  options: SchedulerOptions & { libraryId?: string; force?: boolean; signal?: AbortSignal } = {},
): Promise<RunReport[]> {
  const job = definitionOf(name);
  const caller: Caller = { actor: SYSTEM, purpose: job.purpose, channel: 'job' };
  const admin: Caller = { actor: SYSTEM, purpose: 'administration', channel: 'job' };
  const runner = options.runner ?? runnerName();
  const signal = options.signal ?? new AbortController().signal;
  const now = runtime.clock.now();
  if (job.cadence.kind === 'every-tick') {
    if (options.libraryId !== undefined) throw refuse(ErrorCode.VALIDATION_FAILED, `The ${job.name} job runs for every library at once; leave out --library.`, 'library');
    // No claim: the work claims its own rows. Nothing is recorded in job_runs (it runs every minute).
    let outcome: JobOutcome;
    try {
      outcome = await job.work(runtime, caller, null, signal, { ...options, runner });
    } catch (error) {
      outcome = { error: error instanceof DomainError ? error.code : 'INTERNAL_ERROR' };
    }
    const report: RunReport = { job: job.name, period: now.toISOString().slice(0, 16) + 'Z', libraryId: null, status: 'error' in outcome ? 'failed' : 'ran', outcome };
    options.onRun?.(report);
    return [report];
  }
  const periods: { period: string; libraryId: string | null }[] = [];
  if (job.cadence.kind === 'library-day') {
    const libraries = await run(runtime, admin, scheduledLibraries, options.libraryId !== undefined ? { libraryId: options.libraryId } : {});
    for (const library of libraries) periods.push({ period: `${localDate(now, library.timeZone)}@${library.id}`, libraryId: library.id });
  } else {
    if (options.libraryId !== undefined) throw refuse(ErrorCode.VALIDATION_FAILED, `The ${job.name} job runs for every library at once; leave out --library.`, 'library');
    const period = globalPeriod(job.cadence, now, options.retentionSchedule ?? DEFAULTS.retentionSchedule);
    if (period !== null) periods.push({ period, libraryId: null });
  }

  const reports: RunReport[] = [];
  for (const { period, libraryId } of periods) {
    if (signal.aborted) break;
    const claim = await run(runtime, admin, claimJobRun, {
      job: job.name,
      period,
      runner,
      staleAfterMs: options.staleAfterMs ?? DEFAULTS.staleAfterMs,
      retryAfterMs: options.retryAfterMs ?? DEFAULTS.retryAfterMs,
      force: options.force === true,
    });
    let report: RunReport;
    if (!claim.claimed) {
      const { runner: heldBy, startedAt, finishedAt, status } = claim.run;
      report = { job: job.name, period, libraryId, status: status === 'running' ? 'running' : 'already-ran', outcome: claim.run.outcome, heldBy: { runner: heldBy, startedAt, finishedAt, status } };
    } else {
      let outcome: JobOutcome;
      try {
        outcome = await job.work(runtime, caller, libraryId, signal, { ...options, runner });
      } catch (error) {
        // The code only: a message could one day carry more than a run's record should keep.
        outcome = { error: error instanceof DomainError ? error.code : 'INTERNAL_ERROR' };
      }
      await run(runtime, admin, finishJobRun, { job: job.name, period, runner, outcome });
      report = { job: job.name, period, libraryId, status: 'error' in outcome ? 'failed' : 'ran', outcome, ...(claim.retaken ? { retaken: true } : {}) };
    }
    options.onRun?.(report);
    reports.push(report);
  }
  return reports;
}

/** A job as `carrel jobs list` shows it: what it does, how its periods are cut, and its latest runs. */
export interface JobOverview {
  name: JobName;
  description: string;
  /** `daily per library (local date)`, `hourly (UTC)`, or the retention schedule. */
  period: string;
  /** Whether `carrel start` runs it by itself. */
  scheduled: boolean;
  /** The latest run of each library's periods (or the latest run, for a job of every library at once). */
  lastRuns: JobRun[];
}

/** Every job, with the latest run of each library (what `carrel jobs list` and GET /api/v1/jobs show). */
export async function jobsOverview(runtime: Runtime, caller: Caller, options: { retentionSchedule?: string; libraryId?: string } = {}): Promise<JobOverview[]> {
  const schedule = options.retentionSchedule ?? DEFAULTS.retentionSchedule;
  const overview: JobOverview[] = [];
  for (const job of JOBS) {
    const history = await run(runtime, caller, jobRunHistory, { job: job.name, limit: 200, ...(options.libraryId !== undefined ? { libraryId: options.libraryId } : {}) });
    const latest = new Map<string, JobRun>();
    for (const r of history) if (!latest.has(r.libraryId ?? '')) latest.set(r.libraryId ?? '', r);
    overview.push({
      name: job.name,
      description: job.description,
      period:
        job.cadence.kind === 'library-day'
          ? 'daily per library (its local date)'
          : job.cadence.kind === 'hour'
            ? 'hourly (UTC)'
            : job.cadence.kind === 'every-tick'
              ? 'every tick (each notice is claimed, not the period)'
              : schedule === 'off' ? 'daily (UTC), only when run by hand' : `on the retention schedule "${schedule}"`,
      scheduled: job.cadence.kind !== 'schedule' || schedule !== 'off',
      lastRuns: [...latest.values()],
    });
  }
  return overview;
}

/**
 * The scheduler of one process: every `tickMs` it runs each job's due periods through their claims,
 * one job after another. The timer is unref'd (it never keeps a process alive) and a tick never starts
 * while the previous one runs; `stop` waits for the running tick, which stops between pages.
 */
export class Scheduler {
  readonly #runtime: Runtime;
  readonly #options: SchedulerOptions & { runner: string };
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopping = new AbortController();

  constructor(runtime: Runtime, options: SchedulerOptions = {}) {
    this.#runtime = runtime;
    this.#options = { ...options, runner: options.runner ?? runnerName() };
  }

  /** This process's name in the claims. */
  get runner(): string {
    return this.#options.runner;
  }

  /** Starts ticking (the first tick after one interval). */
  start(): void {
    if (this.#timer !== null || this.#stopping.signal.aborted) return;
    this.#schedule();
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#running = this.tick().then(
        () => undefined,
        () => undefined,
      );
      void this.#running.then(() => {
        this.#running = null;
        if (!this.#stopping.signal.aborted) this.#schedule();
      });
    }, this.#options.tickMs ?? DEFAULTS.tickMs);
    this.#timer.unref();
  }

  /** Runs every job's due periods once (what each tick does). A job's failure does not stop the others. */
  async tick(): Promise<RunReport[]> {
    const reports: RunReport[] = [];
    for (const job of JOBS) {
      if (this.#stopping.signal.aborted) break;
      if (job.cadence.kind === 'schedule' && (this.#options.retentionSchedule ?? DEFAULTS.retentionSchedule) === 'off') continue;
      try {
        reports.push(...(await runJob(this.#runtime, job.name, { ...this.#options, signal: this.#stopping.signal })));
      } catch (error) {
        // Claiming itself failed (the database busy or gone): the next tick tries again.
        const report: RunReport = { job: job.name, period: '', libraryId: null, status: 'failed', outcome: { error: error instanceof DomainError ? error.code : 'INTERNAL_ERROR' } };
        this.#options.onRun?.(report);
        reports.push(report);
      }
    }
    return reports;
  }

  /** Stops ticking and waits for a running tick to reach a stopping point. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}
