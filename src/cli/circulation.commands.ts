import type { Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { formatAmount, parseAmount } from '../domain/money.js';
import { checkin, checkout, declareLost, renew, renewAll } from '../usecases/circulation.usecases.js';
import { pay } from '../usecases/fine.usecases.js';
import { cancelHold, expireHolds, placeHold, suspendHold } from '../usecases/hold.usecases.js';
import { emit, money } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** `carrel checkout|checkin|renew|lost`, `carrel pay` and `carrel holds place|suspend|cancel|expire`: the desk. */
export function registerCirculationCommands(program: Command, helpers: CommandHelpers): void {
  const { runAs, globals, asOf } = helpers;

  program
    .command('checkout')
    .description('check an item out to a patron')
    .requiredOption('--card <card>', 'patron card number')
    .requiredOption('--item <barcode>', 'item barcode')
    .option('--override-reason <text>', 'lend past money owed, overdue items or the loan limit this once, for this reason (logged; kept sealed with the loan)')
    .addOption(asOf())
    .action(async (o: { card: string; item: string; overrideReason?: string }, command: Command) => {
      const opts = globals(command);
      const loan = await runAs(opts, 'circulation')(checkout, {
        cardNumber: o.card,
        itemBarcode: o.item,
        ...(o.overrideReason !== undefined ? { override: { reason: o.overrideReason } } : {}),
      });
      emit(opts.json, loan, () =>
        `Checked out ${loan.itemBarcode} (${loan.title}); due ${loan.dueAt}.${loan.overriddenBlocks.length > 0 ? `\nOverridden: ${loan.overriddenBlocks.join(', ')}.` : ''}`,
      );
    });

  program
    .command('checkin')
    .description('check an item in (charges any overdue fine, traps the next hold)')
    .requiredOption('--item <barcode>', 'item barcode')
    .option('--library <id>', 'library, when several use the barcode')
    .addOption(asOf())
    .action(async (o: { item: string; library?: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'circulation')(checkin, { itemBarcode: o.item, ...(o.library ? { libraryId: o.library } : {}) });
      emit(opts.json, result, () =>
        [
          `Checked in ${result.itemBarcode} (${result.title})${result.daysLate > 0 ? `, ${result.daysLate} day(s) late` : ''}.`,
          result.fine ? `Overdue fine charged: ${money(result.fine.amountCents)}.` : '',
          result.lostChargeCancelled ? 'The lost-item charge was cancelled.' : '',
          result.routing.to === 'hold-shelf' ? `Route to the hold shelf (hold ${result.routing.holdId}); pick up by ${result.routing.pickupBy}.` : 'Return it to the shelves.',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });

  program
    .command('renew')
    .description('renew a loan')
    .requiredOption('--item <barcode>', 'item barcode')
    .option('--library <id>', 'library, when several use the barcode')
    .addOption(asOf())
    .action(async (o: { item: string; library?: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'circulation')(renew, { itemBarcode: o.item, ...(o.library ? { libraryId: o.library } : {}) });
      emit(opts.json, result, () => `Renewed ${result.itemBarcode}; now due ${result.dueAt} (${result.renewalsLeft} renewal(s) left).`);
    });

  program
    .command('renew-all')
    .description('renew every item a patron has out; each one that cannot be renewed says why')
    .requiredOption('--card <card>', 'patron card number')
    .addOption(asOf())
    .action(async (o: { card: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'circulation')(renewAll, { cardNumber: o.card });
      emit(opts.json, result, () =>
        [
          `${result.renewed.length} renewed, ${result.refused.length} not renewed.`,
          ...result.renewed.map((r) => `  ${r.itemBarcode}: now due ${r.dueAt} (${r.renewalsLeft} renewal(s) left)`),
          ...result.refused.map((r) => `  ${r.itemBarcode}: not renewed (${r.problems.map((p) => p.code).join(', ')})`),
        ].join('\n'),
      );
    });

  program
    .command('lost')
    .description('declare an item lost (charges the borrower the replacement cost) or missing')
    .requiredOption('--item <barcode>', 'item barcode')
    .option('--library <id>', 'library, when several use the barcode')
    .addOption(asOf())
    .action(async (o: { item: string; library?: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'materials-recovery')(declareLost, { itemBarcode: o.item, ...(o.library ? { libraryId: o.library } : {}) });
      emit(opts.json, result, () => `Item ${result.itemBarcode} marked ${result.status}${result.charge ? `; charged ${money(result.charge.amountCents)}` : ''}.`);
    });

  program
    .command('pay')
    .description('take a payment (settles the oldest fines first)')
    .requiredOption('--card <card>', 'patron card number')
    .requiredOption('--amount <amount>', 'amount, e.g. 2.50')
    .addOption(asOf())
    .action(async (o: { card: string; amount: string }, command: Command) => {
      const opts = globals(command);
      const cents = parseAmount(o.amount);
      if (cents === undefined) throw refuse(ErrorCode.INVALID_AMOUNT, '--amount takes an amount such as 2.50.', 'amount');
      const result = await runAs(opts, 'fines-collection')(pay, { cardNumber: o.card, amountCents: cents });
      emit(opts.json, { ...result, amount: formatAmount(result.amountCents), balance: formatAmount(result.balanceCents) }, () =>
        `Payment of ${money(result.amountCents)} taken; ${money(result.balanceCents)} still owed.`,
      );
    });

  const holds = program.command('holds').description('holds');
  holds
    .command('place')
    .description('place a hold for a patron on an item, or on a title (the first copy that comes free)')
    .requiredOption('--card <card>', 'patron card number')
    .option('--item <barcode>', 'item barcode: a hold on this copy')
    .option('--record <record-id>', 'record id (from `carrel catalogue search`): a hold on the title')
    .option('--pickup <branch>', 'pick-up branch code (default: the patron’s home branch, or the item’s)')
    .addOption(asOf())
    .action(async (o: { card: string; item?: string; record?: string; pickup?: string }, command: Command) => {
      const opts = globals(command);
      if ((o.item === undefined) === (o.record === undefined)) throw refuse(ErrorCode.VALIDATION_FAILED, 'Give either --item or --record, not both.', o.item === undefined ? 'item' : 'record');
      const hold = await runAs(opts, 'circulation')(placeHold, {
        cardNumber: o.card,
        ...(o.item !== undefined ? { itemBarcode: o.item } : {}),
        ...(o.record !== undefined ? { recordId: o.record } : {}),
        ...(o.pickup ? { pickupBranch: o.pickup } : {}),
      });
      emit(opts.json, hold, () => `Hold ${hold.id} placed (${hold.status === 'ready' ? 'a copy on the shelf was trapped: see the pull list' : hold.status}).`);
    });
  holds
    .command('suspend')
    .description('suspend a waiting hold until a day (it keeps its place in the queue), or resume it')
    .argument('<hold-id>', 'hold id')
    .option('--until <day>', 'the day the hold wakes up again (YYYY-MM-DD, after today)')
    .option('--resume', 'resume the hold now')
    .addOption(asOf())
    .action(async (holdId: string, o: { until?: string; resume?: boolean }, command: Command) => {
      const opts = globals(command);
      if ((o.until === undefined) === !o.resume) throw refuse(ErrorCode.VALIDATION_FAILED, 'Give either --until YYYY-MM-DD or --resume.', 'until');
      const hold = await runAs(opts, 'circulation')(suspendHold, { holdId, until: o.resume ? null : o.until! });
      emit(opts.json, hold, () => (hold.suspendedUntil === null ? `Hold ${hold.id} resumed.` : `Hold ${hold.id} suspended until ${hold.suspendedUntil}.`));
    });
  holds
    .command('cancel')
    .description('cancel a hold')
    .requiredOption('--id <hold-id>', 'hold id')
    .addOption(asOf())
    .action(async (o: { id: string }, command: Command) => {
      const opts = globals(command);
      const hold = await runAs(opts, 'circulation')(cancelHold, { holdId: o.id });
      emit(opts.json, hold, () => `Hold ${hold.id} cancelled.`);
    });
  holds
    .command('expire')
    .description('expire ready holds whose pick-up deadline has passed')
    .option('--library <id>', 'only this library')
    .addOption(asOf())
    .action(async (o: { library?: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'circulation')(expireHolds, o.library ? { libraryId: o.library } : {});
      emit(opts.json, result, () => `${result.expired} hold(s) expired.`);
    });
}
