// Conversions between AssemblyScript values in mapping memory and the runner's plain data: store values (entity
// fields, as JSON typed by the schema), ethereum.Value trees (ABI values) and JSONValue trees.
import { bytesToHex, hexToBytes } from "viem";
import type { AbiParameter, Hex } from "viem";
import { AscMemory, TypeId, bigIntFromLeBytes, bigIntToLeBytes } from "./asc";
import { formatDecimal, parseDecimal } from "./bigdecimal";
import type { Decimal } from "./bigdecimal";
import type { EntityModel, FieldModel } from "./schema";

/** A stored field value: strings for ID/String/Bytes(hex)/BigInt/BigDecimal/Int8/Timestamp, numbers for Int. */
export type StoredValue = string | number | boolean | null | StoredValue[];
export type EntityData = Record<string, StoredValue>;

export enum StoreValueKind {
  STRING = 0,
  INT = 1,
  BIGDECIMAL = 2,
  BOOL = 3,
  ARRAY = 4,
  NULL = 5,
  BYTES = 6,
  BIGINT = 7,
  INT8 = 8,
  TIMESTAMP = 9,
}

export enum EthValueKind {
  ADDRESS = 0,
  FIXED_BYTES = 1,
  BYTES = 2,
  INT = 3,
  UINT = 4,
  BOOL = 5,
  STRING = 6,
  FIXED_ARRAY = 7,
  ARRAY = 8,
  TUPLE = 9,
}

export enum JsonValueKind {
  NULL = 0,
  BOOL = 1,
  NUMBER = 2,
  STRING = 3,
  ARRAY = 4,
  OBJECT = 5,
}

export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MappingError";
  }
}

// ---- BigInt / BigDecimal --------------------------------------------------------------------------------------

export function readBigInt(mem: AscMemory, ptr: number): bigint {
  return bigIntFromLeBytes(mem.readBytes(ptr));
}

export function writeBigInt(mem: AscMemory, value: bigint): number {
  return mem.writeBytes(bigIntToLeBytes(value));
}

export function readBigDecimal(mem: AscMemory, ptr: number): Decimal {
  const digits = readBigInt(mem, mem.u32(ptr));
  const exp = readBigInt(mem, mem.u32(ptr + 4));
  return { digits, exp: Number(exp) };
}

export function writeBigDecimal(mem: AscMemory, value: Decimal): number {
  const digits = writeBigInt(mem, value.digits);
  const exp = writeBigInt(mem, BigInt(value.exp));
  return mem.writeStruct([digits, exp], TypeId.BigDecimal);
}

// ---- store values ---------------------------------------------------------------------------------------------

/** Reads a graph-ts `Value` into its stored form; the kind in memory decides, as graph-node does. */
export function readStoreValue(mem: AscMemory, ptr: number): StoredValue {
  const { kind, payload } = mem.readEnum(ptr);
  const p = Number(payload & 0xffffffffn);
  switch (kind) {
    case StoreValueKind.STRING:
      return mem.readString(p);
    case StoreValueKind.INT:
      return Number(BigInt.asIntN(32, payload));
    case StoreValueKind.BIGDECIMAL:
      return formatDecimal(readBigDecimal(mem, p));
    case StoreValueKind.BOOL:
      return payload !== 0n;
    case StoreValueKind.ARRAY:
      return mem.readPointerArray(p).map((item) => readStoreValue(mem, item));
    case StoreValueKind.NULL:
      return null;
    case StoreValueKind.BYTES:
      return bytesToHex(mem.readBytes(p));
    case StoreValueKind.BIGINT:
      return readBigInt(mem, p).toString();
    case StoreValueKind.INT8:
    case StoreValueKind.TIMESTAMP:
      return BigInt.asIntN(64, payload).toString();
    default:
      throw new MappingError(`unknown store value kind ${kind}`);
  }
}

function writeScalar(mem: AscMemory, field: FieldModel, value: StoredValue): number {
  if (value === null) return mem.writeEnum(StoreValueKind.NULL, 0, TypeId.StoreValue);
  switch (field.kind) {
    case "ID":
    case "String":
      return mem.writeEnum(StoreValueKind.STRING, mem.writeString(String(value)), TypeId.StoreValue);
    case "Bytes":
      return mem.writeEnum(StoreValueKind.BYTES, mem.writeBytes(hexToBytes(value as Hex)), TypeId.StoreValue);
    case "BigInt":
      return mem.writeEnum(StoreValueKind.BIGINT, writeBigInt(mem, BigInt(value as string)), TypeId.StoreValue);
    case "BigDecimal":
      return mem.writeEnum(
        StoreValueKind.BIGDECIMAL,
        writeBigDecimal(mem, parseDecimal(value as string)),
        TypeId.StoreValue,
      );
    case "Int":
      return mem.writeEnum(StoreValueKind.INT, BigInt.asUintN(32, BigInt(value as number)), TypeId.StoreValue);
    case "Int8":
      return mem.writeEnum(StoreValueKind.INT8, BigInt(value as string), TypeId.StoreValue);
    case "Timestamp":
      return mem.writeEnum(StoreValueKind.TIMESTAMP, BigInt(value as string), TypeId.StoreValue);
    case "Boolean":
      return mem.writeEnum(StoreValueKind.BOOL, value ? 1 : 0, TypeId.StoreValue);
  }
}

