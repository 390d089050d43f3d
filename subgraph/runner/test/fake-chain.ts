// A chain in memory behind the three viem calls the follower makes (getBlockNumber, getBlock, getLogs), with
// switches for an RPC outage, failing calls and a reorganisation, so the follower can be tested without a node.
import { keccak256, toHex } from "viem";
import type { Hex, PublicClient } from "viem";
import type { ChainLog } from "../mapping";

export interface FakeBlock {
  number: number;
  hash: Hex;
  parentHash: Hex;
  timestamp: number;
  logs: ChainLog[];
}

export class FakeChain {
  readonly blocks: FakeBlock[] = [];
  /** Every call fails while true (the node is down). */
  down = false;
  /** The next N calls fail (a flaky endpoint). */
  failNext = 0;
  /** Calls made, by method. */
  readonly calls: string[] = [];
  /** Blocks dropped by `truncate`, still answered by hash as a node keeps uncle/orphan blocks. */
  readonly orphans = new Map<Hex, FakeBlock>();

  constructor(private readonly branch = "main") {
    this.mine([]);
  }

  /** Appends a block with these logs; `branch` changes the hashes so a replaced block differs. */
  mine(logs: ChainLog[], branch = this.branch): FakeBlock {
    const number = this.blocks.length;
    const block: FakeBlock = {
      number,
      hash: keccak256(toHex(`${branch}-${number}`)),
      parentHash: number === 0 ? keccak256(toHex("genesis-parent")) : this.blocks[number - 1].hash,
      timestamp: 1_700_000_000 + number * 12,
      logs: logs.map((l, i) => ({
        ...l,
        logIndex: i,
        transactionHash: keccak256(toHex(`${branch}-tx-${number}-${i}`)),
        transactionLogIndex: 0,
      })),
    };
    this.blocks.push(block);
    return block;
  }

  /** Drops the blocks from `number` on (a reorg then mines the new branch). */
  truncate(number: number): void {
    for (const b of this.blocks.slice(number)) this.orphans.set(b.hash, b);
    this.blocks.length = number;
  }

  private async enter(method: string): Promise<void> {
    this.calls.push(method);
    if (this.down) throw new Error(`${method}: connect ECONNREFUSED 127.0.0.1:8545`);
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error(`${method}: HTTP request failed, status 502`);
    }
  }

  client(): PublicClient {
    const notFound = (n: bigint) =>
      Object.assign(new Error(`Block at number "${n}" could not be found.`), {
        name: "BlockNotFoundError",
      });
    const api = {
      getBlockNumber: async () => {
        await this.enter("eth_blockNumber");
        return BigInt(this.blocks.length - 1);
      },
      getBlock: async ({
        blockNumber,
        blockHash,
        includeTransactions,
      }: {
        blockNumber?: bigint;
        blockHash?: Hex;
        includeTransactions?: boolean;
      }) => {
        await this.enter(blockHash ? "eth_getBlockByHash" : "eth_getBlockByNumber");
        const b = blockHash
          ? (this.orphans.get(blockHash) ?? this.blocks.find((x) => x.hash === blockHash))
          : this.blocks[Number(blockNumber)];
        if (!b) throw notFound(blockNumber ?? 0n);
        const txs = b.logs.map((l, i) => ({
          hash: l.transactionHash,
          transactionIndex: i,
          from: "0x00000000000000000000000000000000000000aa",
          to: l.address,
          value: 0n,
          gas: 100_000n,
          gasPrice: 1n,
          input: "0x",
          nonce: i,
        }));
        return {
          number: BigInt(b.number),
          hash: b.hash,
          parentHash: b.parentHash,
          timestamp: BigInt(b.timestamp),
          miner: "0x0000000000000000000000000000000000000001",
          stateRoot: b.hash,
          transactionsRoot: b.hash,
          receiptsRoot: b.hash,
          sha3Uncles: b.hash,
          gasUsed: 0n,
          gasLimit: 30_000_000n,
          difficulty: 0n,
          totalDifficulty: 0n,
          size: 1000n,
          baseFeePerGas: 1n,
          transactions: includeTransactions ? txs : txs.map((t) => t.hash),
        };
      },
      getLogs: async ({ address, fromBlock, toBlock }: { address: Hex[]; fromBlock: bigint; toBlock: bigint }) => {
        await this.enter("eth_getLogs");
        const wanted = new Set(address.map((a) => a.toLowerCase()));
        return this.blocks
          .slice(Number(fromBlock), Number(toBlock) + 1)
          .flatMap((b) =>
            b.logs
              .filter((l) => wanted.has(l.address.toLowerCase()))
              .map((l) => ({ ...l, blockNumber: BigInt(b.number), blockHash: b.hash, logIndex: l.logIndex })),
          );
      },
    };
    return api as unknown as PublicClient;
  }
}
