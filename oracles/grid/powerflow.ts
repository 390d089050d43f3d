// Public power-flow API: one solve (solvePowerFlow) or a day of 96 slots on one compiled network (solveBatch),
// results per bus and branch in physical units, losses, and violations of ampacity and voltage limits.
import { compileNetwork, NodeType, type CompiledNetwork } from "./compile";
import { GridModelError, PowerFlowDivergedError } from "./errors";
import type { Network } from "./model";
import {
  powerAt,
  releaseVoltage,
  solveSubnetwork,
  type ConvergenceReport,
  type Injections,
  type VoltageState,
} from "./newton";

export type { ConvergenceReport, Injections, VoltageState } from "./newton";

export interface VoltageLimits {
  minPu: number;
  maxPu: number;
}

export interface PowerFlowOptions {
  /** Largest P/Q mismatch accepted, pu on the system base (MATPOWER's default 1e-8). */
  tolerancePu?: number;
  maxIterations?: number;
  /**
   * "flat" starts every PQ bus at 1 pu and the slack angle; "warm" starts from `initialState`; "case" starts
   * from the voltages stored in the model (buses' vStartPu/angleStartDeg, as MATPOWER's runpf does).
   */
  start?: "flat" | "warm" | "case";
  initialState?: VoltageState;
  /** Default voltage band when a bus gives none (default ±10 %). */
  voltageLimits?: VoltageLimits;
  /** "throw" (default) raises PowerFlowDivergedError; "report" returns converged: false and no bus values. */
  onDivergence?: "throw" | "report";
  /** "full" (default) lists every bus and branch; "summary" keeps totals, extremes and violations only. */
  detail?: "full" | "summary";
  /** Linear solver of the Newton steps: "sparse" (default) or "dense" (a benchmark reference only). */
  linearSolver?: "sparse" | "dense";
  /**
   * "enforce" (default): a voltage-holding generator whose reactive output leaves [qMinKvar, qMaxKvar] is held at
   * the limit and its bus becomes PQ, then the subnetwork is solved again (MATPOWER's pf.enforce_q_lims = 1, all
   * violators at once, no switching back; the slack is never limited). "ignore" solves with set points only
   * (MATPOWER's default).
   */
  reactiveLimits?: "enforce" | "ignore";
}

export interface BusResult {
  id: string;
  nominalKv: number;
  vPu: number;
  vKv: number;
  angleDeg: number;
  /** Load and generation at the bus (load convention for loads); slack/PV outputs included. */
  pLoadKw: number;
  qLoadKvar: number;
  pGenKw: number;
  qGenKvar: number;
}

export interface BranchResult {
  id: string;
  kind: "line" | "transformer";
  from: string;
  to: string;
  pFromKw: number;
  qFromKvar: number;
  pToKw: number;
  qToKvar: number;
  iFromA: number;
  iToA: number;
  /** The limit at the more loaded end (A); 0 when the branch has none. */
  limitA: number;
  loadingPercent: number;
  pLossKw: number;
  qLossKvar: number;
}

export interface Violation {
  kind: "overload" | "undervoltage" | "overvoltage";
  element: string;
  value: number;
  limit: number;
  unit: "A" | "pu";
}

export interface PowerFlowTotals {
  loadKw: number;
  loadKvar: number;
  /** All generation, slack included. */
  generationKw: number;
  generationKvar: number;
  slackKw: number;
  slackKvar: number;
  shuntKw: number;
  shuntKvar: number;
  lossKw: number;
  lossKvar: number;
}

export interface PowerFlowResult {
  converged: boolean;
  iterations: number;
  maxMismatchPu: number;
  subnetworks: ConvergenceReport[];
  buses: BusResult[];
  branches: BranchResult[];
  totals: PowerFlowTotals;
  minVoltage: { bus: string; vPu: number };
  maxVoltage: { bus: string; vPu: number };
  maxLoading: { branch: string; loadingPercent: number; currentA: number };
  violations: Violation[];
  /** Node voltages, to warm-start the next solve of the same compiled network. */
  state: VoltageState;
  /** Buses whose generators hit a reactive limit and stopped holding their voltage (PV → PQ), with the limit. */
  reactiveLimitHits: { bus: string; limit: "min" | "max"; qKvar: number }[];
}

