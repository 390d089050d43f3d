// Least-cost flexibility requests: for each congested slot, an LP on the PoDs that can help (prequalified, right
// direction, enough effect on the violated element: i.e. on the right feeder) sized with sensitivities, verified
// with a full power flow and re-linearised until every violation is gone; then the request(s) to post.
import { LinearProgram, solveLp } from "./lp";
import { constraintKey, type Constraint, type GridStudy } from "./gridStudy";
import { stressSensitivities } from "./sensitivities";
import { signOf, type Alarm, type Direction, type DsoPod, type DsoRequestPlan, type ForecastSlot } from "./types";
import { DsoInputError } from "../errors";

export interface RequestOptions {
  /** Price cap of the requests, EUR/kW (the field test's DSO cap: 0.1). */
  maxPriceEurPerKw?: number;
  /** Safety margin below each limit the LP aims at: fraction of a current limit, and pu for voltages. */
  currentMarginFraction?: number;
  voltageMarginPu?: number;
  /** A PoD counts for an element when its effect per kW is at least this fraction of the best PoD's. */
  minRelativeEffect?: number;
  /**
   * Other PoDs join a request when their effect per kW is at least this fraction of the least effective PoD of
   * the plan; the request's volume then grows by the ratio, so whichever PoDs of the set the market awards, the
   * violations go (a PoD nearer the feeder head relieves the head cable almost as much as one at its end).
   */
  substituteEffectRatio?: number;
  maxIterations?: number;
}

export interface SlotRequestResult {
  slot: number;
  requests: DsoRequestPlan[];
  /** Per-PoD change (kW, signed, whole kW) of the least-cost plan. */
  plan: Record<string, number>;
  /** Σ expected price × |change|, EUR. */
  expectedCostEur: number;
  /** Violations still there with the plan applied (not enough flexibility): an operator must act. */
  unresolved: Alarm[];
  iterations: number;
}

const defaults = {
  maxPriceEurPerKw: 0.1,
  currentMarginFraction: 0.002,
  voltageMarginPu: 0.0005,
  minRelativeEffect: 0.01,
  substituteEffectRatio: 0.9,
  maxIterations: 8,
};

function priceOf(pod: DsoPod, direction: Direction): number {
  return pod.expectedPriceEurPerKw?.[direction] ?? 1;
}

function marginOf(c: Constraint, o: typeof defaults): number {
  return c.unit === "A" ? c.limit * o.currentMarginFraction : o.voltageMarginPu;
}

