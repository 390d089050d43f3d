// The BAL against the machine's real services, when reachable: Mosquitto (127.0.0.1:1883) for MQTT and
// PostgreSQL (127.0.0.1:5432, db `test`) for the SCD; then two BAL instances sharing the load through an MQTT
// shared subscription ($share/...) with no reading processed twice.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt from "mqtt";
import { createLogger, generateLightNodeKey, signPacket, topics, type Measurement } from "../../protocol";
import { MeterSimulator } from "../../light-node/meter-simulator/meterSimulator";
import { LightNode } from "../../light-node/client/lightNode";
import { startBalService, type BalService } from "./balService";
import { certificateOf } from "./certificate";
import { openPostgres } from "./scd/sqlClient";
import { verifyCertificate } from "./verifyReading";
import { deployBalContracts } from "./testing/chain";
import { reachable, TEST_DATABASE_URL, TEST_MQTT_URL } from "./testing/reachable";
import { waitFor } from "./testing/wait";

const silent = createLogger("test", "silent");
// PoD ids unique to this run: the broker is shared with whatever else runs on this machine
const tag = `${process.pid % 100000}${Date.now() % 1000}`;

describe("BAL on Mosquitto and PostgreSQL (when reachable)", function () {
  this.timeout(180_000);
  let chain: Awaited<ReturnType<typeof deployBalContracts>>;
  let dir: string;

  before(async function () {
    if (!(await reachable("127.0.0.1", 1883)) || !(await reachable("127.0.0.1", 5432))) this.skip();
    chain = await deployBalContracts();
    dir = mkdtempSync(path.join(os.tmpdir(), "bal-services-"));
  });
  after(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("ingests Light Node readings from Mosquitto into PostgreSQL and anchors them verifiably", async () => {
    const schema = `bal_it_${tag}`;
    const bal = await startBalService({
      databaseUrl: TEST_DATABASE_URL,
      databaseSchema: schema,
      chainId: chain.chainId,
      addresses: { lightNodeRegistry: chain.registryAddress, measurementAnchor: chain.anchorAddress },
      signer: chain.bal,
      mqtt: { url: TEST_MQTT_URL, clientId: `bal-it-${tag}`, cleanSession: true },
      anchor: { maxBatch: 20, intervalMs: 300 },
      workers: 1,
      publication: { enabled: false },
      log: silent,
    });
    const pod = `ITMQ${tag}`;
    const sim = new MeterSimulator({ peakW: 2_000_000 });
    await sim.start();
    const node = new LightNode(
      {
        pod,
        dataDir: path.join(dir, pod),
        mqtt: { url: TEST_MQTT_URL, reconnectPeriodMs: 200 },
        meter: { transport: "tcp", host: "127.0.0.1", port: sim.port },
        readIntervalMs: 100,
        dsoAddress: chain.dso.address,
        probeIntervalMs: 60_000,
      },
      { logger: silent },
    );
    try {
      await node.start();
      const anchored = await waitFor("anchored readings", async () => {
        const rows = (await bal.store.packetsOfPod(pod, 0, Date.now() + 60_000)).filter(
          (p) => p.batch?.status === "anchored",
        );
        return rows.length >= 5 ? rows : undefined;
      });
      expect(bal.store.db.kind).to.equal("postgres");
      const report = await verifyCertificate(
        certificateOf(anchored[0]!, {
          chainId: chain.chainId,
          measurementAnchor: chain.anchorAddress,
          lightNodeRegistry: chain.registryAddress,
        }),
        chain.hre.ethers.provider,
        chain.anchorAddress,
      );
      expect(report.ok, JSON.stringify(report.checks)).to.equal(true);
    } finally {
      await node.stop();
      await sim.stop();
      await bal.stop();
      const admin = await openPostgres(TEST_DATABASE_URL);
      await admin.exec(`drop schema if exists ${schema} cascade`);
      await admin.close();
    }
  });

  it("splits readings between two BAL instances on one shared subscription, none processed twice", async () => {
    const group = `bal${tag}`;
    const start = (i: number) =>
      startBalService({
        inMemoryDb: true,
        chainId: chain.chainId,
        addresses: { lightNodeRegistry: chain.registryAddress, measurementAnchor: chain.anchorAddress },
        signer: chain.bal,
        mqtt: { url: TEST_MQTT_URL, clientId: `bal-share-${tag}-${i}`, shareGroup: group, cleanSession: true },
        anchor: { maxBatch: 1000, intervalMs: 60_000 },
        workers: 0,
        publication: { enabled: false },
        log: silent,
      });
    const instances: BalService[] = [await start(1), await start(2)];
    const pods = [`ITSH${tag}A`, `ITSH${tag}B`];
    const publisher = await mqtt.connectAsync(TEST_MQTT_URL, { reconnectPeriod: 0 });
    try {
      const perPod = 100;
      // A node's readings move forward in time (the BAL refuses a timestamp that does not): one second apart, as
      // a node catching up on its backlog sends them.
      const firstMs = Date.now() - perPod * 1000;
      for (const pod of pods) {
        const key = generateLightNodeKey();
        for (let seq = 1; seq <= perPod; seq++) {
          const data: Measurement = {
            pod,
            timestampMs: firstMs + seq * 1000,
            sequence: seq,
            activePowerW: seq,
            reactivePowerVar: 0,
            importedEnergyWh: seq,
            exportedEnergyWh: 0,
            meterStatus: 0,
          };
          await publisher.publishAsync(
            topics.measurements(pod),
            JSON.stringify(signPacket("measurement", data, key.privateKey)),
            { qos: 1 },
          );
        }
      }
      const mine = async (b: BalService) =>
        (await Promise.all(pods.map((p) => b.store.packetsOfPod(p, 0, Date.now() + 60_000)))).flat().map((r) => r.hash);
      // Up to a minute: each instance registers the node's key on chain before it stores (both race to do it, and
      // the loser's readings are answered "retry" until it sees the key), which took 14-25 s here.
      const [a, b] = await waitFor(
        "every reading stored by one instance or the other",
        async () => {
          const sets = await Promise.all(instances.map(mine));
          return sets[0]!.length + sets[1]!.length >= pods.length * perPod ? sets : undefined;
        },
        60_000,
      );
      expect(a!.length + b!.length).to.equal(pods.length * perPod);
      expect(a!.filter((h) => b!.includes(h))).to.deep.equal([]);
      expect(a!.length, "instance 1 got a share").to.be.above(0);
      expect(b!.length, "instance 2 got a share").to.be.above(0);
    } finally {
      await publisher.endAsync(true);
      for (const i of instances) await i.stop();
    }
  });
});
