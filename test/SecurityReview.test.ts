// Regression tests of the security review (issue 16): each `it` reproduces a finding that held on the code before
// the fix (it failed there) and states the behaviour that closes it.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  CURVES,
  deploySettlementFixture,
  DSO_PODS,
  OFFER_ID,
  POD,
  postAndSeal,
  RIGHT_AWARDS,
  SLOT,
  validateAll,
  WRONG_AWARDS,
  createScheme,
  POM,
  type SettlementFixture,
} from "./settlement/fixture";
import {
  createDayAheadSession,
  deployOpenSession,
  deployPlatform,
  deltaRequest,
  lastOfferId,
  lastRequestId,
  podData,
  POD_A,
  POD_B,
  registerQualifiedPod,
  singleSlotOffer,
} from "./helpers/platform";
import { ROLES } from "./helpers/roles";
import { Colour, DAY_SECONDS, Direction, perimeterId, SessionKind, SessionStatus } from "./helpers/units";

const DATASET = ethers.id("certified readings of session 1");
const DEFAULT = { toleranceBps: 3000, rewardShareBps: 10000, penaltyBps: 5000 };
const CHALLENGE_WINDOW_SECONDS = 3600n;

/** Schemes created and the Tor di Valle PoDs enrolled by their own aggregators before gate closure. */
async function enrolledFixture() {
  const f = await deploySettlementFixture();
  return f;
}

const challengeWrong = (f: SettlementFixture) =>
  f.challenge.challenge(f.sessionId, 1, CURVES.o469.steps, OFFER_ID.o796, CURVES.o796.steps, DSO_PODS);

