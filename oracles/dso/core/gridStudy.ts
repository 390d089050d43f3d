// One compiled network and the operations every DSO step needs on it: solve a slot with PoD powers changed,
// read the alarms, and measure how far each monitored element is from its limit ("stress", > 0 = violated).
import { compileNetwork, type CompiledNetwork } from "../../grid/compile";
import type { Network } from "../../grid/model";
import { locateBuses } from "../../grid/mapping";
import { solveSubnetwork } from "../../grid/newton";
import {
  elementPowers,
  nodeInjections,
  solveCompiled,
  type PowerFlowOptions,
  type PowerFlowResult,
  type VoltageState,
} from "../../grid/powerflow";
import { DsoInputError } from "../errors";
import type { Alarm, ForecastSlot, ViolationKind } from "./types";

/** A monitored limit: a branch current or a bus voltage bound. */
export interface Constraint {
  kind: ViolationKind;
  element: string;
  limit: number;
  unit: "A" | "pu";
}

export function constraintKey(c: { kind: ViolationKind; element: string }): string {
  return `${c.kind}:${c.element}`;
}

/**
 * Violations present in `after` that `before` did not have, or had clearly milder. A change elsewhere moves every
 * current a little (through the busbar voltage), so worsening an existing violation counts only beyond a
 * tolerance: by default 0.1 % of a current limit, 0.0005 pu of voltage.
 */
export function newOrWorse(before: Alarm[], after: Alarm[], toleranceFraction = 0.001): Alarm[] {
  const was = new Map(before.map((a) => [constraintKey(a), a]));
  return after.filter((a) => {
    const old = was.get(constraintKey(a));
    if (!old) return true;
    const tolerance = a.unit === "A" ? toleranceFraction * a.limit : toleranceFraction / 2;
    return a.kind === "undervoltage" ? a.value < old.value - tolerance : a.value > old.value + tolerance;
  });
}

export interface SlotSolution {
  result: PowerFlowResult;
  alarms: Alarm[];
}

export class GridStudy {
  readonly compiled: CompiledNetwork;
  private readonly branchPosition: Map<string, number>;
  private readonly busPosition: Map<string, number>;
  private readonly podsInModel: Set<string>;
  /** Last converged state, to warm-start the next solve (consecutive solves are small changes). */
  private warm: VoltageState | undefined;
  /** Solves run so far (for timings and tests). */
  solves = 0;

  constructor(
    network: Network | CompiledNetwork,
    private readonly options: PowerFlowOptions = {},
  ) {
    this.compiled = "subnetworks" in network ? network : compileNetwork(network);
    this.branchPosition = new Map(this.compiled.branches.id.map((id, i) => [id, i]));
    this.busPosition = new Map(this.compiled.network.buses.map((b, i) => [b.id, i]));
    this.podsInModel = new Set(
      [...this.compiled.network.loads, ...this.compiled.network.generators].flatMap((e) => (e.pod ? [e.pod] : [])),
    );
  }

  get network(): Network {
    return this.compiled.network;
  }

  hasPod(pod: string): boolean {
    return this.podsInModel.has(pod);
  }

  private busFeeder?: Map<string, string | null>;

  /** The MV feeder an element belongs to under the current switch states (null: the busbar, HV side or none). */
  feederOf(c: { kind: ViolationKind; element: string }): string | null {
    if (!this.busFeeder) {
      const { feeder } = locateBuses(this.network);
      this.busFeeder = new Map(this.network.buses.map((b, i) => [b.id, feeder[i]]));
    }
    if (c.kind !== "overload") return this.busFeeder.get(c.element) ?? null;
    const k = this.branchPosition.get(c.element);
    if (k === undefined) return null;
    const br = this.compiled.branches;
    return this.busFeeder.get(br.toBus[k]) ?? this.busFeeder.get(br.fromBus[k]) ?? null;
  }

