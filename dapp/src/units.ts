// The dApp's one units module: the chain keeps integers (kW, milli-EUR per kW, micro-EUR); people read kW and EUR.
// Conversions happen here and nowhere else.

export type Kw = number & { readonly __unit: "kW" };
export type MilliEurPerKw = number & { readonly __unit: "mEUR/kW" };
export type MicroEur = bigint & { readonly __unit: "µEUR" };

const eur = new Intl.NumberFormat("en-GB", { style: "currency", currency: "EUR", maximumFractionDigits: 3 });
const eur2 = new Intl.NumberFormat("en-GB", { style: "currency", currency: "EUR", maximumFractionDigits: 2 });
const num = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 3 });

export function formatKw(kw: number): string {
  return `${num.format(kw)} kW`;
}

/** milli-EUR per kW (chain) → "€0.125/kW". */
export function formatPriceMilli(priceMilliEurPerKw: number | bigint | string): string {
  return `${eur.format(Number(priceMilliEurPerKw) / 1000)}/kW`;
}

/** A request's max price of uint32's maximum means "no price cap" (the seeds' TSO requests give none). */
export const NO_PRICE_CAP = 0xffffffffn;

/** EUR per kW typed by a person → milli-EUR per kW for the chain; rejects what the chain cannot hold. */
export function eurPerKwToMilli(eurPerKw: number): MilliEurPerKw {
  const milli = Math.round(eurPerKw * 1000);
  if (!Number.isFinite(milli) || milli < 0 || milli > 0xffffffff)
    throw new RangeError(`${eurPerKw} EUR/kW is outside 0 … ${0xffffffff / 1000} EUR/kW`);
  return milli as MilliEurPerKw;
}

/** micro-EUR (chain, token units) → "€1.23". */
export function formatMicroEur(microEur: bigint | number | string): string {
  const value = BigInt(microEur);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const euros = Number(abs / 1_000_000n) + Number(abs % 1_000_000n) / 1e6;
  return `${negative ? "−" : ""}${eur2.format(euros)}`;
}

/** Unix seconds (chain) → local date and time. */
export function formatTime(seconds: number | bigint | string): string {
  return new Date(Number(seconds) * 1000).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

/** "1 h 05 min 07 s" until `target` (unix seconds) from `now` (unix seconds); "closed" when past. */
export function formatCountdown(targetSeconds: number, nowSeconds: number): string {
  let left = Math.floor(targetSeconds - nowSeconds);
  if (left <= 0) return "closed";
  const days = Math.floor(left / 86400);
  left -= days * 86400;
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${days > 0 ? `${days} d ` : ""}${h} h ${pad(m)} min ${pad(s)} s`;
}

/** Start time (unix seconds) of a slot of a market day: 15-minute slots from the day's start. */
export const SLOT_SECONDS = 15 * 60;
export function slotLabel(dayStartTime: number, slotIndex: number): string {
  const start = new Date((dayStartTime + slotIndex * SLOT_SECONDS) * 1000);
  return `${slotIndex} (${start.toISOString().slice(11, 16)} UTC)`;
}

/**
 * The settlement period a market day (days since 1970-01-01) falls in: "2026-06-23" (day), "2026-W26" (ISO week,
 * Monday first) or "2026-06" (month), the same periods as the BAL's exports.
 */
export function periodOf(day: number, period: "day" | "week" | "month"): string {
  const date = new Date(day * 86_400_000);
  if (period === "day") return date.toISOString().slice(0, 10);
  if (period === "month") return date.toISOString().slice(0, 7);
  const thursday = new Date(date);
  thursday.setUTCDate(date.getUTCDate() + 3 - ((date.getUTCDay() + 6) % 7));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}
