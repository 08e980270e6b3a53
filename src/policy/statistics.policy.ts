/**
 * Publishing statistics without publishing people (RR-4, CB-A6, RF-3, IF-4, JC-IVd; DESIGN.md invariant
 * 6): a two-dimensional table of counts with row and column totals and a grand total, and small-cell
 * suppression under the profile's threshold k (`statistics.small_cell_threshold`).
 *
 * The table is read as an (R+1)×(C+1) grid: R rows of cells each ending in its row total, and a margin
 * row of column totals ending in the grand total. Every line of that grid — a row or a column, margins
 * included — is one additive relation (the last entry is the sum of the others).
 *
 * - Totals first, and the same in every table. The row totals of a table are the marginal of its row
 *   dimension over the period (per-branch totals, say) and appear again as row or column totals of every
 *   other table with that dimension. Their mask is computed from that vector alone (`marginalMask`):
 *   every non-zero total below k, and if what is hidden then adds up to less than k — or to exactly as
 *   much or as little as that many small counts can (each k − 1, or each 1), which would pin each — the
 *   smallest published one with them; the grand total is hidden only when it is itself below k. Every
 *   table uses exactly that mask for its totals, so no table publishes a total another one hides.
 * - A table whose grand total is below k publishes no cell at all, zeros included (where its zeros are
 *   would say where its few counts are).
 * - Cells: every non-zero count below k (primary). Then each primary entry, cell or total, is audited:
 *   a reader who knows every published entry, every sum relation of the table and that counts are not
 *   negative must not be able to prove it is below k — the largest value it can take must be k or more
 *   (a linear programme: solver/table-flow.ts solves it as a maximum flow over the true counts, and
 *   solver/table-bounds.ts with HiGHS, the suite's independent audit). An entry that fails gets complements
 *   among the cells only: the cheapest cycle of entries through it (one more in its row, one more in its
 *   column, and so on back to it) around which enough of a count can move to it — fewest new cells,
 *   then the smallest counts; a zero may be hidden so (a hidden entry then no longer says "at least
 *   one"). Hiding more only widens what a reader must consider, so an entry once protected stays so.
 * - If no complement among the cells can protect an entry, every cell is hidden and only the canonical
 *   totals are published (`marginsOnly`), which is safe because the totals are safe on their own. (A
 *   flow argument says the cycle search always finds one when hiding every cell would do; this is a guard.)
 * - Last, no row or column is left with exactly one hidden entry where a cell can join it, so no hidden
 *   count is read off a single line by subtraction (`recoverableBySubtraction`).
 * - Suppression is computed on the table in its canonical orientation (the caller says when the rows
 *   are the later dimension) and turned back, so a table asked for with rows and columns swapped hides
 *   exactly the same entries.
 * - What is published of the suppression is which entries are hidden, how many, and whether only the
 *   totals could be published. Not which hidden entries are small and which only protect them: that
 *   split, with the totals, can give a small count away (k = 5, cells [[4, 5], [1, 5]]: four hidden
 *   cells, the totals, and "two of them are small" leave one table only). The CSV and the text print
 *   `<k` for every hidden entry alike, and the JSON's `suppressed.complementary` is always null.
 *
 * **Guarantee.** In one published table, from every published entry, every row and column relation and
 * non-negativity, no hidden count below k — cell or total — can be shown to be below k: the largest
 * value it can take is k or more (`unprotectedEntries` is that audit, for tests). No total is published in
 * one table and hidden in another, whatever the other dimension or the orientation; and no hidden entry
 * follows from one line by subtraction.
 *
 * That is a guarantee about what the published numbers prove, not about what the algorithm's choices
 * prove. Carrel is open source: a reader can also re-run this algorithm on every candidate table (every
 * table of non-negative counts with the same published entries) and keep only those it would publish
 * with exactly the same hidden entries. That narrows the range of a hidden count, often below k (a
 * hidden total cannot be the small one if it is at least a published cell, a complement is the smallest
 * one that could serve, a zero is published where it is not needed), and sometimes to one value. The
 * exhaustive test in statistics.policy.test.ts measures it at k = 5 over every 2×2 table of counts 0–9
 * and every 2×3 table of counts 0–4: for most tables every hidden small count still takes at least two
 * values among the candidates, but in 40 of the 10,000 2×2 tables and 233 of the 15,625 2×3 tables a
 * re-run pins one to a single value ([[5, 4], [4, 0]]: the published 5, 0 and grand total 13 and the
 * rule that a hidden total is small or the smallest one protecting it leave only 4 and 4). None of those
 * is pinned by the published numbers alone (requiring the linear programme's lower bound to be below the
 * count would not change one of them); they follow from the algorithm's choices. The test asserts those
 * counts, so a change that makes them worse fails, and one that makes them better must say so here.
 *
 * **Limits**, beyond that one:
 * - Several tables together. Each table, and each marginal, is audited on its own. A reader who puts
 *   together several tables that share a margin (branch × category and branch × age band, same months)
 *   has the relations of all of them at once; the margins agree, but that joint system is not audited.
 * - Overlapping periods. Tables of different but overlapping periods are not protected at all:
 *   January–March less January–February is March, and a small March count that March's own table hides
 *   can be worked out that way; likewise a year less its months, or two spans of months. A library should
 *   publish one kind of span only — every month, or every year — and never both or a running total.
 *   Carrel does not enforce that.
 * - Backdating. A check-out or a session's end done with `--as-of` in the past, and a retention run with
 *   a future `--as-of`, count under days of months that may already be published, which then change
 *   (two publications, subtracted, show what was added). `--as-of` is for testing and recovery, not for
 *   running a library.
 * - The upgrade to migration 0008 counted, once, every loan still held then under its check-out day (they
 *   used to be counted when anonymised): a month published before that upgrade can read differently after
 *   it, and the two must not be compared.
 * - Computer minutes are hidden where their session counts are, but their own bounds are not audited.
 */

