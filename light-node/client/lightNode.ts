// The Light Node: reads the meter every N seconds, signs each reading (P-256), publishes QoS 1 through an on-disk
// store-and-forward queue, reports link anomalies as signed packets (and a signed last will), and forwards DSO
// setpoints to the EMS, answering with a signed activation packet. The queue's cursor moves only on the BAL's
// application-level acknowledgement (flexgrid/<pod>/acks): stored or duplicate = done, refused = kept in
// <dataDir>/outbox/refused.jsonl for an operator, retry or no answer = sent again later.
import net from "node:net";
import path from "node:path";
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync } from "node:fs";
import mqtt, { type MqttClient } from "mqtt";
import { z } from "zod";
import {
  ackIsFinal,
  ackMessageSchema,
  createLogger,
  gridIdSchema,
  parseWith,
  recoverSetpointSigner,
  setpointMessageSchema,
  signPacket,
  SLOT_MS,
  topics,
  type Logger,
  type PacketDataByKind,
  type PacketKind,
  type SetpointMessage,
  type SignedPacket,
  type AnomalyType,
  type PacketAck,
} from "../../protocol";
import { modbusLinkSchema, MeterReader } from "../meter/meterReader";
import { DEFAULT_METER_MAP_FILE, loadMeterMap } from "../meter/registerMap";
import { DiskQueue } from "./diskQueue";
import { createEmsLink, emsConfigSchema, type EmsLink } from "./ems";
import { loadOrCreateNodeKey, SequenceCounter } from "./keyStore";

export const lightNodeConfigSchema = z.object({
  pod: gridIdSchema,
  dataDir: z.string().min(1),
  mqtt: z.object({
    url: z.string().min(1),
    username: z.string().optional(),
    password: z.string().optional(),
    reconnectPeriodMs: z.number().int().positive().default(1000),
  }),
  meter: modbusLinkSchema,
  meterMapFile: z.string().default(DEFAULT_METER_MAP_FILE),
  readIntervalMs: z.number().int().positive().default(5000),
  /** Ethereum address of the DSO oracle wallet whose setpoint signatures this node obeys */
  dsoAddress: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  ems: emsConfigSchema.default({ kind: "none" }),
  probeIntervalMs: z.number().int().positive().default(10_000),
  /** DSO/BAL health endpoint probed for the "dso-link-lost" anomaly (optional) */
  dsoHealthUrl: z.string().url().optional(),
  /** a host:port probed for the "internet-lost" anomaly (optional) */
  internetProbe: z.object({ host: z.string(), port: z.number().int() }).optional(),
  /** packets sent and not yet acknowledged by the BAL at once while draining the queue (order is kept) */
  publishWindow: z.number().int().positive().default(32),
  /** a packet the BAL has not acknowledged (stored/refused/retry) this long after it was sent is sent again */
  ackTimeoutMs: z.number().int().positive().default(15_000),
  /** first pause before sending a packet the BAL answered "retry" again; doubles up to retryMaxMs */
  retryDelayMs: z.number().int().positive().default(5_000),
  retryMaxMs: z.number().int().positive().default(300_000),
});
export type LightNodeConfig = z.input<typeof lightNodeConfigSchema>;
type ParsedConfig = z.infer<typeof lightNodeConfigSchema>;

interface QueuedPacket {
  topic: string;
  packet: SignedPacket;
}

/** A packet the BAL refused for good, as kept for an operator in <dataDir>/outbox/refused.jsonl. */
export interface RefusedPacket extends QueuedPacket {
  index: number;
  reason: string;
  detail?: string;
  refusedMs: number;
}

interface InFlight {
  index: number;
  sentMs: number;
  /** "retry" answers so far (backoff) */
  retries: number;
  /** not before this time (a "retry" answer's backoff) */
  resendAtMs?: number;
}

type Link = "meter" | "ems" | "dso" | "internet" | "mqtt";
const LINK_ANOMALY: Record<Link, AnomalyType> = {
  meter: "meter-unreachable",
  ems: "ems-unreachable",
  dso: "dso-link-lost",
  internet: "internet-lost",
  mqtt: "dso-link-lost",
};

export interface LightNodeStats {
  readings: number;
  readFailures: number;
  /** packets the BAL acknowledged as stored (or already stored) */
  published: number;
  /** packets the BAL refused for good (kept in refused.jsonl) */
  refused: number;
  /** packets sent again (no answer in time, a "retry" answer, a reconnect) */
  resent: number;
  queued: number;
  anomalies: number;
  activations: number;
}

