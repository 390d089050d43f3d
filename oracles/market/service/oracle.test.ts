// The market oracle with in-memory ports: posts once per session after gate closure, survives restarts and a
// racing second instance without double-posting, re-posts after a void; verify spots a tampered result.
import { TOR_DI_VALLE_SCENARIO } from "../../../protocol";
import { expect } from "chai";
import { readFileSync } from "node:fs";
import pino from "pino";
import type { Hex } from "viem";
import { parseBook } from "../clearing/book";
import type { AwardInput } from "../chain/awards";
import { MarketOracle, prepareResult } from "./oracle";
import type { ClosedSession, PostedResult, ResultsPort, SessionSource } from "./ports";
import { verifySession } from "./verify";

const GATE_MS = Date.parse("2021-06-22T10:00:00Z");
const log = pino({ level: "silent" });

/** FlexMarket in memory: awards accumulate until sealed; posting after sealing reverts. */
class MemoryResults implements ResultsPort {
  readonly store = new Map<bigint, PostedResult>();
  transactions = 0;
  async resultOf(sessionId: bigint) {
    return this.store.get(sessionId) ?? null;
  }
  async post(sessionId: bigint, inputHash: Hex, awards: AwardInput[]) {
    const current = this.store.get(sessionId);
    if (current?.sealed) throw new Error("FlexMarketUnexpectedStatus");
    const already = current?.awards.length ?? 0;
    this.transactions++;
    this.store.set(sessionId, {
      inputHash,
      awards: [...(current?.awards ?? []), ...awards.slice(already)],
      sealed: true,
      voided: false,
    });
    return `0x${this.transactions.toString(16).padStart(64, "0")}` as Hex;
  }
}

