// Sparse LU for structurally symmetric matrices (Ybus, power-flow Jacobians): a symbolic factorisation computed
// once from the pattern (elimination tree, row patterns of L and U) and reused by every numeric factorisation
// with the same pattern, as in a 96-slot batch. Pivots are static (chosen by the fill-reducing ordering);
// a vanishing pivot is reported as SingularMatrixError rather than producing a wrong answer.
import { SingularMatrixError } from "../errors";
import { minimumDegreeOrdering } from "./ordering";

/** Square matrix in compressed sparse row form; column indices sorted within a row. */
export interface CsrMatrix {
  n: number;
  rowStart: Int32Array;
  col: Int32Array;
  value: Float64Array;
}

export interface SymbolicLu {
  n: number;
  /** perm[i] = original row/column placed at position i. */
  perm: Int32Array;
  /** For each entry of the original pattern, its column in the permuted matrix. */
  permutedCol: Int32Array;
  /** Pattern of the original matrix the factorisation was built for. */
  rowStart: Int32Array;
  /** Strictly lower part of L, by rows, sorted. */
  lStart: Int32Array;
  lCol: Int32Array;
  /** Upper part of U by rows, diagonal first, then sorted. */
  uStart: Int32Array;
  uCol: Int32Array;
}

export interface NumericLu {
  symbolic: SymbolicLu;
  lValue: Float64Array;
  uValue: Float64Array;
}

/** Builds a CSR matrix from triplets; duplicates are summed (as when stamping branch admittances). */
export function csrFromTriplets(n: number, rows: number[], cols: number[], values: number[]): CsrMatrix {
  const count = new Int32Array(n + 1);
  for (const r of rows) count[r + 1]++;
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  const order = new Int32Array(rows.length);
  const fill = count.slice(0, n);
  for (let k = 0; k < rows.length; k++) order[fill[rows[k]]++] = k;
  const rowStart = new Int32Array(n + 1);
  const col: number[] = [];
  const value: number[] = [];
  for (let i = 0; i < n; i++) {
    const entries = Array.from(order.subarray(count[i], count[i + 1])).sort((a, b) => cols[a] - cols[b]);
    for (const k of entries) {
      if (col.length > rowStart[i] && col[col.length - 1] === cols[k]) value[value.length - 1] += values[k];
      else {
        col.push(cols[k]);
        value.push(values[k]);
      }
    }
    rowStart[i + 1] = col.length;
  }
  return { n, rowStart, col: Int32Array.from(col), value: Float64Array.from(value) };
}

/** Minimum-degree permutation of a square pattern (made symmetric first). */
export function fillReducingOrder(n: number, rowStart: Int32Array, col: Int32Array): Int32Array {
  const sets: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let i = 0; i < n; i++)
    for (let p = rowStart[i]; p < rowStart[i + 1]; p++) {
      const j = col[p];
      if (j !== i) {
        sets[i].add(j);
        sets[j].add(i);
      }
    }
  const adjStart = new Int32Array(n + 1);
  const adj: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const j of sets[i]) adj.push(j);
    adjStart[i + 1] = adj.length;
  }
  return minimumDegreeOrdering({ n, adjStart, adj });
}

/**
 * Symbolic factorisation of P A Pᵀ for a pattern that must be structurally symmetric (it is made symmetric
 * here, so a missing mirror entry just becomes an explicit zero). `perm` defaults to minimum degree.
 */
export function symbolicLu(n: number, rowStart: Int32Array, col: Int32Array, perm?: Int32Array): SymbolicLu {
  const order = perm ?? fillReducingOrder(n, rowStart, col);
  const inverse = new Int32Array(n);
  for (let i = 0; i < n; i++) inverse[order[i]] = i;
  const permutedCol = new Int32Array(col.length);
  for (let p = 0; p < col.length; p++) permutedCol[p] = inverse[col[p]];

  // Lower neighbours of each permuted row, from both A and Aᵀ (structural symmetrisation).
  const lower: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    const pi = inverse[i];
    for (let p = rowStart[i]; p < rowStart[i + 1]; p++) {
      const pj = permutedCol[p];
      if (pj < pi) lower[pi].push(pj);
      else if (pj > pi) lower[pj].push(pi);
    }
  }

  // Elimination tree (Liu's algorithm with path compression through `ancestor`).
  const parent = new Int32Array(n).fill(-1);
  const ancestor = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (const k0 of lower[i]) {
      let k = k0;
      while (k !== -1 && k < i) {
        const next = ancestor[k];
        ancestor[k] = i;
        if (next === -1) {
          parent[k] = i;
          break;
        }
        k = next;
      }
    }
  }

  // Row i of L = the nodes reached climbing the etree from each lower neighbour until i (ereach).
  const mark = new Int32Array(n).fill(-1);
  const lStart = new Int32Array(n + 1);
  const lCols: number[] = [];
  const row: number[] = [];
  for (let i = 0; i < n; i++) {
    mark[i] = i;
    row.length = 0;
    for (const k0 of lower[i]) {
      for (let k = k0; k !== -1 && mark[k] !== i; k = parent[k]) {
        mark[k] = i;
        row.push(k);
      }
    }
    row.sort((a, b) => a - b);
    for (const k of row) lCols.push(k);
    lStart[i + 1] = lCols.length;
  }
  const lCol = Int32Array.from(lCols);

  // U's pattern is L's transposed (structural symmetry), with the diagonal first in each row.
  const uCount = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) uCount[i + 1] = 1;
  for (let p = 0; p < lCol.length; p++) uCount[lCol[p] + 1]++;
  for (let i = 0; i < n; i++) uCount[i + 1] += uCount[i];
  const uStart = uCount.slice();
  const uCol = new Int32Array(uStart[n]);
  const next = uStart.slice(0, n);
  for (let i = 0; i < n; i++) uCol[next[i]++] = i;
  // Rows i visited in increasing order, so each U row's columns come out sorted.
  for (let i = 0; i < n; i++) for (let p = lStart[i]; p < lStart[i + 1]; p++) uCol[next[lCol[p]]++] = i;

  return { n, perm: order, permutedCol, rowStart: rowStart.slice(), lStart, lCol, uStart, uCol };
}

