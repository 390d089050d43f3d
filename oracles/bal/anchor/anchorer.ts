// Cuts Merkle batches of stored packets and anchors their roots on MeasurementAnchor, every few seconds or as
// soon as N packets wait. Crash-safe: a batch is recorded (root, proofs) before its transaction; on restart a
// pending batch whose root is already on chain is only marked, never anchored twice (the contract refuses too).
import type { Logger } from "../../../protocol";
import type { IMeasurementAnchor } from "../../../typechain-types/contracts/interfaces/IMeasurementAnchor";
import { buildBatchProofBlob } from "../scd/proofBlob";
import type { BatchRow, BatchTreeBuilder, ScdStore } from "../scd/scdStore";

export interface AnchorerOptions {
  /** packets per batch (and the count that triggers an early anchor) */
  maxBatch: number;
  /** anchor at least this often while packets wait */
  intervalMs: number;
}

export interface AnchorStats {
  batches: number;
  packets: number;
  gasUsed: bigint;
}

export class Anchorer {
  private _timer?: NodeJS.Timeout;
  private _running?: Promise<void>;
  private _waiting = 0;
  private _stopped = false;
  readonly stats: AnchorStats = { batches: 0, packets: 0, gasUsed: 0n };
  onAnchored?: (batch: BatchRow) => void;

  constructor(
    private readonly store: ScdStore,
    private readonly anchor: IMeasurementAnchor,
    private readonly log: Logger,
    private readonly opts: AnchorerOptions,
    /** builds a batch's tree and proofs; the service passes its worker pool's, so hashing stays off the main thread */
    private readonly buildTree: BatchTreeBuilder = buildBatchProofBlob,
  ) {}

  start(): void {
    this._timer = setInterval(() => void this.run(), this.opts.intervalMs);
    void this.run();
  }

  async stop(): Promise<void> {
    this._stopped = true;
    if (this._timer) clearInterval(this._timer);
    await this._running;
  }

  /** Tells the anchorer that `n` more packets were stored; a full batch is anchored without waiting. */
  notify(n: number): void {
    this._waiting += n;
    if (this._waiting >= this.opts.maxBatch) void this.run();
  }

  /** Runs one round (pending batches first, then new ones until nothing waits); concurrent calls share it. */
  run(): Promise<void> {
    if (this._running) return this._running;
    this._running = this.round()
      .catch((error: Error) => this.log.error({ err: error.message }, "anchoring round failed; retrying next round"))
      .finally(() => {
        this._running = undefined;
      });
    return this._running;
  }

  private async round(): Promise<void> {
    for (const batch of await this.store.pendingBatches()) await this.anchorBatch(batch);
    while (!this._stopped) {
      this._waiting = 0;
      const batch = await this.store.cutBatch(this.opts.maxBatch, this.buildTree);
      if (!batch) return;
      await this.anchorBatch(batch);
      if (batch.count < this.opts.maxBatch) return;
    }
  }

  private async anchorBatch(batch: BatchRow): Promise<void> {
    const root = batch.root;
    if (await this.anchor.isAnchored(root)) {
      // anchored before a crash, or by another instance: find its transaction and record it
      const events = await this.anchor.queryFilter(this.anchor.filters.BatchAnchored(undefined, root));
      const ev = events[0];
      const onChain = await this.anchor.batchOfRoot(root);
      await this.store.markBatchAnchored(batch.id, {
        txHash: ev?.transactionHash ?? "0x",
        blockNumber: ev?.blockNumber ?? 0,
        chainBatchId: Number(onChain.batchId),
        anchoredMs: Number(onChain.anchoredAt) * 1000,
      });
      this.log.info({ batch: batch.id, root }, "batch was already anchored: recorded");
      return;
    }
    const tx = await this.anchor.anchorBatch(root, batch.fromMs, batch.toMs, batch.count);
    const receipt = await tx.wait();
    if (!receipt || receipt.status !== 1) throw new Error(`anchor transaction ${tx.hash} failed`);
    let chainBatchId = -1;
    for (const l of receipt.logs) {
      try {
        const parsed = this.anchor.interface.parseLog(l);
        if (parsed?.name === "BatchAnchored") chainBatchId = Number(parsed.args.batchId);
      } catch {
        // another contract's log
      }
    }
    await this.store.markBatchAnchored(batch.id, {
      txHash: tx.hash,
      blockNumber: receipt.blockNumber,
      chainBatchId,
      anchoredMs: Date.now(),
    });
    this.stats.batches++;
    this.stats.packets += batch.count;
    this.stats.gasUsed += receipt.gasUsed;
    this.log.info(
      { batch: batch.id, chainBatchId, count: batch.count, tx: tx.hash, gas: Number(receipt.gasUsed) },
      "batch anchored",
    );
    this.onAnchored?.({
      ...batch,
      status: "anchored",
      txHash: tx.hash,
      blockNumber: receipt.blockNumber,
      chainBatchId,
    });
  }
}
