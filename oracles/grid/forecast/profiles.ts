// Typical daily load profiles at 15-minute resolution by customer kind, month and day type (weekday,
// Saturday, Sunday/holiday), as the DSO's forecast tool uses them, plus the Italian calendar of holidays.
// Values are in pu of the customer's peak power: a load of peak P draws P × profile[slot] in that slot.

export type CustomerKind = "residential" | "commercial" | "industrial" | "transformer";
export type DayType = "weekday" | "saturday" | "holiday";
export const SLOTS_PER_DAY = 96;

/** Easter Sunday (Gregorian, anonymous algorithm) as [month 1-12, day]. */
export function easterSunday(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

/** Italian national holidays (and Rome's patron saints' day, 29 June, when `rome` is true). */
export function isItalianHoliday(year: number, month: number, day: number, rome = true): boolean {
  const fixed = ["1-1", "1-6", "4-25", "5-1", "6-2", "8-15", "11-1", "12-8", "12-25", "12-26"];
  if (rome) fixed.push("6-29");
  if (fixed.includes(`${month}-${day}`)) return true;
  const [em, ed] = easterSunday(year);
  const monday = new Date(Date.UTC(year, em - 1, ed + 1));
  return monday.getUTCMonth() + 1 === month && monday.getUTCDate() === day;
}

/** Day type of a calendar date given as "YYYY-MM-DD" (the local market day). */
export function dayTypeOf(date: string, rome = true): DayType {
  const [year, month, day] = date.split("-").map(Number);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  if (weekday === 0 || isItalianHoliday(year, month, day, rome)) return "holiday";
  return weekday === 6 ? "saturday" : "weekday";
}

/** Smooth bump centred at `hour` with width `sigma` hours. */
const bump = (h: number, hour: number, sigma: number) => Math.exp(-0.5 * ((h - hour) / sigma) ** 2);
/** Smooth plateau between two hours (logistic edges of ~20 min). */
const plateau = (h: number, start: number, end: number) =>
  1 / (1 + Math.exp(-(h - start) * 3)) - 1 / (1 + Math.exp(-(h - end) * 3));

const summer = (month: number) => month >= 6 && month <= 8;
const winter = (month: number) => month === 12 || month <= 2;

/** Seasonal level per month (January first), relative to the year's highest month. */
const MONTHLY_LEVEL: Record<Exclude<CustomerKind, "transformer">, number[]> = {
  residential: [1.0, 0.96, 0.87, 0.78, 0.74, 0.83, 0.91, 0.8, 0.74, 0.78, 0.87, 1.0],
  commercial: [0.85, 0.85, 0.8, 0.76, 0.8, 0.93, 1.0, 0.83, 0.85, 0.8, 0.8, 0.85],
  industrial: [0.95, 1.0, 1.0, 0.97, 0.97, 0.97, 0.95, 0.6, 0.97, 1.0, 1.0, 0.9],
};

function shape(kind: Exclude<CustomerKind, "transformer">, month: number, dayType: DayType, h: number): number {
  switch (kind) {
    case "residential": {
      const morning = dayType === "weekday" ? bump(h, 7.5, 1.0) * 0.3 : bump(h, 9.5, 1.5) * 0.3;
      const midday = bump(h, 13.5, 1.5) * (dayType === "weekday" ? 0.2 : 0.35);
      const evening = bump(h, winter(month) ? 19.5 : 20.75, 1.8) * 0.7;
      const cooling = summer(month) ? bump(h, 15.5, 2.5) * 0.3 : 0;
      return 0.3 + morning + midday + evening + cooling;
    }
    case "commercial": {
      const open =
        dayType === "weekday"
          ? plateau(h, 8.5, 19.5)
          : dayType === "saturday"
            ? 0.7 * plateau(h, 9, 19)
            : 0.15 * plateau(h, 10, 18);
      const cooling = summer(month) ? bump(h, 14.5, 2.5) * 0.25 * open : 0;
      return 0.2 + 0.8 * open + cooling;
    }
    case "industrial": {
      const shifts = dayType === "weekday" ? plateau(h, 6, 22) : dayType === "saturday" ? 0.6 * plateau(h, 6, 14) : 0;
      const lunch = dayType === "weekday" ? bump(h, 12.75, 0.4) * 0.1 : 0;
      return 0.3 + 0.7 * shifts - lunch;
    }
  }
}

const cache = new Map<string, Float64Array>();

/**
 * The 96-value typical profile in pu of peak. An MV/LV transformer ("transformer") aggregates its LV
 * customers: a mix of 60 % residential, 30 % commercial and 10 % industrial demand.
 */
export function typicalProfile(kind: CustomerKind, month: number, dayType: DayType): Float64Array {
  const key = `${kind}/${month}/${dayType}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const out = new Float64Array(SLOTS_PER_DAY);
  if (kind === "transformer") {
    const parts: [Exclude<CustomerKind, "transformer">, number][] = [
      ["residential", 0.6],
      ["commercial", 0.3],
      ["industrial", 0.1],
    ];
    for (const [part, share] of parts) {
      const p = typicalProfile(part, month, dayType);
      for (let s = 0; s < SLOTS_PER_DAY; s++) out[s] += share * p[s];
    }
  } else {
    // The reference day (weekday of the highest month) peaks at 1 pu.
    let reference = 0;
    for (let s = 0; s < SLOTS_PER_DAY; s++) reference = Math.max(reference, shape(kind, 1, "weekday", (s + 0.5) / 4));
    for (let m = 1; m <= 12; m++)
      for (let s = 0; s < SLOTS_PER_DAY; s++) reference = Math.max(reference, shape(kind, m, "weekday", (s + 0.5) / 4));
    for (let s = 0; s < SLOTS_PER_DAY; s++)
      out[s] = (MONTHLY_LEVEL[kind][month - 1] * shape(kind, month, dayType, (s + 0.5) / 4)) / reference;
  }
  cache.set(key, out);
  return out;
}

/** Forecast of a customer's or transformer's demand for a market day ("YYYY-MM-DD"), 96 values in kW. */
export function forecastLoad(peakKw: number, kind: CustomerKind, date: string): Float64Array {
  const month = Number(date.split("-")[1]);
  const profile = typicalProfile(kind, month, dayTypeOf(date));
  return profile.map((v) => v * peakKw);
}

/** Minimal shape of a network's loads needed to forecast them (the model's Load satisfies it). */
interface ForecastableLoad {
  pKw: number;
  kind?: CustomerKind;
}

/**
 * Day-ahead load forecast of every load of a network: 96 arrays of kW aligned with `loads` (usable as
 * SlotInjections.loadsKw), taking each load's model pKw as its peak and its kind's typical profile
 * (loads without a kind are MV/LV transformers).
 */
export function forecastLoadsKw(loads: readonly ForecastableLoad[], date: string): Float64Array[] {
  const month = Number(date.split("-")[1]);
  const dayType = dayTypeOf(date);
  const profiles = loads.map((l) => typicalProfile(l.kind ?? "transformer", month, dayType));
  const slots: Float64Array[] = [];
  for (let s = 0; s < SLOTS_PER_DAY; s++) {
    const values = new Float64Array(loads.length);
    for (let i = 0; i < loads.length; i++) values[i] = loads[i].pKw * profiles[i][s];
    slots.push(values);
  }
  return slots;
}