/** A grid position: row and column of the (R+1)×(C+1) grid (the last row and column are the totals). */
export type Position = readonly [row: number, column: number];

/**
 * The bounds audit's oracle: the largest value each of `targets` (hidden entries of `values`) can take for
 * a reader who sees every other entry, every row and column relation and that no count is negative. The
 * rules here only ask it; `solver/table-flow.ts` answers it by maximum flow and `solver/table-bounds.ts` by
 * linear programming, so this file stays pure. With `enough`, an oracle may stop at any answer of `enough`
 * or more (the entry can reach it; how much further is not asked); an answer below it is exact.
 */
export type BoundsOracle = (values: readonly (readonly number[])[], hidden: readonly (readonly boolean[])[], targets: readonly Position[], enough?: number) => number[];

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
  /** How many entries (cells and totals) are suppressed. */
  suppressedCount: number;
  /**
   * How many of them only as complements. For tests and the benchmark: it is never published, since which
   * hidden entries are small and which protect them would tell a reader the small ones (see the top).
   */
  complementaryCount: number;
  /** True when no complement among the cells could protect a small count: every cell is hidden, the totals are published as they are everywhere. */
  marginsOnly: boolean;
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

function transpose<T>(grid: readonly (readonly T[])[]): T[][] {
  const columns = grid.length === 0 ? 0 : (grid[0] as readonly T[]).length;
  return Array.from({ length: columns }, (_, j) => grid.map((row) => row[j] as T));
}

/**
 * The mask of one dimension's marginal vector (the totals per branch, say) followed by its grand total,
 * from that vector alone: the same wherever these totals are published. Hidden: every non-zero total
 * below k; the grand total only when it is below k; and when the grand total is published and what is
 * hidden adds up to less than k, the smallest published non-zero total too (it is at least k, so one is
 * enough: a hidden total can then be anything from 0 to what the hidden ones add up to, k or more).
 * Likewise when the small ones add up to exactly their number times k − 1, or their number: a reader
 * who knows they are all small (no complement was needed) would know each (5, 4, 4 with 13 published:
 * the two hidden add up to 8, so both are 4).
 */
