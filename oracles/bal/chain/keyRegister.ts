// Off-chain mirror of LightNodeRegistry's conventions: key hash and the rotation message the old key signs.
// (Not in protocol/ yet: reported to the lead; small and local to the BAL/Light Node until it moves there.)
import { p256 } from "@noble/curves/nist.js";
import {
  bytesToHex,
  concat,
  encodeAbiParameters,
  hexToBytes,
  keccak256,
  stringToHex,
  type Address,
  type Hex,
} from "viem";
import { podIdToBytes32, publicKeyXY, sha256Hex } from "../../../protocol";

export const ROTATION_TAG = stringToHex("FlexGrid.LightNode.rotate", { size: 32 });

const keyHashCache = new Map<string, Hex>();

/** keccak256(abi.encodePacked(qx, qy)): how LightNodeRegistry names a key (memoised: the BAL asks per packet). */
export function keyHashOf(publicKey: Hex): Hex {
  const id = publicKey.toLowerCase();
  let h = keyHashCache.get(id);
  if (!h) {
    const { x, y } = publicKeyXY(publicKey);
    h = keccak256(concat([x, y]));
    if (keyHashCache.size > 100_000) keyHashCache.clear();
    keyHashCache.set(id, h);
  }
  return h;
}

/** The bytes the active key signs to authorise rotating `pod` to `newPublicKey` (LightNodeRegistry.rotationMessage). */
export function rotationMessage(p: {
  chainId: number;
  registry: Address;
  pod: string;
  oldPublicKey: Hex;
  newPublicKey: Hex;
}): Hex {
  const { x, y } = publicKeyXY(p.newPublicKey);
  return encodeAbiParameters(
    [
      { type: "bytes32" },
      { type: "uint256" },
      { type: "address" },
      { type: "bytes32" },
      { type: "bytes32" },
      { type: "bytes32" },
      { type: "bytes32" },
    ],
    [ROTATION_TAG, BigInt(p.chainId), p.registry, podIdToBytes32(p.pod), keyHashOf(p.oldPublicKey), x, y],
  );
}

/** Signs a rotation message with the old key (P-256 over its SHA-256, low s): returns r, s and the digest. */
export function signRotation(message: Hex, oldPrivateKey: Uint8Array): { r: Hex; s: Hex; digest: Hex } {
  const sig = p256.sign(hexToBytes(message), oldPrivateKey, { lowS: true });
  const hex = bytesToHex(sig);
  return { r: `0x${hex.slice(2, 66)}`, s: `0x${hex.slice(66, 130)}`, digest: sha256Hex(hexToBytes(message)) };
}
