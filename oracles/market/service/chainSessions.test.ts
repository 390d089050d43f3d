// The books the market oracle and `market verify` read from chain: what was committed at gate closure, so a
// result stays verifiable whatever the DSO or the registry changed afterwards.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import pino from "pino";
import { bookHash } from "../clearing";
import { MarketOracle } from "./oracle";
import { FlexMarketResultsPort } from "./chainResults";
import { ChainSessionSource } from "./chainSessions";
import { verifySession } from "./verify";
import { deploySettlementFixture, POD } from "../../../test/settlement/fixture";
import { perimeterId, pomId } from "../../../test/helpers/units";

const log = pino({ level: "silent" });

async function clearedFixture() {
  const f = await deploySettlementFixture();
  const addresses = {
    market: await f.market.getAddress(),
    registry: await f.registry.getAddress(),
    trafficLight: await f.trafficLight.getAddress(),
  };
  const sessions = new ChainSessionSource(addresses, ethers.provider);
  const port = new FlexMarketResultsPort(addresses.market, await f.challenge.getAddress(), f.marketOperator);
  const nowMs = (await ethers.provider.getBlock("latest"))!.timestamp * 1000;
  await new MarketOracle({ sessions, results: port, now: () => nowMs, log }).tick();
  const reader = new FlexMarketResultsPort(addresses.market, await f.challenge.getAddress(), ethers.provider);
  return { ...f, addresses, sessions, reader };
}

describe("ChainSessionSource at gate closure", function () {
  this.timeout(180_000);

  it("rebuilds the book committed at gate closure, and verify agrees, after the DSO changed perimeters, qualifications and mappings", async function () {
    const f = await loadFixture(clearedFixture);
    const committed = bookHash((await f.sessions.session(f.sessionId))!.book);
    // After gate closure: the DSO redraws Nanchino without 189, modulates 469, and the oracle remaps 001.
    await f.trafficLight.connect(f.dso).definePerimeter(perimeterId("Nanchino"), [POD.p001]);
    await f.registry.connect(f.dso).modulateQualification(POD.p469, 0, 100);
    await f.registry.connect(f.dsoOracle).mapPodsToPoms([POD.p001], [pomId("CP-ELSEWHERE")]);
    // A fresh reader (no cached gate block) sees the same book ...
    const fresh = new ChainSessionSource(f.addresses, ethers.provider);
    expect(bookHash((await fresh.session(f.sessionId))!.book)).to.equal(committed);
    // ... so the posted result still verifies.
    const report = await verifySession(f.sessionId, { sessions: fresh, results: f.reader });
    expect(report.differences).to.deep.equal([]);
    expect(report.ok).to.equal(true);
  });
});
