import type { Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { JOB_NAMES, jobsOverview, runJob, type JobOverview, type RunReport } from '../jobs/scheduler.js';
import { noticeChannelsFromEnvironment } from './runtime.js';
import { SYSTEM } from '../policy/actors.js';
import type { JobOutcome } from '../usecases/job-run.usecases.js';
import { emit, tr } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** What main.ts lends the jobs commands. */
export type JobsCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf' | 'config'>;

/** A run's counts as a person reads them: `expired 2, trapped 1`. */
function describeOutcome(outcome: JobOutcome | null): string {
  if (outcome === null) return tr.t('cli.jobs.outcome.none');
  if ('error' in outcome) return tr.t('cli.jobs.outcome.failed', { code: String(outcome.error) });
  // The counts' names are the job's own (expired, trapped, sent): the same in every language, as in --json.
  const parts = Object.entries(outcome).map(([name, count]) => `${name} ${count}`);
  return parts.length > 0 ? parts.join(', ') : tr.t('cli.jobs.outcome.nothingToDo');
}

function describeOverview(jobs: JobOverview[]): string {
  const lines: string[] = [];
  for (const job of jobs) {
    lines.push(`${job.name}: ${job.description}`);
    lines.push(`  ${job.scheduled ? tr.t('cli.jobs.period', { period: job.period }) : tr.t('cli.jobs.periodUnscheduled', { period: job.period })}`);
    if (job.lastRuns.length === 0) lines.push(`  ${tr.t('cli.jobs.neverRan')}`);
    for (const r of job.lastRuns) {
      const values = { period: r.period, startedAt: r.startedAt, outcome: describeOutcome(r.outcome) };
      if (r.status === 'running') lines.push(`  ${tr.t('cli.jobs.lastRanRunning', values)}`);
      else if (r.finishedAt) lines.push(`  ${tr.t('cli.jobs.lastRanTook', { ...values, ms: Math.max(0, Date.parse(r.finishedAt) - Date.parse(r.startedAt)) })}`);
      else lines.push(`  ${tr.t('cli.jobs.lastRan', values)}`);
    }
  }
  return lines.join('\n');
}

function describeReports(name: string, reports: RunReport[]): string {
  if (reports.length === 0) return tr.t('cli.jobs.run.nothingDue', { job: name });
  return reports
    .map((r) => {
      const values = { job: r.job, period: r.period, outcome: describeOutcome(r.outcome) };
      if (r.status === 'ran') return r.retaken ? tr.t('cli.jobs.run.ranAgain', values) : tr.t('cli.jobs.run.ran', values);
      if (r.status === 'running') return tr.t('cli.jobs.run.running', { ...values, since: r.heldBy?.startedAt ?? '?', runner: r.heldBy?.runner ?? '?' });
      return tr.t('cli.jobs.run.alreadyRan', { ...values, at: r.heldBy?.startedAt ?? '?' });
    })
    .join('\n');
}

/** `carrel jobs list` and `carrel jobs run NAME`: the scheduler's jobs, by hand. */
export function registerJobsCommands(program: Command, helpers: JobsCommandHelpers): void {
  const { withRuntime, globals, asOf, config } = helpers;
  const jobs = program.command('jobs').description(tr.t('cli.jobs.help', { jobs: JOB_NAMES.join(', ') }));

  jobs
    .command('list')
    .description(tr.t('cli.jobs.list.help'))
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
    .description(tr.t('cli.jobs.run.help'))
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
