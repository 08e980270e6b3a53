import type { Command, Option } from 'commander';
import type { Runtime } from '../usecases/context.js';
import { reissueCard, reportCardLost } from '../usecases/patron-service.usecases.js';
import { emit } from './output.js';
import { systemRun, type GlobalOptions } from './command-helpers.js';

/** What main.ts lends these commands (the same helpers as the other command files). */
export interface PatronServiceCommandHelpers {
  withRuntime<T>(opts: GlobalOptions, create: boolean, body: (runtime: Runtime) => Promise<T>): Promise<T>;
  globals(command: Command): GlobalOptions;
  asOf(): Option;
}

/**
 * `carrel patron card-lost|reissue`: a card reported lost or stolen stops at once, and a new card with a
 * new PIN replaces it (JC-IVa, IF-6). Added to the `patron` command main.ts defines.
 */
export function registerPatronServiceCommands(patron: Command, helpers: PatronServiceCommandHelpers): void {
  const { withRuntime, globals, asOf } = helpers;

  patron
    .command('card-lost')
    .description('record a card reported lost or stolen: it stops working at once and every session opened with it ends')
    .requiredOption('--card <card>', 'patron card number')
    .addOption(asOf())
    .action(async (o: { card: string }, command: Command) => {
      const opts = globals(command);
      const result = await withRuntime(opts, false, (runtime) => systemRun(runtime, 'account-service')(reportCardLost, { cardNumber: o.card }));
      emit(opts.json, result, () => 'The card is recorded as lost and no longer works. Issue a new one with `carrel patron reissue`.');
    });

  patron
    .command('reissue')
    .description('issue a new card number and PIN (shown once); the old card no longer finds the patron')
    .requiredOption('--card <card>', 'the old card number')
    .addOption(asOf())
    .action(async (o: { card: string }, command: Command) => {
      const opts = globals(command);
      const result = await withRuntime(opts, false, (runtime) => systemRun(runtime, 'account-service')(reissueCard, { cardNumber: o.card }));
      emit(opts.json, result, () => `New card issued.\n  card: ${result.cardNumber}\n  PIN:  ${result.pin} (shown once; give it to the patron)`);
    });
}
