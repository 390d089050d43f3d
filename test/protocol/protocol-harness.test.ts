// protocol/ against OpenZeppelin on a local chain: Merkle proofs and P-256 packet signatures verify on chain.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  buildBatchTree,
  encodePacketData,
  generateLightNodeKey,
  leafOf,
  packetHash,
  publicKeyXY,
  signPacket,
  signatureRS,
} from "../../protocol";
import { sampleMeasurement } from "../../protocol/test/fixtures";

describe("protocol/ on chain (ProtocolHarness)", () => {
  async function deployHarness() {
    const harness = await ethers.deployContract("ProtocolHarness");
    return { harness };
  }

  const readings = Array.from({ length: 25 }, (_, i) => ({
    ...sampleMeasurement,
    sequence: i,
    activePowerW: 1000 * i,
  }));

  it("computes the same Merkle leaf as protocol's leafOf", async () => {
    const { harness } = await loadFixture(deployHarness);
    const hash = packetHash("measurement", readings[0]!);
    expect(await harness.leafOf(hash)).to.equal(leafOf(hash));
  });

  it("accepts every proof of a batch built off chain", async () => {
    const { harness } = await loadFixture(deployHarness);
    const hashes = readings.map((r) => packetHash("measurement", r));
    const tree = buildBatchTree(hashes);
    for (const hash of hashes) expect(await harness.verifyLeaf(tree.proofOf(hash), tree.root, hash)).to.equal(true);
  });

  it("refuses a proof for a reading outside the batch", async () => {
    const { harness } = await loadFixture(deployHarness);
    const hashes = readings.map((r) => packetHash("measurement", r));
    const tree = buildBatchTree(hashes.slice(1));
    expect(await harness.verifyLeaf(tree.proofOf(hashes[1]!), tree.root, hashes[0]!)).to.equal(false);
  });

  it("hashes the canonical encoding to the same SHA-256", async () => {
    const { harness } = await loadFixture(deployHarness);
    expect(await harness.sha256Of(encodePacketData("measurement", readings[3]!))).to.equal(
      packetHash("measurement", readings[3]!),
    );
  });

  it("verifies a Light Node's P-256 signature with OpenZeppelin's P256, and refuses a wrong key", async () => {
    const { harness } = await loadFixture(deployHarness);
    const key = generateLightNodeKey();
    const packet = signPacket("measurement", readings[7]!, key.privateKey);
    const { r, s } = signatureRS(packet.signature);
    const { x, y } = publicKeyXY(packet.publicKey);
    expect(await harness.verifySignature(packet.hash, r, s, x, y)).to.equal(true);
    const other = publicKeyXY(generateLightNodeKey().publicKey);
    expect(await harness.verifySignature(packet.hash, r, s, other.x, other.y)).to.equal(false);
  });
});
