// Loads a built subgraph (build/subgraph.yaml, its ABIs and WASM files) and runs event handlers: one fresh WASM
// instance per trigger, as graph-node does, with the ethereum.Event written into the instance's memory.
// The WebAssembly globals are declared there (not in the ES2023 lib); a module import cannot bring globals in.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./wasm.d.ts" />
import { readFileSync } from "node:fs";
import path from "node:path";
import { decodeAbiParameters, toEventSelector } from "viem";
import type { Abi, AbiEvent, AbiParameter, Hex } from "viem";
import { parse as parseYaml } from "yaml";
import { AscMemory, TypeId } from "./asc";
import type { AscExports } from "./asc";
import { createHostImports } from "./host";
import type { EthCaller, HostEnvironment, HostLogger, HostStore } from "./host";
import { parseSchema } from "./schema";
import type { SchemaModel } from "./schema";
import { MappingError, writeBigInt, writeEthValue } from "./values";

export interface ChainBlock {
  number: bigint;
  hash: Hex;
  parentHash: Hex;
  timestamp: bigint;
  miner: Hex;
  stateRoot: Hex;
  transactionsRoot: Hex;
  receiptsRoot: Hex;
  sha3Uncles: Hex;
  gasUsed: bigint;
  gasLimit: bigint;
  difficulty: bigint;
  totalDifficulty: bigint;
  size: bigint;
  baseFeePerGas: bigint | null;
}

export interface ChainTransaction {
  hash: Hex;
  index: number;
  from: Hex;
  to: Hex | null;
  value: bigint;
  gas: bigint;
  gasPrice: bigint;
  input: Hex;
  nonce: number;
}

export interface ChainLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
  logIndex: number;
  transactionIndex: number;
  transactionHash: Hex;
  /** Index of the log within its transaction. */
  transactionLogIndex: number;
}

interface EventHandler {
  signature: string;
  handler: string;
  selector: Hex;
  event: AbiEvent;
}

export interface DataSource {
  name: string;
  network: string;
  address: Hex;
  startBlock: number;
  abis: Map<string, Abi>;
  handlers: Map<Hex, EventHandler>;
  module: WebAssembly.Module;
}

export interface Trigger {
  dataSource: DataSource;
  handler: EventHandler;
  block: ChainBlock;
  transaction: ChainTransaction;
  log: ChainLog;
}

interface ManifestDataSource {
  kind: string;
  name: string;
  network: string;
  source: { address: string; abi: string; startBlock?: number };
  mapping: {
    apiVersion: string;
    abis: { name: string; file: string }[];
    eventHandlers?: { event: string; handler: string; receipt?: boolean }[];
    blockHandlers?: unknown[];
    callHandlers?: unknown[];
    file: string;
  };
}

function formatParam(p: AbiParameter): string {
  const match = /^tuple(\[\d*\])*$/.exec(p.type);
  if (match) {
    const components = (p as { components: readonly AbiParameter[] }).components;
    return `(${components.map(formatParam).join(",")})${p.type.slice(5)}`;
  }
  return p.type;
}

/** The event signature as subgraph.yaml spells it: `Name(indexed address,uint256,(uint64,bytes32))`. */
export function manifestSignature(event: AbiEvent): string {
  return `${event.name}(${event.inputs.map((i) => (i.indexed ? "indexed " : "") + formatParam(i)).join(",")})`;
}

function normalizeSignature(s: string): string {
  return s
    .replace(/\s+/g, " ")
    .replace(/\s*([(),])\s*/g, "$1")
    .trim();
}

export interface LoadedSubgraph {
  dir: string;
  schema: SchemaModel;
  dataSources: DataSource[];
  /** Lower-case contract address -> data sources watching it. */
  byAddress: Map<string, DataSource[]>;
}

