// The BAL benchmark's simulated Light Nodes, in their own process so the BAL process is what is measured: one MQTT
// connection per node (the broker's ACL binds a connection to its PoD), pre-signed payloads received from the
// parent, QoS 1 with a window of unacknowledged publishes per node. Driven over IPC by ingest.bench.ts.
// The nodes speak MQTT 3.1.1 on raw sockets with every PUBLISH encoded before the clock starts, and write the next
// packets in one burst per batch of PUBACKs: mqtt.js cost ~35 µs of CPU per publish on the same two cores as the
// BAL, which real Light Nodes (each on its own device) do not take from it.
import net from "node:net";

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

/** MQTT's variable-length "remaining length". */
function remainingLength(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}

const utf8Field = (s: string) => {
  const b = Buffer.from(s, "utf8");
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
};

function connectPacket(n: PublisherNode): Buffer {
  // protocol "MQTT" level 4; flags: username, password, clean session; keep-alive 60 s
  const header = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0xc2, 0x00, 0x3c]);
  const body = Buffer.concat([header, utf8Field(n.clientId), utf8Field(n.username), utf8Field(n.password)]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

function publishPacket(topic: Buffer, packetId: number, payload: Buffer): Buffer {
  const id = Buffer.from([packetId >> 8, packetId & 0xff]);
  const length = topic.length + 2 + payload.length;
  return Buffer.concat([Buffer.from([0x32]), remainingLength(length), topic, id, payload]); // PUBLISH, QoS 1
}

interface Connection {
  socket: net.Socket;
  packets: Buffer[];
  /** bytes of an incomplete PUBACK carried to the next chunk */
  partial: number;
}

let connections: Connection[] = [];
let window = 64;

async function connectNode(url: URL, node: PublisherNode): Promise<Connection> {
  const topic = utf8Field(node.topic);
  // packet ids cycle through 1..65535; at most `window` are in flight, so none is reused while unacknowledged
  const packets = node.payloads.map((p, i) => publishPacket(topic, (i % 65535) + 1, Buffer.from(p, "utf8")));
  const socket = net.connect(Number(url.port), url.hostname);
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.once("connect", () => socket.write(connectPacket(node)));
    socket.once("data", (d: Buffer) => {
      // CONNACK: 0x20 0x02 <session present> <return code>
      if (d.length < 4 || d[0] !== 0x20 || d[3] !== 0)
        reject(new Error(`${node.username}: CONNACK ${d.toString("hex")}`));
      else resolve();
    });
  });
  return { socket, packets, partial: 0 };
}

function publishAll(c: Connection): Promise<number> {
  const { socket, packets } = c;
  let next = 0;
  let acked = 0;
  return new Promise((resolve, reject) => {
    const burst = (n: number) => {
      const end = Math.min(packets.length, next + n);
      if (end > next) socket.write(end - next === 1 ? packets[next]! : Buffer.concat(packets.slice(next, end)));
      next = end;
    };
    socket.on("data", (d: Buffer) => {
      // only PUBACKs (0x40 0x02 id id) come back on a connection that subscribes to nothing
      const bytes = c.partial + d.length;
      const n = Math.floor(bytes / 4);
      c.partial = bytes % 4;
      acked += n;
      if (acked >= packets.length) return resolve(acked);
      burst(n);
    });
    socket.once("close", () => acked < packets.length && reject(new Error(`connection closed after ${acked} PUBACKs`)));
    socket.once("error", reject);
    if (packets.length === 0) resolve(0);
    else burst(window);
  });
}

process.on("message", (m: ToPublisher) => {
  void (async () => {
    if (m.type === "connect") {
      window = m.window;
      const url = new URL(m.url);
      connections = await Promise.all(m.nodes.map((n) => connectNode(url, n)));
      send({ type: "connected" });
    } else {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const counts = await Promise.all(connections.map(publishAll));
      const elapsedMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      send({
        type: "done",
        acked: counts.reduce((a, b) => a + b, 0),
        elapsedMs,
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
      });
      for (const c of connections) c.socket.end(Buffer.from([0xe0, 0x00])); // DISCONNECT
      setTimeout(() => process.exit(0), 200);
    }
  })().catch((error: Error) => {
    send({ type: "failed", error: error.message });
    process.exit(1);
  });
});
