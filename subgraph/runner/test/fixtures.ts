// Test helpers: synthetic blocks, transactions and logs for feeding handlers without a chain.
import { encodeAbiParameters, encodeEventTopics, keccak256, toHex } from "viem";
import type { Abi, AbiEvent, Hex } from "viem";
import type { ChainBlock, ChainLog, ChainTransaction } from "../mapping";

export function fakeBlock(number: number, timestamp = 1_700_000_000 + number * 12): ChainBlock {
  return {
    number: BigInt(number),
    hash: keccak256(toHex(`block-${number}`)),
    parentHash: keccak256(toHex(`block-${number - 1}`)),
    timestamp: BigInt(timestamp),
    miner: "0x0000000000000000000000000000000000000001",
    stateRoot: keccak256(toHex("state")),
    transactionsRoot: keccak256(toHex("txs")),
    receiptsRoot: keccak256(toHex("receipts")),
    sha3Uncles: keccak256(toHex("uncles")),
    gasUsed: 21000n,
    gasLimit: 30_000_000n,
    difficulty: 0n,
    totalDifficulty: 0n,
    size: 1000n,
    baseFeePerGas: 1_000_000_000n,
  };
}

export function fakeTransaction(
  index: number,
  from: Hex = "0x00000000000000000000000000000000000000aa",
): ChainTransaction {
  return {
    hash: keccak256(toHex(`tx-${index}`)),
    index,
    from,
    to: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
    value: 0n,
    gas: 100_000n,
    gasPrice: 1_000_000_000n,
    input: "0x",
    nonce: index,
  };
}

export function fakeLog(
  abi: Abi,
  address: Hex,
  eventName: string,
  args: Record<string, unknown>,
  logIndex = 0,
): ChainLog {
  const event = abi.find((item): item is AbiEvent => item.type === "event" && item.name === eventName);
  if (!event) throw new Error(`no event ${eventName}`);
  const topics = encodeEventTopics({ abi: [event], eventName, args } as Parameters<typeof encodeEventTopics>[0]);
  const dataInputs = event.inputs.filter((i) => !i.indexed);
  const data = encodeAbiParameters(
    dataInputs,
    dataInputs.map((i) => args[i.name!]),
  );
  return {
    address,
    topics: topics as Hex[],
    data,
    logIndex,
    transactionIndex: 0,
    transactionHash: keccak256(toHex(`tx-${logIndex}`)),
    transactionLogIndex: logIndex,
  };
}

export { encodeAbiParameters };
