// The BAL's application-level acknowledgement: for every packet a Light Node sent, what became of it (stored, a
// duplicate of a stored one, refused for good with its reason, or to be sent again later). Published by the BAL on
// the node's own topic flexgrid/<pod>/acks (only the BAL may publish there, only that node may read it). The node
// moves its store-and-forward cursor on these, never on the broker's PUBACK, so nothing is lost silently.
import { z } from "zod";
import { bytes32Schema, gridIdSchema } from "./ids";

/**
 * stored: in the SCD now. duplicate: already in the SCD (a redelivery). refused: never will be (the node keeps it
 * for an operator). retry: not now (SCD down, key not yet provisioned, clock ahead); send it again later.
 */
export const ackStatuses = ["stored", "duplicate", "refused", "retry"] as const;
export type AckStatus = (typeof ackStatuses)[number];

export const packetAckSchema = z
  .object({
    /** the packet's hash as the node sent it (the node knows its own hashes, even of a packet the BAL cannot parse) */
    hash: bytes32Schema,
    status: z.enum(ackStatuses),
    reason: z.string().max(64).optional(),
    detail: z.string().max(500).optional(),
  })
  .strict();
export type PacketAck = z.infer<typeof packetAckSchema>;

export const ackMessageSchema = z
  .object({
    pod: gridIdSchema,
    sentMs: z.number().int().nonnegative(),
    acks: z.array(packetAckSchema).min(1).max(10_000),
  })
  .strict();
export type AckMessage = z.infer<typeof ackMessageSchema>;

/** Whether the node is done with a packet after this ack (everything but `retry`). */
export function ackIsFinal(status: AckStatus): boolean {
  return status !== "retry";
}