  /** The last few solves: each step re-solves the point the previous one verified (same slot, same changes). */
  private readonly recent: { forecast: ForecastSlot; key: string; solution: SlotSolution }[] = [];
  private scratch?: {
    base: PowerFlowResult;
    injections: { p: Float64Array; q: Float64Array };
    baseP: Float64Array;
    baseQ: Float64Array;
    state: VoltageState;
  };
  /** Full solves run (the memo's hits not counted). */
  fullSolves = 0;

  /** Solves one forecast slot with `changesKw` added to the PoDs' forecast consumption. */
  solve(forecast: ForecastSlot, changesKw: Record<string, number> = {}): SlotSolution {
    const key = JSON.stringify(
      Object.entries(changesKw)
        .filter(([, v]) => v !== 0)
        .sort(),
    );
    const hit = this.recent.find((r) => r.forecast === forecast && r.key === key);
    if (hit) return hit.solution;
    const solution = this.solveUncached(forecast, changesKw);
    this.recent.unshift({ forecast, key, solution });
    if (this.recent.length > 8) this.recent.pop();
    return solution;
  }

  private solveUncached(forecast: ForecastSlot, changesKw: Record<string, number>): SlotSolution {
    const podsKw: Record<string, number> = { ...forecast.podsKw };
    for (const [pod, delta] of Object.entries(changesKw)) {
      if (!this.podsInModel.has(pod)) throw new DsoInputError(`PoD ${pod} is not in the network model`);
      podsKw[pod] = this.forecastPodKw(forecast, pod) + delta;
    }
    const powers = elementPowers(this.compiled, {
      podsKw,
      loadsKw: forecast.loadsKw,
      generatorsKw: forecast.generatorsKw,
    });
    this.solves++;
    this.fullSolves++;
    const result = solveCompiled(this.compiled, powers, {
      ...this.options,
      // Constraint values are read from the voltage state (valueOf), so the per-element tables are not built.
      detail: "summary",
      start: this.warm ? "warm" : "flat",
      initialState: this.warm,
    });
    this.warm = result.state;
    return {
      result,
      alarms: result.violations.map((v) => ({ slot: forecast.slot, ...v })),
    };
  }

  /** The PoD's forecast consumption: named in podsKw, else its load(s) in loadsKw, else the model's value. */
  forecastPodKw(forecast: ForecastSlot, pod: string): number {
    const named = forecast.podsKw[pod];
    if (named !== undefined) return named;
    const loads = this.compiled.podLoads.get(pod) ?? [];
    const source = forecast.loadsKw;
    return loads.reduce((sum, i) => {
      const load = this.compiled.network.loads[i];
      const value =
        source === undefined
          ? undefined
          : typeof (source as ArrayLike<number>).length === "number"
            ? (source as ArrayLike<number>)[i]
            : (source as Record<string, number>)[load.id];
      return sum + (value ?? load.pKw);
    }, 0);
  }

  /** Every monitored limit of the network (branches with an ampacity; bus voltage bands). */
  constraintOf(alarm: { kind: ViolationKind; element: string; limit: number; unit: "A" | "pu" }): Constraint {
    return { kind: alarm.kind, element: alarm.element, limit: alarm.limit, unit: alarm.unit };
  }

  /**
   * Scratch copies of an operating point (injections and voltages), made once per base solve: a perturbation moves
   * some PoDs' nodes, re-solves their subnetworks, and puts those back afterwards.
   */
  private prepareScratch(forecast: ForecastSlot, changesKw: Record<string, number>, base: PowerFlowResult): void {
    if (this.scratch?.base === base) return;
    const c = this.compiled;
    const podsKw: Record<string, number> = { ...forecast.podsKw };
    for (const [p, delta] of Object.entries(changesKw)) podsKw[p] = this.forecastPodKw(forecast, p) + delta;
    const injections = nodeInjections(
      c,
      elementPowers(c, { podsKw, loadsKw: forecast.loadsKw, generatorsKw: forecast.generatorsKw }),
    );
    this.scratch = {
      base,
      injections,
      baseP: injections.p.slice(),
      baseQ: injections.q.slice(),
      state: { vm: base.state.vm.slice(), va: base.state.va.slice() },
    };
  }

