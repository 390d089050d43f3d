// Technical validation of a clearing result: every award applied to the forecast at once, a power flow per slot,
// and per award OK / KO / partial. Awards that push an element past its limit (new violations, e.g. a TSO award
// on another feeder than the DSO's) are cut, following the market's priority order (later awards first, the seeds'
// penalty factors), by the least amount that removes the violation: an LP on the sensitivities, verified with the
// full power flow, then tightened by bisection to the whole kW.
import { LinearProgram, solveLp } from "./lp";
import { constraintKey, newOrWorse, type Constraint, type GridStudy } from "./gridStudy";
import { stressSensitivities } from "./sensitivities";
import { signOf, type Alarm, type AwardToValidate, type AwardValidation, type ForecastSlot } from "./types";
import { DsoInputError } from "../errors";

export interface ValidationOptions {
  maxIterations?: number;
  /** Relative effect (of the strongest award) below which an award is not held responsible for a violation. */
  minRelativeEffect?: number;
  /**
   * How much worse (fraction of a current limit; half of it in pu for voltages) an existing violation may get
   * before the awards answer for it: awards on one feeder move the other's currents slightly through the busbar.
   */
  worseningTolerance?: number;
}

const defaults = { maxIterations: 6, minRelativeEffect: 0.01, worseningTolerance: 0.001 };

function changesOf(awards: AwardToValidate[], reductionKw: Map<number, number> = new Map()): Record<string, number> {
  const changes: Record<string, number> = {};
  for (const a of awards) {
    const kw = Math.max(0, a.quantityKw - (reductionKw.get(a.awardIndex) ?? 0));
    changes[a.pod] = (changes[a.pod] ?? 0) + signOf(a.direction) * kw;
  }
  return changes;
}

/**
 * The violations the awards are answerable for: with every award applied, an element past its limit that the
 * forecast had within limits, or one the awards made worse than the forecast had it.
 */

