// Checks the sparse LU (symbolic once, numeric many) against a dense solve and checks the ordering's fill.
import { expect } from "chai";
import fc from "fast-check";
import { Matrix, solve } from "ml-matrix";
import { csrFromTriplets, factorNonZeros, luSolve, luSolveTransposed, numericLu, symbolicLu } from "./lu";
import { SingularMatrixError } from "../errors";

function randomSystem(seed: number, n: number, density: number) {
  let state = seed >>> 0 || 1;
  const rand = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  const dense = Matrix.zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (rand() < density) {
        const a = rand() - 0.5;
        const b = rand() - 0.5;
        rows.push(i, j);
        cols.push(j, i);
        values.push(a, b);
        dense.set(i, j, dense.get(i, j) + a);
        dense.set(j, i, dense.get(j, i) + b);
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const d = 2 + n * density + rand();
    rows.push(i);
    cols.push(i);
    values.push(d);
    dense.set(i, i, dense.get(i, i) + d);
  }
  const b = Float64Array.from({ length: n }, () => rand() - 0.5);
  return { matrix: csrFromTriplets(n, rows, cols, values), dense, b };
}

describe("sparse LU", () => {
  describe("luSolve", () => {
    it("solves random unsymmetric-valued systems like a dense LU", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 40 }), (seed, n) => {
          const { matrix, dense, b } = randomSystem(seed, n, 0.15);
          const symbolic = symbolicLu(n, matrix.rowStart, matrix.col);
          const x = luSolve(numericLu(symbolic, matrix.value), b);
          const expected = solve(dense, Matrix.columnVector(Array.from(b))).to1DArray();
          for (let i = 0; i < n; i++) expect(x[i]).to.be.closeTo(expected[i], 1e-9);
          const xt = luSolveTransposed(numericLu(symbolic, matrix.value), b);
          const expectedT = solve(dense.transpose(), Matrix.columnVector(Array.from(b))).to1DArray();
          for (let i = 0; i < n; i++) expect(xt[i]).to.be.closeTo(expectedT[i], 1e-9);
        }),
        { numRuns: 60 },
      );
    });

    it("reuses one symbolic factorisation for new values on the same pattern", () => {
      const first = randomSystem(7, 30, 0.2);
      const symbolic = symbolicLu(30, first.matrix.rowStart, first.matrix.col);
      const lu = numericLu(symbolic, first.matrix.value);
      const scaled = first.matrix.value.map((v, i) => v * (1 + 0.1 * Math.sin(i)));
      const denseScaled = Matrix.zeros(30, 30);
      for (let i = 0; i < 30; i++)
        for (let p = first.matrix.rowStart[i]; p < first.matrix.rowStart[i + 1]; p++)
          denseScaled.set(i, first.matrix.col[p], scaled[p]);
      const x = luSolve(numericLu(symbolic, scaled, lu), first.b);
      const expected = solve(denseScaled, Matrix.columnVector(Array.from(first.b))).to1DArray();
      for (let i = 0; i < 30; i++) expect(x[i]).to.be.closeTo(expected[i], 1e-9);
    });
  });

  describe("symbolicLu", () => {
    it("orders a path graph (a radial feeder) with no fill", () => {
      const n = 200;
      const rows: number[] = [];
      const cols: number[] = [];
      const values: number[] = [];
      // Number the path badly on purpose: a natural order from the middle would still be fill-free, a
      // scrambled one is not.
      const label = Array.from({ length: n }, (_, i) => (i * 37) % n);
      for (let i = 0; i < n; i++) {
        rows.push(label[i]);
        cols.push(label[i]);
        values.push(4);
        if (i > 0) {
          rows.push(label[i], label[i - 1]);
          cols.push(label[i - 1], label[i]);
          values.push(-1, -1);
        }
      }
      const m = csrFromTriplets(n, rows, cols, values);
      const symbolic = symbolicLu(n, m.rowStart, m.col);
      expect(factorNonZeros(symbolic)).to.equal(m.col.length);
    });
  });

  describe("numericLu", () => {
    it("reports a singular matrix instead of returning garbage", () => {
      const m = csrFromTriplets(2, [0, 0, 1, 1], [0, 1, 0, 1], [1, 2, 2, 4]);
      const symbolic = symbolicLu(2, m.rowStart, m.col, Int32Array.from([0, 1]));
      expect(() => numericLu(symbolic, m.value)).to.throw(SingularMatrixError);
    });
  });
});
