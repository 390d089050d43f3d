// ECDSA P-256 for Light Nodes: signing with @noble/curves (portable, what a device SDK would do) and verification
// with node:crypto (OpenSSL, several times faster, the BAL's hot path). Signatures are 64-byte r||s with low s,
// the form OpenZeppelin's P256.verify accepts on chain.
import { createPublicKey, verify as cryptoVerify, type KeyObject } from "node:crypto";
import { p256 } from "@noble/curves/nist.js";
import { bytesToHex, hexToBytes, type Hex } from "viem";
import { z } from "zod";
import { bytes32Schema, gridIdSchema, hexSchema } from "./ids";
import {
  encodePacketData,
  packetDataSchemas,
  packetHash,
  packetKinds,
  sha256Hex,
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
 */
export function verifyPacket(input: unknown): VerifyResult {
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

/** Verification with @noble/curves only (no OpenSSL): the portable reference the benchmark compares against. */
export function verifyPacketPortable(packet: SignedPacket): boolean {
  const encoded = hexToBytes(encodePacketData(packet.kind, packet.data as never));
  return p256.verify(hexToBytes(packet.signature), encoded, hexToBytes(packet.publicKey), { lowS: true });
}

export { packetHash };
