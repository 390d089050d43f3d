// ECDSA P-256 for Light Nodes: signing with @noble/curves (portable, what a device SDK would do) and verification
// with node:crypto (OpenSSL, several times faster, the BAL's hot path). Signatures are 64-byte r||s with low s,
// the form OpenZeppelin's P256.verify accepts on chain.
import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from "node:crypto";
import { p256 } from "@noble/curves/nist.js";
import { bytesToHex, hexToBytes, type Hex } from "viem";
import { z } from "zod";
import { bytes32Schema, gridIdSchema, hexSchema } from "./ids";
import {
  PACKET_ENCODING_VERSION,
  encodePacketData,
  packetDataSchemas,
  packetHash,
  packetKinds,
  sha256Hex,
  type Measurement,
  type PacketDataByKind,
  type PacketKind,
} from "./packets";

const P256_ORDER = p256.Point.CURVE().n;
const HALF_ORDER = P256_ORDER >> 1n;

/** A signed packet as published on MQTT (seed fields: PoD, Hash, SignedHash, PublicKey, InputData). */
export const signedPacketSchema = z
  .object({
    kind: z.enum(packetKinds),
    pod: gridIdSchema,
    hash: bytes32Schema,
    signature: hexSchema.refine((s) => s.length === 2 + 128, "must be 64 bytes r||s"),
    publicKey: hexSchema.refine(
      (k) => k.length === 2 + 130 && k.startsWith("0x04"),
      "must be an uncompressed P-256 key (65 bytes, 0x04...)",
    ),
    data: z.unknown(),
  })
  .strict();

export interface SignedPacket<K extends PacketKind = PacketKind> {
  kind: K;
  pod: string;
  hash: Hex;
  signature: Hex;
  publicKey: Hex;
  data: PacketDataByKind[K];
}

export interface LightNodeKey {
  privateKey: Uint8Array;
  /** Uncompressed SEC1 point, 0x04 || x || y. */
  publicKey: Hex;
}

export function generateLightNodeKey(): LightNodeKey {
  const privateKey = p256.utils.randomSecretKey();
  return { privateKey, publicKey: publicKeyOf(privateKey) };
}

export function publicKeyOf(privateKey: Uint8Array): Hex {
  return bytesToHex(p256.getPublicKey(privateKey, false));
}

/** The affine coordinates of a key, as OpenZeppelin's `P256.verify(hash, r, s, qx, qy)` takes them. */
export function publicKeyXY(publicKey: Hex): { x: Hex; y: Hex } {
  const bytes = hexToBytes(publicKey);
  if (bytes.length !== 65 || bytes[0] !== 4) throw new Error("expected an uncompressed P-256 public key");
  return { x: bytesToHex(bytes.slice(1, 33)), y: bytesToHex(bytes.slice(33)) };
}

/** Splits a 64-byte signature into the (r, s) words a contract takes. */
export function signatureRS(signature: Hex): { r: Hex; s: Hex } {
  return { r: `0x${signature.slice(2, 66)}`, s: `0x${signature.slice(66, 130)}` };
}

/** Signs a packet's canonical encoding (ECDSA P-256 over its SHA-256) and wraps it for publication. */
export function signPacket<K extends PacketKind>(
  kind: K,
  data: PacketDataByKind[K],
  privateKey: Uint8Array,
): SignedPacket<K> {
  const encoded = hexToBytes(encodePacketData(kind, data));
  const signature = p256.sign(encoded, privateKey, { lowS: true });
  return {
    kind,
    pod: data.pod,
    hash: sha256Hex(encoded),
    signature: bytesToHex(signature),
    publicKey: publicKeyOf(privateKey),
    data,
  };
}

export type VerifyFailure = "malformed" | "hash-mismatch" | "bad-key" | "bad-signature" | "pod-mismatch";
export type VerifyResult = { ok: true; packet: SignedPacket } | { ok: false; reason: VerifyFailure; detail: string };

// Importing a key is the costly part of an OpenSSL verify; nodes publish every few seconds, so keep them.
const keyCache = new Map<Hex, KeyObject>();
const KEY_CACHE_LIMIT = 100_000;

function toKeyObject(publicKey: Hex): KeyObject {
  let key = keyCache.get(publicKey);
  if (!key) {
    const { x, y } = publicKeyXY(publicKey);
    key = createPublicKey({
      format: "jwk",
      key: {
        kty: "EC",
        crv: "P-256",
        x: Buffer.from(hexToBytes(x)).toString("base64url"),
        y: Buffer.from(hexToBytes(y)).toString("base64url"),
      },
    });
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(publicKey, key);
  }
  return key;
}

