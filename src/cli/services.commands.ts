import { Option, type Command } from 'commander';
import type { ServiceKind } from '../domain/types.js';
import type { UseCase } from '../usecases/context.js';
import {
  bookRoom,
  cancelRoomBooking,
  cancelSignup,
  closeInterlibraryLoan,
  closeReferenceRequest,
  endComputerSession,
  ILL_OUTCOMES,
  recordReferenceRequest,
  REFERENCE_OUTCOMES,
  requestInterlibraryLoan,
  signUpForProgram,
  startComputerSession,
  type IllOutcome,
  type ReferenceOutcome,
  type ServiceReceipt,
} from '../usecases/service-record.usecases.js';
import { libraryTimes, type LocalTimes } from './local-times.js';
import { emit, tr } from './output.js';
import { type CommandHelpers, systemRun } from './command-helpers.js';

/** What main.ts lends the service commands (the same helpers as the backup commands). */
export type ServiceCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf'>;

/** One line for a record the desk created or closed: id, kind, state, and until when it runs. */
function describe(receipt: ServiceReceipt, verb: keyof typeof VERB, times: LocalTimes): string {
  // A booking runs until its event's end; anything else with an end closed at that instant (the library's local time).
  const at = receipt.endsAt ? times.when(receipt.endsAt) : '';
  const until = !receipt.endsAt ? '' : ` ${receipt.status === 'booked' ? tr.t('cli.services.until', { at }) : tr.t('cli.services.at', { at })}`;
  const resource = receipt.resource ? ` [${receipt.resource}]` : '';
  // The status is the record's own (open, booked, answered…), as in --json.
  return tr.t('cli.services.receipt', { label: tr.t(LABEL[receipt.kind]), id: receipt.id, verb: tr.t(VERB[verb]), resource, status: receipt.status, until });
}

const LABEL: Record<ServiceKind, string> = {
  'computer-session': 'cli.services.kind.computerSession',
  'program-signup': 'cli.services.kind.programSignup',
  'room-booking': 'cli.services.kind.roomBooking',
  'ill-request': 'cli.services.kind.illRequest',
  'reference-request': 'cli.services.kind.referenceRequest',
};

const VERB = {
  started: 'cli.services.verb.started',
  ended: 'cli.services.verb.ended',
  recorded: 'cli.services.verb.recorded',
  cancelled: 'cli.services.verb.cancelled',
  booked: 'cli.services.verb.booked',
  closed: 'cli.services.verb.closed',
} as const;

/**
 * `carrel session|program|room|ill|reference …`: services recorded outside circulation (JC-IIId-f),
 * each command one use case run as the operator for the `account-service` purpose.
 */
