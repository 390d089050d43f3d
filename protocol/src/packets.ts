// Light Node packets (measurement, anomaly, activation): zod schemas for their data and the canonical encoding
// whose SHA-256 is signed with P-256, committed to in Merkle batches and decodable on chain (ABI encoding).
import { createHash } from "node:crypto";
import { encodeAbiParameters, hexToBytes, bytesToHex, type Hex } from "viem";
import { z } from "zod";
import { bytes32Schema, gridIdSchema, podIdToBytes32 } from "./ids";

/** Bumped whenever the canonical encoding changes; it is part of every signed packet. */
export const PACKET_ENCODING_VERSION = 1;

export const packetKinds = ["measurement", "anomaly", "activation"] as const;
export type PacketKind = (typeof packetKinds)[number];
const KIND_TAG: Record<PacketKind, number> = { measurement: 1, anomaly: 2, activation: 3 };

const uint64 = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const int64 = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
/** Unix time in milliseconds; bounded so a garbage value cannot pass as a date. */
const timestampMs = uint64.min(Date.UTC(2000, 0, 1)).max(Date.UTC(2200, 0, 1));

const header = {
  pod: gridIdSchema,
  timestampMs,
  /** Per-node counter, strictly increasing across every packet the node signs: the BAL's replay check. */
  sequence: uint64,
};

/** One meter reading: powers in W and var (load convention, + = consumption), energy counters in Wh. */
export const measurementSchema = z
  .object({
    ...header,
    activePowerW: int64,
    reactivePowerVar: int64,
    importedEnergyWh: uint64,
    exportedEnergyWh: uint64,
    /** Meter status word as read from the meter (0 = OK). */
    meterStatus: z.number().int().min(0).max(0xffff),
  })
  .strict();
export type Measurement = z.infer<typeof measurementSchema>;

export const anomalyTypes = [
  "meter-unreachable",
  "ems-unreachable",
  "dso-link-lost",
  "internet-lost",
  "node-offline",
  "link-restored",
] as const;
export type AnomalyType = (typeof anomalyTypes)[number];

/** A fault the Light Node observed (the MQTT last will is an anomaly too). */
export const anomalySchema = z
  .object({
    ...header,
    anomaly: z.enum(anomalyTypes),
    detail: z.string().max(256),
  })
  .strict();
export type Anomaly = z.infer<typeof anomalySchema>;

export const activationOutcomes = ["forwarded", "rejected", "ems-unreachable"] as const;

/** The node's answer to a setpoint: the three timestamps of DESIGN.md flow 7. */
export const activationSchema = z
  .object({
    ...header,
    setpointId: bytes32Schema,
    dsoSentMs: timestampMs,
    nodeReceivedMs: timestampMs,
    emsReceivedMs: timestampMs.nullable(),
    outcome: z.enum(activationOutcomes),
  })
  .strict();
export type Activation = z.infer<typeof activationSchema>;

export interface PacketDataByKind {
  measurement: Measurement;
  anomaly: Anomaly;
  activation: Activation;
}

export const packetDataSchemas = {
  measurement: measurementSchema,
  anomaly: anomalySchema,
  activation: activationSchema,
} as const;

const HEADER_TYPES = [
  { name: "version", type: "uint8" },
  { name: "kind", type: "uint8" },
  { name: "pod", type: "bytes32" },
  { name: "timestampMs", type: "uint64" },
  { name: "sequence", type: "uint64" },
] as const;

function headerValues(kind: PacketKind, data: { pod: string; timestampMs: number; sequence: number }) {
  return [
    PACKET_ENCODING_VERSION,
    KIND_TAG[kind],
    podIdToBytes32(data.pod),
    BigInt(data.timestampMs),
    BigInt(data.sequence),
  ] as const;
}

const ANOMALY_CODE: Record<AnomalyType, number> = Object.fromEntries(anomalyTypes.map((t, i) => [t, i + 1])) as Record<
  AnomalyType,
  number
>;
const OUTCOME_CODE = { forwarded: 1, rejected: 2, "ems-unreachable": 3 } as const;

/**
 * The canonical bytes of a packet's data: `abi.encode(version, kind, pod, timestampMs, sequence, ...fields)`.
 * Field order is fixed here, so two encoders never disagree, and a contract can `abi.decode` it in a dispute.
 */
export function encodePacketData<K extends PacketKind>(kind: K, data: PacketDataByKind[K]): Hex {
  switch (kind) {
    case "measurement": {
      const m = data as Measurement;
      return encodeAbiParameters(
        [
          ...HEADER_TYPES,
          { type: "int64" },
          { type: "int64" },
          { type: "uint64" },
          { type: "uint64" },
          { type: "uint16" },
        ],
        [
          ...headerValues(kind, m),
          BigInt(m.activePowerW),
          BigInt(m.reactivePowerVar),
          BigInt(m.importedEnergyWh),
          BigInt(m.exportedEnergyWh),
          m.meterStatus,
        ],
      );
    }
    case "anomaly": {
      const a = data as Anomaly;
      return encodeAbiParameters(
        [...HEADER_TYPES, { type: "uint8" }, { type: "string" }],
        [...headerValues(kind, a), ANOMALY_CODE[a.anomaly], a.detail],
      );
    }
    case "activation": {
      const a = data as Activation;
      return encodeAbiParameters(
        [
          ...HEADER_TYPES,
          { type: "bytes32" },
          { type: "uint64" },
          { type: "uint64" },
          { type: "uint64" },
          { type: "uint8" },
        ],
        [
          ...headerValues(kind, a),
          a.setpointId,
          BigInt(a.dsoSentMs),
          BigInt(a.nodeReceivedMs),
          BigInt(a.emsReceivedMs ?? 0),
          OUTCOME_CODE[a.outcome],
        ],
      );
    }
    default:
      throw new Error(`unknown packet kind ${String(kind)}`);
  }
}

export function sha256Hex(bytes: Uint8Array): Hex {
  return bytesToHex(createHash("sha256").update(bytes).digest());
}

/** SHA-256 of the canonical encoding: what the Light Node signs and what the Merkle leaf commits to. */
export function packetHash<K extends PacketKind>(kind: K, data: PacketDataByKind[K]): Hex {
  return sha256Hex(hexToBytes(encodePacketData(kind, data)));
}
