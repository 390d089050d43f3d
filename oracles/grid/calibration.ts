// Calibration of a network model to field measurements, as a DSO does before trusting its validations: fit the
// uncertain parameters (the HV busbar voltage, a scale on the background load behind each feeder or spur) to
// measured currents and voltages (SCADA values, e.g. from a CSV export), report the residuals, and version the
// calibrated model by a hash of its canonical form so a validation can be re-run on exactly that model.
import { createHash } from "node:crypto";
import { z } from "zod";
import { GridModelError, parseGridInput } from "./errors";
import { parseNetwork, type Network } from "./model";
import { solvePowerFlow } from "./powerflow";

/** A parameter the fit may move, with its admissible range and a prior (the value believed before measuring). */
export type CalibrationParameter =
  | {
      id: string;
      kind: "slackVoltage";
      /** The slack (HV busbar) whose voltage set point is uncertain. */
      bus: string;
      min: number;
      max: number;
      /** Prior belief: value and standard deviation (pu). Keeps an under-determined fit where it was. */
      prior: { value: number; sigma: number };
    }
  | {
      id: string;
      kind: "loadScale";
      /** The loads scaled together (e.g. the background loads behind one feeder or spur), by id. */
      loads: string[];
      min: number;
      max: number;
      prior: { value: number; sigma: number };
    };

const measurementSchema = z.object({
  kind: z.enum(["current", "voltage"]),
  /** Branch id (current, governing end) or bus id (voltage). */
  element: z.string().min(1),
  /** Amperes for a current, pu for a voltage. */
  value: z.number().finite(),
  /** Measurement standard deviation in the same unit (the weight of its residual). */
  sigma: z.number().finite().positive(),
});
export type Measurement = z.infer<typeof measurementSchema>;

export interface Residual extends Measurement {
  modelled: number;
  /** modelled − measured, in the measurement's unit. */
  residual: number;
  /** residual / sigma. */
  normalised: number;
}

export interface CalibrationResult {
  converged: boolean;
  iterations: number;
  parameters: { id: string; value: number; prior: number }[];
  residuals: Residual[];
  /** Root mean square of the normalised residuals. */
  rmsNormalised: number;
  /** The network with the fitted parameters applied. */
  network: Network;
  /** sha256 of the calibrated network's canonical JSON, 0x-prefixed: the model version to record. */
  modelHash: string;
}

/**
 * Reads SCADA values from CSV: a header `kind,element,value,sigma` then one row per measurement (current in A,
 * voltage in pu). Every bad row is named in the GridValidationError.
 */
export function parseScadaCsv(text: string): Measurement[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  if (lines.length === 0) return [];
  const header = lines[0].split(",").map((h) => h.trim());
  const expected = ["kind", "element", "value", "sigma"];
  if (header.join(",") !== expected.join(","))
    throw new GridModelError(`SCADA CSV header must be "${expected.join(",")}", got "${lines[0]}"`, "csv");
  const rows = lines.slice(1).map((line) => {
    const cells = line.split(",").map((c) => c.trim());
    return { kind: cells[0], element: cells[1], value: Number(cells[2]), sigma: Number(cells[3]) };
  });
  return parseGridInput(z.array(measurementSchema), rows, "SCADA measurements");
}

/** The network with parameter values applied (slack voltages set, load groups scaled, P and Q alike). */
export function applyParameters(network: Network, parameters: CalibrationParameter[], values: number[]): Network {
  const scale = new Map<string, number>();
  const slackV = new Map<string, number>();
  parameters.forEach((p, i) => {
    if (p.kind === "loadScale") for (const id of p.loads) scale.set(id, (scale.get(id) ?? 1) * values[i]);
    else slackV.set(p.bus, values[i]);
  });
  return {
    ...network,
    loads: network.loads.map((l) => {
      const s = scale.get(l.id);
      return s === undefined ? l : { ...l, pKw: l.pKw * s, qKvar: l.qKvar * s };
    }),
    slacks: network.slacks.map((sl) => (slackV.has(sl.bus) ? { ...sl, vPu: slackV.get(sl.bus)! } : sl)),
  };
}

function modelled(network: Network, measurements: Measurement[]): number[] {
  const result = solvePowerFlow(network, { reactiveLimits: "enforce" });
  const branches = new Map(result.branches.map((b) => [b.id, b]));
  const buses = new Map(result.buses.map((b) => [b.id, b]));
  return measurements.map((m) => {
    if (m.kind === "current") {
      const b = branches.get(m.element);
      if (!b)
        throw new GridModelError(`measurement names branch ${m.element}, which the model does not have`, m.element);
      return Math.max(b.iFromA, b.iToA);
    }
    const bus = buses.get(m.element);
    if (!bus) throw new GridModelError(`measurement names bus ${m.element}, which the model does not have`, m.element);
    return bus.vPu;
  });
}

