// FlexMarket request and offer books: requests, offers within PoD limits, cancel and replace.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import {
  deployOpenSession,
  singleSlotOffer,
  blockOffer,
  deltaRequest,
  absoluteRequest,
  lastOfferId,
  lastRequestId,
  POD_A,
  POD_B,
  podData,
} from "./helpers/platform";
import { ROLES } from "./helpers/roles";
import {
  curveHash,
  podSetHash,
  pomId,
  podId,
  Direction,
  EntryStatus,
  OfferKind,
  Qualification,
  RequestKind,
  SessionKind,
  TargetKind,
} from "./helpers/units";

const STEPS = [
  { quantityKw: 200, priceMilliEurPerKw: 10 },
  { quantityKw: 300, priceMilliEurPerKw: 30 },
];
const POM = pomId("CP-IRLANDESE");

async function withOffer() {
  const p = await deployOpenSession();
  await p.market.connect(p.aggregator).submitOffer(singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, STEPS));
  return p;
}

async function withRealTimeSession() {
  const p = await deployOpenSession();
  const now = await time.latest();
  await p.market
    .connect(p.marketOperator)
    .createSession(SessionKind.RealTime, p.day, 3, p.dayStartTime, now + 10, p.dayStartTime + 48 * 900 - 900);
  await time.increaseTo(now + 10);
  return { ...p, rtSessionId: await p.market.sessionCount() };
}

