// Sensitivities of bus voltages and branch currents to P and Q injections at chosen buses or PoDs, from the
// power-flow Jacobian at the solved operating point (one factorisation, one sparse solve per injection): what
// the DSO oracle uses to size flexibility requests and to validate awards.
import { compileNetwork, NodeType, type CompiledNetwork } from "./compile";
import { GridModelError } from "./errors";
import type { Network } from "./model";
import { factorisedJacobian } from "./newton";
import {
  elementPowers,
  solveCompiled,
  type PowerFlowOptions,
  type PowerFlowResult,
  type SlotInjections,
} from "./powerflow";
import { blockLuSolve } from "./sparse/blockLu";

export interface InjectionSensitivity {
  /** Bus of the injection, and the PoDs attached there when the target was given as a PoD. */
  bus: string;
  pods: string[];
  /**
   * Per bus (in network.buses order): change of |V| in pu per kW (resp. kvar) of extra INJECTION at `bus`.
   * A PoD raising its consumption by x kW is an injection of −x kW.
   */
  dVdPPuPerKw: Float64Array;
  dVdQPuPerKvar: Float64Array;
  /** Per branch (in result.branches order): change of the governing end's current, A per kW (kvar) injected. */
  dIdPAPerKw: Float64Array;
  dIdQAPerKvar: Float64Array;
}

export interface SensitivityReport {
  result: PowerFlowResult;
  busIds: string[];
  branchIds: string[];
  injections: InjectionSensitivity[];
}

export interface SensitivityRequest {
  buses?: string[];
  pods?: string[];
  /** Operating point: the slot's loads and generation (default: the network's own values). */
  slot?: SlotInjections;
  options?: PowerFlowOptions;
}

/** Solves the operating point and returns voltage and current sensitivities to each requested injection. */
export function computeSensitivities(
  network: Network | CompiledNetwork,
  request: SensitivityRequest,
): SensitivityReport {
  const compiled = "subnetworks" in network ? network : compileNetwork(network);
  const result = solveCompiled(compiled, elementPowers(compiled, request.slot), { ...request.options, detail: "full" });
  const state = result.state;
  const { busIndex, busNode, nodeSubnetwork, nodeLocal, branches, baseMva } = compiled;
  const net = compiled.network;

  const targets = new Map<string, string[]>();
  for (const bus of request.buses ?? []) {
    if (!busIndex.has(bus))
      throw new GridModelError(`sensitivity requested at unknown bus "${bus}"`, bus, "GRID_UNKNOWN_BUS");
    if (!targets.has(bus)) targets.set(bus, []);
  }
  for (const pod of request.pods ?? []) {
    const element = net.loads.find((l) => l.pod === pod) ?? net.generators.find((g) => g.pod === pod);
    if (!element) throw new GridModelError(`no load or generator carries PoD ${pod}`, pod, "GRID_UNKNOWN_POD");
    targets.set(element.bus, [...(targets.get(element.bus) ?? []), pod]);
  }

  // Rectangular voltages and base-point branch currents (to pick each branch's governing end).
  const re = Float64Array.from(state.vm, (v, n) => v * Math.cos(state.va[n]));
  const im = Float64Array.from(state.vm, (v, n) => v * Math.sin(state.va[n]));
  const jacobians = new Map<number, ReturnType<typeof factorisedJacobian>>();
  const perKw = 1 / (1000 * baseMva);

  const injections: InjectionSensitivity[] = [];
  for (const [bus, pods] of targets) {
    const node = busNode[busIndex.get(bus)!];
    const s = nodeSubnetwork[node];
    const sub = compiled.subnetworks[s];
    const local = nodeLocal[node];
    let jacobian = jacobians.get(s);
    if (!jacobian) {
      jacobian = factorisedJacobian(sub, state);
      jacobians.set(s, jacobian);
    }
    const respond = (row: number) => {
      // dθ, d|V| of every node of the subnetwork for 1 kW (kvar) injected at the target.
      const dTheta = new Float64Array(compiled.nodeCount);
      const dV = new Float64Array(compiled.nodeCount);
      if (row >= 0) {
        const rhs = new Float64Array(sub.unknowns);
        rhs[row] = perKw;
        const dx = blockLuSolve(jacobian!.lu, rhs);
        sub.nodes.forEach((n, i) => {
          if (sub.thetaIndex[i] >= 0) dTheta[n] = dx[sub.thetaIndex[i]];
          if (sub.vIndex[i] >= 0) dV[n] = dx[sub.vIndex[i]];
        });
      }
      const perBus = Float64Array.from(net.buses, (_b, i) => dV[busNode[i]]);
      const perBranch = new Float64Array(branches.count);
      result.branches.forEach((br, k) => {
        const f = branches.fromNode[k];
        const t = branches.toNode[k];
        if (nodeSubnetwork[f] !== s) return;
        // dV (complex) = e^{jθ}(d|V| + j|V| dθ) = (d|V|/|V|) V + j dθ V
        const dVRe = (n: number) => (dV[n] / state.vm[n]) * re[n] - dTheta[n] * im[n];
        const dVIm = (n: number) => (dV[n] / state.vm[n]) * im[n] + dTheta[n] * re[n];
        // The same end as the result's loading: the more loaded one against its own limit (from when unlimited).
        const loadFrom = branches.limitFromA[k] > 0 ? br.iFromA / branches.limitFromA[k] : 0;
        const loadTo = branches.limitToA[k] > 0 ? br.iToA / branches.limitToA[k] : 0;
        const fromEnd = loadFrom >= loadTo;
        const [yaRe, yaIm, ybRe, ybIm, base] = fromEnd
          ? [branches.yffRe[k], branches.yffIm[k], branches.yftRe[k], branches.yftIm[k], branches.baseCurrentFromA[k]]
          : [branches.ytfRe[k], branches.ytfIm[k], branches.yttRe[k], branches.yttIm[k], branches.baseCurrentToA[k]];
        const iRe = yaRe * re[f] - yaIm * im[f] + ybRe * re[t] - ybIm * im[t];
        const iIm = yaRe * im[f] + yaIm * re[f] + ybRe * im[t] + ybIm * re[t];
        const dIRe = yaRe * dVRe(f) - yaIm * dVIm(f) + ybRe * dVRe(t) - ybIm * dVIm(t);
        const dIIm = yaRe * dVIm(f) + yaIm * dVRe(f) + ybRe * dVIm(t) + ybIm * dVRe(t);
        const magnitude = Math.sqrt(iRe * iRe + iIm * iIm);
        perBranch[k] = magnitude > 0 ? ((iRe * dIRe + iIm * dIIm) / magnitude) * base : 0;
      });
      return { perBus, perBranch };
    };
    const isSlack = sub.type[local] === NodeType.Slack;
    const p = respond(isSlack ? -1 : sub.thetaIndex[local]);
    const q = respond(isSlack ? -1 : sub.vIndex[local]);
    injections.push({
      bus,
      pods,
      dVdPPuPerKw: p.perBus,
      dVdQPuPerKvar: q.perBus,
      dIdPAPerKw: p.perBranch,
      dIdQAPerKvar: q.perBranch,
    });
  }
  return {
    result,
    busIds: net.buses.map((b) => b.id),
    branchIds: result.branches.map((b) => b.id),
    injections,
  };
}
