import { describe, expect, it } from 'vitest';
import { profiles } from './profiles.js';
import {
  gridOf,
  marginalMask,
  recoverableBySubtraction,
  suppressedTable,
  suppressionMask,
  tableCsv,
  thresholdOf,
  unprotectedEntries,
  withMask,
  type Cell,
  type SuppressedTable,
} from './statistics.policy.js';

/** A table from a matrix of counts, rows r0…, columns c0…. */
function table(matrix: number[][], k = 5, options: { transpose?: boolean } = {}): Promise<SuppressedTable> {
  const rows = matrix.map((_, i) => `r${i}`);
  const columns = (matrix[0] ?? []).map((_, j) => `c${j}`);
  const counts = new Map(matrix.map((row, i) => [`r${i}`, new Map(row.map((v, j) => [`c${j}`, v]))]));
  return suppressedTable(rows, columns, counts, k, options);
}

const transposed = <T,>(matrix: T[][]): T[][] => (matrix[0] ?? []).map((_, j) => matrix.map((row) => row[j] as T));

/** Every entry of a published table as a grid: cells with row totals, then column totals and the grand total. */
const entries = (t: Pick<SuppressedTable, 'cells' | 'rowTotals' | 'columnTotals' | 'total'>): Cell[][] => [...t.cells.map((row, i) => [...row, t.rowTotals[i]!]), [...t.columnTotals, t.total]];
const maskOf = (t: SuppressedTable) => entries(t).map((row) => row.map((c) => c.suppressed));

/** Whether a published table still agrees with the counts it came from wherever it shows a number. */
function agrees(published: SuppressedTable, matrix: number[][]): boolean {
  const grid = gridOf(matrix, matrix[0]?.length ?? 0);
  return entries(published).every((row, i) => row.every((cell, j) => cell.suppressed || cell.value === grid[i]![j]));
}

/** Every non-zero count below k is hidden (cells and totals). */
function noSmallCountShown(published: SuppressedTable, k: number): boolean {
  return entries(published)
    .flat()
    .every((c) => c.suppressed || c.value === 0 || (c.value as number) >= k);
}

/** A table published by hand from a mask over its grid. */
function byHand(matrix: number[][], mask: boolean[][]): Pick<SuppressedTable, 'cells' | 'rowTotals' | 'columnTotals' | 'total'> {
  const grid = gridOf(matrix, matrix[0]?.length ?? 0);
  const cell = (i: number, j: number): Cell => (mask[i]![j] ? { value: null, suppressed: true } : { value: grid[i]![j]!, suppressed: false });
  const R = matrix.length;
  const C = matrix[0]?.length ?? 0;
  return {
    cells: matrix.map((row, i) => row.map((_, j) => cell(i, j))),
    rowTotals: matrix.map((_, i) => cell(i, C)),
    columnTotals: Array.from({ length: C }, (_, j) => cell(R, j)),
    total: cell(R, C),
  };
}