/** Sizes the requests of one slot from its alarms. */
export async function sizeSlotRequests(
  study: GridStudy,
  forecast: ForecastSlot,
  alarms: Alarm[],
  pods: DsoPod[],
  options: RequestOptions = {},
): Promise<SlotRequestResult> {
  const o = { ...defaults, ...options };
  const empty: SlotRequestResult = {
    slot: forecast.slot,
    requests: [],
    plan: {},
    expectedCostEur: 0,
    unresolved: [],
    iterations: 0,
  };
  if (alarms.length === 0) return empty;
  // Right feeder: PoDs on the feeders of the violated elements (all PoDs when one is outside any feeder, e.g. the
  // primary transformer); the sensitivities then sort out which of them actually help.
  const feeders = alarms.map((a) => study.feederOf(a));
  const onFeeder = (p: DsoPod) => feeders.includes(null) || p.feeder === null || feeders.includes(p.feeder);
  const candidates = pods.filter(
    (p) => p.prequalified && study.hasPod(p.pod) && p.maxUpKw + p.maxDownKw > 0 && onFeeder(p),
  );
  const byPod = new Map(candidates.map((p) => [p.pod, p]));
  const constraints: Constraint[] = alarms.map((a) => study.constraintOf(a));
  const keys = new Set(constraints.map(constraintKey));
  const extraMargin = new Map<string, number>();
  let plan: Record<string, number> = {};
  let iterations = 0;
  let lastSensitivities = new Map<string, number[]>();

  for (; iterations < o.maxIterations; iterations++) {
    const { stress, perPod } = stressSensitivities(
      study,
      forecast,
      plan,
      constraints,
      candidates.map((p) => p.pod),
    );
    lastSensitivities = perPod;
    const lp = new LinearProgram();
    const columns: { pod: string; direction: Direction; col: number }[] = [];
    // Effect per kW in the direction that lowers the stress of each constraint: the best PoD sets the scale.
    const best = constraints.map((_, k) => Math.max(0, ...candidates.map((p) => Math.abs(perPod.get(p.pod)![k]))));
    for (const pod of candidates) {
      const s = perPod.get(pod.pod)!;
      for (const direction of ["up", "down"] as const) {
        const limit = direction === "up" ? pod.maxUpKw : pod.maxDownKw;
        if (limit <= 0) continue;
        // Right direction and right feeder: it must relieve at least one violated element noticeably.
        const helps = constraints.some(
          (_, k) => -s[k] * signOf(direction) >= o.minRelativeEffect * best[k] && best[k] > 0,
        );
        if (!helps) continue;
        // A tiny preference for stronger effect among equal prices keeps the answer unique.
        const strongest = Math.max(...constraints.map((_, k) => -s[k] * signOf(direction)));
        const cost = priceOf(pod, direction) * (1 + 1e-6 / Math.max(strongest, 1e-9));
        columns.push({ pod: pod.pod, direction, col: lp.addColumn(cost, 0, limit) });
      }
    }
    // Linearised at the current plan: stress_k + Σ S_kp (x_p − plan_p) ≤ −margin_k.
    constraints.forEach((c, k) => {
      const entries: [number, number][] = columns.map(({ pod, direction, col }) => [
        col,
        perPod.get(pod)![k] * signOf(direction),
      ]);
      const shift = Object.entries(plan).reduce((sum, [pod, delta]) => sum + (perPod.get(pod)?.[k] ?? 0) * delta, 0);
      const rhs = -marginOf(c, o) - (extraMargin.get(constraintKey(c)) ?? 0) - stress[k] + shift;
      lp.addRow(entries, -Infinity, rhs);
    });
    const outcome = await solveLp(lp);
    if (outcome.status === "infeasible") {
      // Not enough flexibility: use all that helps, and report what is left.
      plan = {};
      for (const { pod, direction } of columns) {
        const p = byPod.get(pod)!;
        plan[pod] = (plan[pod] ?? 0) + signOf(direction) * (direction === "up" ? p.maxUpKw : p.maxDownKw);
      }
      const check = study.solve(forecast, plan);
      return finish(
        study,
        forecast,
        pods,
        plan,
        check.alarms,
        lastSensitivities,
        constraints,
        o,
        iterations + 1,
        alarms,
      );
    }
    // Whole kW on chain: round every change away from zero, so the rounded plan does at least as much.
    const next: Record<string, number> = {};
    for (const { pod, direction, col } of columns) {
      const v = outcome.x[col];
      if (v > 1e-6) next[pod] = (next[pod] ?? 0) + signOf(direction) * Math.ceil(v - 1e-9);
    }
    plan = next;
    const check = study.solve(forecast, plan);
    const fresh = check.alarms.filter((a) => !keys.has(constraintKey(a)));
    const remaining = check.alarms.filter((a) => keys.has(constraintKey(a)));
    if (fresh.length === 0 && remaining.length === 0)
      return finish(study, forecast, pods, plan, [], lastSensitivities, constraints, o, iterations + 1, alarms);
    // The plan created new violations (add them as constraints) or fell short (aim further inside the limit).
    for (const alarm of fresh) {
      constraints.push(study.constraintOf(alarm));
      keys.add(constraintKey(alarm));
    }
    // Re-linearising at the plan (next iteration) is a Newton step on the limits; should it keep falling short
    // (rounding, strong curvature), aim a little further inside the limit each time.
    if (iterations >= 2)
      for (const alarm of remaining) {
        const key = constraintKey(alarm);
        const c = constraints.find((x) => constraintKey(x) === key)!;
        extraMargin.set(key, (extraMargin.get(key) ?? 0) + Math.max(study.stressOf(check.result, c), marginOf(c, o)));
      }
  }
  const check = study.solve(forecast, plan);
  return finish(study, forecast, pods, plan, check.alarms, lastSensitivities, constraints, o, iterations, alarms);
}

