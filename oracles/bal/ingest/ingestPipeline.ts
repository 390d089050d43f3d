// The BAL's ingest core: every packet from MQTT goes through size/topic checks, signature verification (worker
// pool), key register, timestamp sanity and order/replay checks, then is stored in the SCD. Packets are processed
// in group commits: while one flush runs, the next fills up, so throughput adapts to load. A submit resolves only
// after its packet is stored (or rejected), which is when the broker may acknowledge it. Nothing here throws at
// the caller for a bad packet: it is counted and logged with its reason.
import { parseTopic, type Logger, type SignedPacket } from "../../../protocol";
import type { NewPacket, ScdStore } from "../scd/scdStore";
import type { KeyRegister } from "./keyRegister";
import type { Verifier, VerifyOutcome } from "./verifyPool";

export const rejectReasons = [
  "oversized",
  "bad-topic",
  "malformed",
  "hash-mismatch",
  "bad-key",
  "bad-signature",
  "pod-mismatch",
  "topic-mismatch",
  "unknown-key",
  "key-not-valid-at-time",
  "timestamp-in-future",
  "timestamp-too-old",
  "out-of-order",
  "time-not-monotonic",
  "replay",
  "duplicate",
  "acl-violation",
] as const;
export type RejectReason = (typeof rejectReasons)[number];

/**
 * Refusals that may pass later without the packet changing: the key may still be provisioned by the DSO, a clock a
 * little ahead falls behind real time. The node sends these again after a pause; every other refusal is final.
 */
export const RETRYABLE_REASONS: ReadonlySet<RejectReason> = new Set(["unknown-key", "timestamp-in-future"]);

export type IngestOutcome =
  | { accepted: true; id: number; hash: string; pod: string; kind: SignedPacket["kind"] }
  | {
      accepted: false;
      reason: RejectReason;
      detail: string;
      retryable: boolean;
      /** the hash the packet claims (when it has one), so its node can match the acknowledgement */
      hash?: string;
      pod?: string;
    };

export interface IngestLimits {
  maxPayloadBytes: number;
  maxFutureMs: number;
  /** the bounded backlog: a reading must arrive within this long of its timestamp */
  maxAgeMs: number;
  /** packets per group commit */
  maxFlush: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxPayloadBytes: 4096,
  maxFutureMs: 60_000,
  // a node may catch up on a day and a half of outage; older readings are refused (and kept by the node for an
  // operator), so a stolen key cannot certify an arbitrarily long past
  maxAgeMs: 36 * 3600_000,
  // small enough that verifying one flush overlaps storing the previous one
  maxFlush: 2000,
};

const CHANNEL_OF_KIND = { measurement: "measurements", anomaly: "anomalies", activation: "activations" } as const;

interface Prepared {
  outcomes: (IngestOutcome | undefined)[];
  toVerify: number[];
  topicOf: ({ pod: string; channel: string } | undefined)[];
  verified: VerifyOutcome[];
}

interface Pending {
  topic: string;
  payload: string;
  receivedMs: number;
  resolve: (o: IngestOutcome) => void;
  reject: (e: Error) => void;
}

export interface IngestStats {
  accepted: number;
  rejected: Partial<Record<RejectReason, number>>;
  flushes: number;
}

export class IngestPipeline {
  private _queue: Pending[] = [];
  private _flushing?: Promise<void>;
  /** per PoD, the highest accepted sequence and its timestamp: the order and monotonic-time guard's memory */
  private _last = new Map<string, { seq: number; ts: number }>();
  private _rejectLog: { reason: string; topic?: string; pod?: string; detail?: string; atMs: number }[] = [];
  readonly stats: IngestStats = { accepted: 0, rejected: {}, flushes: 0 };
  /** Called after each flush with the packets it stored. */
  onStored?: (packets: NewPacket[]) => void;