/** A seeded generator (the same tables on every run). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe('small-cell suppression (RR-4, CB-A6, RF-3, IF-4)', () => {
  it('gives a single small cell a rectangle of complements, and a reader cannot bound it below k', async () => {
    // Given branch × item type where one cell (row 1, column 1) is 2, below k = 5
    const matrix = [
      [20, 30, 25],
      [15, 2, 40],
      [12, 18, 9],
    ];
    const published = await table(matrix);
    // Then it is suppressed, and so is another cell of its row and another of its column
    expect(published.cells[1]![1]).toEqual({ value: null, suppressed: true });
    expect(published.cells[1]!.filter((c) => c.suppressed).length).toBeGreaterThanOrEqual(2);
    expect(published.cells.map((row) => row[1]!).filter((c) => c.suppressed).length).toBeGreaterThanOrEqual(2);
    // The complements are the cheapest rectangle that lets it reach k: three cells, the smallest counts
    expect(published.suppressedCount).toBe(4);
    expect(published.complementaryCount).toBe(3);
    expect(maskOf(published).map((row) => row.slice(0, 3))).toEqual([
      [false, false, false],
      [true, true, false],
      [true, true, false],
      [false, false, false],
    ]);
    // And the totals are all published
    expect([...published.rowTotals, ...published.columnTotals, published.total].every((c) => !c.suppressed)).toBe(true);
    // And neither one line nor all of them together bound it below k
    expect(recoverableBySubtraction(published)).toEqual([]);
    expect(await unprotectedEntries(published, 5, matrix)).toEqual([]);
    expect(agrees(published, matrix)).toBe(true);
  });

  it('the checkers find what primary suppression alone leaves: a count by subtraction, a bound by all the relations', async () => {
    const matrix = [
      [20, 30],
      [15, 2],
    ];
    const grid = gridOf(matrix, 2);
    const naive = byHand(
      matrix,
      grid.map((row) => row.map((v) => v > 0 && v < 5)),
    );
    expect(recoverableBySubtraction(naive)).toContainEqual({ row: 1, column: 1, value: 2 });
    expect(await unprotectedEntries(naive, 5, matrix)).toEqual([{ row: 1, column: 1, max: 2 }]);
    const published = await table(matrix);
    expect(recoverableBySubtraction(published)).toEqual([]);
    expect(await unprotectedEntries(published, 5, matrix)).toEqual([]);
  });

  it('non-negativity bounds a cell no single line gives away: [[3,10],[7,0]] at k = 11', async () => {
    // Given the four cells hidden and every total published (no line has a single unknown)
    const matrix = [
      [3, 10],
      [7, 0],
    ];
    const rectangle = byHand(matrix, [
      [true, true, false],
      [true, true, false],
      [false, false, false],
    ]);
    expect(recoverableBySubtraction(rectangle)).toEqual([]);
    // Then the relations and non-negativity still prove the 3 is at most 10 (its column total), and the
    // 7 at most 7 (the zero beside it cannot go below 0): both below k = 11
    expect(await unprotectedEntries(rectangle, 11, matrix)).toEqual([
      { row: 0, column: 0, max: 10 },
      { row: 0, column: 1, max: 10 },
      { row: 1, column: 0, max: 7 },
    ]);
    // While at k = 5 the same rectangle protects the 3 (it can be anything from 3 to 10)
    expect(await unprotectedEntries(rectangle, 5, matrix)).toEqual([]);
    // And the suppression hides what it must at either threshold; the zero may be hidden with the rest
    for (const k of [5, 11]) {
      const published = await table(matrix, k);
      expect(noSmallCountShown(published, k)).toBe(true);
      expect(await unprotectedEntries(published, k, matrix)).toEqual([]);
      expect(recoverableBySubtraction(published)).toEqual([]);
    }
    const strict = await table(matrix, 11);
    expect(strict.total).toEqual({ value: 20, suppressed: false });
    expect(strict.cells.flat().every((c) => c.suppressed || c.value === 0)).toBe(true);
  });

  it('suppresses a total below k, protects it among the totals, and publishes zeros as 0 where nothing needs them', async () => {
    // Row 2 holds one loan in all: its cell and its total are both small.
    const matrix = [
      [20, 30, 0],
      [15, 12, 7],
      [0, 1, 0],
    ];
    const published = await table(matrix);
    expect(published.rowTotals[2]).toEqual({ value: null, suppressed: true });
    // The row totals are the canonical mask of the vector (50, 34, 1): the 1, and the smallest other, 34
    expect(published.rowTotals.map((c) => c.suppressed)).toEqual(marginalMask([50, 34, 1], 5).slice(0, 3));
    expect(published.rowTotals.map((c) => c.suppressed)).toEqual([false, true, true]);
    expect(published.total).toEqual({ value: 85, suppressed: false });
    expect(published.cells[2]![0]).toEqual({ value: 0, suppressed: false });
    expect(noSmallCountShown(published, 5)).toBe(true);
    expect(recoverableBySubtraction(published)).toEqual([]);
    expect(await unprotectedEntries(published, 5, matrix)).toEqual([]);
    expect(agrees(published, matrix)).toBe(true);
  });

  it('hides the same entries whichever dimension is the rows', async () => {
    const matrix = [
      [20, 3, 25, 0],
      [15, 2, 40, 9],
      [12, 18, 1, 30],
    ];
    // The canonical orientation is the rows here; asked the other way round, the caller says so
    const asked = await table(matrix);
    const turned = await table(transposed(matrix), 5, { transpose: true });
    expect(maskOf(turned)).toEqual(transposed(maskOf(asked)));
    expect(await unprotectedEntries(turned, 5, transposed(matrix))).toEqual([]);
    expect(recoverableBySubtraction(turned)).toEqual([]);
  });

  it('uses one mask for a marginal in every table it appears in, safe on its own', async () => {
    // Given loans by branch × item type and by branch × age band: the same per-branch totals (52, 4, 61)
    const byItemType = [
      [20, 30, 2],
      [1, 3, 0],
      [40, 12, 9],
    ];
    const byAgeBand = [
      [50, 2],
      [0, 4],
      [27, 34],
    ];
    const [a, b] = [await table(byItemType), await table(byAgeBand)];
    const branchMask = marginalMask([52, 4, 61], 5);
    // Then both publish exactly the same branch totals: the small one and its complement hidden in both
    expect(a.rowTotals.map((c) => c.suppressed)).toEqual(branchMask.slice(0, 3));
    expect(b.rowTotals.map((c) => c.suppressed)).toEqual(branchMask.slice(0, 3));
    expect(a.rowTotals).toEqual(b.rowTotals);
    expect(branchMask).toEqual([true, true, false, false]);
    // And the branch totals read as a row of another table (branch as columns) are the same too
    const c = await table(transposed(byAgeBand), 5, { transpose: true });
    expect(c.columnTotals).toEqual(a.rowTotals);
    for (const [published, matrix] of [
      [a, byItemType],
      [b, byAgeBand],
    ] as const)
      expect(await unprotectedEntries(published, 5, matrix)).toEqual([]);
  });

  it('a marginal alone: what is hidden adds up to k or more; the grand total is hidden only below k', () => {
    expect(marginalMask([20, 3, 40], 5)).toEqual([true, true, false, false]);
    expect(marginalMask([20, 3, 4, 40], 5)).toEqual([false, true, true, false, false]);
    expect(marginalMask([2, 1, 0], 5)).toEqual([true, true, false, true]);
    expect(marginalMask([0, 0], 5)).toEqual([false, false, false]);
    const random = seeded(7);
    for (let n = 0; n < 300; n++) {
      const k = 2 + Math.floor(random() * 9);
      const values = Array.from({ length: 1 + Math.floor(random() * 8) }, () => (random() < 0.2 ? 0 : Math.floor(random() * 3 * k)));
      const total = values.reduce((s, v) => s + v, 0);
      const mask = marginalMask(values, k);
      expect(mask[values.length]).toBe(total > 0 && total < k);
      values.forEach((v, i) => {
        if (v > 0 && v < k) expect(mask[i]).toBe(true);
      });
      // The largest a hidden total can be is what the hidden ones add up to (or unbounded with the grand total hidden)
      const hiddenSum = values.reduce((s, v, i) => s + (mask[i] ? v : 0), 0);
      if (!mask[values.length] && mask.some(Boolean)) expect(hiddenSum).toBeGreaterThanOrEqual(k);
    }
  });

  it('publishing the canonical totals only, every cell hidden, is safe (the fallback)', async () => {
    const random = seeded(99);
    for (let n = 0; n < 150; n++) {
      const k = 2 + Math.floor(random() * 9);
      const [height, width] = [1 + Math.floor(random() * 5), 1 + Math.floor(random() * 5)];
      const matrix = Array.from({ length: height }, () => Array.from({ length: width }, () => (random() < 0.3 ? 0 : Math.floor(random() * 2 * k))));
      const grid = gridOf(matrix, matrix[0]!.length);
      const rows = marginalMask(
        grid.slice(0, -1).map((row) => row.at(-1)!),
        k,
      );
      const columns = marginalMask(grid.at(-1)!.slice(0, -1), k);
      const mask = grid.map((row, i) => row.map((_, j) => (i < matrix.length && j < matrix[0]!.length ? true : j === matrix[0]!.length ? rows[i]! : columns[j]!)));
      expect(await unprotectedEntries(byHand(matrix, mask), k, matrix)).toEqual([]);
    }
  });

  it('holds on many random tables: no small count shown or bounded below k, totals canonical, orientation irrelevant', async () => {
    const random = seeded(42);
    for (let n = 0; n < 300; n++) {
      const rows = 1 + Math.floor(random() * 7);
      const columns = 1 + Math.floor(random() * 7);
      const k = 2 + Math.floor(random() * 9);
      const small = random();
      const matrix = Array.from({ length: rows }, () => Array.from({ length: columns }, () => (random() < 0.25 ? 0 : random() < small ? 1 + Math.floor(random() * (k - 1)) : Math.floor(random() * 3 * k))));
      const published = await table(matrix, k);
      expect(noSmallCountShown(published, k)).toBe(true);
      expect(agrees(published, matrix)).toBe(true);
      expect(await unprotectedEntries(published, k, matrix)).toEqual([]);
      // Subtraction along one line recovers nothing below k (a line may give away a count of 0 or k and more)
      expect(recoverableBySubtraction(published).filter((r) => r.value > 0 && r.value < k)).toEqual([]);
      // The totals are those of the marginals alone
      const grid = gridOf(matrix, columns);
      expect(published.rowTotals.map((c) => c.suppressed)).toEqual(
        marginalMask(
          grid.slice(0, -1).map((row) => row.at(-1)!),
          k,
        ).slice(0, rows),
      );
      expect(published.columnTotals.map((c) => c.suppressed)).toEqual(marginalMask(grid.at(-1)!.slice(0, -1), k).slice(0, columns));
      expect(published.total.suppressed).toBe(grid.at(-1)!.at(-1)! > 0 && grid.at(-1)!.at(-1)! < k);
      // And the transposed request hides the same entries
      const turned = await table(transposed(matrix), k, { transpose: true });
      expect(maskOf(turned)).toEqual(transposed(maskOf(published)));
    }
  });

  it('takes the threshold from the profile', async () => {
    const profile = profiles().get('carlsbad-nm');
    expect(thresholdOf(profile)).toBe(5);
    const k = thresholdOf({ ...profile, statistics: { ...profile.statistics, smallCellThreshold: 10 } });
    const matrix = [
      [9, 30],
      [40, 50],
    ];
    const published = await table(matrix, k);
    expect(published.threshold).toBe(10);
    expect(published.cells[0]![0]!.suppressed).toBe(true);
    expect(recoverableBySubtraction(published)).toEqual([]);
    expect(await unprotectedEntries(published, k, matrix)).toEqual([]);
  });

  it('hides another measure (minutes) exactly where the counts are hidden', async () => {
    const published = await table([
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

  it('writes CSV with <k for a suppressed entry and quotes labels', async () => {
    const counts = new Map([
      ['main', new Map([['book, large print', 2], ['dvd', 30]])],
      ['east', new Map([['book, large print', 20], ['dvd', 40]])],
    ]);
    const csv = tableCsv(await suppressedTable(['main', 'east'], ['book, large print', 'dvd'], counts, 5), 'branch \\ item-type');
    expect(csv.split('\r\n')[0]).toBe('branch \\ item-type,"book, large print",dvd,total');
    expect(csv).toContain('main,<5,<5,32');
    expect(csv.trimEnd().split('\r\n').at(-1)).toBe('total,22,70,92');
  });

  it('leaves an empty table empty', async () => {
    const published = await table([]);
    expect(published.cells).toEqual([]);
    expect(published.total).toEqual({ value: 0, suppressed: false });
    expect((await suppressionMask([[0]], 5)).mask).toEqual([[false]]);
  });
});
