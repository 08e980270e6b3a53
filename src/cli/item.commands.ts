import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { DomainError, ErrorCode, refuse, type Problem } from '../domain/errors.js';
import { parseAmount } from '../domain/money.js';
import { changeItem, type ItemChangeInput } from '../usecases/catalogue.usecases.js';
import { addItem, addItems, type AddItemInput } from '../usecases/item.usecases.js';
import { emit, tr } from './output.js';
import { itemStatus } from './words.js';
import type { CommandHelpers } from './command-helpers.js';

/** `carrel item add`, `carrel item import` and `carrel item change`: the catalogue's copies. */
export function registerItemCommands(program: Command, helpers: CommandHelpers): void {
  const { runAs, globals } = helpers;

  const item = program.command('item').description(tr.t('cli.item.help'));
  item
    .command('add')
    .description(tr.t('cli.item.add.help'))
    .requiredOption('--library <id>', 'library id')
    .requiredOption('--barcode <barcode>', 'item barcode')
    .requiredOption('--title <title>', 'title')
    .option('--author <author>', 'author')
    .option('--isbn <isbn>', 'ISBN')
    .option('--type <type>', 'item type (book, dvd, …)', 'book')
    .option('--branch <code>', 'owning branch (default: the library’s first)')
    .option('--replacement-cost <amount>', 'replacement cost, e.g. 24.95')
    .action(async (o: { library: string; barcode: string; title: string; author?: string; isbn?: string; type: string; branch?: string; replacementCost?: string }, command: Command) => {
      const opts = globals(command);
      const cost = o.replacementCost === undefined ? null : parseAmount(o.replacementCost);
      if (cost === undefined) throw refuse(ErrorCode.INVALID_AMOUNT, '--replacement-cost takes an amount such as 24.95.', 'replacement-cost');
      const created = await runAs(opts, 'administration')(addItem, {
          libraryId: o.library,
          barcode: o.barcode,
          title: o.title,
          author: o.author ?? null,
          isbn: o.isbn ?? null,
          itemType: o.type,
          ...(o.branch ? { branch: o.branch } : {}),
          replacementCostCents: cost,
        });
      emit(opts.json, created, () => tr.t('cli.item.add.done', { barcode: created.barcode, title: created.title }));
    });

  item
    .command('import')
    .description(tr.t('cli.item.import.help'))
    .argument('<file>', 'CSV file')
    .option('--library <id>', 'library for rows without a library column')
    .action(async (file: string, o: { library?: string }, command: Command) => {
      const opts = globals(command);
      const rows = readItemCsv(file, o.library);
      const created = await runAs(opts, 'administration')(addItems, rows);
      emit(opts.json, { imported: created.length }, () => tr.t('cli.item.import.done', { count: created.length, file }));
    });

  item
    .command('change')
    .description(tr.t('cli.item.change.help'))
    .argument('<barcode>', 'item barcode')
    .option('--library <id>', 'library, when several use the barcode')
    .option('--status <status>', 'available (found again), missing or withdrawn')
    .option('--damaged', 'mark the copy damaged (still lent; not sent to another branch for a hold)')
    .option('--not-damaged', 'the copy is no longer damaged')
    .option('--call-number <text>', 'the call number ("" to clear it)')
    .option('--branch <code>', 'the branch that owns the copy')
    .action(async (barcode: string, o: { library?: string; status?: string; damaged?: boolean; notDamaged?: boolean; callNumber?: string; branch?: string }, command: Command) => {
      const opts = globals(command);
      if (o.damaged && o.notDamaged) throw refuse(ErrorCode.VALIDATION_FAILED, 'Give --damaged or --not-damaged, not both.', 'damaged');
      if (o.status !== undefined && !['available', 'missing', 'withdrawn'].includes(o.status)) throw refuse(ErrorCode.VALIDATION_FAILED, '--status takes available, missing or withdrawn.', 'status');
      const change: ItemChangeInput = {
        itemBarcode: barcode,
        ...(o.library !== undefined ? { libraryId: o.library } : {}),
        ...(o.status !== undefined ? { status: o.status as ItemChangeInput['status'] } : {}),
        ...(o.damaged || o.notDamaged ? { damaged: Boolean(o.damaged) } : {}),
        ...(o.callNumber !== undefined ? { callNumber: o.callNumber } : {}),
        ...(o.branch !== undefined ? { branch: o.branch } : {}),
      };
      if (Object.keys(change).every((k) => k === 'itemBarcode' || k === 'libraryId')) throw refuse(ErrorCode.VALIDATION_FAILED, 'Nothing to change: give --status, --damaged, --not-damaged, --call-number or --branch.', 'status');
      const changed = await runAs(opts, 'administration')(changeItem, change);
      emit(opts.json, changed, () => {
        const details = [itemStatus(changed.status), changed.damaged ? tr.t('cli.item.damaged') : '', changed.callNumber ? tr.t('cli.item.callNumber', { callNumber: changed.callNumber }) : ''];
        return tr.t('cli.item.change.done', { barcode: changed.barcode, title: changed.title, details: details.filter(Boolean).join(', ') });
      });
    });
}