export function marginalMask(values: readonly number[], k: number): boolean[] {
  const total = values.reduce((a, b) => a + b, 0);
  const mask = [...values.map((v) => v > 0 && v < k), total > 0 && total < k];
  if (mask[values.length]) return mask; // everything non-zero is below k and hidden; nothing bounds them
  const hiddenSum = values.reduce((s, v, i) => s + (mask[i] ? v : 0), 0);
  // Small ones that add up to as much as they can (each k − 1) or as little (each 1) are pinned by this
  // rule itself, when a reader knows they are all small: a complement then goes with them too.
  const hiddenCount = mask.filter(Boolean).length;
  const pinned = hiddenSum === hiddenCount || hiddenSum === hiddenCount * (k - 1);
  if (!mask.some(Boolean) || (hiddenSum >= k && !pinned)) return mask;
  let complement = -1;
  values.forEach((v, i) => {
    if (!mask[i] && v > 0 && (complement < 0 || v < (values[complement] as number))) complement = i;
  });
  if (complement >= 0) mask[complement] = true;
  return mask;
}

/** A cycle of entries around which counts can move to raise one entry (see `raisingCycle`). */
export interface Cycle {
  /** The entries the cycle goes through besides the one it raises, each once, with how far its count moves per unit the entry rises (±1; −2 to 2 where the path crosses it twice). */
  moves: { at: Position; by: number }[];
  /** Its entries not hidden yet (interior cells), which hiding it would add. */
  fresh: Position[];
  /** How far the entry can rise along it, from the true counts, before a count it takes from reaches zero (Infinity: none falls). */
  capacity: number;
}

/** The arrays of one cycle search, kept from one search to the next (suppression runs hundreds a table). */
interface SearchSpace {
  reached: Uint8Array;
  done: Uint8Array;
  added: Float64Array;
  counted: Float64Array;
  previous: Int32Array;
  entryRow: Int32Array;
  entryColumn: Int32Array;
}
let space: SearchSpace | undefined;

/** The search arrays for `states` states, reset: nothing reached, no way in. Allocated again only to grow. */
function searchSpace(states: number): SearchSpace {
  if (space === undefined || space.reached.length < states) {
    space = { reached: new Uint8Array(states), done: new Uint8Array(states), added: new Float64Array(states), counted: new Float64Array(states), previous: new Int32Array(states), entryRow: new Int32Array(states), entryColumn: new Int32Array(states) };
  }
  space.reached.fill(0, 0, states);
  space.done.fill(0, 0, states);
  space.previous.fill(-1, 0, states);
  return space;
}

/**
 * The cheapest cycle of entries through entry e of a grid (from `gridOf`) that lets e rise by at least
 * `atLeast` from the true counts, every count staying non-negative and every line keeping its sum:
 * fewest cells to hide, then the smallest counts, then the first in grid order (Dijkstra's shortest path
 * back from e's far end to its near end). Hidden entries (`mask`) are free; a published interior cell may
 * be added; a published total may not (its mask is the canonical one). `fresh`: one that adds a cell.
 * Null when there is none. Exported for tests.
 *
 * Flip the sign of every total (the grand total's twice) and every line of the grid adds up to zero. An
 * entry is an edge between its row and its column; going round a cycle of such edges, adding t to the
 * signed entries crossed from a row to a column and taking t from those crossed back keeps every
 * relation. An entry's count moves by t times its sign that way: it rises when crossed from its row to
 * its column if it is a cell or the grand total, when crossed back if it is a row or a column total. e
 * itself is crossed the way that raises it; the counts that fall bound t. (Which way the others move does
 * not depend on whether e is a cell or a total.)
 */
