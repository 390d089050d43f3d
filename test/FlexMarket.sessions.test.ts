// FlexMarket sessions: creation rules, time-driven status, gate closure on both sides of the boundary.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  deployPlatform,
  deployOpenSession,
  createDayAheadSession,
  dayAheadSchedule,
  singleSlotOffer,
  deltaRequest,
  POD_A,
  registerQualifiedPod,
} from "./helpers/platform";
import { shouldBehaveLikeRoleGuarded } from "./helpers/shouldBehaveLikeRoleGuarded";
import { DAY_SECONDS, Direction, SessionKind, SessionStatus, pomId } from "./helpers/units";

const STEP = [{ quantityKw: 100, priceMilliEurPerKw: 20 }];

describe("FlexMarket sessions", function () {
  shouldBehaveLikeRoleGuarded(async () => {
    const p = await loadFixture(deployOpenSession);
    return { ...p, guarded: p.market };
  }, [
    {
      fn: "createSession",
      role: "MARKET_OPERATOR",
      send: (f, s) => f.market.connect(s).createSession(SessionKind.DayAhead, f.day + 1, 0, 0, 0, 0),
    },
    {
      fn: "submitDsoRequest",
      role: "DSO_ORACLE",
      send: (f, s) => f.market.connect(s).submitDsoRequest(f.sessionId, [POD_A], deltaRequest(50, -100)),
    },
    {
      fn: "submitTsoRequest",
      role: "TSO",
      send: (f, s) => f.market.connect(s).submitTsoRequest(f.sessionId, pomId("CP"), deltaRequest(50, -100)),
    },
    {
      fn: "submitOffer",
      role: "AGGREGATOR",
      send: (f, s) => f.market.connect(s).submitOffer(singleSlotOffer(f.sessionId, POD_A, 50, Direction.Down, STEP)),
    },
    { fn: "cancelOffer", role: "AGGREGATOR", send: (f, s) => f.market.connect(s).cancelOffer(1) },
    {
      fn: "replaceOffer",
      role: "AGGREGATOR",
      send: (f, s) =>
        f.market.connect(s).replaceOffer(1, singleSlotOffer(f.sessionId, POD_A, 50, Direction.Down, STEP)),
    },
    {
      fn: "postAwards",
      role: "MARKET_OPERATOR",
      send: (f, s) => f.market.connect(s).postAwards(f.sessionId, "0x" + "11".repeat(32), []),
    },
    { fn: "sealClearing", role: "MARKET_OPERATOR", send: (f, s) => f.market.connect(s).sealClearing(f.sessionId) },
    {
      fn: "postValidations",
      role: "DSO_ORACLE",
      send: (f, s) => f.market.connect(s).postValidations(f.sessionId, []),
    },
  ]);

  describe("createSession", function () {
    it("creates a day-ahead session over the 96 slots of the day", async function () {
      const p = await loadFixture(deployPlatform);
      const s = await dayAheadSchedule();
      await expect(
        p.market
          .connect(p.marketOperator)
          .createSession(SessionKind.DayAhead, s.day, 0, s.dayStartTime, s.openingTime, s.gateClosureTime),
      )
        .to.emit(p.market, "SessionCreated")
        .withArgs(1, SessionKind.DayAhead, s.day, 0, 0, 96, s.dayStartTime, s.openingTime, s.gateClosureTime);
      const v = await p.market.session(1);
      expect(v.status).to.equal(SessionStatus.Scheduled);
      expect(await p.market.sessionIdOf(SessionKind.DayAhead, s.day, 0)).to.equal(1n);
      expect(await p.market.dayAheadGateClosure(s.day)).to.equal(BigInt(s.gateClosureTime));
    });

    it("creates real-time sessions of 16 slots each", async function () {
      const p = await loadFixture(deployPlatform);
      const s = await dayAheadSchedule();
      for (let i = 0; i < 6; i++) {
        const firstSlotStart = s.dayStartTime + i * 16 * 900;
        await expect(
          p.market
            .connect(p.marketOperator)
            .createSession(SessionKind.RealTime, s.day, i, s.dayStartTime, s.openingTime, firstSlotStart - 900),
        )
          .to.emit(p.market, "SessionCreated")
          .withArgs(
            i + 1,
            SessionKind.RealTime,
            s.day,
            i,
            i * 16,
            16,
            s.dayStartTime,
            s.openingTime,
            firstSlotStart - 900,
          );
      }
      expect(await p.market.sessionCount()).to.equal(6n);
      expect(await p.market.dayAheadGateClosure(s.day)).to.equal(0n);
    });

    it("reverts for a real-time index out of range, or non-zero for day-ahead", async function () {
      const p = await loadFixture(deployPlatform);
      const s = await dayAheadSchedule();
      const op = p.market.connect(p.marketOperator);
      await expect(op.createSession(SessionKind.RealTime, s.day, 6, s.dayStartTime, s.openingTime, s.gateClosureTime))
        .to.be.revertedWithCustomError(p.market, "FlexMarketInvalidRealTimeIndex")
        .withArgs(SessionKind.RealTime, 6);
      await expect(op.createSession(SessionKind.DayAhead, s.day, 1, s.dayStartTime, s.openingTime, s.gateClosureTime))
        .to.be.revertedWithCustomError(p.market, "FlexMarketInvalidRealTimeIndex")
        .withArgs(SessionKind.DayAhead, 1);
    });

    it("reverts for a second session of the same kind, day and index", async function () {
      const p = await loadFixture(deployPlatform);
      const s = await createDayAheadSession(p);
      await expect(
        p.market
          .connect(p.marketOperator)
          .createSession(SessionKind.DayAhead, s.day, 0, s.dayStartTime, s.openingTime, s.gateClosureTime),
      )
        .to.be.revertedWithCustomError(p.market, "FlexMarketSessionExists")
        .withArgs(SessionKind.DayAhead, s.day, 0, 1);
    });

    it("reverts for a day start far from the date's midnight", async function () {
      const p = await loadFixture(deployPlatform);
      const s = await dayAheadSchedule();
      for (const dayStart of [s.day * DAY_SECONDS - 15 * 3600, s.day * DAY_SECONDS + 15 * 3600]) {
        await expect(
          p.market
            .connect(p.marketOperator)
            .createSession(SessionKind.DayAhead, s.day, 0, dayStart, s.openingTime, s.gateClosureTime),
        )
          .to.be.revertedWithCustomError(p.market, "FlexMarketImplausibleDayStart")
          .withArgs(s.day, dayStart);
      }
    });

    it("reverts for an inconsistent schedule", async function () {
      const p = await loadFixture(deployPlatform);
      const s = await dayAheadSchedule();
      const now = await time.latest();
      const op = p.market.connect(p.marketOperator);
      const cases = [
        [s.gateClosureTime, s.gateClosureTime], // opening not before gate closure
        [s.openingTime, s.dayStartTime + 1], // gate closure after delivery starts
        [now - 100, now], // gate closure already past
      ];
      for (const [opening, gate] of cases) {
        await expect(op.createSession(SessionKind.DayAhead, s.day, 0, s.dayStartTime, opening, gate))
          .to.be.revertedWithCustomError(p.market, "FlexMarketInvalidSchedule")
          .withArgs(opening, gate, s.dayStartTime);
      }
    });

    it("reverts for times beyond the 40-bit storage range instead of truncating them", async function () {
      const p = await loadFixture(deployPlatform);
      const day = 2 ** 32 - 1;
      const dayStart = day * DAY_SECONDS;
      await expect(
        p.market
          .connect(p.marketOperator)
          .createSession(SessionKind.DayAhead, day, 0, dayStart, dayStart - 7200, dayStart - 3600),
      )
        .to.be.revertedWithCustomError(p.market, "SafeCastOverflowedUintDowncast")
        .withArgs(40, dayStart);
    });

    it("accepts a gate closure exactly at delivery start", async function () {
      const p = await loadFixture(deployPlatform);
      const s = await dayAheadSchedule();
      await expect(
        p.market
          .connect(p.marketOperator)
          .createSession(SessionKind.DayAhead, s.day, 0, s.dayStartTime, s.openingTime, s.dayStartTime),
      ).to.emit(p.market, "SessionCreated");
    });
  });

  describe("status", function () {
    it("follows block time: Scheduled, Open at opening, GateClosed at gate closure", async function () {
      const p = await loadFixture(deployPlatform);
      const s = await createDayAheadSession(p);
      expect(await p.market.sessionStatus(s.sessionId)).to.equal(SessionStatus.Scheduled);
      await time.increaseTo(s.openingTime - 1);
      expect(await p.market.sessionStatus(s.sessionId)).to.equal(SessionStatus.Scheduled);
      await time.increaseTo(s.openingTime);
      expect(await p.market.sessionStatus(s.sessionId)).to.equal(SessionStatus.Open);
      await time.increaseTo(s.gateClosureTime - 1);
      expect(await p.market.sessionStatus(s.sessionId)).to.equal(SessionStatus.Open);
      await time.increaseTo(s.gateClosureTime);
      expect(await p.market.sessionStatus(s.sessionId)).to.equal(SessionStatus.GateClosed);
    });

    it("is None for an unknown session and session() reverts", async function () {
      const p = await loadFixture(deployPlatform);
      expect(await p.market.sessionStatus(7)).to.equal(SessionStatus.None);
      await expect(p.market.session(7)).to.be.revertedWithCustomError(p.market, "FlexMarketUnknownSession").withArgs(7);
    });
  });

  describe("gate closure", function () {
    it("accepts an offer in the last second before gate closure and refuses it at gate closure", async function () {
      const p = await loadFixture(deployOpenSession);
      const m = p.market.connect(p.aggregator);
      await time.setNextBlockTimestamp(p.gateClosureTime - 1);
      await expect(m.submitOffer(singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, STEP))).to.emit(
        p.market,
        "OfferSubmitted",
      );
      await time.setNextBlockTimestamp(p.gateClosureTime);
      await expect(m.submitOffer(singleSlotOffer(p.sessionId, POD_A, 51, Direction.Down, STEP)))
        .to.be.revertedWithCustomError(p.market, "FlexMarketGateClosed")
        .withArgs(p.sessionId, p.gateClosureTime);
    });

    it("accepts a request in the last second before gate closure and refuses it at gate closure", async function () {
      const p = await loadFixture(deployOpenSession);
      const m = p.market.connect(p.dsoOracle);
      await time.setNextBlockTimestamp(p.gateClosureTime - 1);
      await expect(m.submitDsoRequest(p.sessionId, [POD_A], deltaRequest(50, -100))).to.emit(
        p.market,
        "DsoRequestSubmitted",
      );
      await time.setNextBlockTimestamp(p.gateClosureTime);
      await expect(m.submitDsoRequest(p.sessionId, [POD_A], deltaRequest(50, -100)))
        .to.be.revertedWithCustomError(p.market, "FlexMarketGateClosed")
        .withArgs(p.sessionId, p.gateClosureTime);
    });

    it("refuses offers before the opening time", async function () {
      const p = await loadFixture(deployPlatform);
      await registerQualifiedPod(p, POD_A);
      const s = await createDayAheadSession(p);
      await expect(
        p.market.connect(p.aggregator).submitOffer(singleSlotOffer(s.sessionId, POD_A, 50, Direction.Down, STEP)),
      )
        .to.be.revertedWithCustomError(p.market, "FlexMarketNotOpenYet")
        .withArgs(s.sessionId, s.openingTime);
    });

    it("refuses awards one second before gate closure and accepts them at gate closure", async function () {
      const p = await loadFixture(deployOpenSession);
      const op = p.market.connect(p.marketOperator);
      const hash = "0x" + "ab".repeat(32);
      await time.setNextBlockTimestamp(p.gateClosureTime - 1);
      await expect(op.postAwards(p.sessionId, hash, []))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnexpectedStatus")
        .withArgs(p.sessionId, SessionStatus.Open, SessionStatus.Clearing);
      await time.setNextBlockTimestamp(p.gateClosureTime);
      await expect(op.postAwards(p.sessionId, hash, []))
        .to.emit(p.market, "SessionGateClosed")
        .withArgs(p.sessionId, p.gateClosureTime)
        .and.to.emit(p.market, "ClearingStarted")
        .withArgs(p.sessionId, hash);
    });
  });

  describe("closeGate", function () {
    it("records the gate closure once, at or after gate closure", async function () {
      const p = await loadFixture(deployOpenSession);
      await time.setNextBlockTimestamp(p.gateClosureTime - 1);
      await expect(p.market.connect(p.stranger).closeGate(p.sessionId))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnexpectedStatus")
        .withArgs(p.sessionId, SessionStatus.Open, SessionStatus.GateClosed);
      await time.setNextBlockTimestamp(p.gateClosureTime);
      await expect(p.market.connect(p.stranger).closeGate(p.sessionId))
        .to.emit(p.market, "SessionGateClosed")
        .withArgs(p.sessionId, p.gateClosureTime);
      await expect(p.market.connect(p.stranger).closeGate(p.sessionId))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnexpectedStatus")
        .withArgs(p.sessionId, SessionStatus.GateClosed, SessionStatus.GateClosed);
    });

    it("lets the clearing start after a recorded gate closure without a second event", async function () {
      const p = await loadFixture(deployOpenSession);
      await time.increaseTo(p.gateClosureTime);
      await p.market.closeGate(p.sessionId);
      await expect(p.market.connect(p.marketOperator).postAwards(p.sessionId, "0x" + "01".repeat(32), []))
        .to.emit(p.market, "ClearingStarted")
        .and.not.to.emit(p.market, "SessionGateClosed");
    });

    it("reverts for an unknown session", async function () {
      const p = await loadFixture(deployPlatform);
      await expect(p.market.closeGate(9))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnknownSession")
        .withArgs(9);
    });
  });
});
