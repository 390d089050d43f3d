// The BAL benchmark's simulated Light Nodes, in their own process so the BAL process is what is measured: one MQTT
// connection per node (the broker's ACL binds a connection to its PoD), pre-signed payloads received from the
// parent, QoS 1 with a window of unacknowledged publishes per node. Driven over IPC by ingest.bench.ts.
import mqtt, { type MqttClient } from "mqtt";

export interface PublisherNode {
  username: string;
  password: string;
  clientId: string;
  topic: string;
  payloads: string[];
}

export type ToPublisher = { type: "connect"; url: string; nodes: PublisherNode[]; window: number } | { type: "go" };
export type FromPublisher =
  | { type: "connected" }
  | { type: "done"; acked: number; elapsedMs: number; cpuUserMs: number; cpuSystemMs: number }
  | { type: "failed"; error: string };

const send = (m: FromPublisher) => process.send?.(m);
let clients: MqttClient[] = [];
let nodes: PublisherNode[] = [];
let window = 64;

function publishAll(client: MqttClient, node: PublisherNode): Promise<number> {
  const list = node.payloads;
  let next = 0;
  let acked = 0;
  return new Promise((resolve, reject) => {
    let inflight = 0;
    const onAck = (err?: Error) => {
      if (err) return reject(err);
      inflight--;
      acked++;
      if (next >= list.length && inflight === 0) resolve(acked);
      else pump();
    };
    const pump = () => {
      while (inflight < window && next < list.length) {
        inflight++;
        client.publish(node.topic, list[next++]!, { qos: 1 }, onAck);
      }
    };
    if (list.length === 0) resolve(0);
    else pump();
  });
}

process.on("message", (m: ToPublisher) => {
  void (async () => {
    if (m.type === "connect") {
      nodes = m.nodes;
      window = m.window;
      clients = await Promise.all(
        nodes.map((n) =>
          mqtt.connectAsync(m.url, {
            username: n.username,
            password: n.password,
            clientId: n.clientId,
            reconnectPeriod: 0,
          }),
        ),
      );
      send({ type: "connected" });
    } else {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const counts = await Promise.all(clients.map((c, i) => publishAll(c, nodes[i]!)));
      const elapsedMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      send({
        type: "done",
        acked: counts.reduce((a, b) => a + b, 0),
        elapsedMs,
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
      });
      await Promise.all(clients.map((c) => c.endAsync(true)));
      process.exit(0);
    }
  })().catch((error: Error) => {
    send({ type: "failed", error: error.message });
    process.exit(1);
  });
});
