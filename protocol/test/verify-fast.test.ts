// verifyPacket's hand-written measurement path must accept exactly what the zod schemas accept, with the same
// packet out, and its canonical encoding must be encodePacketData's byte for byte; every other input goes to the
// reference path, so reasons and details are the reference's.
import { expect } from "chai";
import fc from "fast-check";
import { p256 } from "@noble/curves/nist.js";
import { bytesToHex } from "viem";
import {
  encodeMeasurementFast,
  encodePacketData,
  generateLightNodeKey,
  signPacket,
  verifyPacket,
  verifyPacketReference,
  type Measurement,
} from "..";
import { sampleAnomaly, sampleMeasurement } from "./fixtures";

const SAFE = Number.MAX_SAFE_INTEGER;
const measurementArb: fc.Arbitrary<Measurement> = fc.record({
  pod: fc.stringMatching(/^[\x21-\x7e]{1,32}$/),
  timestampMs: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2200, 0, 1) }),
  sequence: fc.oneof(fc.constantFrom(0, SAFE), fc.nat()),
  activePowerW: fc.oneof(fc.constantFrom(-SAFE, -1, 0, SAFE), fc.integer()),
  reactivePowerVar: fc.oneof(fc.constantFrom(-SAFE, SAFE, -(2 ** 32), 2 ** 32), fc.integer()),
  importedEnergyWh: fc.oneof(fc.constantFrom(0, SAFE, 2 ** 32 - 1, 2 ** 32), fc.nat()),
  exportedEnergyWh: fc.oneof(fc.constantFrom(0, SAFE), fc.nat()),
  meterStatus: fc.integer({ min: 0, max: 0xffff }),
});

describe("verifyPacket fast path", () => {
  const key = generateLightNodeKey();
  const base = signPacket("measurement", sampleMeasurement, key.privateKey);
  const anomaly = signPacket("anomaly", sampleAnomaly, key.privateKey);
  const order = p256.Point.CURVE().n;
  const highS = (() => {
    const s = BigInt(`0x${base.signature.slice(66)}`);
    return `${base.signature.slice(0, 66)}${(order - s).toString(16).padStart(64, "0")}`;
  })();
  // what a hostile or broken client may put in any field
  const oddValue = fc.oneof(
    fc.constantFrom<unknown>(null, "", "x", 0, -0, 1.5, -1, 2 ** 53, Infinity, NaN, [], {}, true, "0x", "0x04"),
    fc.constantFrom<unknown>(
      base.hash.toUpperCase().replace("0X", "0x"),
      base.signature.toUpperCase().replace("0X", "0x"),
      base.publicKey.toUpperCase().replace("0X", "0x"),
      highS,
      anomaly.signature,
      anomaly.hash,
      "IT002E61899978 ",
      "measurement",
      "anomaly",
    ),
    fc.string(),
    fc.integer(),
    fc.double(),
  );
  type Mutation = { at: "envelope" | "data"; key: string; value: unknown; remove: boolean };
  const envelopeKeys = ["kind", "pod", "hash", "signature", "publicKey", "data", "extra", "__proto__"];
  const dataKeys = [...Object.keys(sampleMeasurement), "extra", "anomaly"];
  const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({
      at: fc.constant("envelope" as const),
      key: fc.constantFrom(...envelopeKeys),
      value: oddValue,
      remove: fc.boolean(),
    }),
    fc.record({
      at: fc.constant("data" as const),
      key: fc.constantFrom(...dataKeys),
      value: oddValue,
      remove: fc.boolean(),
    }),
  );

  function mutate(mutations: Mutation[]): unknown {
    const p = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
    for (const m of mutations) {
      const target = m.at === "envelope" ? p : (p.data as Record<string, unknown>);
      if (typeof target !== "object" || target === null) continue;
      if (m.remove) delete target[m.key];
      else
        Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    }
    return p;
  }

  it("encodes any valid measurement exactly as encodePacketData", () => {
    fc.assert(
      fc.property(measurementArb, (m) => {
        expect(bytesToHex(encodeMeasurementFast(m))).to.equal(encodePacketData("measurement", m));
      }),
      { numRuns: 2000 },
    );
  });

  it("gives the reference's result for any mutation of a signed measurement", () => {
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 0, maxLength: 3 }), (mutations) => {
        const input = mutate(mutations);
        expect(verifyPacket(input)).to.deep.equal(verifyPacketReference(input));
      }),
      { numRuns: 3000 },
    );
  });

  it("accepts re-cased hex and -0 as the reference does, and refuses the high-s twin", () => {
    const recased = { ...base, hash: base.hash.toUpperCase().replace("0X", "0x") };
    expect(verifyPacket(recased)).to.deep.equal(verifyPacketReference(recased));
    expect(verifyPacket(recased).ok).to.equal(true);
    const negZero = JSON.parse(JSON.stringify(base).replace('"exportedEnergyWh":12345', '"exportedEnergyWh":-0'));
    expect(verifyPacket(negZero)).to.deep.equal(verifyPacketReference(negZero));
    const twin = { ...base, signature: highS };
    expect(verifyPacket(twin)).to.deep.equal(verifyPacketReference(twin));
    expect(verifyPacket(twin)).to.include({ ok: false, reason: "bad-signature" });
  });

  it("accepts any validly signed measurement with the reference's packet", () => {
    fc.assert(
      fc.property(measurementArb, (m) => {
        const packet = JSON.parse(JSON.stringify(signPacket("measurement", m, key.privateKey)));
        const fast = verifyPacket(packet);
        expect(fast.ok).to.equal(true);
        expect(fast).to.deep.equal(verifyPacketReference(packet));
      }),
      { numRuns: 100 },
    );
  });
});
