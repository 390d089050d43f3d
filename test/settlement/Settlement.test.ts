// Settlement and RewardToken on FlexMarket's final outcome: final results only, each award once, tokens minted and
// burned through the PoD's scheme to the customer's wallet, and token supply = net of all settlements + unburned
// debt (property test, checked against the off-chain ledger).
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { assessDelivery, DEFAULT_SCHEME, TokenLedger } from "../../oracles/market/settlement/assessment";
import { shouldBehaveLikeRoleGuarded } from "../helpers/shouldBehaveLikeRoleGuarded";
import { Verdict } from "../helpers/units";
import {
  CURVES,
  deploySettlementFixture,
  DSO_PODS,
  OFFER_ID,
  POD,
  postAndSeal,
  RIGHT_AWARDS,
  validateAll,
  WRONG_AWARDS,
  type SettlementFixture,
} from "./fixture";

const DATASET = ethers.id("certified readings of session 1");
const CUSTOM = { toleranceBps: 2000, rewardShareBps: 6000, penaltyBps: 2500 };

/** The fixture enrolled, before gate closure: 978→customer 1, 469→customer 2 (aggregator ACEAE, default scheme);
 * 189→customer 3 (ACEAE); 796→customer 3 (ACEAE_2, custom). */
async function enrol(f: SettlementFixture) {
  return { scheme1: f.schemes.s1, scheme2: f.schemes.s2 };
}

/** Right result posted, validated OK, challenge window over. Awards: 0 978, 1 796, 2 469 (all 0.03), 3 189 (0.07). */
async function finalFixture() {
  const f = await deploySettlementFixture();
  await postAndSeal(f, RIGHT_AWARDS);
  await validateAll(f, RIGHT_AWARDS.length);
  await time.increaseTo(await f.challenge.challengeDeadline(f.sessionId));
  return { ...f, ...(await enrol(f)) };
}

const item = (awardIndex: number, deliveredW: bigint) => ({ awardIndex, deliveredW });
const SkipReason = { UnknownAward: 0, AlreadySettled: 1, NothingToSettle: 2, NoScheme: 3, NoWallet: 4 } as const;

/** 978 withdrawn from its scheme before gate closure: its award has no scheme to settle through. */
async function noSchemeFixture() {
  const f = await deploySettlementFixture((g) =>
    g.schemes.s1
      .connect(g.aggregator)
      .withdrawPod(POD.p978)
      .then(() => undefined),
  );
  await postAndSeal(f, RIGHT_AWARDS);
  await validateAll(f, RIGHT_AWARDS.length);
  await time.increaseTo(await f.challenge.challengeDeadline(f.sessionId));
  return f;
}

describe("RewardToken", function () {
  it("has 6 decimals (one unit = one micro-EUR) and the settlement contract as its only minter", async function () {
    const f = await loadFixture(deploySettlementFixture);
    expect(await f.token.decimals()).to.equal(6);
    expect(await f.token.minter()).to.equal(await f.settlement.getAddress());
  });

  it("reverts mint and burn from anyone else", async function () {
    const f = await loadFixture(deploySettlementFixture);
    await expect(f.token.connect(f.admin).mint(f.admin.address, 1))
      .to.be.revertedWithCustomError(f.token, "RewardTokenUnauthorizedMinter")
      .withArgs(f.admin.address);
    await expect(f.token.connect(f.marketOperator).burn(f.customer1.address, 1))
      .to.be.revertedWithCustomError(f.token, "RewardTokenUnauthorizedMinter")
      .withArgs(f.marketOperator.address);
  });
});