/** Per-slot changes to the network's loads and generators; anything not named keeps its model value. */
export interface SlotInjections {
  /** Active power per load id (kW, consumption), or an array aligned with network.loads. */
  loadsKw?: Record<string, number> | ArrayLike<number>;
  /** Reactive power per load id; a load given only P keeps its own power factor. */
  loadsKvar?: Record<string, number> | ArrayLike<number>;
  generatorsKw?: Record<string, number> | ArrayLike<number>;
  generatorsKvar?: Record<string, number> | ArrayLike<number>;
  /** Net consumption per PoD in kW (load convention), applied to the load(s) that carry the PoD. */
  podsKw?: Record<string, number>;
}

const defaults = {
  tolerancePu: 1e-8,
  maxIterations: 30,
  voltageLimits: { minPu: 0.9, maxPu: 1.1 },
};

function valueFor(
  source: Record<string, number> | ArrayLike<number> | undefined,
  index: number,
  id: string,
): number | undefined {
  if (!source) return undefined;
  if (typeof (source as ArrayLike<number>).length === "number") return (source as ArrayLike<number>)[index];
  return (source as Record<string, number>)[id];
}

/** Load and generation per element (kW, kvar) after applying a slot's changes. */
export interface ElementPowers {
  loadP: Float64Array;
  loadQ: Float64Array;
  genP: Float64Array;
  genQ: Float64Array;
}

const isArrayLike = (v: unknown): v is ArrayLike<number> => typeof (v as ArrayLike<number>).length === "number";

/** Loads' model values as typed arrays, built once per compiled network. */
const loadModels = new WeakMap<
  CompiledNetwork,
  { pKw: Float64Array; tanPhi: Float64Array; qFixed: Float64Array; inService: Uint8Array }
>();
function loadModelOf(compiled: CompiledNetwork) {
  let model = loadModels.get(compiled);
  if (!model) {
    const loads = compiled.network.loads;
    model = {
      pKw: Float64Array.from(loads, (l) => l.pKw),
      // q/p as the model gives it, so a load given only P keeps its power factor (same arithmetic order as q·p/p).
      tanPhi: Float64Array.from(loads, (l) => (l.pKw !== 0 ? l.qKvar / l.pKw : 0)),
      qFixed: Float64Array.from(loads, (l) => l.qKvar),
      inService: Uint8Array.from(loads, (l) => (l.inService ? 1 : 0)),
    };
    loadModels.set(compiled, model);
  }
  return model;
}

