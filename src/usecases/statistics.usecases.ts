/**
 * Statistics: circulation, registrations, program sign-ups and computer use, read only from the
 * aggregate tables the retention engine and registration write (never from patron rows), as one
 * two-dimensional table with totals and small-cell suppression under the library's profile (RR-4, CB-A6,
 * RF-3, IF-4, JC-IVd; DESIGN.md invariant 6). No personal data is read, so no access-log entry is written;
 * the staff permission `statistics.read` is still required.
 */
import { DateTime } from 'luxon';
import { AGE_BANDS } from '../domain/patron.rules.js';
import { ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import { profiles } from '../policy/profiles.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import { suppressedTable, tableCsv, thresholdOf, withMask, type Cell } from '../policy/statistics.policy.js';
import { findLibrary, listBranches } from '../storage/library.repository.js';
import { NO_BRANCH, statsCells, type StatsColumn, type StatsTable } from '../storage/statistics.repository.js';
import { requirePermission } from './authorization.js';
import type { Context } from './context.js';

export const STATISTICS_KINDS = ['circulation', 'registrations', 'programs', 'computer-use'] as const;
export type StatisticsKind = (typeof STATISTICS_KINDS)[number];
export const DIMENSIONS = ['period', 'branch', 'item-type', 'patron-category', 'age-band'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const PERIODS = ['day', 'month', 'year'] as const;
export type Period = (typeof PERIODS)[number];

/** Where each kind of statistics comes from, and what it counts. */
const SOURCES: Record<StatisticsKind, { table: StatsTable; serviceKind?: string; measure: string; dimensions: readonly Dimension[] }> = {
  circulation: { table: 'circulation_stats', measure: 'loans', dimensions: DIMENSIONS },
  registrations: { table: 'registration_stats', measure: 'registrations', dimensions: ['period', 'branch', 'patron-category', 'age-band'] },
  programs: { table: 'service_stats', serviceKind: 'program-signup', measure: 'program sign-ups', dimensions: ['period', 'branch', 'patron-category', 'age-band'] },
  'computer-use': { table: 'service_stats', serviceKind: 'computer-session', measure: 'computer sessions', dimensions: ['period', 'branch', 'patron-category', 'age-band'] },
};

/** The label a row or column of no branch carries. */
export const NO_BRANCH_LABEL = '(none)';

export interface StatisticsInput {
  libraryId: string;
  kind: string;
  /** YYYY-MM-DD, library time: the first day, and the day after the last (not included), as the transparency report. */
  from: string;
  to: string;
  rows: string;
  columns: string;
  /** How `period` is cut: day, month (default) or year. */
  period?: string;
}

export interface PublishedTable {
  rowLabels: string[];
  columnLabels: string[];
  cells: Cell[][];
  rowTotals: Cell[];
  columnTotals: Cell[];
  total: Cell;
}

export interface StatisticsResult {
  libraryId: string;
  kind: StatisticsKind;
  /** What a count counts: loans, registrations, program sign-ups, computer sessions. */
  measure: string;
  from: string;
  to: string;
  period: Period;
  rows: Dimension;
  columns: Dimension;
  /** Counts below it are suppressed (the profile's `statistics.small_cell_threshold`), and the clause. */
  threshold: number;
  clause: string;
  table: PublishedTable;
  /** Entries suppressed (cells and totals), and how many of those only to protect another. */
  suppressed: { total: number; complementary: number };
  /** Computer use: the minutes of those sessions, hidden exactly where the session counts are. */
  minutes?: PublishedTable;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function oneOf<T extends string>(list: readonly T[], value: string | undefined, field: string, problems: Problem[]): T | undefined {
  if (value !== undefined && (list as readonly string[]).includes(value)) return value as T;
  problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `${field} is one of ${list.join(', ')}.`, field });
  return undefined;
}

function calendarDay(text: string, field: string, problems: Problem[]): DateTime | undefined {
  const parsed = ISO_DATE.test(text) ? DateTime.fromISO(text, { zone: 'UTC' }) : undefined;
  if (parsed?.isValid) return parsed;
  problems.push({ code: ErrorCode.INVALID_DATE, message: `${field} is a date written YYYY-MM-DD.`, field });
  return undefined;
}

/** The aggregate column of a dimension. */
function columnOf(dimension: Dimension, period: Period): StatsColumn {
  switch (dimension) {
    case 'period':
      return period;
    case 'branch':
      return 'branch_id';
    case 'item-type':
      return 'item_type';
    case 'patron-category':
      return 'patron_category';
    case 'age-band':
      return 'age_band';
  }
}

const AGE_ORDER: readonly string[] = [...AGE_BANDS.map((b) => b.band), 'unknown'];

/** Labels in reading order: periods in time, age bands youngest first, the rest alphabetically. */
function ordered(dimension: Dimension, labels: Iterable<string>): string[] {
  const list = [...new Set(labels)];
  if (dimension === 'age-band') return list.sort((a, b) => (AGE_ORDER.indexOf(a) + 1 || 99) - (AGE_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));
  if (dimension === 'branch') return list.sort((a, b) => (a === NO_BRANCH_LABEL ? 1 : 0) - (b === NO_BRANCH_LABEL ? 1 : 0) || a.localeCompare(b));
  return list.sort();
}

/**
 * A statistics table for one library (any staff member of the library, consortium staff, the system
 * administrator): counts of `kind` over [from, to) by `rows` × `columns`, with totals, suppressed under
 * the profile's threshold with complementary suppression (policy/statistics.policy.ts).
 */
export async function statistics(ctx: Context, input: StatisticsInput): Promise<StatisticsResult> {
  requirePermission(ctx, 'statistics.read');
  const library = await findLibrary(ctx.trx, input.libraryId);
  if (!library || !canReachLibrary(ctx.actor, library.id).allowed) throw refuse(ErrorCode.LIBRARY_NOT_FOUND, 'No library has that id.', 'libraryId');

  const problems: Problem[] = [];
  const kind = oneOf(STATISTICS_KINDS, input.kind, 'kind', problems);
  const source = kind && SOURCES[kind];
  const dimensions = source?.dimensions ?? DIMENSIONS;
  const rows = oneOf(dimensions, input.rows, 'rows', problems);
  const columns = oneOf(dimensions, input.columns, 'columns', problems);
  if (rows !== undefined && rows === columns) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'Rows and columns are two different dimensions.', field: 'columns' });
  const period = oneOf(PERIODS, input.period ?? 'month', 'period', problems);
  const from = calendarDay(input.from, 'from', problems);
  const to = calendarDay(input.to, 'to', problems);
  if (from && to && to <= from) problems.push({ code: ErrorCode.INVALID_DATE, message: 'The period must end after it starts (`to` is the day after its last day).', field: 'to' });
  refuseAll(problems);
  const [k, r, c, p, s] = [kind as StatisticsKind, rows as Dimension, columns as Dimension, period as Period, source as (typeof SOURCES)[StatisticsKind]];

  const profile = profiles().get(library.profileId);
  const threshold = thresholdOf(profile);
  const cells = await statsCells(ctx.trx, {
    table: s.table,
    libraryId: library.id,
    fromDay: input.from,
    toDay: input.to,
    rows: columnOf(r, p),
    columns: columnOf(c, p),
    ...(s.serviceKind !== undefined ? { kind: s.serviceKind } : {}),
  });

  // Branches are published by code, never by internal id.
  const branchCodes = new Map((await listBranches(ctx.trx, library.id)).map((b) => [b.id, b.code]));
  const label = (dimension: Dimension, value: string) => (dimension !== 'branch' ? value : value === NO_BRANCH ? NO_BRANCH_LABEL : (branchCodes.get(value) ?? value));
  const counts = new Map<string, Map<string, number>>();
  const minutes = new Map<string, Map<string, number>>();
  for (const cell of cells) {
    const row = label(r, cell.row);
    const column = label(c, cell.column);
    for (const [into, n] of [[counts, cell.count], [minutes, cell.minutes]] as const) {
      const line = into.get(row) ?? new Map<string, number>();
      line.set(column, (line.get(column) ?? 0) + n);
      into.set(row, line);
    }
  }
  const rowLabels = ordered(r, cells.map((cell) => label(r, cell.row)));
  const columnLabels = ordered(c, cells.map((cell) => label(c, cell.column)));
  const published = suppressedTable(rowLabels, columnLabels, counts, threshold);
  const { cells: tableCells, rowTotals, columnTotals, total } = published;
  return {
    libraryId: library.id,
    kind: k,
    measure: s.measure,
    from: input.from,
    to: input.to,
    period: p,
    rows: r,
    columns: c,
    threshold,
    clause: profile.statistics.clause,
    table: { rowLabels, columnLabels, cells: tableCells, rowTotals, columnTotals, total },
    suppressed: { total: published.suppressedCount, complementary: published.complementaryCount },
    ...(k === 'computer-use' ? { minutes: { rowLabels, columnLabels, ...withMask(published, minutes) } } : {}),
  };
}

