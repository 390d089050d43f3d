// Newton–Raphson power flow in polar form on one compiled subnetwork: sparse mismatch and Jacobian built in a
// single pass over Ybus (rectangular voltages, so no trigonometry per entry), factorised with the subnetwork's
// reused symbolic LU. Returns a convergence report; the caller decides how to surface non-convergence.
import { NodeType, type CompiledNetwork, type Subnetwork } from "./compile";
import { blockLuSolve, numericBlockLu } from "./sparse/blockLu";
import { SingularMatrixError } from "./errors";
import { denseSolveInPlace } from "./sparse/dense";

export interface NewtonOptions {
  tolerancePu: number;
  maxIterations: number;
  /**
   * Let the steps reuse the subnetwork's last factorised Jacobian while it still converges fast (the previous
   * slot's, for a warm start): the answer is unchanged (convergence is judged on the true mismatch), only the
   * number of factorisations drops.
   */
  reuseFactorisation?: boolean;
  /** "dense" solves each Newton step with a dense LU: only a benchmark reference, O(n³) per iteration. */
  linearSolver?: "sparse" | "dense";
}

export interface ConvergenceReport {
  subnetwork: string;
  converged: boolean;
  iterations: number;
  /** Largest P or Q mismatch at the last evaluated point, in pu on the system base. */
  maxMismatchPu: number;
  worstBus: string;
  /** Set when the Jacobian became singular (the run stops there). */
  failure?: string;
}

/** Voltage state per global node: magnitude (pu) and angle (rad). */
export interface VoltageState {
  vm: Float64Array;
  va: Float64Array;
}

/** Specified net injections per global node (generation minus load) in pu. */
export interface Injections {
  p: Float64Array;
  q: Float64Array;
}

/** Work arrays per subnetwork so repeated solves (96 slots) allocate nothing in the loop. */
interface Work {
  e: Float64Array;
  f: Float64Array;
  vm: Float64Array;
  va: Float64Array;
  pCalc: Float64Array;
  qCalc: Float64Array;
  mismatch: Float64Array;
  dx: Float64Array;
  jValue: Float64Array;
}
const works = new WeakMap<Subnetwork, Work>();
/** Subnetworks whose stored factorisation (sub.lu) matches their current PV/PQ node types. */
const validFactorisation = new WeakSet<Subnetwork>();
function workOf(sub: Subnetwork): Work {
  let w = works.get(sub);
  if (!w) {
    const n = sub.nodes.length;
    w = {
      e: new Float64Array(n),
      f: new Float64Array(n),
      vm: new Float64Array(n),
      va: new Float64Array(n),
      pCalc: new Float64Array(n),
      qCalc: new Float64Array(n),
      mismatch: new Float64Array(sub.unknowns),
      dx: new Float64Array(sub.unknowns),
      jValue: new Float64Array(4 * sub.blockSymbolic.aCol.length),
    };
    works.set(sub, w);
  }
  return w;
}

/**
 * Computes P and Q at every node and, when `jValue` is given, the Jacobian blocks d(P,Q)/d(θ,|V|) into it
 * (4 values per block: dP/dθ, dP/d|V|, dQ/dθ, dQ/d|V|). PV nodes' |V| columns are zero and their Q rows identity.
 */
export function evaluate(sub: Subnetwork, w: Work, jValue: Float64Array | undefined): void {
  const { yStart, yCol, g, b, blockPos, isPv } = sub;
  const { e, f, vm, pCalc, qCalc } = w;
  const n = sub.nodes.length;
  for (let i = 0; i < n; i++) {
    const ei = e[i];
    const fi = f[i];
    const pvRow = isPv[i] === 1;
    let iRe = 0;
    let iIm = 0;
    let diag = -1;
    for (let p = yStart[i]; p < yStart[i + 1]; p++) {
      const k = yCol[p];
      const gik = g[p];
      const bik = b[p];
      const cr = gik * e[k] - bik * f[k];
      const ci = gik * f[k] + bik * e[k];
      iRe += cr;
      iIm += ci;
      if (k === i) {
        diag = p;
        continue;
      }
      if (jValue) {
        const bp = blockPos[p];
        if (bp < 0) continue;
        // W = V_i conj(Y_ik V_k): Re W = Vi Vk (G cos + B sin), Im W = Vi Vk (G sin - B cos).
        const a = ei * cr + fi * ci;
        const c = fi * cr - ei * ci;
        const invVk = isPv[k] === 1 ? 0 : 1 / vm[k];
        const at = 4 * bp;
        jValue[at] = c;
        jValue[at + 1] = a * invVk;
        jValue[at + 2] = pvRow ? 0 : -a;
        jValue[at + 3] = pvRow ? 0 : c * invVk;
      }
    }
    // S_i = V_i conj(I_i)
    const pi = ei * iRe + fi * iIm;
    const qi = fi * iRe - ei * iIm;
    pCalc[i] = pi;
    qCalc[i] = qi;
    if (jValue && diag >= 0 && blockPos[diag] >= 0) {
      const v = vm[i];
      const v2 = v * v;
      const gii = g[diag];
      const bii = b[diag];
      const at = 4 * blockPos[diag];
      jValue[at] = -qi - bii * v2;
      jValue[at + 1] = pvRow ? 0 : pi / v + gii * v;
      jValue[at + 2] = pvRow ? 0 : pi - gii * v2;
      jValue[at + 3] = pvRow ? 1 : qi / v - bii * v;
    }
  }
}

