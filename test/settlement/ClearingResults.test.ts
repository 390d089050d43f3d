// ClearingResults: posting with the input hash, and the merit-order challenge accepted for a wrong result and
// refused for a right one, each refusal with its custom error.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { hashAward, hashAwards, type ChainAward } from "../../oracles/market/chain/encoding";
import { shouldBehaveLikeRoleGuarded } from "../helpers/shouldBehaveLikeRoleGuarded";
import {
  CHALLENGE_WINDOW_S,
  deploySettlementFixture,
  DSO_REQUEST,
  OFFERS,
  POD,
  RIGHT_AWARDS,
  SESSION,
  TSO_REQUEST,
  WRONG_AWARDS,
} from "./fixture";

const INPUT_HASH = ethers.id("book of session 1");

async function postedFixture(awards: ChainAward[]) {
  const f = await deploySettlementFixture();
  await f.results.connect(f.operator).postResult(SESSION, INPUT_HASH, awards, []);
  return f;
}
const rightFixture = () => postedFixture(RIGHT_AWARDS);
const wrongFixture = () => postedFixture(WRONG_AWARDS);

describe("ClearingResults", function () {
  shouldBehaveLikeRoleGuarded(async () => {
    const f = await loadFixture(deploySettlementFixture);
    return { ...f, guarded: f.results };
  }, [
    {
      fn: "postResult",
      role: "MARKET_OPERATOR",
      send: (f, s) => f.results.connect(s).postResult(SESSION, INPUT_HASH, [], []),
    },
  ]);

  describe("postResult", function () {
    it("stores the input hash, the awards' hash and each award's hash, and emits the data", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await expect(f.results.connect(f.operator).postResult(SESSION, INPUT_HASH, RIGHT_AWARDS, []))
        .to.emit(f.results, "ClearingResultPosted")
        .withArgs(SESSION, 1, INPUT_HASH, hashAwards(RIGHT_AWARDS), (a: unknown[]) => a.length === 4, []);
      const r = await f.results.resultOf(SESSION);
      expect([r.inputHash, r.awardsHash, r.awardCount, r.round, r.voided]).to.deep.equal([
        INPUT_HASH,
        hashAwards(RIGHT_AWARDS),
        4n,
        1n,
        false,
      ]);
      expect(await f.results.awardHash(SESSION, 2)).to.equal(hashAward(RIGHT_AWARDS[2]));
      expect(await f.results.awardHash(SESSION, 4)).to.equal(ethers.ZeroHash);
    });

    it("reverts when the session already has a live result (the oracle never posts twice)", async function () {
      const f = await loadFixture(rightFixture);
      await expect(f.results.connect(f.operator).postResult(SESSION, INPUT_HASH, RIGHT_AWARDS, []))
        .to.be.revertedWithCustomError(f.results, "ClearingResultsAlreadyPosted")
        .withArgs(SESSION);
    });

    it("becomes final only after the challenge window", async function () {
      const f = await loadFixture(rightFixture);
      expect(await f.results.isFinal(SESSION)).to.equal(false);
      await time.increase(CHALLENGE_WINDOW_S + 1);
      expect(await f.results.isFinal(SESSION)).to.equal(true);
    });
  });

  describe("challengeMeritOrder", function () {
    it("voids a result that took 469 at 0.03 over 796's eligible offer at 0.02", async function () {
      const f = await loadFixture(wrongFixture);
      await expect(f.results.connect(f.stranger).challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o469, 0, OFFERS.o796))
        .to.emit(f.results, "ClearingResultVoided")
        .withArgs(SESSION, 1, f.stranger.address, DSO_REQUEST.requestId, OFFERS.o469.offerId, OFFERS.o796.offerId);
      const r = await f.results.resultOf(SESSION);
      expect(r.voided).to.equal(true);
      expect(await f.results.awardHash(SESSION, 0)).to.equal(ethers.ZeroHash);
      await time.increase(CHALLENGE_WINDOW_S + 1);
      expect(await f.results.isFinal(SESSION)).to.equal(false);
    });

    it("lets the operator post a corrected result after a void, as a new round", async function () {
      const f = await loadFixture(wrongFixture);
      await f.results.challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o469, 0, OFFERS.o796);
      await f.results.connect(f.operator).postResult(SESSION, INPUT_HASH, RIGHT_AWARDS, []);
      const r = await f.results.resultOf(SESSION);
      expect([r.round, r.voided, r.awardCount]).to.deep.equal([2n, false, 4n]);
      // The right result of round 2 withstands the same challenge.
      await expect(f.results.challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o469, 0, OFFERS.o796))
        .to.be.revertedWithCustomError(f.results, "ClearingResultsPodBusy")
        .withArgs(POD.p796, 50);
    });

    it("refuses when the cheaper offer's PoD already serves in that slot (right result)", async function () {
      const f = await loadFixture(rightFixture);
      await expect(f.results.challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o469, 0, OFFERS.o978))
        .to.be.revertedWithCustomError(f.results, "ClearingResultsPodBusy")
        .withArgs(POD.p978, 50);
    });

    it("refuses when the rejected offer is dearer than the accepted one (right result)", async function () {
      const f = await loadFixture(rightFixture);
      await expect(f.results.challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o469, 0, OFFERS.o001))
        .to.be.revertedWithCustomError(f.results, "ClearingResultsNotCheaper")
        .withArgs(30_000, 40_000);
    });

    it("refuses when the PoD was declared unavailable (earlier session or red light)", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await f.results
        .connect(f.operator)
        .postResult(SESSION, INPUT_HASH, WRONG_AWARDS, [{ podId: POD.p796, slot: 50, operator: DSO_REQUEST.operator }]);
      await expect(f.results.challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o469, 0, OFFERS.o796))
        .to.be.revertedWithCustomError(f.results, "ClearingResultsPodBusy")
        .withArgs(POD.p796, 50);
    });

    it("still voids when the PoD was unavailable only to the other operator", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await f.results
        .connect(f.operator)
        .postResult(SESSION, INPUT_HASH, WRONG_AWARDS, [{ podId: POD.p796, slot: 50, operator: TSO_REQUEST.operator }]);
      await expect(f.results.challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o469, 0, OFFERS.o796)).to.emit(
        f.results,
        "ClearingResultVoided",
      );
    });

    it("refuses re-supplied data that does not match the committed hash", async function () {
      const f = await loadFixture(wrongFixture);
      const forged = { ...OFFERS.o796, stepPriceMicroEurPerKw: [1n] };
      const committed = await f.book.offerHash(OFFERS.o796.offerId);
      await expect(f.results.challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o469, 0, forged))
        .to.be.revertedWithCustomError(f.results, "ClearingResultsHashMismatch")
        .withArgs(committed, (supplied: string) => supplied !== committed);
    });

    it("refuses when the cited offer was not accepted for the request", async function () {
      const f = await loadFixture(wrongFixture);
      await expect(f.results.challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o001, 0, OFFERS.o796))
        .to.be.revertedWithCustomError(f.results, "ClearingResultsNotAccepted")
        .withArgs(DSO_REQUEST.requestId, OFFERS.o001.offerId, 0);
    });

    it("refuses an offer for another slot, of a PoD outside the request, or in the other direction", async function () {
      const f = await loadFixture(wrongFixture);
      await expect(f.results.challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o469, 0, OFFERS.o978Slot51))
        .to.be.revertedWithCustomError(f.results, "ClearingResultsSlotMismatch")
        .withArgs(50, 51);
      await expect(f.results.challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o469, 0, OFFERS.o189))
        .to.be.revertedWithCustomError(f.results, "ClearingResultsPodNotInRequest")
        .withArgs(DSO_REQUEST.requestId, POD.p189);
      await expect(f.results.challengeMeritOrder(SESSION, TSO_REQUEST, OFFERS.o189, 0, OFFERS.o796))
        .to.be.revertedWithCustomError(f.results, "ClearingResultsDirectionMismatch")
        .withArgs(TSO_REQUEST.needW, OFFERS.o796.stepDeltaW[0]);
    });

    it("refuses after the challenge window and on a voided or missing result", async function () {
      const f = await loadFixture(wrongFixture);
      const { postedAt } = await f.results.resultOf(SESSION);
      await time.increase(CHALLENGE_WINDOW_S + 1);
      await expect(f.results.challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o469, 0, OFFERS.o796))
        .to.be.revertedWithCustomError(f.results, "ClearingResultsChallengeWindowClosed")
        .withArgs(SESSION, postedAt + BigInt(CHALLENGE_WINDOW_S));
      await expect(f.results.challengeMeritOrder(2n, DSO_REQUEST, OFFERS.o469, 0, OFFERS.o796))
        .to.be.revertedWithCustomError(f.results, "ClearingResultsNotPosted")
        .withArgs(2n);
    });

    it("refuses a second challenge of a voided result", async function () {
      const f = await loadFixture(wrongFixture);
      await f.results.challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o469, 0, OFFERS.o796);
      await expect(f.results.challengeMeritOrder(SESSION, DSO_REQUEST, OFFERS.o469, 0, OFFERS.o796))
        .to.be.revertedWithCustomError(f.results, "ClearingResultsVoided")
        .withArgs(SESSION);
    });
  });
});