/**
 * Weighted least squares with priors (Levenberg–Marquardt, finite-difference Jacobian, box limits): minimises
 * Σ ((modelled − measured)/σ)² + Σ ((θ − prior)/σ_prior)². Each evaluation is a full power flow.
 */
export function calibrateNetwork(
  network: Network,
  parameters: CalibrationParameter[],
  measurements: Measurement[],
  options: { maxIterations?: number; tolerance?: number } = {},
): CalibrationResult {
  const known = new Set(network.loads.map((l) => l.id));
  for (const p of parameters) {
    if (p.kind === "loadScale")
      for (const id of p.loads)
        if (!known.has(id)) throw new GridModelError(`parameter ${p.id} names unknown load ${id}`, p.id);
    if (p.kind === "slackVoltage" && !network.slacks.some((s) => s.bus === p.bus))
      throw new GridModelError(`parameter ${p.id} names bus ${p.bus}, which is not a slack`, p.id);
    if (!(p.min < p.max)) throw new GridModelError(`parameter ${p.id} has an empty range`, p.id);
  }
  const n = parameters.length;
  const clamp = (v: number[]) => v.map((x, i) => Math.min(parameters[i].max, Math.max(parameters[i].min, x)));
  const residualVector = (values: number[]) => {
    const model = modelled(applyParameters(network, parameters, values), measurements);
    return [
      ...measurements.map((m, k) => (model[k] - m.value) / m.sigma),
      ...parameters.map((p, i) => (values[i] - p.prior.value) / p.prior.sigma),
    ];
  };
  const cost = (r: number[]) => r.reduce((s, x) => s + x * x, 0);
  let values = clamp(parameters.map((p) => p.prior.value));
  let r = residualVector(values);
  let lambda = 1e-3;
  let iterations = 0;
  let converged = false;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-10;
  while (iterations < maxIterations) {
    iterations++;
    // Jacobian by forward differences, step relative to each parameter's range.
    const jac = parameters.map((p, i) => {
      const h = 1e-6 * (p.max - p.min);
      const shifted = values.slice();
      shifted[i] = values[i] + h <= p.max ? values[i] + h : values[i] - h;
      const rs = residualVector(shifted);
      return rs.map((x, k) => (x - r[k]) / (shifted[i] - values[i]));
    });
    // Normal equations (JᵀJ + λ diag) δ = −Jᵀr, n is small: Gaussian elimination.
    const jtj = Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => dot(jac[a], jac[b])));
    const jtr = jac.map((col) => dot(col, r));
    let improved = false;
    for (let attempt = 0; attempt < 10; attempt++) {
      const a = jtj.map((row, i) => row.map((v, j) => (i === j ? v * (1 + lambda) + 1e-12 : v)));
      const step = solveSmall(
        a,
        jtr.map((v) => -v),
      );
      const candidate = clamp(values.map((v, i) => v + step[i]));
      const rc = residualVector(candidate);
      if (cost(rc) < cost(r)) {
        const change = Math.max(
          ...candidate.map((v, i) => Math.abs(v - values[i]) / (parameters[i].max - parameters[i].min)),
        );
        values = candidate;
        const gain = cost(r) - cost(rc);
        r = rc;
        lambda = Math.max(lambda / 10, 1e-9);
        improved = true;
        if (change < tolerance || gain < tolerance * Math.max(1, cost(r))) converged = true;
        break;
      }
      lambda *= 10;
    }
    if (!improved) converged = true; // no descent left: a (local) minimum
    if (converged) break;
  }
  const calibrated = parseNetwork(applyParameters(network, parameters, values));
  const model = modelled(calibrated, measurements);
  const residuals = measurements.map((m, k) => ({
    ...m,
    modelled: model[k],
    residual: model[k] - m.value,
    normalised: (model[k] - m.value) / m.sigma,
  }));
  return {
    converged,
    iterations,
    parameters: parameters.map((p, i) => ({ id: p.id, value: values[i], prior: p.prior.value })),
    residuals,
    rmsNormalised: Math.sqrt(residuals.reduce((s, x) => s + x.normalised ** 2, 0) / Math.max(1, residuals.length)),
    network: calibrated,
    modelHash: modelHash(calibrated),
  };
}

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

function solveSmall(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

/** Canonical JSON: object keys sorted at every level, so the same model always hashes alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/** The model version: sha256 of the parsed network's canonical JSON, 0x-prefixed (a bytes32 on chain). */
export function modelHash(network: Network): string {
  return `0x${createHash("sha256")
    .update(canonical(parseNetwork(network)))
    .digest("hex")}`;
}
