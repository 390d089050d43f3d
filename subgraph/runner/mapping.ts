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
import type { EntityData } from "./values";

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
  /** `dataSource.context()` of a data source created from a template (empty for the manifest's own). */
  context: EntityData;
  /** The template it was created from, for a dynamic data source. */
  template?: string;
}

/** A `templates:` entry of the manifest: a data source without an address, instantiated by `dataSource.create`. */
export type DataSourceTemplate = Omit<DataSource, "address" | "startBlock" | "context" | "template">;

/** A data source a mapping created from a template (persisted by the store, rolled back with its block). */
export interface DynamicDataSourceRecord {
  template: string;
  address: Hex;
  /** Block of the creating trigger: the data source sees that block's logs and every later one. */
  block: number;
  context: EntityData;
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
  source: { address?: string; abi: string; startBlock?: number };
  mapping: {
    apiVersion: string;
    abis: { name: string; file: string }[];
    eventHandlers?: { event: string; handler: string; receipt?: boolean }[];
    file: string;
  };
}

/**
 * What the runner runs, key by key, as graph-node's manifest spells it. Anything else (block and call handlers,
 * `receipt: true`, declared `calls`, topic filters, `endBlock`, grafting, features, file data sources, other
 * chains) is refused by name when the subgraph loads: ignoring it would index something else than graph-node.
 */
const SUPPORTED = {
  manifest: ["specVersion", "schema", "dataSources", "templates", "description", "repository"],
  dataSource: ["kind", "name", "network", "source", "mapping"],
  template: ["kind", "name", "network", "source", "mapping"],
  source: ["address", "abi", "startBlock"],
  templateSource: ["abi"],
  mapping: ["kind", "apiVersion", "language", "entities", "abis", "eventHandlers", "file"],
  eventHandler: ["event", "handler"],
  kinds: ["ethereum/contract", "ethereum"],
};

export class UnsupportedManifestFeatureError extends Error {
  constructor(
    readonly where: string,
    readonly feature: string,
  ) {
    super(`${where}: \`${feature}\` is not supported by the FlexGrid subgraph runner (graph-node runs it)`);
    this.name = "UnsupportedManifestFeatureError";
  }
}

function refuseUnknownKeys(where: string, value: unknown, allowed: string[]): void {
  if (typeof value !== "object" || value === null) return;
  for (const key of Object.keys(value))
    if (!allowed.includes(key)) throw new UnsupportedManifestFeatureError(where, key);
}

/** Refuses every manifest feature the runner would otherwise ignore, naming it. */
export function checkManifestSupported(manifest: Record<string, unknown>): void {
  refuseUnknownKeys("subgraph.yaml", manifest, SUPPORTED.manifest);
  const entries = [
    ...((manifest.dataSources as ManifestDataSource[] | undefined) ?? []).map((d) => ({ d, template: false })),
    ...((manifest.templates as ManifestDataSource[] | undefined) ?? []).map((d) => ({ d, template: true })),
  ];
  for (const { d, template } of entries) {
    const where = `${template ? "template" : "data source"} ${d.name}`;
    if (!SUPPORTED.kinds.includes(d.kind)) throw new UnsupportedManifestFeatureError(where, `kind: ${d.kind}`);
    refuseUnknownKeys(where, d, template ? SUPPORTED.template : SUPPORTED.dataSource);
    refuseUnknownKeys(`${where} source`, d.source, template ? SUPPORTED.templateSource : SUPPORTED.source);
    refuseUnknownKeys(`${where} mapping`, d.mapping, SUPPORTED.mapping);
    for (const h of d.mapping.eventHandlers ?? []) {
      refuseUnknownKeys(`${where} handler ${h.handler}`, h, SUPPORTED.eventHandler);
    }
  }
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
  /** The manifest's templates, by name. */
  templates: Map<string, DataSourceTemplate>;
  /** Data sources created from templates so far (in creation order). */
  dynamic: DataSource[];
  /** Lower-case contract address -> data sources watching it (the manifest's and the dynamic ones). */
  byAddress: Map<string, DataSource[]>;
}

/**
 * Reads `<buildDir>/subgraph.yaml` as `graph build` writes it: event handlers of contract data sources and
 * templates. Every other feature is refused by name (checkManifestSupported).
 */
