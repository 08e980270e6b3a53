/**
 * Statistics: circulation, registrations, program sign-ups, computer use and sign-ins to vendors, read only from the
 * aggregate tables (never from patron rows), as one two-dimensional table with totals and small-cell
 * suppression under the library's profile (RR-4, CB-A6, RF-3, IF-4, JC-IVd; DESIGN.md invariant 6). No
 * personal data is read, so no access-log entry is written; the staff permission `statistics.read` is
 * still required.
 *
 * **A published month never changes.** If a month's counts could grow later — a loan counted only when
 * its reading history was deleted or its legal hold released, a service counted only when its patron's
 * record was deleted — then two publications of the same month, subtracted, would show what that one
 * patron borrowed or did. So every event is counted once, in the transaction of a fixed instant, under
 * that instant's library-local day, and that instant is never after the moment it is counted:
 * - a registration when it is made (patron.usecases.ts), a loan when it is lent (circulation.usecases.ts),
 *   a sign-in to a vendor when the vendor is told the patron is valid (vendor-sign-in.usecases.ts, by month);
 * - a service once it has ended (log-off, the event's end, the request's closing), under the day it
 *   ended, by the first retention run after its end, or when its record is deleted before that run,
 *   whichever comes first (retention.usecases.ts); one cancelled or still to come is never counted.
 * Nothing is counted when a record is anonymised, disposed of or released from a hold. Hence a month's
 * counting is complete once it has ended (registrations, loans) and, for services, once a retention run
 * as of a later instant has counted them (`services_counted_through`). Statistics answer only whole
 * calendar months (or years) that have ended, and for services only those so counted.
 */
