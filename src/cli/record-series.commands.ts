import { type Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { listLibraries } from '../usecases/library.usecases.js';
import { addSeries, confirmDisposal, dueForDisposal, listSeries, type SeriesView } from '../usecases/record-series.usecases.js';
import { libraryTimes, type LocalTimes } from './local-times.js';
import { emit, tr } from './output.js';
import { type CommandHelpers, type GlobalOptions, systemRun } from './command-helpers.js';

/** What main.ts lends the record-series commands. */
export type RecordSeriesCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf' | 'runWithTimes'>;

/** One library's register, as printed and as the JSON document of `list` and `due`. */
interface LibraryRegister {
  libraryId: string;
  series: SeriesView[];
}

/** One line per series: what it is, its retention and clause, and whether something must be destroyed. */
function describeSeries(s: SeriesView, when: (instant: string) => string): string {
  const rule = [tr.t('cli.records.days', { days: s.retentionDays }), s.clause ?? '', s.fromProfile ? '' : tr.t('cli.records.addedByAdmin')].filter(Boolean).join(', ');
  const kept = s.location ? tr.t('cli.records.keptAt', { medium: s.medium, location: s.location }) : s.medium;
  const last = s.lastDisposal ? tr.t('cli.records.lastConfirmed', { through: when(s.lastDisposal.disposedThrough) }) : tr.t('cli.records.noDisposalYet');
  const state = s.due.status === 'due' ? tr.t('cli.records.due', { since: s.due.overdueSince === null ? '' : when(s.due.overdueSince), through: when(s.due.dueThrough) }) : tr.t('cli.records.notDue', { last });
  return `  ${s.code}  ${s.name} (${kept}; ${rule})\n    ${state}`;
}

function describeRegisters(registers: LibraryRegister[], empty: string, times: LocalTimes): string {
  if (registers.length === 0) return tr.t('cli.records.noLibrary');
  return registers
    .map((r) => [`${r.libraryId}:`, ...(r.series.length === 0 ? [`  ${empty}`] : r.series.map((s) => describeSeries(s, (instant) => times.when(instant, r.libraryId))))].join('\n'))
    .join('\n');
}

function parseDays(text: string): number {
  const days = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(days)) throw refuse(ErrorCode.VALIDATION_FAILED, '--days takes a whole number of days (0 or more).', 'days');
  return days;
}

/**
 * `carrel records list|due|add|confirm`: the register of records kept outside Carrel (camera footage
 * CB-H / RF-9, paper sign-up sheets), run as the operator (the system actor).
 */
export function registerRecordSeriesCommands(program: Command, helpers: RecordSeriesCommandHelpers): void {
  const { withRuntime, runWithTimes, globals, asOf } = helpers;
  const records = program.command('records').description(tr.t('cli.records.help'));

  /** Runs a per-library read for one library, or for every library when none is named. */
  async function perLibrary(opts: GlobalOptions, library: string | undefined, read: typeof listSeries): Promise<{ registers: LibraryRegister[]; times: LocalTimes }> {
    return withRuntime(opts, false, async (runtime) => {
      const ids = library ? [library] : (await systemRun(runtime, 'administration')(listLibraries, undefined)).map((l) => l.id);
      const registers: LibraryRegister[] = [];
      for (const libraryId of ids) registers.push({ libraryId, series: await systemRun(runtime, 'administration')(read, { libraryId }) });
      return { registers, times: await libraryTimes(runtime) };
    });
  }

  records
    .command('list')
    .description(tr.t('cli.records.list.help'))
    .option('--library <id>', 'only this library (default: every library)')
    .addOption(asOf())
    .action(async (o: { library?: string }, command: Command) => {
      const opts = globals(command);
      const { registers, times } = await perLibrary(opts, o.library, listSeries);
      emit(opts.json, registers, () => describeRegisters(registers, tr.t('cli.records.list.none'), times));
    });

  records
    .command('due')
    .description(tr.t('cli.records.due.help'))
    .option('--library <id>', 'only this library (default: every library)')
    .addOption(asOf())
    .action(async (o: { library?: string }, command: Command) => {
      const opts = globals(command);
      const { registers, times } = await perLibrary(opts, o.library, dueForDisposal);
      emit(opts.json, registers, () => describeRegisters(registers, tr.t('cli.records.due.none'), times));
    });

  records
    .command('add')
    .description(tr.t('cli.records.add.help'))
    .requiredOption('--library <id>', 'library id')
    .requiredOption('--code <code>', 'short code, unique in the library (lower-case letters, digits, hyphens)')
    .requiredOption('--name <name>', 'what the records are')
    .requiredOption('--medium <medium>', 'what they are on (digital video, paper…)')
    .requiredOption('--days <n>', 'retention in days')
    .option('--location <where>', 'where they are kept')
    .option('--clause <id>', 'the policy clause the retention comes from (e.g. RF-9)')
    .addOption(asOf())
    .action(async (o: { library: string; code: string; name: string; medium: string; days: string; location?: string; clause?: string }, command: Command) => {
      const opts = globals(command);
      const retentionDays = parseDays(o.days);
      const { result: added, times } = await runWithTimes(opts, 'administration')(addSeries, {
          libraryId: o.library,
          code: o.code,
          name: o.name,
          medium: o.medium,
          retentionDays,
          location: o.location ?? null,
          clause: o.clause ?? null,
        });
      emit(opts.json, added, () => `${tr.t('cli.records.added', { code: added.code, library: o.library })}\n${describeSeries(added, (instant) => times.when(instant, o.library))}`);
    });

  records
    .command('confirm')
    .description(tr.t('cli.records.confirm.help'))
    .requiredOption('--library <id>', 'library id')
    .requiredOption('--series <code>', 'the series code')
    .requiredOption('--through <iso-date>', 'YYYY-MM-DD, or an ISO-8601 instant with an offset')
    .option('--method <text>', 'how it was destroyed (default: destroyed)')
    .addOption(asOf())
    .action(async (o: { library: string; series: string; through: string; method?: string }, command: Command) => {
      const opts = globals(command);
      const { result: confirmed, times } = await runWithTimes(opts, 'administration')(confirmDisposal, {
          libraryId: o.library,
          code: o.series,
          disposedThrough: o.through,
          ...(o.method !== undefined ? { method: o.method } : {}),
        });
      emit(opts.json, confirmed, () => `${tr.t('cli.records.confirmed', { series: o.series, through: times.when(confirmed.disposal.disposedThrough, o.library), method: confirmed.disposal.method })}\n${describeSeries(confirmed.series, (instant) => times.when(instant, o.library))}`);
    });
}