  /** Moves a PoD's node injection(s) by `deltaKw` of consumption (as elementPowers would); returns the nodes. */
  private shiftPod(injections: { p: Float64Array; q: Float64Array }, pod: string, deltaKw: number): number[] {
    const c = this.compiled;
    const scale = 1 / (1000 * c.baseMva);
    const touched: number[] = [];
    const loads = c.podLoads.get(pod);
    if (loads) {
      // The PoD's change split over its loads by model P, each keeping its power factor.
      const total = loads.reduce((sum, i) => sum + c.network.loads[i].pKw, 0);
      for (const i of loads) {
        const load = c.network.loads[i];
        const dP = total !== 0 ? (deltaKw * load.pKw) / total : deltaKw / loads.length;
        const dQ = load.pKw !== 0 ? (dP * load.qKvar) / load.pKw : 0;
        injections.p[c.loadNode[i]] -= dP * scale;
        injections.q[c.loadNode[i]] -= dQ * scale;
        touched.push(c.loadNode[i]);
      }
    } else {
      const gens = c.podGenerators.get(pod);
      if (!gens) throw new DsoInputError(`PoD ${pod} is not in the network model`);
      for (const i of gens) {
        injections.p[c.generatorNode[i]] -= (deltaKw / gens.length) * scale;
        touched.push(c.generatorNode[i]);
      }
    }
    return touched;
  }

  private elementsOfSubnetwork?: { branches: number[][]; buses: number[][] };

  /**
   * The alarms with `extraKw` added on top of an operating point (a solve of `forecast` with `changesKw`): only the
   * subnetworks of the changed PoDs are re-solved and checked, the others keep the operating point's alarms. What
   * traffic lights bisect on, so a city of perimeters does not cost a city-wide power flow per step.
   */
  localAlarms(
    forecast: ForecastSlot,
    changesKw: Record<string, number>,
    base: SlotSolution,
    extraKw: Record<string, number>,
  ): Alarm[] {
    const c = this.compiled;
    this.prepareScratch(forecast, changesKw, base.result);
    const { injections, baseP, baseQ, state } = this.scratch!;
    const touched: number[] = [];
    for (const [pod, delta] of Object.entries(extraKw))
      if (delta !== 0) touched.push(...this.shiftPod(injections, pod, delta));
    const subs = [...new Set(touched.map((node) => c.nodeSubnetwork[node]))];
    if (!this.elementsOfSubnetwork) {
      const branches: number[][] = c.subnetworks.map(() => []);
      const buses: number[][] = c.subnetworks.map(() => []);
      for (let k = 0; k < c.branches.count; k++) branches[c.nodeSubnetwork[c.branches.fromNode[k]]].push(k);
      c.network.buses.forEach((_, b) => buses[c.nodeSubnetwork[c.busNode[b]]].push(b));
      this.elementsOfSubnetwork = { branches, buses };
    }
    const limits = this.options.voltageLimits ?? { minPu: 0.9, maxPu: 1.1 };
    const alarms: Alarm[] = [];
    let converged = true;
    for (const s of subs) {
      this.solves++;
      const report = solveSubnetwork(c, c.subnetworks[s], injections, state, {
        tolerancePu: this.options.tolerancePu ?? 1e-8,
        maxIterations: this.options.maxIterations ?? 30,
      });
      converged &&= report.converged;
      for (const k of this.elementsOfSubnetwork.branches[s]) {
        const limit = this.governingLimitA(state.vm, state.va, k);
        if (limit <= 0) continue;
        const value = this.branchCurrentA(state.vm, state.va, k);
        if (value > limit)
          alarms.push({ slot: forecast.slot, kind: "overload", element: c.branches.id[k], value, limit, unit: "A" });
      }
      for (const b of this.elementsOfSubnetwork.buses[s]) {
        const bus = c.network.buses[b];
        const v = state.vm[c.busNode[b]];
        const vMin = bus.vMinPu ?? limits.minPu;
        const vMax = bus.vMaxPu ?? limits.maxPu;
        if (v < vMin)
          alarms.push({
            slot: forecast.slot,
            kind: "undervoltage",
            element: bus.id,
            value: v,
            limit: vMin,
            unit: "pu",
          });
        if (v > vMax)
          alarms.push({ slot: forecast.slot, kind: "overvoltage", element: bus.id, value: v, limit: vMax, unit: "pu" });
      }
    }
    for (const node of touched) {
      injections.p[node] = baseP[node];
      injections.q[node] = baseQ[node];
    }
    for (const s of subs)
      for (const node of c.subnetworks[s].nodes) {
        state.vm[node] = base.result.state.vm[node];
        state.va[node] = base.result.state.va[node];
      }
    if (!converged) throw new DsoInputError(`power flow diverged with ${JSON.stringify(extraKw)} kW added`);
    // Elements of untouched subnetworks keep the operating point's alarms.
    const inTouched = (a: Alarm) => {
      const k = a.kind === "overload" ? this.branchPosition.get(a.element) : undefined;
      const node = k !== undefined ? c.branches.fromNode[k] : c.busNode[this.busPosition.get(a.element) ?? -1];
      return node !== undefined && subs.includes(c.nodeSubnetwork[node]);
    };
    return [...base.alarms.filter((a) => !inTouched(a)), ...alarms];
  }