  constructor(
    private readonly store: ScdStore,
    private readonly verifier: Verifier,
    private readonly keys: KeyRegister,
    private readonly log: Logger,
    private readonly limits: IngestLimits = DEFAULT_LIMITS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Loads the last accepted sequence per PoD, so a restarted BAL keeps refusing old packets. */
  async start(): Promise<void> {
    this._last = await this.store.lastSequences();
  }

  get queued(): number {
    return this._queue.length;
  }

  /** Queues a raw MQTT message; resolves once it is stored or rejected (rejects only if the SCD failed). */
  submit(topic: string, payload: Buffer | string): Promise<IngestOutcome> {
    const receivedMs = this.clock();
    return new Promise((resolve, reject) => {
      this._queue.push({
        topic,
        payload: typeof payload === "string" ? payload : payload.toString("utf8"),
        receivedMs,
        resolve,
        reject,
      });
      if (!this._flushing) this._flushing = new Promise<void>((r) => setImmediate(r)).then(() => this.drain());
    });
  }

  /** Counts a rejection that happened outside the pipeline (the broker's ACL). */
  recordRejection(reason: RejectReason, info: { topic?: string; pod?: string; detail?: string }): void {
    this.stats.rejected[reason] = (this.stats.rejected[reason] ?? 0) + 1;
    this.log.warn({ reason, ...info }, "packet rejected");
    this._rejectLog.push({ reason, ...info, atMs: this.clock() });
    if (!this._flushing) this._flushing = new Promise<void>((r) => setImmediate(r)).then(() => this.drain());
  }

  /** Resolves when everything submitted so far is processed. */
  async idle(): Promise<void> {
    while (this._flushing) await this._flushing;
  }

  /**
   * Two-stage loop: while one flush is stored (main thread, SQL), the next one is already being verified (worker
   * threads), so the CPU-heavy and the I/O-heavy halves overlap.
   */
  private async drain(): Promise<void> {
    const take = () => {
      const items = this._queue.splice(0, this.limits.maxFlush);
      return this.prepare(items).then(
        (prepared) => ({ items, prepared, error: undefined }),
        (error: Error) => ({ items, prepared: undefined, error }),
      );
    };
    try {
      let next: ReturnType<typeof take> | undefined =
        this._queue.length > 0 || this._rejectLog.length > 0 ? take() : undefined;
      while (next) {
        const current = await next;
        next = this._queue.length > 0 ? take() : undefined;
        try {
          if (current.error) throw current.error;
          await this.commit(current.items, current.prepared!);
        } catch (error) {
          // the SCD failed: nothing of this flush is acknowledged; the broker redelivers
          this.log.error({ err: (error as Error).message, packets: current.items.length }, "flush failed");
          for (const i of current.items) i.reject(error as Error);
        }
        if (!next && (this._queue.length > 0 || this._rejectLog.length > 0)) next = take();
      }
    } finally {
      this._flushing = undefined;
    }
  }

  private rejecter(items: Pending[], outcomes: (IngestOutcome | undefined)[]) {
    return (i: number, reason: RejectReason, detail: string, pod?: string) => {
      outcomes[i] = {
        accepted: false,
        reason,
        detail,
        retryable: RETRYABLE_REASONS.has(reason),
        hash: claimedHash(items[i].payload),
        pod,
      };
      this.stats.rejected[reason] = (this.stats.rejected[reason] ?? 0) + 1;
      this._rejectLog.push({ reason, topic: items[i].topic, pod, detail, atMs: this.clock() });
    };
  }

  /** Stage 1 (stateless): size and topic checks, signatures in the worker pool. */
  private async prepare(items: Pending[]): Promise<Prepared> {
    const outcomes: (IngestOutcome | undefined)[] = new Array(items.length);
    const rejectAt = this.rejecter(items, outcomes);

    // 1. cheap checks, then signatures in the worker pool
    const toVerify: number[] = [];
    const topicOf: ({ pod: string; channel: string } | undefined)[] = [];
    items.forEach((item, i) => {
      if (Buffer.byteLength(item.payload) > this.limits.maxPayloadBytes)
        return rejectAt(i, "oversized", `${Buffer.byteLength(item.payload)} bytes > ${this.limits.maxPayloadBytes}`);
      try {
        topicOf[i] = parseTopic(item.topic);
      } catch (error) {
        return rejectAt(i, "bad-topic", (error as Error).message);
      }
      toVerify.push(i);
    });
    const verified: VerifyOutcome[] = await this.verifier.verify(toVerify.map((i) => items[i].payload));
    return { outcomes, toVerify, topicOf, verified };
  }

  /** Stage 2 (in order): topic binding, time window, key register, sequence order, storage, bookkeeping. */
  private async commit(items: Pending[], prepared: Prepared): Promise<void> {
    this.stats.flushes++;
    const { outcomes, toVerify, topicOf, verified } = prepared;
    const rejectAt = this.rejecter(items, outcomes);
    // 2. topic binding, time window, key register
    const candidates: { i: number; packet: SignedPacket }[] = [];
    const now = this.clock();
    const pre: { i: number; packet: SignedPacket }[] = [];
    toVerify.forEach((i, k) => {
      const v = verified[k];
      const topic = topicOf[i]!;
      if (!v.ok) return rejectAt(i, v.reason, v.detail, topic.pod);
      const p = v.packet;
      if (p.pod !== topic.pod)
        return rejectAt(i, "topic-mismatch", `packet for ${p.pod} on ${items[i].topic}`, topic.pod);
      if (CHANNEL_OF_KIND[p.kind] !== topic.channel)
        return rejectAt(i, "topic-mismatch", `${p.kind} packet on channel ${topic.channel}`, p.pod);
      if (p.data.timestampMs > now + this.limits.maxFutureMs)
        return rejectAt(
          i,
          "timestamp-in-future",
          `${p.data.timestampMs} > now ${now} + ${this.limits.maxFutureMs}`,
          p.pod,
        );
      if (p.data.timestampMs < now - this.limits.maxAgeMs)
        return rejectAt(i, "timestamp-too-old", `${p.data.timestampMs} older than ${this.limits.maxAgeMs} ms`, p.pod);
      pre.push({ i, packet: p });
    });
    // register look-ups: PoDs in parallel, each PoD's packets in order (so its first key is registered once)
    const keyResults = new Map<number, Awaited<ReturnType<KeyRegister["check"]>>>();
    const byPod = new Map<string, { i: number; packet: SignedPacket }[]>();
    for (const c of pre) {
      const group = byPod.get(c.packet.pod);
      if (group) group.push(c);
      else byPod.set(c.packet.pod, [c]);
    }
    await Promise.all(
      [...byPod.values()].map(async (group) => {
        for (const { i, packet } of group)
          keyResults.set(
            i,
            await this.keys.check(packet.pod, packet.publicKey, packet.data.timestampMs, items[i].receivedMs),
          );
      }),
    );
    for (const { i, packet } of pre) {
      const kc = keyResults.get(i)!;
      if (!kc.ok) rejectAt(i, kc.reason, kc.detail, packet.pod);
      else candidates.push({ i, packet });
    }

    // 3. order and time. A node numbers its packets in one series and its clock goes forward with it. A sequence
    // above the PoD's highest must not go back in time; one below it fills a gap (a flush that failed here, a
    // redelivery) and must fit in time between its stored neighbours; (PoD, sequence) stays unique (the replay
    // guard). The last will (armed at connect with the then-next sequence) is the one exception.
    const accepted: { i: number; packet: SignedPacket }[] = [];
    const behind: { i: number; packet: SignedPacket }[] = [];
    const last = new Map<string, { seq: number; ts: number }>();
    for (const c of candidates) {
      const { pod, sequence, timestampMs } = c.packet.data;
      const high = last.get(pod) ?? this._last.get(pod);
      const isWill = c.packet.kind === "anomaly" && (c.packet.data as { anomaly: string }).anomaly === "node-offline";
      if (isWill || !high) {
        if (!isWill) last.set(pod, { seq: sequence, ts: timestampMs });
        accepted.push(c);
      } else if (sequence > high.seq) {
        if (timestampMs < high.ts)
          rejectAt(
            c.i,
            "time-not-monotonic",
            `sequence ${sequence} at ${timestampMs} is before sequence ${high.seq} at ${high.ts}`,
            pod,
          );
        else {
          last.set(pod, { seq: sequence, ts: timestampMs });
          accepted.push(c);
        }
      } else behind.push(c);
    }
    if (behind.length > 0) {
      const stored = await this.store.storedHashes(behind.map((b) => b.packet.hash));
      const gaps = behind.filter((b) => !stored.has(b.packet.hash));
      const around = await this.store.neighbourTimes(
        gaps.map((b) => ({ pod: b.packet.pod, seq: b.packet.data.sequence })),
      );
      for (const b of behind) {
        const { pod, sequence, timestampMs } = b.packet.data;
        if (stored.has(b.packet.hash)) {
          rejectAt(b.i, "duplicate", `packet ${b.packet.hash} already stored (redelivery)`, pod);
          continue;
        }
        const n = around.get(`${pod}\u0000${sequence}`);
        if (n?.taken) rejectAt(b.i, "replay", `sequence ${sequence} of ${pod} already used by another packet`, pod);
        else if (
          n &&
          ((n.beforeTs !== null && timestampMs < n.beforeTs) || (n.afterTs !== null && timestampMs > n.afterTs))
        )
          rejectAt(
            b.i,
            "time-not-monotonic",
            `sequence ${sequence} at ${timestampMs} is not between its stored neighbours (${n.beforeTs}..${n.afterTs})`,
            pod,
          );
        else accepted.push(b);
      }
    }

    // 4. store (unique hash and (PoD, sequence) decide between concurrent instances), then the bookkeeping
    const rows: NewPacket[] = accepted.map(({ i, packet }) => ({
      hash: packet.hash,
      kind: packet.kind,
      pod: packet.pod,
      seq: packet.data.sequence,
      timestampMs: packet.data.timestampMs,
      publicKey: packet.publicKey,
      signature: packet.signature,
      data: packet.data,
      receivedMs: items[i].receivedMs,
    }));
    const { inserted, duplicates } = await this.store.insertPackets(rows);
    if (duplicates.length > 0) {
      const stored = await this.store.storedHashes(duplicates);
      for (const { i, packet } of accepted) {
        if (inserted.has(packet.hash)) continue;
        if (stored.has(packet.hash)) rejectAt(i, "duplicate", `packet ${packet.hash} already stored`, packet.pod);
        else
          rejectAt(
            i,
            "replay",
            `sequence ${packet.data.sequence} of ${packet.pod} already used by another packet`,
            packet.pod,
          );
      }
    }
    // only what was stored moves the high-water mark (a failed or refused flush must not lock its packets out)
    for (const { packet } of accepted) {
      if (!inserted.has(packet.hash)) continue;
      if (packet.kind === "anomaly" && (packet.data as { anomaly: string }).anomaly === "node-offline") continue;
      const high = this._last.get(packet.pod);
      if (!high || packet.data.sequence > high.seq)
        this._last.set(packet.pod, { seq: packet.data.sequence, ts: packet.data.timestampMs });
    }
    const status = new Map<
      string,
      { pod: string; online: boolean; lastSeenMs: number; lastSeq: number | null; statusReason: string | null }
    >();
    for (const { i, packet } of accepted) {
      const id = inserted.get(packet.hash);
      if (id === undefined) continue;
      outcomes[i] = { accepted: true, id, hash: packet.hash, pod: packet.pod, kind: packet.kind };
      this.stats.accepted++;
      const will = packet.kind === "anomaly" && (packet.data as { anomaly: string }).anomaly === "node-offline";
      status.set(packet.pod, {
        pod: packet.pod,
        online: !will,
        lastSeenMs: items[i].receivedMs,
        lastSeq: will ? null : packet.data.sequence,
        statusReason: packet.kind === "anomaly" ? (packet.data as { anomaly: string }).anomaly : null,
      });
    }
    await this.store.touchLightNodes([...status.values()], now);
    await this.flushRejections();
    if (inserted.size > 0) this.onStored?.(rows.filter((r) => inserted.has(r.hash)));
    items.forEach((item, i) =>
      item.resolve(outcomes[i] ?? { accepted: false, reason: "malformed", detail: "not processed", retryable: false }),
    );
  }

  private async flushRejections(): Promise<void> {
    if (this._rejectLog.length === 0) return;
    const log = this._rejectLog;
    this._rejectLog = [];
    // a sample goes to the log; every one is counted in the SCD
    for (const r of log.slice(0, 5)) this.log.warn(r, "packet rejected");
    if (log.length > 5) this.log.warn({ more: log.length - 5 }, "more packets rejected in this flush");
    await this.store.recordRejections(log);
  }
}

const CLAIMED_HASH = /"hash"\s*:\s*"(0x[0-9a-fA-F]{64})"/;

/** The hash a payload claims, read without trusting it: only to address the acknowledgement to its node. */
export function claimedHash(payload: string): string | undefined {
  return CLAIMED_HASH.exec(payload.slice(0, 8192))?.[1]?.toLowerCase();
}
