import { Option, type Command } from 'commander';
import { DIMENSIONS, PERIODS, statistics, statisticsCsv, statisticsText, STATISTICS_KINDS } from '../usecases/statistics.usecases.js';
import { emit, tr } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** What main.ts lends the statistics command. */
export type StatisticsCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf' | 'runAs'>;

/**
 * `carrel stats --library ID --kind K --rows D --columns D --from YYYY-MM-01 --to YYYY-MM-01 [--period
 * month|year] [--format table|csv|json]`: a table of aggregate counts over whole months that have ended,
 * with small cells suppressed (CB-A6, RF-3, IF-4).
 */
export function registerStatisticsCommands(program: Command, helpers: StatisticsCommandHelpers): void {
  const { runAs, globals, asOf } = helpers;
  program
    .command('stats')
    .description(tr.t('cli.stats.help'))
    .requiredOption('--library <id>', 'the library')
    .addOption(new Option('--kind <kind>', 'what to count').choices([...STATISTICS_KINDS]).makeOptionMandatory())
    .addOption(new Option('--rows <dimension>', 'the rows').choices([...DIMENSIONS]).makeOptionMandatory())
    .addOption(new Option('--columns <dimension>', 'the columns').choices([...DIMENSIONS]).makeOptionMandatory())
    .requiredOption('--from <YYYY-MM-DD>', 'the first day of the first month (library time; 1 January by year)')
    .requiredOption('--to <YYYY-MM-DD>', 'the first day after the last month (not included), at most the first day of this month')
    .addOption(new Option('--period <period>', 'how the period dimension is cut').choices([...PERIODS]).default('month'))
    .addOption(new Option('--format <format>', 'table, csv or json').choices(['table', 'csv', 'json']).default('table'))
    .addOption(asOf())
    .action(async (o: { library: string; kind: string; rows: string; columns: string; from: string; to: string; period: string; format: 'table' | 'csv' | 'json' }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'statistics')(statistics, { libraryId: o.library, kind: o.kind, rows: o.rows, columns: o.columns, from: o.from, to: o.to, period: o.period });
      if (o.format === 'csv' && opts.json !== true) process.stdout.write(statisticsCsv(result));
      else emit(opts.json === true || o.format === 'json', result, () => statisticsText(result));
    });
}
