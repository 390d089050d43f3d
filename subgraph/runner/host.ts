// The graph-node host functions the mappings import (names as in graph-node's runtime/wasm module linker), working
// on the AssemblyScript memory of the instance that is running a handler.
// The WebAssembly globals are declared there (not in the ES2023 lib); a module import cannot bring globals in.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./wasm.d.ts" />
import { keccak_256 } from "@noble/hashes/sha3.js";
import {
  bytesToHex,
  decodeAbiParameters,
  encodeAbiParameters,
  getAddress,
  hexToBytes,
  isAddress,
  parseAbiParameters,
} from "viem";
import type { AbiParameter, Hex } from "viem";
import { AscMemory, TypeId } from "./asc";
import * as dec from "./bigdecimal";
import type { DynamicDataSourceRecord } from "./mapping";
import type { EntityModel, SchemaModel } from "./schema";
import {
  MappingError,
  parseJson,
  readBigDecimal,
  readBigInt,
  readEntity,
  readEthValue,
  writeBigDecimal,
  writeBigInt,
  writeEntity,
  writeEthValue,
  writeJsonValue,
} from "./values";
import type { EntityData, JsonNode } from "./values";

/** Synchronous entity access for the handler being run (the runner keeps the current state in memory). */
export interface HostStore {
  get(entity: string, id: string): EntityData | null;
  /** Only the entities written in the current block (store.get_in_block). */
  getInBlock(entity: string, id: string): EntityData | null;
  set(entity: string, id: string, data: EntityData): void;
  remove(entity: string, id: string): void;
  /** Entities of `entity` whose `field` references `id` (store.loadRelated for @derivedFrom fields). */
  loadRelated(entity: string, id: string, field: string): { entity: string; rows: EntityData[] };
  /** Records a data source created from a template in the current block (dataSource.create). */
  createDataSource?(record: DynamicDataSourceRecord): void;
}

export interface HostLogger {
  log(level: "critical" | "error" | "warning" | "info" | "debug", message: string): void;
}

/** A contract call made from a mapping (ethereum.call), answered synchronously at the current block. */
export interface EthCallRequest {
  contractName: string;
  address: Hex;
  functionName: string;
  functionSignature: string;
  args: { type: string; value: unknown; components?: AbiParameter[] }[];
}

export interface EthCaller {
  /** Returns the decoded outputs with their ABI parameters, or null when the call reverted. */
  call(request: EthCallRequest): { outputs: readonly AbiParameter[]; values: readonly unknown[] } | null;
  getBalance?(address: Hex): bigint;
  hasCode?(address: Hex): boolean;
}

export interface HostEnvironment {
  schema: SchemaModel;
  store: HostStore;
  logger: HostLogger;
  caller?: EthCaller;
  dataSource: { address: Hex; network: string; context: EntityData };
  /** dataSource.create / createWithContext: validated and recorded by the mapping runner. */
  createDataSource?: (template: string, params: string[], context: EntityData) => void;
}

/** Names of every host function this runner implements (reported by `subgraph hosts`). */
export const IMPLEMENTED_HOST_FUNCTIONS = [
  "abort",
  "store.get",
  "store.get_in_block",
  "store.loadRelated",
  "store.set",
  "store.remove",
  "ethereum.call",
  "ethereum.getBalance",
  "ethereum.hasCode",
  "ethereum.encode",
  "ethereum.decode",
  "typeConversion.bytesToString",
  "typeConversion.bytesToHex",
  "typeConversion.bigIntToString",
  "typeConversion.bigIntToHex",
  "typeConversion.stringToH160",
  "typeConversion.bytesToBase58",
  "bigInt.plus",
  "bigInt.minus",
  "bigInt.times",
  "bigInt.dividedBy",
  "bigInt.dividedByDecimal",
  "bigInt.mod",
  "bigInt.pow",
  "bigInt.fromString",
  "bigInt.bitOr",
  "bigInt.bitAnd",
  "bigInt.leftShift",
  "bigInt.rightShift",
  "bigDecimal.toString",
  "bigDecimal.fromString",
  "bigDecimal.plus",
  "bigDecimal.minus",
  "bigDecimal.times",
  "bigDecimal.dividedBy",
  "bigDecimal.equals",
  "crypto.keccak256",
  "json.fromBytes",
  "json.try_fromBytes",
  "json.toI64",
  "json.toU64",
  "json.toF64",
  "json.toBigInt",
  "log.log",
  "dataSource.address",
  "dataSource.network",
  "dataSource.context",
  "dataSource.create",
  "dataSource.createWithContext",
] as const;

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function base58(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = "";
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = "1" + out;
  }
  return out;
}

