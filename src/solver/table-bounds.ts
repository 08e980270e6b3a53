/**
 * What a reader can prove about the hidden entries of a published table of counts (statistics.policy.ts):
 * the largest value each hidden entry can take, given every published entry, every sum relation of the
 * table (each row of cells adds up to its row total, each column to its column total, the totals to the
 * grand total) and that no count is negative. That is a linear programme; the table-with-margins
 * constraint matrix is totally unimodular, so its optimum is an integer and is the true bound a reader
 * can reach, by any combination of rows and columns, not only by subtracting along one line.
 *
 * Solved with HiGHS (the University of Edinburgh's LP solver) compiled to WebAssembly: the `highs` npm
 * package, whose binary ships inside the package (nothing is downloaded at run time). It is loaded once
 * per process (again after a load that failed); every solve after that is synchronous and pure computation.
 */
import highsModule, { type Highs, type Model } from 'highs';
import type { BoundsOracle, Position } from '../policy/statistics.policy.js';

type Loader = () => Promise<Highs>;
// The package's declarations describe its CommonJS build (the loader as `default` of the module); Node
// loads its ES-module build, whose default export is the loader itself. Either way, the loader:
const loader = highsModule as unknown as Loader | { default: Loader };
const loadHighs: Loader = typeof loader === 'function' ? loader : loader.default;

let runtime: Promise<Highs> | undefined;

/**
 * The solver, loaded on first use and kept for the life of the process. A load that fails is not kept:
 * the caller gets its error, and the next call tries again.
 */
export function lpSolver(): Promise<Highs> {
  if (runtime === undefined) {
    const loading = loadHighs();
    runtime = loading;
    loading.catch(() => {
      if (runtime === loading) runtime = undefined;
    });
  }
  return runtime;
}


/**
 * Solves a model whose objective is variable `v` alone (cost 1) and answers its maximum: Infinity when
 * unbounded; throws when the published entries cannot add up.
 */
function maximum(highs: Highs, model: Model, v: number): number {
  const status = highs.constants.modelStatus;
  model.run();
  let outcome = model.getModelStatus();
  if (outcome === status.unboundedOrInfeasible) {
    // Tell the two apart: with no objective, a feasible programme is solved, an infeasible one is not.
    model.changeColCost(v, 0);
    model.run();
    outcome = model.getModelStatus() === status.optimal ? status.unbounded : status.infeasible;
    model.changeColCost(v, 1);
  }
  if (outcome === status.unbounded) return Number.POSITIVE_INFINITY;
  if (outcome !== status.optimal) throw new Error(`statistics: the published entries of a table cannot add up (solver status ${outcome})`);
  // Integral by total unimodularity; the solver's floating point is rounded back to it.
  return Math.round(model.getObjectiveValue());
}

/**
 * The largest value each `target` (a hidden entry) can take. `values` is the grid of the table, cells
 * with row totals and then the margin row (statistics.policy.ts `gridOf`); `hidden` says which entries a
 * reader does not see (their values are not used). Infinity when nothing bounds the entry (the grand
 * total and everything around it hidden). Throws when the published entries cannot add up, which a table
 * built from real counts never does.
 */
export function feasibleMaxima(highs: Highs, values: readonly (readonly number[])[], hidden: readonly (readonly boolean[])[], targets: readonly Position[]): number[] {
  if (targets.length === 0) return [];
  const rows = values.length;
  const columns = rows === 0 ? 0 : (values[0] as readonly number[]).length;
  // One variable per hidden entry; a published entry is a constant moved to the right-hand side.
  const variable = hidden.map((line) => line.map(() => -1));
  let count = 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) if ((hidden[i] as readonly boolean[])[j]) (variable[i] as number[])[j] = count++;

  const starts = [0];
  const indices: number[] = [];
  const coefficients: number[] = [];
  const rhs: number[] = [];
  /** One relation: the entries of a line before its last add up to its last (the total). */
  const line = (entries: Position[]) => {
    let constant = 0;
    const before = indices.length;
    entries.forEach(([i, j], n) => {
      const sign = n === entries.length - 1 ? -1 : 1;
      const v = (variable[i] as number[])[j] as number;
      if (v >= 0) {
        indices.push(v);
        coefficients.push(sign);
      } else constant += sign * ((values[i] as readonly number[])[j] as number);
    });
    if (indices.length === before) return; // nothing hidden: a published identity
    starts.push(indices.length);
    rhs.push(-constant);
  };
  for (let i = 0; i < rows; i++) line(Array.from({ length: columns }, (_, j) => [i, j] as const));
  for (let j = 0; j < columns; j++) line(Array.from({ length: rows }, (_, i) => [i, j] as const));

  const numRows = rhs.length;
  return highs.withModel(
    {
      numCols: count,
      numRows,
      sense: highs.constants.objectiveSense.maximize,
      colCost: new Float64Array(count),
      colLower: new Float64Array(count),
      colUpper: new Float64Array(count).fill(highs.infinity),
      rowLower: Float64Array.from(rhs),
      rowUpper: Float64Array.from(rhs),
      matrix: { format: 'csr', numRows, numCols: count, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(coefficients) },
    },
    (model) => {
      // Tiny programmes: presolve off keeps "unbounded" and "infeasible" apart; the primal simplex
      // restarts from the previous optimum when only the objective changes.
      model.options.set({ output_flag: false, presolve: 'off', solver: 'simplex', simplex_strategy: 4 });
      let previous = -1;
      return targets.map(([i, j]) => {
        const v = (variable[i] as number[] | undefined)?.[j] ?? -1;
        if (v < 0) throw new Error('statistics: a bound was asked of an entry that is published');
        if (previous >= 0) model.changeColCost(previous, 0);
        model.changeColCost(v, 1);
        previous = v;
        return maximum(highs, model, v);
      });
    },
  );
}