/** The counts table as CSV (a suppressed entry is `<k`); the header's first field names rows \ columns. */
export function statisticsCsv(result: StatisticsResult): string {
  return tableCsv({ ...result.table, threshold: result.threshold }, `${result.rows} \\ ${result.columns}`);
}

/** The counts table as aligned text for a terminal. */
export function statisticsText(result: StatisticsResult): string {
  const shown = (cell: Cell) => (cell.suppressed ? `<${result.threshold}` : String(cell.value));
  const t = result.table;
  const lines = [[`${result.rows} \\ ${result.columns}`, ...t.columnLabels, 'total'], ...t.rowLabels.map((l, i) => [l, ...(t.cells[i] as Cell[]).map(shown), shown(t.rowTotals[i] as Cell)]), ['total', ...t.columnTotals.map(shown), shown(t.total)]];
  const widths = (lines[0] as string[]).map((_, j) => Math.max(...lines.map((line) => (line[j] as string).length)));
  const body = lines.map((line) => line.map((cell, j) => (j === 0 ? cell.padEnd(widths[j] as number) : cell.padStart(widths[j] as number))).join('  ').trimEnd());
  return [
    `${result.measure}, ${result.from} to ${result.to} (not included), library ${result.libraryId}`,
    ...body,
    `Counts below ${result.threshold} are shown as <${result.threshold} (${result.clause}); ${result.suppressed.complementary} more are hidden so that none can be worked out from the totals.`,
  ].join('\n');
}
