// Embedded MQTT broker (aedes) for the BAL: per-device credentials, the topic ACL, and ingest inside
// authorizePublish — aedes sends the QoS 1 PUBACK only after that hook returns, so a Light Node's packet is
// acknowledged only once the BAL has stored (or rejected) it.
import net from "node:net";
import { Aedes, type Client } from "aedes";
import { parseTopic } from "../../../protocol";
import { mayPublish, maySubscribe, type CredentialStore, type Principal } from "./credentials";

const INGEST_CHANNELS = new Set(["measurements", "anomalies", "activations"]);

export interface EmbeddedBrokerOptions {
  host?: string;
  /** 0 = a free port */
  port?: number;
  credentials: CredentialStore;
  /** Stores/rejects a node's packet; the PUBACK waits for it. A throw (SCD down) refuses the publish. */
  ingest(topic: string, payload: Buffer): Promise<unknown>;
  onAclViolation(info: { username?: string; topic: string; action: "publish" | "subscribe" }): void;
}

export interface EmbeddedBroker {
  url: string;
  port: number;
  broker: Aedes;
  /** Publishes from the broker itself (QoS 1), e.g. the BAL's acknowledgements to a node. */
  publish(topic: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

type ClientWithPrincipal = Client & { principal?: Principal; username?: string };

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const principal = opts.credentials.authenticate(username, password);
      if (!principal) {
        const error = Object.assign(new Error("bad username or password"), { returnCode: 4 as const });
        return done(error, false);
      }
      (client as ClientWithPrincipal).principal = principal;
      (client as ClientWithPrincipal).username = username;
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      if (!client) return done(null); // the broker's own publications
      const c = client as ClientWithPrincipal;
      if (!c.principal || !mayPublish(c.principal, packet.topic)) {
        opts.onAclViolation({ username: c.username, topic: packet.topic, action: "publish" });
        return done(new Error(`not authorised to publish to ${packet.topic}`));
      }
      let channel: string | undefined;
      try {
        channel = parseTopic(packet.topic).channel;
      } catch {
        channel = undefined;
      }
      if (c.principal.role !== "node" || !channel || !INGEST_CHANNELS.has(channel)) return done(null);
      // the PUBACK waits for the SCD; a failure is still PUBACKed: the node was told "retry" on its acks topic and
      // keeps the packet until the BAL acknowledges it (refusing the publish would only drop the connection)
      opts.ingest(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload)).then(
        () => done(null),
        () => done(null),
      );
    },
    authorizeSubscribe(client, subscription, done) {
      const c = client as ClientWithPrincipal;
      if (!c.principal || !maySubscribe(c.principal, subscription.topic)) {
        opts.onAclViolation({ username: c.username, topic: subscription.topic, action: "subscribe" });
        return done(new Error(`not authorised to subscribe to ${subscription.topic}`));
      }
      done(null, subscription);
    },
  });
  const server = net.createServer(broker.handle);
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const sockets = new Set<net.Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return {
    url: `mqtt://${host}:${port}`,
    port,
    broker,
    publish: (topic, payload) =>
      new Promise<void>((resolve, reject) =>
        broker.publish(
          { cmd: "publish", topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
          (error?: Error) => (error ? reject(error) : resolve()),
        ),
      ),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
