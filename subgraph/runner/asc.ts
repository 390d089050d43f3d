// Reads and writes AssemblyScript 0.19 objects (stub runtime) in a mapping's linear memory, the way graph-node's
// asc_abi does for apiVersion >= 0.0.5: every object has a 20-byte header whose last two u32 are rtId and rtSize.
// The WebAssembly globals are declared there (not in the ES2023 lib); a module import cannot bring globals in.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./wasm.d.ts" />

/** graph-ts `TypeId` discriminants (global/global.ts); the module's `id_of_type` export maps them to class ids. */
export enum TypeId {
  String = 0,
  ArrayBuffer = 1,
  Uint8Array = 6,
  BigDecimal = 12,
  ArrayBool = 13,
  ArrayUint8Array = 14,
  ArrayEthereumValue = 15,
  ArrayStoreValue = 16,
  ArrayJsonValue = 17,
  ArrayString = 18,
  ArrayEventParam = 19,
  ArrayTypedMapEntryStringJsonValue = 20,
  ArrayTypedMapEntryStringStoreValue = 21,
  SmartContractCall = 22,
  EventParam = 23,
  EthereumTransaction = 24,
  EthereumBlock = 25,
  WrappedTypedMapStringJsonValue = 27,
  WrappedBool = 28,
  WrappedJsonValue = 29,
  EthereumValue = 30,
  StoreValue = 31,
  JsonValue = 32,
  EthereumEvent = 33,
  TypedMapEntryStringStoreValue = 34,
  TypedMapEntryStringJsonValue = 35,
  TypedMapStringStoreValue = 36,
  TypedMapStringJsonValue = 37,
  ResultTypedMapStringJsonValueBool = 39,
  ResultJsonValueBool = 40,
}

export interface AscExports {
  memory: WebAssembly.Memory;
  __new(size: number, classId: number): number;
  id_of_type(typeId: number): number;
  _start?: () => void;
}

const utf16 = new TextDecoder("utf-16le");

/** Typed view over one instance's memory; views are refreshed after every allocation since memory can grow. */
export class AscMemory {
  private readonly classIds = new Map<number, number>();
  private bytesView: Uint8Array;
  private dataView: DataView;

  constructor(private readonly exports: AscExports) {
    this.bytesView = new Uint8Array(exports.memory.buffer);
    this.dataView = new DataView(exports.memory.buffer);
  }

  private refresh(): void {
    if (this.bytesView.buffer !== this.exports.memory.buffer) {
      this.bytesView = new Uint8Array(this.exports.memory.buffer);
      this.dataView = new DataView(this.exports.memory.buffer);
    }
  }

  classId(typeId: TypeId): number {
    let id = this.classIds.get(typeId);
    if (id === undefined) {
      id = this.exports.id_of_type(typeId);
      // graph-ts has no `id_of_type` case for a few ids (ResultJsonValueBool); class ids only matter to the GC,
      // which the stub runtime does not have, so any object id keeps the layout valid.
      if (id === 0 && typeId !== TypeId.String) id = this.exports.id_of_type(TypeId.ResultTypedMapStringJsonValueBool);
      this.classIds.set(typeId, id);
    }
    return id;
  }

  // ---- raw access --------------------------------------------------------------------------------------------

  u32(ptr: number): number {
    this.refresh();
    return this.dataView.getUint32(ptr, true);
  }

  i32(ptr: number): number {
    this.refresh();
    return this.dataView.getInt32(ptr, true);
  }

  u64(ptr: number): bigint {
    this.refresh();
    return this.dataView.getBigUint64(ptr, true);
  }

  i64(ptr: number): bigint {
    this.refresh();
    return this.dataView.getBigInt64(ptr, true);
  }

  f64(ptr: number): number {
    this.refresh();
    return this.dataView.getFloat64(ptr, true);
  }

  setU32(ptr: number, value: number): void {
    this.refresh();
    this.dataView.setUint32(ptr, value, true);
  }

  setU64(ptr: number, value: bigint): void {
    this.refresh();
    this.dataView.setBigUint64(ptr, BigInt.asUintN(64, value), true);
  }

  /** Size in bytes recorded in the object header (rtSize). */
  rtSize(ptr: number): number {
    return this.u32(ptr - 4);
  }

