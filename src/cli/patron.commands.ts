import { Option, type Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { deletePatron } from '../usecases/patron-deletion.usecases.js';
import { exportPatron, findPatrons, registerPatron, setPatronStatus } from '../usecases/patron.usecases.js';
import { setReadingHistory } from '../usecases/retention.usecases.js';
import { emit, tr } from './output.js';
import { patronStatus } from './words.js';
import { registerPatronServiceCommands } from './patron-service.commands.js';
import { registerPatronCardCommands } from './patron-card.commands.js';
import type { CommandHelpers } from './command-helpers.js';

/**
 * `carrel patron find|delete|reading-history|deceased|add`, and `card-lost|reissue`
 * (src/cli/patron-service.commands.ts).
 */
export function registerPatronCommands(program: Command, helpers: CommandHelpers): void {
  const { runAs, runWithTimes, globals, asOf } = helpers;

  const patron = program.command('patron').description(tr.t('cli.patron.help'));
  patron
    .command('find')
    .description(tr.t('cli.patron.find.help'))
    .option('--library <id>', 'only this library')
    .option('--email <email>', 'email address')
    .option('--phone <phone>', 'phone number')
    .option('--name <words>', 'one or more whole words of the name')
    .action(async (o: { library?: string; email?: string; phone?: string; name?: string }, command: Command) => {
      const opts = globals(command);
      const found = await runAs(opts, 'account-service')(findPatrons, {
          ...(o.library ? { libraryId: o.library } : {}),
          ...(o.email ? { email: o.email } : {}),
          ...(o.phone ? { phone: o.phone } : {}),
          ...(o.name ? { name: o.name } : {}),
        });
      emit(opts.json, found, () => (found.length === 0 ? tr.t('cli.patron.find.none') : found.map((p) => `${p.cardNumber}  ${p.name}  (${p.libraryId}, ${patronStatus(p.status)})`).join('\n')));
    });
  patron
    .command('delete')
    .description(tr.t('cli.patron.delete.help'))
    .requiredOption('--card <card>', 'patron card number')
    .addOption(asOf())
    .action(async (o: { card: string }, command: Command) => {
      const opts = globals(command);
      const { result: receipt, times } = await runWithTimes(opts, 'account-service')(deletePatron, { cardNumber: o.card });
      emit(opts.json, receipt, () => tr.t('cli.patron.delete.done', { after: times.when(receipt.keyDestroyedAfter) }));
    });
  patron
    .command('reading-history')
    .description(tr.t('cli.patron.readingHistory.help'))
    .requiredOption('--card <card>', 'patron card number')
    .addOption(new Option('--keep', 'keep past check-outs from now on').conflicts('stop'))
    .addOption(new Option('--stop', 'stop keeping them, and delete what is kept'))
    .addOption(asOf())
    .action(async (o: { card: string; keep?: boolean; stop?: boolean }, command: Command) => {
      const opts = globals(command);
      if (o.keep === o.stop) throw refuse(ErrorCode.VALIDATION_FAILED, 'Give --keep or --stop.', 'keep');
      const { result, times } = await runWithTimes(opts, 'account-service')(setReadingHistory, { cardNumber: o.card, keep: o.keep === true });
      emit(opts.json, result, () => (result.readingHistory && result.since ? tr.t('cli.patron.readingHistory.kept', { since: times.when(result.since) }) : tr.t('cli.patron.readingHistory.off', { count: result.loansDeleted })));
    });
  patron
    .command('deceased')
    .description(tr.t('cli.patron.deceased.help'))
    .requiredOption('--card <card>', 'patron card number')
    .addOption(asOf())
    .action(async (o: { card: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'account-service')(setPatronStatus, { cardNumber: o.card, status: 'deceased' });
      emit(opts.json, { patronId: result.id, status: result.status }, () => tr.t('cli.patron.deceased.done'));
    });
  patron
    .command('add')
    .description(tr.t('cli.patron.add.help'))
    .requiredOption('--library <id>', 'library id')
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--birth-date <YYYY-MM-DD>', 'date of birth')
    .option('--address <address>', 'postal address')
    .option('--email <email>', 'email address')
    .option('--phone <phone>', 'phone number')
    .option('--category <code>', 'patron category (default: adult, or juvenile for a minor)')
    .option('--guardian <card>', 'card number of the adult signing for a minor')
    .option('--card-number <card>', 'a pre-printed card handed to the patron (checked: check digit, not in use)')
    .option('--home-branch <branch>', 'the patron’s home branch, by code or id')
    .action(async (o: { library: string; name: string; birthDate: string; address?: string; email?: string; phone?: string; category?: string; guardian?: string; cardNumber?: string; homeBranch?: string }, command: Command) => {
      const opts = globals(command);
      const registered = await runAs(opts, 'account-service')(registerPatron, {
          libraryId: o.library,
          name: o.name,
          birthDate: o.birthDate,
          address: o.address ?? null,
          email: o.email ?? null,
          phone: o.phone ?? null,
          ...(o.category ? { categoryCode: o.category } : {}),
          guardianCard: o.guardian ?? null,
          ...(o.cardNumber !== undefined ? { cardNumber: o.cardNumber } : {}),
          ...(o.homeBranch !== undefined ? { homeBranch: o.homeBranch } : {}),
        });
      emit(opts.json, { id: registered.id, cardNumber: registered.cardNumber, pin: registered.pin }, () =>
        tr.t('cli.patron.created', { id: registered.id, card: registered.cardNumber, pin: registered.pin }),
      );
    });

  registerPatronServiceCommands(patron, helpers);
  registerPatronCardCommands(patron, helpers); // renew-card, reset-pin, membership (issue 15)
}

/** `carrel export-patron`: everything held about one patron, as one JSON document. */
export function registerExportPatronCommand(program: Command, helpers: CommandHelpers): void {
  const { runAs, globals, asOf } = helpers;

  program
    .command('export-patron')
    .description(tr.t('cli.patron.export.help'))
    .requiredOption('--card <card>', 'patron card number')
    .addOption(asOf())
    .action(async (o: { card: string }, command: Command) => {
      const opts = globals(command);
      const document = await runAs(opts, 'account-service')(exportPatron, { cardNumber: o.card });
      // The export is a JSON document whether or not --json is given.
      emit(true, document, () => '');
    });
}