function finish(
  study: GridStudy,
  forecast: ForecastSlot,
  pods: DsoPod[],
  plan: Record<string, number>,
  unresolved: Alarm[],
  sensitivities: Map<string, number[]>,
  constraints: Constraint[],
  o: typeof defaults,
  iterations: number,
  original: Alarm[],
): SlotRequestResult {
  const byPod = new Map(pods.map((p) => [p.pod, p]));
  const alarmsSolved = original.filter((a) => !unresolved.some((u) => constraintKey(u) === constraintKey(a)));
  const requests: DsoRequestPlan[] = [];
  let expectedCostEur = 0;
  for (const direction of ["up", "down"] as const) {
    const used = Object.entries(plan).filter(([, d]) => Math.sign(d) === signOf(direction));
    if (used.length === 0) continue;
    const plannedKw = used.reduce((s, [, d]) => s + d, 0);
    for (const [pod, d] of used) expectedCostEur += Math.abs(d) * priceOf(byPod.get(pod)!, direction);
    // Substitutes: see substituteEffectRatio. The set's weakest PoD sets how much the volume must grow.
    const effect = (pod: string, k: number) => -(sensitivities.get(pod)?.[k] ?? 0) * signOf(direction);
    const binding = constraints.map((_, k) => k).filter((k) => used.some(([pod]) => effect(pod, k) > 0));
    const floor = binding.map((k) => Math.min(...used.map(([pod]) => effect(pod, k))));
    const set = new Set(used.map(([pod]) => pod));
    for (const p of pods) {
      const limit = direction === "up" ? p.maxUpKw : p.maxDownKw;
      if (set.has(p.pod) || !p.prequalified || limit <= 0 || !sensitivities.has(p.pod)) continue;
      if (binding.every((k, i) => effect(p.pod, k) >= o.substituteEffectRatio * floor[i])) set.add(p.pod);
    }
    const growth = Math.max(1, ...binding.map((k, i) => floor[i] / Math.min(...[...set].map((pod) => effect(pod, k)))));
    const deltaKw = signOf(direction) * Math.ceil(Math.abs(plannedKw) * growth - 1e-9);
    const podList = [...set].sort();
    const baselineSum = podList.reduce((s, pod) => s + study.forecastPodKw(forecast, pod), 0);
    requests.push({
      slot: forecast.slot,
      direction,
      pods: podList,
      targetKw: baselineSum + deltaKw,
      deltaKw,
      maxPriceEurPerKw: o.maxPriceEurPerKw,
      plan: Object.fromEntries(used),
      solves: alarmsSolved,
    });
  }
  return { slot: forecast.slot, requests, plan, expectedCostEur, unresolved, iterations };
}

/** Requests for every congested slot of a forecast, from the detection's alarm list. */
export async function sizeRequests(
  study: GridStudy,
  forecast: ForecastSlot[],
  alarms: Alarm[],
  pods: DsoPod[],
  options: RequestOptions = {},
): Promise<SlotRequestResult[]> {
  const bySlot = new Map<number, Alarm[]>();
  for (const alarm of alarms) bySlot.set(alarm.slot, [...(bySlot.get(alarm.slot) ?? []), alarm]);
  const out: SlotRequestResult[] = [];
  for (const [slot, slotAlarms] of [...bySlot].sort((a, b) => a[0] - b[0])) {
    const f = forecast.find((s) => s.slot === slot);
    if (!f) throw new DsoInputError(`alarm for slot ${slot} but no forecast for it`);
    out.push(await sizeSlotRequests(study, f, slotAlarms, pods, options));
  }
  return out;
}
