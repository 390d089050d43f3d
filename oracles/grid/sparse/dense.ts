// Dense LU with partial pivoting: the reference the sparse solver is benchmarked and cross-checked against.
import { SingularMatrixError } from "../errors";

/** Solves A x = b in place for a row-major n×n matrix `a` (overwritten by its factors); returns x in `b`. */
export function denseSolveInPlace(n: number, a: Float64Array, b: Float64Array): Float64Array {
  for (let k = 0; k < n; k++) {
    let pivotRow = k;
    let best = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > best) {
        best = v;
        pivotRow = i;
      }
    }
    if (best === 0 || !Number.isFinite(best)) throw new SingularMatrixError(k, best);
    if (pivotRow !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j];
        a[k * n + j] = a[pivotRow * n + j];
        a[pivotRow * n + j] = t;
      }
      const t = b[k];
      b[k] = b[pivotRow];
      b[pivotRow] = t;
    }
    const pivot = a[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const factor = a[i * n + k] / pivot;
      if (factor === 0) continue;
      a[i * n + k] = factor;
      for (let j = k + 1; j < n; j++) a[i * n + j] -= factor * a[k * n + j];
      b[i] -= factor * b[k];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = b[i];
    for (let j = i + 1; j < n; j++) sum -= a[i * n + j] * b[j];
    b[i] = sum / a[i * n + i];
  }
  return b;
}
