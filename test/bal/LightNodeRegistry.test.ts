// LightNodeRegistry: trust on first use, rotation signed by the old key (P-256 on chain), DSO revocation, history.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { generateLightNodeKey, podIdToBytes32, publicKeyXY } from "../../protocol";
import { keyHashOf, rotationMessage, signRotation } from "../../oracles/bal/chain/keyRegister";
import { ROLES } from "../helpers/roles";
import { deployBal } from "./fixtures";

const POD = "IT002E61899978";
const pod = podIdToBytes32(POD);
const OPEN = 2n ** 64n - 1n;
const Active = 0n;
const Rotated = 1n;
const Revoked = 2n;

async function registeredFixture() {
  const f = await deployBal();
  const key = generateLightNodeKey();
  const { x, y } = publicKeyXY(key.publicKey);
  await f.registry.connect(f.bal).registerKey(pod, x, y);
  return { ...f, key };
}

async function signedRotation(f: Awaited<ReturnType<typeof registeredFixture>>, signer = f.key) {
  const next = generateLightNodeKey();
  const message = rotationMessage({
    chainId: f.chainId,
    registry: (await f.registry.getAddress()) as `0x${string}`,
    pod: POD,
    oldPublicKey: f.key.publicKey,
    newPublicKey: next.publicKey,
  });
  return { next, ...publicKeyXY(next.publicKey), ...signRotation(message, signer.privateKey), message };
}

