// The chain follower under RPC faults and reorganisations, through the runner's own composition (service.ts) with
// the probe subgraph on an in-memory chain: an outage never rolls the index back, only a real hash mismatch is a
// reorg, and queries never see a block whose entities are not stored yet.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { stringToHex } from "viem";
import type { Abi, Hex } from "viem";
import { RpcUnavailableError } from "../follower";
import type { EthCaller } from "../host";
import { startSubgraphRunner } from "../service";
import type { SubgraphRunner } from "../service";
import { ensureSubgraphBuilt } from "./build-helper";
import { FakeChain } from "./fake-chain";
import { fakeLog } from "./fixtures";

const PROBE_DIR = path.join(__dirname, "probe");
const ADDRESS: Hex = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const ALICE: Hex = "0x00000000000000000000000000000000000000aa";
const caller: EthCaller = { call: () => ({ outputs: [{ type: "uint256", name: "" }], values: [1n] }) };

describe("subgraph runner following a chain", function () {
  this.timeout(120_000);
  let buildDir: string;
  let abi: Abi;
  let chain: FakeChain;
  let runner: SubgraphRunner;
  const sleeps: number[] = [];

  const probed = (tag: string, amount: bigint) =>
    fakeLog(abi, ADDRESS, "Probed", {
      sender: ALICE,
      tag: stringToHex(tag, { size: 32 }),
      amount,
      delta: 1n,
      note: "n",
      blob: "0x",
      flag: false,
      values: [],
      pair: { a: 1n, b: stringToHex("p", { size: 32 }) },
    });

  async function tags(): Promise<string[]> {
    const result = await runner.query.execute(`{ probes(orderBy: tagText) { tagText } }`);
    if (result.errors) throw new Error(result.errors.map((e) => e.message).join("; "));
    return (result.data!.probes as { tagText: string }[]).map((p) => p.tagText);
  }

  async function start(dataDir?: string, dir = buildDir): Promise<SubgraphRunner> {
    return startSubgraphRunner({
      buildDir: dir,
      client: chain.client(),
      caller,
      dataDir,
      follower: { rpcRetryDelayMs: 10, rpcAttempts: 3, sleep: async (ms) => void sleeps.push(ms) },
    });
  }

  before(() => {
    buildDir = ensureSubgraphBuilt(PROBE_DIR);
    abi = JSON.parse(readFileSync(path.join(buildDir, "Probe", "Probe.json"), "utf8")) as Abi;
  });

  beforeEach(async () => {
    chain = new FakeChain();
    chain.mine([probed("A", 1n)]);
    chain.mine([probed("B", 2n)]);
    chain.mine([]);
    sleeps.length = 0;
    runner = await start();
    expect(await runner.sync()).to.equal(3);
  });

  afterEach(async () => {
    await runner?.stop();
  });

  describe("RPC faults", () => {
    it("keeps the whole index through an outage and resumes after it", async () => {
      chain.mine([probed("C", 3n)]);
      chain.down = true;
      let failure: unknown = null;
      await runner.sync().catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(RpcUnavailableError);
      // Nothing rolled back: the stored head, its entities and every version are still there.
      expect(runner.store.latestBlock()?.number).to.equal(3);
      expect(await tags()).to.deep.equal(["A", "B"]);
      expect(runner.follower.fatalError).to.equal(null);
      chain.down = false;
      expect(await runner.sync()).to.equal(4);
      expect(await tags()).to.deep.equal(["A", "B", "C"]);
    });

    it("retries a failing call with exponential backoff instead of failing the round", async () => {
      chain.mine([probed("C", 3n)]);
      chain.failNext = 2;
      expect(await runner.sync()).to.equal(4);
      expect(sleeps).to.deep.equal([10, 20]);
      expect(await tags()).to.deep.equal(["A", "B", "C"]);
    });

    it("gives up a round after the configured attempts, leaving the index as it was", async () => {
      chain.failNext = 3;
      let failure: unknown = null;
      await runner.sync().catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(RpcUnavailableError);
      expect((failure as Error).message).to.match(/^JSON-RPC eth_getBlockByNumber\(3\) failed: /);
      expect(await tags()).to.deep.equal(["A", "B"]);
    });
  });

  describe("reorgs", () => {
    it("rolls back a block whose hash changed and indexes the new branch", async () => {
      chain.truncate(2);
      chain.mine([probed("D", 4n)], "fork");
      chain.mine([], "fork");
      chain.mine([], "fork");
      expect(await runner.sync()).to.equal(4);
      expect(await tags()).to.deep.equal(["A", "D"]);
      const meta = await runner.query.execute(`{ _meta { block { number hash } } }`);
      expect(meta.data!._meta).to.deep.equal({ block: { number: 4, hash: chain.blocks[4].hash } });
    });

    it("takes a chain that no longer has the indexed head for a reorg", async () => {
      chain.truncate(2);
      chain.mine([probed("E", 5n)], "short");
      expect(await runner.sync()).to.equal(2);
      expect(await tags()).to.deep.equal(["A", "E"]);
    });
  });

  describe("what queries see", () => {
    it("never answers _meta or block: { number } past the blocks written to the store", async () => {
      // Hold the range 4..6 after blocks 4 and 5 are indexed in memory, before the range is written.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let reached!: () => void;
      const atLastBlock = new Promise<void>((resolve) => (reached = resolve));
      const client = chain.client();
      const getBlock = client.getBlock.bind(client);
      (client as { getBlock: typeof getBlock }).getBlock = (async (args: { blockNumber: bigint }) => {
        if (args.blockNumber === 6n) {
          reached();
          await held;
        }
        return getBlock(args as never);
      }) as typeof getBlock;
      await runner.stop();
      runner = await startSubgraphRunner({ buildDir, client, caller });
      expect(await runner.sync()).to.equal(3);
      chain.mine([probed("C", 3n)]);
      chain.mine([probed("D", 4n)]);
      chain.mine([]);
      const syncing = runner.sync();
      await atLastBlock;
      expect(runner.store.latestBlock()?.number).to.equal(5); // indexed in memory, not written yet
      const meta = await runner.query.execute(`{ _meta { block { number } } }`);
      expect(meta.data!._meta).to.deep.equal({ block: { number: 3 } });
      const ahead = await runner.query.execute(`{ probes(block: { number: 5 }) { id } }`);
      expect(ahead.errors?.[0].message).to.match(/has only indexed up to block number 3 /);
      release();
      await syncing;
      const after = await runner.query.execute(
        `{ _meta { block { number } } probes(block: { number: 5 }) { tagText } }`,
      );
      expect(after.data).to.deep.equal({
        _meta: { block: { number: 6 } },
        probes: ["A", "B", "C", "D"].map((tagText) => ({ tagText })),
      });
    });
  });

  describe("a rebuilt subgraph", () => {
    it("re-indexes from scratch when the schema, the mappings or the ABIs change", async () => {
      const tmp = mkdtempSync(path.join(os.tmpdir(), "subgraph-rebuild-"));
      try {
        await runner.stop();
        const dataDir = path.join(tmp, "data");
        runner = await start(dataDir);
        await runner.sync();
        await runner.stop();
        // Same build again: the index is kept.
        runner = await start(dataDir);
        expect(runner.store.latestBlock()?.number).to.equal(3);
        await runner.stop();
        // A copy of the build whose schema differs (a new description): start over.
        const rebuilt = path.join(tmp, "build");
        cpSync(buildDir, rebuilt, { recursive: true });
        const schema = path.join(rebuilt, "schema.graphql");
        writeFileSync(schema, readFileSync(schema, "utf8").replace("tag as hex", "tag as hex, rebuilt"));
        runner = await start(dataDir, rebuilt);
        expect(runner.store.latestBlock()).to.equal(null);
        expect(await runner.sync()).to.equal(3);
      } finally {
        await runner.stop();
        runner = undefined as unknown as SubgraphRunner;
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  });
});