  /** Allocates an object of `size` bytes of the given class; the returned memory is zeroed by the stub runtime. */
  alloc(size: number, typeId: TypeId): number {
    const ptr = this.exports.__new(size, this.classId(typeId));
    this.refresh();
    this.bytesView.fill(0, ptr, ptr + size);
    return ptr;
  }

  // ---- strings and bytes -------------------------------------------------------------------------------------

  readString(ptr: number): string {
    if (ptr === 0) throw new Error("null string pointer");
    const len = this.rtSize(ptr);
    this.refresh();
    return utf16.decode(this.bytesView.subarray(ptr, ptr + len));
  }

  writeString(value: string): number {
    const ptr = this.alloc(value.length * 2, TypeId.String);
    this.refresh();
    for (let i = 0; i < value.length; i++) this.dataView.setUint16(ptr + i * 2, value.charCodeAt(i), true);
    return ptr;
  }

  /** Reads a Uint8Array-shaped object (ByteArray, Bytes, Address, BigInt): buffer, dataStart, byteLength. */
  readBytes(ptr: number): Uint8Array {
    if (ptr === 0) throw new Error("null bytes pointer");
    const dataStart = this.u32(ptr + 4);
    const byteLength = this.u32(ptr + 8);
    this.refresh();
    return this.bytesView.slice(dataStart, dataStart + byteLength);
  }

  writeBytes(bytes: Uint8Array): number {
    const buffer = this.alloc(bytes.length, TypeId.ArrayBuffer);
    this.refresh();
    this.bytesView.set(bytes, buffer);
    const view = this.alloc(12, TypeId.Uint8Array);
    this.setU32(view, buffer);
    this.setU32(view + 4, buffer);
    this.setU32(view + 8, bytes.length);
    return view;
  }

  // ---- arrays ------------------------------------------------------------------------------------------------

  /** Reads an Array<T> of pointers (or i32 scalars): buffer, dataStart, byteLength, length. */
  readPointerArray(ptr: number): number[] {
    const dataStart = this.u32(ptr + 4);
    const length = this.i32(ptr + 12);
    const out: number[] = new Array(length);
    for (let i = 0; i < length; i++) out[i] = this.u32(dataStart + i * 4);
    return out;
  }

  writePointerArray(pointers: number[], typeId: TypeId): number {
    const buffer = this.alloc(pointers.length * 4, TypeId.ArrayBuffer);
    for (let i = 0; i < pointers.length; i++) this.setU32(buffer + i * 4, pointers[i]);
    const array = this.alloc(16, typeId);
    this.setU32(array, buffer);
    this.setU32(array + 4, buffer);
    this.setU32(array + 8, pointers.length * 4);
    this.setU32(array + 12, pointers.length);
    return array;
  }

  /** Writes a plain object of pointer/u32 fields (Event, Block, EventParam, TypedMapEntry...). */
  writeStruct(fields: number[], typeId: TypeId): number {
    const ptr = this.alloc(fields.length * 4, typeId);
    for (let i = 0; i < fields.length; i++) this.setU32(ptr + i * 4, fields[i]);
    return ptr;
  }

  /** Writes an enum-with-payload object (store Value, ethereum.Value, JSONValue): kind i32, padding, data u64. */
  writeEnum(kind: number, payload: bigint | number, typeId: TypeId): number {
    const ptr = this.alloc(16, typeId);
    this.setU32(ptr, kind);
    this.setU64(ptr + 8, typeof payload === "bigint" ? payload : BigInt(payload));
    return ptr;
  }

  readEnum(ptr: number): { kind: number; payload: bigint } {
    return { kind: this.i32(ptr), payload: this.u64(ptr + 8) };
  }
}

// ---- BigInt as graph-ts stores it: little-endian two's complement bytes ---------------------------------------

export function bigIntFromLeBytes(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value;
}

export function bigIntToLeBytes(value: bigint): Uint8Array {
  // Minimal signed encoding, as num-bigint's to_signed_bytes_le: zero is one 0x00 byte.
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0xffn);
    out.push(byte);
    v >>= 8n;
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
  }
  return Uint8Array.from(out);
}
