// The market oracle on the real chain: it rebuilds the session's book from FlexMarket, PodRegistry and the traffic
// light alone, posts the merit-order awards with the input hash once (restarts post nothing), `verify` re-runs it
// from chain data and agrees, and a challenge against that result fails.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import pino from "pino";
import { MarketOracle } from "../../oracles/market/service/oracle";
import { FlexMarketResultsPort } from "../../oracles/market/service/chainResults";
import { ChainSessionSource } from "../../oracles/market/service/chainSessions";
import { verifySession } from "../../oracles/market/service/verify";
import { CURVES, deploySettlementFixture, DSO_PODS, OFFER_ID, POD, RIGHT_AWARDS, SLOT } from "./fixture";

const log = pino({ level: "silent" });

async function oracleFixture() {
  const f = await deploySettlementFixture();
  const addresses = {
    market: await f.market.getAddress(),
    registry: await f.registry.getAddress(),
    trafficLight: await f.trafficLight.getAddress(),
  };
  const sessions = new ChainSessionSource(addresses, ethers.provider);
  const port = new FlexMarketResultsPort(addresses.market, await f.challenge.getAddress(), f.marketOperator);
  const now = async () => (await ethers.provider.getBlock("latest"))!.timestamp * 1000;
  return { ...f, sessions, port, nowMs: await now() };
}

describe("MarketOracle on FlexMarket", function () {
  it("rebuilds the book from chain data: the DSO and TSO needs, the offers as committed", async function () {
    const f = await loadFixture(oracleFixture);
    const session = (await f.sessions.session(f.sessionId))!;
    expect(session.book.requests.map((r) => [r.id, r.by, r.slot, r.needW])).to.deep.equal([
      ["1", "DSO", SLOT, -1_377_000],
      ["2", "TSO", SLOT, 272_000],
    ]);
    expect(session.book.offers.map((o) => o.id)).to.deep.equal(["1", "2", "3", "4", "5"]);
    expect(session.book.requests[1].pods).to.have.length(6);
  });

  it("posts the merit-order awards once and seals, whatever the restarts", async function () {
    const f = await loadFixture(oracleFixture);
    const deps = { sessions: f.sessions, results: f.port, now: () => f.nowMs, log };
    const first = await new MarketOracle(deps).tick();
    expect(first.posted.map((p) => [p.sessionId, p.awards])).to.deep.equal([[f.sessionId, 4]]);
    const onChain = (await f.market.awardsOf(f.sessionId)).map((a) => [
      a.offerId,
      a.requestId,
      a.quantityKw,
      a.priceMilliEurPerKw,
    ]);
    const expected = RIGHT_AWARDS.map((a) => [
      a.offerId,
      a.requestId,
      BigInt(a.quantityKw),
      BigInt(a.priceMilliEurPerKw),
    ]);
    expect([...onChain].sort()).to.deep.equal([...expected].sort());
    const block = await ethers.provider.getBlockNumber();
    const second = await new MarketOracle(deps).tick();
    expect(second.alreadyPosted).to.deep.equal([f.sessionId]);
    expect(await ethers.provider.getBlockNumber()).to.equal(block);
  });

  it("is verified by re-running the clearing from chain data alone", async function () {
    const f = await loadFixture(oracleFixture);
    await new MarketOracle({ sessions: f.sessions, results: f.port, now: () => f.nowMs, log }).tick();
    const reader = new FlexMarketResultsPort(
      await f.market.getAddress(),
      await f.challenge.getAddress(),
      ethers.provider,
    );
    const report = await verifySession(f.sessionId, { sessions: f.sessions, results: reader });
    expect(report.differences).to.deep.equal([]);
    expect(report.ok).to.equal(true);
  });

  it("withstands a challenge: 796, the cheaper offer, serves already", async function () {
    const f = await loadFixture(oracleFixture);
    await new MarketOracle({ sessions: f.sessions, results: f.port, now: () => f.nowMs, log }).tick();
    const awards = await f.market.awardsOf(f.sessionId);
    const marginal = awards.findIndex((a) => a.offerId === OFFER_ID.o469);
    await expect(
      f.challenge.challenge(f.sessionId, marginal, CURVES.o469.steps, OFFER_ID.o796, CURVES.o796.steps, DSO_PODS),
    )
      .to.be.revertedWithCustomError(f.challenge, "MeritOrderChallengePodBusy")
      .withArgs(POD.p796, f.day, SLOT);
  });
});
