import type { Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { formatAmount, parseAmount } from '../domain/money.js';
import { checkin, checkout, declareLost, renew, renewAll } from '../usecases/circulation.usecases.js';
import { pay } from '../usecases/fine.usecases.js';
import { cancelHold, expireHolds, placeHold, suspendHold } from '../usecases/hold.usecases.js';
import { emit, money, tr } from './output.js';
import { holdStatus, itemStatus } from './words.js';
import type { CommandHelpers } from './command-helpers.js';

/** `carrel checkout|checkin|renew|lost`, `carrel pay` and `carrel holds place|suspend|cancel|expire`: the desk. */
export function registerCirculationCommands(program: Command, helpers: CommandHelpers): void {
  const { runAs, runWithTimes, globals, asOf } = helpers;

  program
    .command('checkout')
    .description(tr.t('cli.checkout.help'))
    .requiredOption('--card <card>', 'patron card number')
    .requiredOption('--item <barcode>', 'item barcode')
    .option('--override-reason <text>', 'lend past money owed, overdue items or the loan limit this once, for this reason (logged; kept sealed with the loan)')
    .addOption(asOf())
    .action(async (o: { card: string; item: string; overrideReason?: string }, command: Command) => {
      const opts = globals(command);
      const { result: loan, times } = await runWithTimes(opts, 'circulation')(checkout, {
        cardNumber: o.card,
        itemBarcode: o.item,
        ...(o.overrideReason !== undefined ? { override: { reason: o.overrideReason } } : {}),
      });
      // dueAt stays the instant (the JSON is a contract); dueOn is the library's day it falls on.
      emit(opts.json, { ...loan, dueOn: times.day(loan.dueAt) }, () =>
        [
          tr.t('cli.checkout.done', { barcode: loan.itemBarcode, title: loan.title, due: times.when(loan.dueAt) }),
          loan.overriddenBlocks.length > 0 ? tr.t('cli.checkout.overridden', { blocks: loan.overriddenBlocks.join(', ') }) : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });

  program
    .command('checkin')
    .description(tr.t('cli.checkin.help'))
    .requiredOption('--item <barcode>', 'item barcode')
    .option('--library <id>', 'library, when several use the barcode')
    .addOption(asOf())
    .action(async (o: { item: string; library?: string }, command: Command) => {
      const opts = globals(command);
      const { result, times } = await runWithTimes(opts, 'circulation')(checkin, { itemBarcode: o.item, ...(o.library ? { libraryId: o.library } : {}) });
      emit(opts.json, result, () =>
        [
          result.daysLate > 0
            ? tr.t('cli.checkin.doneLate', { barcode: result.itemBarcode, title: result.title, days: result.daysLate })
            : tr.t('cli.checkin.done', { barcode: result.itemBarcode, title: result.title }),
          result.fine ? tr.t('cli.checkin.fine', { amount: money(result.fine.amountCents) }) : '',
          result.lostChargeCancelled ? tr.t('cli.checkin.lostChargeCancelled') : '',
          result.routing.to === 'hold-shelf'
            ? tr.t('cli.checkin.toHoldShelf', { hold: result.routing.holdId, pickupBy: times.when(result.routing.pickupBy, o.library) })
            : tr.t('cli.checkin.toShelves'),
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });

  program
    .command('renew')
    .description(tr.t('cli.renew.help'))
    .requiredOption('--item <barcode>', 'item barcode')
    .option('--library <id>', 'library, when several use the barcode')
    .addOption(asOf())
    .action(async (o: { item: string; library?: string }, command: Command) => {
      const opts = globals(command);
      const { result, times } = await runWithTimes(opts, 'circulation')(renew, { itemBarcode: o.item, ...(o.library ? { libraryId: o.library } : {}) });
      emit(opts.json, { ...result, dueOn: times.day(result.dueAt, o.library) }, () => tr.t('cli.renew.done', { barcode: result.itemBarcode, due: times.when(result.dueAt, o.library), left: result.renewalsLeft }));
    });

  program
    .command('renew-all')
    .description(tr.t('cli.renewAll.help'))
    .requiredOption('--card <card>', 'patron card number')
    .addOption(asOf())
    .action(async (o: { card: string }, command: Command) => {
      const opts = globals(command);
      const { result, times } = await runWithTimes(opts, 'circulation')(renewAll, { cardNumber: o.card });
      emit(opts.json, { ...result, renewed: result.renewed.map((r) => ({ ...r, dueOn: times.day(r.dueAt) })) }, () =>
        [
          tr.t('cli.renewAll.summary', { renewed: result.renewed.length, refused: result.refused.length }),
          ...result.renewed.map((r) => `  ${tr.t('cli.renewAll.renewed', { barcode: r.itemBarcode, due: times.when(r.dueAt), left: r.renewalsLeft })}`),
          ...result.refused.map((r) => `  ${tr.t('cli.renewAll.refused', { barcode: r.itemBarcode, codes: r.problems.map((p) => p.code).join(', ') })}`),
        ].join('\n'),
      );
    });

  program
    .command('lost')
    .description(tr.t('cli.lost.help'))
    .requiredOption('--item <barcode>', 'item barcode')
    .option('--library <id>', 'library, when several use the barcode')
    .addOption(asOf())
    .action(async (o: { item: string; library?: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'materials-recovery')(declareLost, { itemBarcode: o.item, ...(o.library ? { libraryId: o.library } : {}) });
      emit(opts.json, result, () =>
        result.charge
          ? tr.t('cli.lost.doneCharged', { barcode: result.itemBarcode, status: itemStatus(result.status), amount: money(result.charge.amountCents) })
          : tr.t('cli.lost.done', { barcode: result.itemBarcode, status: itemStatus(result.status) }));
    });

  program
    .command('pay')
    .description(tr.t('cli.pay.help'))
    .requiredOption('--card <card>', 'patron card number')
    .requiredOption('--amount <amount>', 'amount, e.g. 2.50')
    .option('--method <method>', 'cash, check or card (by default the first the library takes)')
    .addOption(asOf())
    .action(async (o: { card: string; amount: string; method?: string }, command: Command) => {
      const opts = globals(command);
      const cents = parseAmount(o.amount);
      if (cents === undefined) throw refuse(ErrorCode.INVALID_AMOUNT, '--amount takes an amount such as 2.50.', 'amount');
      const result = await runAs(opts, 'fines-collection')(pay, { cardNumber: o.card, amountCents: cents, ...(o.method !== undefined ? { method: o.method } : {}) });
      emit(opts.json, { ...result, amount: formatAmount(result.amountCents), balance: formatAmount(result.balanceCents) }, () =>
        tr.t('cli.pay.done', { amount: money(result.amountCents), balance: money(result.balanceCents), method: result.method }),
      );
    });

  const holds = program.command('holds').description(tr.t('cli.holds.help'));
  holds
    .command('place')
    .description(tr.t('cli.holds.place.help'))
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
      emit(opts.json, hold, () => (hold.status === 'ready' ? tr.t('cli.holds.place.doneTrapped', { id: hold.id }) : tr.t('cli.holds.place.done', { id: hold.id, status: holdStatus(hold.status) })));
    });
  holds
    .command('suspend')
    .description(tr.t('cli.holds.suspend.help'))
    .argument('<hold-id>', 'hold id')
    .option('--until <day>', 'the day the hold wakes up again (YYYY-MM-DD, after today)')
    .option('--resume', 'resume the hold now')
    .addOption(asOf())
    .action(async (holdId: string, o: { until?: string; resume?: boolean }, command: Command) => {
      const opts = globals(command);
      if ((o.until === undefined) === !o.resume) throw refuse(ErrorCode.VALIDATION_FAILED, 'Give either --until YYYY-MM-DD or --resume.', 'until');
      const hold = await runAs(opts, 'circulation')(suspendHold, { holdId, until: o.resume ? null : o.until! });
      emit(opts.json, hold, () => (hold.suspendedUntil === null ? tr.t('cli.holds.suspend.resumed', { id: hold.id }) : tr.t('cli.holds.suspend.done', { id: hold.id, until: hold.suspendedUntil })));
    });
  holds
    .command('cancel')
    .description(tr.t('cli.holds.cancel.help'))
    .requiredOption('--id <hold-id>', 'hold id')
    .addOption(asOf())
    .action(async (o: { id: string }, command: Command) => {
      const opts = globals(command);
      const hold = await runAs(opts, 'circulation')(cancelHold, { holdId: o.id });
      emit(opts.json, hold, () => tr.t('cli.holds.cancel.done', { id: hold.id }));
    });
  holds
    .command('expire')
    .description(tr.t('cli.holds.expire.help'))
    .option('--library <id>', 'only this library')
    .addOption(asOf())
    .action(async (o: { library?: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'circulation')(expireHolds, o.library ? { libraryId: o.library } : {});
      emit(opts.json, result, () => tr.t('cli.holds.expire.done', { count: result.expired }));
    });
}
