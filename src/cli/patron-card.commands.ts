import type { Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { changeMembership, linkGuardian, renewCard, resetPin } from '../usecases/patron-card.usecases.js';
import { emit, tr } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/**
 * `carrel patron renew-card|reset-pin|membership|link-guardian` (issue 15, CB-F2): renew a card after re-verifying the
 * patron, reset a forgotten PIN (shown once, in this command's output only), change the category or home
 * branch. Added to the `patron` command patron.commands.ts defines.
 */
export function registerPatronCardCommands(patron: Command, helpers: Pick<CommandHelpers, 'globals' | 'asOf' | 'runAs' | 'runWithTimes'>): void {
  const { runAs, runWithTimes, globals, asOf } = helpers;

  patron
    .command('renew-card')
    .description(tr.t('cli.patron.renewCard.help'))
    .requiredOption('--card <card>', 'patron card number')
    .option('--verified', 'confirm the patron was re-verified today (required)')
    .addOption(asOf())
    .action(async (o: { card: string; verified?: boolean }, command: Command) => {
      const opts = globals(command);
      if (o.verified !== true) throw refuse(ErrorCode.VALIDATION_FAILED, 'Re-verify the patron, then confirm with --verified.', 'verified');
      const { result, times } = await runWithTimes(opts, 'account-service')(renewCard, { cardNumber: o.card, verified: true });
      emit(opts.json, result, () => tr.t('cli.patron.renewCard.done', { expires: times.when(result.expiresAt), previous: times.when(result.previousExpiresAt) }));
    });

  patron
    .command('link-guardian')
    .description(tr.t('cli.patron.linkGuardian.help'))
    .requiredOption('--card <card>', 'the minor’s card number')
    .requiredOption('--guardian-card <card>', 'the card of the adult who signs for them')
    .addOption(asOf())
    .action(async (o: { card: string; guardianCard: string }, command: Command) => {
      const opts = globals(command);
      const { result, times } = await runWithTimes(opts, 'account-service')(linkGuardian, { cardNumber: o.card, guardianCardNumber: o.guardianCard });
      emit(opts.json, result, () => tr.t('cli.patron.linkGuardian.done', { since: times.when(result.startedAt) }));
    });

  patron
    .command('reset-pin')
    .description(tr.t('cli.patron.resetPin.help'))
    .requiredOption('--card <card>', 'patron card number')
    .addOption(asOf())
    .action(async (o: { card: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'account-service')(resetPin, { cardNumber: o.card });
      emit(opts.json, result, () => tr.t('cli.patron.resetPin.done', { pin: result.pin }));
    });

  patron
    .command('membership')
    .description(tr.t('cli.patron.membership.help'))
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
        result.homeBranchId === null
          ? tr.t('cli.patron.membership.doneNoBranch', { category: result.categoryCode })
          : tr.t('cli.patron.membership.done', { category: result.categoryCode, branch: result.homeBranchId }),
      );
    });
}
