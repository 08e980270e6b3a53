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

/** The kept programme (`keptMaxima`); table-flow.test.ts compares its answers with a programme built per question. */
describe('bounds from a kept programme', () => {
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
