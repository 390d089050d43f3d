// MeasurementAnchor: batch roots anchored once by the BAL; readings checked against roots, keys and signatures.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  buildBatchTree,
  encodePacketData,
  generateLightNodeKey,
  podIdToBytes32,
  publicKeyXY,
  signatureRS,
  signPacket,
  type Measurement,
} from "../../protocol";
import { ROLES } from "../helpers/roles";
import { deployBal } from "./fixtures";

const POD = "IT002E61899978";
const pod = podIdToBytes32(POD);
enum Check {
  Valid,
  RootNotAnchored,
  NotInBatch,
  MalformedPacket,
  PodMismatch,
  KeyNotValidAtTime,
  BadSignature,
}

function reading(sequence: number, timestampMs = Date.UTC(2021, 5, 23, 10, 30) + sequence * 5000): Measurement {
  return {
    pod: POD,
    timestampMs,
    sequence,
    activePowerW: 2_278_545 + sequence,
    reactivePowerVar: 1_103_000,
    importedEnergyWh: 987_654_321 + sequence,
    exportedEnergyWh: 0,
    meterStatus: 0,
  };
}

async function anchoredFixture() {
  const f = await deployBal();
  const key = generateLightNodeKey();
  const { x, y } = publicKeyXY(key.publicKey);
  await f.registry.connect(f.bal).registerKey(pod, x, y);
  const packets = Array.from({ length: 9 }, (_, i) => signPacket("measurement", reading(i), key.privateKey));
  const tree = buildBatchTree(packets.map((p) => p.hash));
  await f.anchor.connect(f.bal).anchorBatch(tree.root, packets[0]!.data.timestampMs, packets[8]!.data.timestampMs, 9);
  return { ...f, key, x, y, packets, tree };
}

function args(p: ReturnType<typeof signPacket<"measurement">>, xy: { x: string; y: string }) {
  const { r, s } = signatureRS(p.signature);
  return [encodePacketData("measurement", p.data), r, s, xy.x, xy.y] as const;
}