/** The columns an item file may have; the first two it must have. */
const ITEM_COLUMNS = ['barcode', 'title', 'author', 'isbn', 'type', 'branch', 'replacement_cost', 'library'] as const;
const REQUIRED_ITEM_COLUMNS = ['barcode', 'title'] as const;

/**
 * What is wrong with an item file's header (line 1): a column Carrel does not know (a misspelling would
 * otherwise drop that column's values without a word), named with the closest known column; a column
 * given twice; a required column missing. Empty when the header is right.
 */
export function itemHeaderProblems(header: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const known: readonly string[] = ITEM_COLUMNS;
  if (header.length === 0) return [{ code: ErrorCode.IMPORT_FAILED, message: `line 1: the file has no header; it starts with the columns ${REQUIRED_ITEM_COLUMNS.join(',')}.`, field: 'header' }];
  for (const [i, name] of header.entries()) {
    if (header.indexOf(name) !== i) problems.push({ code: ErrorCode.IMPORT_FAILED, message: `line 1: the column "${name}" is given twice.`, field: name });
    else if (!known.includes(name)) {
      const closest = closestColumn(name);
      problems.push({
        code: ErrorCode.IMPORT_FAILED,
        message: `line 1: unknown column "${name}"${closest ? ` (did you mean "${closest}"?)` : ''}; the columns are ${ITEM_COLUMNS.join(', ')}.`,
        field: name,
      });
    }
  }
  for (const name of REQUIRED_ITEM_COLUMNS)
    if (!header.includes(name)) problems.push({ code: ErrorCode.IMPORT_FAILED, message: `line 1: the header has no "${name}" column, which every item needs.`, field: name });
  return problems;
}

/** The known column nearest a misspelt one (edit distance at most a third of its length, at least 2), if any. */
function closestColumn(name: string): string | undefined {
  let best: { column: string; distance: number } | undefined;
  for (const column of ITEM_COLUMNS) {
    const distance = editDistance(name, column);
    if (!best || distance < best.distance) best = { column, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(best.column.length / 3)) ? best.column : undefined;
}

/** Levenshtein distance: the fewest insertions, deletions and substitutions that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length] as number;
}

/** Reads an item CSV; a bad header fails the file on line 1, any bad row fails it with the row's line number. */
function readItemCsv(file: string, defaultLibrary: string | undefined): (AddItemInput & { line: number })[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw refuse(ErrorCode.IMPORT_FAILED, `Cannot read ${file}.`, 'file');
  }
  let records: { record: Record<string, string>; info: { lines: number } }[];
  let header: string[] = [];
  try {
    records = parseCsv(text, {
      columns: (names: string[]) => (header = names.map((h) => h.trim().toLowerCase())),
      skip_empty_lines: true,
      trim: true,
      info: true,
      bom: true,
    });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw refuse(ErrorCode.IMPORT_FAILED, `The file is not valid CSV${line ? ` (line ${line})` : ''}; nothing was imported.`, 'file');
  }
  const headerProblems = itemHeaderProblems(header);
  if (headerProblems.length > 0) throw new DomainError(headerProblems);
  const problems: Problem[] = [];
  const rows = records.map(({ record, info }) => {
    const line = info.lines;
    const cost = record.replacement_cost ? parseAmount(record.replacement_cost) : null;
    if (cost === undefined) problems.push({ code: ErrorCode.INVALID_AMOUNT, message: `line ${line}: replacement_cost is not an amount.`, field: 'replacement_cost' });
    const libraryId = record.library || defaultLibrary;
    if (!libraryId) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `line ${line}: no library column and no --library.`, field: 'library' });
    return {
      line,
      libraryId: libraryId ?? '',
      barcode: record.barcode ?? '',
      title: record.title ?? '',
      author: record.author || null,
      isbn: record.isbn || null,
      ...(record.type ? { itemType: record.type } : {}),
      ...(record.branch ? { branch: record.branch } : {}),
      replacementCostCents: cost ?? null,
    };
  });
  if (rows.length === 0) problems.push({ code: ErrorCode.IMPORT_FAILED, message: 'The file has no item rows.' });
  if (problems.length > 0) throw new DomainError(problems);
  return rows;
}
