// Runs the probe subgraph's compiled WASM through the runner: every host function family, the entity store with
// block versions and rollback, and the GraphQL API (filters, ordering, derived fields, block heights, errors).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { encodeAbiParameters, keccak256, stringToHex, toBytes } from "viem";
import type { Abi, Hex, PublicClient } from "viem";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { openDb } from "../db";
import type { Db } from "../db";
import { QueryService } from "../graphql";
import { ChainFollower, IndexingFailedError } from "../follower";
import { loadSubgraph, MappingRunner, UnsupportedManifestFeatureError } from "../mapping";
import type { LoadedSubgraph } from "../mapping";
import type { EthCaller, EthCallRequest } from "../host";
import { EntityStore } from "../store";
import { MappingError } from "../values";
import { ensureSubgraphBuilt } from "./build-helper";
import { fakeBlock, fakeLog, fakeTransaction } from "./fixtures";

const PROBE_DIR = path.join(__dirname, "probe");
const ALICE: Hex = "0x00000000000000000000000000000000000000aa";
const BOB: Hex = "0x00000000000000000000000000000000000000bb";

interface ProbeArgs {
  sender?: Hex;
  tag: string;
  amount: bigint;
  delta?: bigint;
  note?: string;
  values?: bigint[];
}

describe("subgraph runner with the probe subgraph", function () {
  this.timeout(120_000);
  let subgraph: LoadedSubgraph;
  let abi: Abi;
  let db: Db;
  let store: EntityStore;
  let runner: MappingRunner;
  let query: QueryService;
  const logs: string[] = [];
  const calls: EthCallRequest[] = [];

  before(() => {
    const buildDir = ensureSubgraphBuilt(PROBE_DIR);
    subgraph = loadSubgraph(buildDir);
    abi = JSON.parse(readFileSync(path.join(buildDir, "Probe", "Probe.json"), "utf8")) as Abi;
  });

  // One embedded database for the file (PGlite takes seconds to start); each test starts from empty tables.
  before(async () => {
    db = await openDb({});
  });

  after(async () => {
    await db.close();
  });

  beforeEach(async () => {
    await db.exec("DROP TABLE IF EXISTS entity_versions, indexed_blocks, runner_meta");
    store = new EntityStore(db, subgraph.schema);
    await store.init();
    logs.length = 0;
    // ethereum.call answered in memory: Probe.total(alice) = 7777, any other account reverts.
    const caller: EthCaller = {
      call(request) {
        calls.push(request);
        if (request.functionName !== "total" || String(request.args[0].value).toLowerCase() !== ALICE) return null;
        return { outputs: [{ type: "uint256", name: "" }], values: [7777n] };
      },
    };
    calls.length = 0;
    runner = new MappingRunner(subgraph, store, { log: (level, message) => logs.push(`${level}: ${message}`) }, caller);
    query = new QueryService(subgraph.schema, {
      db,
      deployment: "probe",
      latest: async () => store.latestBlock(),
      hasIndexingErrors: async () => false,
    });
  });

  function probedLog(args: ProbeArgs, logIndex = 0) {
    const ds = subgraph.dataSources[0];
    return fakeLog(
      abi,
      ds.address,
      "Probed",
      {
        sender: args.sender ?? ALICE,
        tag: stringToHex(args.tag, { size: 32 }),
        amount: args.amount,
        delta: args.delta ?? -3n,
        note: args.note ?? "plain",
        blob: encodeAbiParameters(
          [{ type: "tuple", components: [{ type: "uint256" }, { type: "string" }] }],
          [[args.amount * 2n, "x"]],
        ),
        flag: args.amount % 2n === 0n,
        values: args.values ?? [1n, 2n, 3n],
        pair: { a: 7n, b: stringToHex("pair", { size: 32 }) },
      },
      logIndex,
    );
  }

  function droppedLog(tag: string) {
    return fakeLog(abi, subgraph.dataSources[0].address, "Dropped", { tag: stringToHex(tag, { size: 32 }) });
  }

  /** Runs the logs as one block and commits it, as the follower does. */
  async function runBlock(number: number, logsInBlock: ReturnType<typeof probedLog>[]) {
    const ds = subgraph.dataSources[0];
    const block = fakeBlock(number);
    store.beginBlock(number);
    for (const log of logsInBlock) {
      const handler = ds.handlers.get(log.topics[0]);
      if (!handler) throw new Error("no handler for log");
      runner.run({ dataSource: ds, handler, block, transaction: fakeTransaction(log.logIndex), log });
    }
    store.commitBlock({ number, hash: block.hash, parentHash: block.parentHash, timestamp: Number(block.timestamp) });
    await store.flush();
  }

  const tagId = (tag: string) => stringToHex(tag, { size: 32 });

  describe("event handlers", () => {
    it("maps every event parameter type and host function into the stored entity", async () => {
      await runBlock(5, [
        probedLog({
          tag: "IT002E61899978",
          amount: 1000n,
          delta: -3n,
          note: '{"n": 123456789012345678901234567890, "text": "hi"}',
        }),
      ]);
      const probe = store.get("Probe", tagId("IT002E61899978"))!;
      expect(probe.sender).to.equal(ALICE);
      expect(probe.amount).to.equal("1000");
      expect(probe.delta).to.equal("-3");
      expect(probe.flag).to.equal(true);
      expect(probe.values).to.deep.equal(["1", "2", "3"]);
      expect(probe.pairA).to.equal("7");
      expect(probe.pairB).to.equal(stringToHex("pair", { size: 32 }));
      // typeConversion.bytesToString drops the NUL padding of a bytes32 PoD id.
      expect(probe.tagText).to.equal("IT002E61899978");
      expect(probe.sum).to.equal((1000n - 3n).toString());
      expect(probe.difference).to.equal((1000n + 3n).toString());
      expect(probe.product).to.equal((1000n * -3n).toString());
      expect(probe.quotient).to.equal((1000n / 7n).toString());
      expect(probe.remainder).to.equal((1000n % 7n).toString());
      expect(probe.power).to.equal((3n ** 5n).toString());
      expect(probe.shifted).to.equal(((1000n << 4n) >> 2n).toString());
      expect(probe.ored).to.equal((1000n | 0xf0n).toString());
      expect(probe.anded).to.equal((1000n & 0xffn).toString());
      expect(probe.amountHex).to.equal(`0x${(1000).toString(16)}`);
      expect(probe.amountDecimal).to.equal("1500");
      expect(probe.ratio).to.equal("1.75");
      expect(probe.keccak).to.equal(keccak256(toBytes('{"n": 123456789012345678901234567890, "text": "hi"}')));
      expect(probe.decodedBlob).to.equal("2000");
      expect(probe.noteKind).to.equal("json");
      expect(probe.jsonNumber).to.equal("123456789012345678901234567890");
      expect(probe.jsonText).to.equal("hi");
      expect(probe.network).to.equal("hardhat");
      expect(probe.source).to.equal(subgraph.dataSources[0].address);
      expect(probe.blockNumber).to.equal("5");
      expect(probe.timestamp).to.equal(fakeBlock(5).timestamp.toString());
      expect(probe.txHash).to.equal(fakeTransaction(0).hash);
      expect(probe.count).to.equal(1);
      expect(logs.some((l) => l.startsWith("info: probe"))).to.equal(true);
    });

    it("calls the contract with ethereum.call and maps a revert to null", async () => {
      await runBlock(1, [probedLog({ tag: "A", amount: 1n }), probedLog({ sender: BOB, tag: "B", amount: 1n }, 1)]);
      expect(store.get("Probe", tagId("A"))!.callResult).to.equal("7777");
      expect(store.get("Probe", tagId("B"))!.callResult ?? null).to.equal(null);
      expect(calls[0]).to.deep.include({
        contractName: "Probe",
        functionName: "total",
        address: subgraph.dataSources[0].address,
      });
      expect(calls[0].functionSignature).to.equal("total(address):(uint256)");
      expect(calls[0].args).to.deep.equal([{ type: "address", value: ALICE }]);
    });

    it("encodes bytes32 in base58 as bytesToBase58 does", async () => {
      await runBlock(1, [probedLog({ tag: "A", amount: 1n })]);
      const probe = store.get("Probe", tagId("A"))!;
      // Independent base58 of the pair bytes.
      const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
      let n = BigInt(stringToHex("pair", { size: 32 }));
      let expected = "";
      while (n > 0n) {
        expected = alphabet[Number(n % 58n)] + expected;
        n /= 58n;
      }
      expect(probe.base58).to.equal(expected);
    });

    it("loads and updates existing entities with store.get", async () => {
      await runBlock(1, [probedLog({ tag: "A", amount: 10n }, 0), probedLog({ tag: "A", amount: 20n }, 1)]);
      await runBlock(2, [probedLog({ tag: "A", amount: 30n })]);
      expect(store.get("Probe", tagId("A"))!.count).to.equal(3);
      expect(store.get("Owner", ALICE)).to.deep.include({ probeCount: 3, totalAmount: "60" });
    });

    it("removes an entity with store.remove and ignores unknown ones", async () => {
      await runBlock(1, [probedLog({ tag: "A", amount: 1n })]);
      await runBlock(2, [droppedLog("A"), droppedLog("Z")]);
      expect(store.get("Probe", tagId("A"))).to.equal(null);
      expect(logs.some((l) => l.startsWith("warning: dropping unknown probe"))).to.equal(true);
    });

    it("keeps a note that is not JSON as text (json.try_fromBytes error branch)", async () => {
      await runBlock(1, [probedLog({ tag: "A", amount: 1n, note: "{not json" })]);
      const probe = store.get("Probe", tagId("A"))!;
      expect(probe.noteKind).to.equal("text");
      expect(probe.jsonNumber ?? null).to.equal(null);
    });

    it("keeps BigInt arithmetic exact beyond 256 bits", async () => {
      // A huge amount still works: BigInt arithmetic is arbitrary precision.
      const huge = 2n ** 200n;
      await runBlock(1, [probedLog({ tag: "A", amount: huge })]);
      expect(store.get("Probe", tagId("A"))!.product).to.equal((huge * -3n).toString());
    });

    for (const [note, message] of [
      ["abort", /^Mapping aborted at src\/probe\.ts, line \d+, column \d+, with message: probe asked to abort$/],
      ["divzero", /^attempted to divide BigInt `1` by zero$/],
      // graph-node's runtime (host_exports.rs log_log) fails with exactly this text; the message goes to the log.
      ["critical", /^Critical error logged in mapping$/],
    ] as const) {
      it(`fails the trigger with graph-node's message on ${note}`, () => {
        const ds = subgraph.dataSources[0];
        const log = probedLog({ tag: "A", amount: 1n, note });
        store.beginBlock(1);
        expect(() =>
          runner.run({
            dataSource: ds,
            handler: ds.handlers.get(log.topics[0])!,
            block: fakeBlock(1),
            transaction: fakeTransaction(0),
            log,
          }),
        )
          .to.throw(MappingError)
          .with.property("message")
          .that.matches(message);
        if (note === "critical") expect(logs).to.include("critical: probe asked for a critical log");
        store.discardBlock();
      });
    }

    it("discards the whole block, earlier triggers included, when a handler aborts", async () => {
      const ds = subgraph.dataSources[0];
      const follower = new ChainFollower({} as PublicClient, subgraph, store, runner);
      const good = probedLog({ tag: "A", amount: 1n });
      // The second trigger's handler runs and aborts (the probe aborts on this note) after the first one wrote A.
      const aborting = probedLog({ tag: "B", amount: 1n, note: "abort" }, 1);
      const block = fakeBlock(1);
      const triggers = [good, aborting].map((log) => ({
        dataSource: ds,
        handler: ds.handlers.get(log.topics[0])!,
        block,
        transaction: fakeTransaction(log.logIndex),
        log,
      }));
      let failure: unknown = null;
      await follower.processBlock(1, block, new Map(), triggers).catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(IndexingFailedError);
      expect((failure as Error).message).to.match(
        /^failed to process trigger in block #1 \(0x[0-9a-f]{64}\): Mapping aborted at/,
      );
      expect(runner.handled.get("Probe.handleProbed")).to.equal(1); // the first handler did run
      expect(store.get("Probe", tagId("A"))).to.equal(null);
      expect(store.get("Owner", ALICE)).to.equal(null);
      expect(store.latestBlock()).to.equal(null);
      expect(follower.fatalError).to.equal(failure);
    });
  });

  describe("manifest", () => {
    interface Manifest extends Record<string, unknown> {
      dataSources: {
        kind: string;
        source: Record<string, unknown>;
        mapping: Record<string, unknown> & { eventHandlers: Record<string, unknown>[] };
      }[];
    }
    const variants: [string, (m: Manifest) => void, RegExp][] = [
      ["block handlers", (m) => (m.dataSources[0].mapping.blockHandlers = [{ handler: "h" }]), /`blockHandlers`/],
      [
        "call handlers",
        (m) => (m.dataSources[0].mapping.callHandlers = [{ function: "f()", handler: "h" }]),
        /`callHandlers`/,
      ],
      ["receipts", (m) => (m.dataSources[0].mapping.eventHandlers[0].receipt = true), /`receipt`/],
      ["declared calls", (m) => (m.dataSources[0].mapping.eventHandlers[0].calls = { a: "b" }), /`calls`/],
      ["topic filters", (m) => (m.dataSources[0].mapping.eventHandlers[0].topic1 = ["0x01"]), /`topic1`/],
      ["an end block", (m) => (m.dataSources[0].source.endBlock = 9), /source: `endBlock`/],
      ["grafting", (m) => (m.graft = { base: "Qm", block: 1 }), /subgraph\.yaml: `graft`/],
      ["features", (m) => (m.features = ["ipfsOnEthereumContracts"]), /`features`/],
      ["indexer hints", (m) => (m.indexerHints = { prune: "auto" }), /`indexerHints`/],
      [
        "file data sources",
        (m) => (m.templates = [{ kind: "file/ipfs", name: "F", mapping: {} }]),
        /`kind: file\/ipfs`/,
      ],
      ["another chain", (m) => (m.dataSources[0].kind = "near"), /`kind: near`/],
    ];
    for (const [feature, change, message] of variants) {
      it(`refuses ${feature} by name instead of ignoring them`, () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), "subgraph-manifest-"));
        try {
          cpSync(subgraph.dir, dir, { recursive: true });
          const manifest = parseYaml(readFileSync(path.join(dir, "subgraph.yaml"), "utf8")) as Manifest;
          change(manifest);
          writeFileSync(path.join(dir, "subgraph.yaml"), stringifyYaml(manifest));
          expect(() => loadSubgraph(dir))
            .to.throw(UnsupportedManifestFeatureError)
            .with.property("message")
            .that.matches(message);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }

    it("loads the manifest graph build wrote as it is", () => {
      expect(() => loadSubgraph(subgraph.dir)).to.not.throw();
    });
  });

  describe("store versions", () => {
    it("rolls back to an earlier block, reopening closed versions and dropping later ones", async () => {
      await runBlock(1, [probedLog({ tag: "A", amount: 10n })]);
      await runBlock(2, [probedLog({ tag: "A", amount: 20n }), probedLog({ tag: "B", amount: 5n }, 1)]);
      await runBlock(3, [droppedLog("A")]);
      expect(store.get("Probe", tagId("A"))).to.equal(null);
      await store.rollbackTo(1);
      expect(store.get("Probe", tagId("A"))!.amount).to.equal("10");
      expect(store.get("Probe", tagId("B"))).to.equal(null);
      expect(store.latestBlock()!.number).to.equal(1);
      const rows = await db.query<{ n: string }>("SELECT count(*) AS n FROM entity_versions WHERE block_end IS NULL");
      expect(Number(rows[0].n)).to.equal(2); // Probe A and Owner alice
    });
  });

  describe("GraphQL API", () => {
    beforeEach(async () => {
      await runBlock(1, [
        probedLog({ tag: "A", amount: 10n, note: "alpha one" }),
        probedLog({ sender: BOB, tag: "B", amount: 25n, note: "beta" }, 1),
      ]);
      await runBlock(2, [
        probedLog({ tag: "C", amount: 7n, note: "gamma", values: [9n] }),
        probedLog({ tag: "A", amount: 40n, note: "alpha two" }, 1),
      ]);
      await runBlock(3, [droppedLog("C")]);
    });

    async function data(q: string, variables?: Record<string, unknown>) {
      const result = await query.execute(q, variables);
      if (result.errors) throw new Error(result.errors.map((e) => e.message).join("; "));
      return result.data as Record<string, unknown>;
    }

    it("answers a single entity by id", async () => {
      const d = await data(`{ probe(id: "${tagId("A")}") { id amount count note owner { id probeCount } } }`);
      expect(d.probe).to.deep.equal({
        id: tagId("A"),
        amount: "40",
        count: 2,
        note: "alpha two",
        owner: { id: ALICE, probeCount: 3 },
      });
    });

    it("returns null for a missing id", async () => {
      expect((await data(`{ probe(id: "0x00") { id } }`)).probe).to.equal(null);
    });

    it("pages with first and skip in id order by default", async () => {
      const d = await data(`{ all: probes { tagText } page: probes(first: 1, skip: 1) { tagText } }`);
      expect(d.all).to.deep.equal([{ tagText: "A" }, { tagText: "B" }]);
      expect(d.page).to.deep.equal([{ tagText: "B" }]);
    });

    it("orders numerically by BigInt fields in both directions", async () => {
      await runBlock(4, [probedLog({ tag: "D", amount: 100n })]);
      const d = await data(
        `{ asc: probes(orderBy: amount) { tagText } desc: probes(orderBy: amount, orderDirection: desc) { tagText } }`,
      );
      expect(d.asc).to.deep.equal([{ tagText: "B" }, { tagText: "A" }, { tagText: "D" }]);
      expect(d.desc).to.deep.equal([{ tagText: "D" }, { tagText: "A" }, { tagText: "B" }]);
    });

    it("filters with comparison, list and string operators", async () => {
      const q = (where: string) =>
        data(`{ probes(where: ${where}) { tagText } }`).then((d) =>
          (d.probes as { tagText: string }[]).map((p) => p.tagText),
        );
      expect(await q(`{ amount_gt: "30" }`)).to.deep.equal(["A"]);
      expect(await q(`{ amount_gte: "25" }`)).to.deep.equal(["A", "B"]);
      expect(await q(`{ amount_lt: 30 }`)).to.deep.equal(["B"]);
      expect(await q(`{ amount_lte: "40", amount_not: "40" }`)).to.deep.equal(["B"]);
      expect(await q(`{ tagText_in: ["B", "Z"] }`)).to.deep.equal(["B"]);
      expect(await q(`{ tagText_not_in: ["B"] }`)).to.deep.equal(["A"]);
      expect(await q(`{ note_contains: "two" }`)).to.deep.equal(["A"]);
      expect(await q(`{ note_starts_with: "be" }`)).to.deep.equal(["B"]);
      expect(await q(`{ note_contains_nocase: "ALPHA" }`)).to.deep.equal(["A"]);
      expect(await q(`{ values_contains: ["2"] }`)).to.deep.equal(["A", "B"]);
      expect(await q(`{ sender: "${BOB.toUpperCase().replace("0X", "0x")}" }`)).to.deep.equal(["B"]);
      expect(await q(`{ or: [{ amount: "25" }, { note_ends_with: "two" }] }`)).to.deep.equal(["A", "B"]);
      expect(await q(`{ flag: true }`)).to.deep.equal(["A"]);
    });

    it("filters through a relation with a nested filter", async () => {
      const d = await data(`{ probes(where: { owner_: { probeCount_gt: 1 } }) { tagText } }`);
      expect(d.probes).to.deep.equal([{ tagText: "A" }]);
    });

    it("resolves @derivedFrom fields with their own arguments", async () => {
      const d = await data(
        `{ owner(id: "${ALICE}") { probeCount probes(orderBy: amount, orderDirection: desc) { tagText amount } } }`,
      );
      expect(d.owner).to.deep.equal({ probeCount: 3, probes: [{ tagText: "A", amount: "40" }] });
      const owners = await data(`{ owners(where: { probes_: { amount_lt: "30" } }) { id } }`);
      expect(owners.owners).to.deep.equal([{ id: BOB }]);
    });

    it("answers as of an earlier block", async () => {
      const d = await data(
        `{ probes(block: { number: 1 }) { tagText amount } c: probe(id: "${tagId("C")}", block: { number: 2 }) { tagText } }`,
      );
      expect(d.probes).to.deep.equal([
        { tagText: "A", amount: "10" },
        { tagText: "B", amount: "25" },
      ]);
      expect(d.c).to.deep.equal({ tagText: "C" });
    });

    it("reports the indexed head in _meta", async () => {
      const d = await data(`{ _meta { block { number hash } deployment hasIndexingErrors } }`);
      expect(d._meta).to.deep.equal({
        block: { number: 3, hash: fakeBlock(3).hash },
        deployment: "probe",
        hasIndexingErrors: false,
      });
    });

    it("rejects an unknown field with graph-node's validation message", async () => {
      const result = await query.execute(`{ probes { id wat } }`);
      expect(result.errors?.map((e) => e.message)).to.deep.equal(['Cannot query field "wat" on type "Probe".']);
    });

    it("rejects an unknown filter with graph-node's validation message", async () => {
      const result = await query.execute(`{ probes(where: { colour: "red" }) { id } }`);
      expect(result.errors?.map((e) => e.message)).to.deep.equal([
        'Field "colour" is not defined by type "Probe_filter".',
      ]);
    });

    it("rejects a filter on a derived field as graph-node does", async () => {
      const result = await query.execute(`{ owners(where: { probes: ["x"] }) { id } }`);
      expect(result.errors?.map((e) => e.message)).to.deep.equal([
        'Field "probes" is not defined by type "Owner_filter".',
      ]);
    });

    it("rejects a page larger than 1000", async () => {
      const result = await query.execute(`{ probes(first: 5000) { id } }`);
      expect(result.errors?.map((e) => e.message)).to.deep.equal([
        "The `first` argument must be between 0 and 1000, but is 5000",
      ]);
    });

    it("rejects a block that is not indexed yet", async () => {
      const result = await query.execute(`{ probes(block: { number: 99 }) { id } }`);
      expect(result.errors?.[0].message).to.match(
        /has only indexed up to block number 3 and data for block number 99 is therefore not yet available/,
      );
    });
  });
});
