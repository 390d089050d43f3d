// Sensitivities of monitored limits to PoD power, by perturbed power flows around the operating point (only the
// PoD's subnetwork is re-solved, warm): exact for
// the model (branch current magnitudes are not linear in P, so a perturbation captures what dV/dP and dI/dP
// linearisations would, Q following each load's power factor as in the forecast).
// The grid engine's analytical sensitivities (computeSensitivities, Jacobian solves) agree within 1 % (see
// sensitivities.test.ts); these are kept because they re-solve only the PoD's subnetwork and return just the
// monitored elements, where the analytical report fills every bus and branch of the city for every PoD.
import type { Constraint, GridStudy } from "./gridStudy";
import type { ForecastSlot } from "./types";

export interface Sensitivities {
  /** Stress of each constraint at the operating point (> 0 = violated). */
  stress: number[];
  /** d(stress_k)/d(P_pod) per kW of consumption, per PoD, aligned with the constraints. */
  perPod: Map<string, number[]>;
}

const DEFAULT_STEP_KW = 5;

export function stressSensitivities(
  study: GridStudy,
  forecast: ForecastSlot,
  changesKw: Record<string, number>,
  constraints: Constraint[],
  pods: string[],
  stepKw = DEFAULT_STEP_KW,
): Sensitivities {
  const base = study.solve(forecast, changesKw).result;
  const stress = constraints.map((c) => study.stressOf(base, c));
  const perPod = new Map<string, number[]>();
  for (const pod of pods) {
    const perturbed = study.perturbedStress(forecast, changesKw, base, pod, stepKw, constraints);
    perPod.set(
      pod,
      perturbed.map((value, k) => (value - stress[k]) / stepKw),
    );
  }
  return { stress, perPod };
}