function writeFieldValue(mem: AscMemory, field: FieldModel, value: StoredValue): number {
  if (field.list && Array.isArray(value)) {
    const items = value.map((item) => writeScalar(mem, field, item));
    return mem.writeEnum(StoreValueKind.ARRAY, mem.writePointerArray(items, TypeId.ArrayStoreValue), TypeId.StoreValue);
  }
  return writeScalar(mem, field, value);
}

/** Writes an Entity (TypedMap<string, Value>) with the values typed by the schema. */
export function writeEntity(mem: AscMemory, model: EntityModel, data: EntityData): number {
  const entries: number[] = [];
  for (const [name, value] of Object.entries(data)) {
    const field = model.fields.get(name);
    if (!field || field.derivedFrom) continue;
    const key = mem.writeString(name);
    const val = writeFieldValue(mem, field, value);
    entries.push(mem.writeStruct([key, val], TypeId.TypedMapEntryStringStoreValue));
  }
  const array = mem.writePointerArray(entries, TypeId.ArrayTypedMapEntryStringStoreValue);
  return mem.writeStruct([array], TypeId.TypedMapStringStoreValue);
}

export function readEntity(mem: AscMemory, ptr: number): EntityData {
  const out: EntityData = {};
  for (const entry of mem.readPointerArray(mem.u32(ptr))) {
    out[mem.readString(mem.u32(entry))] = readStoreValue(mem, mem.u32(entry + 4));
  }
  return out;
}

// ---- ethereum.Value -------------------------------------------------------------------------------------------

/** Plain ABI value as viem decodes it: hex strings, bigints, booleans, strings, arrays, tuples (arrays/objects). */
export type AbiValue = unknown;

export function writeEthValue(mem: AscMemory, param: AbiParameter, value: AbiValue): number {
  const type = param.type;
  const arrayMatch = /^(.*)\[(\d*)\]$/.exec(type);
  if (arrayMatch) {
    const inner = { ...param, type: arrayMatch[1] } as AbiParameter;
    const items = (value as AbiValue[]).map((item) => writeEthValue(mem, inner, item));
    const kind = arrayMatch[2] === "" ? EthValueKind.ARRAY : EthValueKind.FIXED_ARRAY;
    return mem.writeEnum(kind, mem.writePointerArray(items, TypeId.ArrayEthereumValue), TypeId.EthereumValue);
  }
  if (type === "tuple") {
    const components = (param as { components: readonly AbiParameter[] }).components;
    const items = components.map((c, i) => {
      const v = Array.isArray(value) ? value[i] : (value as Record<string, AbiValue>)[c.name ?? String(i)];
      return writeEthValue(mem, c, v);
    });
    return mem.writeEnum(
      EthValueKind.TUPLE,
      mem.writePointerArray(items, TypeId.ArrayEthereumValue),
      TypeId.EthereumValue,
    );
  }
  if (type === "address")
    return mem.writeEnum(EthValueKind.ADDRESS, mem.writeBytes(hexToBytes(value as Hex)), TypeId.EthereumValue);
  if (type === "bytes")
    return mem.writeEnum(EthValueKind.BYTES, mem.writeBytes(hexToBytes(value as Hex)), TypeId.EthereumValue);
  if (type.startsWith("bytes"))
    return mem.writeEnum(EthValueKind.FIXED_BYTES, mem.writeBytes(hexToBytes(value as Hex)), TypeId.EthereumValue);
  if (type.startsWith("uint"))
    return mem.writeEnum(EthValueKind.UINT, writeBigInt(mem, BigInt(value as bigint)), TypeId.EthereumValue);
  if (type.startsWith("int"))
    return mem.writeEnum(EthValueKind.INT, writeBigInt(mem, BigInt(value as bigint)), TypeId.EthereumValue);
  if (type === "bool") return mem.writeEnum(EthValueKind.BOOL, value ? 1 : 0, TypeId.EthereumValue);
  if (type === "string")
    return mem.writeEnum(EthValueKind.STRING, mem.writeString(value as string), TypeId.EthereumValue);
  throw new MappingError(`unsupported ABI type ${type}`);
}