describe("Security review (issue 16)", function () {
  describe("finding 1: remuneration takeover", function () {
    it("refuses to enrol a PoD in the scheme of an aggregator that does not hold its registration", async function () {
      const f = await loadFixture(enrolledFixture);
      const rogue = await createScheme(f.factory, f.aggregator2, { ...DEFAULT, penaltyBps: 5000 });
      // 978 is ACEAE's (f.aggregator); ACEAE_2 tries to take its reward.
      await expect(rogue.connect(f.aggregator2).enrolPod(POD.p978, f.aggregator2.address))
        .to.be.revertedWithCustomError(rogue, "RemunerationSchemeNotPodAggregator")
        .withArgs(POD.p978, f.aggregator2.address, f.aggregator.address);
    });

    it("refuses, in the PodRegistry, a scheme owned by another aggregator", async function () {
      const f = await loadFixture(enrolledFixture);
      const rogue = await createScheme(f.factory, f.aggregator2, DEFAULT);
      const d = await f.registry.podData(POD.p978);
      const data = {
        voltageLevel: d.voltageLevel,
        contractualPowerWithdrawnKw: d.contractualPowerWithdrawnKw,
        contractualPowerInjectedKw: d.contractualPowerInjectedKw,
        cosPhiMilli: d.cosPhiMilli,
        maxUpKw: d.maxUpKw,
        maxDownKw: d.maxDownKw,
        remunerationScheme: await rogue.getAddress(),
      };
      await expect(f.registry.connect(f.aggregator).updatePod(POD.p978, data))
        .to.be.revertedWithCustomError(f.registry, "PodRegistryInvalidScheme")
        .withArgs(POD.p978, await rogue.getAddress(), f.aggregator.address);
    });

    it("pays the scheme the PodRegistry records, to the wallet in force at gate closure", async function () {
      const f = await loadFixture(enrolledFixture);
      await postAndSeal(f, RIGHT_AWARDS);
      await validateAll(f, RIGHT_AWARDS.length);
      // After gate closure the aggregator redirects 978's wallet: effective for later sessions only.
      await f.schemes.s1.connect(f.aggregator).enrolPod(POD.p978, f.customer2.address);
      await time.increaseTo(await f.challenge.challengeDeadline(f.sessionId));
      await f.settlement
        .connect(f.marketOperator)
        .settle(f.sessionId, DATASET, [{ awardIndex: 0, deliveredW: 1_000_000n }]);
      expect(await f.token.balanceOf(f.customer1.address)).to.equal(30_000_000n);
      expect(await f.token.balanceOf(f.customer2.address)).to.equal(0n);
      expect(await f.registry.remunerationSchemeAt(1, f.gateClosureTime)).to.equal(await f.schemes.s1.getAddress());
    });
  });

  describe("finding 2: late sealing escapes the challenge", function () {
    it("refuses to seal once delivery has started (sealing deadline)", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await f.market.connect(f.marketOperator).postAwards(f.sessionId, ethers.id("inputs"), WRONG_AWARDS);
      await time.increaseTo(f.dayStartTime);
      await expect(f.market.connect(f.marketOperator).sealClearing(f.sessionId))
        .to.be.revertedWithCustomError(f.market, "FlexMarketSealingDeadlinePassed")
        .withArgs(f.sessionId, f.dayStartTime);
    });

    it("measures the challenge window from sealing, so a result sealed just before delivery stays challengeable", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await f.market.connect(f.marketOperator).postAwards(f.sessionId, ethers.id("inputs"), WRONG_AWARDS);
      await time.increaseTo(f.dayStartTime - 60);
      await f.market.connect(f.marketOperator).sealClearing(f.sessionId);
      const sealedAt = BigInt(await time.latest());
      expect(await f.challenge.challengeDeadline(f.sessionId)).to.equal(sealedAt + CHALLENGE_WINDOW_SECONDS);
      await time.increaseTo(f.dayStartTime + 600);
      await expect(challengeWrong(f)).to.emit(f.challenge, "SessionResultVoided");
    });
  });

  describe("finding 4: a voided session is a dead end", function () {
    it("releases the voided awards' slots and accepts a corrected result that settles", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await postAndSeal(f, WRONG_AWARDS);
      await challengeWrong(f);
      expect(await f.market.sessionStatus(f.sessionId)).to.equal(SessionStatus.Voided);
      expect(await f.market.awardedSlotsOf(POD.p469, f.day)).to.not.equal(0n);
      await expect(f.market.releaseVoidedAwards(f.sessionId, 100))
        .to.emit(f.market, "VoidedAwardsReleased")
        .withArgs(f.sessionId, 0, WRONG_AWARDS.length);
      expect(await f.market.awardedSlotsOf(POD.p469, f.day)).to.equal(0n);
      await expect(f.market.connect(f.marketOperator).reopenClearing(f.sessionId))
        .to.emit(f.market, "ClearingReopened")
        .withArgs(f.sessionId, 1);
      await postAndSeal(f, RIGHT_AWARDS);
      await validateAll(f, RIGHT_AWARDS.length);
      await time.increaseTo(await f.challenge.challengeDeadline(f.sessionId));
      expect(await f.challenge.isFinal(f.sessionId)).to.equal(true);
      await f.settlement
        .connect(f.marketOperator)
        .settle(f.sessionId, DATASET, [{ awardIndex: 1, deliveredW: 100_000n }]);
      // Award 1 of the corrected result is 796 (ACEAE_2, 100 kW at 0.03 = 3 EUR, 60 % share) to customer 3.
      expect(await f.token.balanceOf(f.customer3.address)).to.equal(1_800_000n);
    });

    it("lets anyone lapse a clearing not sealed by its deadline, releasing its slots", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await f.market.connect(f.marketOperator).postAwards(f.sessionId, ethers.id("inputs"), WRONG_AWARDS);
      await time.increaseTo(f.dayStartTime + 1);
      await expect(f.market.connect(f.stranger).lapseClearing(f.sessionId))
        .to.emit(f.market, "ClearingLapsed")
        .withArgs(f.sessionId, WRONG_AWARDS.length);
      await f.market.releaseVoidedAwards(f.sessionId, 100);
      expect(await f.market.awardedSlotsOf(POD.p978, f.day)).to.equal(0n);
    });
  });

  describe("liveness", function () {
    it("finalises a result the DSO oracle left half validated, paying only the validated awards", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await postAndSeal(f, RIGHT_AWARDS);
      await f.market
        .connect(f.dsoOracle)
        .postValidations(f.sessionId, [{ awardIndex: 0, verdict: 1, reducedQuantityKw: 0, reasonCode: 0 }]);
      const sealedAt = (await f.market.clearingOf(f.sessionId)).sealedAt;
      await expect(f.market.connect(f.stranger).finaliseUnvalidated(f.sessionId))
        .to.be.revertedWithCustomError(f.market, "FlexMarketValidationDeadlineNotPassed")
        .withArgs(f.sessionId, sealedAt + 7200n);
      await time.increaseTo(sealedAt + 7200n);
      await expect(f.market.connect(f.stranger).finaliseUnvalidated(f.sessionId))
        .to.emit(f.market, "ValidationLapsed")
        .withArgs(f.sessionId, RIGHT_AWARDS.length - 1);
      expect(await f.challenge.isFinal(f.sessionId)).to.equal(true);
      await expect(
        f.settlement.connect(f.marketOperator).settle(f.sessionId, DATASET, [
          { awardIndex: 0, deliveredW: 1_000_000n },
          { awardIndex: 1, deliveredW: 100_000n },
        ]),
      )
        .to.emit(f.settlement, "SettlementBatchSummary")
        .withArgs(f.sessionId, 1, 1);
      expect(await f.token.balanceOf(f.customer1.address)).to.equal(30_000_000n);
    });
  });

  describe("medium: awards", function () {
    async function curveFixture() {
      const f = await deployOpenSession();
      await f.market.connect(f.dsoOracle).submitDsoRequest(f.sessionId, [POD_A], deltaRequest(40, -300, 100));
      const dsoRequest = await lastRequestId(f);
      const steps = [
        { quantityKw: 100, priceMilliEurPerKw: 10 },
        { quantityKw: 100, priceMilliEurPerKw: 20 },
        { quantityKw: 100, priceMilliEurPerKw: 30 },
      ];
      await f.market.connect(f.aggregator).submitOffer(singleSlotOffer(f.sessionId, POD_A, 40, Direction.Down, steps));
      const offerA = await lastOfferId(f);
      await f.market
        .connect(f.aggregator2)
        .submitOffer(
          singleSlotOffer(f.sessionId, POD_B, 40, Direction.Down, [{ quantityKw: 100, priceMilliEurPerKw: 5 }]),
        );
      const offerB = await lastOfferId(f);
      await time.increaseTo(f.gateClosureTime);
      return { ...f, dsoRequest, offerA, offerB };
    }
    const award = (offerId: bigint, requestId: bigint, quantityKw: number, price: number) => ({
      offerId,
      requestId,
      slotIndex: 40,
      quantityKw,
      priceMilliEurPerKw: price,
    });

    it("binds the offer curve: an award is paid at least its marginal step's price", async function () {
      const f = await loadFixture(curveFixture);
      await expect(
        f.market
          .connect(f.marketOperator)
          .postAwards(f.sessionId, ethers.ZeroHash, [award(f.offerA, f.dsoRequest, 250, 10)]),
      )
        .to.be.revertedWithCustomError(f.market, "FlexMarketAwardBelowMarginalPrice")
        .withArgs(f.offerA, 250, 10, 30);
      await f.market
        .connect(f.marketOperator)
        .postAwards(f.sessionId, ethers.ZeroHash, [award(f.offerA, f.dsoRequest, 250, 30)]);
    });

    it("refuses a DSO award on a PoD outside the request's PoD set", async function () {
      const f = await loadFixture(curveFixture);
      await expect(
        f.market
          .connect(f.marketOperator)
          .postAwards(f.sessionId, ethers.ZeroHash, [award(f.offerB, f.dsoRequest, 100, 5)]),
      )
        .to.be.revertedWithCustomError(f.market, "FlexMarketAwardPodNotInRequest")
        .withArgs(f.dsoRequest, POD_B);
    });

    it("refuses an award above the request's price cap", async function () {
      const f = await loadFixture(curveFixture);
      await expect(
        f.market
          .connect(f.marketOperator)
          .postAwards(f.sessionId, ethers.ZeroHash, [award(f.offerA, f.dsoRequest, 100, 101)]),
      ).to.be.revertedWithCustomError(f.market, "FlexMarketAwardPriceOutOfRange");
    });

    it("refuses awards of an aggregator whose role was revoked", async function () {
      const f = await loadFixture(curveFixture);
      await f.roles.revokeRole(ROLES.AGGREGATOR, f.aggregator.address);
      await expect(
        f.market
          .connect(f.marketOperator)
          .postAwards(f.sessionId, ethers.ZeroHash, [award(f.offerA, f.dsoRequest, 100, 10)]),
      )
        .to.be.revertedWithCustomError(f.market, "FlexMarketAggregatorRevoked")
        .withArgs(POD_A, f.aggregator.address);
    });
  });

  describe("medium: dynamic traffic lights enforced", function () {
    const MOSTACCIANO = perimeterId("Mostacciano");
    const light = (slotIndex: number, colour: number, up: number, down: number) => ({
      slotIndex,
      colour,
      capabilityUpKw: up,
      capabilityDownKw: down,
    });

    it("refuses a TSO award on a PoD whose perimeter is red with zero capability that way", async function () {
      const f = await loadFixture(deploySettlementFixture);
      // Not reached by gate closure: a fresh session of the next day, a red light down on 978's feeder.
      const day = f.day + 1;
      const dayStartTime = f.dayStartTime + DAY_SECONDS;
      const now = await time.latest();
      await f.market
        .connect(f.marketOperator)
        .createSession(SessionKind.DayAhead, day, 0, dayStartTime, now + 10, dayStartTime - 3600);
      const sessionId = await f.market.sessionCount();
      await time.increaseTo(now + 10);
      await f.trafficLight
        .connect(f.dsoOracle)
        .publishTrafficLights(sessionId, MOSTACCIANO, [light(SLOT, Colour.Red, 500, 0)]);
      await f.market.connect(f.tso).submitTsoRequest(sessionId, POM, deltaRequest(SLOT, -300));
      const requestId = await lastRequestId(f);
      await f.market
        .connect(f.aggregator)
        .submitOffer(
          singleSlotOffer(sessionId, POD.p978, SLOT, Direction.Down, [{ quantityKw: 300, priceMilliEurPerKw: 10 }]),
        );
      const offerId = await lastOfferId(f);
      await time.increaseTo(dayStartTime - 3600);
      const award = { offerId, requestId, slotIndex: SLOT, quantityKw: 300, priceMilliEurPerKw: 10 };
      await expect(f.market.connect(f.marketOperator).postAwards(sessionId, ethers.ZeroHash, [award]))
        .to.be.revertedWithCustomError(f.market, "FlexMarketAwardAboveTrafficLight")
        .withArgs(POD.p978, SLOT, Direction.Down, 300, 0);
    });

    it("keeps a day-ahead light: a real-time session cannot overwrite it", async function () {
      const p = await deployPlatform();
      const s = await createDayAheadSession(p);
      await p.trafficLight.connect(p.dso).definePerimeter(MOSTACCIANO, [POD_A]);
      await time.increaseTo(s.openingTime);
      await p.trafficLight
        .connect(p.dsoOracle)
        .publishTrafficLights(s.sessionId, MOSTACCIANO, [light(70, Colour.Red, 0, 0)]);
      await p.market
        .connect(p.marketOperator)
        .createSession(SessionKind.RealTime, s.day, 4, s.dayStartTime, s.openingTime + 10, s.dayStartTime + 60 * 900);
      const rt = await p.market.sessionCount();
      await time.increaseTo(s.openingTime + 10);
      await expect(
        p.trafficLight.connect(p.dsoOracle).publishTrafficLights(rt, MOSTACCIANO, [light(70, Colour.Green, 900, 900)]),
      )
        .to.be.revertedWithCustomError(p.trafficLight, "DynamicTrafficLightDayAheadFixed")
        .withArgs(MOSTACCIANO, s.day, 70);
    });
  });

  describe("medium: registry and admin", function () {
    it("freezes baselines at the gate closure of a real-time session when the day has no day-ahead session", async function () {
      const p = await deployPlatform();
      await registerQualifiedPod(p, POD_A);
      const now = await time.latest();
      const day = Math.floor(now / DAY_SECONDS) + 2;
      const dayStartTime = day * DAY_SECONDS - 2 * 3600;
      const gateClosureTime = dayStartTime - 3600;
      await p.market
        .connect(p.marketOperator)
        .createSession(SessionKind.RealTime, day, 0, dayStartTime, now + 60, gateClosureTime);
      await time.increaseTo(gateClosureTime);
      await expect(p.registry.connect(p.aggregator).submitBaseline(POD_A, day, Array<number>(96).fill(1)))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryBaselineFrozen")
        .withArgs(POD_A, day, gateClosureTime);
    });

    it("does not let the admin swap the calendar that freezes baselines", async function () {
      const p = await deployPlatform();
      await expect(p.registry.setCalendar(p.stranger.address))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryCalendarAlreadySet")
        .withArgs(await p.market.getAddress());
    });

    it("stops a revoked aggregator from changing its PoDs", async function () {
      const p = await deployPlatform();
      await registerQualifiedPod(p, POD_A);
      await p.roles.revokeRole(ROLES.AGGREGATOR, p.aggregator.address);
      await expect(p.registry.connect(p.aggregator).updatePod(POD_A, podData()))
        .to.be.revertedWithCustomError(p.registry, "RoleGuardedUnauthorizedAccount")
        .withArgs(p.aggregator.address, ROLES.AGGREGATOR);
    });

    it("transfers the admin role only in two delayed steps", async function () {
      const p = await deployPlatform();
      expect(await p.roles.defaultAdminDelay()).to.be.gt(0n);
      await expect(p.roles.grantRole(ROLES.ADMIN, p.stranger.address)).to.be.revertedWithCustomError(
        p.roles,
        "AccessControlEnforcedDefaultAdminRules",
      );
    });

    it("lets the guardian pause the platform's writes, and only the admin resume them", async function () {
      const p = await deploySettlementFixture();
      await p.roles.grantRole(ROLES.GUARDIAN, p.stranger.address);
      await p.roles.connect(p.stranger).pause();
      await expect(
        p.market.connect(p.marketOperator).postAwards(p.sessionId, ethers.id("inputs"), RIGHT_AWARDS),
      ).to.be.revertedWithCustomError(p.market, "RoleGuardedPaused");
      await expect(
        p.settlement.connect(p.marketOperator).settle(p.sessionId, DATASET, []),
      ).to.be.revertedWithCustomError(p.settlement, "RoleGuardedPaused");
      await expect(p.roles.connect(p.stranger).unpause()).to.be.revertedWithCustomError(
        p.roles,
        "AccessControlUnauthorizedAccount",
      );
      await p.roles.unpause();
    });

    it("refuses zero addresses in constructors", async function () {
      const factory = await ethers.getContractFactory("PodRegistry");
      await expect(factory.deploy(ethers.ZeroAddress)).to.be.revertedWithCustomError(factory, "RoleGuardedZeroAddress");
    });
  });
});

export { SLOT };