/** Reads `<buildDir>/subgraph.yaml` as `graph build` writes it. Templates and block/call handlers are rejected. */
export function loadSubgraph(buildDir: string): LoadedSubgraph {
  const manifest = parseYaml(readFileSync(path.join(buildDir, "subgraph.yaml"), "utf8")) as {
    schema: { file: string };
    dataSources: ManifestDataSource[];
    templates?: unknown[];
  };
  const schema = parseSchema(readFileSync(path.join(buildDir, manifest.schema.file), "utf8"));
  const modules = new Map<string, WebAssembly.Module>();
  const dataSources: DataSource[] = [];
  for (const ds of manifest.dataSources) {
    if (ds.kind !== "ethereum/contract" && ds.kind !== "ethereum")
      throw new Error(`data source kind ${ds.kind} not supported`);
    // UNFINISHED: block handlers, call handlers and data source templates are not run by the runner.
    if (ds.mapping.blockHandlers?.length || ds.mapping.callHandlers?.length)
      throw new Error(`${ds.name}: only event handlers are supported by the runner`);
    const abis = new Map<string, Abi>();
    for (const a of ds.mapping.abis)
      abis.set(a.name, JSON.parse(readFileSync(path.join(buildDir, a.file), "utf8")) as Abi);
    const abi = abis.get(ds.source.abi);
    if (!abi) throw new Error(`${ds.name}: ABI ${ds.source.abi} not listed in mapping.abis`);
    const events = abi.filter((item): item is AbiEvent => item.type === "event");
    const handlers = new Map<Hex, EventHandler>();
    for (const h of ds.mapping.eventHandlers ?? []) {
      const wanted = normalizeSignature(h.event);
      const event = events.find((e) => normalizeSignature(manifestSignature(e)) === wanted);
      if (!event) throw new Error(`${ds.name}: event ${h.event} not found in ABI ${ds.source.abi}`);
      const selector = toEventSelector(event);
      handlers.set(selector, { signature: h.event, handler: h.handler, selector, event });
    }
    const wasmPath = path.join(buildDir, ds.mapping.file);
    let module = modules.get(wasmPath);
    if (!module) {
      module = new WebAssembly.Module(readFileSync(wasmPath));
      modules.set(wasmPath, module);
    }
    dataSources.push({
      name: ds.name,
      network: ds.network,
      address: ds.source.address.toLowerCase() as Hex,
      startBlock: ds.source.startBlock ?? 0,
      abis,
      handlers,
      module,
    });
  }
  const byAddress = new Map<string, DataSource[]>();
  for (const ds of dataSources) byAddress.set(ds.address, [...(byAddress.get(ds.address) ?? []), ds]);
  return { dir: buildDir, schema, dataSources, byAddress };
}

/** Matches a log to the handlers of the data sources watching its address. */
export function matchLog(
  subgraph: LoadedSubgraph,
  log: ChainLog,
  blockNumber: number,
): { dataSource: DataSource; handler: EventHandler }[] {
  const out: { dataSource: DataSource; handler: EventHandler }[] = [];
  for (const ds of subgraph.byAddress.get(log.address.toLowerCase()) ?? []) {
    if (blockNumber < ds.startBlock) continue;
    const handler = ds.handlers.get(log.topics[0]);
    if (handler) out.push({ dataSource: ds, handler });
  }
  return out;
}

function isDynamic(type: string): boolean {
  return type === "string" || type === "bytes" || type.endsWith("]") || type.startsWith("tuple");
}

/**
 * Decodes a log's parameters in ABI order. The handler was matched by topic 0 already, so this skips viem's
 * decodeEventLog (which hashes every candidate event's signature on each call). Indexed dynamic values only exist
 * as their topic hash; graph-node hands them over as bytes32, and so does this.
 */
export function decodeLogParams(event: AbiEvent, log: ChainLog): { param: AbiParameter; value: unknown }[] {
  const dataInputs = event.inputs.filter((i) => !i.indexed);
  const dataValues = dataInputs.length ? decodeAbiParameters(dataInputs, log.data) : [];
  let topic = 1;
  let data = 0;
  return event.inputs.map((input) => {
    if (!input.indexed) return { param: input, value: dataValues[data++] };
    const raw = log.topics[topic++];
    if (raw === undefined) throw new MappingError(`log has too few topics for ${event.name}`);
    if (isDynamic(input.type)) return { param: { ...input, type: "bytes32" } as AbiParameter, value: raw };
    return { param: input, value: decodeAbiParameters([input], raw)[0] };
  });
}

/** Instances are reused across triggers until their memory passes this (the stub runtime never frees). */
const MAX_REUSED_MEMORY_BYTES = 16 * 1024 * 1024;

/** Runs handlers against a store; owns the per-trigger WASM instances. */
export class MappingRunner {
  private memory: AscMemory | null = null;
  private readonly instances = new Map<
    DataSource,
    { exports: AscExports & Record<string, (ptr: number) => void>; memory: AscMemory }
  >();
  private environment: HostEnvironment | null = null;
  /** Triggers run per `DataSource.handler` (for logs, the benchmark and the handler-coverage test). */
  readonly handled = new Map<string, number>();
  /** Import objects per data source, bound to this runner's current instance and environment. */
  private readonly importsByDataSource = new Map<DataSource, WebAssembly.Imports>();

  constructor(
    readonly subgraph: LoadedSubgraph,
    private readonly store: HostStore,
    private readonly logger: HostLogger,
    private readonly caller?: EthCaller,
    /**
     * graph-node instantiates the module afresh for every trigger. Instantiation is most of the cost here, so by
     * default an instance is reused until its memory passes 16 MB or a handler fails; mappings that keep mutable
     * module-level state would see it carried over. Set true (or SUBGRAPH_FRESH_INSTANCES=1) for the exact behaviour.
     */
    private readonly freshInstancePerTrigger = process.env.SUBGRAPH_FRESH_INSTANCES === "1",
  ) {}

