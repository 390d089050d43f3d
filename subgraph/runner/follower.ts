// Chain follower: fetches the watched contracts' logs in block ranges, in order, runs their handlers block by
// block, and detects reorgs by comparing the stored hash of the last indexed block with the chain's, rolling the
// store back to the last common block when they differ. A failing RPC call is retried with backoff and never
// taken for a reorg: only a block hash the chain answers differently (or a block it no longer has) is one.
import type { Chain, GetBlockReturnType, GetLogsReturnType, Hex, PublicClient } from "viem";
import type {
  ChainBlock,
  ChainLog,
  ChainTransaction,
  DataSource,
  LoadedSubgraph,
  MappingRunner,
  Trigger,
} from "./mapping";
import { instantiateTemplate, matchLog, setDynamicDataSources } from "./mapping";
import type { EntityStore } from "./store";
import { MappingError } from "./values";

export interface FollowerOptions {
  /** Largest block range per eth_getLogs. */
  rangeSize?: number;
  /** Blocks behind the head to stay (0 on a local chain). */
  confirmations?: number;
  onBlock?: (number: number) => void;
  /** Attempts per RPC call before the round gives up (the poller then backs off and tries again). */
  rpcAttempts?: number;
  /** First retry delay; doubled per attempt, up to 10 s. */
  rpcRetryDelayMs?: number;
  /** Injected in tests so the backoff does not wait for real. */
  sleep?: (ms: number) => Promise<void>;
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

/** The RPC endpoint kept failing: a transient condition, the index is left as it is and the next poll retries. */
export class RpcUnavailableError extends Error {
  constructor(
    readonly call: string,
    readonly reason: unknown,
  ) {
    super(`JSON-RPC ${call} failed: ${(reason as Error)?.message ?? String(reason)}`);
    this.name = "RpcUnavailableError";
  }
}

/** viem's answer when the node has no block at that height (a shorter chain after a reorg), unlike a failed call. */
function isBlockNotFound(error: unknown): boolean {
  return (error as { name?: string })?.name === "BlockNotFoundError";
}

const MAX_RETRY_DELAY_MS = 10_000;
/** Blocks requested at once (one JSON-RPC batch with a batching transport). */
const BLOCK_FETCH_BATCH = 100;

type RpcLog = GetLogsReturnType[number];

type RpcBlock<T extends boolean = false> = GetBlockReturnType<Chain | undefined, T>;

function toChainBlock(b: RpcBlock<boolean>): ChainBlock {
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

  /** Runs one RPC call, retrying failures with exponential backoff; gives up with RpcUnavailableError. */
  private async rpc<T>(call: string, fn: () => Promise<T>): Promise<T> {
    const attempts = this.options.rpcAttempts ?? 5;
    let delay = this.options.rpcRetryDelayMs ?? 250;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (isBlockNotFound(error)) throw error;
        if (attempt >= attempts) throw new RpcUnavailableError(call, error);
        this.options.log?.("warn", "JSON-RPC call failed, retrying", {
          call,
          attempt,
          error: (error as Error).message,
        });
        await sleep(delay);
        delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
      }
    }
  }

  /** The chain's hash at `number`, or null when the chain has no such block; RPC failures throw. */
  private async chainHash(number: number): Promise<string | null> {
    try {
      const block = await this.rpc(`eth_getBlockByNumber(${number})`, () =>
        this.client.getBlock({ blockNumber: BigInt(number) }),
      );
      return block.hash;
    } catch (error) {
      if (isBlockNotFound(error)) return null;
      throw error;
    }
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
      if ((await this.chainHash(latest.number)) === latest.hash) break;
      reorged = true;
      // Walk back one block at a time to the last block whose stored hash the chain still has.
      let n = latest.number - 1;
      while (n >= 0) {
        const stored = await this.store.blockHash(n);
        if (stored === null) {
          n--;
          continue;
        }
        if ((await this.chainHash(n)) === stored) break;
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
    setDynamicDataSources(this.subgraph, this.store.dynamicDataSources());
    if (await this.handleReorg()) setDynamicDataSources(this.subgraph, this.store.dynamicDataSources());
    const head =
      Number(await this.rpc("eth_blockNumber", () => this.client.getBlockNumber({ cacheTime: 0 }))) -
      this.confirmations;
    let next = (this.store.latestBlock()?.number ?? this.startBlock() - 1) + 1;
    while (next <= head) {
      const to = Math.min(head, next + this.rangeSize - 1);
      const indexedTo = await this.indexRange(next, to);
      if (indexedTo === null) {
        // A block changed under us during the range: resolve the reorg and retry from the store's latest.
        await this.store.flush();
        await this.handleReorg();
        setDynamicDataSources(this.subgraph, this.store.dynamicDataSources());
        next = (this.store.latestBlock()?.number ?? this.startBlock() - 1) + 1;
        continue;
      }
      await this.store.flush();
      next = indexedTo + 1;
    }
    return this.store.latestBlock()?.number ?? -1;
  }

  private async blockWithTransactions(n: number): Promise<RpcBlock<true> | null> {
    try {
      return await this.rpc(`eth_getBlockByNumber(${n}, true)`, () =>
        this.client.getBlock({ blockNumber: BigInt(n), includeTransactions: true }),
      );
    } catch (error) {
      if (isBlockNotFound(error)) return null;
      throw error;
    }
  }

  private async blockHeader(n: number): Promise<RpcBlock | null> {
    try {
      return await this.rpc(`eth_getBlockByNumber(${n})`, () => this.client.getBlock({ blockNumber: BigInt(n) }));
    } catch (error) {
      if (isBlockNotFound(error)) return null;
      throw error;
    }
  }

  /**
   * Indexes blocks `from`..`to`. Returns the last block indexed: `to`, or an earlier block that created data sources
   * (the next range then asks for their logs too), or null when the chain changed under the range (a reorg).
   */
  private async indexRange(from: number, to: number): Promise<number | null> {
    const addresses = [...this.subgraph.byAddress.keys()] as Hex[];
    const logs = addresses.length
      ? await this.rpc(`eth_getLogs(${from}..${to})`, () =>
          this.client.getLogs({ address: addresses, fromBlock: BigInt(from), toBlock: BigInt(to) }),
        )
      : [];
    const byBlock = new Map<number, RpcLog[]>();
    for (const log of logs) {
      const n = Number(log.blockNumber);
      let list = byBlock.get(n);
      if (!list) byBlock.set(n, (list = []));
      list.push(log);
    }
    const numbers = [...byBlock.keys()].sort((a, b) => a - b);
    let parentHash: string | null = from > 0 ? await this.store.blockHash(from - 1) : null;
    for (let i = 0; i < numbers.length; i += BLOCK_FETCH_BATCH) {
      // Fetched together: a batching transport sends them as one JSON-RPC batch.
      const chunk = numbers.slice(i, i + BLOCK_FETCH_BATCH);
      const rpcBlocks = await Promise.all(chunk.map((n) => this.blockWithTransactions(n)));
      for (let j = 0; j < chunk.length; j++) {
        const n = chunk[j];
        const rpcBlock = rpcBlocks[j];
        if (!rpcBlock) return null; // the chain no longer has this block: a reorg under the range
        const blockLogs = byBlock.get(n)!.sort((a, b) => Number(a.logIndex) - Number(b.logIndex));
        if (blockLogs.some((l) => l.blockHash !== rpcBlock.hash)) return null;
        if (parentHash !== null && n === from && rpcBlock.parentHash !== parentHash) return null;
        const block = toChainBlock(rpcBlock);
        const txs = transactionsOf(rpcBlock);
        const triggers = this.triggersOf(blockLogs, block, txs, this.subgraph.byAddress);
        if (!triggers) return null;
        const outcome = await this.processBlock(n, block, txs, triggers);
        if (outcome === "reorg") return null;
        parentHash = block.hash;
        if (outcome === "created") {
          this.options.onBlock?.(n);
          return n;
        }
      }
    }
    // Remember the range's last block so the next round can detect a reorg beneath it.
    if (numbers[numbers.length - 1] !== to) {
      const last = await this.blockHeader(to);
      if (!last) return null;
      if (parentHash !== null && numbers.length === 0 && to === from && last.parentHash !== parentHash) return null;
      this.store.recordBlock({
        number: to,
        hash: last.hash!,
        parentHash: last.parentHash,
        timestamp: Number(last.timestamp),
      });
    }
    this.options.onBlock?.(to);
    return to;
  }

  /** The triggers of a block's logs for the data sources in `byAddress`, in log order; null if a tx is missing. */
  private triggersOf(
    blockLogs: RpcLog[],
    block: ChainBlock,
    txs: Map<string, ChainTransaction>,
    byAddress: Map<string, DataSource[]>,
  ): Trigger[] | null {
    const perTx = new Map<string, number>();
    const triggers: Trigger[] = [];
    const n = Number(block.number);
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
      if (!transaction) return null;
      for (const match of matchLog({ byAddress }, log, n)) triggers.push({ ...match, block, transaction, log });
    }
    return triggers;
  }

  /**
   * Runs one block's triggers as one unit. Data sources created by them also run on this block's logs, after its
   * other triggers, as graph-node does. A handler failure stops indexing (graph-node fails the subgraph); an RPC
   * failure or a reorg discards the block and leaves the index as it was.
   */
  async processBlock(
    number: number,
    block: ChainBlock,
    txs: Map<string, ChainTransaction>,
    triggers: Trigger[],
  ): Promise<"done" | "created" | "reorg"> {
    this.store.beginBlock(number);
    let handled = 0;
    try {
      for (const trigger of triggers) this.mappings.run(trigger);
      for (let created = this.store.dataSourcesCreatedInBlock(); created.length > handled;) {
        const fresh = created.slice(handled).map((r) => instantiateTemplate(this.subgraph, r));
        handled = created.length;
        const byAddress = new Map<string, DataSource[]>();
        for (const ds of fresh) byAddress.set(ds.address, [...(byAddress.get(ds.address) ?? []), ds]);
        const logs = await this.rpc(`eth_getLogs(${number})`, () =>
          this.client.getLogs({
            address: [...byAddress.keys()] as Hex[],
            fromBlock: BigInt(number),
            toBlock: BigInt(number),
          }),
        );
        if (logs.some((l) => l.blockHash !== block.hash)) {
          this.store.discardBlock();
          return "reorg";
        }
        const more = this.triggersOf(
          logs.sort((a, b) => Number(a.logIndex) - Number(b.logIndex)),
          block,
          txs,
          byAddress,
        );
        if (!more) {
          this.store.discardBlock();
          return "reorg";
        }
        for (const trigger of more) this.mappings.run(trigger);
        created = this.store.dataSourcesCreatedInBlock();
      }
    } catch (error) {
      this.store.discardBlock();
      if (error instanceof RpcUnavailableError) throw error;
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
    if (handled === 0) return "done";
    setDynamicDataSources(this.subgraph, this.store.dynamicDataSources());
    return "created";
  }
}

function transactionsOf(rpcBlock: RpcBlock<true>): Map<string, ChainTransaction> {
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
  return txs;
}