export class LightNode {
  readonly config: ParsedConfig;
  readonly publicKey: `0x${string}`;
  private readonly _privateKey: Uint8Array;
  private readonly _seq: SequenceCounter;
  private readonly _queue: DiskQueue<QueuedPacket>;
  private readonly _meter: MeterReader;
  private readonly _ems: EmsLink;
  private readonly _log: Logger;
  private readonly _clock: () => number;
  private _client?: MqttClient;
  private _timers: NodeJS.Timeout[] = [];
  private _slotTimer?: NodeJS.Timeout;
  private _linkUp: Partial<Record<Link, boolean>> = {};
  /** sent and not yet finally acknowledged by the BAL, by packet hash */
  private _inFlight = new Map<string, InFlight>();
  /** queue indexes finally acknowledged beyond the cursor (the cursor moves over the contiguous prefix) */
  private _acked = new Set<number>();
  private _sentThrough = -1;
  private readonly _refusedFile: string;
  private _commandSeq = 0;
  private _stopped = false;
  private _pumping = false;
  readonly stats: LightNodeStats = {
    readings: 0,
    readFailures: 0,
    published: 0,
    refused: 0,
    resent: 0,
    queued: 0,
    anomalies: 0,
    activations: 0,
  };
  /** Called after each activation packet is queued (tests, demo logging). */
  onActivation?: (packet: SignedPacket<"activation">) => void;

  constructor(config: LightNodeConfig, options: { clock?: () => number; logger?: Logger } = {}) {
    this.config = parseWith(lightNodeConfigSchema, config, "Light Node config");
    this._clock = options.clock ?? Date.now;
    this._log = options.logger ?? createLogger(`light-node:${this.config.pod}`);
    const key = loadOrCreateNodeKey(this.config.dataDir);
    if (key.created) this._log.info({ publicKey: key.publicKey }, "created the node's P-256 key");
    this._privateKey = key.privateKey;
    this.publicKey = key.publicKey;
    this._seq = new SequenceCounter(this.config.dataDir);
    this._queue = new DiskQueue<QueuedPacket>(path.join(this.config.dataDir, "outbox"));
    this._refusedFile = path.join(this.config.dataDir, "outbox", "refused.jsonl");
    const map = loadMeterMap(this.config.meterMapFile);
    this._meter = new MeterReader(this.config.meter, map);
    this._ems = createEmsLink(this.config.ems, map, this._clock);
  }

  get pod(): string {
    return this.config.pod;
  }
  get queuedCount(): number {
    return this._queue.pending;
  }
  get connected(): boolean {
    return this._client?.connected ?? false;
  }

  async start(): Promise<void> {
    const { pod } = this.config;
    const client = mqtt.connect(this.config.mqtt.url, {
      clientId: `ln-${pod}-${process.pid}`,
      username: this.config.mqtt.username,
      password: this.config.mqtt.password,
      reconnectPeriod: this.config.mqtt.reconnectPeriodMs,
      connectTimeout: 5000,
      clean: true,
      will: this.armWill(),
    });
    this._client = client;
    client.on("connect", () => {
      this._log.info("connected to the broker");
      if (this._linkUp.mqtt === false) this.linkChanged("mqtt", true, "MQTT broker reachable again");
      this._linkUp.mqtt = true;
      client.subscribe(
        [topics.setpoints(pod), topics.acks(pod)],
        { qos: 1 },
        (err) => err && this._log.warn({ err }, "setpoint/ack subscription failed"),
      );
      // whatever was in flight on the last connection may never have arrived: send it again (the BAL answers
      // "duplicate" for what it already stored)
      this.resendAllInFlight();
      void this.pump();
    });
    client.on("close", () => {
      if (this._stopped) return;
      if (this._linkUp.mqtt) this.linkChanged("mqtt", false, "MQTT connection to the BAL broker lost");
      this._linkUp.mqtt = false;
    });
    // a fresh will for every connection attempt (its sequence number is the node's next one)
    client.on("reconnect", () => {
      client.options.will = this.armWill();
    });
    client.on("error", (err) => this._log.debug({ err: err.message }, "mqtt error"));
    client.on("message", (topic, payload) => {
      if (topic === topics.setpoints(pod)) void this.onSetpoint(payload);
      else if (topic === topics.acks(pod)) this.onAck(payload);
    });
    this._timers.push(setInterval(() => void this.readOnce(), this.config.readIntervalMs));
    this._timers.push(
      setInterval(
        () => this.resendOverdue(),
        Math.max(100, Math.min(this.config.ackTimeoutMs, this.config.retryDelayMs) / 2),
      ),
    );
    this._timers.push(setInterval(() => void this.probeLinks(), this.config.probeIntervalMs));
    void this.readOnce();
  }

