// Traffic lights of the TSO–DSO coordination (BeFlexible methodology): the static light per PoD at
// prequalification (confirm / modulate / invalidate from its connection data and the hosting capacity at its
// bus), and the dynamic light per DSO perimeter and slot (red opposite to a planned local service; in the
// concordant direction the largest volume that creates no violation, by bisection on full power flows), with
// perimeters redrawn per secondary substation when that frees capability.
import { newOrWorse, type GridStudy } from "./gridStudy";
import { oppositeOf, signOf, type Alarm, type Direction, type DsoPod, type ForecastSlot } from "./types";

export type Colour = "green" | "yellow" | "red";

// ---------------------------------------------------------------------------------------------- static light

/** What an aggregator declared for a PoD (the registry's PodData, in kW). */
export interface PodConnection {
  pod: string;
  contractualPowerWithdrawnKw: number;
  contractualPowerInjectedKw: number;
  maxUpKw: number;
  maxDownKw: number;
}

export type StaticRuling =
  | { pod: string; status: "confirmed"; upKw: number; downKw: number; reason?: undefined }
  | { pod: string; status: "modulated"; upKw: number; downKw: number; reason: string }
  | { pod: string; status: "invalidated"; upKw: 0; downKw: 0; reason: string };

/**
 * The static traffic light of one PoD: its declared flexibility, bounded by its contract (it cannot draw more than
 * the withdrawal contract nor inject more than the injection contract, from any operating point in `snapshots`)
 * and by the grid (the largest change at its bus, in each snapshot, that creates no violation).
 */
export function staticTrafficLight(
  study: GridStudy,
  connection: PodConnection,
  snapshots: ForecastSlot[],
  toleranceKw = 1,
): StaticRuling {
  const reasons: string[] = [];
  const limitOf = (direction: Direction): number => {
    const declared = direction === "up" ? connection.maxUpKw : connection.maxDownKw;
    let allowed = declared;
    for (const snapshot of snapshots) {
      const now = study.forecastPodKw(snapshot, connection.pod);
      const contractRoom =
        direction === "up" ? connection.contractualPowerWithdrawnKw - now : now + connection.contractualPowerInjectedKw;
      if (contractRoom < allowed) {
        allowed = Math.max(0, contractRoom);
        reasons.push(
          `${direction} limited to ${allowed.toFixed(0)} kW by the contractual power in slot ${snapshot.slot}`,
        );
      }
      const grid = largestSafeChange(study, snapshot, { [connection.pod]: 1 }, direction, allowed, toleranceKw);
      if (grid.capabilityKw < allowed) {
        allowed = grid.capabilityKw;
        const a = grid.limitingAlarm;
        reasons.push(
          `${direction} limited to ${allowed.toFixed(0)} kW in slot ${snapshot.slot}` +
            (a ? ` by ${a.kind} on ${a.element} (${a.value.toFixed(2)} ${a.unit}, limit ${a.limit} ${a.unit})` : ""),
        );
      }
    }
    return Math.floor(allowed + 1e-9);
  };
  const upKw = connection.maxUpKw > 0 ? limitOf("up") : 0;
  const downKw = connection.maxDownKw > 0 ? limitOf("down") : 0;
  if (upKw === connection.maxUpKw && downKw === connection.maxDownKw)
    return { pod: connection.pod, status: "confirmed", upKw, downKw };
  if (upKw === 0 && downKw === 0)
    return { pod: connection.pod, status: "invalidated", upKw: 0, downKw: 0, reason: reasons.join("; ") };
  return { pod: connection.pod, status: "modulated", upKw, downKw, reason: reasons.join("; ") };
}

// --------------------------------------------------------------------------------------------- dynamic light

/** A DSO perimeter: a named set of PoDs (by default a feeder; redrawable, e.g. per secondary substation). */
export interface Perimeter {
  id: string;
  pods: string[];
}

export interface DirectionLight {
  colour: Colour;
  capabilityKw: number;
  /** Flexibility the perimeter's PoDs have in this direction (what green admits). */
  flexibilityKw: number;
  /** The violation that bounds the capability (yellow/red by the grid), or why red. */
  reason?: string;
}

export interface DynamicLight {
  perimeter: string;
  slot: number;
  up: DirectionLight;
  down: DirectionLight;
}

/** Planned local (DSO) services of a slot: PoD → signed change (kW). */
export type LocalPlan = Record<string, number>;

/**
 * Largest volume V ≤ maxKw such that adding V × weights (normalised) in `direction` creates no violation that
 * the operating point did not have. Bisection on full power flows, to `toleranceKw`.
 */
export function largestSafeChange(
  study: GridStudy,
  forecast: ForecastSlot,
  weights: Record<string, number>,
  direction: Direction,
  maxKw: number,
  toleranceKw = 1,
  base: Record<string, number> = {},
): { capabilityKw: number; limitingAlarm?: Alarm } {
  if (maxKw <= 0) return { capabilityKw: 0 };
  const operatingPoint = study.solve(forecast, base);
  const before = operatingPoint.alarms;
  const total = Object.values(weights).reduce((s, w) => s + w, 0);
  // Each step re-solves only the subnetworks of the perimeter's PoDs (the rest keeps the operating point).
  const newViolation = (volume: number): Alarm | undefined => {
    const extra: Record<string, number> = {};
    for (const [pod, w] of Object.entries(weights)) extra[pod] = (signOf(direction) * volume * w) / total;
    return newOrWorse(before, study.localAlarms(forecast, base, operatingPoint, extra))[0];
  };
  const atMax = newViolation(maxKw);
  if (!atMax) return { capabilityKw: maxKw };
  let lo = 0;
  let hi = maxKw;
  let limiting = atMax;
  while (hi - lo > toleranceKw) {
    const mid = (lo + hi) / 2;
    const v = newViolation(mid);
    if (v) {
      hi = mid;
      limiting = v;
    } else lo = mid;
  }
  return { capabilityKw: Math.floor(lo), limitingAlarm: limiting };
}

