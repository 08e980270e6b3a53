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
