// The runner against a chain over HTTP JSON-RPC: ethereum.call through the synchronous RPC worker, and indexing
// through a node that answers batches (the follower batches its block requests).
import type { Server } from "node:http";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { expect } from "chai";
import express from "express";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Hex } from "viem";
import { loadSubgraph } from "../mapping";
import { rpcCaller, startSubgraphRunner } from "../service";
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

  it("indexes through a JSON-RPC node, batching its block requests", async () => {
    const runner = await startSubgraphRunner({
      buildDir: buildDir(),
      rpcUrl,
      addresses: { Probe: { address: CONTRACT } },
    });
    try {
      const head = Number(await hre.network.provider.send("eth_blockNumber", []));
      expect(await runner.sync()).to.equal(head);
      const meta = await runner.query.execute(`{ _meta { block { number } } }`);
      expect(meta.data).to.deep.equal({ _meta: { block: { number: head } } });
    } finally {
      await runner.stop();
    }
  });
});
