// Cuts Merkle batches of stored packets and anchors their roots on MeasurementAnchor, every few seconds or as
// soon as N packets wait. Crash-safe: a batch is recorded (root, proofs, the chain head as its checkpoint) before
// its transaction, and the transaction's hash before waiting for it; on restart a pending batch whose root is
// already on chain is only recorded (found by that hash, or by its event searched from the checkpoint in ranges a
// public RPC accepts), never anchored twice (the contract refuses too). A transaction not mined in time is
// replaced (same nonce, fees bumped). A batch counts as final only N confirmations deep; one whose root vanished
// before that (a reorg) goes back to pending and is anchored again.
import type { ContractTransactionResponse, Provider, TransactionReceipt } from "ethers";
import type { Logger } from "../../../protocol";
import type { IMeasurementAnchor } from "../../../typechain-types/contracts/interfaces/IMeasurementAnchor";
import { unqueued, type SendQueue } from "../chain/sendQueue";
import { buildBatchProofBlob } from "../scd/proofBlob";
import type { BatchRow, BatchTreeBuilder, ScdStore } from "../scd/scdStore";

export interface AnchorerOptions {
  /** packets per batch (and the count that triggers an early anchor) */
  maxBatch: number;
  /** anchor at least this often while packets wait */
  intervalMs: number;
  /** blocks on top of the anchoring block before a batch is final (reorgs above that depth are not expected) */
  confirmations: number;
  /** a transaction not mined after this long is replaced with higher fees */
  txTimeoutMs: number;
  /** fee increase per replacement, in percent (nodes require at least 10) */
  feeBumpPercent: number;
  /** replacements before the round gives up (the next round picks the batch up again) */
  maxReplacements: number;
  /** widest block range per eth_getLogs call (public RPCs cap it) */
  maxLogRange: number;
  /** where to search for batches cut before checkpoints existed (the contract's deployment block) */
  fallbackFromBlock: number;
}

export const DEFAULT_ANCHOR_OPTIONS: AnchorerOptions = {
  maxBatch: 10_000,
  intervalMs: 5_000,
  confirmations: 12,
  txTimeoutMs: 120_000,
  feeBumpPercent: 25,
  maxReplacements: 5,
  maxLogRange: 2_000,
  fallbackFromBlock: 0,
};

export interface AnchorStats {
  batches: number;
  packets: number;
  gasUsed: bigint;
  /** transactions replaced because they were not mined in time */
  replaced: number;
  /** anchored batches found gone (reorg) and anchored again */
  reorged: number;
  finalized: number;
}

export class Anchorer {
  private _timer?: NodeJS.Timeout;
  private _running?: Promise<void>;
  private _waiting = 0;
  private _stopped = false;
  private readonly opts: AnchorerOptions;
  readonly stats: AnchorStats = { batches: 0, packets: 0, gasUsed: 0n, replaced: 0, reorged: 0, finalized: 0 };
  onAnchored?: (batch: BatchRow) => void;

  constructor(
    private readonly store: ScdStore,
    private readonly anchor: IMeasurementAnchor,
    private readonly log: Logger,
    opts: Partial<AnchorerOptions> & Pick<AnchorerOptions, "maxBatch" | "intervalMs">,
    /** builds a batch's tree and proofs; the service passes its worker pool's, so hashing stays off the main thread */
    private readonly buildTree: BatchTreeBuilder = buildBatchProofBlob,
    /** serialises sends with the other users of the wallet (the key register) */
    private readonly sendQueue: SendQueue = unqueued,
  ) {
    this.opts = { ...DEFAULT_ANCHOR_OPTIONS, ...opts };
  }

  private get provider(): Provider {
    const provider = this.anchor.runner?.provider;
    if (!provider) throw new Error("the MeasurementAnchor contract needs a signer with a provider");
    return provider;
  }

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

