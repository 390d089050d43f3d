// The market libraries tested alone through a test-only harness: typed ids, slot ranges, award packing.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { SessionKind, Verdict } from "./helpers/units";
import { assessDelivery } from "../oracles/market/settlement/assessment";

async function deployHarness() {
  return { harness: await ethers.deployContract("LibraryHarness") };
}

describe("market libraries", function () {
  describe("typed ids", function () {
    it("compare equal and different ids", async function () {
      const { harness } = await loadFixture(deployHarness);
      const a = ethers.encodeBytes32String("IT002E61899978");
      const b = ethers.encodeBytes32String("IT002E60976796");
      expect(await harness.compareIds(a, a, a, a, 1, 1)).to.deep.equal([true, false, true, false, true]);
      expect(await harness.compareIds(a, b, a, b, 1, 2)).to.deep.equal([false, true, false, true, false]);
    });
  });

  describe("SlotTime.sessionSlots", function () {
    it("gives the day-ahead all 96 slots and real-time session i slots 16i..16i+15", async function () {
      const { harness } = await loadFixture(deployHarness);
      expect(await harness.sessionSlots(SessionKind.DayAhead, 0)).to.deep.equal([0n, 96n, true]);
      for (let i = 0; i < 6; i++) {
        expect(await harness.sessionSlots(SessionKind.RealTime, i)).to.deep.equal([BigInt(16 * i), 16n, true]);
      }
      expect((await harness.sessionSlots(SessionKind.RealTime, 6))[2]).to.equal(false);
    });
  });

  describe("AwardPacking", function () {
    it("round-trips any award", async function () {
      const { harness } = await loadFixture(deployHarness);
      const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
      await fc.assert(
        fc.asyncProperty(u32, u32, u32, u32, async (o, r, q, p) => {
          expect(await harness.awardRoundTrip(o, r, q, p)).to.deep.equal([o, r, q, p].map(BigInt));
        }),
        { numRuns: 40 },
      );
    });

    it("writes a validation into its quarter of the word without touching the others", async function () {
      const { harness } = await loadFixture(deployHarness);
      let word = 0n;
      const written: [number, number, number][] = [
        [Verdict.Ok, 300, 0],
        [Verdict.Partial, 2 ** 32 - 1, 65535],
        [Verdict.Ko, 0, 7],
        [Verdict.Partial, 1, 1],
      ];
      for (let i = 0; i < 4; i++) {
        const [v, q, r] = written[i];
        const [next, verdict, quantity, reason] = await harness.validationRoundTrip(word, i, v, q, r);
        expect([verdict, quantity, reason]).to.deep.equal([BigInt(v), BigInt(q), BigInt(r)]);
        word = next;
      }
      for (let i = 0; i < 4; i++) {
        const [v, q, r] = written[i];
        const quarter = (word >> BigInt(64 * i)) & ((1n << 64n) - 1n);
        expect(quarter).to.equal((BigInt(v) << 48n) | (BigInt(q) << 16n) | BigInt(r));
      }
    });
  });

  describe("OfferCurve.marginalPrice", function () {
    it("is the price of the last step a quantity reaches, for any curve (property)", async function () {
      const { harness } = await loadFixture(deployHarness);
      const curve = fc
        .array(fc.record({ q: fc.integer({ min: 1, max: 500 }), dp: fc.integer({ min: 0, max: 50 }) }), {
          minLength: 1,
          maxLength: 10,
        })
        .map((raw) => {
          let p = 0;
          return raw.map((x) => ({ quantityKw: x.q, priceMilliEurPerKw: (p += x.dp) }));
        });
      await fc.assert(
        fc.asyncProperty(curve, fc.integer({ min: 1, max: 6000 }), async (steps, q) => {
          let cumulative = 0;
          let expected = steps.at(-1)!.priceMilliEurPerKw;
          for (const s of steps) {
            cumulative += s.quantityKw;
            if (cumulative >= q) {
              expected = s.priceMilliEurPerKw;
              break;
            }
          }
          expect(await harness.marginalPrice(steps, q)).to.equal(BigInt(expected));
        }),
        { numRuns: 50 },
      );
    });
  });

  describe("Remuneration", function () {
    it("holds every scheme to the floor: tolerance at most ±30 %, penalty and customer share at least 10 %", async function () {
      const { harness } = await loadFixture(deployHarness);
      expect(
        await harness.checkParameters({ toleranceBps: 3000, rewardShareBps: 1000, penaltyBps: 1000 }),
      ).to.deep.equal([true, 0n, 0n]);
      expect(
        await harness.checkParameters({ toleranceBps: 3001, rewardShareBps: 10000, penaltyBps: 5000 }),
      ).to.deep.equal([false, 3001n, 3000n]);
      expect(await harness.checkParameters({ toleranceBps: 0, rewardShareBps: 10000, penaltyBps: 0 })).to.deep.equal([
        false,
        0n,
        1000n,
      ]);
    });

    it("equals the off-chain assessment for any delivery (property)", async function () {
      const { harness } = await loadFixture(deployHarness);
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            toleranceBps: fc.integer({ min: 0, max: 3000 }),
            rewardShareBps: fc.integer({ min: 1000, max: 10000 }),
            penaltyBps: fc.integer({ min: 1000, max: 10000 }),
          }),
          fc.integer({ min: 1, max: 5000 }).map((kw) => BigInt(kw) * -1000n),
          fc.integer({ min: -200, max: 300 }),
          async (p, powerW, percent) => {
            const delivered = (-powerW * BigInt(percent)) / 100n;
            const onChain = await harness.assess(p, powerW, delivered, 30_000_000n);
            const offChain = assessDelivery(p, powerW, delivered, 30_000_000n);
            expect([onChain.effectivenessBps, onChain.rewardMicroEur, onChain.penaltyMicroEur]).to.deep.equal([
              offChain.effectivenessBps,
              offChain.rewardMicroEur,
              offChain.customerPenaltyMicroEur,
            ]);
          },
        ),
        { numRuns: 50 },
      );
    });
  });
});
