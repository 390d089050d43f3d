// The BAL's side of the application-level acknowledgement: every packet's outcome (stored, duplicate, refused with
// its reason, or retry later) goes back to its node on flexgrid/<pod>/acks, gathered per PoD and sent once per
// event-loop turn, so a flush of 2,000 packets from 50 nodes costs 50 publishes, not 2,000.
import { parseTopic, topics, type AckMessage, type Logger, type PacketAck } from "../../../protocol";
import { claimedHash, type IngestOutcome, type IngestPipeline } from "../ingest/ingestPipeline";

/** Publishes one message (QoS 1) on the broker the nodes are connected to. */
export type PublishFn = (topic: string, payload: string) => Promise<void>;

/** What the node is told about a packet, from the pipeline's outcome. */
export function ackOf(outcome: IngestOutcome): PacketAck | undefined {
  if (outcome.accepted) return { hash: outcome.hash as PacketAck["hash"], status: "stored" };
  if (!outcome.hash) return undefined; // nothing the node could match it to (not a packet of a FlexGrid node)
  const status = outcome.reason === "duplicate" ? "duplicate" : outcome.retryable ? "retry" : "refused";
  return {
    hash: outcome.hash as PacketAck["hash"],
    status,
    reason: outcome.reason,
    detail: outcome.detail.slice(0, 500),
  };
}

export class AckPublisher {
  private _pending = new Map<string, PacketAck[]>();
  private _scheduled = false;
  readonly stats = { messages: 0, acks: 0, failures: 0 };

  constructor(
    private readonly publish: PublishFn,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
    private readonly maxPerMessage = 1000,
  ) {}

  /** Records the outcome of the packet received on `topic`. */
  outcome(topic: string, outcome: IngestOutcome): void {
    const ack = ackOf(outcome);
    if (ack) this.add(topic, ack);
  }

  /** The SCD failed while storing this packet: the node must send it again. */
  failure(topic: string, payload: Buffer | string, error: Error): void {
    const hash = claimedHash(typeof payload === "string" ? payload : payload.toString("utf8"));
    if (!hash) return;
    this.add(topic, {
      hash: hash as PacketAck["hash"],
      status: "retry",
      reason: "scd-unavailable",
      detail: error.message.slice(0, 500),
    });
  }

  private add(topic: string, ack: PacketAck): void {
    let pod: string;
    try {
      pod = parseTopic(topic).pod;
    } catch {
      return;
    }
    const list = this._pending.get(pod);
    if (list) list.push(ack);
    else this._pending.set(pod, [ack]);
    if (!this._scheduled) {
      this._scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends everything gathered so far. */
  flush(): void {
    this._scheduled = false;
    const pending = this._pending;
    this._pending = new Map();
    for (const [pod, acks] of pending)
      for (let i = 0; i < acks.length; i += this.maxPerMessage) {
        const message: AckMessage = { pod, sentMs: this.clock(), acks: acks.slice(i, i + this.maxPerMessage) };
        this.stats.messages++;
        this.stats.acks += message.acks.length;
        // a lost ack costs a resend (the node times out and sends again, the BAL answers "duplicate"), never data
        this.publish(topics.acks(pod), JSON.stringify(message)).catch((error: Error) => {
          this.stats.failures++;
          this.log.warn({ pod, err: error.message }, "could not publish an acknowledgement");
        });
      }
  }
}

/** The broker's ingest hook: the pipeline's submit, with every outcome (or SCD failure) acknowledged to the node. */
export function ingestWithAcks(
  pipeline: Pick<IngestPipeline, "submit">,
  acks: AckPublisher,
): (topic: string, payload: Buffer) => Promise<IngestOutcome> {
  return (topic, payload) =>
    pipeline.submit(topic, payload).then(
      (outcome) => {
        acks.outcome(topic, outcome);
        return outcome;
      },
      (error: Error) => {
        acks.failure(topic, payload, error);
        throw error;
      },
    );
}