function sessions(): SessionSource {
  const book = parseBook(JSON.parse(readFileSync(TOR_DI_VALLE_SCENARIO, "utf8")));
  const list: ClosedSession[] = [
    { sessionId: 1n, gateClosureMs: GATE_MS, book },
    { sessionId: 2n, gateClosureMs: GATE_MS + 3_600_000, book },
  ];
  return {
    closedSessionIds: async (now: number) => list.filter((s) => s.gateClosureMs <= now).map((s) => s.sessionId),
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

  it("never posts twice: a second tick and a restarted instance find the sealed result on chain", async function () {
    const results = new MemoryResults();
    const deps = { sessions: sessions(), results, now: () => GATE_MS + 3_600_000, log };
    await new MarketOracle(deps).tick();
    expect(results.transactions).to.equal(2);
    const again = await new MarketOracle(deps).tick();
    expect(again.posted).to.deep.equal([]);
    expect(again.alreadyPosted).to.deep.equal([1n, 2n]);
    expect(results.transactions).to.equal(2);
  });

  it("treats a lost race with another instance as done", async function () {
    const results = new MemoryResults();
    // The other instance seals between our read and our write.
    const racing: ResultsPort = {
      resultOf: (id) => results.resultOf(id),
      post: async (id, hash, awards) => {
        await results.post(id, hash, awards);
        return results.post(id, hash, awards);
      },
    };
    const report = await new MarketOracle({ sessions: sessions(), results: racing, now: () => GATE_MS, log }).tick();
    expect(report.alreadyPosted).to.deep.equal([1n]);
    expect(results.transactions).to.equal(1);
  });

  it("completes a half-posted session (crash before sealing) without re-posting its first awards", async function () {
    const results = new MemoryResults();
    const book = (await sessions().session(1n))!.book;
    const prepared = await prepareResult(book);
    results.store.set(1n, {
      inputHash: prepared.inputHash,
      awards: prepared.awards.slice(0, 1),
      sealed: false,
      voided: false,
    });
    await new MarketOracle({ sessions: sessions(), results, now: () => GATE_MS, log }).tick();
    expect(results.store.get(1n)!.awards).to.deep.equal(prepared.awards);
  });

  it("never lets a failed session block the later ones, and retries it with an alarm until it goes through", async function () {
    const results = new MemoryResults();
    let reverting = true;
    // Session 1's result reverts on posting (e.g. FlexMarketPodAlreadyAwarded); session 2's is fine.
    const flaky: ResultsPort = {
      resultOf: (id) => results.resultOf(id),
      post: async (id, hash, awards) => {
        if (id === 1n && reverting) throw new Error("execution reverted: FlexMarketPodAlreadyAwarded");
        return results.post(id, hash, awards);
      },
    };
    const oracle = new MarketOracle({ sessions: sessions(), results: flaky, now: () => GATE_MS + 3_600_000, log });
    const first = await oracle.tick();
    expect(first.posted.map((p) => p.sessionId)).to.deep.equal([2n]);
    expect(first.failed.map((f) => f.sessionId)).to.deep.equal([1n]);
    const alarm = oracle.alarms.active().find((a) => a.key === "session:1")!;
    expect(alarm.message).to.match(/session 1 not cleared: .*FlexMarketPodAlreadyAwarded/);
    expect(alarm.sessionId).to.equal("1");
    // Retried each pass, one alarm record (its count grows), until it goes through.
    await oracle.tick();
    expect(oracle.alarms.active().find((a) => a.key === "session:1")!.count).to.equal(2);
    reverting = false;
    const third = await oracle.tick();
    expect(third.posted.map((p) => p.sessionId)).to.deep.equal([1n]);
    expect(oracle.alarms.active()).to.deep.equal([]);
  });

  it("does not read a sealed session again (a pass costs only the sessions still to clear)", async function () {
    const results = new MemoryResults();
    let reads = 0;
    const counting: ResultsPort = {
      resultOf: (id) => {
        reads++;
        return results.resultOf(id);
      },
      post: (id, hash, awards) => results.post(id, hash, awards),
    };
    const oracle = new MarketOracle({ sessions: sessions(), results: counting, now: () => GATE_MS + 3_600_000, log });
    await oracle.tick();
    const afterFirst = reads;
    expect((await oracle.tick()).alreadyPosted).to.deep.equal([1n, 2n]);
    expect(reads).to.equal(afterFirst);
  });

  it("leaves a voided result alone (FlexMarket takes no second result)", async function () {
    const results = new MemoryResults();
    const deps = { sessions: sessions(), results, now: () => GATE_MS, log };
    await new MarketOracle(deps).tick();
    results.store.get(1n)!.voided = true;
    const report = await new MarketOracle(deps).tick();
    expect(report.posted).to.deep.equal([]);
    expect(results.transactions).to.equal(1);
  });
});

describe("verifySession", function () {
  it("confirms a result that the book reproduces", async function () {
    const results = new MemoryResults();
    const source = sessions();
    await new MarketOracle({ sessions: source, results, now: () => GATE_MS, log }).tick();
    const report = await verifySession(1n, { sessions: source, results });
    expect(report).to.include({ ok: true, inputHashMatches: true, awardsMatch: true });
    expect(report.differences).to.deep.equal([]);
  });

  it("names the awards that differ from the re-run", async function () {
    const results = new MemoryResults();
    const source = sessions();
    const prepared = await prepareResult((await source.session(1n))!.book);
    const tampered = prepared.awards.map((a, i) => (i === 1 ? { ...a, quantityKw: a.quantityKw + 1 } : a));
    await results.post(1n, prepared.inputHash, tampered);
    const report = await verifySession(1n, { sessions: source, results });
    expect(report.ok).to.equal(false);
    expect(report.inputHashMatches).to.equal(true);
    // 469's marginal 376.741 kW is posted as 376 whole kW.
    expect(report.differences).to.deep.equal([
      "missing award: request 1 offer 2 slot 50: 376 kW at 30 milli-EUR/kW",
      "unexpected award: request 1 offer 2 slot 50: 377 kW at 30 milli-EUR/kW",
    ]);
  });

  it("reports a session without a result", async function () {
    const report = await verifySession(9n, { sessions: sessions(), results: new MemoryResults() });
    expect(report.ok).to.equal(false);
    expect(report.differences).to.include("no result posted for this session");
  });
});