/**
 * One table's programme, kept between questions. The suppression rules ask about the same grid again and
 * again, hiding a few more entries each time (statistics.policy.ts `protect`), so rather than build a
 * programme per question, every entry of the grid is a variable, fixed at its value while published and
 * free (0 to infinity) while hidden; a question changes only the bounds of entries hidden since the last
 * and the objective, and the simplex starts from the last optimum. The answers are those of
 * `feasibleMaxima` (table-flow.test.ts compares them), but a relation whose entries are all
 * published is kept as a constraint: published entries that do not add up are refused as infeasible.
 */
interface KeptTable {
  highs: Highs;
  model: Model;
  values: number[][];
  hidden: boolean[][];
  /** The variable whose cost is 1 (the last question's target), or -1. */
  objective: number;
}

/** The last table asked about, in this process (one at a time: each question is synchronous). */
let kept: KeptTable | undefined;

function sameGrid(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as readonly number[];
    const y = b[i] as readonly number[];
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

/** The kept programme of `values`, built (every entry published) when the grid is another than the last. */
function tableModel(highs: Highs, values: readonly (readonly number[])[]): KeptTable {
  if (kept && kept.highs === highs && !kept.model.disposed && sameGrid(kept.values, values)) return kept;
  kept?.model.dispose();
  kept = undefined;
  const rows = values.length;
  const columns = rows === 0 ? 0 : (values[0] as readonly number[]).length;
  const at = (i: number, j: number) => i * columns + j;
  const starts = [0];
  const indices: number[] = [];
  const coefficients: number[] = [];
  // Each line's entries before its last add up to its last (the total): rows, then columns.
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      indices.push(at(i, j));
      coefficients.push(j === columns - 1 ? -1 : 1);
    }
    starts.push(indices.length);
  }
  for (let j = 0; j < columns; j++) {
    for (let i = 0; i < rows; i++) {
      indices.push(at(i, j));
      coefficients.push(i === rows - 1 ? -1 : 1);
    }
    starts.push(indices.length);
  }
  const count = rows * columns;
  const numRows = rows + columns;
  const fixed = Float64Array.from(values.flat());
  const model = highs.createModel({
    numCols: count,
    numRows,
    sense: highs.constants.objectiveSense.maximize,
    colCost: new Float64Array(count),
    colLower: fixed,
    colUpper: fixed,
    rowLower: new Float64Array(numRows),
    rowUpper: new Float64Array(numRows),
    matrix: { format: 'csr', numRows, numCols: count, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(coefficients) },
  });
  try {
    // Presolve off keeps "unbounded" and "infeasible" apart; the primal simplex restarts from the last optimum.
    model.options.set({ output_flag: false, presolve: 'off', solver: 'simplex', simplex_strategy: 4 });
  } catch (error) {
    model.dispose();
    throw error;
  }
  kept = { highs, model, values: values.map((line) => [...line]), hidden: values.map((line) => line.map(() => false)), objective: -1 };
  return kept;
}

/** The same answers as `feasibleMaxima`, from the kept programme of the grid. */
export function keptMaxima(highs: Highs, values: readonly (readonly number[])[], hidden: readonly (readonly boolean[])[], targets: readonly Position[]): number[] {
  if (targets.length === 0) return [];
  const table = tableModel(highs, values);
  const { model } = table;
  const columns = values.length === 0 ? 0 : (values[0] as readonly number[]).length;
  try {
    for (let i = 0; i < values.length; i++)
      for (let j = 0; j < columns; j++) {
        const wanted = (hidden[i] as readonly boolean[])[j] === true;
        if (wanted === (table.hidden[i] as boolean[])[j]) continue;
        const value = (values[i] as readonly number[])[j] as number;
        model.changeColBounds(i * columns + j, wanted ? 0 : value, wanted ? highs.infinity : value);
        (table.hidden[i] as boolean[])[j] = wanted;
      }
    return targets.map(([i, j]) => {
      if ((hidden[i] as readonly boolean[] | undefined)?.[j] !== true) throw new Error('statistics: a bound was asked of an entry that is published');
      const v = i * columns + j;
      if (table.objective !== v) {
        if (table.objective >= 0) model.changeColCost(table.objective, 0);
        model.changeColCost(v, 1);
        table.objective = v;
      }
      return maximum(highs, model, v);
    });
  } catch (error) {
    // A programme left half-changed is not kept.
    if (kept === table) {
      table.model.dispose();
      kept = undefined;
    }
    throw error;
  }
}

/** The bounds oracle the suppression rules ask (policy/statistics.policy.ts), backed by the loaded solver. */
export async function tableBounds(): Promise<BoundsOracle> {
  const highs = await lpSolver();
  return (values, hidden, targets) => keptMaxima(highs, values, hidden, targets);
}
