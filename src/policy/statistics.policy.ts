/**
 * Publishing statistics without publishing people (RR-4, CB-A6, RF-3, IF-4, JC-IVd; DESIGN.md invariant
 * 6): a two-dimensional table of counts with row and column totals and a grand total, and small-cell
 * suppression under the profile's threshold k (`statistics.small_cell_threshold`).
 *
 * The table is read as an (R+1)×(C+1) grid: R rows of cells each ending in its row total, and a margin
 * row of column totals ending in the grand total. Every line of that grid — a row or a column, margins
 * included — is one additive relation (the last entry is the sum of the others), so one unknown in a
 * line is recovered by subtracting the line's published entries from its total.
 *
 * - Primary suppression: every non-zero count below k, cells and totals alike (a total below k would say
 *   as much as a small cell: a small branch, a rare item type).
 * - Complementary suppression: while some line holds exactly one suppressed entry, suppress one more
 *   entry of that line: the one that also closes another line with a single suppressed entry, else the
 *   one on a line already suppressed (it opens no new one), else the smallest non-zero; an interior cell
 *   before a total (totals are what a reader wants most).
 * - Zeros are published as 0 and never suppressed: "nobody" discloses nothing about a person, and a
 *   suppressed zero adds no uncertainty that a reader of the other cells could not remove.
 *
 * **Guarantee**: no line of the published table has exactly one suppressed entry, so no suppressed count
 * can be recovered by subtracting published counts of any single row or column from its total.
 * **Limits**: this is not a full audit. A reader who combines several lines (a linear-programming attack)
 * may still bound a suppressed cell, and in some patterns pin it; nor does it protect against
 * differencing two tables of overlapping periods or dimensions published separately.
 */

/** A published entry: its count, or null and `suppressed: true`. */
export interface Cell {
  value: number | null;
  suppressed: boolean;
}

export interface SuppressedTable {
  rowLabels: string[];
  columnLabels: string[];
  /** cells[i][j]: row i, column j. */
  cells: Cell[][];
  rowTotals: Cell[];
  columnTotals: Cell[];
  total: Cell;
  threshold: number;
  /** How many entries (cells and totals) are suppressed, and how many of them only as complements. */
  suppressedCount: number;
  complementaryCount: number;
}

/** The profile's threshold (RR-4, CB-A6, RF-3, IF-4): counts below it are not published. */
export function thresholdOf(profile: { statistics: { smallCellThreshold: number } }): number {
  return profile.statistics.smallCellThreshold;
}

/** The full grid of a table of counts: cells with row totals, then the margin row of column totals. */
export function gridOf(counts: readonly (readonly number[])[], columns: number): number[][] {
  const grid = counts.map((row) => {
    const line = Array.from({ length: columns }, (_, j) => row[j] ?? 0);
    return [...line, line.reduce((a, b) => a + b, 0)];
  });
  const margin = Array.from({ length: columns + 1 }, (_, j) => grid.reduce((sum, row) => sum + (row[j] as number), 0));
  return [...grid, margin];
}

/**
 * Which entries of a grid (from `gridOf`) are suppressed under threshold k: primary, then complementary
 * until no line holds exactly one suppressed entry. Deterministic.
 */
export function suppressionMask(grid: readonly (readonly number[])[], k: number): { mask: boolean[][]; primary: number } {
  const R = grid.length; // rows including the margin row
  const C = R === 0 ? 0 : (grid[0] as readonly number[]).length; // columns including the totals column
  const value = (i: number, j: number) => (grid[i] as readonly number[])[j] as number;
  const mask = grid.map((row) => row.map((v) => v > 0 && v < k));
  let primary = mask.reduce((n, row) => n + row.filter(Boolean).length, 0);
  const rowCount = (i: number) => (mask[i] as boolean[]).filter(Boolean).length;
  const columnCount = (j: number) => mask.reduce((n, row) => n + (row[j] ? 1 : 0), 0);
  const isTotal = (i: number, j: number) => i === R - 1 || j === C - 1;

  /** How good a choice (i, j) is to complete the line it is chosen for: lower is better. */
  const rank = (i: number, j: number, crossCount: number): [number, number, number, number, number] => [
    crossCount === 1 ? 0 : crossCount >= 2 ? 1 : 2,
    isTotal(i, j) ? 1 : 0,
    value(i, j),
    i,
    j,
  ];
  const better = (a: number[], b: number[]) => {
    for (let x = 0; x < a.length; x++) if (a[x] !== b[x]) return (a[x] as number) < (b[x] as number);
    return false;
  };

  for (;;) {
    // The first line (rows, then columns) with exactly one suppressed entry.
    let line: { kind: 'row' | 'column'; index: number } | null = null;
    for (let i = 0; i < R && !line; i++) if (rowCount(i) === 1) line = { kind: 'row', index: i };
    for (let j = 0; j < C && !line; j++) if (columnCount(j) === 1) line = { kind: 'column', index: j };
    if (!line) break;
    let best: { i: number; j: number; rank: number[] } | null = null;
    const length = line.kind === 'row' ? C : R;
    for (let x = 0; x < length; x++) {
      const [i, j] = line.kind === 'row' ? [line.index, x] : [x, line.index];
      if ((mask[i] as boolean[])[j] || value(i, j) === 0) continue;
      const r = rank(i, j, line.kind === 'row' ? columnCount(j) : rowCount(i));
      if (!best || better(r, best.rank)) best = { i, j, rank: r };
    }
    // A line's single suppressed entry is non-zero, so the line's sum relation leaves another non-zero
    // entry in it; reaching here without one would mean the grid does not add up.
    if (!best) throw new Error('statistics: a table whose totals do not add up cannot be suppressed');
    (mask[best.i] as boolean[])[best.j] = true;
  }
  return { mask, primary };
}