export function elementPowers(compiled: CompiledNetwork, slot: SlotInjections = {}): ElementPowers {
  const { network } = compiled;
  const loadP = new Float64Array(network.loads.length);
  const loadQ = new Float64Array(network.loads.length);
  const genP = new Float64Array(network.generators.length);
  const genQ = new Float64Array(network.generators.length);
  const loads = network.loads;
  const model = loadModelOf(compiled);
  const pGiven = slot.loadsKw;
  if (pGiven && isArrayLike(pGiven) && slot.loadsKvar === undefined) {
    // The batch's common case (96 forecast arrays): no id lookups, no objects touched.
    const { pKw: modelP, tanPhi, qFixed, inService } = model;
    for (let i = 0; i < loadP.length; i++) {
      if (inService[i] === 0) continue;
      const pKw = pGiven[i] ?? modelP[i];
      loadP[i] = pKw;
      loadQ[i] = modelP[i] !== 0 ? tanPhi[i] * pKw : qFixed[i];
    }
  } else
    for (let i = 0; i < loads.length; i++) {
      const load = loads[i];
      if (!load.inService) continue;
      const pKw = valueFor(slot.loadsKw, i, load.id) ?? load.pKw;
      loadP[i] = pKw;
      // A load given only P keeps its power factor.
      loadQ[i] = valueFor(slot.loadsKvar, i, load.id) ?? (load.pKw !== 0 ? (load.qKvar * pKw) / load.pKw : load.qKvar);
    }
  const generators = network.generators;
  for (let i = 0; i < generators.length; i++) {
    const gen = generators[i];
    if (!gen.inService) continue;
    genP[i] = valueFor(slot.generatorsKw, i, gen.id) ?? gen.pKw;
    genQ[i] = valueFor(slot.generatorsKvar, i, gen.id) ?? gen.qKvar;
  }
  if (slot.podsKw) {
    for (const [pod, netKw] of Object.entries(slot.podsKw)) {
      const podLoads = compiled.podLoads.get(pod);
      const podGens = compiled.podGenerators.get(pod);
      if (podLoads) {
        // The PoD's net consumption goes to its load(s), split in proportion to their model values.
        const total = podLoads.reduce((s, i) => s + loads[i].pKw, 0);
        for (const i of podLoads) {
          const share = total !== 0 ? loads[i].pKw / total : 1 / podLoads.length;
          const pKw = netKw * share;
          loadP[i] = pKw;
          loadQ[i] = loads[i].pKw !== 0 ? (loads[i].qKvar * pKw) / loads[i].pKw : loads[i].qKvar;
        }
      } else if (podGens) {
        // A PoD with no load element is a pure producer: its net consumption is minus its generation.
        for (const i of podGens) genP[i] = -netKw / podGens.length;
      } else
        throw new GridModelError(`slot names PoD ${pod}, which no load or generator carries`, pod, "GRID_UNKNOWN_POD");
    }
  }
  return { loadP, loadQ, genP, genQ };
}

/** Net injection (generation − load) per node in pu. */
export function nodeInjections(compiled: CompiledNetwork, powers: ElementPowers): Injections {
  const { loadNode, generatorNode, baseMva, nodeCount } = compiled;
  const p = new Float64Array(nodeCount);
  const q = new Float64Array(nodeCount);
  const scale = 1 / (1000 * baseMva);
  for (let i = 0; i < loadNode.length; i++) {
    p[loadNode[i]] -= powers.loadP[i] * scale;
    q[loadNode[i]] -= powers.loadQ[i] * scale;
  }
  for (let i = 0; i < generatorNode.length; i++) {
    p[generatorNode[i]] += powers.genP[i] * scale;
    q[generatorNode[i]] += powers.genQ[i] * scale;
  }
  return { p, q };
}

export function flatState(compiled: CompiledNetwork): VoltageState {
  const vm = new Float64Array(compiled.nodeCount).fill(1);
  const va = compiled.flatAngle.slice();
  return { vm, va };
}

/** The operating point stored in the model (flat where a bus stores none). */
export function caseState(compiled: CompiledNetwork): VoltageState {
  const state = flatState(compiled);
  compiled.network.buses.forEach((bus, b) => {
    const node = compiled.busNode[b];
    if (bus.vStartPu !== undefined) state.vm[node] = bus.vStartPu;
    if (bus.angleStartDeg !== undefined) state.va[node] = (bus.angleStartDeg * Math.PI) / 180;
  });
  return state;
}

