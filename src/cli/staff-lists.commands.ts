import { InvalidArgumentError, Option, type Command } from 'commander';
import { completeItemTask, expiredHoldsList, inTransitList, overdueList, pullList, type ListInput } from '../usecases/staff-lists.usecases.js';
import type { CommandHelpers } from './command-helpers.js';
import { emit } from './output.js';

interface ListFlags {
  library: string;
  branch?: string;
  minDays?: number;
  purpose?: 'circulation' | 'materials-recovery';
}

function wholeDays(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('a whole number of days, at least 1.');
  return Number(value);
}

/** A plain table: one header line, then one line per row, columns padded to their widest cell. */
function table(headers: readonly string[], rows: readonly (readonly string[])[], empty: string): string {
  if (rows.length === 0) return empty;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

const day = (instant: string) => instant.slice(0, 10);

/** `carrel lists overdue|pull|expired-holds|in-transit|done`: the lists staff on duty work from. */
export function registerStaffListCommands(program: Command, helpers: CommandHelpers): void {
  const { runAs, globals, asOf } = helpers;
  const lists = program.command('lists').description('staff lists: items overdue, holds to pull, expired holds to reshelve, items in transit');
  const scope = (o: ListFlags): ListInput => ({ libraryId: o.library, ...(o.branch !== undefined ? { branch: o.branch } : {}) });
  const listCommand = (name: string, description: string) =>
    lists
      .command(name)
      .description(description)
      .requiredOption('--library <id>', 'library id')
      .option('--branch <code>', 'one branch (its code or id)')
      .addOption(asOf());

  listCommand('overdue', 'items overdue, most overdue first')
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
          ['barcode', 'title', 'branch', 'due', 'days overdue', ...(withContact ? ['patron', 'contact'] : [])],
          rows.map((r) => [
            r.itemBarcode,
            r.title,
            r.branchCode,
            r.dueOn,
            String(r.daysOverdue),
            ...(withContact ? [r.contact?.name ?? '', r.contact?.address ? `${r.contact.channel}: ${r.contact.address}` : 'at the desk'] : []),
          ]),
          'Nothing is overdue.',
        ),
      );
    });

  listCommand('pull', 'holds to pull: items on the shelves trapped for a hold (no patron)').action(async (o: ListFlags, command: Command) => {
    const opts = globals(command);
    const rows = await runAs(opts, 'circulation')(pullList, scope(o));
    emit(opts.json, rows, () =>
      table(
        ['barcode', 'title', 'author', 'type', 'branch', 'pick-up at', 'since'],
        rows.map((r) => [r.itemBarcode, r.title, r.author ?? '', r.itemType, r.branchCode, r.pickupBranchCode, day(r.since)]),
        'No holds to pull.',
      ),
    );
  });

  listCommand('expired-holds', 'expired or cancelled holds to take off the hold shelf (no patron)').action(async (o: ListFlags, command: Command) => {
    const opts = globals(command);
    const rows = await runAs(opts, 'circulation')(expiredHoldsList, scope(o));
    emit(opts.json, rows, () =>
      table(
        ['shelf code', 'barcode', 'title', 'branch', 'since'],
        rows.map((r) => [r.shelfCode ?? '', r.itemBarcode, r.title, r.branchCode, day(r.since)]),
        'No expired holds to reshelve.',
      ),
    );
  });

  listCommand('in-transit', 'items travelling to a pick-up branch (no patron)').action(async (o: ListFlags, command: Command) => {
    const opts = globals(command);
    const rows = await runAs(opts, 'circulation')(inTransitList, scope(o));
    emit(opts.json, rows, () =>
      table(['barcode', 'title', 'from', 'to', 'since'], rows.map((r) => [r.itemBarcode, r.title, r.fromBranchCode, r.toBranchCode, day(r.since)]), 'Nothing in transit.'),
    );
  });

  lists
    .command('done')
    .description('mark a row done: pulled, received at the pick-up branch, or reshelved')
    .requiredOption('--library <id>', 'library id')
    .requiredOption('--item <barcode>', 'item barcode')
    .addOption(asOf())
    .action(async (o: { library: string; item: string }, command: Command) => {
      const opts = globals(command);
      const result = await runAs(opts, 'circulation')(completeItemTask, { libraryId: o.library, itemBarcode: o.item });
      const next = { 'in-transit': 'now in transit to its pick-up branch', 'hold-shelf': 'now on the hold shelf', shelf: 'back on the shelves' }[result.next];
      emit(opts.json, result, () => `${result.itemBarcode} ${result.done}; ${next}.`);
    });
}