export function raisingCycle(grid: readonly (readonly number[])[], mask: readonly (readonly boolean[])[], [i, j]: Position, atLeast: number, fresh: boolean): Cycle | null {
  const R = grid.length - 1; // the margin row's index
  const C = (grid[0] as readonly number[]).length - 1; // the totals column's index
  const value = (a: number, b: number) => (grid[a] as readonly number[])[b] as number;
  const hidden = (a: number, b: number) => (mask[a] as readonly boolean[])[b] as boolean;
  const interior = (a: number, b: number) => a < R && b < C;
  const sign = (a: number, b: number) => ((a === R) === (b === C) ? 1 : -1);
  /** How entry (a, b)'s count moves per unit of t when the path crosses it from its row (or back). */
  const movement = (a: number, b: number, fromRow: boolean) => sign(a, b) * (fromRow ? 1 : -1);
  const nodes = R + 1 + (C + 1); // rows 0..R, then columns
  const rowNode = (a: number) => a;
  const columnNode = (b: number) => R + 1 + b;
  // e is crossed from `to` back to `from` (closing the cycle), in the direction that raises it.
  const [from, to] = sign(i, j) > 0 ? [columnNode(j), rowNode(i)] : [rowNode(i), columnNode(j)];
  const layers = fresh ? 2 : 1;
  const state = (node: number, layer: number) => layer * nodes + node;
  // A state's cost is (cells added, their counts added up), compared in that order; kept in typed arrays,
  // since the suppression rules ask for hundreds of cycles per table.
  const states = nodes * layers;
  const { reached, done, added, counted, previous, entryRow, entryColumn } = searchSpace(states);
  const cheaper = (a: number, b: number, x: number, y: number) => a < x || (a === x && b < y);
  reached[state(from, 0)] = 1;
  added[state(from, 0)] = 0;
  counted[state(from, 0)] = 0;
  for (;;) {
    let at = -1;
    for (let s = 0; s < states; s++) if (!done[s] && reached[s] && (at < 0 || cheaper(added[s] as number, counted[s] as number, added[at] as number, counted[at] as number))) at = s;
    if (at < 0) return null;
    done[at] = 1;
    const node = at % nodes;
    const layer = Math.floor(at / nodes);
    if (node === to && layer === layers - 1) break;
    const fromRow = node <= R;
    for (let other = 0; other <= (fromRow ? C : R); other++) {
      const a = fromRow ? node : other;
      const b = fromRow ? other : node - R - 1;
      if (a === i && b === j) continue;
      const isFresh = !hidden(a, b);
      if (isFresh && !interior(a, b)) continue;
      if (movement(a, b, fromRow) < 0 && value(a, b) < atLeast) continue;
      const next = state(fromRow ? columnNode(b) : rowNode(a), fresh && isFresh ? 1 : layer);
      const throughAdded = (added[at] as number) + (isFresh ? 1 : 0);
      const throughCounted = (counted[at] as number) + (isFresh ? value(a, b) : 0);
      if (!done[next] && (!reached[next] || cheaper(throughAdded, throughCounted, added[next] as number, counted[next] as number))) {
        reached[next] = 1;
        added[next] = throughAdded;
        counted[next] = throughCounted;
        previous[next] = at;
        entryRow[next] = a;
        entryColumn[next] = b;
      }
    }
  }
  // The path back; in the two-layer search it may cross a row or column twice, so moves are summed per entry.
  const net = new Map<string, { at: Position; by: number }>();
  const order: string[] = [];
  for (let s = state(to, layers - 1); (previous[s] as number) >= 0; s = previous[s] as number) {
    const entry: Position = [entryRow[s] as number, entryColumn[s] as number];
    const key = `${entry[0]},${entry[1]}`;
    const move = net.get(key) ?? { at: entry, by: 0 };
    move.by += movement(entry[0], entry[1], (previous[s] as number) % nodes <= R);
    if (!net.has(key)) order.unshift(key);
    net.set(key, move);
  }
  const moves = order.map((key) => net.get(key) as { at: Position; by: number });
  let capacity = Number.POSITIVE_INFINITY;
  for (const { at, by } of moves) if (by < 0) capacity = Math.min(capacity, Math.floor(value(at[0], at[1]) / -by));
  return { moves, fresh: moves.filter(({ at }) => !hidden(at[0], at[1])).map(({ at }) => at), capacity };
}

/**
 * Whether a cycle of hidden entries alone lets entry e of a grid rise by `atLeast` from the true counts:
 * exactly when `raisingCycle(grid, mask, e, atLeast, false)` finds a cycle that adds no cell (it finds the
 * cheapest, and a cycle of hidden entries costs nothing; one that crosses each line once moves as much as
 * its smallest falling count). A breadth-first search instead of the cheapest-path one: most of the
 * primary cells suppression audits are protected already, and this is how it knows. Exported for tests.
 */
