// FlexMarket clearing results, technical validation and the final outcome.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  deployOpenSession,
  singleSlotOffer,
  blockOffer,
  deltaRequest,
  podData,
  registerQualifiedPod,
  POD_A,
  POD_B,
} from "./helpers/platform";
import { podId, pomId, Direction, EntryStatus, Qualification, SessionStatus, Verdict } from "./helpers/units";

const POM = pomId("CP-IRLANDESE");
const INPUTS = "0x" + "c1".repeat(32);
const OTHER_INPUTS = "0x" + "c2".repeat(32);

// Offers: 1 = A slot 50 down 500 kW from 10; 2 = B slot 50 down 100 kW at 20; 3 = A block 40..60 down 100 kWh;
// 4 = B slot 51 up 300 kW at 5. Requests: 1 = DSO slot 50 down cap 50; 2 = TSO on the PoM slot 51 down;
// 3 = DSO slot 52 down; 4 = DSO slot 53 down; 5 = DSO slot 51 up.
async function withBook() {
  const p = await deployOpenSession();
  const a = p.market.connect(p.aggregator);
  const b = p.market.connect(p.aggregator2);
  await a.submitOffer(
    singleSlotOffer(p.sessionId, POD_A, 50, Direction.Down, [
      { quantityKw: 200, priceMilliEurPerKw: 10 },
      { quantityKw: 300, priceMilliEurPerKw: 30 },
    ]),
  );
  await b.submitOffer(
    singleSlotOffer(p.sessionId, POD_B, 50, Direction.Down, [{ quantityKw: 100, priceMilliEurPerKw: 20 }]),
  );
  await a.submitOffer(
    blockOffer(p.sessionId, POD_A, 40, 60, 100, Direction.Down, [{ quantityKw: 200, priceMilliEurPerKw: 15 }]),
  );
  await b.submitOffer(
    singleSlotOffer(p.sessionId, POD_B, 51, Direction.Up, [{ quantityKw: 300, priceMilliEurPerKw: 5 }]),
  );
  const dso = p.market.connect(p.dsoOracle);
  await dso.submitDsoRequest(p.sessionId, [POD_A, POD_B], deltaRequest(50, -400, 50));
  await p.market.connect(p.tso).submitTsoRequest(p.sessionId, POM, deltaRequest(51, -100));
  await dso.submitDsoRequest(p.sessionId, [POD_A], deltaRequest(52, -200));
  await dso.submitDsoRequest(p.sessionId, [POD_A], deltaRequest(53, -200));
  await dso.submitDsoRequest(p.sessionId, [POD_B], deltaRequest(51, 300));
  await p.registry.connect(p.dsoOracle).mapPodsToPoms([POD_A], [POM]);
  return p;
}

async function afterGate() {
  const p = await withBook();
  await time.increaseTo(p.gateClosureTime);
  return p;
}

const award = (offerId: number, requestId: number, slotIndex: number, quantityKw: number, price: number) => ({
  offerId,
  requestId,
  slotIndex,
  quantityKw,
  priceMilliEurPerKw: price,
});

/** An award as AwardsPosted logs it (a struct is a tuple in ethers' event arguments). */
const logged = (a: ReturnType<typeof award>) => [
  a.offerId,
  a.requestId,
  a.slotIndex,
  a.quantityKw,
  a.priceMilliEurPerKw,
];

// Award 0: A 300 kW slot 50 (DSO); award 1: B 100 kW slot 50 (DSO); award 2: B 300 kW up slot 51 (DSO).
const AWARDS = [award(1, 1, 50, 300, 30), award(2, 1, 50, 100, 30), award(4, 5, 51, 300, 5)];

async function cleared() {
  const p = await afterGate();
  await p.market.connect(p.marketOperator).postAwards(p.sessionId, INPUTS, AWARDS);
  await p.market.connect(p.marketOperator).sealClearing(p.sessionId);
  return p;
}

