// Setpoint dispatch over MQTT: publishes each PoD's signed setpoint on flexgrid/<pod>/setpoints (QoS 1) before its
// window, listens for the nodes' signed activation packets on flexgrid/+/activations, records the three timestamps,
// and raises an alarm for every setpoint not acked in time.
import type { MqttClient } from "mqtt";
import {
  activationSchema,
  parseTopic,
  parseWith,
  signedPacketSchema,
  topics,
  verifyPacket,
  type Activation,
  type Logger,
  type SetpointMessage,
} from "../../../protocol";
import type { ScdStore } from "../../bal/scd/scdStore";
import { DsoDataError } from "../errors";

export interface DispatchRecord {
  setpointId: string;
  pod: string;
  windowStartMs: number;
  sentMs: number;
  ackDeadlineMs: number;
  ack?: { nodeReceivedMs: number; emsReceivedMs: number | null; outcome: Activation["outcome"] };
  alarmed: boolean;
}

export interface AckAlarm {
  pod: string;
  setpointId: string;
  sentMs: number;
  deadlineMs: number;
}

export interface DispatcherOptions {
  /** How long a node has to ack a setpoint (default 60 s). */
  ackTimeoutMs?: number;
  onAlarm?: (alarm: AckAlarm) => void;
  /** An activation packet in the SCD that cannot be read (it is skipped, the others are still recovered). */
  onMalformedActivation?: (error: DsoDataError, pod: string, packetId: string) => void;
  log: Logger;
}

/** Parses one activation packet from MQTT; throws a DsoDataError naming what is wrong. */
export function parseActivation(topic: string, payload: Buffer | string): Activation {
  const { pod } = parseTopic(topic);
  let json: unknown;
  try {
    json = JSON.parse(payload.toString());
  } catch {
    throw new DsoDataError(`activation on ${topic}`, "payload is not JSON");
  }
  const packet = parseWith(signedPacketSchema, json, `activation on ${topic}`);
  if (packet.kind !== "activation") throw new DsoDataError(`activation on ${topic}`, `kind is ${packet.kind}`);
  if (packet.pod !== pod) throw new DsoDataError(`activation on ${topic}`, `packet is for PoD ${packet.pod}`);
  const verdict = verifyPacket(packet);
  if (!verdict.ok)
    throw new DsoDataError(`activation on ${topic}`, `packet check failed (${verdict.reason}: ${verdict.detail})`);
  return parseWith(activationSchema, packet.data, `activation data on ${topic}`);
}

export class SetpointDispatcher {
  /** Called once per setpoint not acked by its deadline (settable after construction, e.g. to raise an alarm). */
  onAlarm?: (alarm: AckAlarm) => void;
  onMalformedActivation?: DispatcherOptions["onMalformedActivation"];
  private readonly records = new Map<string, DispatchRecord>();
  private readonly ackTimeoutMs: number;
  private readonly onMessage = (topic: string, payload: Buffer) => this.handleActivation(topic, payload);

  constructor(
    private readonly client: MqttClient,
    private readonly options: DispatcherOptions,
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 60_000;
    this.onAlarm = options.onAlarm;
    this.onMalformedActivation = options.onMalformedActivation;
  }

  async start(): Promise<void> {
    this.client.on("message", this.onMessage);
    await this.client.subscribeAsync(topics.allOf("activations"), { qos: 1 });
  }

  async stop(): Promise<void> {
    this.client.off("message", this.onMessage);
    await this.client.unsubscribeAsync(topics.allOf("activations"));
  }

  /** Publishes setpoints not published yet (the id is deterministic, so a re-run publishes nothing new). */
  async publish(messages: SetpointMessage[], nowMs = Date.now()): Promise<number> {
    let sent = 0;
    for (const message of messages) {
      if (this.records.has(message.setpointId)) continue;
      await this.client.publishAsync(topics.setpoints(message.pod), JSON.stringify(message), { qos: 1 });
      this.records.set(message.setpointId, {
        setpointId: message.setpointId,
        pod: message.pod,
        windowStartMs: message.windowStartMs,
        sentMs: nowMs,
        ackDeadlineMs: nowMs + this.ackTimeoutMs,
        alarmed: false,
      });
      sent++;
    }
    return sent;
  }

  /**
   * Acks the BAL stored in the SCD while this dispatcher was not listening (a restart): every activation packet of
   * the dispatched PoDs since their setpoints were sent. The BAL checked the signatures; the data is still parsed
   * here, and a stored packet that is not an activation is skipped and reported with the PoD and packet id.
   */
  async recoverAcksFromScd(store: Pick<ScdStore, "packetsOfPod">, nowMs = Date.now()): Promise<number> {
    let recovered = 0;
    const pending = [...this.records.values()].filter((r) => !r.ack);
    for (const pod of new Set(pending.map((r) => r.pod))) {
      const since = Math.min(...pending.filter((r) => r.pod === pod).map((r) => r.sentMs));
      for (const packet of await store.packetsOfPod(pod, since, nowMs + 1, ["activation"])) {
        const parsed = activationSchema.safeParse(packet.data);
        if (!parsed.success) {
          // One malformed packet is reported and skipped: the others (and every later pass) still go through.
          const error = new DsoDataError(
            `SCD activation packet ${packet.id} of ${pod}`,
            parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
          );
          this.options.log.warn({ pod, packet: packet.id, error: error.message }, "activation skipped");
          this.onMalformedActivation?.(error, pod, String(packet.id));
          continue;
        }
        if (this.acknowledge(parsed.data)) recovered++;
      }
    }
    return recovered;
  }

  private acknowledge(activation: Activation): boolean {
    const record = this.records.get(activation.setpointId);
    if (!record || record.pod !== activation.pod || record.ack) return false;
    record.ack = {
      nodeReceivedMs: activation.nodeReceivedMs,
      emsReceivedMs: activation.emsReceivedMs,
      outcome: activation.outcome,
    };
    this.options.log.info({ pod: record.pod, setpointId: record.setpointId, ...record.ack }, "setpoint acked");
    return true;
  }

  handleActivation(topic: string, payload: Buffer | string): void {
    let activation: Activation;
    try {
      activation = parseActivation(topic, payload);
    } catch (error) {
      this.options.log.warn({ topic, error: (error as Error).message }, "activation rejected");
      return;
    }
    this.acknowledge(activation);
  }

  /** Alarms (once each) for setpoints whose node has not acked by the deadline. */
  checkAcks(nowMs = Date.now()): AckAlarm[] {
    const alarms: AckAlarm[] = [];
    for (const record of this.records.values()) {
      if (record.ack || record.alarmed || nowMs < record.ackDeadlineMs) continue;
      record.alarmed = true;
      const alarm = {
        pod: record.pod,
        setpointId: record.setpointId,
        sentMs: record.sentMs,
        deadlineMs: record.ackDeadlineMs,
      };
      this.options.log.error(alarm, "Light Node did not ack its setpoint in time");
      this.onAlarm?.(alarm);
      alarms.push(alarm);
    }
    return alarms;
  }

  status(): DispatchRecord[] {
    return [...this.records.values()];
  }
}
