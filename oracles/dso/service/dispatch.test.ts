// Setpoint dispatch after a restart: acks the BAL stored in the SCD (embedded PGlite) while the dispatcher was down
// are recovered; a stored activation that does not parse fails naming the packet.
import { expect } from "chai";
import net from "node:net";
import { Aedes } from "aedes";
import mqtt, { type MqttClient } from "mqtt";
import {
  createLogger,
  generateLightNodeKey,
  setpointMessageSchema,
  signPacket,
  SLOT_MS,
  topics,
} from "../../../protocol";
import { ScdStore } from "../../bal/scd/scdStore";
import { openPglite, openPostgres, type SqlClient } from "../../bal/scd/sqlClient";
import { reachable, TEST_DATABASE_URL, TEST_MQTT_URL } from "../../bal/testing/reachable";
import { buildSetpoints, signSetpoints } from "../core/setpoints";
import { SetpointDispatcher } from "./dispatch";

const log = createLogger("dso-dispatch-test", "silent");
const DSO_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;
const DAY_START_MS = Date.parse("2021-06-22T22:00:00.000Z");

/** A broker stand-in that records what is published. */
function recordingClient() {
  const published: { topic: string; payload: string }[] = [];
  const client = {
    publishAsync: async (topic: string, payload: string) => {
      published.push({ topic, payload });
    },
  } as unknown as MqttClient;
  return { client, published };
}

async function setpoints(session = 1n) {
  return signSetpoints(
    buildSetpoints({
      dayStartMs: DAY_START_MS,
      firstSlot: 48,
      outcomes: [
        { pod: "IT002E61899978", slot: 50, direction: "down", quantityKw: 1000 },
        { pod: "IT002E60550189", slot: 50, direction: "up", quantityKw: 157 },
      ],
      baselinesKw: { IT002E61899978: Array(96).fill(2278.545), IT002E60550189: Array(96).fill(70.38) },
      cosPhi: { IT002E61899978: 0.9, IT002E60550189: 0.9 },
      sentMs: DAY_START_MS + 47 * SLOT_MS,
      session,
    }),
    DSO_KEY,
  );
}

function recoversAcksFromScd(open: () => Promise<SqlClient>) {
  let store: ScdStore;
  beforeEach(async function () {
    store = await ScdStore.open(await open());
  });
  afterEach(async function () {
    await store.close();
  });

  it("takes the acks the BAL stored while the dispatcher was down, and still alarms for the silent node", async function () {
    const messages = await setpoints();
    const { client, published } = recordingClient();
    const sentMs = DAY_START_MS + 47 * SLOT_MS;
    const dispatcher = new SetpointDispatcher(client, { log, ackTimeoutMs: 60_000 });
    expect(await dispatcher.publish(messages, sentMs)).to.equal(2);
    expect(published.map((p) => p.topic)).to.deep.equal([
      "flexgrid/IT002E60550189/setpoints",
      "flexgrid/IT002E61899978/setpoints",
    ]);
    const mostacciano = messages.find((m) => m.pod === "IT002E61899978")!;
    const key = generateLightNodeKey();
    const activation = signPacket(
      "activation",
      {
        pod: mostacciano.pod,
        timestampMs: sentMs + 900,
        sequence: 5,
        setpointId: mostacciano.setpointId,
        dsoSentMs: mostacciano.dsoSentMs,
        nodeReceivedMs: sentMs + 300,
        emsReceivedMs: sentMs + 800,
        outcome: "forwarded",
      },
      key.privateKey,
    );
    await store.insertPackets([
      {
        hash: activation.hash,
        kind: "activation",
        pod: activation.pod,
        seq: 5,
        timestampMs: sentMs + 900,
        publicKey: activation.publicKey,
        signature: activation.signature,
        data: activation.data,
        receivedMs: sentMs + 950,
      },
    ]);
    expect(await dispatcher.recoverAcksFromScd(store, sentMs + 5_000)).to.equal(1);
    expect(await dispatcher.recoverAcksFromScd(store, sentMs + 5_000)).to.equal(0);
    const acked = dispatcher.status().find((r) => r.pod === "IT002E61899978")!;
    expect(acked.ack).to.deep.equal({
      nodeReceivedMs: sentMs + 300,
      emsReceivedMs: sentMs + 800,
      outcome: "forwarded",
    });
    expect(dispatcher.checkAcks(sentMs + 61_000).map((a) => a.pod)).to.deep.equal(["IT002E60550189"]);
  });

  it("skips and reports a stored activation that does not parse, and still recovers the others", async function () {
    const messages = await setpoints();
    const sentMs = DAY_START_MS + 47 * SLOT_MS;
    const malformed: { message: string; pod: string }[] = [];
    const dispatcher = new SetpointDispatcher(recordingClient().client, {
      log,
      onMalformedActivation: (error, pod) => malformed.push({ message: error.message, pod }),
    });
    await dispatcher.publish(messages, sentMs);
    const mostacciano = messages.find((m) => m.pod === "IT002E61899978")!;
    const good = signPacket(
      "activation",
      {
        pod: mostacciano.pod,
        timestampMs: sentMs + 30,
        sequence: 2,
        setpointId: mostacciano.setpointId,
        dsoSentMs: mostacciano.dsoSentMs,
        nodeReceivedMs: sentMs + 10,
        emsReceivedMs: null,
        outcome: "forwarded",
      },
      generateLightNodeKey().privateKey,
    );
    await store.insertPackets([
      {
        hash: `0x${"ab".repeat(32)}`,
        kind: "activation",
        pod: "IT002E60550189",
        seq: 1,
        timestampMs: sentMs + 10,
        publicKey: `0x04${"11".repeat(64)}`,
        signature: `0x${"22".repeat(64)}`,
        data: { pod: "IT002E60550189", setpointId: "not-a-hash" },
        receivedMs: sentMs + 20,
      },
      {
        hash: good.hash,
        kind: "activation",
        pod: good.pod,
        seq: 2,
        timestampMs: sentMs + 30,
        publicKey: good.publicKey,
        signature: good.signature,
        data: good.data,
        receivedMs: sentMs + 40,
      },
    ]);
    expect(await dispatcher.recoverAcksFromScd(store, sentMs + 1_000)).to.equal(1);
    expect(malformed).to.have.length(1);
    expect(malformed[0].pod).to.equal("IT002E60550189");
    expect(malformed[0].message).to.match(/malformed SCD activation packet \d+ of IT002E60550189: .*setpointId/);
    expect(dispatcher.status().find((r) => r.pod === "IT002E61899978")!.ack).to.deep.include({ outcome: "forwarded" });
  });
}

