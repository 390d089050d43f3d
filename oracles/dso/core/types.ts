// Plain data of the DSO oracle's core: PoDs as the DSO sees them, the per-slot forecast, alarms, requests,
// traffic lights, awards and validations. Powers in kW, load convention (positive = consumption).

export type Direction = "up" | "down";
export type ViolationKind = "overload" | "undervoltage" | "overvoltage";

/** A PoD with what the DSO knows of it: where it is and what it may do (after the static traffic light). */
export interface DsoPod {
  pod: string;
  /** Feeder and PoM from the network model's mapping. */
  feeder: string | null;
  pom: string | null;
  secondarySubstation?: string;
  prequalified: boolean;
  /** Admitted flexibility (qualified), kW. */
  maxUpKw: number;
  maxDownKw: number;
  cosPhi: number;
  /** What the DSO expects to pay per kW in each direction (EUR/kW), for least-cost sizing; default 1. */
  expectedPriceEurPerKw?: { up?: number; down?: number };
}

/** One slot of the forecast: PoD consumptions (baselines) and, optionally, other loads of the model. */
export interface ForecastSlot {
  slot: number;
  podsKw: Record<string, number>;
  /** Background loads by load id (kW); loads not named keep their model value. */
  loadsKw?: Record<string, number> | ArrayLike<number>;
  /** Generator outputs by id or aligned with the model's generators (kW, e.g. PV from irradiance). */
  generatorsKw?: Record<string, number> | ArrayLike<number>;
}

/** One line of the alarm list: what is violated, by how much, in which slot. */
export interface Alarm {
  slot: number;
  kind: ViolationKind;
  element: string;
  value: number;
  limit: number;
  unit: "A" | "pu";
}

/** The oracle's request for flexibility, as posted on chain (FlexMarket.submitDsoRequest). */
export interface DsoRequestPlan {
  slot: number;
  direction: Direction;
  pods: string[];
  /** Σ baselines of the PoD set + the change, kW (what the PoDs together should draw). */
  targetKw: number;
  /** The change from baseline, kW, signed (down < 0). */
  deltaKw: number;
  maxPriceEurPerKw: number;
  /** The least-cost split found by the LP (what the request was sized on), kW signed. */
  plan: Record<string, number>;
  /** The alarms this request removes. */
  solves: Alarm[];
}

/** An award of a cleared session, as the validation sees it. */
export interface AwardToValidate {
  awardIndex: number;
  pod: string;
  slot: number;
  direction: Direction;
  /** Magnitude, kW (the direction gives the sign). */
  quantityKw: number;
  by?: "DSO" | "TSO";
  /**
   * The award's place in the market's priority order (0 = first: DSO requests before TSO ones, then merit order),
   * the seeds' "penalty factors": validation cuts the later awards first. Absent: all equal (least total cut).
   */
  priority?: number;
}

export type Verdict = "ok" | "ko" | "partial";

export interface AwardValidation {
  awardIndex: number;
  pod: string;
  slot: number;
  verdict: Verdict;
  awardedKw: number;
  /** What the DSO admits: awardedKw (ok), less (partial), 0 (ko). */
  admittedKw: number;
  /** The violation the award caused with every award applied (absent when ok). */
  reason?: Alarm;
}

export function signOf(direction: Direction): 1 | -1 {
  return direction === "up" ? 1 : -1;
}

export function oppositeOf(direction: Direction): Direction {
  return direction === "up" ? "down" : "up";
}
