import { openSync, closeSync, unlinkSync, writeSync } from 'node:fs';
import { type Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import type { Runtime } from '../usecases/context.js';
import {
  decideRequest,
  getRequest,
  listRequests,
  receiveRequest,
  recordCounselReview,
  referToDirector,
  releaseRequest,
  withdrawRequest,
  type RequestView,
  type ScopePatron,
} from '../usecases/disclosure.usecases.js';
import { libraryTimes, type LocalTimes } from './local-times.js';
import { emit, tr } from './output.js';
import { type CommandHelpers, type GlobalOptions, systemRun } from './command-helpers.js';

/** What main.ts lends the legal-request commands. */
export type DisclosureCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf'>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

function yesNo(text: string, field: string): boolean {
  if (text === 'yes') return true;
  if (text === 'no') return false;
  throw refuse(ErrorCode.VALIDATION_FAILED, `--${field} takes yes or no.`, field);
}

/** One request in a few lines: no patron data (patrons by id only). */
function describe(r: RequestView, times: LocalTimes): string {
  const when = (instant: string | null) => (instant === null ? '…' : times.when(instant, r.libraryId));
  // Instruments, statuses, categories and the profile's answer are the register's own codes, as in --json.
  const yes = (value: boolean | null) => (value ? tr.t('cli.legal.yes') : tr.t('cli.legal.no'));
  const heading = { id: r.id, instrument: r.instrument, agency: r.agency, status: r.status };
  const rule = { permits: r.rule.permits, clause: r.rule.clause };
  const lines = [
    r.gagged ? tr.t('cli.legal.headingGagged', { ...heading, until: when(r.gagUntil) }) : tr.t('cli.legal.heading', heading),
    `  ${tr.t('cli.legal.scope', { received: when(r.receivedAt), categories: r.scopeCategories.join(', '), patrons: r.patronIds.length, from: when(r.scopeFrom), to: when(r.scopeTo) })}`,
    `  ${r.rule.counselReviewRequired ? tr.t('cli.legal.ruleWithReview', rule) : tr.t('cli.legal.rule', rule)}`,
  ];
  if (r.reviewedAt) lines.push(`  ${tr.t('cli.legal.counsel', { properForm: yes(r.reviewProperForm), goodCause: yes(r.reviewGoodCause) })}`);
  if (r.decision) lines.push(`  ${r.decision}: ${r.decisionReason}`);
  if (r.manifest) lines.push(`  ${tr.t('cli.legal.released', { at: when(r.releasedAt), records: r.manifest.records.length, sha256: r.manifest.sha256 })}`);
  return lines.join('\n');
}

/**
 * `carrel legal-request receive|list|show|refer|review|decide|release|withdraw`: the legal-request
 * register as the operator (the system actor) works it. Card numbers may go in flags here: the
 * operator is at the machine; they never go in a URL.
 */
export function registerDisclosureCommands(program: Command, helpers: DisclosureCommandHelpers): void {
  const { withRuntime, globals, asOf } = helpers;
  // A register entry as people read it: its instants in the library's local time.
  const viewed = <T>(opts: GlobalOptions, body: (runtime: Runtime) => Promise<T>) =>
    withRuntime(opts, false, async (runtime) => ({ value: await body(runtime), times: await libraryTimes(runtime) }));
  const legal = program.command('legal-request').description(tr.t('cli.legal.help'));
  const run = (runtime: Runtime) => systemRun(runtime, 'legal-disclosure');

  legal
    .command('receive')
    .description(tr.t('cli.legal.receive.help'))
    .requiredOption('--library <id>', 'library id')
    .requiredOption('--agency <name>', 'the agency presenting it')
    .requiredOption('--officer-name <name>', 'the officer presenting it')
    .requiredOption('--officer-id <id>', 'the officer’s badge or ID number')
    .requiredOption('--instrument <kind>', 'informal-request, written-request, subpoena, search-warrant, court-order, fisa-or-nsl, emergency-claim, patron-consent, public-records-request, materials-recovery')
    .requiredOption('--categories <list>', 'record categories, comma-separated (registration,circulation,…)')
    .option('--card <number>', 'a patron named, by card number (repeatable)', collect)
    .option('--patron-id <id>', 'a patron named, by id (repeatable)', collect)
    .option('--case <number>', 'the agency’s case number')
    .option('--from <instant>', 'start of the period asked for')
    .option('--to <instant>', 'end of the period asked for')
    .option('--gag-until <instant>', 'a gag order (JC-II): the patron is not told before this instant')
    .addOption(asOf())
    .action(
      async (
        o: { library: string; agency: string; officerName: string; officerId: string; instrument: string; categories: string; card?: string[]; patronId?: string[]; case?: string; from?: string; to?: string; gagUntil?: string },
        command: Command,
      ) => {
        const opts = globals(command);
        const patrons: ScopePatron[] = [...(o.card ?? []).map((cardNumber) => ({ cardNumber })), ...(o.patronId ?? []).map((patronId) => ({ patronId }))];
        const received = await withRuntime(opts, false, (runtime) =>
          run(runtime)(receiveRequest, {
            libraryId: o.library,
            agency: o.agency,
            officerName: o.officerName,
            officerId: o.officerId,
            instrument: o.instrument,
            caseNumber: o.case ?? null,
            patrons,
            categories: o.categories.split(',').map((c) => c.trim()).filter(Boolean),
            from: o.from ?? null,
            to: o.to ?? null,
            gagUntil: o.gagUntil ?? null,
          }),
        );
        emit(opts.json, received, () => tr.t('cli.legal.recorded', { id: received.id, instrument: received.instrument, status: received.status }));
      },
    );

  legal
    .command('list')
    .description(tr.t('cli.legal.list.help'))
    .requiredOption('--library <id>', 'library id')
    .addOption(asOf())
    .action(async (o: { library: string }, command: Command) => {
      const opts = globals(command);
      const { value: requests, times } = await viewed(opts, (runtime) => run(runtime)(listRequests, { libraryId: o.library }));
      emit(opts.json, requests, () => (requests.length === 0 ? tr.t('cli.legal.none') : requests.map((r) => describe(r, times)).join('\n')));
    });

  legal
    .command('show')
    .description(tr.t('cli.legal.show.help'))
    .requiredOption('--id <id>', 'request id')
    .addOption(asOf())
    .action(async (o: { id: string }, command: Command) => {
      const opts = globals(command);
      const { value: request, times } = await viewed(opts, (runtime) => run(runtime)(getRequest, { requestId: o.id }));
      emit(opts.json, request, () => describe(request, times));
    });

  legal
    .command('refer')
    .description(tr.t('cli.legal.refer.help'))
    .requiredOption('--id <id>', 'request id')
    .addOption(asOf())
    .action(async (o: { id: string }, command: Command) => {
      const opts = globals(command);
      const referred = await withRuntime(opts, false, (runtime) => run(runtime)(referToDirector, { requestId: o.id }));
      emit(opts.json, referred, () => tr.t('cli.legal.referred', { id: referred.id, status: referred.status }));
    });

  legal
    .command('review')
    .description(tr.t('cli.legal.review.help'))
    .requiredOption('--id <id>', 'request id')
    .requiredOption('--proper-form <yes|no>', 'is it in proper form?')
    .requiredOption('--good-cause <yes|no>', 'does it show good cause?')
    .option('--notes <text>', 'counsel’s notes (no patron data)')
    .addOption(asOf())
    .action(async (o: { id: string; properForm: string; goodCause: string; notes?: string }, command: Command) => {
      const opts = globals(command);
      const input = { requestId: o.id, properForm: yesNo(o.properForm, 'proper-form'), goodCause: yesNo(o.goodCause, 'good-cause'), notes: o.notes ?? null };
      const { value: reviewed, times } = await viewed(opts, (runtime) => run(runtime)(recordCounselReview, input));
      emit(opts.json, reviewed, () => describe(reviewed, times));
    });

  legal
    .command('decide')
    .description(tr.t('cli.legal.decide.help'))
    .requiredOption('--id <id>', 'request id')
    .option('--approve', 'approve it (refused with its code if the profile does not allow it)')
    .option('--refuse', 'refuse it')
    .option('--requires <instrument>', 'with --refuse: subpoena or court-order (JC-IVd-le)')
    .option('--notes <text>', 'the reasons (no patron data)')
    .option('--gag-until <instant>', 'set or move the gag order (JC-II)')
    .addOption(asOf())
    .action(async (o: { id: string; approve?: boolean; refuse?: boolean; requires?: string; notes?: string; gagUntil?: string }, command: Command) => {
      const opts = globals(command);
      if (Boolean(o.approve) === Boolean(o.refuse)) throw refuse(ErrorCode.VALIDATION_FAILED, 'Say --approve or --refuse.', 'approve');
      if (o.requires !== undefined && o.requires !== 'subpoena' && o.requires !== 'court-order')
        throw refuse(ErrorCode.VALIDATION_FAILED, '--requires takes subpoena or court-order.', 'requires');
      const { value: decided, times } = await viewed(opts, (runtime) =>
        run(runtime)(decideRequest, {
          requestId: o.id,
          approve: Boolean(o.approve),
          notes: o.notes ?? null,
          ...(o.requires !== undefined ? { requires: o.requires as 'subpoena' | 'court-order' } : {}),
          ...(o.gagUntil !== undefined ? { gagUntil: o.gagUntil } : {}),
        }),
      );
      emit(opts.json, decided, () => describe(decided, times));
    });

  legal
    .command('release')
    .description(tr.t('cli.legal.release.help'))
    .requiredOption('--id <id>', 'request id')
    .option('--out <file>', 'write the export there (mode 0600) instead of standard output')
    .addOption(asOf())
    .action(async (o: { id: string; out?: string }, command: Command) => {
      const opts = globals(command);
      // The export is produced once: the file is opened (new, mode 0600) before the release commits, so a
      // path that cannot be written fails first and the request stays releasable.
      const fd = o.out ? openSync(o.out, 'wx', 0o600) : undefined;
      let released: Awaited<ReturnType<typeof releaseRequest>>;
      try {
        released = await withRuntime(opts, false, (runtime) => run(runtime)(releaseRequest, { requestId: o.id }));
      } catch (error) {
        if (fd !== undefined && o.out) {
          closeSync(fd);
          unlinkSync(o.out);
        }
        throw error;
      }
      if (fd !== undefined && o.out) {
        writeSync(fd, `${JSON.stringify(released, null, 2)}\n`);
        closeSync(fd);
        emit(opts.json, { requestId: released.requestId, file: o.out, manifest: released.manifest }, () => tr.t('cli.legal.exportWritten', { id: released.requestId, file: o.out, sha256: released.manifest.sha256 }));
      } else process.stdout.write(`${JSON.stringify(released, null, 2)}\n`);
    });

  legal
    .command('withdraw')
    .description(tr.t('cli.legal.withdraw.help'))
    .requiredOption('--id <id>', 'request id')
    .option('--notes <text>', 'notes (no patron data)')
    .addOption(asOf())
    .action(async (o: { id: string; notes?: string }, command: Command) => {
      const opts = globals(command);
      const { value: withdrawn, times } = await viewed(opts, (runtime) => run(runtime)(withdrawRequest, { requestId: o.id, notes: o.notes ?? null }));
      emit(opts.json, withdrawn, () => describe(withdrawn, times));
    });
}
