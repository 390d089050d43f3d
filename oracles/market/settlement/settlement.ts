// Settlement math per PoD per slot from certified readings only: delivered = baseline − measured, effectiveness
// = delivered / awarded, payment and penalty by the PoD's scheme; and its exports by day, week and month.
import type { Measurement } from "../../../protocol";
import { SettlementError } from "../errors";
import { assessDelivery, type SchemeParameters } from "./assessment";

export const SLOT_MS = 15 * 60 * 1000;

/** A reading with whether the BAL certified it (signature and key checked, anchored in a batch on chain). */
export interface CertifiedReading {
  measurement: Measurement;
  certified: boolean;
}

export interface SettlementAward {
  sessionId: string;
  awardIndex: number;
  pod: string;
  slot: number;
  slotStartMs: number;
  /** Signed, load convention (negative = consumption down). */
  powerW: number;
  paymentMicroEur: number;
}

export type Evidence = "energy" | "power" | "none";

export interface SettlementRow extends SettlementAward {
  baselineW: number;
  /** Average measured power over the slot (null without certified readings). */
  measuredW: number | null;
  evidence: Evidence;
  /** This award's share of baseline − measured (0 without evidence: nothing proven, nothing delivered). */
  deliveredW: number;
  effectivenessBps: number;
  inBand: boolean;
  paidMicroEur: number;
  penaltyMicroEur: number;
  rewardMicroEur: number;
  customerPenaltyMicroEur: number;
}

export interface SettlementInput {
  awards: readonly SettlementAward[];
  baselineW(pod: string, slot: number): number;
  readings: readonly CertifiedReading[];
  schemeOf(pod: string): SchemeParameters;
}

/**
 * Average power of a PoD over [startMs, endMs) from certified readings: from the energy counters between the
 * first and last reading when there are two at different times, else the one reading's active power.
 */
export function measuredPowerW(
  readings: readonly Measurement[],
  startMs: number,
  endMs: number,
): { measuredW: number | null; evidence: Evidence } {
  const inSlot = readings
    .filter((m) => m.timestampMs >= startMs && m.timestampMs < endMs)
    .sort((a, b) => a.timestampMs - b.timestampMs);
  if (inSlot.length === 0) return { measuredW: null, evidence: "none" };
  const first = inSlot[0];
  const last = inSlot[inSlot.length - 1];
  if (last.timestampMs > first.timestampMs) {
    const netWh = last.importedEnergyWh - first.importedEnergyWh - (last.exportedEnergyWh - first.exportedEnergyWh);
    return { measuredW: Math.round((netWh * 3_600_000) / (last.timestampMs - first.timestampMs)), evidence: "energy" };
  }
  return { measuredW: first.activePowerW, evidence: "power" };
}