/**
 * Checks a packet received from outside: shape and data schema, hash = SHA-256 of the canonical encoding,
 * key on the curve, low-s signature valid for that key. Never throws; says which check failed.
 * Whether the key is the one registered for the PoD is the caller's check (it needs the chain).
 * A well-formed, validly signed measurement (the BAL's hot path) is accepted by hand-written checks that accept
 * exactly what the schemas accept; anything else goes through `verifyPacketReference`, which names the failure.
 */
export function verifyPacket(input: unknown): VerifyResult {
  return verifyMeasurementFast(input) ?? verifyPacketReference(input);
}

/**
 * `verifyPacket` by the zod schemas and the generic canonical encoder alone: the reference the fast path is tested
 * against (property test: same result for any input), and what `verifyPacket` falls back to.
 */
export function verifyPacketReference(input: unknown): VerifyResult {
  const shape = signedPacketSchema.safeParse(input);
  if (!shape.success)
    return {
      ok: false,
      reason: "malformed",
      detail: shape.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    };
  const { kind } = shape.data;
  const data = packetDataSchemas[kind].safeParse(shape.data.data);
  if (!data.success)
    return {
      ok: false,
      reason: "malformed",
      detail: data.error.issues.map((i) => `data.${i.path.join(".")}: ${i.message}`).join("; "),
    };
  if (data.data.pod !== shape.data.pod)
    return { ok: false, reason: "pod-mismatch", detail: `packet pod ${shape.data.pod} but data pod ${data.data.pod}` };
  const encoded = hexToBytes(encodePacketData(kind, data.data as never));
  const hash = sha256Hex(encoded);
  if (hash !== shape.data.hash.toLowerCase())
    return { ok: false, reason: "hash-mismatch", detail: `hash ${shape.data.hash} but data hashes to ${hash}` };
  let key: KeyObject;
  try {
    key = toKeyObject(shape.data.publicKey);
  } catch (error) {
    return { ok: false, reason: "bad-key", detail: (error as Error).message };
  }
  const signature = hexToBytes(shape.data.signature);
  const s = BigInt(bytesToHex(signature.slice(32)));
  if (s === 0n || s > HALF_ORDER)
    return { ok: false, reason: "bad-signature", detail: "s is zero or not in the lower half of the curve order" };
  const valid = cryptoVerify("sha256", encoded, { key, dsaEncoding: "ieee-p1363" }, signature);
  if (!valid)
    return { ok: false, reason: "bad-signature", detail: "signature does not verify against the packet's public key" };
  return { ok: true, packet: { ...shape.data, hash, data: data.data } as SignedPacket };
}

const GRID_ID = /^[\x21-\x7e]+$/;
const HEX = /^0x[0-9a-fA-F]*$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const ENVELOPE_KEYS = ["kind", "pod", "hash", "signature", "publicKey", "data"] as const;
const MEASUREMENT_KEYS = [
  "pod",
  "timestampMs",
  "sequence",
  "activePowerW",
  "reactivePowerVar",
  "importedEnergyWh",
  "exportedEnergyWh",
  "meterStatus",
] as const;
const MIN_TIMESTAMP_MS = Date.UTC(2000, 0, 1);
const MAX_TIMESTAMP_MS = Date.UTC(2200, 0, 1);
const HALF_ORDER_HEX = HALF_ORDER.toString(16).padStart(64, "0");
const ZERO_HEX = "0".repeat(64);
const MEASUREMENT_TAG = 1;
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function hasExactly(o: object, keys: readonly string[]): boolean {
  let n = 0;
  for (const k in o) {
    if (!has(o, k)) return false;
    n++;
  }
  return n === keys.length && keys.every((k) => has(o, k));
}

const isIntIn = (v: unknown, min: number, max: number): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

/** One ABI word: an integer (|v| <= 2^53) as 32 bytes big-endian, two's complement when negative. */
function writeWord(buf: Buffer, word: number, v: number): void {
  const at = word * 32;
  if (v < 0) {
    buf.fill(0xff, at, at + 24);
    buf.writeBigInt64BE(BigInt(v), at + 24);
  } else {
    buf.writeUInt32BE(Math.floor(v / 0x1_0000_0000), at + 24);
    buf.writeUInt32BE(v % 0x1_0000_0000, at + 28);
  }
}

