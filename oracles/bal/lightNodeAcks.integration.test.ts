// The Light Node against a BAL ingest (embedded broker, pipeline, in-memory SCD, no chain): its queue's cursor moves
// only on the BAL's application-level acknowledgement, so a reading is stored, or kept with the BAL's reason for an
// operator, or sent again; never dropped because the broker said PUBACK.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ethers } from "ethers";
import { createLogger } from "../../protocol";
import { AckPublisher, ingestWithAcks } from "./broker/ackPublisher";
import { CredentialStore } from "./broker/credentials";
import { startEmbeddedBroker, type EmbeddedBroker } from "./broker/embeddedBroker";
import { DEFAULT_LIMITS, IngestPipeline } from "./ingest/ingestPipeline";
import { InMemoryKeyRegister } from "./ingest/keyRegister";
import { inlineVerifier } from "./ingest/verifyPool";
import { openPglite } from "./scd/sqlClient";
import { ScdStore } from "./scd/scdStore";
import { waitFor } from "./testing/wait";
import { MeterSimulator } from "../../light-node/meter-simulator/meterSimulator";
import { LightNode } from "../../light-node/client/lightNode";

const POD = "IT002E61899978";
const silent = createLogger("test", "silent");

describe("Light Node delivery (application-level acknowledgement)", function () {
  this.timeout(60_000);
  let dir: string;
  let store: ScdStore;
  let broker: EmbeddedBroker;
  let sim: MeterSimulator;
  let node: LightNode;
  let balOffsetMs = 0;
  let nodeOffsetMs = 0;

  beforeEach(async () => {
    balOffsetMs = 0;
    nodeOffsetMs = 0;
    dir = mkdtempSync(path.join(os.tmpdir(), "ln-acks-"));
    store = await ScdStore.open(await openPglite());
    const pipeline = new IngestPipeline(
      store,
      inlineVerifier(),
      new InMemoryKeyRegister(true),
      silent,
      DEFAULT_LIMITS,
      () => Date.now() + balOffsetMs,
    );
    await pipeline.start();
    const credentials = new CredentialStore();
    const password = credentials.add(POD, { role: "node", pod: POD });
    const acks = new AckPublisher((topic, payload) => broker.publish(topic, payload), silent);
    broker = await startEmbeddedBroker({
      credentials,
      ingest: ingestWithAcks(pipeline, acks),
      onAclViolation: () => {},
    });
    sim = new MeterSimulator({ peakW: 3_000_000 });
    await sim.start();
    node = new LightNode(
      {
        pod: POD,
        dataDir: path.join(dir, "node"),
        mqtt: { url: broker.url, username: POD, password, reconnectPeriodMs: 100 },
        meter: { transport: "tcp", host: "127.0.0.1", port: sim.port },
        readIntervalMs: 60_000,
        dsoAddress: ethers.Wallet.createRandom().address,
        probeIntervalMs: 60_000,
        ackTimeoutMs: 1000,
        retryDelayMs: 200,
      },
      { logger: silent, clock: () => Date.now() + nodeOffsetMs },
    );
  });
  afterEach(async () => {
    await node.stop();
    await sim.stop();
    await broker.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const storedHashes = async () =>
    new Set(
      (await store.packetsOfPod(POD, 0, Date.now() + 3600_000, ["measurement", "anomaly", "activation"])).map(
        (p) => p.hash,
      ),
    );

  it("sends again the readings of a flush the SCD failed to store, even after later ones were stored", async () => {
    const insert = store.insertPackets.bind(store);
    let calls = 0;
    store.insertPackets = (rows) => (++calls === 2 ? Promise.reject(new Error("SCD connection lost")) : insert(rows));
    await node.start();
    const signed: string[] = [];
    for (let i = 0; i < 12; i++) {
      const p = await node.readOnce();
      if (p) signed.push(p.hash);
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor("the queue to drain", () => node.queuedCount === 0);
    expect(calls).to.be.greaterThan(2);
    const stored = await storedHashes();
    expect(signed.filter((h) => !stored.has(h))).to.deep.equal([]);
    expect(node.refusedPackets()).to.deep.equal([]);
  });

  it("keeps a reading the BAL refused for good, with its reason, and goes on with the next ones", async () => {
    await node.start();
    const first = (await node.readOnce())!;
    await waitFor("the first reading stored", async () => (await storedHashes()).has(first.hash));
    nodeOffsetMs = -DEFAULT_LIMITS.maxAgeMs - 60_000; // a reading dated before the backlog bound
    const old = (await node.readOnce())!;
    nodeOffsetMs = 0;
    const next = (await node.readOnce())!;
    await waitFor("the queue to drain", () => node.queuedCount === 0);
    const refused = node.refusedPackets();
    expect(refused.map((r) => [r.packet.hash, r.reason])).to.deep.equal([[old.hash, "timestamp-too-old"]]);
    expect(node.stats.refused).to.equal(1);
    expect((await storedHashes()).has(next.hash)).to.equal(true);
  });

  it("sends again later a reading the BAL asked to retry (its clock was behind) until it is stored", async () => {
    balOffsetMs = -5 * 60_000; // the BAL sees the node's readings 5 minutes in the future
    await node.start();
    const early = (await node.readOnce())!;
    await waitFor("the reading sent again after a retry answer", () => node.stats.resent > 0);
    expect((await storedHashes()).has(early.hash)).to.equal(false);
    expect(node.queuedCount).to.be.at.least(1);
    balOffsetMs = 0;
    await waitFor("the reading stored after a retry", async () => (await storedHashes()).has(early.hash));
    await waitFor("the queue to drain", () => node.queuedCount === 0);
    expect(node.refusedPackets()).to.deep.equal([]);
  });
});