function entityModel(schema: SchemaModel, name: string): EntityModel {
  const model = schema.entities.get(name);
  if (!model) throw new MappingError(`Entity type \`${name}\` is not defined in the schema`);
  return model;
}

/** Checks a store.set like graph-node does: known fields, non-null values present, id matching the key. */
function validateEntity(model: EntityModel, id: string, data: EntityData): void {
  for (const key of Object.keys(data)) {
    const field = model.fields.get(key);
    if (!field)
      throw new MappingError(
        `Unknown key \`${key}\` in entity \`${model.name}\`. It probably means that the schema and the mapping are out of sync.`,
      );
    if (field.derivedFrom)
      throw new MappingError(`Entity ${model.name}[${id}]: field \`${key}\` is derived and can not be set`);
  }
  for (const field of model.fields.values()) {
    if (field.nonNull && !field.derivedFrom && (data[field.name] === undefined || data[field.name] === null))
      throw new MappingError(`Entity ${model.name}[${id}]: missing value for non-nullable field \`${field.name}\``);
  }
  const storedId = data.id;
  if (storedId !== undefined && String(storedId).toLowerCase() !== id.toLowerCase())
    throw new MappingError(`Entity ${model.name}[${id}]: conflicting id value \`${String(storedId)}\``);
}

/**
 * Builds the import object for one module. `memory()` returns the AscMemory of the instance currently running,
 * since a fresh instance is created per trigger (as graph-node does).
 */