  /** Stops timers and disconnects cleanly (a clean disconnect does not fire the last will). */
  async stop(): Promise<void> {
    this._stopped = true;
    for (const t of this._timers) clearInterval(t);
    if (this._slotTimer) clearTimeout(this._slotTimer);
    this._timers = [];
    await this._client?.endAsync().catch(() => undefined);
    await this._meter.close().catch(() => undefined);
    await this._ems.close().catch(() => undefined);
  }

  /** Simulates a crash for tests: drops the TCP connection without DISCONNECT, so the broker sends the will. */
  async crash(): Promise<void> {
    this._stopped = true;
    for (const t of this._timers) clearInterval(t);
    this._timers = [];
    this._client?.stream.destroy();
    await this._client?.endAsync(true).catch(() => undefined);
    await this._meter.close().catch(() => undefined);
    await this._ems.close().catch(() => undefined);
  }

  /** Reads the meter once and queues the signed measurement; a failure becomes a (single) anomaly. */
  async readOnce(): Promise<SignedPacket<"measurement"> | undefined> {
    try {
      const v = await this._meter.read();
      if (this._linkUp.meter === false) this.linkChanged("meter", true, "meter answers again");
      this._linkUp.meter = true;
      this.stats.readings++;
      return this.emit("measurement", {
        activePowerW: v.pW,
        reactivePowerVar: v.qVar,
        importedEnergyWh: v.importWh,
        exportedEnergyWh: v.exportWh,
        meterStatus: v.statusWord,
      });
    } catch (error) {
      this.stats.readFailures++;
      if (this._linkUp.meter !== false)
        this.linkChanged("meter", false, `meter read failed: ${(error as Error).message}`);
      this._linkUp.meter = false;
      return undefined;
    }
  }

  /** Probes the EMS, DSO and internet links; each change up/down is reported once as a signed anomaly. */
  async probeLinks(): Promise<void> {
    const checks: [Link, () => Promise<boolean>][] = [];
    if (this.config.ems.kind !== "none") checks.push(["ems", () => this._ems.probe()]);
    if (this.config.dsoHealthUrl) {
      const url = this.config.dsoHealthUrl;
      checks.push([
        "dso",
        async () => (await fetch(url, { signal: AbortSignal.timeout(3000) }).catch(() => undefined))?.ok ?? false,
      ]);
    }
    if (this.config.internetProbe) {
      const { host, port } = this.config.internetProbe;
      checks.push(["internet", () => tcpProbe(host, port)]);
    }
    for (const [link, probe] of checks) {
      const up = await probe().catch(() => false);
      if (this._linkUp[link] === undefined ? !up : this._linkUp[link] !== up)
        this.linkChanged(link, up, up ? `${link} link restored` : `${link} link down`);
      this._linkUp[link] = up;
    }
  }

  private linkChanged(link: Link, up: boolean, detail: string): void {
    this._log.warn({ link, up }, detail);
    this.emit("anomaly", {
      anomaly: up ? "link-restored" : LINK_ANOMALY[link],
      detail: `${link}: ${detail}`.slice(0, 256),
    });
  }

  /** Builds, signs and queues a packet with the node's next sequence number. */
  emit<K extends PacketKind>(
    kind: K,
    fields: Omit<PacketDataByKind[K], "pod" | "timestampMs" | "sequence">,
  ): SignedPacket<K> {
    const data = {
      pod: this.config.pod,
      timestampMs: this._clock(),
      sequence: this._seq.next(),
      ...fields,
    } as PacketDataByKind[K];
    const packet = signPacket(kind, data, this._privateKey);
    const topic =
      kind === "measurement"
        ? topics.measurements(this.pod)
        : kind === "anomaly"
          ? topics.anomalies(this.pod)
          : topics.activations(this.pod);
    this._queue.push({ topic, packet });
    this.stats.queued++;
    if (kind === "anomaly") this.stats.anomalies++;
    void this.pump();
    return packet;
  }

  /** The last will: a signed node-offline anomaly the broker publishes if the node vanishes. */
  private armWill() {
    const data = {
      pod: this.config.pod,
      timestampMs: this._clock(),
      sequence: this._seq.next(),
      anomaly: "node-offline" as const,
      detail: "MQTT last will: the Light Node disconnected without notice (timestamp = when the will was armed)",
    };
    return {
      topic: topics.anomalies(this.pod),
      payload: Buffer.from(JSON.stringify(signPacket("anomaly", data, this._privateKey))),
      qos: 1 as const,
      retain: false,
    };
  }

