// Settlement and RewardToken: final results only, each award once, tokens minted and burned through the PoD's
// scheme to the customer's wallet, and token supply = net of all settlements (+ unburned debt), property-tested.
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { assessDelivery, DEFAULT_SCHEME, TokenLedger } from "../../oracles/market/settlement/assessment";
import { shouldBehaveLikeRoleGuarded } from "../helpers/shouldBehaveLikeRoleGuarded";
import {
  CHALLENGE_WINDOW_S,
  createScheme,
  deploySettlementFixture,
  DSO_REQUEST,
  OFFERS,
  POD,
  RIGHT_AWARDS,
  SESSION,
  WRONG_AWARDS,
} from "./fixture";

const DATASET = ethers.id("certified readings of session 1");
const CUSTOM = { toleranceBps: 2000, rewardShareBps: 6000, penaltyBps: 2500 };

/** Right result posted and final; 978 and 469 in aggregator 1's default scheme, 796 and 189 in aggregator 2's. */
async function finalFixture() {
  const f = await deploySettlementFixture();
  await f.results.connect(f.operator).postResult(SESSION, ethers.id("book"), RIGHT_AWARDS, []);
  await time.increase(CHALLENGE_WINDOW_S + 1);
  const scheme1 = await createScheme(f.factory, f.aggregator1, DEFAULT_SCHEME);
  const scheme2 = await createScheme(f.factory, f.aggregator2, CUSTOM);
  await scheme1.connect(f.aggregator1).enrolPod(POD.p978, f.customer1.address);
  await scheme1.connect(f.aggregator1).enrolPod(POD.p469, f.customer2.address);
  await scheme2.connect(f.aggregator2).enrolPod(POD.p796, f.customer3.address);
  await scheme2.connect(f.aggregator2).enrolPod(POD.p189, f.customer3.address);
  return { ...f, scheme1, scheme2 };
}

const item = (awardIndex: number, deliveredW: bigint) => ({ awardIndex, award: RIGHT_AWARDS[awardIndex], deliveredW });

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
    await expect(f.token.connect(f.operator).burn(f.customer1.address, 1))
      .to.be.revertedWithCustomError(f.token, "RewardTokenUnauthorizedMinter")
      .withArgs(f.operator.address);
  });
});