/** Solves a compiled network for given element powers; the core of both the single and the batch API. */
export function solveCompiled(
  compiled: CompiledNetwork,
  powers: ElementPowers,
  options: PowerFlowOptions = {},
): PowerFlowResult {
  const tolerancePu = options.tolerancePu ?? defaults.tolerancePu;
  const maxIterations = options.maxIterations ?? defaults.maxIterations;
  const state: VoltageState =
    options.start === "warm" && options.initialState
      ? { vm: options.initialState.vm.slice(), va: options.initialState.va.slice() }
      : options.start === "case"
        ? caseState(compiled)
        : flatState(compiled);
  const injections = nodeInjections(compiled, powers);
  const newton = {
    tolerancePu,
    maxIterations,
    linearSolver: options.linearSolver,
    reuseFactorisation: options.start === "warm" && options.initialState !== undefined,
  };
  const reports = compiled.subnetworks.map((sub) => solveSubnetwork(compiled, sub, injections, state, newton));
  let hits: PowerFlowResult["reactiveLimitHits"] = [];
  if ((options.reactiveLimits ?? "enforce") === "enforce" && compiled.network.generators.some(hasReactiveLimit))
    hits = enforceReactiveLimits(compiled, powers, injections, state, reports, newton);
  const failed = reports.find((r) => !r.converged);
  if (failed && (options.onDivergence ?? "throw") === "throw")
    throw new PowerFlowDivergedError(
      failed.subnetwork,
      failed.iterations,
      failed.maxMismatchPu,
      failed.worstBus,
      failed.failure,
    );
  const result = buildResult(compiled, powers, injections, state, reports, options);
  result.reactiveLimitHits = hits;
  return result;
}

const hasReactiveLimit = (g: Network["generators"][number]) =>
  g.inService && g.vSetPu !== undefined && (g.qMinKvar !== undefined || g.qMaxKvar !== undefined);

/**
 * PV → PQ switching: after a converged solve, every PV node whose generators' reactive output is outside the sum
 * of their limits is held at that limit as a PQ node and its subnetwork solved again, until none is outside.
 * `reports` is updated in place; the compiled node types are restored before returning.
 */
function enforceReactiveLimits(
  compiled: CompiledNetwork,
  powers: ElementPowers,
  injections: Injections,
  state: VoltageState,
  reports: ConvergenceReport[],
  newton: { tolerancePu: number; maxIterations: number; linearSolver?: "sparse" | "dense" },
): PowerFlowResult["reactiveLimitHits"] {
  const scale = 1 / (1000 * compiled.baseMva);
  // Per node: the PV generators' specified Q (replaced by the computed output) and their summed limits.
  const qMin = new Map<number, number>();
  const qMax = new Map<number, number>();
  const specifiedQ = new Map<number, number>();
  compiled.network.generators.forEach((g, i) => {
    if (!g.inService || g.vSetPu === undefined) return;
    const node = compiled.generatorNode[i];
    qMin.set(node, (qMin.get(node) ?? 0) + (g.qMinKvar ?? -Infinity) * scale);
    qMax.set(node, (qMax.get(node) ?? 0) + (g.qMaxKvar ?? Infinity) * scale);
    specifiedQ.set(node, (specifiedQ.get(node) ?? 0) + powers.genQ[i] * scale);
  });
  const solveQ = injections.q.slice();
  const restore: (() => void)[] = [];
  const hits: PowerFlowResult["reactiveLimitHits"] = [];
  try {
    for (let round = 0; round < 50; round++) {
      let changed = false;
      compiled.subnetworks.forEach((sub, s) => {
        if (!reports[s].converged) return;
        let violated = false;
        for (let i = 0; i < sub.nodes.length; i++) {
          if (sub.type[i] !== NodeType.PV) continue;
          const node = sub.nodes[i];
          const lo = qMin.get(node);
          const hi = qMax.get(node);
          if (lo === undefined || hi === undefined) continue;
          // Generator output = what the node injects minus the other (load, PQ generator) injections there.
          const output = powerAt(sub, state, i).q - (injections.q[node] - specifiedQ.get(node)!);
          const tolerance = 1e-9;
          const limit = output > hi + tolerance ? hi : output < lo - tolerance ? lo : undefined;
          if (limit === undefined) continue;
          restore.push(releaseVoltage(sub, i));
          solveQ[node] = injections.q[node] - specifiedQ.get(node)! + limit;
          hits.push({ bus: compiled.nodeName[node], limit: limit === hi ? "max" : "min", qKvar: limit / scale });
          violated = true;
        }
        if (violated) {
          changed = true;
          const previous = reports[s].iterations;
          reports[s] = solveSubnetwork(compiled, sub, { p: injections.p, q: solveQ }, state, newton);
          reports[s] = { ...reports[s], iterations: reports[s].iterations + previous };
        }
      });
      if (!changed) break;
    }
  } finally {
    for (const undo of restore.reverse()) undo();
  }
  return hits;
}

