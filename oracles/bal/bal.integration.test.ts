// End to end on the local chain: meter simulators → Light Nodes (sign, MQTT QoS 1, on-disk queue) → BAL (ACL,
// verify, key register TOFU, SCD, Merkle batches) → MeasurementAnchor; then proofs and signatures on chain.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt from "mqtt";
import { ethers } from "ethers";
import {
  encodePacketData,
  generateLightNodeKey,
  signSetpoint,
  podIdToBytes32,
  publicKeyXY,
  signatureRS,
  signPacket,
  topics,
  type Measurement,
  type SignedPacket,
} from "../../protocol";
import { MeterSimulator, freePort } from "../../light-node/meter-simulator/meterSimulator";
import { LightNode } from "../../light-node/client/lightNode";
import { loadOrCreateNodeKey } from "../../light-node/client/keyStore";
import { CredentialStore } from "./broker/credentials";
import { startBalService, type BalService } from "./balService";
import { certificateSchema, type Certificate } from "./certificate";
import { verifyCertificate } from "./verifyReading";
import { buildBatchTree } from "../../protocol";
import { deployBalContracts } from "./testing/chain";
import { waitFor } from "./testing/wait";
import { createLogger } from "../../protocol";
import { sha256Hex } from "./http/auth";

const PODS = ["IT002E61899978", "IT002E60976796"];
// a DSO-side service's bearer token: the personal-data routes need one (see http/auth.ts)
const SERVICE_TOKEN = "integration-test-dso-console-token";
const asDso = { headers: { authorization: `Bearer ${SERVICE_TOKEN}` } };
const silent = createLogger("test", "silent");