function denseStep(sub: Subnetwork, w: Work): void {
  const size = sub.unknowns;
  const a = new Float64Array(size * size);
  const { aStart, aCol } = sub.blockSymbolic;
  for (let r = 0; r < size / 2; r++)
    for (let p = aStart[r]; p < aStart[r + 1]; p++) {
      const c = aCol[p];
      a[2 * r * size + 2 * c] = w.jValue[4 * p];
      a[2 * r * size + 2 * c + 1] = w.jValue[4 * p + 1];
      a[(2 * r + 1) * size + 2 * c] = w.jValue[4 * p + 2];
      a[(2 * r + 1) * size + 2 * c + 1] = w.jValue[4 * p + 3];
    }
  w.dx.set(w.mismatch);
  denseSolveInPlace(size, a, w.dx);
}

function setRectangular(w: Work, n: number): void {
  for (let i = 0; i < n; i++) {
    w.e[i] = w.vm[i] * Math.cos(w.va[i]);
    w.f[i] = w.vm[i] * Math.sin(w.va[i]);
  }
}

/**
 * Solves one subnetwork. `state` holds the starting point (flat or warm) and receives the answer; slack and PV
 * magnitudes are always reset to their set points.
 */
export function solveSubnetwork(
  compiled: CompiledNetwork,
  sub: Subnetwork,
  injections: Injections,
  state: VoltageState,
  options: NewtonOptions,
): ConvergenceReport {
  const w = workOf(sub);
  const n = sub.nodes.length;
  const { nodes, type, vSet, thetaIndex, vIndex } = sub;
  for (let i = 0; i < n; i++) {
    const node = nodes[i];
    w.vm[i] = type[i] === NodeType.PQ ? state.vm[node] : vSet[i];
    w.va[i] = type[i] === NodeType.Slack ? sub.slackAngleRad : state.va[node];
  }
  setRectangular(w, n);
  let iterations = 0;
  let maxMismatch = Infinity;
  let previousMismatch = Infinity;
  let worst = 0;
  let failure: string | undefined;
  const sparse = options.linearSolver !== "dense";
  for (;;) {
    // Mismatch only: the Jacobian is filled below, and only when this step factorises a new one.
    evaluate(sub, w, sparse ? undefined : w.jValue);
    maxMismatch = 0;
    for (let i = 0; i < n; i++) {
      const node = nodes[i];
      if (thetaIndex[i] >= 0) {
        const dp = injections.p[node] - w.pCalc[i];
        w.mismatch[thetaIndex[i]] = dp;
        // A PV node's Q row is an identity row with nothing to correct.
        if (sub.isPv[i] === 1) w.mismatch[thetaIndex[i] + 1] = 0;
        const m = Math.abs(dp);
        if (!(m <= maxMismatch)) {
          maxMismatch = m;
          worst = i;
        }
      }
      if (vIndex[i] >= 0) {
        const dq = injections.q[node] - w.qCalc[i];
        w.mismatch[vIndex[i]] = dq;
        const m = Math.abs(dq);
        if (!(m <= maxMismatch)) {
          maxMismatch = m;
          worst = i;
        }
      }
    }
    if (maxMismatch < options.tolerancePu) break;
    // NaN mismatch or runaway voltages: stop early, this will not come back.
    if (iterations >= options.maxIterations || !Number.isFinite(maxMismatch) || maxMismatch > 1e8) break;
    try {
      if (options.linearSolver === "dense") denseStep(sub, w);
      else {
        // A stale Jacobian is kept only while it still cuts the mismatch a thousandfold per step (the first step
        // of a warm start, taken from the previous slot's operating point); otherwise factorise afresh.
        const reuse =
          options.reuseFactorisation === true &&
          sub.lu !== undefined &&
          validFactorisation.has(sub) &&
          (iterations === 0 || maxMismatch < 1e-3 * previousMismatch);
        if (!reuse) {
          validFactorisation.delete(sub);
          evaluate(sub, w, w.jValue);
          sub.lu = numericBlockLu(sub.blockSymbolic, w.jValue, sub.lu);
          validFactorisation.add(sub);
        }
        blockLuSolve(sub.lu!, w.mismatch, w.dx);
      }
      previousMismatch = maxMismatch;
    } catch (error) {
      if (error instanceof SingularMatrixError) {
        failure = error.message;
        break;
      }
      throw error;
    }
    for (let i = 0; i < n; i++) {
      if (thetaIndex[i] >= 0) w.va[i] += w.dx[thetaIndex[i]];
      if (vIndex[i] >= 0) w.vm[i] += w.dx[vIndex[i]];
    }
    setRectangular(w, n);
    iterations++;
  }
  const converged = maxMismatch < options.tolerancePu;
  // A Jacobian factorised on the way to no solution is no guide to the next solve: never reuse it.
  if (!converged) validFactorisation.delete(sub);
  for (let i = 0; i < n; i++) {
    state.vm[nodes[i]] = w.vm[i];
    state.va[nodes[i]] = w.va[i];
  }
  return {
    subnetwork: sub.name,
    converged,
    iterations,
    maxMismatchPu: maxMismatch,
    worstBus: compiled.nodeName[nodes[worst]],
    ...(failure ? { failure } : {}),
  };
}

