// The Light Node: reads the meter every N seconds, signs each reading (P-256), publishes QoS 1 through an on-disk
// store-and-forward queue, reports link anomalies as signed packets (and a signed last will), and forwards DSO
// setpoints to the EMS, answering with a signed activation packet.
import net from "node:net";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { z } from "zod";
import {
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
  /** QoS 1 publishes in flight at once while draining the queue (order is kept) */
  publishWindow: z.number().int().positive().default(32),
});
export type LightNodeConfig = z.input<typeof lightNodeConfigSchema>;
type ParsedConfig = z.infer<typeof lightNodeConfigSchema>;

interface QueuedPacket {
  topic: string;
  packet: SignedPacket;
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
  published: number;
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
  private _inFlight = new Set<number>();
  private _acked = new Set<number>();
  private _sentThrough = -1;
  private _commandSeq = 0;
  private _stopped = false;
  private _pumping = false;
  readonly stats: LightNodeStats = {
    readings: 0,
    readFailures: 0,
    published: 0,
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
        topics.setpoints(pod),
        { qos: 1 },
        (err) => err && this._log.warn({ err }, "setpoint subscription failed"),
      );
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
    });
    this._timers.push(setInterval(() => void this.readOnce(), this.config.readIntervalMs));
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
   * Drains the queue in order with up to `publishWindow` QoS 1 publishes in flight; the on-disk cursor only moves
   * over the contiguous acknowledged prefix, so a crash or outage replays from the first unacknowledged packet.
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
          this._inFlight.add(entry.index);
          this._sentThrough = entry.index;
          client.publish(entry.item.topic, JSON.stringify(entry.item.packet), { qos: 1 }, (err) =>
            this.onPublished(entry.index, err),
          );
        }
      }
    } finally {
      this._pumping = false;
    }
  }

  private onPublished(index: number, err?: Error): void {
    this._inFlight.delete(index);
    if (err) {
      // not acknowledged: resend from the first unacknowledged entry once connected again
      this._sentThrough = Math.min(this._sentThrough, this._queue.cursor - 1);
      this._acked.clear();
      return;
    }
    this.stats.published++;
    this._acked.add(index);
    let through = this._queue.cursor - 1;
    while (this._acked.delete(through + 1)) through++;
    if (through >= this._queue.cursor) this._queue.ackThrough(through);
    void this.pump();
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