describe("FlexMarket clearing", function () {
  describe("postAwards", function () {
    it("stores the awards and emits the batch from its first award index", async function () {
      const p = await loadFixture(afterGate);
      const tx = p.market.connect(p.marketOperator).postAwards(p.sessionId, INPUTS, AWARDS);
      await expect(tx).to.emit(p.market, "ClearingStarted").withArgs(p.sessionId, INPUTS);
      await expect(tx).to.emit(p.market, "AwardsPosted").withArgs(p.sessionId, 0, AWARDS.map(logged));
      const s = await p.market.session(p.sessionId);
      expect(s.status).to.equal(SessionStatus.Clearing);
      expect(s.awardCount).to.equal(3n);
      expect(s.inputsHash).to.equal(INPUTS);
      const v = await p.market.award(p.sessionId, 2);
      expect([v.podId, v.aggregator, v.slotIndex, v.direction, v.quantityKw, v.verdict]).to.deep.equal([
        POD_B,
        p.aggregator2.address,
        51n,
        BigInt(Direction.Up),
        300n,
        BigInt(Verdict.Pending),
      ]);
      expect(await p.market.awardedSlotsOf(POD_B, p.day)).to.equal((1n << 50n) | (1n << 51n));
    });

    it("appends further batches with the same inputs hash and refuses another hash", async function () {
      const p = await loadFixture(afterGate);
      const op = p.market.connect(p.marketOperator);
      await op.postAwards(p.sessionId, INPUTS, AWARDS.slice(0, 1));
      await expect(op.postAwards(p.sessionId, INPUTS, AWARDS.slice(1)))
        .to.emit(p.market, "AwardsPosted")
        .withArgs(p.sessionId, 1, AWARDS.slice(1).map(logged))
        .and.not.to.emit(p.market, "ClearingStarted");
      await expect(op.postAwards(p.sessionId, OTHER_INPUTS, []))
        .to.be.revertedWithCustomError(p.market, "FlexMarketInputsHashMismatch")
        .withArgs(p.sessionId, INPUTS, OTHER_INPUTS);
      expect((await p.market.session(p.sessionId)).awardCount).to.equal(3n);
      // Award 1 went into the word award 0 half-filled: both read back whole.
      const stored = await p.market.awardsOf(p.sessionId);
      expect(
        stored.map((v) => [v.offerId, v.requestId, v.slotIndex, v.quantityKw, v.priceMilliEurPerKw]),
      ).to.deep.equal(AWARDS.map((a) => logged(a).map(BigInt)));
    });

    it("resolves each award's PoD through the registration cache, also when two PoDs share a cache line", async function () {
      const p = await loadFixture(deployOpenSession); // A is registration 1, B registration 2
      for (let i = 3; i < 33; i++) {
        await p.registry.connect(p.aggregator).registerPod(podId(`IT002E7000${String(i).padStart(4, "0")}`), podData());
      }
      const podC = podId("IT002E70009999");
      await registerQualifiedPod(p, podC); // registration 33: the line of A's (32 lines)
      expect((await p.registry.flexibilityOf(podC)).index).to.equal(33n);
      const step = [{ quantityKw: 100, priceMilliEurPerKw: 10 }];
      const a = p.market.connect(p.aggregator);
      for (const slot of [50, 51]) {
        await a.submitOffer(singleSlotOffer(p.sessionId, POD_A, slot, Direction.Down, step));
        await a.submitOffer(singleSlotOffer(p.sessionId, podC, slot, Direction.Down, step));
        await p.market.connect(p.dsoOracle).submitDsoRequest(p.sessionId, [POD_A, podC], deltaRequest(slot, -200));
      }
      await p.registry.connect(p.dso).modulateQualification(podC, 0, 60);
      await time.increaseTo(p.gateClosureTime);
      const op = p.market.connect(p.marketOperator);
      // C is checked against its own record, not against A's that held the line just before.
      await expect(op.postAwards(p.sessionId, INPUTS, [award(1, 1, 50, 100, 10), award(2, 1, 50, 100, 10)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketAboveLimit")
        .withArgs(podC, Direction.Down, 100, 60);
      await op.postAwards(p.sessionId, INPUTS, [
        award(1, 1, 50, 100, 10),
        award(2, 1, 50, 60, 10),
        award(3, 2, 51, 100, 10),
        award(4, 2, 51, 50, 10),
      ]);
      expect((await p.market.awardsOf(p.sessionId)).map((v) => v.podId)).to.deep.equal([POD_A, podC, POD_A, podC]);
      expect(await p.market.awardedSlotsOf(podC, p.day)).to.equal((1n << 50n) | (1n << 51n));
      expect(await p.market.awardedSlotsOf(POD_A, p.day)).to.equal((1n << 50n) | (1n << 51n));
    });

    it("refuses offers and requests of another session or unknown", async function () {
      const p = await loadFixture(afterGate);
      const op = p.market.connect(p.marketOperator);
      await expect(op.postAwards(p.sessionId, INPUTS, [award(99, 1, 50, 1, 30)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketOfferNotInSession")
        .withArgs(99, p.sessionId);
      await expect(op.postAwards(p.sessionId, INPUTS, [award(1, 99, 50, 1, 30)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketRequestNotInSession")
        .withArgs(99, p.sessionId);
    });

    it("refuses a cancelled offer or request", async function () {
      const p = await loadFixture(withBook);
      await p.market.connect(p.aggregator).cancelOffer(1);
      await p.market.connect(p.dsoOracle).cancelRequest(3);
      await time.increaseTo(p.gateClosureTime);
      const op = p.market.connect(p.marketOperator);
      await expect(op.postAwards(p.sessionId, INPUTS, [award(1, 1, 50, 1, 30)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketOfferNotActive")
        .withArgs(1, EntryStatus.Cancelled);
      await expect(op.postAwards(p.sessionId, INPUTS, [award(3, 3, 52, 1, 30)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketRequestNotActive")
        .withArgs(3, EntryStatus.Cancelled);
    });

    it("refuses a slot or direction that does not match", async function () {
      const p = await loadFixture(afterGate);
      const op = p.market.connect(p.marketOperator);
      await expect(op.postAwards(p.sessionId, INPUTS, [award(1, 1, 51, 1, 30)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketAwardSlotMismatch")
        .withArgs(1, 1, 51);
      await expect(op.postAwards(p.sessionId, INPUTS, [award(1, 3, 52, 1, 30)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketAwardSlotMismatch")
        .withArgs(1, 3, 52);
      await expect(op.postAwards(p.sessionId, INPUTS, [award(4, 2, 51, 1, 30)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketAwardDirectionMismatch")
        .withArgs(4, 2);
    });

    it("keeps quantity within the offer and price between its lowest step and the cap", async function () {
      const p = await loadFixture(afterGate);
      const op = p.market.connect(p.marketOperator);
      for (const quantity of [0, 501]) {
        await expect(op.postAwards(p.sessionId, INPUTS, [award(1, 1, 50, quantity, 30)]))
          .to.be.revertedWithCustomError(p.market, "FlexMarketAwardQuantityInvalid")
          .withArgs(1, quantity, 500);
      }
      for (const price of [9, 51]) {
        await expect(op.postAwards(p.sessionId, INPUTS, [award(1, 1, 50, 10, price)]))
          .to.be.revertedWithCustomError(p.market, "FlexMarketAwardPriceOutOfRange")
          .withArgs(1, price, 10, 50);
      }
      await expect(op.postAwards(p.sessionId, INPUTS, [award(1, 1, 50, 500, 50)])).to.emit(p.market, "AwardsPosted");
    });

    it("refuses a PoD no longer qualified or registered, or modulated below the award", async function () {
      const p = await loadFixture(afterGate);
      const op = p.market.connect(p.marketOperator);
      await p.registry.connect(p.dso).modulateQualification(POD_A, 0, 200);
      await expect(op.postAwards(p.sessionId, INPUTS, [award(1, 1, 50, 300, 30)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketAboveLimit")
        .withArgs(POD_A, Direction.Down, 300, 200);
      await p.registry.connect(p.dso).invalidateQualification(POD_A);
      await expect(op.postAwards(p.sessionId, INPUTS, [award(1, 1, 50, 100, 30)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketPodNotQualified")
        .withArgs(POD_A, Qualification.Invalidated);
      await p.registry.connect(p.aggregator).deregisterPod(POD_A);
      await expect(op.postAwards(p.sessionId, INPUTS, [award(1, 1, 50, 100, 30)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketPodNotRegistered")
        .withArgs(POD_A);
    });

    it("refuses an award on a re-registered PoD's old offer", async function () {
      const p = await loadFixture(afterGate);
      await p.registry.connect(p.aggregator).deregisterPod(POD_A);
      await p.registry.connect(p.aggregator2).registerPod(POD_A, podData());
      await p.registry.connect(p.dso).confirmQualification(POD_A);
      await expect(p.market.connect(p.marketOperator).postAwards(p.sessionId, INPUTS, [award(1, 1, 50, 100, 30)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketPodNotRegistered")
        .withArgs(POD_A);
    });

    it("serves a TSO request only with PoDs mapped to its PoM", async function () {
      const p = await loadFixture(withBook);
      const b = p.market.connect(p.aggregator2);
      await b.submitOffer(
        singleSlotOffer(p.sessionId, POD_B, 51, Direction.Down, [{ quantityKw: 50, priceMilliEurPerKw: 1 }]),
      );
      await p.market
        .connect(p.aggregator)
        .submitOffer(
          singleSlotOffer(p.sessionId, POD_A, 51, Direction.Down, [{ quantityKw: 50, priceMilliEurPerKw: 1 }]),
        );
      await time.increaseTo(p.gateClosureTime);
      const op = p.market.connect(p.marketOperator);
      await expect(op.postAwards(p.sessionId, INPUTS, [award(5, 2, 51, 50, 1)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketAwardOutsidePom")
        .withArgs(POD_B, POM);
      await expect(op.postAwards(p.sessionId, INPUTS, [award(6, 2, 51, 50, 1)])).to.emit(p.market, "AwardsPosted");
    });

    it("gives a PoD at most one award per slot (mutual unavailability)", async function () {
      const p = await loadFixture(afterGate);
      await expect(
        p.market
          .connect(p.marketOperator)
          .postAwards(p.sessionId, INPUTS, [award(1, 1, 50, 100, 30), award(3, 1, 50, 100, 30)]),
      )
        .to.be.revertedWithCustomError(p.market, "FlexMarketPodAlreadyAwarded")
        .withArgs(POD_A, p.day, 50);
    });

    it("keeps a block's awards within its energy", async function () {
      const p = await loadFixture(afterGate);
      const op = p.market.connect(p.marketOperator);
      await op.postAwards(p.sessionId, INPUTS, [award(3, 3, 52, 200, 15), award(3, 1, 50, 200, 15)]);
      await expect(op.postAwards(p.sessionId, INPUTS, [award(3, 4, 53, 1, 15)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketBlockEnergyExceeded")
        .withArgs(3, 401, 400);
    });

    it("refuses awards before gate closure and after sealing", async function () {
      const p = await loadFixture(withBook);
      const op = p.market.connect(p.marketOperator);
      await expect(op.postAwards(p.sessionId, INPUTS, AWARDS))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnexpectedStatus")
        .withArgs(p.sessionId, SessionStatus.Open, SessionStatus.Clearing);
      await time.increaseTo(p.gateClosureTime);
      await op.postAwards(p.sessionId, INPUTS, AWARDS);
      await op.sealClearing(p.sessionId);
      await expect(op.postAwards(p.sessionId, INPUTS, []))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnexpectedStatus")
        .withArgs(p.sessionId, SessionStatus.Cleared, SessionStatus.Clearing);
    });

    it("reverts for an unknown session", async function () {
      const p = await loadFixture(afterGate);
      await expect(p.market.connect(p.marketOperator).postAwards(42, INPUTS, []))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnknownSession")
        .withArgs(42);
    });
  });

  describe("sealClearing", function () {
    it("moves Clearing to Cleared with every award pending validation", async function () {
      const p = await loadFixture(afterGate);
      const op = p.market.connect(p.marketOperator);
      await op.postAwards(p.sessionId, INPUTS, AWARDS);
      await expect(op.sealClearing(p.sessionId))
        .to.emit(p.market, "ClearingSealed")
        .withArgs(p.sessionId, INPUTS, 3)
        .and.not.to.emit(p.market, "SessionFinalised");
      const s = await p.market.session(p.sessionId);
      expect([s.status, s.pendingValidations]).to.deep.equal([BigInt(SessionStatus.Cleared), 3n]);
    });

    it("finalises at once a clearing without awards", async function () {
      const p = await loadFixture(afterGate);
      const op = p.market.connect(p.marketOperator);
      await op.postAwards(p.sessionId, INPUTS, []);
      await expect(op.sealClearing(p.sessionId)).to.emit(p.market, "SessionFinalised").withArgs(p.sessionId, 0);
      expect(await p.market.sessionStatus(p.sessionId)).to.equal(SessionStatus.Finalised);
    });

    it("reverts out of order", async function () {
      const p = await loadFixture(afterGate);
      const op = p.market.connect(p.marketOperator);
      await expect(op.sealClearing(p.sessionId))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnexpectedStatus")
        .withArgs(p.sessionId, SessionStatus.GateClosed, SessionStatus.Clearing);
      await op.postAwards(p.sessionId, INPUTS, AWARDS);
      await op.sealClearing(p.sessionId);
      await expect(op.sealClearing(p.sessionId))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnexpectedStatus")
        .withArgs(p.sessionId, SessionStatus.Cleared, SessionStatus.Clearing);
    });
  });

  describe("postValidations", function () {
    it("records OK, KO and partial verdicts and finalises with the last one", async function () {
      const p = await loadFixture(cleared);
      const oracle = p.market.connect(p.dsoOracle);
      const first = oracle.postValidations(p.sessionId, [
        { awardIndex: 0, verdict: Verdict.Ok, reducedQuantityKw: 0, reasonCode: 0 },
        { awardIndex: 2, verdict: Verdict.Ko, reducedQuantityKw: 0, reasonCode: 7 },
      ]);
      await expect(first).to.emit(p.market, "AwardValidated").withArgs(p.sessionId, POD_A, 0, Verdict.Ok, 300, 0);
      await expect(first).to.emit(p.market, "AwardValidated").withArgs(p.sessionId, POD_B, 2, Verdict.Ko, 0, 7);
      await expect(first).not.to.emit(p.market, "SessionFinalised");
      expect((await p.market.session(p.sessionId)).pendingValidations).to.equal(1n);
      await expect(
        oracle.postValidations(p.sessionId, [
          { awardIndex: 1, verdict: Verdict.Partial, reducedQuantityKw: 40, reasonCode: 3 },
        ]),
      )
        .to.emit(p.market, "SessionFinalised")
        .withArgs(p.sessionId, 3);
      const outcome = await p.market.awardsOf(p.sessionId);
      expect(outcome.map((a) => [a.verdict, a.finalQuantityKw, a.reasonCode])).to.deep.equal([
        [BigInt(Verdict.Ok), 300n, 0n],
        [BigInt(Verdict.Partial), 40n, 3n],
        [BigInt(Verdict.Ko), 0n, 7n],
      ]);
    });

    it("frees the PoD's slot when an award is rejected", async function () {
      const p = await loadFixture(cleared);
      await p.market
        .connect(p.dsoOracle)
        .postValidations(p.sessionId, [{ awardIndex: 2, verdict: Verdict.Ko, reducedQuantityKw: 0, reasonCode: 7 }]);
      expect(await p.market.awardedSlotsOf(POD_B, p.day)).to.equal(1n << 50n);
    });

    it("refuses malformed verdicts", async function () {
      const p = await loadFixture(cleared);
      const oracle = p.market.connect(p.dsoOracle);
      const bad = [
        { awardIndex: 0, verdict: Verdict.Pending, reducedQuantityKw: 0, reasonCode: 0 },
        { awardIndex: 0, verdict: Verdict.Ok, reducedQuantityKw: 10, reasonCode: 0 },
        { awardIndex: 0, verdict: Verdict.Ko, reducedQuantityKw: 10, reasonCode: 0 },
        { awardIndex: 0, verdict: Verdict.Partial, reducedQuantityKw: 0, reasonCode: 0 },
        { awardIndex: 0, verdict: Verdict.Partial, reducedQuantityKw: 300, reasonCode: 0 },
      ];
      for (const v of bad) {
        await expect(oracle.postValidations(p.sessionId, [v]))
          .to.be.revertedWithCustomError(p.market, "FlexMarketInvalidValidation")
          .withArgs(p.sessionId, 0, v.verdict, v.reducedQuantityKw);
      }
    });

    it("refuses an unknown award and a second validation of the same award", async function () {
      const p = await loadFixture(cleared);
      const oracle = p.market.connect(p.dsoOracle);
      const ok = (awardIndex: number) => ({ awardIndex, verdict: Verdict.Ok, reducedQuantityKw: 0, reasonCode: 0 });
      await expect(oracle.postValidations(p.sessionId, [ok(3)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnknownAward")
        .withArgs(p.sessionId, 3);
      await expect(oracle.postValidations(p.sessionId, [ok(1), ok(1)]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketAwardAlreadyValidated")
        .withArgs(p.sessionId, 1);
    });

    it("reverts out of order", async function () {
      const p = await loadFixture(afterGate);
      const oracle = p.market.connect(p.dsoOracle);
      const ok = { awardIndex: 0, verdict: Verdict.Ok, reducedQuantityKw: 0, reasonCode: 0 };
      await expect(oracle.postValidations(p.sessionId, [ok]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnexpectedStatus")
        .withArgs(p.sessionId, SessionStatus.GateClosed, SessionStatus.Cleared);
      await p.market.connect(p.marketOperator).postAwards(p.sessionId, INPUTS, AWARDS.slice(0, 1));
      await expect(oracle.postValidations(p.sessionId, [ok]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnexpectedStatus")
        .withArgs(p.sessionId, SessionStatus.Clearing, SessionStatus.Cleared);
      await p.market.connect(p.marketOperator).sealClearing(p.sessionId);
      await oracle.postValidations(p.sessionId, [ok]);
      await expect(oracle.postValidations(p.sessionId, [ok]))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnexpectedStatus")
        .withArgs(p.sessionId, SessionStatus.Finalised, SessionStatus.Cleared);
    });
  });

  describe("final outcome views", function () {
    it("lists a participant's awards only", async function () {
      const p = await loadFixture(cleared);
      const ofA = await p.market.awardsOfAggregator(p.sessionId, p.aggregator.address);
      const ofB = await p.market.awardsOfAggregator(p.sessionId, p.aggregator2.address);
      const ofNobody = await p.market.awardsOfAggregator(p.sessionId, p.stranger.address);
      expect(ofA.map((a) => a.awardIndex)).to.deep.equal([0n]);
      expect(ofB.map((a) => a.awardIndex)).to.deep.equal([1n, 2n]);
      expect(ofNobody).to.have.length(0);
    });

    it("reverts award() for an index past the end", async function () {
      const p = await loadFixture(cleared);
      await expect(p.market.award(p.sessionId, 3))
        .to.be.revertedWithCustomError(p.market, "FlexMarketUnknownAward")
        .withArgs(p.sessionId, 3);
    });

    it("exposes the PodRegistry", async function () {
      const p = await loadFixture(cleared);
      expect(await p.market.podRegistry()).to.equal(await p.registry.getAddress());
    });
  });
});