describe("MeasurementAnchor", function () {
  describe("anchorBatch", function () {
    it("anchors a root with its range and count, numbering batches from 0", async function () {
      const { anchor, bal } = await loadFixture(deployBal);
      const root = ethers.keccak256("0x01");
      await expect(anchor.connect(bal).anchorBatch(root, 1000, 2000, 10))
        .to.emit(anchor, "BatchAnchored")
        .withArgs(0, root, 1000, 2000, 10);
      const b = await anchor.batchOfRoot(root);
      expect([b.batchId, b.fromMs, b.toMs, b.count, b.anchoredAt]).to.deep.equal([
        0n,
        1000n,
        2000n,
        10n,
        BigInt(await time.latest()),
      ]);
      expect(await anchor.rootOf(0)).to.equal(root);
      expect(await anchor.batchCount()).to.equal(1n);
      expect(await anchor.isAnchored(root)).to.equal(true);
    });

    it("reverts when the root was already anchored", async function () {
      const { anchor, bal } = await loadFixture(deployBal);
      const root = ethers.keccak256("0x01");
      await anchor.connect(bal).anchorBatch(root, 1000, 2000, 10);
      await expect(anchor.connect(bal).anchorBatch(root, 1000, 2000, 10))
        .to.be.revertedWithCustomError(anchor, "MeasurementAnchorRootAlreadyAnchored")
        .withArgs(root, 0);
    });

    it("reverts for an empty batch, a zero root or a reversed range", async function () {
      const { anchor, bal } = await loadFixture(deployBal);
      const root = ethers.keccak256("0x01");
      for (const [r, from, to, n] of [
        [root, 1, 2, 0],
        [ethers.ZeroHash, 1, 2, 3],
        [root, 3, 2, 3],
      ] as const) {
        await expect(anchor.connect(bal).anchorBatch(r, from, to, n))
          .to.be.revertedWithCustomError(anchor, "MeasurementAnchorInvalidBatch")
          .withArgs(r, from, to, n);
      }
    });

    it("reverts for a caller without BAL_ANCHOR", async function () {
      const { anchor, stranger } = await loadFixture(deployBal);
      await expect(anchor.connect(stranger).anchorBatch(ethers.keccak256("0x01"), 1, 2, 3))
        .to.be.revertedWithCustomError(anchor, "RoleGuardedUnauthorizedAccount")
        .withArgs(stranger.address, ROLES.BAL_ANCHOR);
    });

    it("costs under 10 gas per reading at 10,000 readings per batch", async function () {
      const { anchor, bal } = await loadFixture(deployBal);
      await anchor.connect(bal).anchorBatch(ethers.keccak256("0x01"), 1, 2, 10_000);
      const receipt = await (await anchor.connect(bal).anchorBatch(ethers.keccak256("0x02"), 1, 2, 10_000)).wait();
      expect(Number(receipt!.gasUsed) / 10_000).to.be.below(10);
    });
  });

  describe("verifyReading", function () {
    it("accepts every reading of an anchored batch with its proof", async function () {
      const { anchor, packets, tree } = await loadFixture(anchoredFixture);
      for (const p of packets)
        expect(await anchor.verifyReading(tree.root, p.hash, tree.proofOf(p.hash))).to.equal(true);
    });

    it("refuses a reading that is not in the batch, and any root never anchored", async function () {
      const { anchor, packets, tree, key } = await loadFixture(anchoredFixture);
      const outsider = signPacket("measurement", reading(99), key.privateKey);
      expect(await anchor.verifyReading(tree.root, outsider.hash, tree.proofOf(packets[0]!.hash))).to.equal(false);
      const other = buildBatchTree([outsider.hash, packets[0]!.hash]);
      expect(await anchor.verifyReading(other.root, outsider.hash, other.proofOf(outsider.hash))).to.equal(false);
    });
  });

  describe("verifyReadingSignature", function () {
    it("accepts a packet signed by the key the PoD had at its time", async function () {
      const { anchor, packets, x, y } = await loadFixture(anchoredFixture);
      expect(await anchor.verifyReadingSignature(pod, ...args(packets[3]!, { x, y }))).to.equal(Check.Valid);
    });

    it("reports a bad signature when the data was tampered with", async function () {
      const { anchor, packets, x, y } = await loadFixture(anchoredFixture);
      const tampered = { ...packets[3]!, data: { ...packets[3]!.data, activePowerW: 1 } };
      expect(await anchor.verifyReadingSignature(pod, ...args(tampered, { x, y }))).to.equal(Check.BadSignature);
    });

    it("reports a key not valid at the reading's time (unregistered key, or after revocation)", async function () {
      const f = await loadFixture(anchoredFixture);
      const rogue = generateLightNodeKey();
      const forged = signPacket("measurement", reading(3), rogue.privateKey);
      expect(await f.anchor.verifyReadingSignature(pod, ...args(forged, publicKeyXY(rogue.publicKey)))).to.equal(
        Check.KeyNotValidAtTime,
      );
      await f.registry.connect(f.dso).revokeKey(pod, ethers.ZeroHash);
      const late = signPacket("measurement", reading(50, (await time.latest()) * 1000 + 1), f.key.privateKey);
      expect(await f.anchor.verifyReadingSignature(pod, ...args(late, f))).to.equal(Check.KeyNotValidAtTime);
      // readings from before the revocation still verify
      expect(await f.anchor.verifyReadingSignature(pod, ...args(f.packets[3]!, f))).to.equal(Check.Valid);
    });

    it("reports a PoD mismatch and a malformed packet", async function () {
      const { anchor, packets, x, y } = await loadFixture(anchoredFixture);
      expect(
        await anchor.verifyReadingSignature(podIdToBytes32("IT002E60976796"), ...args(packets[3]!, { x, y })),
      ).to.equal(Check.PodMismatch);
      const { r, s } = signatureRS(packets[3]!.signature);
      expect(await anchor.verifyReadingSignature(pod, "0x1234", r, s, x, y)).to.equal(Check.MalformedPacket);
    });
  });

  describe("checkReading", function () {
    it("runs every check and names the first that fails", async function () {
      const { anchor, packets, tree, x, y } = await loadFixture(anchoredFixture);
      const p = packets[5]!;
      expect(await anchor.checkReading(tree.root, tree.proofOf(p.hash), pod, ...args(p, { x, y }))).to.equal(
        Check.Valid,
      );
      expect(
        await anchor.checkReading(ethers.keccak256("0x01"), tree.proofOf(p.hash), pod, ...args(p, { x, y })),
      ).to.equal(Check.RootNotAnchored);
      expect(await anchor.checkReading(tree.root, tree.proofOf(packets[4]!.hash), pod, ...args(p, { x, y }))).to.equal(
        Check.NotInBatch,
      );
      const resigned = signPacket("measurement", p.data, generateLightNodeKey().privateKey);
      expect(await anchor.checkReading(tree.root, tree.proofOf(p.hash), pod, ...args(resigned, { x, y }))).to.equal(
        Check.BadSignature,
      );
    });
  });
});
