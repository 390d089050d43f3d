// Chain follower: fetches the watched contracts' logs in block ranges, in order, runs their handlers block by
// block, and detects reorgs by comparing the stored hash of the last indexed block with the chain's, rolling the
// store back to the last common block when they differ.
import type { Hex, PublicClient } from "viem";
import type { ChainBlock, ChainLog, ChainTransaction, LoadedSubgraph, MappingRunner, Trigger } from "./mapping";
import { matchLog } from "./mapping";
import type { EntityStore } from "./store";
import { MappingError } from "./values";

export interface FollowerOptions {
  /** Largest block range per eth_getLogs. */
  rangeSize?: number;
  /** Blocks behind the head to stay (0 on a local chain). */
  confirmations?: number;
  onBlock?: (number: number) => void;
  log?: (level: "info" | "warn" | "error", message: string, details?: Record<string, unknown>) => void;
}

export class IndexingFailedError extends Error {
  constructor(
    message: string,
    readonly blockNumber: number,
  ) {
    super(message);
    this.name = "IndexingFailedError";
  }
}

type RpcBlock = Awaited<ReturnType<PublicClient["getBlock"]>>;

function toChainBlock(b: RpcBlock): ChainBlock {
  return {
    number: b.number!,
    hash: b.hash!,
    parentHash: b.parentHash,
    timestamp: b.timestamp,
    miner: b.miner,
    stateRoot: b.stateRoot,
    transactionsRoot: b.transactionsRoot,
    receiptsRoot: b.receiptsRoot,
    sha3Uncles: b.sha3Uncles,
    gasUsed: b.gasUsed,
    gasLimit: b.gasLimit,
    difficulty: b.difficulty,
    totalDifficulty: b.totalDifficulty ?? 0n,
    size: b.size,
    baseFeePerGas: b.baseFeePerGas ?? null,
  };
}

export class ChainFollower {
  private readonly rangeSize: number;
  private readonly confirmations: number;
  private failed: IndexingFailedError | null = null;

  constructor(
    private readonly client: PublicClient,
    private readonly subgraph: LoadedSubgraph,
    private readonly store: EntityStore,
    private readonly mappings: MappingRunner,
    private readonly options: FollowerOptions = {},
  ) {
    this.rangeSize = options.rangeSize ?? 2000;
    this.confirmations = options.confirmations ?? 0;
  }

  get fatalError(): IndexingFailedError | null {
    return this.failed;
  }

  private startBlock(): number {
    return Math.min(...this.subgraph.dataSources.map((d) => d.startBlock));
  }

  /** Rolls back while the stored hash of the latest indexed block is not the chain's. Returns true on a reorg. */
  private async handleReorg(): Promise<boolean> {
    let latest = this.store.latestBlock();
    let reorged = false;
    while (latest) {
      const onChain = await this.client.getBlock({ blockNumber: BigInt(latest.number) }).catch(() => null);
      if (onChain && onChain.hash === latest.hash) break;
      reorged = true;
      // Walk back one block at a time to the last block whose stored hash the chain still has.
      let n = latest.number - 1;
      while (n >= 0) {
        const stored = await this.store.blockHash(n);
        if (stored === null) {
          n--;
          continue;
        }
        const block = await this.client.getBlock({ blockNumber: BigInt(n) }).catch(() => null);
        if (block && block.hash === stored) break;
        n--;
      }
      this.options.log?.("warn", "chain reorganised, rolling back", { from: latest.number, to: n });
      await this.store.rollbackTo(n);
      latest = this.store.latestBlock();
    }
    return reorged;
  }

  /** Indexes up to the current head once. Returns the number of the last indexed block. */
  async syncOnce(): Promise<number> {
    if (this.failed) throw this.failed;
    await this.handleReorg();
    const head = Number(await this.client.getBlockNumber({ cacheTime: 0 })) - this.confirmations;
    let next = (this.store.latestBlock()?.number ?? this.startBlock() - 1) + 1;
    const addresses = [...this.subgraph.byAddress.keys()] as Hex[];
    while (next <= head) {
      const to = Math.min(head, next + this.rangeSize - 1);
      const ok = await this.indexRange(addresses, next, to);
      if (!ok) {
        // A block changed under us during the range: resolve the reorg and retry from the store's latest.
        await this.store.flush();
        await this.handleReorg();
        next = (this.store.latestBlock()?.number ?? this.startBlock() - 1) + 1;
        continue;
      }
      await this.store.flush();
      next = to + 1;
    }
    return this.store.latestBlock()?.number ?? -1;
  }

