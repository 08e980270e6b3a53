import { afterEach, describe, expect, it, vi } from 'vitest';

/** The solver's loading (table-bounds.ts): loaded once, and not kept when the load fails. */
describe('the LP solver (HiGHS)', () => {
  afterEach(() => {
    vi.doUnmock('highs');
    vi.resetModules();
  });

  it('is loaded once and kept, but a load that failed is tried again on the next call', async () => {
    // Given a HiGHS whose first load fails (a WebAssembly instantiation refused, say), then succeeds
    const solver = { loaded: true };
    const load = vi.fn().mockRejectedValueOnce(new Error('cannot instantiate the WebAssembly module')).mockResolvedValue(solver);
    vi.resetModules();
    vi.doMock('highs', () => ({ default: load }));
    const { lpSolver } = await import('./table-bounds.js');
    // Then the first call fails with that error, and the next ones get the solver, loaded once more only
    await expect(lpSolver()).rejects.toThrow('cannot instantiate the WebAssembly module');
    await expect(lpSolver()).resolves.toBe(solver);
    await expect(lpSolver()).resolves.toBe(solver);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('calls that wait on one load share it', async () => {
    const solver = { loaded: true };
    const load = vi.fn().mockResolvedValue(solver);
    vi.resetModules();
    vi.doMock('highs', () => ({ default: load }));
    const { lpSolver } = await import('./table-bounds.js');
    expect(await Promise.all([lpSolver(), lpSolver(), lpSolver()])).toEqual([solver, solver, solver]);
    expect(load).toHaveBeenCalledTimes(1);
  });
});

/** The kept programme (`keptMaxima`) answers exactly what a programme built per question (`feasibleMaxima`) answers. */
describe('bounds from a kept programme', () => {
  /** A seeded generator (the same tables on every run). */
  function seeded(seed: number): () => number {
    let state = seed;
    return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  }
  /** A table of counts with its row totals and margin row, as statistics.policy.ts `gridOf` lays it out. */
  function grid(random: () => number, rows: number, columns: number): number[][] {
    const cells = Array.from({ length: rows }, () => Array.from({ length: columns }, () => (random() < 0.25 ? 0 : random() < 0.4 ? 1 + Math.floor(random() * 9) : 10 + Math.floor(random() * 40))));
    const withTotals = cells.map((line) => [...line, line.reduce((a, b) => a + b, 0)]);
    const margin = Array.from({ length: columns + 1 }, (_, j) => withTotals.reduce((a, line) => a + (line[j] as number), 0));
    return [...withTotals, margin];
  }

  it('gives the same maxima as a programme built per question, as a mask grows, across tables and back again', async () => {
    const { feasibleMaxima, keptMaxima, lpSolver } = await import('./table-bounds.js');
    const highs = await lpSolver();
    const random = seeded(2026);
    const tables = [grid(random, 6, 5), grid(random, 12, 9), grid(random, 3, 3)];
    let compared = 0;
    let unbounded = 0;
    for (const round of [0, 1])
      for (const values of tables) {
        const hidden = values.map((line) => line.map(() => false));
        // Hide a few more entries at a time (as the suppression rules do), and once in a while show one again.
        for (let step = 0; step < 12; step++) {
          for (let n = 0; n < 2 + round; n++) {
            const i = Math.floor(random() * values.length);
            const j = Math.floor(random() * (values[0] as number[]).length);
            (hidden[i] as boolean[])[j] = !(step % 5 === 4 && (hidden[i] as boolean[])[j]);
          }
          const targets = hidden.flatMap((line, i) => line.flatMap((h, j) => (h ? [[i, j] as const] : [])));
          const expected = feasibleMaxima(highs, values, hidden, targets);
          expect(keptMaxima(highs, values, hidden, targets)).toEqual(expected);
          compared += targets.length;
          unbounded += expected.filter((m) => m === Number.POSITIVE_INFINITY).length;
        }
      }
    // The comparison covered bounded and unbounded entries alike.
    expect(compared).toBeGreaterThan(300);
    expect(unbounded).toBeGreaterThan(0);
    expect(compared - unbounded).toBeGreaterThan(0);
  });

  it('refuses a bound of a published entry, and answers the next question afresh', async () => {
    const { keptMaxima, lpSolver } = await import('./table-bounds.js');
    const highs = await lpSolver();
    const values = [
      [3, 4, 7],
      [5, 6, 11],
      [8, 10, 18],
    ];
    const hidden = [
      [true, true, false],
      [true, true, false],
      [false, false, false],
    ];
    expect(() => keptMaxima(highs, values, hidden, [[2, 2]])).toThrow('published');
    // Each hidden cell can reach the smaller of its row's and its column's total.
    expect(keptMaxima(highs, values, hidden, [[0, 0], [0, 1], [1, 0], [1, 1]])).toEqual([7, 7, 8, 10]);
  });
});
