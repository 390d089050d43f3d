// Sparse LU in 2×2 blocks for power-flow Jacobians: one block per pair of buses (rows P, Q × columns θ, |V|),
// so indexing costs are paid per bus pair rather than per scalar and each bus's own block is inverted as a
// whole (a small pivot in dP/dθ alone does no harm). The block pattern's symbolic factorisation comes from
// symbolicLu on the bus graph and is reused by every numeric factorisation.
import { SingularMatrixError } from "../errors";
import { symbolicLu, type SymbolicLu } from "./lu";

export interface BlockSymbolic {
  /** Number of block rows (buses in the system). */
  m: number;
  /** Block pattern of the matrix (CSR over blocks, already in elimination order). */
  aStart: Int32Array;
  aCol: Int32Array;
  pattern: SymbolicLu;
}

export interface BlockLu {
  symbolic: BlockSymbolic;
  /** L blocks (strictly lower, unit diagonal implied) and U blocks (diagonal first per row), 4 values each. */
  lValue: Float64Array;
  uValue: Float64Array;
  /** Inverse of each diagonal block of U. */
  uInverse: Float64Array;
}

/** Symbolic factorisation of a block pattern whose order is already fill-reducing (identity permutation). */
export function blockSymbolic(m: number, aStart: Int32Array, aCol: Int32Array): BlockSymbolic {
  const identity = Int32Array.from({ length: m }, (_, i) => i);
  return { m, aStart, aCol, pattern: symbolicLu(m, aStart, aCol, identity) };
}

const workspaces = new Map<number, Float64Array>();
function workspace(size: number): Float64Array {
  let w = workspaces.get(size);
  if (!w) {
    w = new Float64Array(size);
    workspaces.set(size, w);
  }
  return w;
}

/** Numeric block factorisation; `values` holds 4 entries (row-major 2×2) per block of the pattern. */
export function numericBlockLu(symbolic: BlockSymbolic, values: Float64Array, into?: BlockLu): BlockLu {
  const { m, aStart, aCol } = symbolic;
  const { lStart, lCol, uStart, uCol } = symbolic.pattern;
  const lValue = into?.lValue ?? new Float64Array(4 * lCol.length);
  const uValue = into?.uValue ?? new Float64Array(4 * uCol.length);
  const uInverse = into?.uInverse ?? new Float64Array(4 * m);
  const w = workspace(4 * m);
  for (let i = 0; i < m; i++) {
    for (let p = aStart[i]; p < aStart[i + 1]; p++) {
      const j = 4 * aCol[p];
      const v = 4 * p;
      w[j] = values[v];
      w[j + 1] = values[v + 1];
      w[j + 2] = values[v + 2];
      w[j + 3] = values[v + 3];
    }
    for (let p = lStart[i]; p < lStart[i + 1]; p++) {
      const k = lCol[p];
      const wk = 4 * k;
      const w0 = w[wk];
      const w1 = w[wk + 1];
      const w2 = w[wk + 2];
      const w3 = w[wk + 3];
      w[wk] = w[wk + 1] = w[wk + 2] = w[wk + 3] = 0;
      const u0 = uInverse[wk];
      const u1 = uInverse[wk + 1];
      const u2 = uInverse[wk + 2];
      const u3 = uInverse[wk + 3];
      // F = W_k · inv(U_kk)
      const f0 = w0 * u0 + w1 * u2;
      const f1 = w0 * u1 + w1 * u3;
      const f2 = w2 * u0 + w3 * u2;
      const f3 = w2 * u1 + w3 * u3;
      const lp = 4 * p;
      lValue[lp] = f0;
      lValue[lp + 1] = f1;
      lValue[lp + 2] = f2;
      lValue[lp + 3] = f3;
      // W_j -= F · U_kj for the rest of U's row k
      const end = uStart[k + 1];
      for (let q = uStart[k] + 1; q < end; q++) {
        const j = 4 * uCol[q];
        const uq = 4 * q;
        const a0 = uValue[uq];
        const a1 = uValue[uq + 1];
        const a2 = uValue[uq + 2];
        const a3 = uValue[uq + 3];
        w[j] -= f0 * a0 + f1 * a2;
        w[j + 1] -= f0 * a1 + f1 * a3;
        w[j + 2] -= f2 * a0 + f3 * a2;
        w[j + 3] -= f2 * a1 + f3 * a3;
      }
    }
    const begin = uStart[i];
    for (let q = begin; q < uStart[i + 1]; q++) {
      const j = 4 * uCol[q];
      const uq = 4 * q;
      uValue[uq] = w[j];
      uValue[uq + 1] = w[j + 1];
      uValue[uq + 2] = w[j + 2];
      uValue[uq + 3] = w[j + 3];
      w[j] = w[j + 1] = w[j + 2] = w[j + 3] = 0;
    }
    const d = 4 * begin;
    const d0 = uValue[d];
    const d1 = uValue[d + 1];
    const d2 = uValue[d + 2];
    const d3 = uValue[d + 3];
    const det = d0 * d3 - d1 * d2;
    const scale = Math.abs(d0) + Math.abs(d1) + Math.abs(d2) + Math.abs(d3);
    // A diagonal block that is singular against its own size means the Jacobian is singular.
    if (!(Math.abs(det) > 1e-14 * scale * scale) || !Number.isFinite(det)) throw new SingularMatrixError(i, det);
    const ii = 4 * i;
    uInverse[ii] = d3 / det;
    uInverse[ii + 1] = -d1 / det;
    uInverse[ii + 2] = -d2 / det;
    uInverse[ii + 3] = d0 / det;
  }
  return { symbolic, lValue, uValue, uInverse };
}

/** Solves A x = b; b and x hold 2 entries per block row (θ then |V| unknowns, or P then Q equations). */
export function blockLuSolve(lu: BlockLu, b: Float64Array, x: Float64Array = new Float64Array(b.length)): Float64Array {
  const { m } = lu.symbolic;
  const { lStart, lCol, uStart, uCol } = lu.symbolic.pattern;
  const { lValue, uValue, uInverse } = lu;
  if (x !== b) x.set(b);
  for (let i = 0; i < m; i++) {
    let y0 = x[2 * i];
    let y1 = x[2 * i + 1];
    for (let p = lStart[i]; p < lStart[i + 1]; p++) {
      const k = 2 * lCol[p];
      const l = 4 * p;
      y0 -= lValue[l] * x[k] + lValue[l + 1] * x[k + 1];
      y1 -= lValue[l + 2] * x[k] + lValue[l + 3] * x[k + 1];
    }
    x[2 * i] = y0;
    x[2 * i + 1] = y1;
  }
  for (let i = m - 1; i >= 0; i--) {
    let y0 = x[2 * i];
    let y1 = x[2 * i + 1];
    for (let q = uStart[i] + 1; q < uStart[i + 1]; q++) {
      const j = 2 * uCol[q];
      const u = 4 * q;
      y0 -= uValue[u] * x[j] + uValue[u + 1] * x[j + 1];
      y1 -= uValue[u + 2] * x[j] + uValue[u + 3] * x[j + 1];
    }
    const d = 4 * i;
    x[2 * i] = uInverse[d] * y0 + uInverse[d + 1] * y1;
    x[2 * i + 1] = uInverse[d + 2] * y0 + uInverse[d + 3] * y1;
  }
  return x;
}
