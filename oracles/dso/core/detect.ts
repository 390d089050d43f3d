// Congestion and voltage detection: a power flow per forecast slot and the alarm list (element, value, limit, slot).
import type { GridStudy } from "./gridStudy";
import type { Alarm, ForecastSlot } from "./types";

export interface DetectionResult {
  alarms: Alarm[];
  /** Slots whose power flow found at least one violation. */
  congestedSlots: number[];
  /** Largest branch loading and lowest/highest voltage of the day, for the operator's summary. */
  worst: { loadingPercent: number; branch: string; slot: number; minVPu: number; maxVPu: number };
}

export function detectViolations(study: GridStudy, forecast: ForecastSlot[]): DetectionResult {
  const alarms: Alarm[] = [];
  const congested = new Set<number>();
  const worst = { loadingPercent: 0, branch: "", slot: -1, minVPu: Infinity, maxVPu: -Infinity };
  for (const slot of forecast) {
    const { result, alarms: slotAlarms } = study.solve(slot);
    for (const alarm of slotAlarms) {
      alarms.push(alarm);
      congested.add(slot.slot);
    }
    if (result.maxLoading.loadingPercent > worst.loadingPercent) {
      worst.loadingPercent = result.maxLoading.loadingPercent;
      worst.branch = result.maxLoading.branch;
      worst.slot = slot.slot;
    }
    worst.minVPu = Math.min(worst.minVPu, result.minVoltage.vPu);
    worst.maxVPu = Math.max(worst.maxVPu, result.maxVoltage.vPu);
  }
  return { alarms, congestedSlots: [...congested].sort((a, b) => a - b), worst };
}

/** The alarm list as the seeds' operators read it: one line per violation. */
export function formatAlarm(alarm: Alarm): string {
  const digits = alarm.unit === "A" ? 2 : 4;
  return `slot ${alarm.slot}: ${alarm.kind} on ${alarm.element}: ${alarm.value.toFixed(digits)} ${alarm.unit} (limit ${alarm.limit.toFixed(digits)} ${alarm.unit})`;
}
