import type { Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { changeMembership, renewCard, resetPin } from '../usecases/patron-card.usecases.js';
import { emit } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/**
 * `carrel patron renew-card|reset-pin|membership` (issue 15, CB-F2): renew a card after re-verifying the
 * patron, reset a forgotten PIN (shown once, in this command's output only), change the category or home
 * branch. Added to the `patron` command patron.commands.ts defines.
 */
export function registerPatronCardCommands(patron: Command, helpers: Pick<CommandHelpers, 'globals' | 'asOf' | 'runAs'>): void {
  const { runAs, globals, asOf } = helpers;

  patron
    .command('renew-card')
    .description('renew a patron’s card for the category’s validity, after re-verifying the patron (CB-F2)')
    .requiredOption('--card <card>', 'patron card number')
    .option('--verified', 'confirm the patron was re-verified today (required)')
    .addOption(asOf())
    .action(async (o: { card: string; verified?: boolean }, command: Command) => {
      const opts = globals(command);
      if (o.verified !== true) throw refuse(ErrorCode.VALIDATION_FAILED, 'Re-verify the patron, then confirm with --verified.', 'verified');
      const result = await runAs(opts, 'account-service')(renewCard, { cardNumber: o.card, verified: true });
      emit(opts.json, result, () => `Card renewed; it now expires ${result.expiresAt} (was ${result.previousExpiresAt}).`);
    });

  patron
    .command('reset-pin')
    .description('give a patron a new PIN (shown once); the card number stays and their sessions end')
    .requiredOption('--card <card>', 'patron card number')
    .addOption(asOf())
    .action(async (o: { card: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'account-service')(resetPin, { cardNumber: o.card });
      emit(opts.json, result, () => `PIN reset.\n  PIN:  ${result.pin} (shown once; give it to the patron)`);
    });

  patron
    .command('membership')
    .description('change a patron’s category (checked against their age) or home branch')
    .requiredOption('--card <card>', 'patron card number')
    .option('--category <code>', 'the new patron category')
    .option('--home-branch <branch>', 'the new home branch, by code or id ("none" clears it)')
    .addOption(asOf())
    .action(async (o: { card: string; category?: string; homeBranch?: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'account-service')(changeMembership, {
        cardNumber: o.card,
        ...(o.category !== undefined ? { categoryCode: o.category } : {}),
        ...(o.homeBranch !== undefined ? { homeBranch: o.homeBranch === 'none' ? null : o.homeBranch } : {}),
      });
      emit(opts.json, { patronId: result.id, categoryCode: result.categoryCode, homeBranchId: result.homeBranchId }, () =>
        `Membership changed: category ${result.categoryCode}, home branch ${result.homeBranchId ?? 'none'}.`,
      );
    });
}
