// FlexGrid mappings run from synthetic logs through the runner, for handlers and edge cases the end-to-end market day
// cannot reach cheaply (a voided session needs a wrong clearing proven by a challenge; prices above 2^31; a token
// self-transfer; a PoD withdrawn from its scheme), and the manifest's coverage of the contracts' events.
import { expect } from "chai";
import { encodeAbiParameters, encodeEventTopics, keccak256, toHex } from "viem";
import type { Abi, AbiEvent, Hex } from "viem";
import { ensureSubgraphBuild } from "../runner/build";
import { openDb } from "../runner/db";
import type { Db } from "../runner/db";
import { readFileSync } from "node:fs";
import path from "node:path";
import { excludedEvents } from "../datasources";
import { instantiateTemplate, loadSubgraph, MappingRunner } from "../runner/mapping";
import type { ChainLog, DataSource, LoadedSubgraph } from "../runner/mapping";
import { EntityStore } from "../runner/store";
import { fakeBlock, fakeTransaction } from "../runner/test/fixtures";

function log(ds: DataSource, name: string, args: Record<string, unknown>, logIndex: number): ChainLog {
  const event = (ds.abis.get(ds.name) as Abi).find((e): e is AbiEvent => e.type === "event" && e.name === name)!;
  const topics = encodeEventTopics({ abi: [event], eventName: name, args } as Parameters<
    typeof encodeEventTopics
  >[0]) as Hex[];
  const inputs = event.inputs.filter((i) => !i.indexed);
  const data = encodeAbiParameters(
    inputs,
    inputs.map((i) => args[i.name!]),
  );
  return {
    address: ds.address,
    topics,
    data,
    logIndex,
    transactionIndex: 0,
    transactionHash: keccak256(toHex(logIndex)),
    transactionLogIndex: logIndex,
  };
}

