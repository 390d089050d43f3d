// MeritOrderChallenge over FlexMarket: accepted for a wrong result (a cheaper eligible offer of an idle PoD left
// out), refused for the right one, each refusal with its custom error and values.
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
  TSO_REQUEST_ID,
  validateAll,
  WRONG_AWARDS,
  type SettlementFixture,
} from "./fixture";
import { Direction, SessionStatus } from "../helpers/units";

async function wrongFixture() {
  const f = await deploySettlementFixture();
  await postAndSeal(f, WRONG_AWARDS);
  return f;
}
async function rightFixture() {
  const f = await deploySettlementFixture();
  await postAndSeal(f, RIGHT_AWARDS);
  return f;
}

/** Award 1 of the wrong result is 469 (0.03) for the DSO request; 796 (0.02) was left out. */
const challengeWrong = (f: SettlementFixture, rejected: keyof typeof OFFER_ID = "o796", podIds = DSO_PODS) =>
  f.challenge.challenge(f.sessionId, 1, CURVES.o469.steps, OFFER_ID[rejected], CURVES[rejected].steps, podIds);

describe("MeritOrderChallenge", function () {
  describe("challenge", function () {
    it("voids a result that took 469 at 0.03 over 796's eligible offer at 0.02", async function () {
      const f = await loadFixture(wrongFixture);
      await expect(challengeWrong(f))
        .to.emit(f.challenge, "SessionResultVoided")
        .withArgs(f.sessionId, (await ethers.getSigners())[0].address, 1, OFFER_ID.o469, OFFER_ID.o796);
      expect(await f.challenge.isVoided(f.sessionId)).to.equal(true);
      // A voided result takes no validation and never becomes final (a corrected round replaces it).
      await expect(validateAll(f, WRONG_AWARDS.length))
        .to.be.revertedWithCustomError(f.market, "FlexMarketUnexpectedStatus")
        .withArgs(f.sessionId, SessionStatus.Voided, SessionStatus.Cleared);
      await time.increaseTo(await f.challenge.challengeDeadline(f.sessionId));
      expect(await f.challenge.isFinal(f.sessionId)).to.equal(false);
    });

    it("refuses for the right result: 796 serves in that slot", async function () {
      const f = await loadFixture(rightFixture);
      // Award 2 of the right result is 469 (marginal, 0.03).
      await expect(f.challenge.challenge(f.sessionId, 2, CURVES.o469.steps, OFFER_ID.o796, CURVES.o796.steps, DSO_PODS))
        .to.be.revertedWithCustomError(f.challenge, "MeritOrderChallengePodBusy")
        .withArgs(POD.p796, f.day, SLOT);
    });

    it("refuses when the rejected offer is dearer than the accepted one", async function () {
      const f = await loadFixture(rightFixture);
      await expect(f.challenge.challenge(f.sessionId, 2, CURVES.o469.steps, OFFER_ID.o001, CURVES.o001.steps, DSO_PODS))
        .to.be.revertedWithCustomError(f.challenge, "MeritOrderChallengeNotCheaper")
        .withArgs(30, 40);
    });

    it("refuses a curve or PoD list that does not match what the market committed", async function () {
      const f = await loadFixture(wrongFixture);
      const forged = [{ quantityKw: 100, priceMilliEurPerKw: 1 }];
      const committed = await f.market.offerCurveHash(OFFER_ID.o796);
      await expect(f.challenge.challenge(f.sessionId, 1, CURVES.o469.steps, OFFER_ID.o796, forged, DSO_PODS))
        .to.be.revertedWithCustomError(f.challenge, "MeritOrderChallengeHashMismatch")
        .withArgs(committed, (supplied: string) => supplied !== committed);
      await expect(challengeWrong(f, "o796", DSO_PODS.slice(0, 3))).to.be.revertedWithCustomError(
        f.challenge,
        "MeritOrderChallengeHashMismatch",
      );
    });

    it("refuses an offer in the other direction, and a TSO award", async function () {
      const f = await loadFixture(wrongFixture);
      await expect(challengeWrong(f, "o189"))
        .to.be.revertedWithCustomError(f.challenge, "MeritOrderChallengeDirectionMismatch")
        .withArgs(Direction.Down, Direction.Up);
      await expect(f.challenge.challenge(f.sessionId, 2, CURVES.o189.steps, OFFER_ID.o796, CURVES.o796.steps, DSO_PODS))
        .to.be.revertedWithCustomError(f.challenge, "MeritOrderChallengeTsoRequest")
        .withArgs(TSO_REQUEST_ID);
    });

    it("refuses before the result is sealed, after the window, and twice", async function () {
      const f = await loadFixture(deploySettlementFixture);
      await expect(challengeWrong(f))
        .to.be.revertedWithCustomError(f.challenge, "MeritOrderChallengeNotCleared")
        .withArgs(f.sessionId, SessionStatus.GateClosed);
      await postAndSeal(f, WRONG_AWARDS);
      await challengeWrong(f);
      await expect(challengeWrong(f))
        .to.be.revertedWithCustomError(f.challenge, "MeritOrderChallengeVoided")
        .withArgs(f.sessionId);
    });

    it("closes CHALLENGE_WINDOW_SECONDS after sealing", async function () {
      const f = await loadFixture(wrongFixture);
      const deadline = await f.challenge.challengeDeadline(f.sessionId);
      const sealedAt = (await f.market.clearingOf(f.sessionId)).sealedAt;
      expect(deadline).to.equal(sealedAt + (await f.challenge.CHALLENGE_WINDOW_SECONDS()));
      await time.increaseTo(deadline);
      await expect(challengeWrong(f))
        .to.be.revertedWithCustomError(f.challenge, "MeritOrderChallengeWindowClosed")
        .withArgs(f.sessionId, deadline);
    });
  });

  describe("isFinal", function () {
    it("holds once the session is finalised and the window has passed", async function () {
      const f = await loadFixture(rightFixture);
      expect(await f.challenge.isFinal(f.sessionId)).to.equal(false);
      await validateAll(f, RIGHT_AWARDS.length);
      expect(await f.challenge.isFinal(f.sessionId)).to.equal(false);
      await time.increaseTo(await f.challenge.challengeDeadline(f.sessionId));
      expect(await f.challenge.isFinal(f.sessionId)).to.equal(true);
    });
  });
});