export function hiddenCycleRaises(grid: readonly (readonly number[])[], mask: readonly (readonly boolean[])[], [i, j]: Position, atLeast: number): boolean {
  const R = grid.length - 1;
  const C = (grid[0] as readonly number[]).length - 1;
  const nodes = R + 1 + (C + 1); // rows 0..R, then columns
  const sign = (a: number, b: number) => ((a === R) === (b === C) ? 1 : -1);
  // The same crossing as raisingCycle's: from `from` round the other entries back to `to`.
  const [from, to] = sign(i, j) > 0 ? [R + 1 + j, i] : [i, R + 1 + j];
  const { reached: seen, previous: queue } = searchSpace(nodes);
  let head = 0;
  let tail = 0;
  seen[from] = 1;
  queue[tail++] = from;
  while (head < tail) {
    const node = queue[head++] as number;
    const fromRow = node <= R;
    for (let other = 0; other <= (fromRow ? C : R); other++) {
      const a = fromRow ? node : other;
      const b = fromRow ? other : node - R - 1;
      const next = fromRow ? R + 1 + b : a;
      if (seen[next] || (a === i && b === j) || !(mask[a] as readonly boolean[])[b]) continue;
      // Crossed this way its count falls (see raisingCycle's movement): it must hold at least `atLeast`.
      if (sign(a, b) * (fromRow ? 1 : -1) < 0 && ((grid[a] as readonly number[])[b] as number) < atLeast) continue;
      if (next === to) return true;
      seen[next] = 1;
      queue[tail++] = next;
    }
  }
  return false;
}

/** Lexicographic order of costs. */
function better(a: readonly number[], b: readonly number[]): boolean {
  for (let x = 0; x < a.length; x++) if (a[x] !== b[x]) return (a[x] as number) < (b[x] as number);
  return false;
}

/**
 * The mask of a table's grid (from `gridOf`) in the orientation given, under threshold k: canonical
 * totals, primary cells, interior complements until the bounds audit passes, else every cell hidden;
 * then no line left with a single hidden entry where a cell can join it. Deterministic.
 */