/**
 * Makes a PV node a PQ node for the next solves (a generator at its reactive limit); returns a function that
 * restores it. The block pattern is unchanged (a PV node's block only has an identity Q row), so the symbolic
 * factorisation stays valid.
 */
export function releaseVoltage(sub: Subnetwork, i: number): () => void {
  const { type, isPv, vIndex, thetaIndex } = sub;
  if (type[i] !== NodeType.PV) throw new Error(`node ${i} of ${sub.name} is not a PV node`);
  type[i] = NodeType.PQ;
  isPv[i] = 0;
  vIndex[i] = thetaIndex[i] + 1;
  validFactorisation.delete(sub);
  return () => {
    validFactorisation.delete(sub);
    type[i] = NodeType.PV;
    isPv[i] = 1;
    vIndex[i] = -1;
  };
}

/** P and Q injected into the network at one local node for a given state (slack and PV outputs). */
export function powerAt(sub: Subnetwork, state: VoltageState, i: number): { p: number; q: number } {
  const node = sub.nodes[i];
  const ei = state.vm[node] * Math.cos(state.va[node]);
  const fi = state.vm[node] * Math.sin(state.va[node]);
  let iRe = 0;
  let iIm = 0;
  for (let p = sub.yStart[i]; p < sub.yStart[i + 1]; p++) {
    const k = sub.nodes[sub.yCol[p]];
    const ek = state.vm[k] * Math.cos(state.va[k]);
    const fk = state.vm[k] * Math.sin(state.va[k]);
    iRe += sub.g[p] * ek - sub.b[p] * fk;
    iIm += sub.g[p] * fk + sub.b[p] * ek;
  }
  return { p: ei * iRe + fi * iIm, q: fi * iRe - ei * iIm };
}

/** Factorised Jacobian at a given state, for sensitivities. */
export function factorisedJacobian(sub: Subnetwork, state: VoltageState) {
  const w = workOf(sub);
  const n = sub.nodes.length;
  for (let i = 0; i < n; i++) {
    w.vm[i] = state.vm[sub.nodes[i]];
    w.va[i] = state.va[sub.nodes[i]];
  }
  setRectangular(w, n);
  const jValue = new Float64Array(4 * sub.blockSymbolic.aCol.length);
  evaluate(sub, w, jValue);
  return { jValue, lu: numericBlockLu(sub.blockSymbolic, jValue) };
}