/** Work space shared by factorisations of the same size (avoids allocating per solve). */
const workspaces = new Map<number, Float64Array>();
function workspace(n: number): Float64Array {
  let w = workspaces.get(n);
  if (!w) {
    w = new Float64Array(n);
    workspaces.set(n, w);
  }
  return w;
}

/**
 * Numeric factorisation (row-by-row IKJ Gaussian elimination on the precomputed pattern). `values` are the
 * entries of the matrix in the CSR order of the pattern the symbolic factorisation was built from.
 * Reuses `into` when given, so a batch allocates the factor arrays once.
 */
export function numericLu(symbolic: SymbolicLu, values: Float64Array, into?: NumericLu): NumericLu {
  const { n, perm, permutedCol, rowStart, lStart, lCol, uStart, uCol } = symbolic;
  const lValue = into?.lValue ?? new Float64Array(lCol.length);
  const uValue = into?.uValue ?? new Float64Array(uCol.length);
  const w = workspace(n);
  let largestPivot = 0;
  for (let i = 0; i < n; i++) {
    const original = perm[i];
    const aEnd = rowStart[original + 1];
    for (let p = rowStart[original]; p < aEnd; p++) w[permutedCol[p]] = values[p];
    const lEnd = lStart[i + 1];
    for (let p = lStart[i]; p < lEnd; p++) {
      const k = lCol[p];
      const diagK = uStart[k];
      const factor = w[k] / uValue[diagK];
      lValue[p] = factor;
      w[k] = 0;
      if (factor === 0) continue;
      const end = uStart[k + 1];
      for (let q = diagK + 1; q < end; q++) w[uCol[q]] -= factor * uValue[q];
    }
    const uBegin = uStart[i];
    const uEnd = uStart[i + 1];
    for (let q = uBegin; q < uEnd; q++) {
      const j = uCol[q];
      uValue[q] = w[j];
      w[j] = 0;
    }
    const pivot = uValue[uBegin];
    const magnitude = pivot < 0 ? -pivot : pivot;
    // Static pivoting: a pivot that vanishes against the largest so far means a (numerically) singular matrix.
    if (!(magnitude > 1e-14 * largestPivot) || magnitude === 0 || magnitude === Infinity) {
      throw new SingularMatrixError(perm[i], pivot);
    }
    if (magnitude > largestPivot) largestPivot = magnitude;
  }
  return { symbolic, lValue, uValue };
}

/** Solves A x = b with a numeric factorisation; `b` is not modified. `x` may be passed to reuse memory. */
export function luSolve(lu: NumericLu, b: Float64Array, x: Float64Array = new Float64Array(b.length)): Float64Array {
  const { n, perm, lStart, lCol, uStart, uCol } = lu.symbolic;
  const { lValue, uValue } = lu;
  const y = workspace(n);
  for (let i = 0; i < n; i++) {
    let sum = b[perm[i]];
    for (let p = lStart[i]; p < lStart[i + 1]; p++) sum -= lValue[p] * y[lCol[p]];
    y[i] = sum;
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i];
    const diag = uStart[i];
    for (let q = diag + 1; q < uStart[i + 1]; q++) sum -= uValue[q] * y[uCol[q]];
    y[i] = sum / uValue[diag];
  }
  for (let i = 0; i < n; i++) {
    x[perm[i]] = y[i];
    y[i] = 0;
  }
  return x;
}

/** Solves Aᵀ x = b with the same factorisation (Aᵀ = Uᵀ Lᵀ), used for adjoint sensitivities. */
export function luSolveTransposed(
  lu: NumericLu,
  b: Float64Array,
  x: Float64Array = new Float64Array(b.length),
): Float64Array {
  const { n, perm, lStart, lCol, uStart, uCol } = lu.symbolic;
  const { lValue, uValue } = lu;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = b[perm[i]];
  // Uᵀ z = y: forward, column-oriented over U's rows.
  for (let i = 0; i < n; i++) {
    const diag = uStart[i];
    const zi = y[i] / uValue[diag];
    y[i] = zi;
    for (let q = diag + 1; q < uStart[i + 1]; q++) y[uCol[q]] -= uValue[q] * zi;
  }
  // Lᵀ x = z: backward, column-oriented over L's rows.
  for (let i = n - 1; i >= 0; i--) {
    const xi = y[i];
    for (let p = lStart[i]; p < lStart[i + 1]; p++) y[lCol[p]] -= lValue[p] * xi;
  }
  for (let i = 0; i < n; i++) x[perm[i]] = y[i];
  return x;
}

/** Fill of a factorisation (entries of L and U, diagonal included) — what the ordering minimises. */
export function factorNonZeros(symbolic: SymbolicLu): number {
  return symbolic.lCol.length + symbolic.uCol.length;
}
