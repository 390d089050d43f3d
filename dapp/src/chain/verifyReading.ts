// "Verify" a certified reading in the browser: the packet's hash recomputed from its data, its P-256 signature,
// the Merkle proof against the batch root, and on chain that the root is anchored and that the key was the PoD's
// at the reading's time (MeasurementAnchor.checkReading). The same protocol code as the BAL and `flexgrid verify`.
import { z } from "zod";
import type { PublicClient } from "viem";
import { encodePacketData, packetHash } from "../../../protocol/src/packets";
import { publicKeyXY, signatureRS, verifyPacketPortable, type SignedPacket } from "../../../protocol/src/signing";
import { verifyBatchProof } from "../../../protocol/src/merkle";
import { podIdToBytes32 } from "../../../protocol/src/ids";
import { measurementAnchorAbi } from "../generated/contracts";

const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/) as unknown as z.ZodType<`0x${string}`>;

/** The certificate the BAL hands out (GET /readings/:id, the export's readings), checked at the edge. */
export const certificateSchema = z.object({
  format: z.literal("flexgrid-certified-reading/1"),
  id: z.number().int().optional(),
  chainId: z.number().int().positive(),
  packet: z.object({
    kind: z.enum(["measurement", "anomaly", "activation"]),
    pod: z.string(),
    hash: bytes32,
    signature: z.string().regex(/^0x[0-9a-fA-F]+$/),
    publicKey: z.string().regex(/^0x[0-9a-fA-F]+$/),
    data: z.record(z.string(), z.unknown()),
  }),
  batch: z.object({ root: bytes32, status: z.enum(["pending", "anchored"]), txHash: z.string().nullable() }).nullable(),
  proof: z.array(bytes32).nullable(),
});
export type Certificate = z.infer<typeof certificateSchema>;

export interface CheckOutcome {
  check: "hash" | "signature" | "proof" | "anchored" | "on-chain";
  ok: boolean;
  detail: string;
}
export interface VerifyOutcome {
  ok: boolean;
  checks: CheckOutcome[];
}

/** MeasurementAnchor.ReadingCheck, in declaration order. */
const READING_CHECKS = [
  "Valid",
  "RootNotAnchored",
  "NotInBatch",
  "MalformedPacket",
  "PodMismatch",
  "KeyNotValidAtTime",
  "BadSignature",
];

export async function verifyCertificate(
  input: unknown,
  client: Pick<PublicClient, "readContract">,
  anchor: `0x${string}`,
): Promise<VerifyOutcome> {
  const parsed = certificateSchema.safeParse(input);
  if (!parsed.success)
    return {
      ok: false,
      checks: [{ check: "hash", ok: false, detail: `not a certified reading: ${parsed.error.issues[0]?.message}` }],
    };
  const cert = parsed.data;
  const packet = cert.packet as unknown as SignedPacket;
  const checks: CheckOutcome[] = [];
  let encoded: `0x${string}` | undefined;
  try {
    encoded = encodePacketData(packet.kind, packet.data as never);
    const computed = packetHash(packet.kind, packet.data as never);
    const same = computed.toLowerCase() === packet.hash.toLowerCase();
    checks.push({
      check: "hash",
      ok: same,
      detail: same
        ? "SHA-256 of the data matches the packet hash"
        : `the data hashes to ${computed}, not ${packet.hash}: it was altered`,
    });
  } catch (error) {
    checks.push({ check: "hash", ok: false, detail: `the data cannot be encoded: ${(error as Error).message}` });
  }
  let signatureOk = false;
  try {
    signatureOk = verifyPacketPortable(packet);
  } catch {
    signatureOk = false;
  }
  checks.push({
    check: "signature",
    ok: signatureOk,
    detail: signatureOk
      ? "P-256 signature valid for the packet's key"
      : "the signature does not match the data and key",
  });
  if (!cert.batch || !cert.proof) {
    checks.push({ check: "proof", ok: false, detail: "not in an anchored batch yet" });
    return { ok: false, checks };
  }
  const proofOk = verifyBatchProof(cert.batch.root, packet.hash, cert.proof);
  checks.push({
    check: "proof",
    ok: proofOk,
    detail: proofOk ? "Merkle proof leads to the batch root" : "the Merkle proof does not lead to the batch root",
  });
  const anchored = await client.readContract({
    address: anchor,
    abi: measurementAnchorAbi,
    functionName: "isAnchored",
    args: [cert.batch.root],
  });
  checks.push({
    check: "anchored",
    ok: anchored,
    detail: anchored
      ? `root ${cert.batch.root.slice(0, 10)}… is anchored on chain`
      : "the root is not anchored on chain",
  });
  if (encoded) {
    const { x, y } = publicKeyXY(packet.publicKey);
    const { r, s } = signatureRS(packet.signature);
    const result = await client.readContract({
      address: anchor,
      abi: measurementAnchorAbi,
      functionName: "checkReading",
      args: [cert.batch.root, cert.proof, podIdToBytes32(packet.pod), encoded, r, s, x, y],
    });
    const name = READING_CHECKS[Number(result)] ?? `check ${result}`;
    checks.push({
      check: "on-chain",
      ok: name === "Valid",
      detail:
        name === "Valid"
          ? "the anchor contract confirms root, proof, key and signature"
          : `the anchor contract says: ${name}`,
    });
  }
  return { ok: checks.every((c) => c.ok), checks };
}
