import type { Command } from 'commander';
import { reissueCard, reportCardLost } from '../usecases/patron-service.usecases.js';
import { emit, tr } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** What main.ts lends these commands (the same helpers as the other command files). */
export type PatronServiceCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf' | 'runAs'>;

/**
 * `carrel patron card-lost|reissue`: a card reported lost or stolen stops at once, and a new card with a
 * new PIN replaces it (JC-IVa, IF-6). Added to the `patron` command main.ts defines.
 */
export function registerPatronServiceCommands(patron: Command, helpers: PatronServiceCommandHelpers): void {
  const { runAs, globals, asOf } = helpers;

  patron
    .command('card-lost')
    .description(tr.t('cli.patron.cardLost.help'))
    .requiredOption('--card <card>', 'patron card number')
    .addOption(asOf())
    .action(async (o: { card: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'account-service')(reportCardLost, { cardNumber: o.card });
      emit(opts.json, result, () => tr.t('cli.patron.cardLost.done'));
    });

  patron
    .command('reissue')
    .description(tr.t('cli.patron.reissue.help'))
    .requiredOption('--card <card>', 'the old card number')
    .addOption(asOf())
    .action(async (o: { card: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'account-service')(reissueCard, { cardNumber: o.card });
      emit(opts.json, result, () => tr.t('cli.patron.reissue.done', { card: result.cardNumber, pin: result.pin }));
    });
}