export function createHostImports(
  module: WebAssembly.Module,
  memory: () => AscMemory,
  env: () => HostEnvironment,
): WebAssembly.Imports {
  const mem = memory;
  const str = (ptr: number) => mem().readString(ptr);
  const big = (ptr: number) => readBigInt(mem(), ptr);
  const putBig = (value: bigint) => writeBigInt(mem(), value);
  const decimal = (ptr: number) => readBigDecimal(mem(), ptr);
  const putDecimal = (value: dec.Decimal) => writeBigDecimal(mem(), dec.normalize(value));
  const jsonToI64 = (text: string, unsigned: boolean): bigint => {
    if (!/^-?\d+$/.test(text)) throw new MappingError(`JSON value is not an integer: ${text}`);
    const n = BigInt(text);
    const ok = unsigned ? n >= 0n && n < 1n << 64n : n >= -(1n << 63n) && n < 1n << 63n;
    if (!ok) throw new MappingError(`JSON number out of range: ${text}`);
    return n;
  };

  const functions: Record<string, (...args: never[]) => unknown> = {
    abort: (message: number, file: number, line: number, column: number) => {
      const m = message ? str(message) : "(no message)";
      const f = file ? str(file) : "(unknown file)";
      throw new MappingError(`Mapping aborted at ${f}, line ${line}, column ${column}, with message: ${m}`);
    },

    // ---- store ----
    "store.get": (entity: number, id: number) => {
      const name = str(entity);
      const row = env().store.get(name, str(id));
      return row ? writeEntity(mem(), entityModel(env().schema, name), row) : 0;
    },
    "store.get_in_block": (entity: number, id: number) => {
      const name = str(entity);
      const row = env().store.getInBlock(name, str(id));
      return row ? writeEntity(mem(), entityModel(env().schema, name), row) : 0;
    },
    "store.loadRelated": (entity: number, id: number, field: number) => {
      const { entity: target, rows } = env().store.loadRelated(str(entity), str(id), str(field));
      const model = entityModel(env().schema, target);
      const pointers = rows.map((row) => writeEntity(mem(), model, row));
      return mem().writePointerArray(pointers, TypeId.ArrayTypedMapEntryStringStoreValue);
    },
    "store.set": (entity: number, id: number, data: number) => {
      const name = str(entity);
      const key = str(id);
      const row = readEntity(mem(), data);
      const model = entityModel(env().schema, name);
      // Bytes ids arrive as hex from the AS side; keep them lower-case as graph-node does.
      const normalizedId = model.idKind === "Bytes" ? key.toLowerCase() : key;
      // Merge with the current version: graph-node treats set as an update of the fields given.
      const merged = { ...(env().store.get(name, normalizedId) ?? {}), ...row };
      if (merged.id === undefined) merged.id = normalizedId;
      validateEntity(model, normalizedId, merged);
      env().store.set(name, normalizedId, merged);
    },
    "store.remove": (entity: number, id: number) => {
      const name = str(entity);
      const model = entityModel(env().schema, name);
      const key = str(id);
      env().store.remove(name, model.idKind === "Bytes" ? key.toLowerCase() : key);
    },

    // ---- ethereum ----
    "ethereum.call": (callPtr: number) => {
      const m = mem();
      const caller = env().caller;
      if (!caller) throw new MappingError("ethereum.call is not available: the runner has no RPC connection");
      const request: EthCallRequest = {
        contractName: m.readString(m.u32(callPtr)),
        address: bytesToHex(m.readBytes(m.u32(callPtr + 4))),
        functionName: m.readString(m.u32(callPtr + 8)),
        functionSignature: m.readString(m.u32(callPtr + 12)),
        args: m.readPointerArray(m.u32(callPtr + 16)).map((p) => readEthValue(m, p)),
      };
      const result = caller.call(request);
      if (!result) return 0;
      const pointers = result.outputs.map((param, i) => writeEthValue(mem(), param, result.values[i]));
      return mem().writePointerArray(pointers, TypeId.ArrayEthereumValue);
    },
    "ethereum.getBalance": (address: number) => {
      const caller = env().caller;
      if (!caller?.getBalance) throw new MappingError("ethereum.getBalance is not available without RPC");
      return putBig(caller.getBalance(bytesToHex(mem().readBytes(address))));
    },
    "ethereum.hasCode": (address: number) => {
      const caller = env().caller;
      if (!caller?.hasCode) throw new MappingError("ethereum.hasCode is not available without RPC");
      const has = caller.hasCode(bytesToHex(mem().readBytes(address)));
      return mem().writeStruct([has ? 1 : 0], TypeId.WrappedBool);
    },
    "ethereum.encode": (valuePtr: number) => {
      try {
        const token = readEthValue(mem(), valuePtr);
        const encoded = encodeAbiParameters(
          [{ type: token.type, components: token.components } as AbiParameter],
          [token.value],
        );
        return mem().writeBytes(hexToBytes(encoded));
      } catch {
        return 0;
      }
    },
    "ethereum.decode": (types: number, data: number) => {
      const params = parseAbiParameters(str(types)) as readonly AbiParameter[];
      if (params.length !== 1) throw new MappingError("ethereum.decode expects a single type, use a tuple for several");
      let values: readonly unknown[];
      try {
        values = decodeAbiParameters(params, bytesToHex(mem().readBytes(data)));
      } catch {
        return 0;
      }
      return writeEthValue(mem(), params[0], values[0]);
    },

    // ---- type conversions ----
    "typeConversion.bytesToString": (ptr: number) =>
      // graph-node decodes lossily and drops NUL padding (bytes32 ids right-padded with zeros).
      mem().writeString(Buffer.from(mem().readBytes(ptr)).toString("utf8").replaceAll("\u0000", "")),
    "typeConversion.bytesToHex": (ptr: number) => mem().writeString(bytesToHex(mem().readBytes(ptr))),
    "typeConversion.bigIntToString": (ptr: number) => mem().writeString(big(ptr).toString()),
    "typeConversion.bigIntToHex": (ptr: number) => {
      const n = big(ptr);
      return mem().writeString(`${n < 0n ? "-" : ""}0x${(n < 0n ? -n : n).toString(16)}`);
    },
    "typeConversion.stringToH160": (ptr: number) => {
      const s = str(ptr);
      const hex = (s.startsWith("0x") ? s : `0x${s}`) as Hex;
      if (!isAddress(hex, { strict: false }))
        throw new MappingError(`Failed to convert string to Address/H160: '${s}'`);
      return mem().writeBytes(hexToBytes(getAddress(hex)));
    },
    "typeConversion.bytesToBase58": (ptr: number) => mem().writeString(base58(mem().readBytes(ptr))),

    // ---- BigInt ----
    "bigInt.plus": (x: number, y: number) => putBig(big(x) + big(y)),
    "bigInt.minus": (x: number, y: number) => putBig(big(x) - big(y)),
    "bigInt.times": (x: number, y: number) => putBig(big(x) * big(y)),
    "bigInt.dividedBy": (x: number, y: number) => {
      const d = big(y);
      if (d === 0n) throw new MappingError("attempted to divide BigInt `" + big(x) + "` by zero");
      return putBig(big(x) / d);
    },
    "bigInt.dividedByDecimal": (x: number, y: number) => putDecimal(dec.dividedBy(dec.fromBigInt(big(x)), decimal(y))),
    "bigInt.mod": (x: number, y: number) => {
      const d = big(y);
      if (d === 0n)
        throw new MappingError("attempted to calculate the remainder of `" + big(x) + "` with a divisor of zero");
      return putBig(big(x) % d);
    },
    "bigInt.pow": (x: number, exp: number) => putBig(big(x) ** BigInt(exp & 0xff)),
    "bigInt.fromString": (ptr: number) => {
      const s = str(ptr);
      if (!/^[+-]?\d+$/.test(s.trim())) throw new MappingError(`failed to parse BigInt from string '${s}'`);
      return putBig(BigInt(s.trim()));
    },
    "bigInt.bitOr": (x: number, y: number) => putBig(big(x) | big(y)),
    "bigInt.bitAnd": (x: number, y: number) => putBig(big(x) & big(y)),
    "bigInt.leftShift": (x: number, bits: number) => putBig(big(x) << BigInt(bits & 0xff)),
    "bigInt.rightShift": (x: number, bits: number) => putBig(big(x) >> BigInt(bits & 0xff)),

    // ---- BigDecimal ----
    "bigDecimal.toString": (ptr: number) => mem().writeString(dec.formatDecimal(decimal(ptr))),
    "bigDecimal.fromString": (ptr: number) => {
      const s = str(ptr);
      try {
        return putDecimal(dec.parseDecimal(s));
      } catch {
        throw new MappingError(`failed to parse BigDecimal from string '${s}'`);
      }
    },
    "bigDecimal.plus": (x: number, y: number) => putDecimal(dec.plus(decimal(x), decimal(y))),
    "bigDecimal.minus": (x: number, y: number) => putDecimal(dec.minus(decimal(x), decimal(y))),
    "bigDecimal.times": (x: number, y: number) => putDecimal(dec.times(decimal(x), decimal(y))),
    "bigDecimal.dividedBy": (x: number, y: number) => {
      try {
        return putDecimal(dec.dividedBy(decimal(x), decimal(y)));
      } catch {
        throw new MappingError("attempted to divide BigDecimal by zero");
      }
    },
    "bigDecimal.equals": (x: number, y: number) => (dec.equals(decimal(x), decimal(y)) ? 1 : 0),

    // ---- crypto, json, log ----
    "crypto.keccak256": (ptr: number) => mem().writeBytes(keccak_256(mem().readBytes(ptr))),
    "json.fromBytes": (ptr: number) => {
      const text = Buffer.from(mem().readBytes(ptr)).toString("utf8");
      return writeJsonValue(mem(), parseJson(text));
    },
    "json.try_fromBytes": (ptr: number) => {
      const text = Buffer.from(mem().readBytes(ptr)).toString("utf8");
      let node: JsonNode | null = null;
      try {
        node = parseJson(text);
      } catch {
        node = null;
      }
      const m = mem();
      // Result<JSONValue, bool> = { _value: Wrapped<JSONValue> | null, _error: Wrapped<bool> | null }
      if (node) {
        const wrapped = m.writeStruct([writeJsonValue(m, node)], TypeId.WrappedJsonValue);
        return m.writeStruct([wrapped, 0], TypeId.ResultJsonValueBool);
      }
      const error = m.writeStruct([1], TypeId.WrappedBool);
      return m.writeStruct([0, error], TypeId.ResultJsonValueBool);
    },
    "json.toI64": (ptr: number) => jsonToI64(str(ptr), false),
    "json.toU64": (ptr: number) => BigInt.asIntN(64, jsonToI64(str(ptr), true)),
    "json.toF64": (ptr: number) => {
      const n = Number(str(ptr));
      if (Number.isNaN(n)) throw new MappingError(`JSON value is not a number: ${str(ptr)}`);
      return n;
    },
    "json.toBigInt": (ptr: number) => {
      const s = str(ptr);
      if (!/^-?\d+$/.test(s)) throw new MappingError(`JSON value is not an integer: ${s}`);
      return putBig(BigInt(s));
    },
    "log.log": (level: number, msg: number) => {
      const text = str(msg);
      const names = ["critical", "error", "warning", "info", "debug"] as const;
      const name = names[level] ?? "info";
      env().logger.log(name, text);
      // graph-node fails the handler on a critical log, with this exact error; the text went to the log above.
      if (name === "critical") throw new MappingError("Critical error logged in mapping");
    },

    // ---- data source ----
    "dataSource.address": () => mem().writeBytes(hexToBytes(env().dataSource.address)),
    "dataSource.network": () => mem().writeString(env().dataSource.network),
    "dataSource.create": (name: number, params: number) => {
      const create = env().createDataSource;
      if (!create) throw new MappingError("dataSource.create is not available here");
      create(str(name), mem().readPointerArray(params).map(str), {});
    },
    "dataSource.createWithContext": (name: number, params: number, context: number) => {
      const create = env().createDataSource;
      if (!create) throw new MappingError("dataSource.createWithContext is not available here");
      const values = readEntity(mem(), context);
      // dataSource.context() gives strings back (see below); other kinds would come back mistyped.
      for (const [key, value] of Object.entries(values))
        if (typeof value !== "string")
          throw new MappingError(`data source context value \`${key}\` is not a string: only strings are supported`);
      create(str(name), mem().readPointerArray(params).map(str), values);
    },
    "dataSource.context": () => {
      const ctx = env().dataSource.context;
      const model: EntityModel = {
        name: "DataSourceContext",
        immutable: true,
        idKind: "String",
        fields: new Map(Object.keys(ctx).map((k) => [k, { name: k, kind: "String", list: false, nonNull: false }])),
      };
      return writeEntity(mem(), model, ctx);
    },
  };

  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const entry of WebAssembly.Module.imports(module)) {
    if (entry.kind !== "function") continue;
    const impl =
      functions[entry.name] ??
      (() => {
        throw new MappingError(`host function \`${entry.name}\` is not implemented by the FlexGrid subgraph runner`);
      });
    (imports[entry.module] ??= {})[entry.name] = impl as WebAssembly.ImportValue;
  }
  return imports;
}
