// The BAL killed with SIGKILL while it ingests and anchors, then restarted: no reading a Light Node got a PUBACK
// for is lost, no reading is anchored twice, and every reading ends up anchored.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createLogger } from "../../protocol";
import { MeterSimulator, freePort } from "../../light-node/meter-simulator/meterSimulator";
import { LightNode } from "../../light-node/client/lightNode";
import { CredentialStore } from "./broker/credentials";
import { openPglite } from "./scd/sqlClient";
import { ScdStore } from "./scd/scdStore";
import { deployBalContracts } from "./testing/chain";
import { waitFor } from "./testing/wait";

const ROOT = path.resolve(__dirname, "..", "..");
// Hardhat's well-known account #1 (the `bal` signer of deployBalContracts)
const BAL_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const POD = "IT002E60974469";
const silent = createLogger("test", "silent");

describe("BAL crash (SIGKILL mid-batch) and restart", function () {
  this.timeout(240_000);

  it("loses no acknowledged reading and anchors none twice", async () => {
    const chain = await deployBalContracts();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { JsonRpcServer } = require("hardhat/internal/hardhat-network/jsonrpc/server") as {
      JsonRpcServer: new (c: { hostname: string; port: number; provider: unknown }) => {
        listen(): Promise<{ port: number }>;
        close(): Promise<void>;
      };
    };
    const rpcPort = await freePort();
    const rpc = new JsonRpcServer({ hostname: "127.0.0.1", port: rpcPort, provider: chain.hre.network.provider });
    await rpc.listen();

    const dir = mkdtempSync(path.join(os.tmpdir(), "bal-crash-"));
    const deployments = path.join(dir, "deployments");
    mkdirSync(deployments);
    writeFileSync(
      path.join(deployments, "crash.json"),
      JSON.stringify({
        network: "crash",
        chainId: chain.chainId,
        deployer: chain.admin.address,
        contracts: {
          LightNodeRegistry: { address: chain.registryAddress, blockNumber: 0 },
          MeasurementAnchor: { address: chain.anchorAddress, blockNumber: 0 },
        },
        accounts: {},
      }),
    );
    const credentials = new CredentialStore();
    const password = credentials.add(POD, { role: "node", pod: POD });
    credentials.save(path.join(dir, "data", "bal", "mqtt-credentials.json"));
    const [mqttPort, balPort] = [await freePort(), await freePort()];
    const env = {
      ...process.env,
      RPC_URL: `http://127.0.0.1:${rpcPort}`,
      BAL_ANCHOR_PRIVATE_KEY: BAL_KEY,
      NETWORK: "crash",
      FLEXGRID_DEPLOYMENTS_DIR: deployments,
      FLEXGRID_DATA_DIR: path.join(dir, "data"),
      MQTT_PORT: String(mqttPort),
      BAL_PORT: String(balPort),
      BAL_BATCH_MAX: "7",
      BAL_ANCHOR_INTERVAL_MS: "50",
      BAL_TX_TIMEOUT_MS: "5000",
      LOG_LEVEL: "silent",
      MQTT_URL: "",
      DATABASE_URL: "",
      BAL_DATABASE: "pglite", // this test reads the SCD back from PGlite (a local PostgreSQL would be chosen first)
    };
    const startBal = async (): Promise<ChildProcess> => {
      const child = spawn(
        process.execPath,
        [path.join(ROOT, "bin", "run.js"), path.join(ROOT, "oracles", "bal", "main.ts")],
        { env, stdio: ["ignore", "pipe", "pipe"] },
      );
      let err = "";
      child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on("data", (d: Buffer) => d.toString().includes("BAL ready") && resolve());
        child.once("exit", (code) => reject(new Error(`BAL exited with ${code}: ${err}`)));
      });
      return child;
    };
    const stats = async () =>
      (await (await fetch(`http://127.0.0.1:${balPort}/stats`)).json()) as {
        ingest: { accepted: number };
        scd: { total: number; unbatched: number; pendingBatches: number; anchoredBatches: number };
      };

    const sim = new MeterSimulator({ peakW: 4_000_000 });
    await sim.start();
    const node = new LightNode(
      {
        pod: POD,
        dataDir: path.join(dir, "node"),
        mqtt: { url: `mqtt://127.0.0.1:${mqttPort}`, username: POD, password, reconnectPeriodMs: 100 },
        meter: { transport: "tcp", host: "127.0.0.1", port: sim.port },
        readIntervalMs: 40,
        dsoAddress: chain.dso.address,
        probeIntervalMs: 60_000,
      },
      { logger: silent },
    );
    // every packet the node signed, in order (the last will is armed separately and not counted here)
    const signed: string[] = [];
    const emit = node.emit.bind(node);
    node.emit = ((kind, fields) => {
      const p = emit(kind, fields);
      signed.push(p.hash);
      return p;
    }) as typeof node.emit;

    let child = await startBal();
    try {
      await node.start();
      await waitFor("a few anchored batches", async () => (await stats()).scd.anchoredBatches >= 3, 60_000);
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      await waitFor("readings queued while the BAL is down", () => node.queuedCount >= 10, 30_000);
      child = await startBal();
      await waitFor("a few more batches", async () => (await stats()).scd.anchoredBatches >= 6, 60_000);
      // no more readings (the meter goes away: one anomaly), then let the queue drain
      await sim.stop();
      await waitFor(
        "everything stored and anchored",
        async () => {
          const s = await stats();
          return node.queuedCount === 0 && s.scd.unbatched === 0 && s.scd.pendingBatches === 0;
        },
        60_000,
      );
    } finally {
      await node.stop();
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      await sim.stop();
    }

    const store = await ScdStore.open(await openPglite(path.join(dir, "data", "bal", "scd")));
    const stored = await store.packetsOfPod(POD, 0, Date.now() + 60_000, ["measurement", "anomaly", "activation"]);
    const storedHashes = new Set(stored.map((p) => p.hash));
    // every packet the node signed was acknowledged (its queue is empty), so every one must be stored
    expect(signed.filter((h) => !storedHashes.has(h))).to.deep.equal([]);
    expect(stored.every((p) => p.batch?.status === "anchored")).to.equal(true);
    // one chain batch per SCD batch, each root anchored once, each packet in exactly one batch
    const batches = await store.batches(10_000);
    expect(Number(await chain.anchor.batchCount())).to.equal(batches.length);
    expect(new Set(batches.map((b) => b.chainBatchId)).size).to.equal(batches.length);
    expect(batches.reduce((n, b) => n + b.count, 0)).to.equal((await store.countPackets()).total);
    await store.close();
    await rpc.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
