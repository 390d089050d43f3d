// PoD and PoM identifiers as they appear on chain: the ASCII id right-padded to bytes32, readable in any explorer.
import { hexToString, stringToHex, type Hex } from "viem";
import { z } from "zod";
import { ValidationError } from "./errors";

const MAX_ID_BYTES = 32;

/** A PoD id (e.g. IT002E61899978) or PoM id (e.g. CP-IRLANDESE): printable ASCII, 1 to 32 characters. */
export const gridIdSchema = z
  .string()
  .min(1)
  .max(MAX_ID_BYTES)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

export const hexSchema = z.string().regex(/^0x[0-9a-fA-F]*$/, "must be 0x-prefixed hex") as unknown as z.ZodType<Hex>;
export const bytes32Schema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of 0x-prefixed hex") as unknown as z.ZodType<Hex>;

/** Encodes a PoD or PoM id as bytes32 (right-padded ASCII). */
export function podIdToBytes32(id: string): Hex {
  const parsed = gridIdSchema.safeParse(id);
  if (!parsed.success)
    throw new ValidationError("grid id", [`${JSON.stringify(id)}: ${parsed.error.issues[0]?.message}`]);
  return stringToHex(id, { size: MAX_ID_BYTES });
}

/** Decodes a bytes32 PoD or PoM id back to its ASCII form. */
export function bytes32ToPodId(value: Hex): string {
  return hexToString(value, { size: MAX_ID_BYTES }).replace(/\0+$/, "");
}

export const pomIdToBytes32 = podIdToBytes32;
export const bytes32ToPomId = bytes32ToPodId;
