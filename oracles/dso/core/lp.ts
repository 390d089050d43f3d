// A small wrapper over HiGHS (wasm) for the DSO's linear programs: columns with bounds and costs, sparse rows
// with ranges; returns the solution or "infeasible" so callers can relax and retry.
import highsLoader from "highs";
import { DsoSolverError } from "../errors";

type Highs = Awaited<ReturnType<typeof highsLoader>>;

let highsPromise: Promise<Highs> | undefined;
/** The wasm solver, loaded once per process. */
export function loadHighs(): Promise<Highs> {
  highsPromise ??= highsLoader();
  return highsPromise;
}

export interface LpRow {
  entries: [column: number, coefficient: number][];
  lower: number;
  upper: number;
}

export interface LpProblem {
  cost: number[];
  lower: number[];
  upper: number[];
  rows: LpRow[];
}

export type LpOutcome = { status: "optimal"; x: number[]; objective: number } | { status: "infeasible" };

export class LinearProgram implements LpProblem {
  readonly cost: number[] = [];
  readonly lower: number[] = [];
  readonly upper: number[] = [];
  readonly rows: LpRow[] = [];

  addColumn(cost: number, lower: number, upper: number): number {
    this.cost.push(cost);
    this.lower.push(lower);
    this.upper.push(upper);
    return this.cost.length - 1;
  }

  addRow(entries: [number, number][], lower: number, upper: number): void {
    this.rows.push({ entries: entries.filter(([, c]) => c !== 0), lower, upper });
  }
}

/** Minimises cost·x subject to the rows and bounds. */
export async function solveLp(problem: LpProblem): Promise<LpOutcome> {
  const highs = await loadHighs();
  const inf = highs.infinity;
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of problem.rows) {
    for (const [col, coef] of row.entries) {
      indices.push(col);
      values.push(coef);
    }
    starts.push(indices.length);
  }
  const clamp = (v: number) => (v === Infinity ? inf : v === -Infinity ? -inf : v);
  const model = highs.createModel({
    numCols: problem.cost.length,
    numRows: problem.rows.length,
    sense: highs.constants.objectiveSense.minimize,
    colCost: problem.cost,
    colLower: problem.lower.map(clamp),
    colUpper: problem.upper.map(clamp),
    rowLower: problem.rows.map((r) => clamp(r.lower)),
    rowUpper: problem.rows.map((r) => clamp(r.upper)),
    matrix: { format: "csr", numRows: problem.rows.length, numCols: problem.cost.length, starts, indices, values },
  });
  try {
    model.options.set({ output_flag: false });
    model.run();
    const status = model.getModelStatus();
    const codes = highs.constants.modelStatus;
    if (status === codes.infeasible) return { status: "infeasible" };
    if (status !== codes.optimal && status !== codes.empty)
      throw new DsoSolverError(`HiGHS ended with model status ${status}`);
    const x = Array.from(model.getSolution().colValue as ArrayLike<number>);
    const objective = x.reduce((sum, v, i) => sum + v * problem.cost[i], 0);
    return { status: "optimal", x, objective };
  } finally {
    model.dispose();
  }
}
