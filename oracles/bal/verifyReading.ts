// Independent verification of a certified reading from the chain alone: root anchored, Merkle proof, key valid
// for the PoD at the reading's time, P-256 signature (on chain, and off chain as a cross-check). Every check is
// run and reported; the first failure is what `flexgrid verify` names.
import type { Provider } from "ethers";
import type { Hex } from "viem";
import {
  encodePacketData,
  FlexGridError,
  podIdToBytes32,
  publicKeyXY,
  signatureRS,
  verifyBatchProof,
  verifyPacket,
  type SignedPacket,
} from "../../protocol";
import { IMeasurementAnchor__factory } from "../../typechain-types/factories/contracts/interfaces/IMeasurementAnchor__factory";
import { ILightNodeRegistry__factory } from "../../typechain-types/factories/contracts/interfaces/ILightNodeRegistry__factory";
import { keyHashOf } from "./chain/keyRegister";
import type { Certificate } from "./certificate";

export type CheckName = "packet" | "root-anchored" | "proof" | "key-valid-at-time" | "signature";
export interface CheckResult {
  check: CheckName;
  ok: boolean;
  detail: string;
}
export interface VerificationReport {
  ok: boolean;
  firstFailure?: CheckName;
  checks: CheckResult[];
  anchorAddress: string;
  registryAddress: string;
  batchId?: number;
  anchoredAt?: number;
}

const CHECK_NAMES = [
  "Valid",
  "RootNotAnchored",
  "NotInBatch",
  "MalformedPacket",
  "PodMismatch",
  "KeyNotValidAtTime",
  "BadSignature",
];

/**
 * Verifies `cert` against the contracts at `anchorAddress` (its registry is read from the anchor itself). Pass
 * the address from your own address book: a certificate's own addresses are only as trustworthy as its sender.
 */
export async function verifyCertificate(
  cert: Certificate,
  provider: Provider,
  anchorAddress: string,
): Promise<VerificationReport> {
  const checks: CheckResult[] = [];
  const anchor = IMeasurementAnchor__factory.connect(anchorAddress, provider);
  const registryAddress = await anchor.lightNodeRegistry().catch((error: Error) => {
    throw new FlexGridError(
      `${anchorAddress} does not answer as a MeasurementAnchor (${error.message.split("\n")[0]})`,
      "NOT_AN_ANCHOR",
    );
  });
  const registry = ILightNodeRegistry__factory.connect(registryAddress, provider);

  const local = verifyPacket(cert.packet);
  checks.push({
    check: "packet",
    ok: local.ok,
    detail: local.ok
      ? `hash ${cert.packet.hash} matches the data; off-chain signature check passed`
      : `${local.reason}: ${local.detail}`,
  });
  const packet = cert.packet as SignedPacket;

  let batchId: number | undefined;
  let anchoredAt: number | undefined;
  const root = cert.batch?.root;
  if (!root) {
    checks.push({ check: "root-anchored", ok: false, detail: "the reading is not in a batch yet (not anchored)" });
  } else if (await anchor.isAnchored(root)) {
    const b = await anchor.batchOfRoot(root);
    batchId = Number(b.batchId);
    anchoredAt = Number(b.anchoredAt);
    checks.push({
      check: "root-anchored",
      ok: true,
      detail: `root ${root} is batch ${batchId}, anchored ${new Date(anchoredAt * 1000).toISOString()} (${b.count} readings)`,
    });
  } else {
    checks.push({ check: "root-anchored", ok: false, detail: `root ${root} was never anchored on ${anchorAddress}` });
  }

  if (root && cert.proof) {
    const onChain = await anchor.verifyReading(root, packet.hash, cert.proof);
    const offChain = verifyBatchProof(root as Hex, packet.hash, cert.proof as Hex[]);
    checks.push({
      check: "proof",
      ok: offChain && (onChain || !checks[1]!.ok),
      detail: offChain
        ? `Merkle proof of ${cert.proof.length} hashes leads to the root`
        : "the Merkle proof does not lead to the root",
    });
  } else {
    checks.push({ check: "proof", ok: false, detail: "no Merkle proof in the certificate" });
  }

  let keyOk = false;
  try {
    keyOk = await registry.keyValidAt(
      podIdToBytes32(packet.pod),
      keyHashOf(packet.publicKey),
      BigInt(packet.data.timestampMs),
    );
    checks.push({
      check: "key-valid-at-time",
      ok: keyOk,
      detail: keyOk
        ? `key ${keyHashOf(packet.publicKey)} was ${packet.pod}'s key at ${new Date(packet.data.timestampMs).toISOString()}`
        : `key ${keyHashOf(packet.publicKey)} was not ${packet.pod}'s valid key at ${new Date(packet.data.timestampMs).toISOString()}`,
    });
  } catch (error) {
    checks.push({
      check: "key-valid-at-time",
      ok: false,
      detail: `cannot read the key register: ${(error as Error).message}`,
    });
  }

  try {
    const { r, s } = signatureRS(packet.signature);
    const { x, y } = publicKeyXY(packet.publicKey);
    const code = Number(
      await anchor.verifyReadingSignature(
        podIdToBytes32(packet.pod),
        encodePacketData(packet.kind, packet.data as never),
        r,
        s,
        x,
        y,
      ),
    );
    // KeyNotValidAtTime is reported by its own check above; here only the signature itself counts
    const sigOk = code === 0 || code === 5;
    checks.push({
      check: "signature",
      ok: sigOk,
      detail: sigOk
        ? "P-256 signature verified on chain (OpenZeppelin P256)"
        : `on-chain check says ${CHECK_NAMES[code]}`,
    });
  } catch (error) {
    checks.push({ check: "signature", ok: false, detail: `cannot check the signature: ${(error as Error).message}` });
  }

  const failed = checks.find((c) => !c.ok);
  return { ok: !failed, firstFailure: failed?.check, checks, anchorAddress, registryAddress, batchId, anchoredAt };
}