/** Compiles, validates and solves a network once. */
export function solvePowerFlow(network: Network, options: PowerFlowOptions = {}): PowerFlowResult {
  const compiled = compileNetwork(network);
  return solveCompiled(compiled, elementPowers(compiled), options);
}

/**
 * Solves consecutive slots (e.g. the 96 of a market day) on one compiled network: Ybus, Jacobian pattern and
 * symbolic LU are built once, and each slot starts from the previous slot's voltages.
 */
export function solveBatch(
  network: Network | CompiledNetwork,
  slots: SlotInjections[],
  options: PowerFlowOptions = {},
): PowerFlowResult[] {
  const compiled = "subnetworks" in network ? network : compileNetwork(network);
  const results: PowerFlowResult[] = [];
  let previous: VoltageState | undefined = options.start === "warm" ? options.initialState : undefined;
  for (const slot of slots) {
    const result = solveCompiled(compiled, elementPowers(compiled, slot), {
      ...options,
      start: previous ? "warm" : "flat",
      initialState: previous,
    });
    results.push(result);
    // A slot that did not converge is a poor starting point: the next one starts flat.
    previous = result.converged ? result.state : undefined;
  }
  return results;
}

/** Per-network work arrays reused by every result of a batch (the results copy what they keep). */
const scratches = new WeakMap<CompiledNetwork, Record<string, Float64Array>>();
function scratchOf(compiled: CompiledNetwork) {
  let scratch = scratches.get(compiled);
  if (!scratch) {
    const buses = compiled.network.buses.length;
    const nodes = compiled.nodeCount;
    scratch = {
      busLoadP: new Float64Array(buses),
      busLoadQ: new Float64Array(buses),
      busGenP: new Float64Array(buses),
      busGenQ: new Float64Array(buses),
      specifiedPvQ: new Float64Array(nodes),
      re: new Float64Array(nodes),
      im: new Float64Array(nodes),
    };
    scratches.set(compiled, scratch);
  } else for (const array of Object.values(scratch)) array.fill(0);
  return scratch as Record<
    "busLoadP" | "busLoadQ" | "busGenP" | "busGenQ" | "specifiedPvQ" | "re" | "im",
    Float64Array
  >;
}