  /** The limit at the governing (more loaded relative to its limit) end of a branch, 0 when it has none. */
  private governingLimitA(vm: Float64Array, va: Float64Array, k: number): number {
    const br = this.compiled.branches;
    const lf = br.limitFromA[k];
    const lt = br.limitToA[k];
    if (lf <= 0 && lt <= 0) return 0;
    if (lf <= 0) return lt;
    if (lt <= 0) return lf;
    const i = this.branchCurrentA(vm, va, k);
    return Math.abs(i - this.endCurrentA(vm, va, k, "from")) < 1e-12 ? lf : lt;
  }

  private endCurrentA(vm: Float64Array, va: Float64Array, k: number, end: "from" | "to"): number {
    const br = this.compiled.branches;
    const f = br.fromNode[k];
    const t = br.toNode[k];
    const ef = vm[f] * Math.cos(va[f]);
    const ff = vm[f] * Math.sin(va[f]);
    const et = vm[t] * Math.cos(va[t]);
    const ft = vm[t] * Math.sin(va[t]);
    if (end === "from") {
      const re = br.yffRe[k] * ef - br.yffIm[k] * ff + br.yftRe[k] * et - br.yftIm[k] * ft;
      const im = br.yffRe[k] * ff + br.yffIm[k] * ef + br.yftRe[k] * ft + br.yftIm[k] * et;
      return Math.hypot(re, im) * br.baseCurrentFromA[k];
    }
    const re = br.ytfRe[k] * ef - br.ytfIm[k] * ff + br.yttRe[k] * et - br.yttIm[k] * ft;
    const im = br.ytfRe[k] * ff + br.ytfIm[k] * ef + br.yttRe[k] * ft + br.yttIm[k] * et;
    return Math.hypot(re, im) * br.baseCurrentToA[k];
  }

