// The market oracle against the real ClearingResults contract: it posts the Tor di Valle result once (restarts
// post nothing), `verify` re-runs it from the posted data, and a challenge against the right result fails.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { readFileSync } from "node:fs";
import path from "node:path";
import pino from "pino";
import { parseBook } from "../../oracles/market/clearing/book";
import { hashOffer, hashRequest } from "../../oracles/market/chain/encoding";
import { toChainOffer, toChainRequest } from "../../oracles/market/chain/results";
import { MarketOracle } from "../../oracles/market/service/oracle";
import { ChainResultsPort } from "../../oracles/market/service/chainResults";
import { verifySession } from "../../oracles/market/service/verify";
import type { SessionSource } from "../../oracles/market/service/ports";
import type { SlotOffer } from "../../oracles/market/clearing/types";
import { ROLES } from "../helpers/roles";

const BOOK_FILE = path.join(__dirname, "..", "..", "..", "..", "shared", "domain", "tor-di-valle-2021-06-23.json");
const log = pino({ level: "silent" });

async function oracleFixture() {
  const [admin, operator] = await ethers.getSigners();
  const registry = await ethers.deployContract("RoleRegistry", [admin.address]);
  await registry.grantRole(ROLES.MARKET_OPERATOR, operator.address);
  const offerBook = await ethers.deployContract("MockOfferBook");
  const results = await ethers.deployContract("ClearingResults", [
    await registry.getAddress(),
    await offerBook.getAddress(),
    3600,
  ]);
  const book = parseBook(JSON.parse(readFileSync(BOOK_FILE, "utf8")));
  // What FlexMarket will commit at submission: the hashes of the book's offers and requests.
  for (const o of book.offers)
    await offerBook.commitOffer(toChainOffer(o as SlotOffer).offerId, hashOffer(toChainOffer(o as SlotOffer)));
  for (const r of book.requests)
    await offerBook.commitRequest(toChainRequest(r).requestId, hashRequest(toChainRequest(r)));
  const sessions: SessionSource = {
    closedSessions: async () => [{ sessionId: 1n, gateClosureMs: 0, book }],
    session: async (id) => (id === 1n ? { sessionId: 1n, gateClosureMs: 0, book } : null),
  };
  const port = new ChainResultsPort(await results.getAddress(), operator);
  return { results, sessions, port, book, operator };
}

describe("MarketOracle on chain", function () {
  it("posts the clearing result with its input hash once, whatever the restarts", async function () {
    const f = await loadFixture(oracleFixture);
    const first = await new MarketOracle({ sessions: f.sessions, results: f.port, now: Date.now, log }).tick();
    expect(first.posted.map((p) => p.sessionId)).to.deep.equal([1n]);
    const blockAfterPost = await ethers.provider.getBlockNumber();
    const second = await new MarketOracle({ sessions: f.sessions, results: f.port, now: Date.now, log }).tick();
    expect(second.alreadyPosted).to.deep.equal([1n]);
    expect(await ethers.provider.getBlockNumber()).to.equal(blockAfterPost);
  });

  it("is verified by re-running the clearing against the posted event data", async function () {
    const f = await loadFixture(oracleFixture);
    await new MarketOracle({ sessions: f.sessions, results: f.port, now: Date.now, log }).tick();
    const reader = new ChainResultsPort(await f.results.getAddress(), ethers.provider);
    const report = await verifySession(1n, { sessions: f.sessions, results: reader });
    expect(report.differences).to.deep.equal([]);
    expect(report.ok).to.equal(true);
  });

  it("withstands a challenge: the cheaper 978 offer serves already, 189 is for the TSO", async function () {
    const f = await loadFixture(oracleFixture);
    await new MarketOracle({ sessions: f.sessions, results: f.port, now: Date.now, log }).tick();
    const [o978, o469, o189] = f.book.offers.map((o) => toChainOffer(o as SlotOffer));
    const dso = toChainRequest(f.book.requests[0]);
    await expect(f.results.challengeMeritOrder(1n, dso, o469, 0, o978)).to.be.revertedWithCustomError(
      f.results,
      "ClearingResultsPodBusy",
    );
    await expect(f.results.challengeMeritOrder(1n, dso, o469, 0, o189)).to.be.revertedWithCustomError(
      f.results,
      "ClearingResultsPodNotInRequest",
    );
  });
});
