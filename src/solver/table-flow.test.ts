import { describe, expect, it } from 'vitest';
import { gridOf, suppressedTable, unprotectedEntries } from '../policy/statistics.policy.js';
import { feasibleMaxima, keptMaxima, lpSolver, tableBounds } from './table-bounds.js';
import { flowMaxima } from './table-flow.js';

/** A seeded generator (the same tables on every run). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

/** Counts of `rows` × `columns`, a share of them small, as a library's tables have. */
function counts(random: () => number, rows: number, columns: number, small: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: columns }, () => (random() < 0.2 ? 0 : random() < small ? 1 + Math.floor(random() * 9) : 10 + Math.floor(random() * 40))));
}

/** Bounds by maximum flow (table-flow.ts) and by the kept programme (table-bounds.ts `keptMaxima`) against a programme built per question. */
describe('bounds as a maximum flow', () => {
  it('answers what the linear programme answers, bounded and unbounded, as a mask grows and shrinks; so does the kept programme, across tables and back', async () => {
    const highs = await lpSolver();
    const random = seeded(4242);
    const tables = (
      [
        [2, 2, 0.5],
        [3, 5, 0.6],
        [8, 6, 0.3],
        [12, 12, 0.4],
        [24, 5, 0.7],
      ] as const
    ).flatMap(([rows, columns, small]) => Array.from({ length: 4 }, () => gridOf(counts(random, rows, columns, small), columns)));
    let compared = 0;
    let unbounded = 0;
    for (const round of [0, 1])
      for (const values of tables) {
        const hidden = values.map((line) => line.map(() => false));
        // Hide a few more entries at a time (as suppression does), and now and then show one again.
        for (let step = 0; step < 10; step++) {
          for (let n = 0; n < 1 + round + Math.floor(random() * 4); n++) {
            const i = Math.floor(random() * values.length);
            const j = Math.floor(random() * (values[0] as number[]).length);
            (hidden[i] as boolean[])[j] = !(step % 5 === 4 && (hidden[i] as boolean[])[j]);
          }
          const targets = hidden.flatMap((line, i) => line.flatMap((h, j) => (h ? [[i, j] as const] : [])));
          const expected = feasibleMaxima(highs, values, hidden, targets);
          expect(flowMaxima(values, hidden, targets)).toEqual(expected);
          // Asked only whether each reaches a threshold, it says so, and below the threshold it is exact.
          const enough = 1 + Math.floor(random() * 30);
          const capped = flowMaxima(values, hidden, targets, enough);
          expect(capped.map((m, n) => (m >= enough ? (expected[n] as number) >= enough : m === expected[n]))).toEqual(targets.map(() => true));
          expect(keptMaxima(highs, values, hidden, targets)).toEqual(expected);
          compared += targets.length;
          unbounded += expected.filter((m) => m === Number.POSITIVE_INFINITY).length;
        }
      }
    expect(compared).toBeGreaterThan(2000);
    expect(unbounded).toBeGreaterThan(0);
    expect(compared - unbounded).toBeGreaterThan(1000);
  });

  it('gives suppression the same masks as the linear programme, which finds nothing left unprotected in them', async () => {
    const audit = await tableBounds();
    const random = seeded(77);
    for (const [rows, columns, small] of [
      [24, 24, 0.3],
      [36, 8, 0.6],
      [6, 6, 0.9],
    ] as const) {
      const matrix = counts(random, rows, columns, small);
      const table = (oracle: typeof audit) =>
        suppressedTable(
          matrix.map((_, i) => `r${i}`),
          (matrix[0] ?? []).map((_, j) => `c${j}`),
          new Map(matrix.map((row, i) => [`r${i}`, new Map(row.map((v, j) => [`c${j}`, v]))])),
          10,
          oracle,
        );
      const byFlow = table(flowMaxima);
      expect(byFlow).toEqual(table(audit));
      expect(unprotectedEntries(byFlow, 10, audit, matrix)).toEqual([]);
    }
  });

  it('refuses a bound of a published entry and a grid whose lines do not add up', async () => {
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
    const highs = await lpSolver();
    expect(() => flowMaxima(values, hidden, [[2, 2]])).toThrow('published');
    expect(() => keptMaxima(highs, values, hidden, [[2, 2]])).toThrow('published');
    // Each hidden cell can reach the smaller of its row's and its column's total; the kept programme
    // answers afresh after the refusal.
    expect(flowMaxima(values, hidden, [[0, 0], [0, 1], [1, 0], [1, 1]])).toEqual([7, 7, 8, 10]);
    expect(keptMaxima(highs, values, hidden, [[0, 0], [0, 1], [1, 0], [1, 1]])).toEqual([7, 7, 8, 10]);
    expect(() => flowMaxima([[3, 4, 8], [5, 6, 11], [8, 10, 19]], hidden, [[0, 0]])).toThrow('add up');
  });
});
