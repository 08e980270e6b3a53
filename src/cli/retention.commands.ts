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
import { emit } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** What main.ts lends the retention commands. */
export type RetentionCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf'>;

const OPERATOR: Caller = { actor: SYSTEM, purpose: 'retention', channel: 'cli' };

/** The report as an operator reads it: per library, per category, what went and what stayed. */
export function describeReport(report: RetentionReport): string {
  const lines = [`Retention ${report.dryRun ? 'dry run (nothing changed)' : 'run'} as of ${report.asOf}`];
  for (const library of report.libraries) {
    lines.push(`\n${library.libraryId} (profile ${library.profileId} v${library.profileVersion})${library.runId ? ` run ${library.runId}` : ''}`);
    if (library.resumedFrom) lines.push(`  finished the work of interrupted run ${library.resumedFrom}`);
    for (const c of library.categories) {
      const counts = c.skipped ? `annual sweep not due until ${c.skipped.nextSweepAfter.slice(0, 10)}` : `${report.dryRun ? 'would dispose of' : 'disposed of'} ${c.disposed}, kept ${c.kept}${c.held > 0 ? ` (${c.held} under legal hold)` : ''}`;
      lines.push(`  ${c.category.padEnd(20)} ${counts.padEnd(40)} ${c.clause.padEnd(8)} ${c.rule}`);
    }
    for (const series of library.externalRecordsDue)
      lines.push(`  DUE outside Carrel: ${series.name} (${series.code}, ${series.retentionDays} days, ${series.clause ?? 'no clause'}): destroy what was recorded before ${series.dueThrough}, then run \`carrel records confirm\``);
  }
  return lines.join('\n');
}

/** `carrel retention run` and `carrel profiles list|check`. */
export function registerRetentionCommands(program: Command, helpers: RetentionCommandHelpers): void {
  const { withRuntime, globals, asOf } = helpers;
  const retention = program.command('retention').description('the retention engine: make the profile’s retention promises true');

  retention
    .command('run')
    .description('dispose of what each library’s profile no longer allows to be kept, and leave a receipt per category')
    .option('--library <id>', 'only this library (default: every library)')
    .option('--dry-run', 'decide and count, change nothing, leave no receipt')
    .option('--page-size <n>', 'records per transaction (default: sized to --page-millis)')
    .option('--page-millis <ms>', 'how long one transaction should take (default: 15 on SQLite, 250 on PostgreSQL)')
    .addOption(asOf())
    .action(async (o: { library?: string; dryRun?: boolean; pageSize?: string; pageMillis?: string }, command: Command) => {
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
    .description('a library’s latest runs and their receipts: rule, clause, counts, times (no personal data)')
    .requiredOption('--library <id>', 'library id')
    .option('--limit <n>', 'how many runs', '10')
    .action(async (o: { library: string; limit: string }, command: Command) => {
      const opts = globals(command);
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw refuse(ErrorCode.VALIDATION_FAILED, '--limit takes a number from 1 to 100.', 'limit');
      const history = await withRuntime(opts, false, (runtime) => run(runtime, OPERATOR, retentionHistory, { libraryId: o.library, limit }));
      emit(opts.json, history, () =>
        [
          `${history.libraryId} (profile ${history.profile.id} v${history.profile.version})`,
          ...history.runs.flatMap((r) => [
            `  run ${r.id} as of ${r.asOf} — ${r.status}`,
            ...r.receipts.map((line) => `    ${line.category.padEnd(20)} disposed of ${String(line.disposed).padStart(7)}, kept ${String(line.kept).padStart(6)}${line.held > 0 ? ` (${line.held} under legal hold)` : ''}  ${line.clause.padEnd(8)} ${line.rule}`),
          ]),
        ].join('\n'),
      );
    });

  const profileCommand = program.command('profiles').description('policy profiles (shipped, and yours in CARREL_PROFILES_DIR)');
  profileCommand
    .command('list')
    .description('list the profiles this installation can use')
    .action((_o, command: Command) => {
      const opts = globals(command);
      const list = listProfiles(OPERATOR);
      emit(opts.json, list, () => list.map((p) => `${p.id.padEnd(20)} v${p.version} ${p.effective}  ${p.name} (${p.jurisdiction})`).join('\n'));
    });
  profileCommand
    .command('check')
    .description('validate a profile file before putting it in CARREL_PROFILES_DIR')
    .argument('<file>', 'a profile YAML file')
    .action((file: string, _o, command: Command) => {
      const opts = globals(command);
      const path = resolve(file);
      const profile = checkProfile(OPERATOR, { text: readFileSync(path, 'utf8'), fileName: path });
      emit(opts.json, { valid: true, id: profile.id, version: profile.version }, () => `${path}: valid profile ${profile.id} v${profile.version}`);
    });
}
