// Setpoints from final outcomes: per PoD, the 16 quarter-hour (P, Q) pairs of a 4-hour window (P = baseline ∓ the
// admitted quantity, Q from the PoD's cos φ), as protocol setpoint messages signed by the DSO oracle wallet.
import { encodeAbiParameters, keccak256, type Hex } from "viem";
import {
  podIdToBytes32,
  signSetpoint,
  SLOT_MS,
  SLOTS_PER_SETPOINT,
  type SetpointMessage,
  type UnsignedSetpoint,
} from "../../../protocol";
import { DsoInputError } from "../errors";
import { signOf, type Direction } from "./types";

/** One final outcome of the market for a PoD and slot (what the PoD must deliver). */
export interface FinalOutcome {
  pod: string;
  /** Slot of the market day (0..95). */
  slot: number;
  direction: Direction;
  /** Admitted quantity after validation, kW (0 = nothing to do). */
  quantityKw: number;
}

export interface SetpointInputs {
  /** UTC ms of slot 0 of the market day. */
  dayStartMs: number;
  /** First slot of the 16-slot window (e.g. 48 for 12:00-16:00). */
  firstSlot: number;
  outcomes: FinalOutcome[];
  /** Baseline per PoD, 96 values in kW (load convention). */
  baselinesKw: Record<string, ArrayLike<number>>;
  cosPhi: Record<string, number>;
  /** When the message is built (ms). */
  sentMs: number;
  /** Distinguishes setpoints of different sessions for the same window (e.g. the session id). */
  session: bigint;
}

/** Deterministic setpoint id: the same session, PoD and window always give the same id (idempotent dispatch). */
export function setpointIdOf(session: bigint, pod: string, windowStartMs: number): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "bytes32" }, { type: "uint64" }],
      [session, podIdToBytes32(pod), BigInt(windowStartMs)],
    ),
  );
}

/** Reactive power that keeps the PoD at its power factor, with the sign of P (load convention). */
export function reactiveOf(pW: number, cosPhi: number): number {
  if (cosPhi <= 0 || cosPhi > 1) throw new DsoInputError(`cos φ ${cosPhi} is outside (0, 1]`);
  return Math.round(pW * Math.tan(Math.acos(cosPhi)));
}

/** The unsigned setpoints of every PoD that has a non-zero outcome in the window. */
export function buildSetpoints(inputs: SetpointInputs): UnsignedSetpoint[] {
  const { firstSlot, dayStartMs } = inputs;
  const lastSlot = firstSlot + SLOTS_PER_SETPOINT - 1;
  const byPod = new Map<string, FinalOutcome[]>();
  for (const o of inputs.outcomes) {
    if (o.slot < firstSlot || o.slot > lastSlot || o.quantityKw <= 0) continue;
    byPod.set(o.pod, [...(byPod.get(o.pod) ?? []), o]);
  }
  const windowStartMs = dayStartMs + firstSlot * SLOT_MS;
  return [...byPod.keys()].sort().map((pod) => {
    const baseline = inputs.baselinesKw[pod];
    if (!baseline) throw new DsoInputError(`no baseline for PoD ${pod}`);
    const cosPhi = inputs.cosPhi[pod];
    if (cosPhi === undefined) throw new DsoInputError(`no cos φ for PoD ${pod}`);
    const slots = Array.from({ length: SLOTS_PER_SETPOINT }, (_, i) => {
      const slot = firstSlot + i;
      const change = byPod
        .get(pod)!
        .filter((o) => o.slot === slot)
        .reduce((s, o) => s + signOf(o.direction) * o.quantityKw, 0);
      const pW = Math.round(((baseline[slot] ?? 0) + change) * 1000);
      return { pW, qVar: reactiveOf(pW, cosPhi) };
    });
    return {
      setpointId: setpointIdOf(inputs.session, pod, windowStartMs),
      pod,
      windowStartMs,
      slots,
      dsoSentMs: inputs.sentMs,
    };
  });
}

export async function signSetpoints(setpoints: UnsignedSetpoint[], dsoOracleKey: Hex): Promise<SetpointMessage[]> {
  return Promise.all(setpoints.map((s) => signSetpoint(s, dsoOracleKey)));
}