export function loadSubgraph(buildDir: string): LoadedSubgraph {
  const raw = parseYaml(readFileSync(path.join(buildDir, "subgraph.yaml"), "utf8")) as Record<string, unknown>;
  checkManifestSupported(raw);
  const manifest = raw as unknown as {
    schema: { file: string };
    dataSources: ManifestDataSource[];
    templates?: ManifestDataSource[];
  };
  const schema = parseSchema(readFileSync(path.join(buildDir, manifest.schema.file), "utf8"));
  const modules = new Map<string, WebAssembly.Module>();
  const load = (ds: ManifestDataSource): DataSourceTemplate => {
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
    return { name: ds.name, network: ds.network, abis, handlers, module };
  };
  const dataSources: DataSource[] = manifest.dataSources.map((ds) => {
    if (!ds.source.address) throw new UnsupportedManifestFeatureError(`data source ${ds.name}`, "no source.address");
    return {
      ...load(ds),
      address: ds.source.address.toLowerCase() as Hex,
      startBlock: ds.source.startBlock ?? 0,
      context: {},
    };
  });
  const templates = new Map((manifest.templates ?? []).map((t) => [t.name, load(t)]));
  const subgraph: LoadedSubgraph = { dir: buildDir, schema, dataSources, templates, dynamic: [], byAddress: new Map() };
  indexAddresses(subgraph);
  return subgraph;
}

/** Rebuilds the address index over the manifest's data sources and the dynamic ones. */
export function indexAddresses(subgraph: LoadedSubgraph): void {
  subgraph.byAddress.clear();
  for (const ds of [...subgraph.dataSources, ...subgraph.dynamic])
    subgraph.byAddress.set(ds.address, [...(subgraph.byAddress.get(ds.address) ?? []), ds]);
}

/** The data source a template instantiation stands for. */
export function instantiateTemplate(subgraph: LoadedSubgraph, record: DynamicDataSourceRecord): DataSource {
  const template = subgraph.templates.get(record.template);
  if (!template) throw new MappingError(`no data source template named \`${record.template}\``);
  return {
    ...template,
    address: record.address.toLowerCase() as Hex,
    startBlock: record.block,
    context: record.context,
    template: record.template,
  };
}

/** Makes the subgraph watch exactly these dynamic data sources (after a load, a creation or a rollback). */
export function setDynamicDataSources(subgraph: LoadedSubgraph, records: readonly DynamicDataSourceRecord[]): void {
  subgraph.dynamic = records.map((r) => instantiateTemplate(subgraph, r));
  indexAddresses(subgraph);
}

/** Matches a log to the handlers of the data sources watching its address. */
export function matchLog(
  subgraph: Pick<LoadedSubgraph, "byAddress">,
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
  /** Reusable instances per WASM module (a template's clones share theirs). */
  private readonly instances = new Map<
    WebAssembly.Module,
    { exports: AscExports & Record<string, (ptr: number) => void>; memory: AscMemory }
  >();
  private environment: HostEnvironment | null = null;
  /** Triggers run per `DataSource.handler` (for logs, the benchmark and the handler-coverage test). */
  readonly handled = new Map<string, number>();
  /** Import objects per data source, bound to this runner's current instance and environment. */
  private readonly importsByModule = new Map<WebAssembly.Module, WebAssembly.Imports>();

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
    const cached = this.instances.get(ds.module);
    if (cached && !this.freshInstancePerTrigger && cached.exports.memory.buffer.byteLength <= MAX_REUSED_MEMORY_BYTES)
      return cached;
    const instance = new WebAssembly.Instance(ds.module, this.imports(ds));
    const exports = instance.exports as unknown as AscExports & Record<string, (ptr: number) => void>;
    const fresh = { exports, memory: new AscMemory(exports) };
    this.memory = fresh.memory;
    exports._start?.();
    this.instances.set(ds.module, fresh);
    return fresh;
  }

  private imports(ds: DataSource): WebAssembly.Imports {
    let imports = this.importsByModule.get(ds.module);
    if (!imports) {
      imports = createHostImports(
        ds.module,
        () => {
          if (!this.memory) throw new MappingError("host function called outside a handler");
          return this.memory;
        },
        () => this.environment!,
      );
      this.importsByModule.set(ds.module, imports);
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
      dataSource: { address: ds.address, network: ds.network, context: ds.context },
      createDataSource: (template, params, context) => {
        // graph-node: the template must exist and its one parameter is the contract address.
        if (!this.subgraph.templates.has(template))
          throw new MappingError(`Failed to create data source from name \`${template}\`: no template with this name`);
        const address = params[0];
        if (params.length !== 1 || !/^0x[0-9a-fA-F]{40}$/.test(address ?? ""))
          throw new MappingError(`Failed to create data source \`${template}\`: expected one address, got ${params}`);
        if (!this.store.createDataSource) throw new MappingError("this store cannot create data sources");
        this.store.createDataSource({
          template,
          address: address.toLowerCase() as Hex,
          block: Number(block.number),
          context,
        });
      },
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
      this.instances.delete(ds.module);
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
