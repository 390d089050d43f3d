// The 15-minute publication to the aggregator: per PoD and quarter-hour, what its certified readings say, or a
// gap record when the PoD sent nothing. Pure core (summarise) + a thin scheduler in the service.
import type { Measurement } from "../../protocol";
import type { StoredPacket } from "./scd/scdStore";

export const SLOT_MS = 15 * 60_000;

export interface SlotPublication {
  pod: string;
  slotStartMs: number;
  gap: boolean;
  readings: number;
  /** mean active power over the readings, W (load convention) */
  meanActivePowerW: number | null;
  /** imported/exported energy counter increase between the first and last reading of the slot, Wh */
  importedEnergyWh: number | null;
  exportedEnergyWh: number | null;
  firstSequence: number | null;
  lastSequence: number | null;
  /** hashes of the readings, so the aggregator can fetch proofs */
  packetHashes: string[];
}

export function slotStartOf(timeMs: number): number {
  return Math.floor(timeMs / SLOT_MS) * SLOT_MS;
}

/** Summarises one PoD's measurement packets of one slot (already filtered to the slot, any order). */
export function summariseSlot(pod: string, slotStartMs: number, packets: readonly StoredPacket[]): SlotPublication {
  const ms = packets.filter((p) => p.kind === "measurement").sort((a, b) => a.seq - b.seq);
  if (ms.length === 0) {
    return {
      pod,
      slotStartMs,
      gap: true,
      readings: 0,
      meanActivePowerW: null,
      importedEnergyWh: null,
      exportedEnergyWh: null,
      firstSequence: null,
      lastSequence: null,
      packetHashes: [],
    };
  }
  const data = ms.map((p) => p.data as Measurement);
  const first = data[0]!;
  const last = data[data.length - 1]!;
  return {
    pod,
    slotStartMs,
    gap: false,
    readings: ms.length,
    meanActivePowerW: Math.round(data.reduce((s, d) => s + d.activePowerW, 0) / data.length),
    importedEnergyWh: last.importedEnergyWh - first.importedEnergyWh,
    exportedEnergyWh: last.exportedEnergyWh - first.exportedEnergyWh,
    firstSequence: first.sequence,
    lastSequence: last.sequence,
    packetHashes: ms.map((p) => p.hash),
  };
}
