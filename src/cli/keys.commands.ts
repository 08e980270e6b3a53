import { InvalidArgumentError, type Command } from 'commander';
import { keyStatus, purgeShreddedKeys } from '../usecases/key.usecases.js';
import { emit, progressLine, tr } from './output.js';
import type { CommandHelpers } from './command-helpers.js';
import { REWRAP_BATCH, rotateKeys } from './runtime.js';

/** `carrel keys rotate|status|purge`: the vault's keys. */
export function registerKeysCommands(program: Command, helpers: CommandHelpers): void {
  const { runAs, globals, asOf, config } = helpers;

  const keysCommand = program.command('keys').description(tr.t('cli.keys.help'));
  keysCommand
    .command('rotate')
    .description(tr.t('cli.keys.rotate.help'))
    .option('--batch-size <n>', `data keys rewrapped per transaction (default ${REWRAP_BATCH})`, (value: string) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 10000) throw new InvalidArgumentError('--batch-size is a whole number from 1 to 10000.');
      return n;
    })
    .action(async (o: { batchSize?: number }, command: Command) => {
      const opts = globals(command);
      const progress = opts.json ? () => undefined : progressLine(tr.t('cli.keys.rotate.progress'));
      const report = await rotateKeys(opts.db ?? config.database, config.keyFile, progress, o.batchSize);
      emit(opts.json, report, () => {
        const values = { current: report.current, retired: report.retired.join(', ') || tr.t('cli.keys.none'), count: report.rewrapped };
        const lines = [`\n${report.resumed ? tr.t('cli.keys.rotatedResumed', values) : tr.t('cli.keys.rotated', values)}`];
        if (report.oldWrappings.log === 'busy') lines.push(tr.t('cli.keys.walBusy'));
        if (report.oldWrappings.log === 'not-permitted') lines.push(tr.t('cli.keys.checkpointRefused'));
        return lines.join('\n');
      });
    });
  keysCommand
    .command('status')
    .description(tr.t('cli.keys.status.help'))
    .action(async (_o, command: Command) => {
      const opts = globals(command);
      const status = await runAs(opts, 'administration')(keyStatus, undefined);
      emit(opts.json, status, () => {
        const byKek = Object.entries(status.dataKeys.byKek).map(([kek, count]) => tr.t('cli.keys.under', { count, kek }));
        return tr.t('cli.keys.status', { current: status.current, ring: status.keyRing.join(', '), count: status.dataKeys.total, byKek: byKek.join(', ') || tr.t('cli.keys.none') });
      });
    });
  keysCommand
    .command('purge')
    .description(tr.t('cli.keys.purge.help'))
    .addOption(asOf())
    .action(async (_o, command: Command) => {
      const opts = globals(command);
      // Opening the vault already destroys what is past the retention; the use case reports that too.
      const { destroyed } = await runAs(opts, 'administration')(purgeShreddedKeys, undefined);
      emit(opts.json, { destroyed }, () => tr.t('cli.keys.purged', { count: destroyed }));
    });
}
