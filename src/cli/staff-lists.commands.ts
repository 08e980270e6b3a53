import { InvalidArgumentError, Option, type Command } from 'commander';
import { completeItemTask, expiredHoldsList, inTransitList, overdueList, pullList, type ListInput } from '../usecases/staff-lists.usecases.js';
import type { CommandHelpers } from './command-helpers.js';
import { emit, tr } from './output.js';

interface ListFlags {
  library: string;
  branch?: string;
  minDays?: number;
  purpose?: 'circulation' | 'materials-recovery';
}

function wholeDays(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(tr.t('cli.lists.wholeDays'));
  return Number(value);
}

/** A plain table: one header line, then one line per row, columns padded to their widest cell. */
function table(headers: readonly string[], rows: readonly (readonly string[])[], empty: string): string {
  if (rows.length === 0) return empty;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `carrel lists overdue|pull|expired-holds|in-transit|done`: the lists staff on duty work from. */
export function registerStaffListCommands(program: Command, helpers: CommandHelpers): void {
  const { runAs, runWithTimes, globals, asOf } = helpers;
  const lists = program.command('lists').description(tr.t('cli.lists.help'));
  const scope = (o: ListFlags): ListInput => ({ libraryId: o.library, ...(o.branch !== undefined ? { branch: o.branch } : {}) });
  const listCommand = (name: string, description: string) =>
    lists
      .command(name)
      .description(description)
      .requiredOption('--library <id>', tr.t('cli.option.libraryId'))
      .option('--branch <code>', tr.t('cli.lists.option.branch'))
      .addOption(asOf());

  listCommand('overdue', tr.t('cli.lists.overdue.help'))
    .option('--min-days <n>', 'only items at least this many days overdue', wholeDays)
    .addOption(
      new Option('--purpose <purpose>', 'materials-recovery adds how each patron chose to be reached (name and that one address)').choices(['circulation', 'materials-recovery']).default('circulation'),
    )
    .action(async (o: ListFlags, command: Command) => {
      const opts = globals(command);
      const rows = await runAs(opts, o.purpose ?? 'circulation')(overdueList, { ...scope(o), ...(o.minDays !== undefined ? { minDaysOverdue: o.minDays } : {}) });
      const withContact = rows.some((r) => r.contact !== null);
      emit(opts.json, rows, () =>
        table(
          [
            tr.t('cli.lists.column.barcode'),
            tr.t('cli.lists.column.title'),
            tr.t('cli.lists.column.branch'),
            tr.t('cli.lists.column.due'),
            tr.t('cli.lists.column.daysOverdue'),
            ...(withContact ? [tr.t('cli.lists.column.patron'), tr.t('cli.lists.column.contact')] : []),
          ],
          rows.map((r) => [
            r.itemBarcode,
            r.title,
            r.branchCode,
            r.dueOn,
            String(r.daysOverdue),
            ...(withContact ? [r.contact?.name ?? '', r.contact?.address ? `${r.contact.channel}: ${r.contact.address}` : tr.t('cli.lists.atTheDesk')] : []),
          ]),
          tr.t('cli.lists.overdue.none'),
        ),
      );
    });

  listCommand('pull', tr.t('cli.lists.pull.help')).action(async (o: ListFlags, command: Command) => {
    const opts = globals(command);
    const { result: rows, times } = await runWithTimes(opts, 'circulation')(pullList, scope(o));
    const day = (instant: string) => times.day(instant, o.library);
    emit(opts.json, rows, () =>
      table(
        [
          tr.t('cli.lists.column.barcode'),
          tr.t('cli.lists.column.title'),
          tr.t('cli.lists.column.author'),
          tr.t('cli.lists.column.type'),
          tr.t('cli.lists.column.branch'),
          tr.t('cli.lists.column.pickupAt'),
          tr.t('cli.lists.column.since'),
        ],
        rows.map((r) => [r.itemBarcode, r.title, r.author ?? '', r.itemType, r.branchCode, r.pickupBranchCode, day(r.since)]),
        tr.t('cli.lists.pull.none'),
      ),
    );
  });

  listCommand('expired-holds', tr.t('cli.lists.expiredHolds.help')).action(async (o: ListFlags, command: Command) => {
    const opts = globals(command);
    const { result: rows, times } = await runWithTimes(opts, 'circulation')(expiredHoldsList, scope(o));
    const day = (instant: string) => times.day(instant, o.library);
    emit(opts.json, rows, () =>
      table(
        [tr.t('cli.lists.column.shelfCode'), tr.t('cli.lists.column.barcode'), tr.t('cli.lists.column.title'), tr.t('cli.lists.column.branch'), tr.t('cli.lists.column.since')],
        rows.map((r) => [r.shelfCode ?? '', r.itemBarcode, r.title, r.branchCode, day(r.since)]),
        tr.t('cli.lists.expiredHolds.none'),
      ),
    );
  });

  listCommand('in-transit', tr.t('cli.lists.inTransit.help')).action(async (o: ListFlags, command: Command) => {
    const opts = globals(command);
    const { result: rows, times } = await runWithTimes(opts, 'circulation')(inTransitList, scope(o));
    const day = (instant: string) => times.day(instant, o.library);
    emit(opts.json, rows, () =>
      table(
        [tr.t('cli.lists.column.barcode'), tr.t('cli.lists.column.title'), tr.t('cli.lists.column.from'), tr.t('cli.lists.column.to'), tr.t('cli.lists.column.since')],
        rows.map((r) => [r.itemBarcode, r.title, r.fromBranchCode, r.toBranchCode, day(r.since)]),
        tr.t('cli.lists.inTransit.none'),
      ),
    );
  });

  lists
    .command('done')
    .description(tr.t('cli.lists.done.help'))
    .requiredOption('--library <id>', tr.t('cli.option.libraryId'))
    .requiredOption('--item <barcode>', 'item barcode')
    .addOption(asOf())
    .action(async (o: { library: string; item: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'circulation')(completeItemTask, { libraryId: o.library, itemBarcode: o.item });
      const done = { pulled: tr.t('cli.lists.done.pulled'), received: tr.t('cli.lists.done.received'), reshelved: tr.t('cli.lists.done.reshelved') }[result.done];
      const next = { 'in-transit': tr.t('cli.lists.next.inTransit'), 'hold-shelf': tr.t('cli.lists.next.holdShelf'), shelf: tr.t('cli.lists.next.shelf') }[result.next];
      emit(opts.json, result, () => `${result.itemBarcode} ${done}; ${next}.`);
    });
}
