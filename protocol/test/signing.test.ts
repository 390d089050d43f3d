import { expect } from "chai";
import fc from "fast-check";
import {
  generateLightNodeKey,
  packetHash,
  signPacket,
  verifyPacket,
  verifyPacketPortable,
  type SignedPacket,
} from "..";
import { sampleActivation, sampleAnomaly, sampleMeasurement } from "./fixtures";

describe("Light Node packet signing", () => {
  const key = generateLightNodeKey();

  describe("signPacket → verifyPacket", () => {
    for (const [kind, data] of [
      ["measurement", sampleMeasurement],
      ["anomaly", sampleAnomaly],
      ["activation", sampleActivation],
    ] as const) {
      it(`accepts a freshly signed ${kind}`, () => {
        const packet = signPacket(kind, data as never, key.privateKey);
        expect(packet.hash).to.equal(packetHash(kind, data as never));
        const result = verifyPacket(JSON.parse(JSON.stringify(packet)));
        expect(result.ok, JSON.stringify(result)).to.equal(true);
        expect(verifyPacketPortable(packet)).to.equal(true);
      });
    }

    it("accepts any valid measurement (property)", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: -50_000_000, max: 50_000_000 }),
          fc.integer({ min: 0, max: 2 ** 40 }),
          fc.nat({ max: 2 ** 31 }),
          (activePowerW, importedEnergyWh, sequence) => {
            const packet = signPacket(
              "measurement",
              { ...sampleMeasurement, activePowerW, importedEnergyWh, sequence },
              key.privateKey,
            );
            return verifyPacket(packet).ok;
          },
        ),
        { numRuns: 50 },
      );
    });
  });

  describe("rejections", () => {
    const packet = signPacket("measurement", sampleMeasurement, key.privateKey);

    it("rejects tampered data as a hash mismatch", () => {
      const tampered = { ...packet, data: { ...packet.data, activePowerW: packet.data.activePowerW - 1 } };
      expect(verifyPacket(tampered)).to.include({ ok: false, reason: "hash-mismatch" });
    });

    it("rejects a re-hashed tampered packet as a bad signature", () => {
      const data = { ...packet.data, activePowerW: 0 };
      const tampered = { ...packet, data, hash: packetHash("measurement", data) };
      expect(verifyPacket(tampered)).to.include({ ok: false, reason: "bad-signature" });
    });

    it("rejects a packet presented with another node's key", () => {
      const other = generateLightNodeKey();
      expect(verifyPacket({ ...packet, publicKey: other.publicKey })).to.include({
        ok: false,
        reason: "bad-signature",
      });
    });

    it("rejects a key that is not on the curve", () => {
      const bogus = `0x04${"11".repeat(64)}` as const;
      expect(verifyPacket({ ...packet, publicKey: bogus })).to.include({ ok: false, reason: "bad-key" });
    });

    it("rejects the high-s twin of a valid signature (malleability), as P256.sol does", () => {
      const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
      const s = BigInt(`0x${packet.signature.slice(66)}`);
      const highS = `${packet.signature.slice(0, 66)}${(n - s).toString(16).padStart(64, "0")}` as const;
      expect(verifyPacket({ ...packet, signature: highS })).to.include({ ok: false, reason: "bad-signature" });
    });

    it("rejects a packet whose envelope and data name different PoDs", () => {
      expect(verifyPacket({ ...packet, pod: "IT002E60976796" })).to.include({ ok: false, reason: "pod-mismatch" });
    });

    it("rejects malformed input with the bad field named, without throwing", () => {
      for (const input of [
        null,
        42,
        "packet",
        {},
        { ...packet, signature: "0x1234" },
        { ...packet, data: { ...packet.data, sequence: -1 } },
      ]) {
        const result = verifyPacket(input);
        expect(result.ok).to.equal(false);
        if (!result.ok) expect(result.reason).to.equal("malformed");
      }
      const result = verifyPacket({ ...packet, data: { ...packet.data, timestampMs: 12 } } as SignedPacket);
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.detail).to.contain("data.timestampMs");
    });
  });
});
