// Backward/forward sweep for radial subnetworks: the classic distribution-feeder method, kept as an independent
// cross-check of Newton–Raphson (the two must agree to 1e-6 pu) and as a benchmark reference. It uses the same
// compiled branch models (pi sections, transformer taps) but no Jacobian and no linear solve.
import type { CompiledNetwork } from "./compile";
import { GridModelError, PowerFlowDivergedError } from "./errors";
import { flatState, nodeInjections, type ElementPowers, type VoltageState } from "./powerflow";

export interface SweepOptions {
  /** Largest voltage change between two sweeps, pu. */
  tolerancePu?: number;
  maxIterations?: number;
}

export interface SweepResult {
  state: VoltageState;
  iterations: number;
}

/** Solves every subnetwork of a radial network by backward/forward sweeps; throws on a meshed one. */
export function solveRadialSweep(
  compiled: CompiledNetwork,
  powers: ElementPowers,
  options: SweepOptions = {},
): SweepResult {
  const tolerance = options.tolerancePu ?? 1e-9;
  const maxIterations = options.maxIterations ?? 500;
  const { branches, nodeCount } = compiled;
  const injections = nodeInjections(compiled, powers);
  const state = flatState(compiled);
  const re = new Float64Array(nodeCount);
  const im = new Float64Array(nodeCount);

  // Incident branches per node.
  const incident: number[][] = Array.from({ length: nodeCount }, () => []);
  for (let k = 0; k < branches.count; k++) {
    incident[branches.fromNode[k]].push(k);
    incident[branches.toNode[k]].push(k);
  }
  let iterations = 0;
  for (const sub of compiled.subnetworks) {
    if (sub.type.some((t) => t === 1))
      throw new GridModelError(`subnetwork ${sub.name} has PV buses: the sweep handles PQ buses only`, sub.name);
    // Breadth-first tree from the slack. Parallel branches between the same two nodes (e.g. two HV/MV
    // transformers) count as one tree edge; any other second path is a loop.
    const slack = sub.nodes[sub.type.indexOf(2)];
    const order = [slack];
    const parentOf = new Map<number, number>([[slack, -1]]);
    const parentBranches = new Map<number, number[]>([[slack, []]]);
    for (let head = 0; head < order.length; head++) {
      const node = order[head];
      for (const k of incident[node]) {
        if (parentBranches.get(node)!.includes(k)) continue;
        const other = branches.fromNode[k] === node ? branches.toNode[k] : branches.fromNode[k];
        if (parentOf.has(other)) {
          if (parentOf.get(other) === node && !parentBranches.get(other)!.includes(k)) {
            parentBranches.get(other)!.push(k);
            continue;
          }
          if (parentBranches.get(other)!.includes(k)) continue;
          throw new GridModelError(
            `subnetwork ${sub.name} is meshed (loop through branch ${branches.id[k]})`,
            branches.id[k],
          );
        }
        parentOf.set(other, node);
        parentBranches.set(other, [k]);
        order.push(other);
      }
    }
    const vSlack = sub.vSet[sub.type.indexOf(2)];
    for (const node of order) {
      re[node] = vSlack * Math.cos(sub.slackAngleRad);
      im[node] = vSlack * Math.sin(sub.slackAngleRad);
    }
    // Current each node's parent branch delivers into it (complex), filled by the backward sweep.
    const intoRe = new Float64Array(nodeCount);
    const intoIm = new Float64Array(nodeCount);
    let converged = false;
    let change = Infinity;
    let sweeps = 0;
    while (sweeps < maxIterations) {
      sweeps++;
      // Backward: node demand current (loads, shunts) plus what its children's branches draw.
      for (let o = order.length - 1; o > 0; o--) {
        const node = order[o];
        const vr = re[node];
        const vi = im[node];
        const v2 = vr * vr + vi * vi;
        // Current drawn by the node = conj(-S_inj / V) + Y_shunt V
        const pDraw = -injections.p[node];
        const qDraw = -injections.q[node];
        let dRe = (pDraw * vr + qDraw * vi) / v2 + compiled.shuntG[node] * vr - compiled.shuntB[node] * vi;
        let dIm = (pDraw * vi - qDraw * vr) / v2 + compiled.shuntG[node] * vi + compiled.shuntB[node] * vr;
        const own = parentBranches.get(node)!;
        for (const k of incident[node]) {
          if (own.includes(k)) continue;
          const child = branches.fromNode[k] === node ? branches.toNode[k] : branches.fromNode[k];
          // Current the child branch takes at this node's end: from I = Y·V of the branch's two ends.
          const nodeIsFrom = branches.fromNode[k] === node;
          const [aRe, aIm, bRe, bIm] = nodeIsFrom
            ? [branches.yffRe[k], branches.yffIm[k], branches.yftRe[k], branches.yftIm[k]]
            : [branches.yttRe[k], branches.yttIm[k], branches.ytfRe[k], branches.ytfIm[k]];
          dRe += aRe * vr - aIm * vi + bRe * re[child] - bIm * im[child];
          dIm += aRe * vi + aIm * vr + bRe * im[child] + bIm * re[child];
        }
        intoRe[node] = dRe;
        intoIm[node] = dIm;
      }
      // Forward: each child's voltage from its parent's and the current its branch delivers into it.
      change = 0;
      for (let o = 1; o < order.length; o++) {
        const node = order[o];
        const parent = parentOf.get(node)!;
        // Current into the branches at the node's end is minus what they deliver into the node.
        const iRe = -intoRe[node];
        const iIm = -intoIm[node];
        let selfRe = 0;
        let selfIm = 0;
        let mutRe = 0;
        let mutIm = 0;
        for (const k of parentBranches.get(node)!) {
          const nodeIsTo = branches.toNode[k] === node;
          selfRe += nodeIsTo ? branches.yttRe[k] : branches.yffRe[k];
          selfIm += nodeIsTo ? branches.yttIm[k] : branches.yffIm[k];
          mutRe += nodeIsTo ? branches.ytfRe[k] : branches.yftRe[k];
          mutIm += nodeIsTo ? branches.ytfIm[k] : branches.yftIm[k];
        }
        // V_node = (I − Y_mutual V_parent) / Y_self
        const nRe = iRe - (mutRe * re[parent] - mutIm * im[parent]);
        const nIm = iIm - (mutRe * im[parent] + mutIm * re[parent]);
        const den = selfRe * selfRe + selfIm * selfIm;
        const vr = (nRe * selfRe + nIm * selfIm) / den;
        const vi = (nIm * selfRe - nRe * selfIm) / den;
        change = Math.max(change, Math.abs(vr - re[node]), Math.abs(vi - im[node]));
        re[node] = vr;
        im[node] = vi;
      }
      if (!Number.isFinite(change)) break;
      if (change < tolerance) {
        converged = true;
        break;
      }
    }
    if (!converged) throw new PowerFlowDivergedError(sub.name, sweeps, change, compiled.nodeName[slack]);
    iterations = Math.max(iterations, sweeps);
    for (const node of order) {
      state.vm[node] = Math.sqrt(re[node] * re[node] + im[node] * im[node]);
      state.va[node] = Math.atan2(im[node], re[node]);
    }
  }
  return { state, iterations };
}
