// Checks the 2×2 block sparse LU against a dense solve on random structurally symmetric block matrices.
import { expect } from "chai";
import fc from "fast-check";
import { Matrix, solve } from "ml-matrix";
import { blockLuSolve, blockSymbolic, numericBlockLu } from "./blockLu";
import { SingularMatrixError } from "../errors";

function randomBlockSystem(seed: number, m: number, density: number) {
  let state = seed >>> 0 || 1;
  const rand = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const rows: Set<number>[] = Array.from({ length: m }, (_, i) => new Set([i]));
  for (let i = 0; i < m; i++)
    for (let j = 0; j < i; j++)
      if (rand() < density) {
        rows[i].add(j);
        rows[j].add(i);
      }
  const aStart = new Int32Array(m + 1);
  const cols: number[] = [];
  for (let i = 0; i < m; i++) {
    cols.push(...[...rows[i]].sort((a, b) => a - b));
    aStart[i + 1] = cols.length;
  }
  const aCol = Int32Array.from(cols);
  const values = new Float64Array(4 * aCol.length);
  const dense = Matrix.zeros(2 * m, 2 * m);
  for (let i = 0; i < m; i++)
    for (let p = aStart[i]; p < aStart[i + 1]; p++) {
      const j = aCol[p];
      for (let r = 0; r < 2; r++)
        for (let c = 0; c < 2; c++) {
          // Diagonal blocks: dominant but with a small (1,1) entry, so only block pivoting is safe.
          let v = rand() - 0.5;
          if (i === j)
            v = r === c ? (r === 0 ? 1e-3 : 4 + 2 * m * density) : r === 0 ? 3 + m * density : -(3 + m * density);
          values[4 * p + 2 * r + c] = v;
          dense.set(2 * i + r, 2 * j + c, v);
        }
    }
  const b = Float64Array.from({ length: 2 * m }, () => rand() - 0.5);
  return { aStart, aCol, values, dense, b };
}

describe("block sparse LU", () => {
  it("solves random block systems like a dense LU with pivoting", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 30 }), (seed, m) => {
        const { aStart, aCol, values, dense, b } = randomBlockSystem(seed, m, 0.2);
        const lu = numericBlockLu(blockSymbolic(m, aStart, aCol), values);
        const x = blockLuSolve(lu, b);
        const expected = solve(dense, Matrix.columnVector(Array.from(b))).to1DArray();
        for (let i = 0; i < 2 * m; i++) expect(x[i]).to.be.closeTo(expected[i], 1e-8 * (1 + Math.abs(expected[i])));
      }),
      { numRuns: 60 },
    );
  });

  it("reports a singular diagonal block", () => {
    const aStart = Int32Array.from([0, 1]);
    const aCol = Int32Array.from([0]);
    expect(() => numericBlockLu(blockSymbolic(1, aStart, aCol), Float64Array.from([1, 2, 2, 4]))).to.throw(
      SingularMatrixError,
    );
  });
});