  /** Runs one round (reconcile, pending batches, then new ones until nothing waits); concurrent calls share it. */
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
    await this.reconcile();
    for (const batch of await this.store.pendingBatches()) await this.anchorBatch(batch);
    while (!this._stopped) {
      this._waiting = 0;
      const head = await this.provider.getBlockNumber();
      const batch = await this.store.cutBatch(this.opts.maxBatch, this.buildTree);
      if (!batch) return;
      await this.store.setBatchCheckpoint(batch.id, head);
      await this.anchorBatch({ ...batch, checkpointBlock: head });
      if (batch.count < this.opts.maxBatch) return;
    }
  }

  /**
   * Anchored batches not yet final: final once `confirmations` deep with the root still on chain; back to pending
   * when the root is gone (the block that held it was reorganised away).
   */
  async reconcile(): Promise<void> {
    const unfinal = await this.store.unfinalBatches();
    if (unfinal.length === 0) return;
    const head = await this.provider.getBlockNumber();
    for (const b of unfinal) {
      if (!(await this.anchor.isAnchored(b.root))) {
        const from = Math.max(0, Math.min(b.checkpointBlock ?? head, (b.blockNumber ?? head) - 1, head));
        await this.store.reopenBatch(b.id, from);
        this.stats.reorged++;
        this.log.warn(
          { batch: b.id, root: b.root, block: b.blockNumber },
          "anchored root gone (reorg): anchoring again",
        );
        continue;
      }
      const receipt = b.txHash && b.txHash !== "0x" ? await this.provider.getTransactionReceipt(b.txHash) : null;
      const block = receipt?.blockNumber ?? b.blockNumber;
      if (block !== null && block !== undefined && head - block + 1 >= this.opts.confirmations) {
        await this.store.markBatchFinal(b.id);
        this.stats.finalized++;
      }
    }
  }

  private async anchorBatch(batch: BatchRow): Promise<void> {
    const root = batch.root;
    if (await this.anchor.isAnchored(root)) return this.recordExisting(batch);
    // a transaction sent before a restart may still be in the mempool: wait for it (or replace it) rather than
    // sending a second one with another nonce
    const previous = batch.submittedTx ? await this.provider.getTransaction(batch.submittedTx) : null;
    let tx: {
      hash: string;
      nonce: number;
      maxFeePerGas?: bigint | null;
      maxPriorityFeePerGas?: bigint | null;
      gasPrice?: bigint | null;
    };
    if (previous && previous.blockNumber === null) tx = previous;
    else {
      const sent: ContractTransactionResponse = await this.sendQueue((nonce) =>
        this.anchor.anchorBatch(root, batch.fromMs, batch.toMs, batch.count, nonce === undefined ? {} : { nonce }),
      );
      await this.store.recordSubmission(batch.id, sent.hash, sent.nonce);
      tx = sent;
    }
    const receipt = await this.waitOrReplace(batch, tx);
    if (!receipt) return this.recordExisting(batch);
    if (receipt.status !== 1) throw new Error(`anchor transaction ${receipt.hash} failed`);
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
      txHash: receipt.hash,
      blockNumber: receipt.blockNumber,
      chainBatchId,
      anchoredMs: Date.now(),
    });
    this.stats.batches++;
    this.stats.packets += batch.count;
    this.stats.gasUsed += receipt.gasUsed;
    this.log.info(
      { batch: batch.id, chainBatchId, count: batch.count, tx: receipt.hash, gas: Number(receipt.gasUsed) },
      "batch anchored",
    );
    this.onAnchored?.({
      ...batch,
      status: "anchored",
      txHash: receipt.hash,
      blockNumber: receipt.blockNumber,
      chainBatchId,
    });
  }

  /**
   * Waits for any of the batch's transactions (the first one or a replacement) to be mined; after `txTimeoutMs`
   * without one, replaces the latest with the same nonce and higher fees. Resolves undefined when the root got
   * anchored by a transaction we no longer track (another instance, an earlier run).
   */
  private async waitOrReplace(
    batch: BatchRow,
    first: {
      hash: string;
      nonce: number;
      maxFeePerGas?: bigint | null;
      maxPriorityFeePerGas?: bigint | null;
      gasPrice?: bigint | null;
    },
  ): Promise<TransactionReceipt | undefined> {
    const hashes = [first.hash];
    let latest = first;
    const pollMs = Math.max(50, Math.min(1000, this.opts.txTimeoutMs / 5));
    for (let replacements = 0; ; replacements++) {
      const deadline = Date.now() + this.opts.txTimeoutMs;
      while (Date.now() < deadline) {
        for (const h of hashes) {
          const receipt = await this.provider.getTransactionReceipt(h);
          if (receipt) return receipt;
        }
        if (this._stopped) throw new Error("anchorer stopped while waiting for a transaction");
        await new Promise((r) => setTimeout(r, pollMs));
      }
      if (await this.anchor.isAnchored(batch.root)) return undefined;
      if (replacements >= this.opts.maxReplacements)
        throw new Error(`anchor transaction for batch ${batch.id} not mined after ${replacements} replacements`);
      const fees = await this.provider.getFeeData();
      const bump = (v?: bigint | null) => (v ? (v * BigInt(100 + this.opts.feeBumpPercent)) / 100n : 0n);
      const max = (a: bigint, b?: bigint | null) => (b && b > a ? b : a);
      const overrides =
        latest.maxFeePerGas !== undefined && latest.maxFeePerGas !== null
          ? {
              nonce: latest.nonce,
              maxFeePerGas: max(bump(latest.maxFeePerGas), fees.maxFeePerGas),
              maxPriorityFeePerGas: max(bump(latest.maxPriorityFeePerGas), fees.maxPriorityFeePerGas),
            }
          : { nonce: latest.nonce, gasPrice: max(bump(latest.gasPrice), fees.gasPrice) };
      const replacement = await this.sendQueue(() =>
        this.anchor.anchorBatch(batch.root, batch.fromMs, batch.toMs, batch.count, overrides),
      );
      await this.store.recordSubmission(batch.id, replacement.hash, replacement.nonce);
      this.stats.replaced++;
      this.log.warn(
        { batch: batch.id, stuck: latest.hash, replacement: replacement.hash, nonce: latest.nonce },
        "anchor transaction not mined in time: replaced with higher fees",
      );
      hashes.push(replacement.hash);
      latest = replacement;
    }
  }

  /** The root is on chain already (before a crash, or by another instance): find its transaction and record it. */
  private async recordExisting(batch: BatchRow): Promise<void> {
    const root = batch.root;
    let found: { transactionHash: string; blockNumber: number } | undefined;
    if (batch.submittedTx) {
      const receipt = await this.provider.getTransactionReceipt(batch.submittedTx);
      if (receipt?.status === 1) found = { transactionHash: receipt.hash, blockNumber: receipt.blockNumber };
    }
    if (!found) found = await this.findAnchorEvent(root, batch.checkpointBlock ?? this.opts.fallbackFromBlock);
    const onChain = await this.anchor.batchOfRoot(root);
    await this.store.markBatchAnchored(batch.id, {
      txHash: found?.transactionHash ?? "0x",
      blockNumber: found?.blockNumber ?? 0,
      chainBatchId: Number(onChain.batchId),
      anchoredMs: Number(onChain.anchoredAt) * 1000,
    });
    this.log.info({ batch: batch.id, root }, "batch was already anchored: recorded");
  }

  /** Searches BatchAnchored(root) from `fromBlock` to the head in ranges of at most `maxLogRange` blocks. */
  private async findAnchorEvent(root: string, fromBlock: number) {
    const head = await this.provider.getBlockNumber();
    const filter = this.anchor.filters.BatchAnchored(undefined, root);
    for (let from = Math.max(0, fromBlock); from <= head; from += this.opts.maxLogRange) {
      const to = Math.min(head, from + this.opts.maxLogRange - 1);
      const events = await this.anchor.queryFilter(filter, from, to);
      if (events[0]) return events[0];
    }
    return undefined;
  }
}
