// The runner against a chain over HTTP JSON-RPC: ethereum.call through the synchronous RPC worker, and the query
// API served over HTTP as graph-node serves it.
import type { Server } from "node:http";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { expect } from "chai";
import express from "express";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Hex } from "viem";
import { loadSubgraph } from "../mapping";
import { rpcCaller, startSubgraphRunner } from "../service";
import type { SubgraphRunner } from "../service";
import { SyncRpc } from "../sync-rpc";
import { ensureSubgraphBuilt } from "./build-helper";

// Runtime code that returns 42 as a uint256 for any call: PUSH1 42, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN.
const RETURNS_42 = "0x602a60005260206000f3";
const CONTRACT: Hex = "0x00000000000000000000000000000000000c0ffe"; // lower-case: the fake node compares text
const REVERTING: Hex = "0x0000000000000000000000000000000000000bad";

describe("subgraph runner over HTTP JSON-RPC", function () {
  this.timeout(120_000);
  let server: Server;
  let rpcUrl: string;
  let hre: HardhatRuntimeEnvironment;
  const buildDir = () => ensureSubgraphBuilt(path.join(__dirname, "probe"));

  before(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    hre = require("hardhat") as HardhatRuntimeEnvironment;
    await hre.network.provider.send("hardhat_setCode", [CONTRACT, RETURNS_42]);
    // The in-process Hardhat chain behind an HTTP JSON-RPC endpoint, like a node the runner would use.
    const app = express();
    app.use(express.json());
    // Single requests and JSON-RPC batches (the runner batches its block requests), as a node answers them.
    const answer = async ({ id, method, params }: { id: number; method: string; params: unknown[] }) => {
      try {
        return { jsonrpc: "2.0", id, result: await hre.network.provider.send(method, params) };
      } catch (error) {
        return { jsonrpc: "2.0", id, error: { code: -32000, message: (error as Error).message } };
      }
    };
    app.post("/", async (req, res) => {
      const body = req.body as Parameters<typeof answer>[0] | Parameters<typeof answer>[0][];
      res.json(Array.isArray(body) ? await Promise.all(body.map(answer)) : await answer(body));
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    const address = server.address();
    rpcUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  describe("ethereum.call", () => {
    // The mapping thread blocks while it waits for the answer, so the node must live in another thread: a minimal
    // JSON-RPC node in a worker that answers eth_call like geth (result, or error 3 "execution reverted").
    let node: Worker;
    let nodeUrl: string;
    before(async () => {
      node = new Worker(
        `
        const http = require("node:http");
        const { parentPort } = require("node:worker_threads");
        const server = http.createServer((req, res) => {
          let body = "";
          req.on("data", (c) => (body += c));
          req.on("end", () => {
            const { id, method, params } = JSON.parse(body);
            const reply = (x) => res.end(JSON.stringify({ jsonrpc: "2.0", id, ...x }));
            const [call, tag] = params;
            if (!/^(0x[0-9a-f]+|latest)$/.test(tag)) return reply({ error: { code: -32602, message: "bad block tag " + tag } });
            if (method === "eth_getCode") return reply({ result: call === "${CONTRACT}" ? "${RETURNS_42}" : "0x" });
            if (method !== "eth_call") return reply({ error: { code: -32601, message: "method not found" } });
            if (call.to === "${REVERTING}") return reply({ error: { code: 3, message: "execution reverted", data: "0x" } });
            // The selector of total(address) and a 32-byte address argument.
            if (!call.data.startsWith("0x") || call.data.length !== 2 + 8 + 64) return reply({ error: { code: -32602, message: "bad data" } });
            reply({ result: "0x" + (42).toString(16).padStart(64, "0") });
          });
        });
        server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
        `,
        { eval: true },
      );
      const port = await new Promise<number>((resolve) => node.once("message", resolve));
      nodeUrl = `http://127.0.0.1:${port}/`;
    });
    after(async () => {
      await node.terminate();
    });

    it("answers a view call synchronously at the trigger's block", async () => {
      const subgraph = loadSubgraph(buildDir());
      const rpc = new SyncRpc(nodeUrl);
      try {
        const caller = rpcCaller(rpc, subgraph, () => 12n);
        const result = caller.call({
          contractName: "Probe",
          address: CONTRACT,
          functionName: "total",
          functionSignature: "total(address):(uint256)",
          args: [{ type: "address", value: "0x00000000000000000000000000000000000000aa" }],
        });
        expect(result?.values).to.deep.equal([42n]);
        expect(caller.hasCode!(CONTRACT)).to.equal(true);
        expect(caller.hasCode!("0x0000000000000000000000000000000000000001")).to.equal(false);
      } finally {
        await rpc.close();
      }
    });

    it("returns null when the call reverts, for the mapping's try_ functions", async () => {
      const subgraph = loadSubgraph(buildDir());
      const rpc = new SyncRpc(nodeUrl);
      try {
        const caller = rpcCaller(rpc, subgraph, () => null);
        const result = caller.call({
          contractName: "Probe",
          address: REVERTING,
          functionName: "total",
          functionSignature: "total(address):(uint256)",
          args: [{ type: "address", value: "0x00000000000000000000000000000000000000aa" }],
        });
        expect(result).to.equal(null);
      } finally {
        await rpc.close();
      }
    });
  });

  describe("HTTP query API", () => {
    let runner: SubgraphRunner;

    before(async () => {
      runner = await startSubgraphRunner({
        buildDir: buildDir(),
        rpcUrl,
        port: 0,
        addresses: { Probe: { address: CONTRACT } },
      });
      await runner.sync();
    });

    after(async () => {
      await runner.stop();
    });

    const post = async (body: unknown, url = runner.url!) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        body: (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] },
      };
    };

    it("serves queries at /subgraphs/name/flexgrid with variables", async () => {
      const head = Number(await hre.network.provider.send("eth_blockNumber", []));
      const { status, body } = await post({
        query: "query($n: Int) { probes(first: $n) { id } _meta { block { number } } }",
        variables: { n: 5 },
      });
      expect(status).to.equal(200);
      expect(body).to.deep.equal({ data: { probes: [], _meta: { block: { number: head } } } });
    });

    it("answers GET requests too", async () => {
      const res = await fetch(`${runner.url}?query=${encodeURIComponent("{ owners { id } }")}`);
      expect(await res.json()).to.deep.equal({ data: { owners: [] } });
    });

    it("returns graph-node's validation error for a bad field", async () => {
      const { body } = await post({ query: "{ probes { id colour } }" });
      expect(body.errors?.map((e) => e.message)).to.deep.equal(['Cannot query field "colour" on type "Probe".']);
      expect(body.data).to.equal(undefined);
    });

    it("answers 404 for another subgraph name", async () => {
      const { status, body } = await post({ query: "{ probes { id } }" }, runner.url!.replace(/flexgrid$/, "other"));
      expect(status).to.equal(404);
      expect(body.errors?.[0].message).to.equal("subgraph `other` not found");
    });
  });
});