describe("LightNodeRegistry", function () {
  describe("registerKey", function () {
    it("registers the first key of a PoD, valid from time 0", async function () {
      const { registry, bal } = await loadFixture(deployBal);
      const key = generateLightNodeKey();
      const { x, y } = publicKeyXY(key.publicKey);
      await expect(registry.connect(bal).registerKey(pod, x, y))
        .to.emit(registry, "LightNodeKeyRegistered")
        .withArgs(pod, keyHashOf(key.publicKey), x, y, 0);
      const active = await registry.activeKey(pod);
      expect([active.qx, active.qy, active.validFromMs, active.validUntilMs, active.end]).to.deep.equal([
        x,
        y,
        0n,
        OPEN,
        Active,
      ]);
      expect(await registry.podOfKey(keyHashOf(key.publicKey))).to.equal(pod);
    });

    it("reverts when the PoD already has an active key", async function () {
      const { registry, bal, key } = await loadFixture(registeredFixture);
      const other = publicKeyXY(generateLightNodeKey().publicKey);
      await expect(registry.connect(bal).registerKey(pod, other.x, other.y))
        .to.be.revertedWithCustomError(registry, "LightNodeRegistryKeyAlreadyActive")
        .withArgs(pod, keyHashOf(key.publicKey));
    });

    it("reverts for a caller without BAL_ANCHOR", async function () {
      const { registry, stranger } = await loadFixture(deployBal);
      const { x, y } = publicKeyXY(generateLightNodeKey().publicKey);
      await expect(registry.connect(stranger).registerKey(pod, x, y))
        .to.be.revertedWithCustomError(registry, "RoleGuardedUnauthorizedAccount")
        .withArgs(stranger.address, ROLES.BAL_ANCHOR);
    });

    it("reverts for a point that is not on the curve", async function () {
      const { registry, bal } = await loadFixture(deployBal);
      const x = ethers.zeroPadValue("0x01", 32);
      const y = ethers.zeroPadValue("0x02", 32);
      await expect(registry.connect(bal).registerKey(pod, x, y))
        .to.be.revertedWithCustomError(registry, "LightNodeRegistryInvalidKey")
        .withArgs(x, y);
    });

    it("reverts when the key already served a PoD", async function () {
      const { registry, bal, key } = await loadFixture(registeredFixture);
      const other = podIdToBytes32("IT002E60976796");
      const { x, y } = publicKeyXY(key.publicKey);
      await expect(registry.connect(bal).registerKey(other, x, y))
        .to.be.revertedWithCustomError(registry, "LightNodeRegistryKeyAlreadyUsed")
        .withArgs(keyHashOf(key.publicKey), pod);
    });

    it("registers a new key after a revocation, valid from that block only", async function () {
      const { registry, bal, dso } = await loadFixture(registeredFixture);
      await registry.connect(dso).revokeKey(pod, ethers.encodeBytes32String("compromised"));
      const { x, y } = publicKeyXY(generateLightNodeKey().publicKey);
      await registry.connect(bal).registerKey(pod, x, y);
      const now = BigInt(await time.latest()) * 1000n;
      expect((await registry.activeKey(pod)).validFromMs).to.equal(now);
    });
  });

  describe("rotateKey", function () {
    it("replaces the key when the old key signed the rotation, and closes the old interval", async function () {
      const f = await loadFixture(registeredFixture);
      const rot = await signedRotation(f);
      expect(await f.registry.rotationDigest(pod, rot.x, rot.y)).to.equal(rot.digest);
      expect(await f.registry.rotationMessage(pod, rot.x, rot.y)).to.equal(rot.message);
      const tx = f.registry.connect(f.stranger).rotateKey(pod, rot.x, rot.y, rot.r, rot.s);
      await expect(tx).to.emit(f.registry, "LightNodeKeyRotated");
      const atMs = BigInt(await time.latest()) * 1000n;
      await expect(tx)
        .to.emit(f.registry, "LightNodeKeyRotated")
        .withArgs(pod, keyHashOf(f.key.publicKey), keyHashOf(rot.next.publicKey), rot.x, rot.y, atMs);
      const history = await f.registry.keyHistory(pod);
      expect(history.map((k) => [k.validFromMs, k.validUntilMs, k.end])).to.deep.equal([
        [0n, atMs, Rotated],
        [atMs, OPEN, Active],
      ]);
    });

    it("reverts when the rotation is signed by another key", async function () {
      const f = await loadFixture(registeredFixture);
      const rot = await signedRotation(f, generateLightNodeKey());
      await expect(f.registry.rotateKey(pod, rot.x, rot.y, rot.r, rot.s))
        .to.be.revertedWithCustomError(f.registry, "LightNodeRegistryInvalidRotationSignature")
        .withArgs(pod, keyHashOf(f.key.publicKey));
    });

    it("cannot be replayed once the old key is no longer active", async function () {
      const f = await loadFixture(registeredFixture);
      const rot = await signedRotation(f);
      await f.registry.rotateKey(pod, rot.x, rot.y, rot.r, rot.s);
      await expect(f.registry.rotateKey(pod, rot.x, rot.y, rot.r, rot.s)).to.be.revertedWithCustomError(
        f.registry,
        "LightNodeRegistryInvalidRotationSignature",
      );
    });

    it("reverts for a PoD without an active key", async function () {
      const { registry } = await loadFixture(deployBal);
      const { x, y } = publicKeyXY(generateLightNodeKey().publicKey);
      await expect(registry.rotateKey(pod, x, y, ethers.ZeroHash, ethers.ZeroHash))
        .to.be.revertedWithCustomError(registry, "LightNodeRegistryNoActiveKey")
        .withArgs(pod);
    });
  });

  describe("revokeKey", function () {
    it("ends the active key's validity now", async function () {
      const { registry, dso, key } = await loadFixture(registeredFixture);
      const reason = ethers.encodeBytes32String("compromised");
      const tx = registry.connect(dso).revokeKey(pod, reason);
      await expect(tx).to.emit(registry, "LightNodeKeyRevoked");
      const atMs = BigInt(await time.latest()) * 1000n;
      await expect(tx).to.emit(registry, "LightNodeKeyRevoked").withArgs(pod, keyHashOf(key.publicKey), atMs, reason);
      expect(await registry.hasActiveKey(pod)).to.equal(false);
      const [k] = await registry.keyHistory(pod);
      expect([k!.validUntilMs, k!.end]).to.deep.equal([atMs, Revoked]);
    });

    it("reverts for a caller without DSO", async function () {
      const { registry, bal } = await loadFixture(registeredFixture);
      await expect(registry.connect(bal).revokeKey(pod, ethers.ZeroHash))
        .to.be.revertedWithCustomError(registry, "RoleGuardedUnauthorizedAccount")
        .withArgs(bal.address, ROLES.DSO);
    });

    it("reverts when there is no active key", async function () {
      const { registry, dso } = await loadFixture(deployBal);
      await expect(registry.connect(dso).revokeKey(pod, ethers.ZeroHash))
        .to.be.revertedWithCustomError(registry, "LightNodeRegistryNoActiveKey")
        .withArgs(pod);
    });
  });

  describe("keyValidAt", function () {
    it("answers per key and time across rotation and revocation", async function () {
      const f = await loadFixture(registeredFixture);
      const rot = await signedRotation(f);
      await time.increase(60);
      await f.registry.rotateKey(pod, rot.x, rot.y, rot.r, rot.s);
      const rotatedMs = BigInt(await time.latest()) * 1000n;
      await time.increase(60);
      await f.registry.connect(f.dso).revokeKey(pod, ethers.ZeroHash);
      const revokedMs = BigInt(await time.latest()) * 1000n;
      const oldHash = keyHashOf(f.key.publicKey);
      const newHash = keyHashOf(rot.next.publicKey);
      expect(await f.registry.keyValidAt(pod, oldHash, 1)).to.equal(true);
      expect(await f.registry.keyValidAt(pod, oldHash, rotatedMs - 1n)).to.equal(true);
      expect(await f.registry.keyValidAt(pod, oldHash, rotatedMs)).to.equal(false);
      expect(await f.registry.keyValidAt(pod, newHash, rotatedMs - 1n)).to.equal(false);
      expect(await f.registry.keyValidAt(pod, newHash, rotatedMs)).to.equal(true);
      expect(await f.registry.keyValidAt(pod, newHash, revokedMs - 1n)).to.equal(true);
      expect(await f.registry.keyValidAt(pod, newHash, revokedMs)).to.equal(false);
    });

    it("is false for a key of another PoD", async function () {
      const { registry, key } = await loadFixture(registeredFixture);
      expect(await registry.keyValidAt(podIdToBytes32("IT002E60976796"), keyHashOf(key.publicKey), 1)).to.equal(false);
    });
  });
});