describe("FlexGrid mappings from synthetic logs", function () {
  this.timeout(300_000);
  let subgraph: LoadedSubgraph;
  let db: Db;
  let store: EntityStore;
  let runner: MappingRunner;

  before(async () => {
    subgraph = loadSubgraph(ensureSubgraphBuild());
    db = await openDb({});
    store = new EntityStore(db, subgraph.schema);
    await store.init();
    runner = new MappingRunner(subgraph, store, { log: () => undefined });
  });

  after(async () => {
    await db.close();
  });

  function run(number: number, logs: { ds: DataSource; log: ChainLog }[]) {
    store.beginBlock(number);
    for (const { ds, log: l } of logs)
      runner.run({
        dataSource: ds,
        handler: ds.handlers.get(l.topics[0])!,
        block: fakeBlock(number),
        transaction: fakeTransaction(l.logIndex),
        log: l,
      });
    const b = fakeBlock(number);
    store.commitBlock({ number, hash: b.hash, parentHash: b.parentHash, timestamp: Number(b.timestamp) });
  }

  describe("MeritOrderChallenge.handleSessionResultVoided", () => {
    it("marks the session voided", () => {
      const market = subgraph.dataSources.find((d) => d.name === "FlexMarket")!;
      const challenge = subgraph.dataSources.find((d) => d.name === "MeritOrderChallenge")!;
      run(1, [
        {
          ds: market,
          log: log(
            market,
            "SessionCreated",
            {
              sessionId: 7n,
              kind: 0,
              day: 20_600,
              realTimeIndex: 0,
              firstSlot: 0,
              slotCount: 96,
              dayStartTime: 1n,
              openingTime: 0n,
              gateClosureTime: 1n,
            },
            0,
          ),
        },
      ]);
      expect(store.get("Session", "7")!.voided).to.equal(false);
      run(2, [
        {
          ds: challenge,
          log: log(
            challenge,
            "SessionResultVoided",
            {
              sessionId: 7n,
              challenger: "0x00000000000000000000000000000000000000cc",
              awardIndex: 1,
              acceptedOfferId: 2n,
              rejectedOfferId: 3n,
            },
            0,
          ),
        },
      ]);
      expect(store.get("Session", "7")!.voided).to.equal(true);
    });

    it("ignores a voided session it never saw", () => {
      const challenge = subgraph.dataSources.find((d) => d.name === "MeritOrderChallenge")!;
      run(3, [
        {
          ds: challenge,
          log: log(
            challenge,
            "SessionResultVoided",
            {
              sessionId: 99n,
              challenger: "0x00000000000000000000000000000000000000cc",
              awardIndex: 0,
              acceptedOfferId: 1n,
              rejectedOfferId: 2n,
            },
            0,
          ),
        },
      ]);
      expect(store.get("Session", "99")).to.equal(null);
    });
  });

  const ds = (name: string) => subgraph.dataSources.find((d) => d.name === name)!;
  const POD = "0x4954303032453631383939393738000000000000000000000000000000000000" as Hex;
  const WALLET = "0x00000000000000000000000000000000000000c1" as Hex;

  describe("RewardToken.handleTransfer", () => {
    it("leaves a holder's balance unchanged by a transfer to itself", () => {
      const token = ds("RewardToken");
      const zero = "0x0000000000000000000000000000000000000000";
      run(10, [{ ds: token, log: log(token, "Transfer", { from: zero, to: WALLET, value: 500n }, 0) }]);
      run(11, [{ ds: token, log: log(token, "Transfer", { from: WALLET, to: WALLET, value: 200n }, 1) }]);
      expect(store.get("TokenHolder", WALLET)!.balance).to.equal("500");
      expect(store.get("Platform", "flexgrid")!.tokenSupply).to.equal("500");
    });
  });

  describe("FlexMarket.handleOfferSubmitted and handleAwardsPosted", () => {
    it("keeps uint32 prices above 2^31 exact (BigInt, not a wrapped Int)", () => {
      const market = ds("FlexMarket");
      const high = 4_000_000_000n; // > 2^31 - 1, < 2^32
      run(20, [
        {
          ds: market,
          log: log(
            market,
            "OfferSubmitted",
            {
              offerId: 70n,
              sessionId: 7n,
              podId: POD,
              kind: 0,
              direction: 0,
              firstSlot: 4,
              lastSlot: 4,
              energyKwh: 0,
              steps: [
                { quantityKw: 10, priceMilliEurPerKw: high },
                { quantityKw: 5, priceMilliEurPerKw: high + 1n },
              ],
            },
            0,
          ),
        },
        {
          ds: market,
          log: log(
            market,
            "AwardsPosted",
            {
              sessionId: 7n,
              firstAwardIndex: 0,
              awards: [{ offerId: 70n, requestId: 1n, slotIndex: 4, quantityKw: 10, priceMilliEurPerKw: high }],
            },
            1,
          ),
        },
      ]);
      expect(store.get("Offer", "70")!.minPriceMilliEurPerKw).to.equal(high.toString());
      expect(store.get("OfferStep", "70-1")!.priceMilliEurPerKw).to.equal((high + 1n).toString());
      expect(store.get("Award", "7-0")!.priceMilliEurPerKw).to.equal(high.toString());
    });
  });

  describe("PodRegistry.handleDayAheadGateClosureRecorded", () => {
    it("records the gate closure of a day, and moves it when recorded again", () => {
      const registry = ds("PodRegistry");
      run(30, [
        { ds: registry, log: log(registry, "DayAheadGateClosureRecorded", { day: 20_600, gateClosureTime: 100n }, 0) },
      ]);
      run(31, [
        { ds: registry, log: log(registry, "DayAheadGateClosureRecorded", { day: 20_600, gateClosureTime: 200n }, 0) },
      ]);
      expect(store.get("DayAheadGateClosure", "20600")).to.deep.include({ day: 20_600, gateClosureTime: "200" });
    });
  });

  describe("RemunerationScheme template", () => {
    it("follows a PoD enrolled in and withdrawn from a scheme clone", () => {
      const registry = ds("PodRegistry");
      const factory = ds("RemunerationSchemeFactory");
      const scheme = "0x00000000000000000000000000000000005c4e3e" as Hex;
      run(40, [
        {
          ds: registry,
          log: log(
            registry,
            "PodRegistered",
            {
              podId: POD,
              aggregator: "0x00000000000000000000000000000000000000a1",
              index: 1,
              data: {
                voltageLevel: 1,
                contractualPowerWithdrawnKw: 1000,
                contractualPowerInjectedKw: 200,
                cosPhiMilli: 900,
                maxUpKw: 300,
                maxDownKw: 500,
                remunerationScheme: "0x0000000000000000000000000000000000000000",
              },
            },
            0,
          ),
        },
        {
          ds: factory,
          log: log(
            factory,
            "SchemeCreated",
            {
              aggregator: "0x00000000000000000000000000000000000000a1",
              scheme,
              parameters: { toleranceBps: 3000, rewardShareBps: 10_000, penaltyBps: 5000 },
            },
            1,
          ),
        },
      ]);
      // The factory's handler created the clone's data source in that block.
      expect(store.dynamicDataSources()).to.deep.equal([
        { template: "RemunerationScheme", address: scheme, block: 40, context: {} },
      ]);
      const clone = instantiateTemplate(subgraph, store.dynamicDataSources()[0]);
      run(41, [
        { ds: clone, log: { ...log(clone, "PodEnrolled", { podId: POD, wallet: WALLET }, 0), address: scheme } },
      ]);
      expect((store.get("Pod", POD)!.wallet as string).toLowerCase()).to.equal(WALLET);
      run(42, [{ ds: clone, log: { ...log(clone, "PodWithdrawn", { podId: POD }, 1), address: scheme } }]);
      expect(store.get("Pod", POD)!.wallet ?? null).to.equal(null);
      const records = [...store.loadRelated("RemunerationScheme", scheme, "enrolments").rows];
      expect(records.map((r) => [r.kind, r.wallet ?? null])).to.have.deep.members([
        ["Enrolled", WALLET],
        ["Withdrawn", null],
      ]);
    });
  });

  describe("manifest coverage", () => {
    it("handles or explicitly excludes every event of every watched contract", () => {
      const unaccounted: string[] = [];
      for (const source of [...subgraph.dataSources, ...subgraph.templates.values()]) {
        const abi = JSON.parse(
          readFileSync(path.join(subgraph.dir, source.name, `${source.name}.json`), "utf8"),
        ) as Abi;
        const handled = new Set([...source.handlers.values()].map((h) => h.event.name));
        for (const item of abi)
          if (item.type === "event" && !handled.has(item.name) && !excludedEvents[source.name]?.[item.name])
            unaccounted.push(`${source.name}.${item.name}`);
      }
      expect(unaccounted).to.deep.equal([]);
    });
  });
});