  /**
   * Drains the queue in order with up to `publishWindow` packets awaiting the BAL's acknowledgement; the on-disk
   * cursor only moves over the contiguous prefix the BAL finally acknowledged, so a crash, an outage or a BAL
   * failure replays from the first packet not known to be stored or refused.
   */
  private async pump(): Promise<void> {
    const client = this._client;
    if (!client || this._pumping || this._stopped) return;
    this._pumping = true;
    try {
      while (client.connected && !this._stopped) {
        const room = this.config.publishWindow - this._inFlight.size;
        if (room <= 0) return;
        const next = this._queue.peek(room, this._sentThrough + 1);
        if (next.length === 0) return;
        for (const entry of next) {
          this._sentThrough = entry.index;
          this._inFlight.set(entry.item.packet.hash, { index: entry.index, sentMs: this._clock(), retries: 0 });
          this.send(entry.item);
        }
      }
    } finally {
      this._pumping = false;
    }
  }

  private send(item: QueuedPacket): void {
    // the broker's PUBACK only means the broker has it; an error is handled by the ack timeout / reconnect
    this._client?.publish(item.topic, JSON.stringify(item.packet), { qos: 1 }, (err) => {
      if (err) this._log.debug({ err: err.message }, "publish not acknowledged by the broker");
    });
  }

  /** Sends one in-flight packet again (it is still in the queue: nothing in flight was delivered). */
  private resend(hash: string, f: InFlight): void {
    const entry = this._queue.peek(1, f.index)[0];
    if (!entry || entry.index !== f.index) {
      this._inFlight.delete(hash);
      return;
    }
    f.sentMs = this._clock();
    f.resendAtMs = undefined;
    this.stats.resent++;
    this.send(entry.item);
  }

  private resendAllInFlight(): void {
    for (const [hash, f] of this._inFlight) if (f.resendAtMs === undefined) this.resend(hash, f);
  }

  /** Sends again what the BAL did not answer in time, and what it asked to retry once its pause is over. */
  private resendOverdue(): void {
    // entries a full disk refused: try again (they are sent meanwhile from memory)
    if (this._queue.unpersisted > 0 && this._queue.persistTail())
      this._log.info("the disk takes the queue's entries again");
    if (!this._client?.connected || this._stopped) return;
    const now = this._clock();
    for (const [hash, f] of this._inFlight) {
      const due = f.resendAtMs !== undefined ? f.resendAtMs <= now : now - f.sentMs >= this.config.ackTimeoutMs;
      if (due) this.resend(hash, f);
    }
  }