  /**
   * Stress of `constraints` with one PoD changed by `stepKw` from an operating point (a solve of the same forecast
   * and changes): only the PoD's subnetwork (its primary substation) is re-solved, warm from the operating point,
   * which is what makes sensitivities affordable on a city-scale network.
   */
  perturbedStress(
    forecast: ForecastSlot,
    changesKw: Record<string, number>,
    base: PowerFlowResult,
    pod: string,
    stepKw: number,
    constraints: Constraint[],
  ): number[] {
    const c = this.compiled;
    this.prepareScratch(forecast, changesKw, base);
    const { injections, baseP, baseQ, state } = this.scratch!;
    const touched = this.shiftPod(injections, pod, stepKw);
    const sub = c.subnetworks[c.nodeSubnetwork[touched[0]]];
    this.solves++;
    const report = solveSubnetwork(c, sub, injections, state, {
      tolerancePu: this.options.tolerancePu ?? 1e-8,
      maxIterations: this.options.maxIterations ?? 30,
    });
    const stress = constraints.map((x) => this.stressAt(state.vm, state.va, x));
    for (const node of touched) {
      injections.p[node] = baseP[node];
      injections.q[node] = baseQ[node];
    }
    for (const node of sub.nodes) {
      state.vm[node] = base.state.vm[node];
      state.va[node] = base.state.va[node];
    }
    if (!report.converged) throw new DsoInputError(`power flow diverged with PoD ${pod} changed by ${stepKw} kW`);
    return stress;
  }

  /** The monitored value of a constraint in a result (A for branches, pu for buses), from its voltage state. */
  valueOf(result: PowerFlowResult, c: Constraint): number {
    return this.valueAt(result.state.vm, result.state.va, c);
  }

  private stressAt(vm: Float64Array, va: Float64Array, c: Constraint): number {
    const v = this.valueAt(vm, va, c);
    return c.kind === "undervoltage" ? c.limit - v : v - c.limit;
  }

  private valueAt(vm: Float64Array, va: Float64Array, c: Constraint): number {
    if (c.kind === "overload") {
      const k = this.branchPosition.get(c.element);
      if (k === undefined) throw new DsoInputError(`unknown branch ${c.element}`);
      return this.branchCurrentA(vm, va, k);
    }
    const b = this.busPosition.get(c.element);
    if (b === undefined) throw new DsoInputError(`unknown bus ${c.element}`);
    return vm[this.compiled.busNode[b]];
  }

  /** The current at the more loaded end of a branch (relative to each end's limit), as the grid engine reports it. */
  private branchCurrentA(vm: Float64Array, va: Float64Array, k: number): number {
    const br = this.compiled.branches;
    const f = br.fromNode[k];
    const t = br.toNode[k];
    const ef = vm[f] * Math.cos(va[f]);
    const ff = vm[f] * Math.sin(va[f]);
    const et = vm[t] * Math.cos(va[t]);
    const ft = vm[t] * Math.sin(va[t]);
    const ifRe = br.yffRe[k] * ef - br.yffIm[k] * ff + br.yftRe[k] * et - br.yftIm[k] * ft;
    const ifIm = br.yffRe[k] * ff + br.yffIm[k] * ef + br.yftRe[k] * ft + br.yftIm[k] * et;
    const itRe = br.ytfRe[k] * ef - br.ytfIm[k] * ff + br.yttRe[k] * et - br.yttIm[k] * ft;
    const itIm = br.ytfRe[k] * ff + br.ytfIm[k] * ef + br.yttRe[k] * ft + br.yttIm[k] * et;
    const iFrom = Math.hypot(ifRe, ifIm) * br.baseCurrentFromA[k];
    const iTo = Math.hypot(itRe, itIm) * br.baseCurrentToA[k];
    const lf = br.limitFromA[k];
    const lt = br.limitToA[k];
    if (lf <= 0 && lt <= 0) return Math.max(iFrom, iTo);
    const loadFrom = lf > 0 ? iFrom / lf : 0;
    const loadTo = lt > 0 ? iTo / lt : 0;
    return loadFrom >= loadTo ? iFrom : iTo;
  }

  /** How far past its limit a constraint is (> 0 violated), in its own unit. */
  stressOf(result: PowerFlowResult, c: Constraint): number {
    return this.stressAt(result.state.vm, result.state.va, c);
  }
}