/** Validates the awards of one slot. */
export async function validateSlotAwards(
  study: GridStudy,
  forecast: ForecastSlot,
  awards: AwardToValidate[],
  options: ValidationOptions = {},
): Promise<AwardValidation[]> {
  const o = { ...defaults, ...options };
  // Penalty factor per kW cut (seeds D3.3: the assessment follows the market's priority order): ×10 per place
  // earlier in the order, so an earlier award is cut only when cutting the later ones cannot clear the violation.
  const ranks = [...new Set(awards.map((a) => a.priority ?? 0))].sort((a, b) => b - a);
  const penaltyOf = (a: AwardToValidate) => 10 ** Math.min(ranks.indexOf(a.priority ?? 0), 6);
  const violationsCausedBy = (before: Alarm[], after: Alarm[]) => newOrWorse(before, after, o.worseningTolerance);
  for (const a of awards) {
    if (a.slot !== forecast.slot)
      throw new DsoInputError(`award ${a.awardIndex} is for slot ${a.slot}, not slot ${forecast.slot}`);
    if (!study.hasPod(a.pod))
      throw new DsoInputError(`award ${a.awardIndex}: PoD ${a.pod} is not in the network model`);
  }
  const before = study.solve(forecast).alarms;
  const withAll = study.solve(forecast, changesOf(awards));
  const caused = violationsCausedBy(before, withAll.alarms);
  const okAll = (): AwardValidation[] =>
    awards.map((a) => ({
      awardIndex: a.awardIndex,
      pod: a.pod,
      slot: a.slot,
      verdict: "ok",
      awardedKw: a.quantityKw,
      admittedKw: a.quantityKw,
    }));
  if (caused.length === 0) return okAll();

  // Each caused violation's target: its limit, or, for one the forecast already had, the forecast's value.
  const beforeByKey = new Map(before.map((a) => [constraintKey(a), a]));
  const constraints: Constraint[] = caused.map((a) => {
    const old = beforeByKey.get(constraintKey(a));
    return { ...study.constraintOf(a), limit: old ? old.value : a.limit };
  });
  const reasonOf = new Map(caused.map((a) => [constraintKey(a), a]));
  const reduction = new Map<number, number>();
  const responsible = new Map<number, Constraint>();

  for (let iteration = 0; iteration < o.maxIterations; iteration++) {
    const current = changesOf(awards, reduction);
    const pods = [...new Set(awards.map((a) => a.pod))];
    const { stress, perPod } = stressSensitivities(study, forecast, current, constraints, pods);
    const lp = new LinearProgram();
    const columns: { award: AwardToValidate; col: number }[] = [];
    const effectOf = (a: AwardToValidate, k: number) => perPod.get(a.pod)![k] * signOf(a.direction);
    const strongest = constraints.map((_, k) => Math.max(0, ...awards.map((a) => effectOf(a, k))));
    for (const award of awards) {
      // Only awards that push a violated element the wrong way are answerable (and reducible).
      let worstK = -1;
      constraints.forEach((_, k) => {
        const e = effectOf(award, k);
        if (e > 0 && e >= o.minRelativeEffect * strongest[k] && (worstK < 0 || e > effectOf(award, worstK))) worstK = k;
      });
      if (worstK < 0) continue;
      responsible.set(award.awardIndex, constraints[worstK]);
      columns.push({ award, col: lp.addColumn(penaltyOf(award), 0, award.quantityKw) });
    }
    // stress_k − Σ e_ka (r_a − r_a,current) ≤ 0, or as low as cutting the answerable awards entirely gets it.
    constraints.forEach((_, k) => {
      const entries: [number, number][] = columns.map(({ award, col }) => [col, -effectOf(award, k)]);
      const shift = columns.reduce(
        (s, { award }) => s - effectOf(award, k) * (reduction.get(award.awardIndex) ?? 0),
        0,
      );
      const floor = columns.reduce((s, { award }) => s - effectOf(award, k) * award.quantityKw, 0);
      const rhs = Math.max(-stress[k] + shift, floor - stress[k] + shift + 1e-9);
      lp.addRow(entries, -Infinity, rhs);
    });
    const outcome = await solveLp(lp);
    if (outcome.status === "infeasible") break;
    for (const { award, col } of columns) reduction.set(award.awardIndex, Math.min(award.quantityKw, outcome.x[col]));
    const check = study.solve(forecast, changesOf(awards, reduction));
    const still = violationsCausedBy(before, check.alarms).filter((a) =>
      constraints.some((c) => constraintKey(c) === constraintKey(a) && study.stressOf(check.result, c) > 1e-9),
    );
    const fresh = violationsCausedBy(before, check.alarms).filter(
      (a) => !constraints.some((c) => constraintKey(c) === constraintKey(a)),
    );
    for (const a of fresh) {
      constraints.push(study.constraintOf(a));
      reasonOf.set(constraintKey(a), a);
    }
    if (still.length === 0 && fresh.length === 0) break;
  }

  // Whole kW, and no more than needed: bisect a common scale of the LP's cuts on the full power flow.
  const cuts = [...reduction].filter(([, r]) => r > 0);
  const feasibleAt = (scale: number): boolean => {
    const scaled = new Map(cuts.map(([i, r]) => [i, Math.min(quantityOf(awards, i), Math.ceil(r * scale - 1e-9))]));
    const check = study.solve(forecast, changesOf(awards, scaled));
    return violationsCausedBy(before, check.alarms).length === 0;
  };
  let hi = 1;
  while (!feasibleAt(hi) && hi < 64) hi *= 2;
  let lo = 0;
  const largestCut = Math.max(1, ...cuts.map(([, r]) => r));
  while ((hi - lo) * largestCut > 0.5) {
    const mid = (lo + hi) / 2;
    if (feasibleAt(mid)) hi = mid;
    else lo = mid;
  }
  const finalCut = new Map(cuts.map(([i, r]) => [i, Math.min(quantityOf(awards, i), Math.ceil(r * hi - 1e-9))]));
  if (ranks.length > 1) {
    // With a priority order the common scale would trim the later awards' cuts too: instead give back what can be
    // given back to the earliest awards first, each by bisection to the whole kW with the others held.
    const feasible = (cut: Map<number, number>) =>
      violationsCausedBy(before, study.solve(forecast, changesOf(awards, cut)).alarms).length === 0;
    // From every answerable award cut entirely (when that clears the violations), give back in priority order.
    const allCut = new Map([...responsible.keys()].map((i) => [i, quantityOf(awards, i)]));
    if (feasible(allCut)) {
      finalCut.clear();
      for (const [i, q] of allCut) finalCut.set(i, q);
    }
    const byPriority = [...finalCut.keys()].sort(
      (x, y) => (awardOf(awards, x).priority ?? 0) - (awardOf(awards, y).priority ?? 0),
    );
    for (const i of byPriority) {
      let lo = 0;
      let hi = finalCut.get(i)!;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (feasible(new Map(finalCut).set(i, mid))) hi = mid;
        else lo = mid;
      }
      if (lo === 0 && feasible(new Map(finalCut).set(i, 0))) hi = 0;
      finalCut.set(i, hi);
    }
  }

  return awards.map((a) => {
    const cut = finalCut.get(a.awardIndex) ?? 0;
    const admittedKw = Math.max(0, a.quantityKw - cut);
    const base = { awardIndex: a.awardIndex, pod: a.pod, slot: a.slot, awardedKw: a.quantityKw, admittedKw };
    if (cut <= 0) return { ...base, verdict: "ok" as const };
    const c = responsible.get(a.awardIndex)!;
    const reason = reasonOf.get(constraintKey(c))!;
    return { ...base, verdict: admittedKw === 0 ? ("ko" as const) : ("partial" as const), reason };
  });
}

function awardOf(awards: AwardToValidate[], awardIndex: number): AwardToValidate {
  return awards.find((a) => a.awardIndex === awardIndex)!;
}

function quantityOf(awards: AwardToValidate[], awardIndex: number): number {
  return awards.find((a) => a.awardIndex === awardIndex)!.quantityKw;
}

/** Validates every award of a session, slot by slot. */
export async function validateAwards(
  study: GridStudy,
  forecast: ForecastSlot[],
  awards: AwardToValidate[],
  options: ValidationOptions = {},
): Promise<AwardValidation[]> {
  const bySlot = new Map<number, AwardToValidate[]>();
  for (const a of awards) bySlot.set(a.slot, [...(bySlot.get(a.slot) ?? []), a]);
  const out: AwardValidation[] = [];
  for (const [slot, slotAwards] of bySlot) {
    const f = forecast.find((s) => s.slot === slot);
    if (!f) throw new DsoInputError(`awards for slot ${slot} but no forecast for it`);
    out.push(...(await validateSlotAwards(study, f, slotAwards, options)));
  }
  return out.sort((a, b) => a.awardIndex - b.awardIndex);
}