function protect(grid: readonly (readonly number[])[], k: number, bounds: BoundsOracle): { mask: boolean[][]; primary: number; marginsOnly: boolean } {
  const R = grid.length - 1; // the margin row's index
  if (R < 0) return { mask: [], primary: 0, marginsOnly: false };
  const C = (grid[0] as readonly number[]).length - 1; // the totals column's index
  const value = (i: number, j: number) => (grid[i] as readonly number[])[j] as number;
  const interior = (i: number, j: number) => i < R && j < C;
  const rowMargin = marginalMask(grid.slice(0, R).map((row) => row[C] as number), k);
  const columnMargin = marginalMask((grid[R] as readonly number[]).slice(0, C), k);
  const mask = grid.map((row, i) => row.map((v, j) => (interior(i, j) ? v > 0 && v < k : j === C ? (rowMargin[i] as boolean) : (columnMargin[j] as boolean))));
  const hidden = (i: number, j: number) => (mask[i] as boolean[])[j] as boolean;
  const primaries: Position[] = [];
  for (let i = 0; i <= R; i++) for (let j = 0; j <= C; j++) if (value(i, j) > 0 && value(i, j) < k) primaries.push([i, j]);
  // Fewer than k in all (the grand total is hidden): no cell is published, not even a zero.
  if (value(R, C) > 0 && value(R, C) < k) {
    for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) (mask[i] as boolean[])[j] = true;
    return { mask, primary: primaries.length, marginsOnly: false };
  }
  const cheapestCycle = (e: Position, atLeast: number, fresh: boolean) => raisingCycle(grid, mask, e, atLeast, fresh);
  const hide = (cells: Position[]) => {
    for (const [a, b] of cells) (mask[a] as boolean[])[b] = true;
  };

  let marginsOnly = false;
  audit: for (const e of primaries) {
    const need = k - value(e[0], e[1]);
    for (;;) {
      // Enough already: a cycle of hidden entries alone lets it reach k.
      if (hiddenCycleRaises(grid, mask, e, need)) break;
      // Or several together do (the maximum flow through the hidden entries).
      if ((bounds(grid, mask, [e], k)[0] as number) >= k) break;
      const cycle = cheapestCycle(e, need, false);
      if (cycle && cycle.fresh.length > 0) {
        hide(cycle.fresh);
        continue;
      }
      // No one cycle moves enough: take the one that moves the most (with a cell to add), and audit again.
      // The largest count (below need) a cycle with a cell to add can move: a cycle that moves c moves any
      // less, so whether one exists falls from true to false along the counts in ascending order, and a
      // binary search finds the last true in a few searches instead of one per distinct count.
      const capacities = [...new Set(grid.flat())].filter((v) => v > 0 && v < need).sort((a, b) => a - b);
      let widest: Cycle | null = null;
      for (let low = 0, high = capacities.length - 1; low <= high; ) {
        const middle = (low + high) >> 1;
        const cycle = cheapestCycle(e, capacities[middle] as number, true);
        if (cycle) {
          widest = cycle;
          low = middle + 1;
        } else high = middle - 1;
      }
      if (widest) {
        hide(widest.fresh);
        continue;
      }
      // No complement among the cells protects it: publish the canonical totals only.
      for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) (mask[i] as boolean[])[j] = true;
      marginsOnly = true;
      break audit;
    }
  }

  // No line with exactly one hidden entry, where a cell of that line can be hidden with it: prefer a cell
  // that also closes another such line, then one on a line already hidden, then the smallest.
  const rowCount = (i: number) => (mask[i] as boolean[]).filter(Boolean).length;
  const columnCount = (j: number) => mask.reduce((n, row) => n + (row[j] ? 1 : 0), 0);
  const stuck = new Set<string>();
  for (;;) {
    let line: { kind: 'row' | 'column'; index: number } | null = null;
    for (let i = 0; i <= R && !line; i++) if (rowCount(i) === 1 && !stuck.has(`r${i}`)) line = { kind: 'row', index: i };
    for (let j = 0; j <= C && !line; j++) if (columnCount(j) === 1 && !stuck.has(`c${j}`)) line = { kind: 'column', index: j };
    if (!line) break;
    let best: { i: number; j: number; rank: number[] } | null = null;
    const length = line.kind === 'row' ? C : R;
    for (let x = 0; x < length; x++) {
      const [i, j] = line.kind === 'row' ? [line.index, x] : [x, line.index];
      if (!interior(i, j) || hidden(i, j)) continue;
      const cross = line.kind === 'row' ? columnCount(j) : rowCount(i);
      const score = [cross === 1 ? 0 : cross >= 2 ? 1 : 2, value(i, j), i, j];
      if (!best || better(score, best.rank)) best = { i, j, rank: score };
    }
    // A margin line, or a single cell equal to its published total: nothing to hide with it.
    if (!best) stuck.add(`${line.kind === 'row' ? 'r' : 'c'}${line.index}`);
    else (mask[best.i] as boolean[])[best.j] = true;
  }
  return { mask, primary: primaries.length, marginsOnly };
}

/**
 * Which entries of a grid (from `gridOf`) are suppressed under threshold k (see the top of this file).
 * `transpose`: the grid's rows are the later dimension; suppression is computed on the transposed grid
 * and turned back, so both orientations of a table hide the same entries.
 */
export function suppressionMask(
  grid: readonly (readonly number[])[],
  k: number,
  bounds: BoundsOracle,
  options: { transpose?: boolean; remember?: RememberMask } = {},
): Mask {
  const remember: RememberMask = options.remember ?? ((_grid, _k, compute) => compute());
  if (options.transpose !== true) return remember(grid, k, () => protect(grid, k, bounds));
  const canonical = transpose(grid);
  const { mask, primary, marginsOnly } = remember(canonical, k, () => protect(canonical, k, bounds));
  return { mask: transpose(mask), primary, marginsOnly };
}

/** Which entries of a grid are hidden, and how many of them for being small themselves. */
export interface Mask {
  mask: boolean[][];
  primary: number;
  marginsOnly: boolean;
}

/**
 * A memory of masks the caller may lend (statistics.usecases.ts keeps one): the mask of a grid in its
 * canonical order under threshold k, computed by `compute` unless remembered. The same grid and k always
 * give the same mask, so a remembered one is the one `compute` would give; it must be answered as a copy
 * the caller may keep.
 */
export type RememberMask = (grid: readonly (readonly number[])[], k: number, compute: () => Mask) => Mask;

