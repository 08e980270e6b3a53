import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { runRetention, type RetentionReport } from '../jobs/retention.job.js';
import { SYSTEM } from '../policy/actors.js';
import { run, type Caller } from '../usecases/context.js';
import { checkProfile, listProfiles } from '../usecases/profile.usecases.js';
import { retentionHistory } from '../usecases/retention.usecases.js';
import { emit, tr } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** What main.ts lends the retention commands. */
export type RetentionCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf'>;

const OPERATOR: Caller = { actor: SYSTEM, purpose: 'retention', channel: 'cli' };

/** The report as an operator reads it: per library, per category, what went and what stayed. */
export function describeReport(report: RetentionReport): string {
  const lines = [report.dryRun ? tr.t('cli.retention.dryRunAsOf', { asOf: report.asOf }) : tr.t('cli.retention.runAsOf', { asOf: report.asOf })];
  for (const library of report.libraries) {
    const profile = { library: library.libraryId, profile: library.profileId, version: String(library.profileVersion) };
    lines.push(`\n${library.runId ? tr.t('cli.retention.libraryRun', { ...profile, run: library.runId }) : tr.t('cli.retention.library', profile)}`);
    if (library.resumedFrom) lines.push(`  ${tr.t('cli.retention.resumed', { run: library.resumedFrom })}`);
    for (const c of library.categories) {
      // Category names, clauses and rules are the profile's own, as in --json.
      const counts = c.skipped ? tr.t('cli.retention.sweepNotDue', { until: c.skipped.nextSweepAfter.slice(0, 10) }) : disposalCounts(report.dryRun, c.disposed, c.kept, c.held);
      lines.push(`  ${c.category.padEnd(20)} ${counts.padEnd(40)} ${c.clause.padEnd(8)} ${c.rule}`);
    }
    for (const series of library.externalRecordsDue) {
      const values = { name: series.name, code: series.code, days: series.retentionDays, through: series.dueThrough };
      lines.push(`  ${series.clause ? tr.t('cli.retention.externalDue', { ...values, clause: series.clause }) : tr.t('cli.retention.externalDueNoClause', values)}`);
    }
  }
  if (report.walCheckpoint === 'busy') lines.push(`\n${tr.t('cli.retention.walBusy')}`);
  return lines.join('\n');
}

/** One category's counts: what went (or would go) and what stayed, and how much of it a legal hold kept. */
function disposalCounts(dryRun: boolean, disposed: number, kept: number, held: number): string {
  const counts = dryRun ? tr.t('cli.retention.wouldDispose', { disposed, kept }) : tr.t('cli.retention.disposed', { disposed, kept });
  return held > 0 ? `${counts} ${tr.t('cli.retention.held', { held })}` : counts;
}

/** `carrel retention run` and `carrel profiles list|check`. */
export function registerRetentionCommands(program: Command, helpers: RetentionCommandHelpers): void {
  const { withRuntime, globals, asOf } = helpers;
  const retention = program.command('retention').description(tr.t('cli.retention.help'));

  retention
    .command('run')
    .description(tr.t('cli.retention.run.help'))
    .option('--library <id>', 'only this library (default: every library)')
    .option('--dry-run', 'decide and count, change nothing, leave no receipt')
    .option('--page-size <n>', 'records per transaction (default: sized to --page-millis)')
    .option('--page-millis <ms>', 'how long one transaction should take (default: 15 on SQLite, 250 on PostgreSQL)')
    .option('--backlog', 'the first run over years of records (after a migration): yields more to a busy desk')
    .addOption(asOf())
    .action(async (o: { library?: string; dryRun?: boolean; pageSize?: string; pageMillis?: string; backlog?: boolean }, command: Command) => {
      const opts = globals(command);
      const pageSize = o.pageSize === undefined ? undefined : Number(o.pageSize);
      if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000))
        throw refuse(ErrorCode.VALIDATION_FAILED, '--page-size takes a number from 1 to 10000.', 'pageSize');
      const pageMillis = o.pageMillis === undefined ? undefined : Number(o.pageMillis);
      if (pageMillis !== undefined && (!Number.isFinite(pageMillis) || pageMillis < 1 || pageMillis > 60_000))
        throw refuse(ErrorCode.VALIDATION_FAILED, '--page-millis takes a number from 1 to 60000.', 'pageMillis');
      // A progress bar only for a person at a terminal; scripts (and --json) get the report alone.
      const bar = process.stderr.isTTY && !opts.json ? new cliProgress.SingleBar({ format: 'retention {library} {category} | {value} records examined', stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
      bar?.start(0, 0, { library: '', category: '' });
      let report: RetentionReport;
      try {
        report = await withRuntime(opts, false, (runtime) =>
          runRetention(runtime, {
            ...(o.library !== undefined ? { libraryId: o.library } : {}),
            dryRun: o.dryRun === true,
            mode: o.backlog === true ? 'backlog' : 'nightly',
            ...(pageSize !== undefined ? { pageSize } : {}),
            ...(pageMillis !== undefined ? { pageMillis } : {}),
            onProgress: (p) => bar?.update(p.done, { library: p.libraryId, category: p.category }),
          }),
        );
      } finally {
        bar?.stop();
      }
      emit(opts.json, report, () => describeReport(report));
    });

  retention
    .command('history')
    .description(tr.t('cli.retention.history.help'))
    .requiredOption('--library <id>', 'library id')
    .option('--limit <n>', 'how many runs', '10')
    .action(async (o: { library: string; limit: string }, command: Command) => {
      const opts = globals(command);
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw refuse(ErrorCode.VALIDATION_FAILED, '--limit takes a number from 1 to 100.', 'limit');
      const history = await withRuntime(opts, false, (runtime) => run(runtime, OPERATOR, retentionHistory, { libraryId: o.library, limit }));
      emit(opts.json, history, () =>
        [
          tr.t('cli.retention.library', { library: history.libraryId, profile: history.profile.id, version: String(history.profile.version) }),
          ...history.runs.flatMap((r) => [
            `  ${tr.t('cli.retention.history.run', { id: r.id, asOf: r.asOf, status: r.status })}`,
            ...r.receipts.map((line) => {
              const counts = tr.t('cli.retention.history.counts', { disposed: String(line.disposed).padStart(7), kept: String(line.kept).padStart(6) });
              const held = line.held > 0 ? ` ${tr.t('cli.retention.held', { held: line.held })}` : '';
              return `    ${line.category.padEnd(20)} ${counts}${held}  ${line.clause.padEnd(8)} ${line.rule}`;
            }),
          ]),
        ].join('\n'),
      );
    });

  const profileCommand = program.command('profiles').description(tr.t('cli.profiles.help'));
  profileCommand
    .command('list')
    .description(tr.t('cli.profiles.list.help'))
    .action((_o, command: Command) => {
      const opts = globals(command);
      const list = listProfiles(OPERATOR);
      emit(opts.json, list, () => list.map((p) => `${p.id.padEnd(20)} v${p.version} ${p.effective}  ${p.name} (${p.jurisdiction})`).join('\n'));
    });
  profileCommand
    .command('check')
    .description(tr.t('cli.profiles.check.help'))
    .argument('<file>', 'a profile YAML file')
    .action((file: string, _o, command: Command) => {
      const opts = globals(command);
      const path = resolve(file);
      const profile = checkProfile(OPERATOR, { text: readFileSync(path, 'utf8'), fileName: path });
      emit(opts.json, { valid: true, id: profile.id, version: profile.version }, () => tr.t('cli.profiles.check.valid', { path, id: profile.id, version: String(profile.version) }));
    });
}