/** Reads an ethereum.Value back into an ABI (type, value) pair, inferring types as ethabi tokens carry them. */
export function readEthValue(
  mem: AscMemory,
  ptr: number,
): { type: string; value: AbiValue; components?: AbiParameter[] } {
  const { kind, payload } = mem.readEnum(ptr);
  const p = Number(payload & 0xffffffffn);
  switch (kind) {
    case EthValueKind.ADDRESS:
      return { type: "address", value: bytesToHex(mem.readBytes(p)) };
    case EthValueKind.FIXED_BYTES: {
      const bytes = mem.readBytes(p);
      return { type: `bytes${bytes.length}`, value: bytesToHex(bytes) };
    }
    case EthValueKind.BYTES:
      return { type: "bytes", value: bytesToHex(mem.readBytes(p)) };
    case EthValueKind.INT:
      return { type: "int256", value: readBigInt(mem, p) };
    case EthValueKind.UINT:
      return { type: "uint256", value: readBigInt(mem, p) };
    case EthValueKind.BOOL:
      return { type: "bool", value: payload !== 0n };
    case EthValueKind.STRING:
      return { type: "string", value: mem.readString(p) };
    case EthValueKind.FIXED_ARRAY:
    case EthValueKind.ARRAY: {
      const items = mem.readPointerArray(p).map((item) => readEthValue(mem, item));
      const inner = items[0] ?? { type: "uint256", value: 0n };
      const suffix = kind === EthValueKind.ARRAY ? "[]" : `[${items.length}]`;
      return { type: inner.type + suffix, value: items.map((i) => i.value), components: inner.components };
    }
    case EthValueKind.TUPLE: {
      const items = mem.readPointerArray(p).map((item) => readEthValue(mem, item));
      return {
        type: "tuple",
        value: items.map((i) => i.value),
        components: items.map((i) => ({ type: i.type, components: i.components }) as AbiParameter),
      };
    }
    default:
      throw new MappingError(`unknown ethereum value kind ${kind}`);
  }
}

// ---- JSONValue --------------------------------------------------------------------------------------------------

/** Writes a JSON tree; numbers keep their source text since graph-ts converts them on demand (toBigInt, toF64). */
export function writeJsonValue(mem: AscMemory, node: JsonNode): number {
  switch (node.kind) {
    case "null":
      return mem.writeEnum(JsonValueKind.NULL, 0, TypeId.JsonValue);
    case "bool":
      return mem.writeEnum(JsonValueKind.BOOL, node.value ? 1 : 0, TypeId.JsonValue);
    case "number":
      return mem.writeEnum(JsonValueKind.NUMBER, mem.writeString(node.text), TypeId.JsonValue);
    case "string":
      return mem.writeEnum(JsonValueKind.STRING, mem.writeString(node.value), TypeId.JsonValue);
    case "array": {
      const items = node.items.map((i) => writeJsonValue(mem, i));
      return mem.writeEnum(JsonValueKind.ARRAY, mem.writePointerArray(items, TypeId.ArrayJsonValue), TypeId.JsonValue);
    }
    case "object": {
      const entries = node.entries.map(([k, v]) =>
        mem.writeStruct([mem.writeString(k), writeJsonValue(mem, v)], TypeId.TypedMapEntryStringJsonValue),
      );
      const array = mem.writePointerArray(entries, TypeId.ArrayTypedMapEntryStringJsonValue);
      const map = mem.writeStruct([array], TypeId.TypedMapStringJsonValue);
      return mem.writeEnum(JsonValueKind.OBJECT, map, TypeId.JsonValue);
    }
  }
}

export type JsonNode =
  | { kind: "null" }
  | { kind: "bool"; value: boolean }
  | { kind: "number"; text: string }
  | { kind: "string"; value: string }
  | { kind: "array"; items: JsonNode[] }
  | { kind: "object"; entries: [string, JsonNode][] };

/** Parses JSON keeping number literals as text (JSON.parse would round big integers). */
export function parseJson(text: string): JsonNode {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const fail = (): never => {
    throw new MappingError(`invalid JSON at offset ${i}`);
  };
  const value = (): JsonNode => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const entries: [string, JsonNode][] = [];
      ws();
      if (text[i] === "}") {
        i++;
        return { kind: "object", entries };
      }
      for (;;) {
        ws();
        const key = value();
        if (key.kind !== "string") fail();
        ws();
        if (text[i++] !== ":") fail();
        entries.push([(key as { value: string }).value, value()]);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return { kind: "object", entries };
        } else fail();
      }
    }
    if (c === "[") {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return { kind: "array", items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return { kind: "array", items };
        } else fail();
      }
    }
    if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      if (i >= text.length) fail();
      i++;
      return { kind: "string", value: JSON.parse(text.slice(start, i)) as string };
    }
    const literal = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
    if (!literal) return fail();
    i += literal[0].length;
    if (literal[0] === "true" || literal[0] === "false") return { kind: "bool", value: literal[0] === "true" };
    if (literal[0] === "null") return { kind: "null" };
    return { kind: "number", text: literal[0] };
  };
  const result = value();
  ws();
  if (i !== text.length) fail();
  return result;
}
