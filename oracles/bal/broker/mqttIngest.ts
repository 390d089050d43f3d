// Ingest from an external broker (Mosquitto via MQTT_URL): a persistent QoS 1 subscription, optionally shared
// ($share/<group>/...) so several BAL instances split the load. mqtt.js acknowledges a message as soon as its
// handler returns; we hold each PUBACK back until the packet is stored, so a BAL killed mid-flush gets the
// message again from the broker instead of losing it. A packet the SCD failed to store is PUBACKed all the same once
// its node was told to send it again (application-level "retry" ack): an unacknowledged message would hold one of
// the broker's in-flight slots (Mosquitto's max_inflight_messages, 20) for good, and after 20 of them the broker
// would stop delivering to this BAL until a reconnect nothing triggers.
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import type { Logger } from "../../../protocol";

export interface MqttIngestOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** true only for throwaway instances (tests): a clean session leaves nothing queued on the broker */
  cleanSession?: boolean;
  /** shared-subscription group, e.g. "bal"; undefined = a plain subscription */
  shareGroup?: string;
  ingest(topic: string, payload: Buffer): Promise<unknown>;
  log: Logger;
}

type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

export async function startMqttIngest(
  opts: MqttIngestOptions,
): Promise<{ client: MqttClient; close(): Promise<void> }> {
  const pendingAcks = new Map<number, Promise<unknown>>();
  const options: IClientOptions = {
    clientId: opts.clientId,
    username: opts.username,
    password: opts.password,
    clean: opts.cleanSession ?? false, // the broker keeps our session and unacknowledged messages across a BAL restart
    reconnectPeriod: 1000,
  };
  const client = mqtt.connect(opts.url, options);
  client.handleMessage = (packet, callback) => {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (packet.qos > 0 && packet.messageId !== undefined)
      pendingAcks.set(packet.messageId, opts.ingest(packet.topic, payload));
    else void opts.ingest(packet.topic, payload).catch(() => undefined);
    callback();
  };
  // ADAPTER (local, small): defer the PUBACK mqtt.js would send right away until the ingest promise settles.
  // mqtt.js has no hook for this; it processes the next packet only after the handler's callback, so waiting
  // there would serialise ingest to one packet per SQL round trip.
  const internals = client as unknown as { _sendPacket: SendPacket };
  const send = internals._sendPacket.bind(client);
  internals._sendPacket = (packet, cb, ...rest) => {
    const wait =
      packet.cmd === "puback" && packet.messageId !== undefined ? pendingAcks.get(packet.messageId) : undefined;
    if (!wait) return send(packet, cb, ...rest);
    pendingAcks.delete(packet.messageId!);
    cb?.();
    wait.then(
      () => send(packet, undefined, ...rest),
      (error: Error) => {
        opts.log.error(
          { err: error.message, messageId: packet.messageId },
          "ingest failed: acknowledged to the broker, the node was told to send it again",
        );
        send(packet, undefined, ...rest);
      },
    );
  };
  const filters = ["measurements", "anomalies", "activations"].map((c) =>
    opts.shareGroup ? `$share/${opts.shareGroup}/flexgrid/+/${c}` : `flexgrid/+/${c}`,
  );
  client.on("error", (err) => opts.log.warn({ err: err.message }, "mqtt ingest error"));
  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("error", reject);
  });
  await client.subscribeAsync(filters, { qos: 1 });
  opts.log.info({ url: opts.url, filters }, "subscribed for ingest");
  return {
    client,
    close: async () => {
      await client.endAsync(true);
    },
  };
}