  /** The BAL's acknowledgements: move the cursor over what is stored or refused, schedule what must be retried. */
  onAck(payload: Buffer | string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString());
    } catch {
      this._log.warn("acknowledgement is not JSON: ignored");
      return;
    }
    const parsed = ackMessageSchema.safeParse(raw);
    if (!parsed.success || parsed.data.pod !== this.pod) {
      this._log.warn("malformed acknowledgement (or for another PoD): ignored");
      return;
    }
    for (const ack of parsed.data.acks) this.applyAck(ack);
    let through = this._queue.cursor - 1;
    while (this._acked.delete(through + 1)) through++;
    if (through >= this._queue.cursor) this._queue.ackThrough(through);
    void this.pump();
  }

  private applyAck(ack: PacketAck): void {
    const f = this._inFlight.get(ack.hash);
    if (!f) return; // an answer to a resend already settled, or to the last will
    if (!ackIsFinal(ack.status)) {
      f.retries++;
      f.resendAtMs =
        this._clock() + Math.min(this.config.retryMaxMs, this.config.retryDelayMs * 2 ** Math.min(f.retries - 1, 16));
      this._log.warn(
        { hash: ack.hash, reason: ack.reason, retries: f.retries },
        "the BAL asked to send a packet again",
      );
      return;
    }
    if (ack.status === "refused") {
      try {
        this.keepRefused(f.index, ack);
      } catch (error) {
        // not kept (disk full?): leave it in flight, the BAL refuses it again on the next resend
        this._log.error({ err: (error as Error).message }, "could not keep a refused packet; will ask again");
        f.sentMs = this._clock();
        return;
      }
    } else this.stats.published++;
    this._inFlight.delete(ack.hash);
    this._acked.add(f.index);
  }

  /** Appends a refused packet, with the BAL's reason, to refused.jsonl (fsynced: it leaves the queue next). */
  private keepRefused(index: number, ack: PacketAck): void {
    const entry = this._queue.peek(1, index)[0];
    if (!entry || entry.index !== index) return;
    const record: RefusedPacket = {
      ...entry.item,
      index,
      reason: ack.reason ?? "unknown",
      detail: ack.detail,
      refusedMs: this._clock(),
    };
    this.stats.refused++;
    this._log.error(
      { index, reason: record.reason, detail: record.detail },
      "the BAL refused a packet: kept for an operator",
    );
    const fd = openSync(this._refusedFile, "a");
    try {
      appendFileSync(fd, JSON.stringify(record) + "\n");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** The packets the BAL refused for good, oldest first (what an operator looks at). */
  refusedPackets(): RefusedPacket[] {
    if (!existsSync(this._refusedFile)) return [];
    return readFileSync(this._refusedFile, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as RefusedPacket];
        } catch {
          return [];
        }
      });
  }

  /** Verifies a setpoint (DSO signature, PoD), forwards it to the EMS and answers with a signed activation. */
  async onSetpoint(payload: Buffer | string): Promise<SignedPacket<"activation"> | undefined> {
    const nodeReceivedMs = this._clock();
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString());
    } catch {
      this._log.warn("setpoint is not JSON: ignored");
      return undefined;
    }
    const parsed = setpointMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this._log.warn({ issues: parsed.error.issues.length }, "malformed setpoint: ignored");
      return undefined;
    }
    const sp = parsed.data;
    const answer = (outcome: "forwarded" | "rejected" | "ems-unreachable", emsReceivedMs: number | null) => {
      const packet = this.emit("activation", {
        setpointId: sp.setpointId,
        dsoSentMs: sp.dsoSentMs,
        nodeReceivedMs,
        emsReceivedMs,
        outcome,
      });
      this.stats.activations++;
      this.onActivation?.(packet);
      return packet;
    };
    const signer = await recoverSetpointSigner(sp).catch(() => undefined);
    if (!signer || signer.toLowerCase() !== this.config.dsoAddress.toLowerCase() || sp.pod !== this.pod) {
      this._log.warn(
        { signer, pod: sp.pod },
        "setpoint not signed by the configured DSO (or for another PoD): rejected",
      );
      return answer("rejected", null);
    }
    try {
      const emsReceivedMs = await this.forward(sp);
      if (this._linkUp.ems === false) this.linkChanged("ems", true, "EMS accepted a setpoint");
      this._linkUp.ems = true;
      return answer("forwarded", emsReceivedMs);
    } catch (error) {
      if (this._linkUp.ems !== false)
        this.linkChanged("ems", false, `setpoint forward failed: ${(error as Error).message}`);
      this._linkUp.ems = false;
      return answer("ems-unreachable", null);
    }
  }

  /**
   * REST/MQTT EMSs get the whole schedule at once. A Modbus EMS has one P/Q register pair: the node writes the
   * slot that applies now (slot 0 when the window has not started) and then each following slot at its start.
   */
  private async forward(sp: SetpointMessage): Promise<number> {
    if (this._slotTimer) clearTimeout(this._slotTimer);
    const slotIndex = Math.max(0, Math.floor((this._clock() - sp.windowStartMs) / SLOT_MS));
    if (slotIndex >= sp.slots.length) throw new Error("setpoint window already over");
    const receivedMs = await this._ems.send({ setpoint: sp, slotIndex, commandSeq: ++this._commandSeq });
    if (this.config.ems.kind === "modbus") this.scheduleSlot(sp, slotIndex + 1);
    return receivedMs;
  }

  private scheduleSlot(sp: SetpointMessage, slotIndex: number): void {
    if (slotIndex >= sp.slots.length || this._stopped) return;
    const delay = Math.max(0, sp.windowStartMs + slotIndex * SLOT_MS - this._clock());
    this._slotTimer = setTimeout(() => {
      this._ems
        .send({ setpoint: sp, slotIndex, commandSeq: ++this._commandSeq })
        .then(() => this.scheduleSlot(sp, slotIndex + 1))
        .catch((error: Error) => {
          if (this._linkUp.ems !== false)
            this.linkChanged("ems", false, `slot ${slotIndex} write failed: ${error.message}`);
          this._linkUp.ems = false;
        });
    }, delay);
    this._slotTimer.unref();
  }
}

function tcpProbe(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}