/**
 * Builds the published table: counts per (row, column) label with totals, suppressed under threshold k.
 * `counts` is keyed `row` then `column`; labels not present count as zero. `transpose`: the rows are the
 * later dimension of the canonical order (the caller's), so suppression is computed on the transpose.
 */
export function suppressedTable(
  rowLabels: readonly string[],
  columnLabels: readonly string[],
  counts: ReadonlyMap<string, ReadonlyMap<string, number>>,
  k: number,
  bounds: BoundsOracle,
  options: { transpose?: boolean; remember?: RememberMask } = {},
): SuppressedTable {
  const matrix = rowLabels.map((r) => columnLabels.map((c) => counts.get(r)?.get(c) ?? 0));
  const grid = gridOf(matrix, columnLabels.length);
  return publish(rowLabels, columnLabels, grid, suppressionMask(grid, k, bounds, options), k);
}

/**
 * Publishes another measure of the same table (computer-use minutes) under the counts' mask: a minutes
 * cell says as much about a person as the count beside it, so it is hidden exactly where the count is.
 */
export function withMask(table: SuppressedTable, measure: ReadonlyMap<string, ReadonlyMap<string, number>>): Pick<SuppressedTable, 'cells' | 'rowTotals' | 'columnTotals' | 'total'> {
  const matrix = table.rowLabels.map((r) => table.columnLabels.map((c) => measure.get(r)?.get(c) ?? 0));
  const grid = gridOf(matrix, table.columnLabels.length);
  const { cells, rowTotals, columnTotals, total } = publish(table.rowLabels, table.columnLabels, grid, { mask: maskOf(table), primary: 0, marginsOnly: table.marginsOnly }, table.threshold);
  return { cells, rowTotals, columnTotals, total };
}

type Published = Pick<SuppressedTable, 'cells' | 'rowTotals' | 'columnTotals' | 'total'>;

/** A published table as its grid of entries: cells with row totals, then column totals and the grand total. */
function entriesOf(table: Published): Cell[][] {
  return [...table.cells.map((row, i) => [...row, table.rowTotals[i] as Cell]), [...table.columnTotals, table.total]];
}

function maskOf(table: Published): boolean[][] {
  return entriesOf(table).map((row) => row.map((c) => c.suppressed));
}

function publish(rowLabels: readonly string[], columnLabels: readonly string[], grid: number[][], { mask, primary, marginsOnly }: { mask: boolean[][]; primary: number; marginsOnly: boolean }, k: number): SuppressedTable {
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
    marginsOnly,
  };
}

/**
 * The simplest attack, as a checker: for every line of the published grid with exactly one unknown
 * entry, that entry follows by subtraction. Returns the entries so recovered (empty when the table is
 * safe by this test). See `unprotectedEntries` for the full audit.
 */
export function recoverableBySubtraction(table: Published): { row: number; column: number; value: number }[] {
  const grid = entriesOf(table);
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

/**
 * The bounds audit, for tests: every hidden entry a reader of the published table can prove to be below
 * k, with the largest value it can take (positions in the grid: row R is the column totals, column C the
 * row totals). With `counts` (the true cells, rows × columns) only counts truly between 1 and k−1 are
 * audited (the rule); without them every hidden entry is, and one the reader can only prove to be 0 is
 * not reported (a hidden zero whose bound is still below k is, which is stricter than the rule).
 */
export function unprotectedEntries(table: Published, k: number, bounds: BoundsOracle, counts?: readonly (readonly number[])[]): { row: number; column: number; max: number }[] {
  const entries = entriesOf(table);
  const hidden = entries.map((row) => row.map((c) => c.suppressed));
  const values = entries.map((row) => row.map((c) => c.value ?? 0));
  const truth = counts ? gridOf(counts, table.columnTotals.length) : undefined;
  const targets: Position[] = [];
  entries.forEach((row, i) =>
    row.forEach((c, j) => {
      const v = truth ? ((truth[i] as number[])[j] as number) : undefined;
      if (c.suppressed && (v === undefined || (v > 0 && v < k))) targets.push([i, j]);
    }),
  );
  const maxima = bounds(values, hidden, targets);
  return targets.flatMap(([row, column], n) => {
    const max = maxima[n] as number;
    return max < k && (truth !== undefined || max > 0) ? [{ row, column, max }] : [];
  });
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