describe("FlexMarket book", function () {
  describe("submitDsoRequest", function () {
    it("stores the request with the PoD-set hash and emits the set", async function () {
      const p = await loadFixture(deployOpenSession);
      const pods = [POD_A, POD_B];
      const input = deltaRequest(50, -1377, 100);
      await expect(p.market.connect(p.dsoOracle).submitDsoRequest(p.sessionId, pods, input))
        .to.emit(p.market, "DsoRequestSubmitted")
        .withArgs(1, p.sessionId, 50, podSetHash(pods), pods, Object.values(input));
      const r = await p.market.request(1);
      expect(r.kind).to.equal(RequestKind.Dso);
      expect(r.status).to.equal(EntryStatus.Active);
      expect(r.target).to.equal(podSetHash(pods));
      expect(r.input.targetPowerKw).to.equal(-1377n);
    });

    it("reverts for an empty PoD set", async function () {
      const p = await loadFixture(deployOpenSession);
      await expect(
        p.market.connect(p.dsoOracle).submitDsoRequest(p.sessionId, [], deltaRequest(50, -1)),
      ).to.be.revertedWithCustomError(p.market, "FlexMarketEmptyPodSet");
    });

    it("reverts for a slot outside the session", async function () {
      const p = await loadFixture(withRealTimeSession);
      for (const slot of [47, 64]) {
        await expect(p.market.connect(p.dsoOracle).submitDsoRequest(p.rtSessionId, [POD_A], deltaRequest(slot, -1)))
          .to.be.revertedWithCustomError(p.market, "FlexMarketSlotOutsideSession")
          .withArgs(p.rtSessionId, slot);
      }
      await expect(
        p.market.connect(p.dsoOracle).submitDsoRequest(p.rtSessionId, [POD_A], deltaRequest(48, -1)),
      ).to.emit(p.market, "DsoRequestSubmitted");
    });

    it("reverts for a delta whose sign contradicts the direction, or zero", async function () {
      const p = await loadFixture(deployOpenSession);
      const bad = [
        { ...deltaRequest(50, -100), direction: Direction.Up },
        { ...deltaRequest(50, 100), direction: Direction.Down },
        { ...deltaRequest(50, 1), targetPowerKw: 0 },
      ];
      for (const input of bad) {
        await expect(p.market.connect(p.dsoOracle).submitDsoRequest(p.sessionId, [POD_A], input))
          .to.be.revertedWithCustomError(p.market, "FlexMarketInvalidTarget")
          .withArgs(TargetKind.Delta, input.direction, input.targetPowerKw);
      }
    });

    it("accepts an absolute target of any sign", async function () {
      const p = await loadFixture(deployOpenSession);
      await expect(
        p.market.connect(p.dsoOracle).submitDsoRequest(p.sessionId, [POD_A], absoluteRequest(50, Direction.Down, -20)),
      ).to.emit(p.market, "DsoRequestSubmitted");
    });

    it("reverts for an unknown session", async function () {
      const p = await loadFixture(deployOpenSession);
      await expect(p.market.connect(p.dsoOracle).submitDsoRequest(99, [POD_A], deltaRequest(50, -1)))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnknownSession")
        .withArgs(99);
    });
  });

  describe("submitTsoRequest", function () {
    it("stores the request on the PoM", async function () {
      const p = await loadFixture(deployOpenSession);
      const input = absoluteRequest(50, Direction.Down, 7500);
      await expect(p.market.connect(p.tso).submitTsoRequest(p.sessionId, POM, input))
        .to.emit(p.market, "TsoRequestSubmitted")
        .withArgs(1, p.sessionId, POM, Object.values(input));
      const r = await p.market.request(1);
      expect(r.kind).to.equal(RequestKind.Tso);
      expect(r.target).to.equal(POM);
    });
  });

  describe("cancelRequest", function () {
    it("lets the DSO oracle withdraw its request before gate closure", async function () {
      const p = await loadFixture(deployOpenSession);
      await p.market.connect(p.dsoOracle).submitDsoRequest(p.sessionId, [POD_A], deltaRequest(50, -1));
      await expect(p.market.connect(p.dsoOracle).cancelRequest(1))
        .to.emit(p.market, "RequestCancelled")
        .withArgs(1, p.sessionId);
      expect((await p.market.request(1)).status).to.equal(EntryStatus.Cancelled);
      await expect(p.market.connect(p.dsoOracle).cancelRequest(1))
        .to.be.revertedWithCustomError(p.market, "FlexMarketRequestNotActive")
        .withArgs(1, EntryStatus.Cancelled);
    });

    it("needs the role of the request's author", async function () {
      const p = await loadFixture(deployOpenSession);
      await p.market.connect(p.dsoOracle).submitDsoRequest(p.sessionId, [POD_A], deltaRequest(50, -1));
      await p.market.connect(p.tso).submitTsoRequest(p.sessionId, POM, deltaRequest(50, -1));
      await expect(p.market.connect(p.tso).cancelRequest(1))
        .to.be.revertedWithCustomError(p.market, "RoleGuardedUnauthorizedAccount")
        .withArgs(p.tso.address, ROLES.DSO_ORACLE);
      await expect(p.market.connect(p.dsoOracle).cancelRequest(2))
        .to.be.revertedWithCustomError(p.market, "RoleGuardedUnauthorizedAccount")
        .withArgs(p.dsoOracle.address, ROLES.TSO);
      await expect(p.market.connect(p.tso).cancelRequest(2)).to.emit(p.market, "RequestCancelled");
    });

    it("reverts after gate closure and for an unknown request", async function () {
      const p = await loadFixture(deployOpenSession);
      await p.market.connect(p.dsoOracle).submitDsoRequest(p.sessionId, [POD_A], deltaRequest(50, -1));
      await expect(p.market.connect(p.dsoOracle).cancelRequest(5))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnknownRequest")
        .withArgs(5);
      await expect(p.market.request(5)).to.be.revertedWithCustomError(p.market, "FlexMarketUnknownRequest");
      await time.increaseTo(p.gateClosureTime);
      await expect(p.market.connect(p.dsoOracle).cancelRequest(1))
        .to.be.revertedWithCustomError(p.market, "FlexMarketGateClosed")
        .withArgs(p.sessionId, p.gateClosureTime);
    });
  });

  describe("submitOffer", function () {
    it("stores the offer with its curve hash and emits the curve", async function () {
      const p = await loadFixture(deployOpenSession);
      const input = singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, STEPS);
      const hash = curveHash(STEPS);
      await expect(p.market.connect(p.aggregator).submitOffer(input))
        .to.emit(p.market, "OfferSubmitted")
        .withArgs(
          1,
          p.sessionId,
          POD_A,
          input.kind,
          input.direction,
          input.firstSlot,
          input.lastSlot,
          input.energyKwh,
          STEPS.map((s) => [s.quantityKw, s.priceMilliEurPerKw]),
        );
      const o = await p.market.offer(1);
      expect(o.podId).to.equal(POD_A);
      expect(o.maxQuantityKw).to.equal(500n);
      expect(o.minPriceMilliEurPerKw).to.equal(10n);
      expect(o.curveHash).to.equal(hash);
      expect(o.status).to.equal(EntryStatus.Active);
      expect(await p.market.offerCurveHash(1)).to.equal(hash);
    });

    it("keeps a one-step curve in one storage word, its hash rebuilt from quantity and price", async function () {
      const p = await loadFixture(deployOpenSession);
      const step = [{ quantityKw: 420, priceMilliEurPerKw: 17 }];
      await p.market.connect(p.aggregator).submitOffer(singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, step));
      const o = await p.market.offer(1);
      expect([o.maxQuantityKw, o.minPriceMilliEurPerKw]).to.deep.equal([420n, 17n]);
      expect(o.curveHash).to.equal(curveHash(step));
      expect(await p.market.offerCurveHash(1)).to.equal(curveHash(step));
      expect(await p.market.offerCurveHash(2)).to.equal(ethers.ZeroHash);
    });

    it("accepts an energy-constrained block over a window", async function () {
      const p = await loadFixture(deployOpenSession);
      await p.market
        .connect(p.aggregator)
        .submitOffer(blockOffer(p.sessionId, POD_A, 40, 60, 250, Direction.Down, STEPS));
      const o = await p.market.offer(1);
      expect(o.kind).to.equal(OfferKind.Block);
      expect([o.firstSlot, o.lastSlot, o.energyKwh]).to.deep.equal([40n, 60n, 250n]);
    });

    it("reverts above the PoD's qualified flexibility in the offer's direction", async function () {
      const p = await loadFixture(deployOpenSession);
      const m = p.market.connect(p.aggregator);
      await expect(
        m.submitOffer(
          singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, [
            ...STEPS,
            { quantityKw: 200, priceMilliEurPerKw: 40 },
          ]),
        ),
      )
        .to.be.revertedWithCustomError(p.market, "FlexMarketAboveLimit")
        .withArgs(POD_A, Direction.Down, 700, 500);
      await expect(m.submitOffer(singleSlotOffer(p.sessionId, POD_A, 50, Direction.Up, STEPS)))
        .to.be.revertedWithCustomError(p.market, "FlexMarketAboveLimit")
        .withArgs(POD_A, Direction.Up, 500, 300);
      await expect(
        m.submitOffer(
          singleSlotOffer(p.sessionId, POD_A, 50, Direction.Up, [{ quantityKw: 300, priceMilliEurPerKw: 1 }]),
        ),
      ).to.emit(p.market, "OfferSubmitted");
    });

    it("applies a modulation of the static traffic light", async function () {
      const p = await loadFixture(deployOpenSession);
      await p.registry.connect(p.dso).modulateQualification(POD_A, 0, 250);
      await expect(
        p.market.connect(p.aggregator).submitOffer(singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, STEPS)),
      )
        .to.be.revertedWithCustomError(p.market, "FlexMarketAboveLimit")
        .withArgs(POD_A, Direction.Down, 500, 250);
    });

    it("reverts for a PoD not qualified, invalidated or deregistered", async function () {
      const p = await loadFixture(deployOpenSession);
      const m = p.market.connect(p.aggregator);
      const offer = singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, STEPS);
      await p.registry.connect(p.aggregator).updatePod(POD_A, podData({ maxDownKw: 600 }));
      await expect(m.submitOffer(offer))
        .to.be.revertedWithCustomError(p.market, "FlexMarketPodNotQualified")
        .withArgs(POD_A, Qualification.Pending);
      await p.registry.connect(p.dso).invalidateQualification(POD_A);
      await expect(m.submitOffer(offer))
        .to.be.revertedWithCustomError(p.market, "FlexMarketPodNotQualified")
        .withArgs(POD_A, Qualification.Invalidated);
      await p.registry.connect(p.aggregator).deregisterPod(POD_A);
      await expect(m.submitOffer(offer))
        .to.be.revertedWithCustomError(p.market, "FlexMarketPodNotRegistered")
        .withArgs(POD_A);
    });

    it("reverts for a PoD of another aggregator or an unknown PoD", async function () {
      const p = await loadFixture(deployOpenSession);
      await expect(
        p.market.connect(p.aggregator).submitOffer(singleSlotOffer(p.sessionId, POD_B, 50, Direction.Down, STEPS)),
      )
        .to.be.revertedWithCustomError(p.market, "FlexMarketNotPodAggregator")
        .withArgs(POD_B, p.aggregator.address, p.aggregator2.address);
      const unknown = podId("IT002E99999999");
      await expect(
        p.market.connect(p.aggregator).submitOffer(singleSlotOffer(p.sessionId, unknown, 50, Direction.Down, STEPS)),
      )
        .to.be.revertedWithCustomError(p.market, "FlexMarketNotPodAggregator")
        .withArgs(unknown, p.aggregator.address, "0x0000000000000000000000000000000000000000");
    });

    it("reverts for a malformed curve, naming the bad step", async function () {
      const p = await loadFixture(deployOpenSession);
      const m = p.market.connect(p.aggregator);
      const step = { quantityKw: 10, priceMilliEurPerKw: 5 };
      const cases: [typeof STEPS, number][] = [
        [[], 0],
        [Array.from({ length: 11 }, () => step), 11],
        [[step, { quantityKw: 0, priceMilliEurPerKw: 6 }], 1],
        [[step, { quantityKw: 10, priceMilliEurPerKw: 4 }], 1],
        [
          [
            { quantityKw: 2 ** 32 - 1, priceMilliEurPerKw: 5 },
            { quantityKw: 1, priceMilliEurPerKw: 5 },
          ],
          1,
        ], // the total overflows uint32
      ];
      for (const [steps, bad] of cases) {
        await expect(m.submitOffer(singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, steps)))
          .to.be.revertedWithCustomError(p.market, "FlexMarketInvalidCurve")
          .withArgs(bad);
      }
      await expect(
        m.submitOffer(
          singleSlotOffer(
            p.sessionId,
            POD_A,
            50,
            Direction.Down,
            Array.from({ length: 10 }, () => step),
          ),
        ),
      ).to.emit(p.market, "OfferSubmitted");
    });

    it("reverts for an inconsistent window", async function () {
      const p = await loadFixture(deployOpenSession);
      const m = p.market.connect(p.aggregator);
      const cases = [
        { ...singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, STEPS), lastSlot: 51 },
        { ...singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, STEPS), energyKwh: 5 },
        blockOffer(p.sessionId, POD_A, 60, 40, 100, Direction.Down, STEPS),
        blockOffer(p.sessionId, POD_A, 40, 60, 0, Direction.Down, STEPS),
        singleSlotOffer(p.sessionId, POD_A, 96, Direction.Down, STEPS),
      ];
      for (const input of cases) {
        await expect(m.submitOffer(input))
          .to.be.revertedWithCustomError(p.market, "FlexMarketInvalidOfferWindow")
          .withArgs(input.kind, input.firstSlot, input.lastSlot, input.energyKwh);
      }
    });

    it("keeps real-time offers inside the session's 16 slots", async function () {
      const p = await loadFixture(withRealTimeSession);
      const m = p.market.connect(p.aggregator);
      await expect(m.submitOffer(blockOffer(p.rtSessionId, POD_A, 47, 50, 10, Direction.Down, STEPS)))
        .to.be.revertedWithCustomError(p.market, "FlexMarketInvalidOfferWindow")
        .withArgs(OfferKind.Block, 47, 50, 10);
      await expect(m.submitOffer(blockOffer(p.rtSessionId, POD_A, 48, 63, 10, Direction.Down, STEPS))).to.emit(
        p.market,
        "OfferSubmitted",
      );
    });
  });

  describe("cancelOffer", function () {
    it("withdraws the offer before gate closure", async function () {
      const p = await loadFixture(withOffer);
      await expect(p.market.connect(p.aggregator).cancelOffer(1))
        .to.emit(p.market, "OfferCancelled")
        .withArgs(1, p.sessionId, POD_A);
      expect((await p.market.offer(1)).status).to.equal(EntryStatus.Cancelled);
    });

    it("reverts for another aggregator", async function () {
      const p = await loadFixture(withOffer);
      await expect(p.market.connect(p.aggregator2).cancelOffer(1))
        .to.be.revertedWithCustomError(p.market, "FlexMarketNotPodAggregator")
        .withArgs(POD_A, p.aggregator2.address, p.aggregator.address);
    });

    it("reverts when already cancelled, unknown, or after gate closure", async function () {
      const p = await loadFixture(withOffer);
      const m = p.market.connect(p.aggregator);
      await expect(m.cancelOffer(2)).to.be.revertedWithCustomError(p.market, "FlexMarketUnknownOffer").withArgs(2);
      await expect(p.market.offer(2)).to.be.revertedWithCustomError(p.market, "FlexMarketUnknownOffer").withArgs(2);
      await time.setNextBlockTimestamp(p.gateClosureTime);
      await expect(m.cancelOffer(1))
        .to.be.revertedWithCustomError(p.market, "FlexMarketGateClosed")
        .withArgs(p.sessionId, p.gateClosureTime);
    });

    it("reverts on a second cancellation", async function () {
      const p = await loadFixture(withOffer);
      const m = p.market.connect(p.aggregator);
      await m.cancelOffer(1);
      await expect(m.cancelOffer(1))
        .to.be.revertedWithCustomError(p.market, "FlexMarketOfferNotActive")
        .withArgs(1, EntryStatus.Cancelled);
    });
  });

  describe("replaceOffer", function () {
    it("replaces the offer atomically", async function () {
      const p = await loadFixture(withOffer);
      const next = [{ quantityKw: 400, priceMilliEurPerKw: 15 }];
      await expect(
        p.market.connect(p.aggregator).replaceOffer(1, singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, next)),
      )
        .to.emit(p.market, "OfferReplaced")
        .withArgs(1, 2, p.sessionId)
        .and.to.emit(p.market, "OfferSubmitted");
      expect((await p.market.offer(1)).status).to.equal(EntryStatus.Replaced);
      expect((await p.market.offer(2)).curveHash).to.equal(curveHash(next));
      expect(await lastOfferId(p)).to.equal(2n);
      await expect(
        p.market.connect(p.aggregator).replaceOffer(1, singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, next)),
      )
        .to.be.revertedWithCustomError(p.market, "FlexMarketOfferNotActive")
        .withArgs(1, EntryStatus.Replaced);
    });

    it("reverts when the new offer is for another session", async function () {
      const p = await loadFixture(withOffer);
      await expect(
        p.market.connect(p.aggregator).replaceOffer(1, singleSlotOffer(2n, POD_A, 50, Direction.Down, STEPS)),
      )
        .to.be.revertedWithCustomError(p.market, "FlexMarketOfferNotInSession")
        .withArgs(1, 2);
    });

    it("leaves the old offer active when the new one is invalid", async function () {
      const p = await loadFixture(withOffer);
      await expect(
        p.market.connect(p.aggregator).replaceOffer(1, singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, [])),
      ).to.be.revertedWithCustomError(p.market, "FlexMarketInvalidCurve");
      expect((await p.market.offer(1)).status).to.equal(EntryStatus.Active);
    });

    it("reverts after gate closure", async function () {
      const p = await loadFixture(withOffer);
      await time.setNextBlockTimestamp(p.gateClosureTime);
      await expect(
        p.market.connect(p.aggregator).replaceOffer(1, singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, STEPS)),
      )
        .to.be.revertedWithCustomError(p.market, "FlexMarketGateClosed")
        .withArgs(p.sessionId, p.gateClosureTime);
      expect(await lastRequestId(p)).to.equal(0n);
    });
  });
});
