import type { Command } from 'commander';
import { keyStatus, purgeShreddedKeys } from '../usecases/key.usecases.js';
import { emit, progressLine } from './output.js';
import type { CommandHelpers } from './command-helpers.js';
import { rotateKeys } from './runtime.js';

/** `carrel keys rotate|status|purge`: the vault's keys. */
export function registerKeysCommands(program: Command, helpers: CommandHelpers): void {
  const { runAs, globals, asOf, config } = helpers;

  const keysCommand = program.command('keys').description('the vault’s keys');
  keysCommand
    .command('rotate')
    .description('new key-encryption key in the key file; rewraps every key, no downtime; run again to resume if interrupted')
    .action(async (_o, command: Command) => {
      const opts = globals(command);
      const progress = opts.json ? () => undefined : progressLine('rewrapping data keys');
      const report = await rotateKeys(opts.db ?? config.database, config.keyFile, progress);
      emit(opts.json, report, () => `\nKey rotated: current key ${report.current}; retired ${report.retired.join(', ') || 'none'}; ${report.rewrapped} key(s) rewrapped${report.resumed ? ' (resumed an interrupted rotation)' : ''}.`);
    });
  keysCommand
    .command('status')
    .description('which key-encryption keys wrap how many data keys')
    .action(async (_o, command: Command) => {
      const opts = globals(command);
      const status = await runAs(opts, 'administration')(keyStatus, undefined);
      emit(opts.json, status, () => `Current key ${status.current}; key ring ${status.keyRing.join(', ')}; ${status.dataKeys.total} data key(s): ${Object.entries(status.dataKeys.byKek).map(([k, n]) => `${n} under ${k}`).join(', ') || 'none'}.`);
    });
  keysCommand
    .command('purge')
    .description('destroy the keys of deleted patrons whose key-store retention has passed')
    .addOption(asOf())
    .action(async (_o, command: Command) => {
      const opts = globals(command);
      // Opening the vault already destroys what is past the retention; the use case reports that too.
      const { destroyed } = await runAs(opts, 'administration')(purgeShreddedKeys, undefined);
      emit(opts.json, { destroyed }, () => `${destroyed} shredded key(s) destroyed.`);
    });
}
