// One compiled network and the operations every DSO step needs on it: solve a slot with PoD powers changed,
// read the alarms, and measure how far each monitored element is from its limit ("stress", > 0 = violated).
import { compileNetwork, type CompiledNetwork } from "../../grid/compile";
import type { Network } from "../../grid/model";
import {
  elementPowers,
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

  /** Solves one forecast slot with `changesKw` added to the PoDs' forecast consumption. */
  solve(forecast: ForecastSlot, changesKw: Record<string, number> = {}): SlotSolution {
    const podsKw: Record<string, number> = { ...forecast.podsKw };
    for (const [pod, delta] of Object.entries(changesKw)) {
      if (!this.podsInModel.has(pod)) throw new DsoInputError(`PoD ${pod} is not in the network model`);
      podsKw[pod] = (podsKw[pod] ?? this.modelPodKw(pod)) + delta;
    }
    const powers = elementPowers(this.compiled.network, { podsKw, loadsKw: forecast.loadsKw });
    this.solves++;
    const result = solveCompiled(this.compiled, powers, {
      ...this.options,
      detail: "full",
      start: this.warm ? "warm" : "flat",
      initialState: this.warm,
    });
    this.warm = result.state;
    return {
      result,
      alarms: result.violations.map((v) => ({ slot: forecast.slot, ...v })),
    };
  }

  /** The PoD's consumption in the model itself (used when the forecast does not name it). */
  private modelPodKw(pod: string): number {
    return this.compiled.network.loads.filter((l) => l.pod === pod).reduce((s, l) => s + l.pKw, 0);
  }

  /** Every monitored limit of the network (branches with an ampacity; bus voltage bands). */
  constraintOf(alarm: { kind: ViolationKind; element: string; limit: number; unit: "A" | "pu" }): Constraint {
    return { kind: alarm.kind, element: alarm.element, limit: alarm.limit, unit: alarm.unit };
  }

  /** The monitored value of a constraint in a result (A for branches, pu for buses). */
  valueOf(result: PowerFlowResult, c: Constraint): number {
    if (c.kind === "overload") {
      const i = this.branchPosition.get(c.element);
      if (i === undefined) throw new DsoInputError(`unknown branch ${c.element}`);
      const b = result.branches[i];
      return b.limitA > 0 ? (b.loadingPercent / 100) * b.limitA : Math.max(b.iFromA, b.iToA);
    }
    const i = this.busPosition.get(c.element);
    if (i === undefined) throw new DsoInputError(`unknown bus ${c.element}`);
    return result.buses[i].vPu;
  }

  /** How far past its limit a constraint is (> 0 violated), in its own unit. */
  stressOf(result: PowerFlowResult, c: Constraint): number {
    const v = this.valueOf(result, c);
    return c.kind === "undervoltage" ? c.limit - v : v - c.limit;
  }
}
