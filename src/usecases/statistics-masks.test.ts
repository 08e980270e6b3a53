/**
 * The memory of statistics masks (statistics-masks.ts): a table asked for again is not audited again,
 * its transpose neither, and a table whose counts changed by one is audited afresh.
 */
import { describe, expect, it } from 'vitest';
import { gridOf, suppressedTable, suppressionMask, type BoundsOracle } from '../policy/statistics.policy.js';
import { tableBounds } from '../solver/table-bounds.js';
import { rememberMask } from './statistics-masks.js';

const bounds = await tableBounds();

/** The oracle, counting the times it is asked. */
function counted(): { oracle: BoundsOracle; calls: () => number } {
  let calls = 0;
  return {
    oracle: (values, hidden, targets) => {
      calls++;
      return bounds(values, hidden, targets);
    },
    calls: () => calls,
  };
}

const labels = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const countsOf = (matrix: number[][]) => new Map(matrix.map((row, i) => [`r${i}`, new Map(row.map((v, j) => [`c${j}`, v]))]));
const transposed = (matrix: number[][]) => (matrix[0] ?? []).map((_, j) => matrix.map((row) => row[j] as number));

describe('remembered statistics masks', () => {
  // Small counts scattered so the audit has work to do (threshold 10); a seed no other test uses.
  const matrix = [
    [3, 40, 25, 12, 2],
    [50, 7, 33, 41, 18],
    [22, 19, 4, 60, 35],
    [14, 28, 31, 5, 26],
  ];

  it('audits a table once: asked again, and asked the other way round, it answers the same mask without the audit', () => {
    const { oracle, calls } = counted();
    const first = suppressedTable(labels('r', 4), labels('c', 5), countsOf(matrix), 10, oracle, { remember: rememberMask });
    const audited = calls();
    expect(audited).toBeGreaterThan(0);
    expect(first.suppressedCount).toBeGreaterThanOrEqual(4);

    const again = suppressedTable(labels('r', 4), labels('c', 5), countsOf(matrix), 10, oracle, { remember: rememberMask });
    expect(calls()).toBe(audited);
    expect(again).toEqual(first);

    // The transpose is computed in the canonical order: the same mask, turned round.
    const other = suppressedTable(labels('c', 5), labels('r', 4), new Map([...countsOf(transposed(matrix))].map(([r, line], i) => [`c${i}`, new Map([...line].map(([, v], j) => [`r${j}`, v]))])), 10, oracle, { remember: rememberMask, transpose: true });
    expect(calls()).toBe(audited);
    expect(other.cells.map((row) => row.map((c) => c.suppressed))).toEqual(transposed(first.cells.map((row) => row.map((c) => (c.suppressed ? 1 : 0)))).map((row) => row.map(Boolean)));
  });

  it('audits afresh when one count changes, and answers what an unremembered audit answers', () => {
    const { oracle, calls } = counted();
    suppressedTable(labels('r', 4), labels('c', 5), countsOf(matrix), 10, oracle, { remember: rememberMask });
    const before = calls();
    const changed = matrix.map((row) => [...row]);
    (changed[0] as number[])[0] = 30; // a small count grows past the threshold
    const remembered = suppressedTable(labels('r', 4), labels('c', 5), countsOf(changed), 10, oracle, { remember: rememberMask });
    expect(calls()).toBeGreaterThan(before);
    const fresh = suppressionMask(gridOf(changed, 5), 10, bounds);
    expect(remembered.cells.map((row) => row.map((c) => c.suppressed))).toEqual(fresh.mask.slice(0, 4).map((row) => row.slice(0, 5)));
    expect(remembered.cells[0]?.[0]).toEqual({ value: 30, suppressed: false });
  });

  it('hands out copies: changing an answered mask does not change the next answer', () => {
    const grid = gridOf(matrix, 5);
    const first = rememberMask(grid, 10, () => suppressionMask(grid, 10, bounds));
    (first.mask[0] as boolean[])[0] = !(first.mask[0] as boolean[])[0];
    const second = rememberMask(grid, 10, () => {
      throw new Error('audited again');
    });
    expect((second.mask[0] as boolean[])[0]).toBe(!(first.mask[0] as boolean[])[0]);
  });
});