describe("Settlement", function () {
  shouldBehaveLikeRoleGuarded(async () => {
    const f = await loadFixture(finalFixture);
    return { ...f, guarded: f.settlement };
  }, [{ fn: "settle", role: "MARKET_OPERATOR", send: (f, s) => f.settlement.connect(s).settle(SESSION, DATASET, []) }]);

  describe("settle", function () {
    it("mints the customer's reward for exact delivery", async function () {
      const f = await loadFixture(finalFixture);
      // Award 0: 978 −1,000 kW at 0.03 = 30 EUR; delivered 1,000 kW → 30,000,000 units to customer 1.
      await expect(f.settlement.connect(f.operator).settle(SESSION, DATASET, [item(0, 1_000_000n)]))
        .to.emit(f.settlement, "AwardSettled")
        .withArgs(SESSION, 0, POD.p978, f.customer1.address, 1_000_000n, 10_000n, 30_000_000n, 0n, 30_000_000n, 0n)
        .and.to.emit(f.settlement, "SettlementPosted")
        .withArgs(SESSION, DATASET, 1);
      expect(await f.token.balanceOf(f.customer1.address)).to.equal(30_000_000n);
      expect(await f.settlement.isSettled(SESSION, 0)).to.equal(true);
    });

    it("pays under-delivery inside ±30 % pro rata, and penalises it outside", async function () {
      const f = await loadFixture(finalFixture);
      // Award 2: 469 −276,741 W at 0.03 = 8,302,230 µEUR.
      // 80 %: 221,393 W × 10,000 / 276,741 = 8,000 bps → paid 8,302,230 × 0.8 = 6,641,784; no penalty.
      // Then 978 at 50 %: paid 15 EUR, penalty 15 EUR → nets to 0 for customer 1.
      await f.settlement.connect(f.operator).settle(SESSION, DATASET, [item(2, 221_393n), item(0, 500_000n)]);
      expect(await f.token.balanceOf(f.customer2.address)).to.equal((8_302_230n * 8_000n) / 10_000n);
      expect(await f.token.balanceOf(f.customer1.address)).to.equal(0n);
      const totals = await f.settlement.walletTotals(f.customer1.address);
      expect([totals.rewardedMicroEur, totals.penalisedMicroEur]).to.deep.equal([15_000_000n, 15_000_000n]);
    });

    it("caps over-delivery at the award and penalises beyond +30 % by the aggregator's own scheme", async function () {
      const f = await loadFixture(finalFixture);
      // Award 1: 796 −100 kW at 0.03 = 3 EUR, scheme 2 (±20 %, 60 % share, 25 % penalty).
      // 125 % delivered: outside ±20 % → paid 3 EUR × 60 % = 1.8; penalty 3 × 25 % × 60 % = 0.45 → mint 1.35 EUR.
      await f.settlement.connect(f.operator).settle(SESSION, DATASET, [item(1, 125_000n)]);
      expect(await f.token.balanceOf(f.customer3.address)).to.equal(1_800_000n - 450_000n);
    });

    it("burns a penalty from the wallet and keeps what it cannot burn as debt, recovered from later rewards", async function () {
      const f = await loadFixture(finalFixture);
      // TSO award 3: 189 +271,748 W at 0.07 = 19,022,360 µEUR; scheme 2. Wrong way: paid 0, penalty
      // 19,022,360 × 25 % × 60 % = 2,853,354. Customer 3 holds nothing yet: all of it becomes debt.
      await f.settlement.connect(f.operator).settle(SESSION, DATASET, [item(3, 100_000n)]);
      expect(await f.settlement.totalDebtMicroEur()).to.equal(2_853_354n);
      // Award 1 delivered exactly: 3 EUR × 60 % = 1,800,000, all recovered into the debt.
      await f.settlement.connect(f.operator).settle(SESSION, DATASET, [item(1, 100_000n)]);
      expect(await f.token.balanceOf(f.customer3.address)).to.equal(0n);
      expect((await f.settlement.walletTotals(f.customer3.address)).debtMicroEur).to.equal(2_853_354n - 1_800_000n);
      expect(await f.token.totalSupply()).to.equal(
        (await f.settlement.netSettledMicroEur()) + (await f.settlement.totalDebtMicroEur()),
      );
    });

    it("burns a penalty from the balance the customer already holds", async function () {
      const f = await loadFixture(finalFixture);
      // Award 1 exact: mint 1,800,000 to customer 3. Award 3 wrong way: penalty 2,853,354 → burn 1,800,000,
      // debt 1,053,354.
      await f.settlement.connect(f.operator).settle(SESSION, DATASET, [item(1, 100_000n)]);
      await expect(f.settlement.connect(f.operator).settle(SESSION, DATASET, [item(3, -1n)]))
        .to.emit(f.token, "Transfer")
        .withArgs(f.customer3.address, ethers.ZeroAddress, 1_800_000n);
      expect(await f.token.balanceOf(f.customer3.address)).to.equal(0n);
      expect(await f.settlement.totalDebtMicroEur()).to.equal(2_853_354n - 1_800_000n);
    });

    it("reverts before the result is final", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await f.results.connect(f.operator).postResult(SESSION, ethers.id("book"), RIGHT_AWARDS, []);
      await expect(f.settlement.connect(f.operator).settle(SESSION, DATASET, [item(0, 1n)]))
        .to.be.revertedWithCustomError(f.settlement, "SettlementResultNotFinal")
        .withArgs(SESSION);
    });

    it("reverts for a voided result", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await f.results.connect(f.operator).postResult(SESSION, ethers.id("book"), WRONG_AWARDS, []);
      await f.results.challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o469, 0, OFFERS.o796);
      await time.increase(CHALLENGE_WINDOW_S + 1);
      await expect(f.settlement.connect(f.operator).settle(SESSION, DATASET, []))
        .to.be.revertedWithCustomError(f.settlement, "SettlementResultNotFinal")
        .withArgs(SESSION);
    });

    it("reverts for an award twice", async function () {
      const f = await loadFixture(finalFixture);
      await f.settlement.connect(f.operator).settle(SESSION, DATASET, [item(0, 1_000_000n)]);
      await expect(f.settlement.connect(f.operator).settle(SESSION, DATASET, [item(0, 1_000_000n)]))
        .to.be.revertedWithCustomError(f.settlement, "SettlementAlreadySettled")
        .withArgs(SESSION, 0);
    });

    it("reverts for an award that differs from the posted one", async function () {
      const f = await loadFixture(finalFixture);
      const inflated = { awardIndex: 0, award: { ...RIGHT_AWARDS[0], paymentMicroEur: 10n ** 12n }, deliveredW: 1n };
      await expect(f.settlement.connect(f.operator).settle(SESSION, DATASET, [inflated]))
        .to.be.revertedWithCustomError(f.settlement, "SettlementAwardMismatch")
        .withArgs(SESSION, 0);
    });

    it("reverts for a PoD in no scheme", async function () {
      const f = await loadFixture(finalFixture);
      await f.scheme1.connect(f.aggregator1).withdrawPod(POD.p978);
      await expect(f.settlement.connect(f.operator).settle(SESSION, DATASET, [item(0, 1n)]))
        .to.be.revertedWithCustomError(f.settlement, "SettlementPodWithoutScheme")
        .withArgs(POD.p978);
    });
  });

  describe("token supply", function () {
    it("always equals minted − burned = Σ(reward − penalty) + debt, and matches the off-chain ledger", async function () {
      this.timeout(300_000);
      const schemeOf: Record<string, typeof DEFAULT_SCHEME> = {
        [POD.p978]: DEFAULT_SCHEME,
        [POD.p469]: DEFAULT_SCHEME,
        [POD.p796]: CUSTOM,
        [POD.p189]: CUSTOM,
      };
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: -400, max: 400 }), { minLength: 4, maxLength: 4 }),
          fc.shuffledSubarray([0, 1, 2, 3], { minLength: 1 }),
          async (percents, order) => {
            const f = await loadFixture(finalFixture);
            // Awards 0..3 are 978, 796, 469, 189: customers 1, 3, 2, 3.
            const wallets = [f.customer1, f.customer3, f.customer2, f.customer3].map((c) => c.address);
            const ledger = new TokenLedger();
            for (const index of order) {
              const award = RIGHT_AWARDS[index];
              const deliveredW = (-award.powerW * BigInt(percents[index])) / 100n;
              await f.settlement.connect(f.operator).settle(SESSION, DATASET, [item(index, deliveredW)]);
              const a = assessDelivery(schemeOf[award.podId], award.powerW, deliveredW, award.paymentMicroEur);
              ledger.apply(wallets[index], a.rewardMicroEur, a.customerPenaltyMicroEur);
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
