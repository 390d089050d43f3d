// The DSO's day forecast of everything in its network model that is not a market baseline: every load from its
// kind's typical profile (month, day type), every PV plant from irradiance, and, where the SCD holds certified
// readings of a PoD, that PoD's own profile refitted from its history (with the MAPE of that refit, the forecast
// KPIs IT_02 per customer and IT_03 per feeder). The oracle puts the aggregators' baselines on top.
import {
  clearSkyIrradiance,
  dayTypeOf,
  mape,
  pvForecast,
  SLOTS_PER_DAY,
  typicalProfile,
  type Network,
} from "../../grid";
import { DsoInputError } from "../errors";

/** One past day of a PoD's certified readings: 96 average kW values (load convention). */
export interface HistoryDay {
  /** Market day, "YYYY-MM-DD" (Rome). */
  date: string;
  kw: ArrayLike<number>;
}

/** Background of one slot, aligned with the model's loads and generators (kW). */
export interface SlotBackground {
  loadsKw: Float64Array;
  generatorsKw: Float64Array;
}

export interface ForecasterOptions {
  /**
   * The model's load values are a snapshot of this date and slot (e.g. the field test's measurement), not peaks:
   * each load's profile is scaled so that it gives its model value there. Default: the values are peaks.
   */
  snapshot?: { date: string; slot: number };
  /** Certified history per PoD (from the SCD); PoDs without history keep their load's typical profile. */
  historyOf?: (pod: string) => HistoryDay[];
}

/** The market day ("YYYY-MM-DD") of a session whose slot 0 starts at `dayStartMs` (UTC), in Rome's civil time. */
export function marketDateOf(dayStartMs: number): string {
  // Slot 0 is local midnight: a few hours after it is safely on the market day whatever the offset.
  return new Date(dayStartMs + 6 * 3600_000).toISOString().slice(0, 10);
}

/**
 * A PoD's profile for `date` from its certified history: per slot, the mean of its past days of the same day type
 * (weekday / Saturday / holiday), or of all its days when none has that type. Undefined without history.
 */
export function refitProfile(history: readonly HistoryDay[], date: string): Float64Array | undefined {
  for (const day of history)
    if (day.kw.length !== SLOTS_PER_DAY)
      throw new DsoInputError(`history of ${day.date}: ${day.kw.length} values, expected ${SLOTS_PER_DAY}`);
  const type = dayTypeOf(date);
  const same = history.filter((d) => dayTypeOf(d.date) === type);
  const days = same.length > 0 ? same : history;
  if (days.length === 0) return undefined;
  const out = new Float64Array(SLOTS_PER_DAY);
  for (const d of days) for (let s = 0; s < SLOTS_PER_DAY; s++) out[s] += d.kw[s] / days.length;
  return out;
}

/**
 * How good the refit is: each past day forecast from the others (leave one out) against what was measured, MAPE
 * in %. Undefined with fewer than two days. Summed over the PoDs of a feeder it gives the grid-level figure.
 */
export function backtestMape(history: readonly HistoryDay[]): number | undefined {
  if (history.length < 2) return undefined;
  const forecast: number[] = [];
  const measured: number[] = [];
  for (const [i, day] of history.entries()) {
    const fit = refitProfile(
      history.filter((_, j) => j !== i),
      day.date,
    )!;
    forecast.push(...fit);
    measured.push(...Array.from(day.kw));
  }
  return mape(forecast, measured);
}

export interface ForecastKpis {
  /** IT_02: mean MAPE (%) of the PoDs with a certified history (target ≤ 25 %). */
  it02CustomerMapePercent?: number;
  /** IT_03: MAPE (%) of each feeder's summed refitted PoDs (target ≤ 30 %). */
  it03FeederMapePercent: Record<string, number>;
}

export class DayForecaster {
  constructor(
    private readonly network: Network,
    private readonly options: ForecasterOptions = {},
  ) {}

  /** The 96 slots of background for a market day ("YYYY-MM-DD"). */
  forecastDay(date: string): SlotBackground[] {
    const month = Number(date.split("-")[1]);
    const dayType = dayTypeOf(date);
    const snapshot = this.options.snapshot;
    const loads = this.network.loads;
    const scale = loads.map((l) => {
      const kind = l.kind ?? "transformer";
      if (!snapshot) return l.pKw;
      const at = typicalProfile(kind, Number(snapshot.date.split("-")[1]), dayTypeOf(snapshot.date))[snapshot.slot];
      return at > 0 ? l.pKw / at : l.pKw;
    });
    const profiles = loads.map((l) => typicalProfile(l.kind ?? "transformer", month, dayType));
    // A PoD with certified history gets its own refit, spread over its loads by their model share.
    const refits = new Map<number, Float64Array>();
    if (this.options.historyOf) {
      const podLoads = new Map<string, number[]>();
      loads.forEach((l, i) => l.pod && podLoads.set(l.pod, [...(podLoads.get(l.pod) ?? []), i]));
      for (const [pod, indices] of podLoads) {
        const fit = refitProfile(this.options.historyOf(pod), date);
        if (!fit) continue;
        const total = indices.reduce((s, i) => s + Math.abs(loads[i].pKw), 0);
        for (const i of indices) {
          const share = total > 0 ? Math.abs(loads[i].pKw) / total : 1 / indices.length;
          refits.set(
            i,
            fit.map((v) => v * share),
          );
        }
      }
    }
    const irradiance = clearSkyIrradiance(date);
    const generators = this.network.generators;
    const pv = generators.map((g) => (g.kind === "pv" ? pvForecast(irradiance, Math.abs(g.pKw)) : undefined));
    return Array.from({ length: SLOTS_PER_DAY }, (_, s) => ({
      loadsKw: Float64Array.from(loads, (_, i) => refits.get(i)?.[s] ?? scale[i] * profiles[i][s]),
      generatorsKw: Float64Array.from(generators, (g, i) => pv[i]?.[s] ?? g.pKw),
    }));
  }

  /** IT_02 / IT_03 from the certified history of the model's PoDs. */
  kpis(feederOf: (pod: string) => string | null): ForecastKpis {
    const historyOf = this.options.historyOf;
    const perPod: number[] = [];
    const byFeeder = new Map<string, HistoryDay[][]>();
    if (historyOf)
      for (const pod of new Set(this.network.loads.flatMap((l) => (l.pod ? [l.pod] : [])))) {
        const history = historyOf(pod);
        const m = backtestMape(history);
        if (m !== undefined) perPod.push(m);
        const feeder = feederOf(pod);
        if (feeder && history.length > 0) byFeeder.set(feeder, [...(byFeeder.get(feeder) ?? []), history]);
      }
    const it03FeederMapePercent: Record<string, number> = {};
    for (const [feeder, histories] of byFeeder) {
      // The feeder's days: those every PoD of it has, summed.
      const dates = histories[0]
        .map((d) => d.date)
        .filter((date) => histories.every((h) => h.some((d) => d.date === date)));
      const summed = dates.map((date) => ({
        date,
        kw: Float64Array.from({ length: SLOTS_PER_DAY }, (_, s) =>
          histories.reduce((sum, h) => sum + h.find((d) => d.date === date)!.kw[s], 0),
        ),
      }));
      const m = backtestMape(summed);
      if (m !== undefined) it03FeederMapePercent[feeder] = m;
    }
    return {
      ...(perPod.length > 0 ? { it02CustomerMapePercent: perPod.reduce((a, b) => a + b, 0) / perPod.length } : {}),
      it03FeederMapePercent,
    };
  }
}
