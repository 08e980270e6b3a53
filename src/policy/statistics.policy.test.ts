import { describe, expect, it } from 'vitest';
import { profiles } from './profiles.js';
import { gridOf, recoverableBySubtraction, suppressedTable, suppressionMask, tableCsv, thresholdOf, withMask, type SuppressedTable } from './statistics.policy.js';

/** A table from a matrix of counts, rows r0…, columns c0…. */
function table(matrix: number[][], k = 5): SuppressedTable {
  const rows = matrix.map((_, i) => `r${i}`);
  const columns = (matrix[0] ?? []).map((_, j) => `c${j}`);
  const counts = new Map(matrix.map((row, i) => [`r${i}`, new Map(row.map((v, j) => [`c${j}`, v]))]));
  return suppressedTable(rows, columns, counts, k);
}

/** Whether a published table still agrees with the counts it came from wherever it shows a number. */
function agrees(published: SuppressedTable, matrix: number[][]): boolean {
  const grid = gridOf(matrix, matrix[0]?.length ?? 0);
  const shown = [...published.cells.map((row, i) => [...row, published.rowTotals[i]!]), [...published.columnTotals, published.total]];
  return shown.every((row, i) => row.every((cell, j) => cell.suppressed || cell.value === grid[i]![j]));
}

/** Every non-zero count below k is hidden (cells and totals). */
function noSmallCountShown(published: SuppressedTable, k: number): boolean {
  const shown = [...published.cells.flat(), ...published.rowTotals, ...published.columnTotals, published.total];
  return shown.every((c) => c.suppressed || c.value === 0 || (c.value as number) >= k);
}

describe('small-cell suppression (RR-4, CB-A6, RF-3, IF-4)', () => {
  it('gives a single small cell a complement in its row and in its column, and nothing can be recovered', () => {
    // Given branch × item type where one cell (row 1, column 1) is 2, below k = 5
    const matrix = [
      [20, 30, 25],
      [15, 2, 40],
      [12, 18, 9],
    ];
    const published = table(matrix);
    // Then it is suppressed, and so is another cell of its row and another of its column
    expect(published.cells[1]![1]).toEqual({ value: null, suppressed: true });
    expect(published.cells[1]!.filter((c) => c.suppressed).length).toBeGreaterThanOrEqual(2);
    expect(published.cells.map((row) => row[1]!).filter((c) => c.suppressed).length).toBeGreaterThanOrEqual(2);
    // The complements are the smallest that close both lines: a rectangle of four cells
    expect(published.suppressedCount).toBe(4);
    expect(published.complementaryCount).toBe(3);
    // And the totals are all published
    expect([...published.rowTotals, ...published.columnTotals, published.total].every((c) => !c.suppressed)).toBe(true);
    // And no subtraction along one row or column recovers a hidden count
    expect(recoverableBySubtraction(published)).toEqual([]);
    expect(agrees(published, matrix)).toBe(true);
  });

  it('the checker does find a count that primary suppression alone would leave recoverable', () => {
    const matrix = [
      [20, 30],
      [15, 2],
    ];
    const grid = gridOf(matrix, 2);
    const primaryOnly = grid.map((row) => row.map((v) => v > 0 && v < 5));
    const naive = {
      cells: matrix.map((row, i) => row.map((v, j) => (primaryOnly[i]![j] ? { value: null, suppressed: true } : { value: v, suppressed: false }))),
      rowTotals: grid.slice(0, 2).map((row) => ({ value: row[2]!, suppressed: false })),
      columnTotals: grid[2]!.slice(0, 2).map((v) => ({ value: v, suppressed: false })),
      total: { value: grid[2]![2]!, suppressed: false },
    };
    expect(recoverableBySubtraction(naive)).toContainEqual({ row: 1, column: 1, value: 2 });
    expect(recoverableBySubtraction(table(matrix))).toEqual([]);
  });

  it('suppresses a total below k and protects it in the margin, and publishes zeros as 0', () => {
    // Row 2 holds one loan in all: its cell and its total are both small.
    const matrix = [
      [20, 30, 0],
      [15, 12, 7],
      [0, 1, 0],
    ];
    const published = table(matrix);
    expect(published.rowTotals[2]).toEqual({ value: null, suppressed: true });
    expect(published.cells[2]![0]).toEqual({ value: 0, suppressed: false });
    expect(noSmallCountShown(published, 5)).toBe(true);
    expect(recoverableBySubtraction(published)).toEqual([]);
    expect(agrees(published, matrix)).toBe(true);
  });

  it('holds on many random tables: no small count shown, nothing recoverable by one line, every shown number true', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 400; n++) {
      const rows = 1 + Math.floor(random() * 6);
      const columns = 1 + Math.floor(random() * 6);
      const k = 2 + Math.floor(random() * 9);
      const matrix = Array.from({ length: rows }, () => Array.from({ length: columns }, () => (random() < 0.25 ? 0 : Math.floor(random() * 3 * k))));
      const published = table(matrix, k);
      expect(noSmallCountShown(published, k)).toBe(true);
      expect(recoverableBySubtraction(published)).toEqual([]);
      expect(agrees(published, matrix)).toBe(true);
    }
  });

  it('takes the threshold from the profile', () => {
    const profile = profiles().get('carlsbad-nm');
    expect(thresholdOf(profile)).toBe(5);
    const k = thresholdOf({ ...profile, statistics: { ...profile.statistics, smallCellThreshold: 10 } });
    const published = table([[9, 30], [40, 50]], k);
    expect(published.threshold).toBe(10);
    expect(published.cells[0]![0]!.suppressed).toBe(true);
    expect(recoverableBySubtraction(published)).toEqual([]);
  });

  it('hides another measure (minutes) exactly where the counts are hidden', () => {
    const published = table([
      [20, 30],
      [15, 2],
    ]);
    const minutes = new Map([
      ['r0', new Map([['c0', 600], ['c1', 900]])],
      ['r1', new Map([['c0', 450], ['c1', 75]])],
    ]);
    const masked = withMask(published, minutes);
    expect(masked.cells.map((row) => row.map((c) => c.suppressed))).toEqual(published.cells.map((row) => row.map((c) => c.suppressed)));
    expect(masked.total).toEqual({ value: 2025, suppressed: false });
    expect(recoverableBySubtraction(masked)).toEqual([]);
  });

  it('writes CSV with <k for a suppressed entry and quotes labels', () => {
    const counts = new Map([
      ['main', new Map([['book, large print', 2], ['dvd', 30]])],
      ['east', new Map([['book, large print', 20], ['dvd', 40]])],
    ]);
    const csv = tableCsv(suppressedTable(['main', 'east'], ['book, large print', 'dvd'], counts, 5), 'branch \\ item-type');
    expect(csv.split('\r\n')[0]).toBe('branch \\ item-type,"book, large print",dvd,total');
    expect(csv).toContain('main,<5,<5,32');
    expect(csv.trimEnd().split('\r\n').at(-1)).toBe('total,22,70,92');
  });

  it('leaves an empty table empty', () => {
    const published = table([]);
    expect(published.cells).toEqual([]);
    expect(published.total).toEqual({ value: 0, suppressed: false });
    expect(suppressionMask([[0]], 5).mask).toEqual([[false]]);
  });
});
