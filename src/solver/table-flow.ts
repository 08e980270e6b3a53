/**
 * The bounds suppression asks for (statistics.policy.ts `protect`), found as a maximum flow. For a grid
 * of true counts this is the linear programme of table-bounds.ts solved by a combinatorial algorithm,
 * with the same answers (table-flow.test.ts compares them), in a fraction of the time.
 *
 * Why a flow: flip the sign of every total (the grand total's twice) and each line of the grid adds up
 * to zero. An entry is then an edge between its row and its column, and any other table that publishes
 * the same entries differs from the true one by a circulation on the edges of the hidden entries
 * (statistics.policy.ts `raisingCycle` walks one such cycle). How far a hidden entry can rise is how much
 * can circulate through it: the maximum flow from one end of its edge back to the other through the other
 * hidden entries, each of which can grow without limit one way and shrink to zero the other way. The
 * constraint matrix is totally unimodular, so the flow, like the programme's optimum, is an integer.
 *
 * It needs a feasible point to start from, the true counts; a reader's view of a published table (a
 * hidden entry's value unknown) is the linear programme's to audit (`unprotectedEntries` with
 * `tableBounds()`), and the two are kept apart on purpose: the suite audits this one's masks with that one.
 */
import type { BoundsOracle, Position } from '../policy/statistics.policy.js';

/** Grids whose lines were found to add up (suppression asks the flows hundreds of times about one grid). */
const added = new WeakSet<readonly (readonly number[])[]>();

/** The grid's lines do not add up: no table of counts does that. */
function checkSums(values: readonly (readonly number[])[]): void {
  if (added.has(values)) return;
  const rows = values.length;
  const columns = rows === 0 ? 0 : (values[0] as readonly number[]).length;
  const at = (i: number, j: number) => (values[i] as readonly number[])[j] as number;
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = 0; j < columns - 1; j++) sum += at(i, j);
    if (sum !== at(i, columns - 1)) throw new Error('statistics: the entries of a table cannot add up');
  }
  for (let j = 0; j < columns; j++) {
    let sum = 0;
    for (let i = 0; i < rows - 1; i++) sum += at(i, j);
    if (sum !== at(rows - 1, j)) throw new Error('statistics: the entries of a table cannot add up');
  }
  added.add(values);
}

/** The arrays of the flows, kept from one call to the next (suppression asks for hundreds a table). */
let space: { capacity: Float64Array; previous: Int32Array; queue: Int32Array } | undefined;

/** Arrays for a flow over `nodes` nodes; allocated again only to grow, so each use clears what it reads. */
function flowSpace(nodes: number): { capacity: Float64Array; previous: Int32Array; queue: Int32Array } {
  if (space === undefined || space.previous.length < nodes) space = { capacity: new Float64Array(nodes * nodes), previous: new Int32Array(nodes), queue: new Int32Array(nodes) };
  return space;
}

/**
 * The largest value each `target` (a hidden entry) can take, given every published entry, the sum of every
 * line and that no count is negative; Infinity when nothing bounds it. `values` must be the true counts,
 * laid out as statistics.policy.ts `gridOf` does (cells with row totals, then the margin row).
 *
 * With `enough`, a flow stops once the entry reaches it: suppression asks only whether a hidden entry can
 * reach the threshold, and the rest of a full maximum (up to the largest totals the entry shares a cycle
 * with) is the larger part of the work. An answer below `enough` is the exact maximum.
 */
export function flowMaxima(values: readonly (readonly number[])[], hidden: readonly (readonly boolean[])[], targets: readonly Position[], enough = Number.POSITIVE_INFINITY): number[] {
  if (targets.length === 0) return [];
  checkSums(values);
  const R = values.length - 1; // the margin row
  const C = (values[0] as readonly number[]).length - 1; // the totals column
  const nodes = R + 1 + (C + 1); // rows 0..R, then columns
  const column = (b: number) => R + 1 + b;
  const sign = (a: number, b: number) => ((a === R) === (b === C) ? 1 : -1);
  const value = (a: number, b: number) => (values[a] as readonly number[])[b] as number;
  const isHidden = (a: number, b: number) => (hidden[a] as readonly boolean[])[b] === true;
  const size = nodes * nodes;
  const { capacity, previous, queue } = flowSpace(nodes);

  /** Whether a path runs from `from` to `to` along arcs with room (with `unlimitedOnly`, unlimited room); it is left in `previous`. */
  const path = (from: number, to: number, unlimitedOnly: boolean): boolean => {
    previous.fill(-1, 0, nodes);
    previous[from] = from;
    let head = 0;
    let tail = 0;
    queue[tail++] = from;
    while (head < tail) {
      const u = queue[head++] as number;
      for (let v = 0; v < nodes; v++) {
        if (previous[v] !== -1) continue;
        const room = capacity[u * nodes + v] as number;
        if (unlimitedOnly ? room !== Number.POSITIVE_INFINITY : room <= 0) continue;
        previous[v] = u;
        if (v === to) return true;
        queue[tail++] = v;
      }
    }
    return false;
  };

  return targets.map(([i, j]) => {
    if (!isHidden(i, j)) throw new Error('statistics: a bound was asked of an entry that is published');
    // Each other hidden entry is an edge: from its row to its column the circulation raises a cell (or the
    // grand total) and lowers a row or column total, the other way round the reverse; a count may rise
    // without limit and fall to zero.
    capacity.fill(0, 0, size);
    let finite = 0;
    for (let a = 0; a <= R; a++)
      for (let b = 0; b <= C; b++) {
        if (!isHidden(a, b) || (a === i && b === j)) continue;
        const v = value(a, b);
        const [forward, backward] = sign(a, b) > 0 ? [Number.POSITIVE_INFINITY, v] : [v, Number.POSITIVE_INFINITY];
        capacity[a * nodes + column(b)] = forward;
        capacity[column(b) * nodes + a] = backward;
        finite += v;
      }
    // The entry rises when the circulation crosses it the way that raises it; the rest of the cycle runs
    // from its far end back to its near end.
    const [source, sink] = sign(i, j) > 0 ? [column(j), i] : [i, column(j)];
    if (path(source, sink, true)) return Number.POSITIVE_INFINITY;
    // No unlimited path: every cut has a finite arc, so no flow exceeds the finite capacities' sum.
    for (let n = 0; n < size; n++) if (capacity[n] === Number.POSITIVE_INFINITY) capacity[n] = finite + 1;
    let flow = 0;
    while (value(i, j) + flow < enough && path(source, sink, false)) {
      let room = Number.POSITIVE_INFINITY;
      for (let v = sink; v !== source; v = previous[v] as number) room = Math.min(room, capacity[(previous[v] as number) * nodes + v] as number);
      for (let v = sink; v !== source; v = previous[v] as number) {
        const u = previous[v] as number;
        capacity[u * nodes + v] = (capacity[u * nodes + v] as number) - room;
        capacity[v * nodes + u] = (capacity[v * nodes + u] as number) + room;
      }
      flow += room;
    }
    return value(i, j) + flow;
  });
}

/**
 * The oracle suppression is given in Carrel (statistics.usecases.ts): maximum flows over the true counts.
 * Stricter than `BoundsOracle` says: it reads the hidden entries' values too, so it answers only for a
 * grid of true counts (it throws when the lines do not add up); a reader's view, hidden values unknown,
 * is for `tableBounds()`.
 */
export const flowBounds: BoundsOracle = flowMaxima;