describe("Settlement", function () {
  shouldBehaveLikeRoleGuarded(async () => {
    const f = await loadFixture(finalFixture);
    return { ...f, guarded: f.settlement };
  }, [
    { fn: "settle", role: "MARKET_OPERATOR", send: (f, s) => f.settlement.connect(s).settle(f.sessionId, DATASET, []) },
  ]);

  describe("settle", function () {
    it("mints the customer's reward for exact delivery", async function () {
      const f = await loadFixture(finalFixture);
      // Award 0: 978 1,000 kW down at 30 milli-EUR/kW = 30 EUR; delivered 1,000 kW → 30,000,000 units.
      await expect(f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(0, 1_000_000n)]))
        .to.emit(f.settlement, "AwardSettled")
        .withArgs(f.sessionId, 0, POD.p978, f.customer1.address, 1_000_000n, 10_000n, 30_000_000n, 0n, 30_000_000n, 0n)
        .and.to.emit(f.settlement, "SettlementPosted")
        .withArgs(f.sessionId, DATASET, 1);
      expect(await f.token.balanceOf(f.customer1.address)).to.equal(30_000_000n);
      expect(await f.settlement.isSettled(f.sessionId, 0)).to.equal(true);
    });

    it("pays under-delivery inside ±30 % pro rata, and penalises it outside", async function () {
      const f = await loadFixture(finalFixture);
      // Award 2: 469 277 kW at 0.03 = 8,310,000 µEUR; 80 % (221,600 W) → 8,000 bps → paid 6,648,000, no penalty.
      // Award 0 at 50 %: paid 15 EUR, penalty 30 × 50 % = 15 EUR → nets to 0 for customer 1.
      await f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(2, 221_600n), item(0, 500_000n)]);
      expect(await f.token.balanceOf(f.customer2.address)).to.equal(6_648_000n);
      expect(await f.token.balanceOf(f.customer1.address)).to.equal(0n);
      const totals = await f.settlement.walletTotals(f.customer1.address);
      expect([totals.rewardedMicroEur, totals.penalisedMicroEur]).to.deep.equal([15_000_000n, 15_000_000n]);
    });

    it("caps over-delivery at the award and penalises beyond the band of the aggregator's own scheme", async function () {
      const f = await loadFixture(finalFixture);
      // Award 1: 796 100 kW at 0.03 = 3 EUR, scheme 2 (±20 %, 60 % share, 25 % penalty). 125 % delivered:
      // paid 3 EUR × 60 % = 1,800,000; penalty 3 EUR × 25 % × 60 % = 450,000 → 1,350,000 minted.
      await f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(1, 125_000n)]);
      expect(await f.token.balanceOf(f.customer3.address)).to.equal(1_800_000n - 450_000n);
    });

    it("keeps a penalty it cannot burn as debt, recovered from later rewards", async function () {
      const f = await loadFixture(finalFixture);
      // Award 3: 189 272 kW up at 0.07 = 19,040,000 µEUR, default scheme. Consumption went down instead:
      // paid 0, penalty 19,040,000 × 50 % = 9,520,000; customer 3 holds nothing: all debt.
      await f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(3, 100_000n)]);
      expect(await f.settlement.totalDebtMicroEur()).to.equal(9_520_000n);
      // Award 1 delivered exactly: 3 EUR × 60 % = 1,800,000, all recovered into the debt.
      await f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(1, 100_000n)]);
      expect(await f.token.balanceOf(f.customer3.address)).to.equal(0n);
      expect((await f.settlement.walletTotals(f.customer3.address)).debtMicroEur).to.equal(9_520_000n - 1_800_000n);
      expect(await f.token.totalSupply()).to.equal(
        (await f.settlement.netSettledMicroEur()) + (await f.settlement.totalDebtMicroEur()),
      );
    });

    it("burns a penalty from the balance the customer already holds", async function () {
      const f = await loadFixture(finalFixture);
      await f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(1, 100_000n)]);
      await expect(f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(3, -1n)]))
        .to.emit(f.token, "Transfer")
        .withArgs(f.customer3.address, ethers.ZeroAddress, 1_800_000n);
      expect(await f.token.balanceOf(f.customer3.address)).to.equal(0n);
      expect(await f.settlement.totalDebtMicroEur()).to.equal(9_520_000n - 1_800_000n);
    });

    it("reverts before the result is final (not validated, or within the challenge window)", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await enrol(f);
      await postAndSeal(f, RIGHT_AWARDS);
      await expect(f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(0, 1n)]))
        .to.be.revertedWithCustomError(f.settlement, "SettlementResultNotFinal")
        .withArgs(f.sessionId);
      await validateAll(f, RIGHT_AWARDS.length);
      await expect(f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(0, 1n)]))
        .to.be.revertedWithCustomError(f.settlement, "SettlementResultNotFinal")
        .withArgs(f.sessionId);
    });

    it("reverts for a result voided by a challenge", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await postAndSeal(f, WRONG_AWARDS);
      await f.challenge.challenge(f.sessionId, 1, CURVES.o469.steps, OFFER_ID.o796, CURVES.o796.steps, DSO_PODS);
      await time.increaseTo(await f.challenge.challengeDeadline(f.sessionId));
      await expect(f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, []))
        .to.be.revertedWithCustomError(f.settlement, "SettlementResultNotFinal")
        .withArgs(f.sessionId);
    });

    it("skips an award the DSO's validation rejected", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await enrol(f);
      await postAndSeal(f, RIGHT_AWARDS);
      await f.market.connect(f.dsoOracle).postValidations(
        f.sessionId,
        RIGHT_AWARDS.map((_, i) => ({
          awardIndex: i,
          verdict: i === 3 ? Verdict.Ko : Verdict.Ok,
          reducedQuantityKw: 0,
          reasonCode: i === 3 ? 1 : 0,
        })),
      );
      await time.increaseTo(await f.challenge.challengeDeadline(f.sessionId));
      await expect(f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(3, 272_000n)]))
        .to.emit(f.settlement, "AwardSkipped")
        .withArgs(f.sessionId, 3, SkipReason.NothingToSettle);
    });

    it("settles a partially validated award at its reduced quantity", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await enrol(f);
      await postAndSeal(f, RIGHT_AWARDS);
      // The field test: validation reduced the TSO award on Nanchino (here to 150 kW).
      await f.market.connect(f.dsoOracle).postValidations(
        f.sessionId,
        RIGHT_AWARDS.map((_, i) => ({
          awardIndex: i,
          verdict: i === 3 ? Verdict.Partial : Verdict.Ok,
          reducedQuantityKw: i === 3 ? 150 : 0,
          reasonCode: i === 3 ? 1 : 0,
        })),
      );
      await time.increaseTo(await f.challenge.challengeDeadline(f.sessionId));
      // 150 kW up at 0.07 = 10.5 EUR; delivered: consumption up 150 kW (baseline − measured = −150,000 W).
      await f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(3, -150_000n)]);
      expect(await f.token.balanceOf(f.customer3.address)).to.equal(10_500_000n);
    });

    it("skips an award settled already, and settles the rest of the batch", async function () {
      const f = await loadFixture(finalFixture);
      await f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(0, 1_000_000n)]);
      await expect(
        f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(0, 1_000_000n), item(2, 277_000n)]),
      )
        .to.emit(f.settlement, "AwardSkipped")
        .withArgs(f.sessionId, 0, SkipReason.AlreadySettled)
        .and.to.emit(f.settlement, "SettlementBatchSummary")
        .withArgs(f.sessionId, 1, 1);
      expect(await f.settlement.isSettled(f.sessionId, 2)).to.equal(true);
    });

    it("skips an unknown award index without reverting the batch", async function () {
      const f = await loadFixture(finalFixture);
      await expect(f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(99, 1n)]))
        .to.emit(f.settlement, "AwardSkipped")
        .withArgs(f.sessionId, 99, SkipReason.UnknownAward);
    });

    it("still pays a PoD withdrawn after gate closure, under the terms in force then", async function () {
      const f = await loadFixture(finalFixture);
      await f.scheme1.connect(f.aggregator).withdrawPod(POD.p978);
      await f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(0, 1_000_000n)]);
      expect(await f.token.balanceOf(f.customer1.address)).to.equal(30_000_000n);
    });

    it("skips a PoD that was in no scheme at gate closure", async function () {
      const f = await loadFixture(noSchemeFixture);
      await expect(f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(0, 1n)]))
        .to.emit(f.settlement, "AwardSkipped")
        .withArgs(f.sessionId, 0, SkipReason.NoScheme);
    });
  });

  describe("token supply", function () {
    it("always equals minted − burned = Σ(reward − penalty) + debt, and matches the off-chain ledger", async function () {
      this.timeout(300_000);
      const f0 = await loadFixture(finalFixture);
      const podOf = [POD.p978, POD.p796, POD.p469, POD.p189];
      const schemeOf = [DEFAULT_SCHEME, CUSTOM, DEFAULT_SCHEME, DEFAULT_SCHEME];
      const wallets = [f0.customer1, f0.customer3, f0.customer2, f0.customer3].map((c) => c.address);
      const awards = await f0.market.awardsOf(f0.sessionId);
      expect(awards.map((a) => a.podId)).to.deep.equal(podOf);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: -400, max: 400 }), { minLength: 4, maxLength: 4 }),
          fc.shuffledSubarray([0, 1, 2, 3], { minLength: 1 }),
          async (percents, order) => {
            const f = await loadFixture(finalFixture);
            const ledger = new TokenLedger();
            for (const index of order) {
              const a = awards[index];
              const powerW = BigInt(a.finalQuantityKw) * 1000n * (a.direction === 1n ? -1n : 1n);
              const deliveredW = (-powerW * BigInt(percents[index])) / 100n;
              await f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [item(index, deliveredW)]);
              const payment = BigInt(a.finalQuantityKw) * BigInt(a.priceMilliEurPerKw) * 1000n;
              const expected = assessDelivery(schemeOf[index], powerW, deliveredW, payment);
              ledger.apply(wallets[index], expected.rewardMicroEur, expected.customerPenaltyMicroEur);
              const supply = await f.token.totalSupply();
              expect(supply).to.equal(
                (await f.settlement.netSettledMicroEur()) + (await f.settlement.totalDebtMicroEur()),
              );
              expect(supply).to.equal(ledger.supply);
              expect(await f.settlement.netSettledMicroEur()).to.equal(ledger.netSettled);
            }
          },
        ),
        { numRuns: 15 },
      );
    });
  });
});