/**
 * `encodePacketData("measurement", m)` written straight into a buffer (10 ABI words): viem's generic ABI encoder
 * costs ~30 µs per packet. Property-tested equal to encodePacketData.
 */
export function encodeMeasurementFast(m: Measurement): Buffer {
  const buf = Buffer.alloc(10 * 32);
  writeWord(buf, 0, PACKET_ENCODING_VERSION);
  writeWord(buf, 1, MEASUREMENT_TAG);
  buf.write(m.pod, 64, "latin1"); // bytes32: the ASCII id, right-padded with zeros
  writeWord(buf, 3, m.timestampMs);
  writeWord(buf, 4, m.sequence);
  writeWord(buf, 5, m.activePowerW);
  writeWord(buf, 6, m.reactivePowerVar);
  writeWord(buf, 7, m.importedEnergyWh);
  writeWord(buf, 8, m.exportedEnergyWh);
  writeWord(buf, 9, m.meterStatus);
  return buf;
}

const isGridId = (v: unknown): v is string =>
  typeof v === "string" && v.length >= 1 && v.length <= 32 && GRID_ID.test(v);

/**
 * The hot path: a measurement whose every field passes the same bounds as the zod schemas, whose hash matches and
 * whose signature verifies. Returns undefined for anything else (including every failure), so the reference path
 * decides and names the reason: this function can only accept what the reference accepts.
 */
function verifyMeasurementFast(input: unknown): VerifyResult | undefined {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return undefined;
  const p = input as Record<string, unknown>;
  if (!hasExactly(p, ENVELOPE_KEYS) || p.kind !== "measurement") return undefined;
  const { pod, hash, signature, publicKey, data } = p;
  if (!isGridId(pod) || typeof hash !== "string" || !BYTES32.test(hash)) return undefined;
  if (typeof signature !== "string" || signature.length !== 130 || !HEX.test(signature)) return undefined;
  if (
    typeof publicKey !== "string" ||
    publicKey.length !== 132 ||
    !publicKey.startsWith("0x04") ||
    !HEX.test(publicKey)
  )
    return undefined;
  if (typeof data !== "object" || data === null || Array.isArray(data) || !hasExactly(data, MEASUREMENT_KEYS))
    return undefined;
  const d = data as Record<string, unknown>;
  if (
    d.pod !== pod ||
    !isIntIn(d.timestampMs, MIN_TIMESTAMP_MS, MAX_TIMESTAMP_MS) ||
    !isIntIn(d.sequence, 0, Number.MAX_SAFE_INTEGER) ||
    !isIntIn(d.activePowerW, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) ||
    !isIntIn(d.reactivePowerVar, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) ||
    !isIntIn(d.importedEnergyWh, 0, Number.MAX_SAFE_INTEGER) ||
    !isIntIn(d.exportedEnergyWh, 0, Number.MAX_SAFE_INTEGER) ||
    !isIntIn(d.meterStatus, 0, 0xffff)
  )
    return undefined;
  const m: Measurement = {
    pod,
    timestampMs: d.timestampMs,
    sequence: d.sequence,
    activePowerW: d.activePowerW,
    reactivePowerVar: d.reactivePowerVar,
    importedEnergyWh: d.importedEnergyWh,
    exportedEnergyWh: d.exportedEnergyWh,
    meterStatus: d.meterStatus,
  };
  const encoded = encodeMeasurementFast(m);
  const computed = createHash("sha256").update(encoded).digest("hex");
  if (computed !== hash.slice(2).toLowerCase()) return undefined;
  const s = signature.slice(66).toLowerCase();
  if (s === ZERO_HEX || s > HALF_ORDER_HEX) return undefined;
  let key: KeyObject;
  try {
    key = toKeyObject(publicKey as Hex);
  } catch {
    return undefined;
  }
  if (!cryptoVerify("sha256", encoded, { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature.slice(2), "hex")))
    return undefined;
  const packet: SignedPacket<"measurement"> = {
    kind: "measurement",
    pod,
    hash: `0x${computed}`,
    signature: signature as Hex,
    publicKey: publicKey as Hex,
    data: m,
  };
  return { ok: true, packet };
}

/** Verification with @noble/curves only (no OpenSSL): the portable reference the benchmark compares against. */
export function verifyPacketPortable(packet: SignedPacket): boolean {
  const encoded = hexToBytes(encodePacketData(packet.kind, packet.data as never));
  return p256.verify(hexToBytes(packet.signature), encoded, hexToBytes(packet.publicKey), { lowS: true });
}

export { packetHash };
