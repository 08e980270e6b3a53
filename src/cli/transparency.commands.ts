import { Option, type Command } from 'commander';
import { reportMarkdown, transparencyReport } from '../usecases/transparency.usecases.js';
import { emit, tr } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** What main.ts lends the transparency command. */
export type TransparencyCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf' | 'runAs'>;

/**
 * `carrel transparency-report --from --to [--library] [--format md|json]`: legal requests by instrument
 * and outcome (gagged ones only in a band, JC-II), legal holds and complaints (JC-VIII), as the operator.
 */
export function registerTransparencyCommands(program: Command, helpers: TransparencyCommandHelpers): void {
  const { runAs, globals, asOf } = helpers;
  program
    .command('transparency-report')
    .description(tr.t('cli.transparency.help'))
    .requiredOption('--from <YYYY-MM-DD>', 'the first day of the period')
    .requiredOption('--to <YYYY-MM-DD>', 'the day after its last day (not included)')
    .option('--library <id>', 'one library (default: every library)')
    .addOption(new Option('--format <format>', 'md or json').choices(['md', 'json']).default('md'))
    .addOption(asOf())
    .action(async (o: { from: string; to: string; library?: string; format: 'md' | 'json' }, command: Command) => {
      const opts = globals(command);
      const report = await runAs(opts, 'statistics')(transparencyReport, { from: o.from, to: o.to, ...(o.library ? { libraryId: o.library } : {}) });
      emit(opts.json === true || o.format === 'json', report, () => reportMarkdown(report, tr).trimEnd());
    });
}