/**
 * Builds the published table: counts per (row, column) label with totals, suppressed under threshold k.
 * `counts` is keyed `row` then `column`; labels not present count as zero.
 */
export function suppressedTable(rowLabels: readonly string[], columnLabels: readonly string[], counts: ReadonlyMap<string, ReadonlyMap<string, number>>, k: number): SuppressedTable {
  const matrix = rowLabels.map((r) => columnLabels.map((c) => counts.get(r)?.get(c) ?? 0));
  return publish(rowLabels, columnLabels, gridOf(matrix, columnLabels.length), suppressionMask(gridOf(matrix, columnLabels.length), k), k);
}

/**
 * Publishes another measure of the same table (computer-use minutes) under the counts' mask: a minutes
 * cell says as much about a person as the count beside it, so it is hidden exactly where the count is.
 */
export function withMask(table: SuppressedTable, measure: ReadonlyMap<string, ReadonlyMap<string, number>>): Pick<SuppressedTable, 'cells' | 'rowTotals' | 'columnTotals' | 'total'> {
  const matrix = table.rowLabels.map((r) => table.columnLabels.map((c) => measure.get(r)?.get(c) ?? 0));
  const grid = gridOf(matrix, table.columnLabels.length);
  const mask = [...table.cells.map((row, i) => [...row.map((c) => c.suppressed), (table.rowTotals[i] as Cell).suppressed]), [...table.columnTotals.map((c) => c.suppressed), table.total.suppressed]];
  const { cells, rowTotals, columnTotals, total } = publish(table.rowLabels, table.columnLabels, grid, { mask, primary: 0 }, table.threshold);
  return { cells, rowTotals, columnTotals, total };
}

function publish(rowLabels: readonly string[], columnLabels: readonly string[], grid: number[][], { mask, primary }: { mask: boolean[][]; primary: number }, k: number): SuppressedTable {
  const entry = (i: number, j: number): Cell =>
    (mask[i] as boolean[])[j] ? { value: null, suppressed: true } : { value: (grid[i] as number[])[j] as number, suppressed: false };
  const R = rowLabels.length;
  const C = columnLabels.length;
  const suppressedCount = mask.reduce((n, row) => n + row.filter(Boolean).length, 0);
  return {
    rowLabels: [...rowLabels],
    columnLabels: [...columnLabels],
    cells: rowLabels.map((_, i) => columnLabels.map((__, j) => entry(i, j))),
    rowTotals: rowLabels.map((_, i) => entry(i, C)),
    columnTotals: columnLabels.map((_, j) => entry(R, j)),
    total: entry(R, C),
    threshold: k,
    suppressedCount,
    complementaryCount: suppressedCount - primary,
  };
}

/**
 * The attack the suppression defends against, as a checker: for every line of the published grid with
 * exactly one unknown entry, that entry follows by subtraction. Returns the entries so recovered (empty
 * when the table is safe by this test). Tests use it on every table they publish.
 */
export function recoverableBySubtraction(table: Pick<SuppressedTable, 'cells' | 'rowTotals' | 'columnTotals' | 'total'>): { row: number; column: number; value: number }[] {
  const grid: Cell[][] = [...table.cells.map((row, i) => [...row, table.rowTotals[i] as Cell]), [...table.columnTotals, table.total]];
  const found: { row: number; column: number; value: number }[] = [];
  const R = grid.length;
  const C = R === 0 ? 0 : (grid[0] as Cell[]).length;
  const tryLine = (entries: { i: number; j: number }[]) => {
    const unknown = entries.filter(({ i, j }) => (grid[i] as Cell[])[j]?.suppressed);
    if (unknown.length !== 1) return;
    const { i, j } = unknown[0] as { i: number; j: number };
    const last = entries[entries.length - 1] as { i: number; j: number };
    const sumOthers = entries.slice(0, -1).reduce((s, e) => s + (e.i === i && e.j === j ? 0 : ((grid[e.i] as Cell[])[e.j]?.value ?? 0)), 0);
    const totalValue = (grid[last.i] as Cell[])[last.j]?.value ?? 0;
    found.push({ row: i, column: j, value: i === last.i && j === last.j ? sumOthers : totalValue - sumOthers });
  };
  for (let i = 0; i < R; i++) tryLine(Array.from({ length: C }, (_, j) => ({ i, j })));
  for (let j = 0; j < C; j++) tryLine(Array.from({ length: R }, (_, i) => ({ i, j })));
  return found;
}

/** One CSV field: quoted when it holds a comma, a quote or a line break; a leading =,+,-,@ is defused. */
function csvField(text: string): string {
  const safe = /^[=+\-@]/.test(text) && !/^-?\d+$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The table as CSV: a header of column labels and `total`, one line per row, then the totals line; a suppressed entry is `<k`. */
export function tableCsv(table: Pick<SuppressedTable, 'rowLabels' | 'columnLabels' | 'cells' | 'rowTotals' | 'columnTotals' | 'total' | 'threshold'>, corner: string): string {
  const shown = (c: Cell) => (c.suppressed ? `<${table.threshold}` : String(c.value));
  const lines = [[corner, ...table.columnLabels, 'total'].map(csvField).join(',')];
  table.rowLabels.forEach((label, i) => lines.push([csvField(label), ...(table.cells[i] as Cell[]).map(shown), shown(table.rowTotals[i] as Cell)].join(',')));
  lines.push(['total', ...table.columnTotals.map(shown), shown(table.total)].join(','));
  return `${lines.join('\r\n')}\r\n`;
}