function buildResult(
  compiled: CompiledNetwork,
  powers: ElementPowers,
  injections: Injections,
  state: VoltageState,
  reports: ConvergenceReport[],
  options: PowerFlowOptions,
): PowerFlowResult {
  const { network, branches, busNode, baseMva } = compiled;
  const converged = reports.every((r) => r.converged);
  const iterations = Math.max(0, ...reports.map((r) => r.iterations));
  const maxMismatchPu = Math.max(0, ...reports.map((r) => r.maxMismatchPu));
  const totals: PowerFlowTotals = {
    loadKw: 0,
    loadKvar: 0,
    generationKw: 0,
    generationKvar: 0,
    slackKw: 0,
    slackKvar: 0,
    shuntKw: 0,
    shuntKvar: 0,
    lossKw: 0,
    lossKvar: 0,
  };
  const empty: PowerFlowResult = {
    converged,
    iterations,
    maxMismatchPu,
    subnetworks: reports,
    buses: [],
    branches: [],
    totals,
    minVoltage: { bus: "", vPu: NaN },
    maxVoltage: { bus: "", vPu: NaN },
    maxLoading: { branch: "", loadingPercent: NaN, currentA: NaN },
    violations: [],
    state,
    reactiveLimitHits: [],
  };
  if (!converged) return empty;
  const full = (options.detail ?? "full") === "full";
  const kw = baseMva * 1000;

  // Loads and generation as specified, then the slack's and PV generators' computed outputs.
  const { busLoadP, busLoadQ, busGenP, busGenQ, specifiedPvQ, re, im } = scratchOf(compiled);
  for (let i = 0; i < compiled.loadBus.length; i++) {
    busLoadP[compiled.loadBus[i]] += powers.loadP[i];
    busLoadQ[compiled.loadBus[i]] += powers.loadQ[i];
  }

  // Generators holding a voltage: their reactive output is a result, so their specified Q is left out.
  const pvBusOfNode = new Map<number, number>();
  network.generators.forEach((gen, i) => {
    const b = compiled.generatorBus[i];
    busGenP[b] += powers.genP[i];
    if (gen.inService && gen.vSetPu !== undefined) {
      pvBusOfNode.set(busNode[b], b);
      specifiedPvQ[busNode[b]] += powers.genQ[i] / kw;
    } else busGenQ[b] += powers.genQ[i];
  });
  for (let b = 0; b < network.buses.length; b++) {
    totals.loadKw += busLoadP[b];
    totals.loadKvar += busLoadQ[b];
  }
  // Slack and PV nodes: what the network draws there beyond the specified injections is their output.
  const slackBusOfNode = new Map(network.slacks.map((s) => [busNode[compiled.busIndex.get(s.bus)!], s.bus]));
  for (const sub of compiled.subnetworks) {
    const nodes = sub.nodes;
    for (let i = 0; i < nodes.length; i++) {
      if (sub.type[i] === 0) continue;
      const node = nodes[i];
      const slackBus = slackBusOfNode.get(node);
      const pvBus = pvBusOfNode.get(node);
      if (slackBus === undefined && pvBus === undefined) continue;
      const computed = powerAt(sub, state, i);
      const dq = (computed.q - injections.q[node] + specifiedPvQ[node]) * kw;
      if (slackBus !== undefined) {
        const dp = (computed.p - injections.p[node]) * kw;
        const b = compiled.busIndex.get(slackBus)!;
        busGenP[b] += dp;
        busGenQ[b] += dq;
        totals.slackKw += dp;
        totals.slackKvar += dq;
      } else busGenQ[pvBus!] += dq;
    }
  }
  for (let b = 0; b < network.buses.length; b++) {
    totals.generationKw += busGenP[b];
    totals.generationKvar += busGenQ[b];
  }
  for (let node = 0; node < compiled.nodeCount; node++) {
    const v2 = state.vm[node] * state.vm[node];
    totals.shuntKw += compiled.shuntG[node] * v2 * kw;
    totals.shuntKvar -= compiled.shuntB[node] * v2 * kw;
  }

  const limits = options.voltageLimits ?? defaults.voltageLimits;
  const violations: Violation[] = [];
  const buses: BusResult[] = [];
  const { busVMin, busVMax } = compiled;
  let minBus = 0;
  let maxBus = 0;
  const busList = network.buses;
  for (let b = 0; b < busList.length; b++) {
    const bus = busList[b];
    const node = busNode[b];
    const vPu = state.vm[node];
    if (vPu < state.vm[busNode[minBus]]) minBus = b;
    if (vPu > state.vm[busNode[maxBus]]) maxBus = b;
    const vMin = Number.isNaN(busVMin[b]) ? limits.minPu : busVMin[b];
    const vMax = Number.isNaN(busVMax[b]) ? limits.maxPu : busVMax[b];
    if (vPu < vMin) violations.push({ kind: "undervoltage", element: bus.id, value: vPu, limit: vMin, unit: "pu" });
    if (vPu > vMax) violations.push({ kind: "overvoltage", element: bus.id, value: vPu, limit: vMax, unit: "pu" });
    if (full)
      buses.push({
        id: bus.id,
        nominalKv: bus.nominalKv,
        vPu,
        vKv: vPu * bus.nominalKv,
        angleDeg: (state.va[node] * 180) / Math.PI,
        pLoadKw: busLoadP[b],
        qLoadKvar: busLoadQ[b],
        pGenKw: busGenP[b],
        qGenKvar: busGenQ[b],
      });
  }
  const minV = { bus: busList[minBus].id, vPu: state.vm[busNode[minBus]] };
  const maxV = { bus: busList[maxBus].id, vPu: state.vm[busNode[maxBus]] };

  const branchResults: BranchResult[] = [];
  let maxLoading = { branch: "", loadingPercent: -Infinity, currentA: 0 };
  // Rectangular node voltages once, rather than trigonometry per branch end.
  for (let node = 0; node < compiled.nodeCount; node++) {
    re[node] = state.vm[node] * Math.cos(state.va[node]);
    im[node] = state.vm[node] * Math.sin(state.va[node]);
  }
  // Locals for the hot loop: V8 then keeps the typed arrays in registers.
  const { fromNode, toNode, yffRe, yffIm, yftRe, yftIm, ytfRe, ytfIm, yttRe, yttIm } = branches;
  const { baseCurrentFromA, baseCurrentToA, limitFromA, limitToA } = branches;
  for (let k = 0; k < branches.count; k++) {
    const f = fromNode[k];
    const t = toNode[k];
    const ef = re[f];
    const ff = im[f];
    const et = re[t];
    const ft = im[t];
    const ifRe = yffRe[k] * ef - yffIm[k] * ff + yftRe[k] * et - yftIm[k] * ft;
    const ifIm = yffRe[k] * ff + yffIm[k] * ef + yftRe[k] * ft + yftIm[k] * et;
    const itRe = ytfRe[k] * ef - ytfIm[k] * ff + yttRe[k] * et - yttIm[k] * ft;
    const itIm = ytfRe[k] * ff + ytfIm[k] * ef + yttRe[k] * ft + yttIm[k] * et;
    const pFrom = (ef * ifRe + ff * ifIm) * kw;
    const qFrom = (ff * ifRe - ef * ifIm) * kw;
    const pTo = (et * itRe + ft * itIm) * kw;
    const qTo = (ft * itRe - et * itIm) * kw;
    // Math.hypot is several times slower than the square root in V8, and overflow cannot happen here.
    const iFromA = Math.sqrt(ifRe * ifRe + ifIm * ifIm) * baseCurrentFromA[k];
    const iToA = Math.sqrt(itRe * itRe + itIm * itIm) * baseCurrentToA[k];
    const limitFrom = limitFromA[k];
    const limitTo = limitToA[k];
    const loadFrom = limitFrom > 0 ? iFromA / limitFrom : 0;
    const loadTo = limitTo > 0 ? iToA / limitTo : 0;
    const fromGoverns = loadFrom >= loadTo;
    const loadingPercent = 100 * Math.max(loadFrom, loadTo);
    const limitA = fromGoverns ? limitFrom : limitTo;
    const currentA = fromGoverns ? iFromA : iToA;
    totals.lossKw += pFrom + pTo;
    totals.lossKvar += qFrom + qTo;
    if (limitA > 0 && loadingPercent > maxLoading.loadingPercent)
      maxLoading = { branch: branches.id[k], loadingPercent, currentA };
    if (limitA > 0 && currentA > limitA)
      violations.push({ kind: "overload", element: branches.id[k], value: currentA, limit: limitA, unit: "A" });
    if (full)
      branchResults.push({
        id: branches.id[k],
        kind: branches.kind[k],
        from: branches.fromBus[k],
        to: branches.toBus[k],
        pFromKw: pFrom,
        qFromKvar: qFrom,
        pToKw: pTo,
        qToKvar: qTo,
        iFromA,
        iToA,
        limitA,
        loadingPercent,
        pLossKw: pFrom + pTo,
        qLossKvar: qFrom + qTo,
      });
  }
  if (maxLoading.loadingPercent === -Infinity) maxLoading = { branch: "", loadingPercent: 0, currentA: 0 };
  return {
    ...empty,
    buses,
    branches: branchResults,
    minVoltage: minV,
    maxVoltage: maxV,
    maxLoading,
    violations,
  };
}