describe("SetpointDispatcher.recoverAcksFromScd (embedded PGlite)", function () {
  recoversAcksFromScd(() => openPglite());
});

describe("SetpointDispatcher.recoverAcksFromScd (PostgreSQL, when reachable)", function () {
  const schemas: string[] = [];
  before(async function () {
    if (!(await reachable("127.0.0.1", 5432))) this.skip();
  });
  after(async function () {
    if (schemas.length === 0) return;
    const admin = await openPostgres(TEST_DATABASE_URL);
    for (const schema of schemas) await admin.exec(`drop schema if exists ${schema} cascade`);
    await admin.close();
  });
  recoversAcksFromScd(() => {
    const schema = `dso_test_${process.pid}_${schemas.length}`;
    schemas.push(schema);
    return openPostgres(TEST_DATABASE_URL, schema);
  });
});

/** A Light Node for IT002E61899978 that acks every setpoint it receives; the other PoD has none. */
function dispatchesOverBroker(url: () => string) {
  it("publishes each setpoint once, records the node's signed ack and alarms for the silent node", async function () {
    const dso = await mqtt.connectAsync(url());
    const node = await mqtt.connectAsync(url());
    try {
      const alarms: string[] = [];
      const dispatcher = new SetpointDispatcher(dso, { log, ackTimeoutMs: 2000, onAlarm: (a) => alarms.push(a.pod) });
      await dispatcher.start();
      const key = generateLightNodeKey();
      node.on("message", (_topic, payload) => {
        const m = setpointMessageSchema.parse(JSON.parse(payload.toString()));
        const ack = signPacket(
          "activation",
          {
            pod: m.pod,
            timestampMs: m.dsoSentMs + 50,
            sequence: 1,
            setpointId: m.setpointId,
            dsoSentMs: m.dsoSentMs,
            nodeReceivedMs: m.dsoSentMs + 10,
            emsReceivedMs: m.dsoSentMs + 40,
            outcome: "forwarded",
          },
          key.privateKey,
        );
        void node.publishAsync(topics.activations(m.pod), JSON.stringify(ack), { qos: 1 });
      });
      await node.subscribeAsync(topics.setpoints("IT002E61899978"), { qos: 1 });
      // A session number of its own, so runs sharing a real broker never mix their setpoints.
      const messages = await setpoints(BigInt(Date.now()));
      const t0 = Date.now();
      expect(await dispatcher.publish(messages, t0)).to.equal(2);
      expect(await dispatcher.publish(messages, t0)).to.equal(0);
      const deadline = Date.now() + 5000;
      while (!dispatcher.status().some((r) => r.ack) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(dispatcher.status().find((r) => r.pod === "IT002E61899978")!.ack).to.include({ outcome: "forwarded" });
      expect(dispatcher.checkAcks(t0 + 2500).map((a) => a.pod)).to.deep.equal(["IT002E60550189"]);
      expect(alarms).to.deep.equal(["IT002E60550189"]);
      await dispatcher.stop();
    } finally {
      await dso.endAsync();
      await node.endAsync();
    }
  });
}

describe("SetpointDispatcher over MQTT (embedded aedes)", function () {
  let broker: Aedes;
  let server: net.Server;
  let port = 0;
  before(async function () {
    broker = await Aedes.createBroker();
    server = net.createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  after(async function () {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    server.close();
  });
  dispatchesOverBroker(() => `mqtt://127.0.0.1:${port}`);
});

describe("SetpointDispatcher over MQTT (Mosquitto, when reachable)", function () {
  before(async function () {
    const { hostname, port } = new URL(TEST_MQTT_URL);
    if (!(await reachable(hostname, Number(port || 1883)))) this.skip();
  });
  dispatchesOverBroker(() => TEST_MQTT_URL);
});