import { DateTime } from 'luxon';
import { AGE_BANDS } from '../domain/patron.rules.js';
import { ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import { DIMENSIONS, KIND_DIMENSIONS, PERIODS, STATISTICS_KINDS, type Dimension, type Period, type StatisticsKind } from '../domain/statistics.js';
import { profiles } from '../profile/profiles.js';
import { canReachLibrary } from '../policy/scope.policy.js';
import { flowBounds } from '../solver/table-flow.js';
import { suppressedTable, tableCsv, thresholdOf, withMask, type Cell } from '../policy/statistics.policy.js';
import { findLibrary, listBranches } from '../storage/library.repository.js';
import { listVendors } from '../storage/vendor.repository.js';
import { NO_BRANCH, servicesCountedThrough, statsCells, type StatsColumn, type StatsTable } from '../storage/statistics.repository.js';
import { requirePermission } from './authorization.js';
import { rememberMask } from './statistics-masks.js';
import type { Context } from './context.js';

export { DIMENSIONS, KIND_DIMENSIONS, PERIODS, STATISTICS_KINDS, type Dimension, type Period, type StatisticsKind } from '../domain/statistics.js';

/** Where each kind of statistics comes from, and what it counts. */
const SOURCES: Record<StatisticsKind, { table: StatsTable; serviceKind?: string; measure: string; dimensions: readonly Dimension[] }> = {
  circulation: { table: 'circulation_stats', measure: 'loans', dimensions: KIND_DIMENSIONS.circulation },
  registrations: { table: 'registration_stats', measure: 'registrations', dimensions: KIND_DIMENSIONS.registrations },
  programs: { table: 'service_stats', serviceKind: 'program-signup', measure: 'program sign-ups', dimensions: KIND_DIMENSIONS.programs },
  'computer-use': { table: 'service_stats', serviceKind: 'computer-session', measure: 'computer sessions', dimensions: KIND_DIMENSIONS['computer-use'] },
  // Issue 19, CB-D: counted when the vendor is told a patron is valid (vendor-sign-in.usecases.ts), under
  // the library-local month of that instant; what anyone did at the vendor is never known.
  'vendor-sign-ins': { table: 'vendor_sign_in_counts', measure: 'sign-ins to vendors', dimensions: KIND_DIMENSIONS['vendor-sign-ins'] },
};

/** The label a row or column of no branch carries. */
export const NO_BRANCH_LABEL = '(none)';

export interface StatisticsInput {
  libraryId: string;
  kind: string;
  /**
   * YYYY-MM-DD, library time: the first day, and the day after the last (not included), as the
   * transparency report. Both are first days of months (1 January with `period: year`), and `to` is at
   * most the first day of the current month: only whole months that have ended are published.
   */
  from: string;
  to: string;
  rows: string;
  columns: string;
  /** How `period` is cut: month (default) or year. */
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
  /**
   * Entries suppressed (cells and totals), and whether no cell could be published at all (only the
   * totals, which are the same in every table). `complementary` is no longer published and is always
   * null: which hidden entries are small and which protect them would tell a reader the small ones
   * (policy/statistics.policy.ts). The field stays, for the clients that read it.
   */
  suppressed: { total: number; complementary: null; marginsOnly: boolean };
  /** Computer use: the minutes of those sessions, hidden exactly where the session counts are. */
  minutes?: PublishedTable;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The largest table answered: suppression (with its bounds audit) runs in the request, synchronously,
 * and grows quickly with the table (240 months × 40 item types takes seconds). At most 36 months (three
 * years by year) in [from, to); at most 2,000 cells (rows × columns, totals aside); and at most 200
 * values of either dimension, since a long thin table is the slowest of all (2,000 item types × one age
 * band takes tens of seconds, 200 × 10 under one). A larger request is refused with
 * STATISTICS_TABLE_TOO_LARGE: the span before any count is read, the others once the labels are known.
 */
export const STATISTICS_LIMITS = { months: 36, cells: 2_000, labels: 200 } as const;

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

/** A period's bound: the first day of a month, or of a year when counting by year. */
function periodBound(text: string, field: string, period: Period | undefined, problems: Problem[]): DateTime | undefined {
  const day = calendarDay(text, field, problems);
  if (!day) return undefined;
  if (period === 'year' && (day.month !== 1 || day.day !== 1))
    problems.push({ code: ErrorCode.INVALID_DATE, message: `${field} is 1 January of a year (YYYY-01-01): statistics by year cover whole years.`, field });
  else if (day.day !== 1) problems.push({ code: ErrorCode.INVALID_DATE, message: `${field} is the first day of a month (YYYY-MM-01): statistics cover whole months.`, field });
  return day;
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
    case 'vendor':
      return 'vendor_id';
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
 * A statistics table for one library (its librarians, branch managers and director, consortium staff,
 * the system administrator): counts of `kind` over the whole months [from, to) by `rows` × `columns`,
 * with totals, suppressed under the profile's threshold with complementary suppression
 * (policy/statistics.policy.ts). At most 36 months, 2,000 cells and 200 values a side (`STATISTICS_LIMITS`).
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
  let period: Period | undefined;
  if (input.period === 'day')
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'period is month or year: statistics are not published by day (a day’s counts are too few).', field: 'period' });
  else period = oneOf(PERIODS, input.period ?? 'month', 'period', problems);
  const from = periodBound(input.from, 'from', period, problems);
  const to = periodBound(input.to, 'to', period, problems);
  if (from && to && to <= from) problems.push({ code: ErrorCode.INVALID_DATE, message: 'The period must end after it starts (`to` is the day after its last day).', field: 'to' });
  // Only months that have ended, in the library's time zone, by the injected clock.
  const thisMonth = DateTime.fromJSDate(ctx.now, { zone: library.timeZone }).startOf('month').toISODate() as string;
  if (to && input.to > thisMonth)
    problems.push({ code: ErrorCode.INVALID_DATE, message: `to is at most the first day of the current month (${thisMonth}): only months that have ended are published.`, field: 'to' });
  refuseAll(problems);
  const months = ((to as DateTime).year - (from as DateTime).year) * 12 + ((to as DateTime).month - (from as DateTime).month);
  if (months > STATISTICS_LIMITS.months)
    throw refuse(
      ErrorCode.STATISTICS_TABLE_TOO_LARGE,
      `A table covers at most ${STATISTICS_LIMITS.months} months (${STATISTICS_LIMITS.months / 12} years); [from, to) covers ${months}. Ask for a shorter period, or for several.`,
      'to',
    );
  const [k, r, c, p, s] = [kind as StatisticsKind, rows as Dimension, columns as Dimension, period as Period, source as (typeof SOURCES)[StatisticsKind]];

  // Services are counted by the retention run after they end: a period is published once a run has
  // counted everything that ended before its end (see the top of this file).
  if (s.table === 'service_stats') {
    const end = DateTime.fromISO(input.to, { zone: library.timeZone }).toJSDate().toISOString();
    const through = await servicesCountedThrough(ctx.trx, library.id);
    if (through === null || through < end)
      throw refuse(
        ErrorCode.STATISTICS_INCOMPLETE,
        `Services of that period are not all counted yet: they are counted by the first retention run after they end, and ${through === null ? 'no run has counted them yet' : `runs have counted them through ${through}`}. Ask again after the next retention run.`,
        'to',
      );
  }

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

  // Branches are published by code and vendors by name, never by internal id.
  const branchCodes = new Map((await listBranches(ctx.trx, library.id)).map((b) => [b.id, b.code]));
  const vendorNames = r === 'vendor' || c === 'vendor' ? new Map((await listVendors(ctx.trx, library.id)).map((v) => [v.id, v.name])) : new Map<string, string>();
  const label = (dimension: Dimension, value: string) =>
    dimension === 'vendor' ? (vendorNames.get(value) ?? value) : dimension !== 'branch' ? value : value === NO_BRANCH ? NO_BRANCH_LABEL : (branchCodes.get(value) ?? value);
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
  if (rowLabels.length > STATISTICS_LIMITS.labels || columnLabels.length > STATISTICS_LIMITS.labels)
    throw refuse(
      ErrorCode.STATISTICS_TABLE_TOO_LARGE,
      `A table has at most ${STATISTICS_LIMITS.labels} rows and ${STATISTICS_LIMITS.labels} columns; ${r} × ${c} over that period has ${rowLabels.length} × ${columnLabels.length}. Ask for a dimension with fewer values.`,
      rowLabels.length > STATISTICS_LIMITS.labels ? 'rows' : 'columns',
    );
  if (rowLabels.length * columnLabels.length > STATISTICS_LIMITS.cells)
    throw refuse(
      ErrorCode.STATISTICS_TABLE_TOO_LARGE,
      `A table has at most ${STATISTICS_LIMITS.cells.toLocaleString('en-US')} cells; ${r} × ${c} over that period has ${rowLabels.length} × ${columnLabels.length}. Ask for a shorter period or for dimensions with fewer values.`,
    );
  // Suppression is computed with the dimensions in their canonical order (DIMENSIONS), so a table and
  // its transpose hide the same entries.
  const published = suppressedTable(rowLabels, columnLabels, counts, threshold, flowBounds, { transpose: DIMENSIONS.indexOf(r) > DIMENSIONS.indexOf(c), remember: rememberMask });
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
    suppressed: { total: published.suppressedCount, complementary: null, marginsOnly: published.marginsOnly },
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
    `Entries shown as <${result.threshold} are hidden (${result.clause}): either below ${result.threshold}, or hidden so that a small one cannot be worked out.`,
    ...(result.suppressed.marginsOnly ? ['No cell could be published without giving a small count away: only the totals are shown.'] : []),
  ].join('\n');
}