  private instance(ds: DataSource): { exports: AscExports & Record<string, (ptr: number) => void>; memory: AscMemory } {
    const cached = this.instances.get(ds);
    if (cached && !this.freshInstancePerTrigger && cached.exports.memory.buffer.byteLength <= MAX_REUSED_MEMORY_BYTES)
      return cached;
    const instance = new WebAssembly.Instance(ds.module, this.imports(ds));
    const exports = instance.exports as unknown as AscExports & Record<string, (ptr: number) => void>;
    const fresh = { exports, memory: new AscMemory(exports) };
    this.memory = fresh.memory;
    exports._start?.();
    this.instances.set(ds, fresh);
    return fresh;
  }

  private imports(ds: DataSource): WebAssembly.Imports {
    let imports = this.importsByDataSource.get(ds);
    if (!imports) {
      imports = createHostImports(
        ds.module,
        () => {
          if (!this.memory) throw new MappingError("host function called outside a handler");
          return this.memory;
        },
        () => this.environment!,
      );
      this.importsByDataSource.set(ds, imports);
    }
    return imports;
  }

  /** Runs one trigger; throws MappingError (deterministic) when the handler fails. */
  run(trigger: Trigger): void {
    const { dataSource: ds, handler, block, transaction, log } = trigger;
    this.environment = {
      schema: this.subgraph.schema,
      store: this.store,
      logger: this.logger,
      caller: this.caller,
      dataSource: { address: ds.address, network: ds.network, context: {} },
    };
    try {
      const { exports, memory } = this.instance(ds);
      this.memory = memory;
      const eventPtr = this.writeEvent(handler, block, transaction, log);
      const fn = exports[handler.handler];
      if (typeof fn !== "function") throw new MappingError(`handler ${handler.handler} is not exported by ${ds.name}`);
      fn(eventPtr);
      const key = `${ds.name}.${handler.handler}`;
      this.handled.set(key, (this.handled.get(key) ?? 0) + 1);
    } catch (error) {
      // A failed handler may leave the instance's memory half-written: never reuse it.
      this.instances.delete(ds);
      if (error instanceof MappingError) throw error;
      // WASM traps (unreachable, out of bounds) are deterministic handler failures too.
      throw new MappingError(`${ds.name}.${handler.handler} failed: ${(error as Error).message}`);
    } finally {
      this.memory = null;
      this.environment = null;
    }
  }

  private writeEvent(handler: EventHandler, block: ChainBlock, tx: ChainTransaction, log: ChainLog): number {
    const mem = this.memory!;
    const bytes = (hex: Hex) => mem.writeBytes(Buffer.from(hex.slice(2), "hex"));
    const big = (n: bigint | number) => writeBigInt(mem, BigInt(n));
    let decoded: { param: AbiParameter; value: unknown }[];
    try {
      decoded = decodeLogParams(handler.event, log);
    } catch (error) {
      throw new MappingError(`failed to decode ${handler.event.name} log: ${(error as Error).message}`);
    }
    const params = decoded.map(({ param, value }, i) => {
      const valuePtr = writeEthValue(mem, param, value);
      return mem.writeStruct([mem.writeString(handler.event.inputs[i].name ?? ""), valuePtr], TypeId.EventParam);
    });
    const blockPtr = mem.writeStruct(
      [
        bytes(block.hash),
        bytes(block.parentHash),
        bytes(block.sha3Uncles),
        bytes(block.miner),
        bytes(block.stateRoot),
        bytes(block.transactionsRoot),
        bytes(block.receiptsRoot),
        big(block.number),
        big(block.gasUsed),
        big(block.gasLimit),
        big(block.timestamp),
        big(block.difficulty),
        big(block.totalDifficulty),
        big(block.size),
        block.baseFeePerGas === null ? 0 : big(block.baseFeePerGas),
      ],
      TypeId.EthereumBlock,
    );
    const txPtr = mem.writeStruct(
      [
        bytes(tx.hash),
        big(tx.index),
        bytes(tx.from),
        tx.to ? bytes(tx.to) : 0,
        big(tx.value),
        big(tx.gas),
        big(tx.gasPrice),
        bytes(tx.input),
        big(tx.nonce),
      ],
      TypeId.EthereumTransaction,
    );
    return mem.writeStruct(
      [
        bytes(log.address),
        big(log.logIndex),
        big(log.transactionLogIndex),
        0, // logType: null on Ethereum
        blockPtr,
        txPtr,
        mem.writePointerArray(params, TypeId.ArrayEventParam),
        0, // receipt: only with `receipt: true` in the manifest. UNFINISHED: receipts are not provided.
      ],
      TypeId.EthereumEvent,
    );
  }
}
