import { Option, type Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { deletePatron } from '../usecases/patron-deletion.usecases.js';
import { exportPatron, findPatrons, registerPatron, setPatronStatus } from '../usecases/patron.usecases.js';
import { setReadingHistory } from '../usecases/retention.usecases.js';
import { emit } from './output.js';
import { registerPatronServiceCommands } from './patron-service.commands.js';
import { registerPatronCardCommands } from './patron-card.commands.js';
import type { CommandHelpers } from './command-helpers.js';

/**
 * `carrel patron find|delete|reading-history|deceased|add`, and `card-lost|reissue`
 * (src/cli/patron-service.commands.ts).
 */
export function registerPatronCommands(program: Command, helpers: CommandHelpers): void {
  const { runAs, globals, asOf } = helpers;

  const patron = program.command('patron').description('patrons');
  patron
    .command('find')
    .description('find patrons by email, phone or exact name words (blind-index look-up; each match is logged)')
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
      emit(opts.json, found, () => (found.length === 0 ? 'No patron matches.' : found.map((p) => `${p.cardNumber}  ${p.name}  (${p.libraryId}, ${p.status})`).join('\n')));
    });
  patron
    .command('delete')
    .description('delete a patron (refused while items are out or money is owed); their data key is shredded first')
    .requiredOption('--card <card>', 'patron card number')
    .addOption(asOf())
    .action(async (o: { card: string }, command: Command) => {
      const opts = globals(command);
      const receipt = await runAs(opts, 'account-service')(deletePatron, { cardNumber: o.card });
      emit(opts.json, receipt, () => `Patron deleted; their data key is out of use and is destroyed after ${receipt.keyDestroyedAfter}.`);
    });
  patron
    .command('reading-history')
    .description('keep or stop keeping a patron’s reading history (JC-IIIc; stopping deletes it at once)')
    .requiredOption('--card <card>', 'patron card number')
    .addOption(new Option('--keep', 'keep past check-outs from now on').conflicts('stop'))
    .addOption(new Option('--stop', 'stop keeping them, and delete what is kept'))
    .addOption(asOf())
    .action(async (o: { card: string; keep?: boolean; stop?: boolean }, command: Command) => {
      const opts = globals(command);
      if (o.keep === o.stop) throw refuse(ErrorCode.VALIDATION_FAILED, 'Give --keep or --stop.', 'keep');
      const result = await runAs(opts, 'account-service')(setReadingHistory, { cardNumber: o.card, keep: o.keep === true });
      emit(opts.json, result, () => (result.readingHistory ? `Reading history is kept from ${result.since}.` : `Reading history is off; ${result.loansDeleted} past loans deleted.`));
    });
  patron
    .command('deceased')
    .description('record that a patron has died (on a relative’s or executor’s request); retention purges the record (CB-F3)')
    .requiredOption('--card <card>', 'patron card number')
    .addOption(asOf())
    .action(async (o: { card: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'account-service')(setPatronStatus, { cardNumber: o.card, status: 'deceased' });
      emit(opts.json, { patronId: result.id, status: result.status }, () => 'Recorded as deceased; the next retention run that sweeps deceased patrons purges the record.');
    });
  patron
    .command('add')
    .description('register a patron; prints the new card number and PIN (shown once)')
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
        `Patron registered.\n  id:   ${registered.id}\n  card: ${registered.cardNumber}\n  PIN:  ${registered.pin} (shown once; give it to the patron)`,
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
    .description('print everything held about one patron as one JSON document')
    .requiredOption('--card <card>', 'patron card number')
    .addOption(asOf())
    .action(async (o: { card: string }, command: Command) => {
      const opts = globals(command);
      const document = await runAs(opts, 'account-service')(exportPatron, { cardNumber: o.card });
      // The export is a JSON document whether or not --json is given.
      emit(true, document, () => '');
    });
}
