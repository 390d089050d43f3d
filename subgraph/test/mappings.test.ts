// FlexGrid mappings run from synthetic logs through the runner, for handlers the end-to-end market day cannot reach
// cheaply (a voided session needs a wrong clearing proven by a challenge).
import { expect } from "chai";
import { encodeAbiParameters, encodeEventTopics, keccak256, toHex } from "viem";
import type { Abi, AbiEvent, Hex } from "viem";
import { ensureSubgraphBuild } from "../runner/build";
import { openDb } from "../runner/db";
import type { Db } from "../runner/db";
import { loadSubgraph, MappingRunner } from "../runner/mapping";
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
});
