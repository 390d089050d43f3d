// A certified reading as the BAL hands it out (GET /readings/:id) and `flexgrid verify` checks it: the signed
// packet, its batch and Merkle proof, and where on which chain to check them.
import { z } from "zod";
import { signedPacketSchema } from "../../protocol";
import type { StoredPacketWithBatch } from "./scd/scdStore";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);

export const CERTIFICATE_FORMAT = "flexgrid-certified-reading/1";

export const certificateSchema = z.object({
  format: z.literal(CERTIFICATE_FORMAT),
  id: z.number().int().optional(),
  chainId: z.number().int().positive(),
  measurementAnchor: address,
  lightNodeRegistry: address,
  packet: signedPacketSchema,
  batch: z
    .object({
      root: bytes32,
      chainBatchId: z.number().int().nullable(),
      txHash: z.string().nullable(),
      blockNumber: z.number().int().nullable(),
      fromMs: z.number().int(),
      toMs: z.number().int(),
      count: z.number().int(),
      status: z.enum(["pending", "anchored"]),
    })
    .nullable(),
  proof: z.array(bytes32).nullable(),
});
export type Certificate = z.infer<typeof certificateSchema>;

export function certificateOf(
  p: StoredPacketWithBatch,
  where: { chainId: number; measurementAnchor: string; lightNodeRegistry: string },
): Certificate {
  return {
    format: CERTIFICATE_FORMAT,
    id: p.id,
    chainId: where.chainId,
    measurementAnchor: where.measurementAnchor,
    lightNodeRegistry: where.lightNodeRegistry,
    packet: {
      kind: p.kind,
      pod: p.pod,
      hash: p.hash as `0x${string}`,
      signature: p.signature as `0x${string}`,
      publicKey: p.publicKey as `0x${string}`,
      data: p.data,
    },
    batch: p.batch
      ? {
          root: p.batch.root,
          chainBatchId: p.batch.chainBatchId,
          txHash: p.batch.txHash,
          blockNumber: p.batch.blockNumber,
          fromMs: p.batch.fromMs,
          toMs: p.batch.toMs,
          count: p.batch.count,
          status: p.batch.status,
        }
      : null,
    proof: p.proof,
  };
}
