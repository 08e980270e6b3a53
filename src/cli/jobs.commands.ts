import type { Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { JOB_NAMES, jobsOverview, runJob, type JobOverview, type RunReport } from '../jobs/scheduler.js';
import { noticeChannelsFromEnvironment } from './runtime.js';
import { SYSTEM } from '../policy/actors.js';
import type { JobOutcome } from '../usecases/job-run.usecases.js';
import { emit } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** What main.ts lends the jobs commands. */
export type JobsCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf' | 'config'>;

/** A run's counts as a person reads them: `expired 2, trapped 1`. */
function describeOutcome(outcome: JobOutcome | null): string {
  if (outcome === null) return 'nothing recorded yet';
  if ('error' in outcome) return `failed with ${String(outcome.error)}`;
  const parts = Object.entries(outcome).map(([name, count]) => `${name} ${count}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing to do';
}

function describeOverview(jobs: JobOverview[]): string {
  const lines: string[] = [];
  for (const job of jobs) {
    lines.push(`${job.name}: ${job.description}`);
    lines.push(`  period: ${job.period}${job.scheduled ? '' : ' (not run by the scheduler)'}`);
    if (job.lastRuns.length === 0) lines.push('  never ran');
    for (const r of job.lastRuns)
      lines.push(`  last ran ${r.period} at ${r.startedAt}${r.status === 'running' ? ' (still running)' : r.finishedAt ? `, took ${Math.max(0, Date.parse(r.finishedAt) - Date.parse(r.startedAt))} ms` : ''}: ${describeOutcome(r.outcome)}`);
  }
  return lines.join('\n');
}

function describeReports(name: string, reports: RunReport[]): string {
  if (reports.length === 0) return `${name}: no period is due (no library, or the schedule has not come round yet).`;
  return reports
    .map((r) => {
      if (r.status === 'ran') return `${r.job} ${r.period}: ran${r.retaken ? ' (again)' : ''}: ${describeOutcome(r.outcome)}`;
      if (r.status === 'running') return `${r.job} ${r.period}: already running since ${r.heldBy?.startedAt ?? '?'} (${r.heldBy?.runner ?? '?'})`;
      return `${r.job} ${r.period}: already ran at ${r.heldBy?.startedAt ?? '?'}: ${describeOutcome(r.outcome)} (--force runs it again)`;
    })
    .join('\n');
}

/** `carrel jobs list` and `carrel jobs run NAME`: the scheduler's jobs, by hand. */
export function registerJobsCommands(program: Command, helpers: JobsCommandHelpers): void {
  const { withRuntime, globals, asOf, config } = helpers;
  const jobs = program.command('jobs').description(`the scheduler’s jobs (${JOB_NAMES.join(', ')}): when each last ran and what it did`);

  jobs
    .command('list')
    .description('each job, its period, when it last ran (per library) and what it did, in counts')
    .option('--library <id>', 'only this library’s runs')
    .action(async (o: { library?: string }, command: Command) => {
      const opts = globals(command);
      const overview = await withRuntime(opts, false, (runtime) =>
        jobsOverview(runtime, { actor: SYSTEM, purpose: 'administration', channel: 'cli' }, { retentionSchedule: config.retentionSchedule, ...(o.library !== undefined ? { libraryId: o.library } : {}) }),
      );
      emit(opts.json, { jobs: overview }, () => describeOverview(overview));
    });

  jobs
    .command('run')
    .description('run a job now through the same claim as the scheduler: a period that already ran is not run again')
    .argument('<name>', `the job: ${JOB_NAMES.join(', ')}`)
    .option('--library <id>', 'only this library (jobs run per library)')
    .option('--force', 'run again a period that already ran (never one that is running)')
    .addOption(asOf())
    .action(async (name: string, o: { library?: string; force?: boolean }, command: Command) => {
      const opts = globals(command);
      // notices-send sends on the channels the environment configures, as `carrel start` does (without
      // them the job would find no channel and report nothing sent while notices wait).
      const notices = name === 'notices-send' ? noticeChannelsFromEnvironment() : null;
      const reports = await withRuntime(opts, false, (runtime) =>
        runJob(runtime, name, {
          retentionSchedule: config.retentionSchedule,
          force: o.force === true,
          ...(o.library !== undefined ? { libraryId: o.library } : {}),
          ...(notices ? { noticeChannels: notices.channels, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}) } : {}),
        }),
      ).finally(() => notices?.close());
      const failed = reports.find((r) => r.status === 'failed');
      if (failed) {
        const code = failed.outcome && 'error' in failed.outcome ? String(failed.outcome.error) : 'INTERNAL_ERROR';
        throw refuse(ErrorCode.JOB_FAILED, `The ${failed.job} job failed for ${failed.period} with ${code}; the failure is recorded and the scheduler tries it again later.`);
      }
      emit(opts.json, { job: name, runs: reports }, () => describeReports(name, reports));
    });
}