export function settleAwards(input: SettlementInput): SettlementRow[] {
  const certified = new Map<string, Measurement[]>();
  for (const r of input.readings) {
    if (!r.certified) continue;
    const list = certified.get(r.measurement.pod) ?? [];
    list.push(r.measurement);
    certified.set(r.measurement.pod, list);
  }
  // Delivery is measured per PoD and slot; several awards there share it in proportion to their power.
  const groups = new Map<string, SettlementAward[]>();
  for (const a of input.awards) {
    if (a.powerW === 0) throw new SettlementError(`award ${a.sessionId}/${a.awardIndex}: zero power`);
    const key = `${a.pod}|${a.slotStartMs}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  const rows: SettlementRow[] = [];
  for (const awards of groups.values()) {
    const { pod, slot, slotStartMs } = awards[0];
    if (awards.some((a) => Math.sign(a.powerW) !== Math.sign(awards[0].powerW)))
      throw new SettlementError(`pod ${pod} slot ${slot}: awards in both directions`);
    const baselineW = input.baselineW(pod, slot);
    const { measuredW, evidence } = measuredPowerW(certified.get(pod) ?? [], slotStartMs, slotStartMs + SLOT_MS);
    const podDeliveredW = measuredW === null ? 0 : baselineW - measuredW;
    const totalW = awards.reduce((s, a) => s + a.powerW, 0);
    let givenW = 0;
    awards.forEach((award, i) => {
      const deliveredW =
        i === awards.length - 1 ? podDeliveredW - givenW : Math.trunc((podDeliveredW * award.powerW) / totalW);
      givenW += deliveredW;
      const a = assessDelivery(
        input.schemeOf(pod),
        BigInt(award.powerW),
        BigInt(deliveredW),
        BigInt(award.paymentMicroEur),
      );
      rows.push({
        ...award,
        baselineW,
        measuredW,
        evidence,
        deliveredW,
        effectivenessBps: Number(a.effectivenessBps),
        inBand: a.inBand,
        paidMicroEur: Number(a.paidMicroEur),
        penaltyMicroEur: Number(a.penaltyMicroEur),
        rewardMicroEur: Number(a.rewardMicroEur),
        customerPenaltyMicroEur: Number(a.customerPenaltyMicroEur),
      });
    });
  }
  return rows.sort((a, b) => a.slotStartMs - b.slotStartMs || a.awardIndex - b.awardIndex);
}

export type Period = "day" | "week" | "month";

/** The period a time falls in, UTC: 2021-06-23, 2021-W25 (ISO week), 2021-06. */
export function periodKey(timeMs: number, period: Period): string {
  const d = new Date(timeMs);
  const iso = d.toISOString();
  if (period === "day") return iso.slice(0, 10);
  if (period === "month") return iso.slice(0, 7);
  // ISO week: weeks run Monday–Sunday and belong to the year of their Thursday.
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  thursday.setUTCDate(thursday.getUTCDate() + 4 - (thursday.getUTCDay() || 7));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((thursday.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

export interface SettlementSummary {
  period: string;
  pod: string;
  awards: number;
  /** |awarded| and delivered energy in Wh (power × 15 min). */
  awardedWh: number;
  deliveredWh: number;
  /** Σ delivered / Σ expected, in basis points. */
  effectivenessBps: number;
  paymentMicroEur: number;
  paidMicroEur: number;
  penaltyMicroEur: number;
  rewardMicroEur: number;
  customerPenaltyMicroEur: number;
}

export function summarise(rows: readonly SettlementRow[], period: Period): SettlementSummary[] {
  const groups = new Map<string, SettlementRow[]>();
  for (const r of rows) {
    const key = `${periodKey(r.slotStartMs, period)}|${r.pod}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const sum = (list: SettlementRow[], f: (r: SettlementRow) => number) => list.reduce((s, r) => s + f(r), 0);
  return [...groups.entries()]
    .map(([key, list]) => {
      const [p, pod] = key.split("|");
      const expectedW = sum(list, (r) => -r.powerW);
      const deliveredW = sum(list, (r) => r.deliveredW);
      return {
        period: p,
        pod,
        awards: list.length,
        awardedWh: sum(list, (r) => Math.abs(r.powerW)) / 4,
        deliveredWh: deliveredW / 4,
        effectivenessBps: expectedW === 0 ? 0 : Math.trunc((deliveredW * 10_000) / expectedW),
        paymentMicroEur: sum(list, (r) => r.paymentMicroEur),
        paidMicroEur: sum(list, (r) => r.paidMicroEur),
        penaltyMicroEur: sum(list, (r) => r.penaltyMicroEur),
        rewardMicroEur: sum(list, (r) => r.rewardMicroEur),
        customerPenaltyMicroEur: sum(list, (r) => r.customerPenaltyMicroEur),
      };
    })
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0));
}

/** CSV with a header row; values quoted only when they need it. */
export function toCsv<T extends object>(records: readonly T[]): string {
  if (records.length === 0) return "";
  const columns = Object.keys(records[0]) as (keyof T)[];
  const cell = (v: unknown): string => {
    const text = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(","), ...records.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

export function exportSettlements(rows: readonly SettlementRow[], period: Period, format: "csv" | "json"): string {
  const summary = summarise(rows, period);
  return format === "csv" ? toCsv(summary) : `${JSON.stringify(summary, null, 2)}\n`;
}
