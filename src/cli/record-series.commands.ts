import { type Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { listLibraries } from '../usecases/library.usecases.js';
import { addSeries, confirmDisposal, dueForDisposal, listSeries, type SeriesView } from '../usecases/record-series.usecases.js';
import { emit } from './output.js';
import { type CommandHelpers, type GlobalOptions, systemRun } from './command-helpers.js';

/** What main.ts lends the record-series commands. */
export type RecordSeriesCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf' | 'runAs'>;

/** One library's register, as printed and as the JSON document of `list` and `due`. */
interface LibraryRegister {
  libraryId: string;
  series: SeriesView[];
}

/** One line per series: what it is, its retention and clause, and whether something must be destroyed. */
function describeSeries(s: SeriesView): string {
  const rule = `${s.retentionDays} day(s)${s.clause ? `, ${s.clause}` : ''}${s.fromProfile ? '' : ', added by an administrator'}`;
  const where = s.location ? ` at ${s.location}` : '';
  const last = s.lastDisposal ? `last confirmed through ${s.lastDisposal.disposedThrough}` : 'no disposal confirmed yet';
  const state =
    s.due.status === 'due'
      ? `DUE since ${s.due.overdueSince}: destroy what was recorded before ${s.due.dueThrough}`
      : `not due (${last})`;
  return `  ${s.code}  ${s.name} (${s.medium}${where}; ${rule})\n    ${state}`;
}

function describeRegisters(registers: LibraryRegister[], empty: string): string {
  if (registers.length === 0) return 'No library.';
  return registers.map((r) => [`${r.libraryId}:`, ...(r.series.length === 0 ? [`  ${empty}`] : r.series.map(describeSeries))].join('\n')).join('\n');
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
  const { withRuntime, runAs, globals, asOf } = helpers;
  const records = program.command('records').description('the register of records kept outside Carrel (camera footage, paper sheets) and their disposal');

  /** Runs a per-library read for one library, or for every library when none is named. */
  async function perLibrary(opts: GlobalOptions, library: string | undefined, read: typeof listSeries): Promise<LibraryRegister[]> {
    return withRuntime(opts, false, async (runtime) => {
      const ids = library ? [library] : (await systemRun(runtime, 'administration')(listLibraries, undefined)).map((l) => l.id);
      const registers: LibraryRegister[] = [];
      for (const libraryId of ids) registers.push({ libraryId, series: await systemRun(runtime, 'administration')(read, { libraryId }) });
      return registers;
    });
  }

  records
    .command('list')
    .description('every record series with its retention and whether it is due for disposal')
    .option('--library <id>', 'only this library (default: every library)')
    .addOption(asOf())
    .action(async (o: { library?: string }, command: Command) => {
      const opts = globals(command);
      const registers = await perLibrary(opts, o.library, listSeries);
      emit(opts.json, registers, () => describeRegisters(registers, 'no record series.'));
    });

  records
    .command('due')
    .description('the record series due for disposal: what must be destroyed now')
    .option('--library <id>', 'only this library (default: every library)')
    .addOption(asOf())
    .action(async (o: { library?: string }, command: Command) => {
      const opts = globals(command);
      const registers = await perLibrary(opts, o.library, dueForDisposal);
      emit(opts.json, registers, () => describeRegisters(registers, 'nothing is due for disposal.'));
    });

  records
    .command('add')
    .description('add a record series the policy profile does not declare')
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
      const added = await runAs(opts, 'administration')(addSeries, {
          libraryId: o.library,
          code: o.code,
          name: o.name,
          medium: o.medium,
          retentionDays,
          location: o.location ?? null,
          clause: o.clause ?? null,
        });
      emit(opts.json, added, () => `Record series ${added.code} added to ${o.library}'s register.\n${describeSeries(added)}`);
    });

  records
    .command('confirm')
    .description('confirm that a series was destroyed through a date (end of that day, library time) or an instant')
    .requiredOption('--library <id>', 'library id')
    .requiredOption('--series <code>', 'the series code')
    .requiredOption('--through <iso-date>', 'YYYY-MM-DD, or an ISO-8601 instant with an offset')
    .option('--method <text>', 'how it was destroyed (default: destroyed)')
    .addOption(asOf())
    .action(async (o: { library: string; series: string; through: string; method?: string }, command: Command) => {
      const opts = globals(command);
      const confirmed = await runAs(opts, 'administration')(confirmDisposal, {
          libraryId: o.library,
          code: o.series,
          disposedThrough: o.through,
          ...(o.method !== undefined ? { method: o.method } : {}),
        });
      emit(opts.json, confirmed, () => `Disposal of ${o.series} confirmed through ${confirmed.disposal.disposedThrough} (${confirmed.disposal.method}).\n${describeSeries(confirmed.series)}`);
    });
}
