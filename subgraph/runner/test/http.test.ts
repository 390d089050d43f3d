// The query API over HTTP as graph-node serves it (CORS, GraphiQL, errors), and graph-node's query semantics that
// need a chain (block: { hash } of any block), on the probe subgraph indexed from an in-memory chain.
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { stringToHex } from "viem";
import type { Abi, Hex } from "viem";
import type { EthCaller } from "../host";
import { startSubgraphRunner } from "../service";
import type { SubgraphRunner } from "../service";
import { ensureSubgraphBuilt } from "./build-helper";
import { FakeChain } from "./fake-chain";
import { fakeLog } from "./fixtures";

const ADDRESS: Hex = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const ALICE: Hex = "0x00000000000000000000000000000000000000aa";
const BOB: Hex = "0x00000000000000000000000000000000000000bb";
const caller: EthCaller = { call: () => ({ outputs: [{ type: "uint256", name: "" }], values: [1n] }) };

describe("subgraph runner query API over HTTP", function () {
  this.timeout(120_000);
  let chain: FakeChain;
  let runner: SubgraphRunner;

  before(async () => {
    const buildDir = ensureSubgraphBuilt(path.join(__dirname, "probe"));
    const abi = JSON.parse(readFileSync(path.join(buildDir, "Probe", "Probe.json"), "utf8")) as Abi;
    const probed = (sender: Hex, tag: string, amount: bigint) =>
      fakeLog(abi, ADDRESS, "Probed", {
        sender,
        tag: stringToHex(tag, { size: 32 }),
        amount,
        delta: 1n,
        note: tag,
        blob: "0x",
        flag: false,
        values: [],
        pair: { a: 1n, b: stringToHex("p", { size: 32 }) },
      });
    chain = new FakeChain();
    chain.mine([probed(ALICE, "A", 10n), probed(BOB, "B", 20n)]); // 1
    chain.mine([]); // 2: no event, so the runner never stores it
    chain.mine([probed(ALICE, "C", 30n)]); // 3
    chain.mine([probed(ALICE, "A", 40n)]); // 4
    runner = await startSubgraphRunner({ buildDir, client: chain.client(), caller, port: 0 });
    await runner.sync();
  });

  after(async () => {
    await runner.stop();
  });

  const post = async (query: string, variables?: Record<string, unknown>, url = runner.url!) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: res.status,
      headers: res.headers,
      body: (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] },
    };
  };

  describe("HTTP", () => {
    it("serves indexed entities at /subgraphs/name/flexgrid with variables", async () => {
      const { status, body } = await post(
        "query($n: Int) { probes(first: $n, orderBy: amount) { tagText amount owner { id probeCount } } _meta { block { number } } }",
        { n: 2 },
      );
      expect(status).to.equal(200);
      expect(body).to.deep.equal({
        data: {
          probes: [
            { tagText: "B", amount: "20", owner: { id: BOB, probeCount: 1 } },
            { tagText: "C", amount: "30", owner: { id: ALICE, probeCount: 3 } },
          ],
          _meta: { block: { number: 4 } },
        },
      });
    });

    it("answers GET requests with a query too", async () => {
      const res = await fetch(`${runner.url}?query=${encodeURIComponent("{ owners(orderBy: id) { id } }")}`);
      expect(await res.json()).to.deep.equal({ data: { owners: [{ id: ALICE }, { id: BOB }] } });
    });

    it("sends graph-node's CORS headers and answers the preflight", async () => {
      const { headers } = await post("{ owners { id } }");
      expect(headers.get("access-control-allow-origin")).to.equal("*");
      expect(headers.get("access-control-allow-headers")).to.equal("Content-Type, User-Agent");
      expect(headers.get("access-control-allow-methods")).to.equal("GET, OPTIONS, POST");
      const preflight = await fetch(runner.url!, {
        method: "OPTIONS",
        headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" },
      });
      expect(preflight.status).to.equal(200);
      expect(preflight.headers.get("access-control-allow-origin")).to.equal("*");
      expect(preflight.headers.get("access-control-allow-methods")).to.equal("GET, OPTIONS, POST");
    });

    it("sends a browser opening the subgraph URL to GraphiQL, as graph-node does", async () => {
      const res = await fetch(runner.url!, { redirect: "manual", headers: { accept: "text/html" } });
      expect(res.status).to.equal(302);
      expect(res.headers.get("location")).to.equal("/subgraphs/name/flexgrid/graphql");
      const page = await fetch(new URL(res.headers.get("location")!, runner.url!));
      expect(page.headers.get("content-type")).to.match(/^text\/html/);
      const html = await page.text();
      expect(html).to.include("GraphiQL.createFetcher");
      expect(html).to.include('"/subgraphs/name/flexgrid"');
    });

    it("returns graph-node's validation error for a bad field", async () => {
      const { body } = await post("{ probes { id colour } }");
      expect(body.errors?.map((e) => e.message)).to.deep.equal(['Cannot query field "colour" on type "Probe".']);
      expect(body.data).to.equal(undefined);
    });

    it("answers 404 for another subgraph name", async () => {
      const { status, body } = await post("{ probes { id } }", undefined, runner.url!.replace(/flexgrid$/, "other"));
      expect(status).to.equal(404);
      expect(body.errors?.[0].message).to.equal("subgraph `other` not found");
    });
  });

  describe("graph-node query semantics", () => {
    it("answers block: { hash } for a block without events, looked up on the chain", async () => {
      const { body } = await post(
        `{ probes(block: { hash: "${chain.blocks[2].hash}" }, orderBy: tagText) { tagText } }`,
      );
      expect(body).to.deep.equal({ data: { probes: [{ tagText: "A" }, { tagText: "B" }] } });
    });

    it("answers _meta for the head and for a past block with that block's own hash and time", async () => {
      const { body } = await post(
        `{ head: _meta { block { number hash timestamp parentHash } deployment hasIndexingErrors } past: _meta(block: { number: 1 }) { block { number hash timestamp } } }`,
      );
      const [b1, b4] = [chain.blocks[1], chain.blocks[4]];
      expect(body.data).to.deep.equal({
        head: {
          block: { number: 4, hash: b4.hash, timestamp: b4.timestamp, parentHash: b4.parentHash },
          deployment: "flexgrid-local/flexgrid",
          hasIndexingErrors: false,
        },
        past: { block: { number: 1, hash: b1.hash, timestamp: b1.timestamp } },
      });
    });

    it("refuses block: { hash } of a block the chain does not have", async () => {
      const { body } = await post(`{ probes(block: { hash: "0x${"ab".repeat(32)}" }) { id } }`);
      expect(body.errors?.map((e) => e.message)).to.deep.equal(["no block with that hash found"]);
    });

    it("answers block: { number_gte } at the head, and refuses one past it with graph-node's message", async () => {
      const ok = await post(`{ probes(block: { number_gte: 3 }, orderBy: tagText) { tagText amount } }`);
      expect(ok.body.data?.probes).to.deep.equal([
        { tagText: "A", amount: "40" },
        { tagText: "B", amount: "20" },
        { tagText: "C", amount: "30" },
      ]);
      const ahead = await post(`{ probes(block: { number_gte: 9 }) { id } }`);
      expect(ahead.body.errors?.[0].message).to.equal(
        "Failed to decode `block.number_gte` value: `subgraph flexgrid-local/flexgrid has only indexed up to block number 4 and data for block number 9 is therefore not yet available`",
      );
    });

    it("filters on _change_block: entities changed at or after a block", async () => {
      const { body } = await post(
        `{ probes(where: { _change_block: { number_gte: 3 } }, orderBy: tagText) { tagText } }`,
      );
      expect(body.data?.probes).to.deep.equal([{ tagText: "A" }, { tagText: "C" }]);
    });

    it("accepts a skip past 5,000 (graph-node's GRAPH_GRAPHQL_MAX_SKIP is unlimited by default)", async () => {
      const { body } = await post(`{ probes(skip: 6000) { id } }`);
      expect(body).to.deep.equal({ data: { probes: [] } });
    });

    it("orders by a field of a related entity (orderBy: owner__probeCount)", async () => {
      const { body } = await post(
        `{ probes(orderBy: owner__probeCount, orderDirection: desc) { tagText } owner(id: "${ALICE}") { probes(orderBy: owner__probeCount) { tagText } } }`,
      );
      expect((body.data?.probes as { tagText: string }[]).map((p) => p.tagText)).to.deep.equal(["C", "A", "B"]);
      expect(body.data?.owner).to.deep.equal({ probes: [{ tagText: "A" }, { tagText: "C" }] });
    });
  });
});
