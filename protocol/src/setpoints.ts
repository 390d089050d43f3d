// Setpoint messages from the DSO oracle to a Light Node: 16 quarter-hour (P, Q) pairs, signed by the oracle's
// wallet (secp256k1, EIP-191) so a node obeys only the DSO address it was configured with.
import { encodeAbiParameters, keccak256, recoverMessageAddress, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { bytes32Schema, gridIdSchema, hexSchema, podIdToBytes32 } from "./ids";

export const SLOTS_PER_SETPOINT = 16;
export const SLOT_MS = 15 * 60 * 1000;

const int64 = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

export const setpointSlotSchema = z.object({ pW: int64, qVar: int64 }).strict();

const unsignedSetpointShape = {
  setpointId: bytes32Schema,
  pod: gridIdSchema,
  /** Start of the first quarter-hour, aligned to 15 minutes. */
  windowStartMs: z
    .number()
    .int()
    .min(0)
    .refine((t) => t % SLOT_MS === 0, "must be aligned to a 15-minute slot"),
  slots: z.array(setpointSlotSchema).length(SLOTS_PER_SETPOINT),
  dsoSentMs: z.number().int().min(0),
};

export const unsignedSetpointSchema = z.object(unsignedSetpointShape).strict();
export const setpointMessageSchema = z.object({ ...unsignedSetpointShape, signature: hexSchema }).strict();

export type UnsignedSetpoint = z.infer<typeof unsignedSetpointSchema>;
export type SetpointMessage = z.infer<typeof setpointMessageSchema>;

/** keccak256 of the ABI encoding of every field but the signature. */
export function setpointDigest(message: UnsignedSetpoint): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "bytes32" },
        { type: "bytes32" },
        { type: "uint64" },
        { type: "int64[]" },
        { type: "int64[]" },
        { type: "uint64" },
      ],
      [
        message.setpointId,
        podIdToBytes32(message.pod),
        BigInt(message.windowStartMs),
        message.slots.map((s) => BigInt(s.pW)),
        message.slots.map((s) => BigInt(s.qVar)),
        BigInt(message.dsoSentMs),
      ],
    ),
  );
}

/** Signs any 32-byte digest with a wallet key, EIP-191 (personal_sign), as a wallet would. */
export async function signWalletMessage(digest: Hex, walletPrivateKey: Hex): Promise<Hex> {
  return privateKeyToAccount(walletPrivateKey).signMessage({ message: { raw: digest } });
}

/** The address that signed a digest with `signWalletMessage`. */
export async function recoverWalletSigner(digest: Hex, signature: Hex): Promise<Address> {
  return recoverMessageAddress({ message: { raw: digest }, signature });
}

export async function signSetpoint(message: UnsignedSetpoint, walletPrivateKey: Hex): Promise<SetpointMessage> {
  return { ...message, signature: await signWalletMessage(setpointDigest(message), walletPrivateKey) };
}

export async function recoverSetpointSigner(message: SetpointMessage): Promise<Address> {
  const { signature, ...unsigned } = message;
  return recoverWalletSigner(setpointDigest(unsigned), signature);
}