describe("BAL end to end (Hardhat in-process chain, embedded broker, PGlite)", function () {
  this.timeout(120_000);
  let chain: Awaited<ReturnType<typeof deployBalContracts>>;
  let bal: BalService;
  let dir: string;
  let brokerPort: number;
  const sims: MeterSimulator[] = [];
  const nodes: LightNode[] = [];
  const passwords = new Map<string, string>();
  const credentials = new CredentialStore();
  const dsoWallet = ethers.Wallet.createRandom();

  const startBal = async () =>
    startBalService({
      dataDir: path.join(dir, "bal"),
      chainId: chain.chainId,
      addresses: { lightNodeRegistry: chain.registryAddress, measurementAnchor: chain.anchorAddress },
      signer: chain.bal,
      credentials,
      broker: { port: brokerPort },
      http: { services: [{ name: "test-dso-console", tokenSha256: sha256Hex(SERVICE_TOKEN), allPods: true }] },
      anchor: { maxBatch: 40, intervalMs: 300 },
      workers: 1,
      publication: { enabled: false },
      log: silent,
    });

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "bal-e2e-"));
    chain = await deployBalContracts();
    brokerPort = await freePort();
    for (const pod of PODS) passwords.set(pod, credentials.add(pod, { role: "node", pod }));
    passwords.set("dso", credentials.add("dso", { role: "dso" }));
    bal = await startBal();
    for (const [i, pod] of PODS.entries()) {
      const sim = new MeterSimulator({ peakW: 3_000_000 * (i + 1), seed: i + 1 });
      await sim.start();
      sims.push(sim);
      const node = new LightNode(
        {
          pod,
          dataDir: path.join(dir, `ln-${pod}`),
          mqtt: {
            url: `mqtt://127.0.0.1:${brokerPort}`,
            username: pod,
            password: passwords.get(pod),
            reconnectPeriodMs: 200,
          },
          meter: { transport: "tcp", host: "127.0.0.1", port: sim.port },
          readIntervalMs: 150,
          dsoAddress: dsoWallet.address,
          ems: { kind: "modbus", link: { transport: "tcp", host: "127.0.0.1", port: sim.port } },
          probeIntervalMs: 60_000,
        },
        { logger: silent },
      );
      await node.start();
      nodes.push(node);
    }
  });

  after(async () => {
    for (const n of nodes) await n.stop();
    for (const s of sims) await s.stop();
    await bal?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function certificate(id: string) {
    const res = await fetch(`${bal.httpUrl}/readings/${id}`, asDso);
    expect(res.status).to.equal(200);
    return certificateSchema.parse(await res.json());
  }

  it("stores, batches and anchors readings of both nodes, each provable on chain", async () => {
    const anchored = await waitFor("anchored readings of both PoDs", async () => {
      const rows = await Promise.all(PODS.map((pod) => bal.store.packetsOfPod(pod, 0, Date.now() + 60_000)));
      const done = rows.map((r) => r.filter((p) => p.batch?.status === "anchored"));
      return done.every((d) => d.length >= 5) ? done.flat() : undefined;
    });
    const registry = chain.registry;
    for (const pod of PODS) expect(await registry.hasActiveKey(podIdToBytes32(pod))).to.equal(true);
    for (const p of anchored.slice(0, 6)) {
      const cert = await certificate(p.hash);
      expect(cert.batch?.status).to.equal("anchored");
      const packet = cert.packet as SignedPacket<"measurement">;
      expect(await chain.anchor.verifyReading(cert.batch!.root, packet.hash, cert.proof!)).to.equal(true);
      const { r, s } = signatureRS(packet.signature);
      const { x, y } = publicKeyXY(packet.publicKey);
      const check = await chain.anchor.checkReading(
        cert.batch!.root,
        cert.proof!,
        podIdToBytes32(packet.pod),
        encodePacketData("measurement", packet.data),
        r,
        s,
        x,
        y,
      );
      expect(check).to.equal(0n); // Valid
    }
  });

  describe("verifyCertificate (what `flexgrid verify` runs)", () => {
    let cert: Certificate;
    before(async () => {
      const anchored = (await bal.store.packetsOfPod(PODS[0]!, 0, Date.now() + 60_000)).find(
        (p) => p.batch?.status === "anchored",
      )!;
      cert = await certificate(anchored.hash);
    });
    const verify = (c: Certificate) => verifyCertificate(c, chain.hre.ethers.provider, chain.anchorAddress);

    it("passes every check for an anchored reading", async () => {
      const report = await verify(cert);
      expect(report.checks.map((c) => [c.check, c.ok])).to.deep.equal([
        ["packet", true],
        ["root-anchored", true],
        ["proof", true],
        ["key-valid-at-time", true],
        ["signature", true],
      ]);
      expect(report.ok).to.equal(true);
    });

    it("names the root when it was never anchored", async () => {
      const report = await verify({ ...cert, batch: { ...cert.batch!, root: ethers.keccak256("0x1234") } });
      expect(report.firstFailure).to.equal("root-anchored");
    });

    it("names the proof when it does not lead to the root", async () => {
      const report = await verify({ ...cert, proof: [ethers.keccak256("0x99"), ...cert.proof!.slice(1)] });
      expect(report.firstFailure).to.equal("proof");
    });

    it("names the packet and the signature when the data was changed", async () => {
      const data = { ...(cert.packet.data as Measurement), activePowerW: 1 };
      const report = await verify({ ...cert, packet: { ...cert.packet, data } });
      expect(report.firstFailure).to.equal("packet");
      expect(report.checks.find((c) => c.check === "signature")?.ok).to.equal(false);
    });

    it("names the key when a rogue key signed a reading that got anchored", async () => {
      const rogue = generateLightNodeKey();
      const packet = signPacket(
        "measurement",
        { ...(cert.packet.data as Measurement), sequence: 99_999_999 },
        rogue.privateKey,
      );
      const tree = buildBatchTree([packet.hash, cert.packet.hash]);
      await (await chain.anchor.connect(chain.bal).anchorBatch(tree.root, 1, 2, 2)).wait();
      const report = await verify({
        ...cert,
        packet,
        batch: { ...cert.batch!, root: tree.root },
        proof: tree.proofOf(packet.hash),
      });
      expect(report.firstFailure).to.equal("key-valid-at-time");
      expect(report.checks.filter((c) => !c.ok).map((c) => c.check)).to.deep.equal(["key-valid-at-time"]);
    });
  });

  it("stores each node sequence number at most once", async () => {
    for (const pod of PODS) {
      const rows = await bal.store.packetsOfPod(pod, 0, Date.now() + 60_000, ["measurement", "anomaly", "activation"]);
      const seqs = rows.map((r) => r.seq).sort((a, b) => a - b);
      expect(new Set(seqs).size).to.equal(seqs.length);
    }
  });

  describe("rejections", () => {
    let raw: mqtt.MqttClient;
    const pod = PODS[0]!;
    const rejected = async () =>
      (await (await fetch(`${bal.httpUrl}/rejections`, asDso)).json()) as { counts: Record<string, number> };
    const base = (sequence: number): Measurement => ({
      pod,
      timestampMs: Date.now(),
      sequence,
      activePowerW: 1000,
      reactivePowerVar: 0,
      importedEnergyWh: 1,
      exportedEnergyWh: 0,
      meterStatus: 0,
    });

    before(async () => {
      raw = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, {
        username: pod,
        password: passwords.get(pod),
        clientId: "rogue-1",
        reconnectPeriod: 0,
      });
    });
    after(async () => raw.endAsync(true));

    async function expectRejected(reason: string, send: () => Promise<unknown>) {
      const before = (await rejected()).counts[reason] ?? 0;
      await send();
      await waitFor(`a ${reason} rejection`, async () => ((await rejected()).counts[reason] ?? 0) > before);
    }

    it("rejects a tampered packet (hash mismatch) and a forged signature", async () => {
      const key = generateLightNodeKey();
      const good = signPacket("measurement", base(10_000_000), key.privateKey);
      await expectRejected("hash-mismatch", () =>
        raw.publishAsync(
          topics.measurements(pod),
          JSON.stringify({ ...good, data: { ...good.data, activePowerW: 1 } }),
          { qos: 1 },
        ),
      );
      const other = signPacket("measurement", { ...base(10_000_001), activePowerW: 1 }, key.privateKey);
      await expectRejected("bad-signature", () =>
        raw.publishAsync(topics.measurements(pod), JSON.stringify({ ...other, signature: good.signature }), { qos: 1 }),
      );
    });

    it("rejects a packet signed with a key not registered for the PoD", async () => {
      const rogue = generateLightNodeKey();
      await expectRejected("unknown-key", () =>
        raw.publishAsync(
          topics.measurements(pod),
          JSON.stringify(signPacket("measurement", base(10_000_002), rogue.privateKey)),
          { qos: 1 },
        ),
      );
    });

    it("rejects a replayed packet, a stale sequence, malformed and oversized payloads, and future timestamps", async () => {
      const stored = (await bal.store.packetsOfPod(pod, 0, Date.now() + 60_000))[0]!;
      const replay = {
        kind: stored.kind,
        pod: stored.pod,
        hash: stored.hash,
        signature: stored.signature,
        publicKey: stored.publicKey,
        data: stored.data,
      };
      await expectRejected("duplicate", () =>
        raw.publishAsync(topics.measurements(pod), JSON.stringify(replay), { qos: 1 }),
      );
      await expectRejected("malformed", () => raw.publishAsync(topics.measurements(pod), "{not json", { qos: 1 }));
      await expectRejected("oversized", () =>
        raw.publishAsync(topics.measurements(pod), "x".repeat(10_000), { qos: 1 }),
      );
      await expectRejected("topic-mismatch", () =>
        raw.publishAsync(topics.anomalies(pod), JSON.stringify(replay), { qos: 1 }),
      );
      // the node's own key, but a sequence number it already used, and a clock far ahead
      const nodeKey = loadOrCreateNodeKey(path.join(dir, `ln-${pod}`));
      await expectRejected("replay", () =>
        raw.publishAsync(
          topics.measurements(pod),
          JSON.stringify(signPacket("measurement", { ...base(2), activePowerW: 7 }, nodeKey.privateKey)),
          { qos: 1 },
        ),
      );
      const future = { ...base(50_000_000), timestampMs: Date.now() + 3600_000 };
      await expectRejected("timestamp-in-future", () =>
        raw.publishAsync(
          topics.measurements(pod),
          JSON.stringify(signPacket("measurement", future, nodeKey.privateKey)),
          { qos: 1 },
        ),
      );
    });

    it("refuses and counts a publication to another PoD's topic (ACL)", async () => {
      const before = (await rejected()).counts["acl-violation"] ?? 0;
      const intruder = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, {
        username: pod,
        password: passwords.get(pod),
        clientId: "rogue-2",
        reconnectPeriod: 0,
      });
      intruder.publish(topics.measurements(PODS[1]!), "{}", { qos: 1 });
      await waitFor("acl-violation counted", async () => ((await rejected()).counts["acl-violation"] ?? 0) > before);
      await intruder.endAsync(true);
    });

    it("refuses a connection with a wrong password", async () => {
      let error: unknown;
      try {
        await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, {
          username: pod,
          password: "wrong",
          reconnectPeriod: 0,
        });
      } catch (e) {
        error = e;
      }
      expect(String(error)).to.match(/Bad username or password|Not authorized/i);
    });
  });

  it("forwards a DSO-signed setpoint to the EMS and answers with a signed activation (three timestamps)", async () => {
    const node = nodes[0]!;
    const slotMs = 15 * 60_000;
    const windowStartMs = Math.floor(Date.now() / slotMs) * slotMs;
    const slots = Array.from({ length: 16 }, (_, i) => ({ pW: 1_000_000 + i, qVar: 100 + i }));
    const unsigned = {
      setpointId: ethers.keccak256("0x01") as `0x${string}`,
      pod: node.pod,
      windowStartMs,
      slots,
      dsoSentMs: Date.now(),
    };
    const dso = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, {
      username: "dso",
      password: passwords.get("dso"),
      reconnectPeriod: 0,
    });
    const activations = new Map<string, SignedPacket<"activation">>();
    node.onActivation = (p) => activations.set(p.data.setpointId, p);
    await dso.publishAsync(
      topics.setpoints(node.pod),
      JSON.stringify(await signSetpoint(unsigned, dsoWallet.privateKey as `0x${string}`)),
      { qos: 1 },
    );
    const act = await waitFor("the activation", () => activations.get(unsigned.setpointId));
    expect(act.data.outcome).to.equal("forwarded");
    expect(act.data.dsoSentMs).to.equal(unsigned.dsoSentMs);
    expect(act.data.nodeReceivedMs).to.be.at.least(unsigned.dsoSentMs);
    expect(act.data.emsReceivedMs).to.be.at.least(act.data.nodeReceivedMs);
    expect(sims[0]!.setpoint).to.include({ pW: 1_000_000, qVar: 100 });
    // the activation reaches the SCD as a certified packet
    await waitFor("activation stored", async () => (await bal.store.packet(act.hash)) !== undefined);

    const forged = await signSetpoint(
      { ...unsigned, setpointId: ethers.keccak256("0x02") as `0x${string}` },
      ethers.Wallet.createRandom().privateKey as `0x${string}`,
    );
    await dso.publishAsync(topics.setpoints(node.pod), JSON.stringify(forged), { qos: 1 });
    const rejectedAct = await waitFor("the rejection", () => activations.get(forged.setpointId));
    expect(rejectedAct.data).to.include({ outcome: "rejected", emsReceivedMs: null });
    await dso.endAsync(true);
    sims[0]!.clearSetpoint();
  });

  it("delivers every reading exactly once and in order after a broker outage (store and forward)", async () => {
    const pod = PODS[1]!;
    const before = (await bal.store.packetsOfPod(pod, 0, Date.now() + 60_000, ["measurement", "anomaly", "activation"]))
      .length;
    await bal.stop();
    const node = nodes[1]!;
    await waitFor("readings queued on disk while the broker is down", () => node.queuedCount >= 8);
    const queuedDuringOutage = node.queuedCount;
    bal = await startBal();
    await waitFor("the queue to drain", () => node.queuedCount === 0 && node.connected, 30_000);
    await bal.pipeline.idle();
    const rows = await bal.store.packetsOfPod(pod, 0, Date.now() + 60_000, ["measurement", "anomaly", "activation"]);
    expect(rows.length).to.be.at.least(before + queuedDuringOutage);
    const byId = [...rows]
      .sort((a, b) => a.id - b.id)
      .filter((r) => !(r.kind === "anomaly" && (r.data as { anomaly: string }).anomaly === "node-offline"));
    const seqs = byId.map((r) => r.seq);
    // stored in the order signed, no sequence stored twice
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).to.equal(seqs.length);
    // the outage itself was reported as a signed anomaly, and its end too
    const anomalies = rows.filter((r) => r.kind === "anomaly").map((r) => (r.data as { anomaly: string }).anomaly);
    expect(anomalies).to.include.members(["dso-link-lost", "link-restored"]);
  });

  it("publishes a 15-min summary per PoD with a gap record for a silent PoD", async () => {
    await bal.store.setLightNodeStatus({ pod: "IT002E60499620", online: false, lastSeenMs: 0 });
    const slot = Math.floor(Date.now() / 900_000) * 900_000;
    await bal.publishSlot(slot);
    const res = (await (await fetch(`${bal.httpUrl}/publications/${slot}`, asDso)).json()) as {
      pods: { pod: string; gap: boolean; payload: { readings: number } }[];
    };
    const byPod = new Map(res.pods.map((p) => [p.pod, p]));
    expect(byPod.get("IT002E60499620")?.gap).to.equal(true);
    expect(byPod.get(PODS[0]!)?.payload.readings).to.be.above(0);
  });
});