export function registerServiceCommands(program: Command, helpers: ServiceCommandHelpers): void {
  const { withRuntime, globals, asOf } = helpers;
  const runService = <I, O>(command: Command, useCase: UseCase<I, O>, input: I): Promise<{ result: O; times: LocalTimes }> =>
    withRuntime(globals(command), false, async (runtime) => ({ result: await systemRun(runtime, 'account-service')(useCase, input), times: await libraryTimes(runtime) }));

  const session = program.command('session').description(tr.t('cli.session.help'));
  session
    .command('start')
    .description(tr.t('cli.session.start.help'))
    .option('--card <card>', 'patron card number')
    .option('--guest-pass <code>', 'guest pass code (instead of a card)')
    .option('--library <id>', 'library, for a guest pass')
    .requiredOption('--branch <code>', 'branch id or code')
    .requiredOption('--station <code>', 'station code')
    .addOption(asOf())
    .action(async (o: { card?: string; guestPass?: string; library?: string; branch: string; station: string }, command: Command) => {
      const { result, times } = await runService(command, startComputerSession, {
        ...(o.card !== undefined ? { cardNumber: o.card } : {}),
        ...(o.guestPass !== undefined ? { guestPass: o.guestPass } : {}),
        ...(o.library !== undefined ? { libraryId: o.library } : {}),
        branch: o.branch,
        station: o.station,
      });
      emit(globals(command).json, result, () =>
        [describe(result, 'started', times), result.endedSessionIds.length > 0 ? tr.t('cli.services.endedOpenSession', { ids: result.endedSessionIds.join(', ') }) : '']
          .filter(Boolean)
          .join('\n'),
      );
    });
  session
    .command('end')
    .description(tr.t('cli.session.end.help'))
    .argument('<id>', 'session id')
    .addOption(asOf())
    .action(async (id: string, _o, command: Command) => {
      const { result, times } = await runService(command, endComputerSession, { sessionId: id });
      emit(globals(command).json, result, () => describe(result, 'ended', times));
    });

  const bookingOptions = (command: Command) =>
    command
      .requiredOption('--card <card>', 'patron card number')
      .requiredOption('--branch <code>', 'branch id or code')
      .requiredOption('--starts <instant>', 'start, an ISO-8601 instant with an offset (2026-03-02T17:00:00Z)')
      .requiredOption('--ends <instant>', 'end, an ISO-8601 instant with an offset')
      .addOption(asOf());

  const programs = program.command('program').description(tr.t('cli.program.help'));
  bookingOptions(programs.command('signup').description(tr.t('cli.program.signup.help')).requiredOption('--program <code>', 'program code')).action(
    async (o: { card: string; branch: string; starts: string; ends: string; program: string }, command: Command) => {
      const { result, times } = await runService(command, signUpForProgram, { cardNumber: o.card, branch: o.branch, startsAt: o.starts, endsAt: o.ends, program: o.program });
      emit(globals(command).json, result, () => describe(result, 'recorded', times));
    },
  );
  programs
    .command('cancel')
    .description(tr.t('cli.program.cancel.help'))
    .argument('<id>', 'sign-up id')
    .addOption(asOf())
    .action(async (id: string, _o, command: Command) => {
      const { result, times } = await runService(command, cancelSignup, { signupId: id });
      emit(globals(command).json, result, () => describe(result, 'cancelled', times));
    });

  const rooms = program.command('room').description(tr.t('cli.room.help'));
  bookingOptions(rooms.command('book').description(tr.t('cli.room.book.help')).requiredOption('--room <code>', 'room code')).action(
    async (o: { card: string; branch: string; starts: string; ends: string; room: string }, command: Command) => {
      const { result, times } = await runService(command, bookRoom, { cardNumber: o.card, branch: o.branch, startsAt: o.starts, endsAt: o.ends, room: o.room });
      emit(globals(command).json, result, () => describe(result, 'booked', times));
    },
  );
  rooms
    .command('cancel')
    .description(tr.t('cli.room.cancel.help'))
    .argument('<id>', 'booking id')
    .addOption(asOf())
    .action(async (id: string, _o, command: Command) => {
      const { result, times } = await runService(command, cancelRoomBooking, { bookingId: id });
      emit(globals(command).json, result, () => describe(result, 'cancelled', times));
    });

  const ill = program.command('ill').description(tr.t('cli.ill.help'));
  ill
    .command('request')
    .description(tr.t('cli.ill.request.help'))
    .requiredOption('--card <card>', 'patron card number')
    .requiredOption('--title <title>', 'title wanted')
    .option('--author <author>', 'author')
    .option('--isbn <isbn>', 'ISBN')
    .option('--branch <code>', 'pick-up branch id or code')
    .addOption(asOf())
    .action(async (o: { card: string; title: string; author?: string; isbn?: string; branch?: string }, command: Command) => {
      const { result, times } = await runService(command, requestInterlibraryLoan, {
        cardNumber: o.card,
        title: o.title,
        author: o.author ?? null,
        isbn: o.isbn ?? null,
        ...(o.branch !== undefined ? { branch: o.branch } : {}),
      });
      emit(globals(command).json, result, () => describe(result, 'recorded', times));
    });
  ill
    .command('close')
    .description(tr.t('cli.ill.close.help'))
    .argument('<id>', 'request id')
    .addOption(new Option('--outcome <outcome>', 'how it ended').choices([...ILL_OUTCOMES]).makeOptionMandatory())
    .addOption(asOf())
    .action(async (id: string, o: { outcome: IllOutcome }, command: Command) => {
      const { result, times } = await runService(command, closeInterlibraryLoan, { requestId: id, outcome: o.outcome });
      emit(globals(command).json, result, () => describe(result, 'closed', times));
    });

  const reference = program.command('reference').description(tr.t('cli.reference.help'));
  reference
    .command('record')
    .description(tr.t('cli.reference.record.help'))
    .option('--card <card>', 'patron card number (needed to keep the question’s text)')
    .option('--question <text>', 'the question (only with --card)')
    .option('--topic <code>', 'subject or topic code')
    .option('--library <id>', 'library, without --card')
    .option('--branch <code>', 'branch id or code')
    .option('--answered', 'answered on the spot: record it closed')
    .addOption(asOf())
    .action(async (o: { card?: string; question?: string; topic?: string; library?: string; branch?: string; answered?: boolean }, command: Command) => {
      const { result, times } = await runService(command, recordReferenceRequest, {
        ...(o.card !== undefined ? { cardNumber: o.card } : {}),
        ...(o.question !== undefined ? { question: o.question } : {}),
        ...(o.topic !== undefined ? { topic: o.topic } : {}),
        ...(o.library !== undefined ? { libraryId: o.library } : {}),
        ...(o.branch !== undefined ? { branch: o.branch } : {}),
        answered: o.answered === true,
      });
      emit(globals(command).json, result, () => describe(result, 'recorded', times));
    });
  reference
    .command('close')
    .description(tr.t('cli.reference.close.help'))
    .argument('<id>', 'request id')
    .addOption(new Option('--outcome <outcome>', 'how it ended').choices([...REFERENCE_OUTCOMES]).makeOptionMandatory())
    .addOption(asOf())
    .action(async (id: string, o: { outcome: ReferenceOutcome }, command: Command) => {
      const { result, times } = await runService(command, closeReferenceRequest, { requestId: id, outcome: o.outcome });
      emit(globals(command).json, result, () => describe(result, 'closed', times));
    });
}
