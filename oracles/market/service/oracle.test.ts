// The market oracle with in-memory ports: posts once per session after gate closure, survives restarts and a
// racing second instance without double-posting, re-posts after a void; verify spots a tampered result.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import pino from "pino";
import type { Hex } from "viem";
import { parseBook } from "../clearing/book";
import { hashAwards, type ChainAward, type ChainUnavailability } from "../chain/encoding";
import { MarketOracle, prepareResult } from "./oracle";
import type { ClosedSession, PostedResult, ResultsPort, SessionSource } from "./ports";
import { verifySession } from "./verify";

const TOR_DI_VALLE = path.join(
  __dirname,
  "..",
  "..",
  "..",
  "..",
  "..",
  "shared",
  "domain",
  "tor-di-valle-2021-06-23.json",
);
const GATE_MS = Date.parse("2021-06-22T10:00:00Z");
const log = pino({ level: "silent" });

class MemoryResults implements ResultsPort {
  readonly store = new Map<bigint, PostedResult>();
  posts = 0;
  async resultOf(sessionId: bigint) {
    return this.store.get(sessionId) ?? null;
  }
  async post(sessionId: bigint, inputHash: Hex, awards: ChainAward[], unavailable: ChainUnavailability[]) {
    const current = this.store.get(sessionId);
    if (current && !current.voided) throw new Error("ClearingResultsAlreadyPosted");
    this.posts++;
    this.store.set(sessionId, {
      inputHash,
      awardsHash: hashAwards(awards),
      postedAtS: 1,
      round: (current?.round ?? 0) + 1,
      voided: false,
      awards,
      unavailable,
    });
    return `0x${this.posts.toString(16).padStart(64, "0")}` as Hex;
  }
}

function sessions(): SessionSource {
  const book = parseBook(JSON.parse(readFileSync(TOR_DI_VALLE, "utf8")));
  const list: ClosedSession[] = [
    { sessionId: 1n, gateClosureMs: GATE_MS, book },
    { sessionId: 2n, gateClosureMs: GATE_MS + 3_600_000, book },
  ];
  return {
    closedSessions: async (now) => list.filter((s) => s.gateClosureMs <= now),
    session: async (id) => list.find((s) => s.sessionId === id) ?? null,
  };
}

describe("MarketOracle", function () {
  it("posts a session's result once its gate has closed, and only then", async function () {
    const results = new MemoryResults();
    const oracle = new MarketOracle({ sessions: sessions(), results, now: () => GATE_MS - 1, log });
    expect((await oracle.tick()).posted).to.deep.equal([]);
    const later = new MarketOracle({ sessions: sessions(), results, now: () => GATE_MS, log });
    const report = await later.tick();
    expect(report.posted.map((p) => [p.sessionId, p.awards])).to.deep.equal([[1n, 3]]);
    const book = (await sessions().session(1n))!.book;
    expect(results.store.get(1n)!.inputHash).to.equal((await prepareResult(book)).inputHash);
  });

  it("never posts twice: a second tick and a restarted instance find the result on chain", async function () {
    const results = new MemoryResults();
    const deps = { sessions: sessions(), results, now: () => GATE_MS + 3_600_000, log };
    await new MarketOracle(deps).tick();
    expect(results.posts).to.equal(2);
    const again = await new MarketOracle(deps).tick();
    expect(again.posted).to.deep.equal([]);
    expect(again.alreadyPosted).to.deep.equal([1n, 2n]);
    expect(results.posts).to.equal(2);
  });

  it("treats a lost race with another instance as done", async function () {
    const results = new MemoryResults();
    // The other instance posts between our read and our write.
    const racing: ResultsPort = {
      resultOf: (id) => results.resultOf(id),
      post: async (id, hash, awards, unavailable) => {
        await results.post(id, hash, awards, unavailable);
        return results.post(id, hash, awards, unavailable);
      },
    };
    const report = await new MarketOracle({ sessions: sessions(), results: racing, now: () => GATE_MS, log }).tick();
    expect(report.alreadyPosted).to.deep.equal([1n]);
    expect(results.posts).to.equal(1);
  });

  it("posts a new round after a challenge voided the result", async function () {
    const results = new MemoryResults();
    const deps = { sessions: sessions(), results, now: () => GATE_MS, log };
    await new MarketOracle(deps).tick();
    results.store.get(1n)!.voided = true;
    const report = await new MarketOracle(deps).tick();
    expect(report.posted.map((p) => p.sessionId)).to.deep.equal([1n]);
    expect(results.store.get(1n)!.round).to.equal(2);
  });
});

describe("verifySession", function () {
  it("confirms a result that the book reproduces", async function () {
    const results = new MemoryResults();
    const source = sessions();
    await new MarketOracle({ sessions: source, results, now: () => GATE_MS, log }).tick();
    const report = await verifySession(1n, { sessions: source, results });
    expect(report).to.include({ ok: true, inputHashMatches: true, awardsMatch: true, unavailableMatches: true });
    expect(report.differences).to.deep.equal([]);
  });

  it("names the awards that differ from the re-run", async function () {
    const results = new MemoryResults();
    const source = sessions();
    const prepared = await prepareResult((await source.session(1n))!.book);
    const tampered = prepared.awards.map((a, i) => (i === 1 ? { ...a, powerW: a.powerW - 1n } : a));
    await results.post(1n, prepared.inputHash, tampered, prepared.unavailable);
    const report = await verifySession(1n, { sessions: source, results });
    expect(report.ok).to.equal(false);
    expect(report.inputHashMatches).to.equal(true);
    expect(report.differences).to.have.length(2);
    expect(report.differences[0]).to.match(/^missing award: request 1 offer 2 step 0 .* -376741 W/);
    expect(report.differences[1]).to.match(/^unexpected award: .* -376742 W/);
  });

  it("reports a session without a result", async function () {
    const report = await verifySession(9n, { sessions: sessions(), results: new MemoryResults() });
    expect(report.ok).to.equal(false);
    expect(report.differences).to.include("no result posted for this session");
  });
});