  private async indexRange(addresses: Hex[], from: number, to: number): Promise<boolean> {
    const logs = addresses.length
      ? await this.client.getLogs({ address: addresses, fromBlock: BigInt(from), toBlock: BigInt(to) })
      : [];
    const byBlock = new Map<number, typeof logs>();
    for (const log of logs) {
      const n = Number(log.blockNumber);
      byBlock.set(n, [...(byBlock.get(n) ?? []), log]);
    }
    const numbers = [...byBlock.keys()].sort((a, b) => a - b);
    let parentHash: string | null = from > 0 ? await this.store.blockHash(from - 1) : null;
    for (const n of numbers) {
      const blockLogs = byBlock.get(n)!.sort((a, b) => Number(a.logIndex) - Number(b.logIndex));
      const rpcBlock = await this.client.getBlock({ blockNumber: BigInt(n), includeTransactions: true });
      if (blockLogs.some((l) => l.blockHash !== rpcBlock.hash)) return false;
      if (parentHash !== null && n === from && rpcBlock.parentHash !== parentHash) return false;
      const block = toChainBlock(rpcBlock);
      const txs = new Map<string, ChainTransaction>();
      for (const tx of rpcBlock.transactions) {
        if (typeof tx === "string") continue;
        txs.set(tx.hash, {
          hash: tx.hash,
          index: tx.transactionIndex ?? 0,
          from: tx.from,
          to: tx.to ?? null,
          value: tx.value,
          gas: tx.gas,
          gasPrice: tx.gasPrice ?? 0n,
          input: tx.input,
          nonce: tx.nonce,
        });
      }
      const perTx = new Map<string, number>();
      const triggers: Trigger[] = [];
      for (const l of blockLogs) {
        const txLogIndex = perTx.get(l.transactionHash!) ?? 0;
        perTx.set(l.transactionHash!, txLogIndex + 1);
        const log: ChainLog = {
          address: l.address,
          topics: l.topics as Hex[],
          data: l.data,
          logIndex: Number(l.logIndex),
          transactionIndex: Number(l.transactionIndex),
          transactionHash: l.transactionHash!,
          transactionLogIndex: txLogIndex,
        };
        const transaction = txs.get(l.transactionHash!);
        if (!transaction) return false;
        for (const match of matchLog(this.subgraph, log, n)) triggers.push({ ...match, block, transaction, log });
      }
      this.runBlock(n, block, triggers);
      parentHash = block.hash;
    }
    // Remember the range's last block so the next round can detect a reorg beneath it.
    if (numbers[numbers.length - 1] !== to) {
      const last = await this.client.getBlock({ blockNumber: BigInt(to) });
      if (parentHash !== null && numbers.length === 0 && to === from && last.parentHash !== parentHash) return false;
      this.store.recordBlock({
        number: to,
        hash: last.hash!,
        parentHash: last.parentHash,
        timestamp: Number(last.timestamp),
      });
    }
    this.options.onBlock?.(to);
    return true;
  }

  /** Runs one block's triggers; a handler failure stops indexing (graph-node fails the subgraph). */
  runBlock(number: number, block: ChainBlock, triggers: Trigger[]): void {
    this.store.beginBlock(number);
    try {
      for (const trigger of triggers) this.mappings.run(trigger);
    } catch (error) {
      this.store.discardBlock();
      const message = error instanceof MappingError ? error.message : String(error);
      this.failed = new IndexingFailedError(
        `failed to process trigger in block #${number} (${block.hash}): ${message}`,
        number,
      );
      this.options.log?.("error", "subgraph failed", { block: number, error: message });
      throw this.failed;
    }
    this.store.commitBlock({
      number,
      hash: block.hash,
      parentHash: block.parentHash,
      timestamp: Number(block.timestamp),
    });
  }
}