function describe(a: Alarm | undefined): string | undefined {
  return a && `${a.kind} on ${a.element}: ${a.value.toFixed(2)} ${a.unit} (limit ${a.limit} ${a.unit})`;
}

/** The dynamic light of one perimeter in one slot, given the planned local services. */
export function dynamicTrafficLight(
  study: GridStudy,
  forecast: ForecastSlot,
  perimeter: Perimeter,
  pods: DsoPod[],
  localPlan: LocalPlan = {},
  toleranceKw = 1,
): DynamicLight {
  const byPod = new Map(pods.map((p) => [p.pod, p]));
  const members = perimeter.pods.map((id) => byPod.get(id)).filter((p): p is DsoPod => !!p && p.prequalified);
  const planned = new Set<Direction>();
  for (const p of perimeter.pods) {
    const change = localPlan[p] ?? 0;
    if (change !== 0) planned.add(change > 0 ? "up" : "down");
  }
  const light = (direction: Direction): DirectionLight => {
    // Flexibility left after the local plan: what the PoDs can still move in this direction.
    const room = (p: DsoPod) => {
      const used = Math.max(0, (localPlan[p.pod] ?? 0) * signOf(direction));
      return Math.max(0, (direction === "up" ? p.maxUpKw : p.maxDownKw) - used);
    };
    const flexibilityKw = members.reduce((s, p) => s + room(p), 0);
    if (planned.has(oppositeOf(direction)))
      return {
        colour: "red",
        capabilityKw: 0,
        flexibilityKw,
        reason: `opposite to a planned local ${oppositeOf(direction)} service`,
      };
    if (flexibilityKw <= 0) return { colour: "green", capabilityKw: 0, flexibilityKw: 0 };
    const weights = Object.fromEntries(members.filter((p) => room(p) > 0).map((p) => [p.pod, room(p)]));
    const { capabilityKw, limitingAlarm } = largestSafeChange(
      study,
      forecast,
      weights,
      direction,
      flexibilityKw,
      toleranceKw,
      localPlan,
    );
    const colour: Colour = capabilityKw >= flexibilityKw ? "green" : capabilityKw > 0 ? "yellow" : "red";
    return { colour, capabilityKw, flexibilityKw, ...(limitingAlarm ? { reason: describe(limitingAlarm) } : {}) };
  };
  return { perimeter: perimeter.id, slot: forecast.slot, up: light("up"), down: light("down") };
}

/** Default perimeters: one per feeder (PoDs without a feeder are left out). */
export function feederPerimeters(pods: DsoPod[]): Perimeter[] {
  const byFeeder = new Map<string, string[]>();
  for (const p of pods) if (p.feeder) byFeeder.set(p.feeder, [...(byFeeder.get(p.feeder) ?? []), p.pod]);
  return [...byFeeder].map(([id, members]) => ({ id, pods: members.sort() }));
}

export interface RedrawProposal {
  perimeter: string;
  /** The finer perimeters (one per secondary substation) and their lights. */
  parts: { perimeter: Perimeter; light: DynamicLight }[];
  /** Capability gained in each direction by the split (Σ parts − whole), kW. */
  gainKw: { up: number; down: number };
}

/**
 * Splits a perimeter per secondary substation when the whole is limited (yellow/red by the grid) and the parts,
 * each checked on its own, admit more in total: e.g. one overloaded spur should not block a whole feeder.
 */
export function proposeRedraw(
  study: GridStudy,
  forecast: ForecastSlot,
  perimeter: Perimeter,
  whole: DynamicLight,
  pods: DsoPod[],
  localPlan: LocalPlan = {},
): RedrawProposal | undefined {
  const limited = (d: DirectionLight) => d.capabilityKw < d.flexibilityKw && !d.reason?.startsWith("opposite");
  if (!limited(whole.up) && !limited(whole.down)) return undefined;
  const byPod = new Map(pods.map((p) => [p.pod, p]));
  const groups = new Map<string, string[]>();
  for (const id of perimeter.pods) {
    const key = byPod.get(id)?.secondarySubstation ?? id;
    groups.set(key, [...(groups.get(key) ?? []), id]);
  }
  if (groups.size < 2) return undefined;
  const parts = [...groups].map(([ss, members]) => {
    const part = { id: `${perimeter.id}/${ss}`, pods: members.sort() };
    return { perimeter: part, light: dynamicTrafficLight(study, forecast, part, pods, localPlan) };
  });
  const sum = (d: Direction) => parts.reduce((s, p) => s + p.light[d].capabilityKw, 0);
  const gainKw = { up: sum("up") - whole.up.capabilityKw, down: sum("down") - whole.down.capabilityKw };
  if (gainKw.up <= 0 && gainKw.down <= 0) return undefined;
  return { perimeter: perimeter.id, parts, gainKw };
}

/** On chain a light has one colour: green when both directions are, red when neither admits anything. */
export function chainColour(light: DynamicLight): Colour {
  if (light.up.colour === "green" && light.down.colour === "green") return "green";
  if (light.up.capabilityKw === 0 && light.down.capabilityKw === 0) return "red";
  return "yellow";
}
