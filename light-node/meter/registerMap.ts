// Modbus register map (from a JSON config file) and the codecs between physical values and 16-bit registers.
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

export const registerTypeSchema = z.enum(["float32", "int32", "uint32", "int16", "uint16"]);
export type RegisterType = z.infer<typeof registerTypeSchema>;

export const registerSpecSchema = z.object({
  address: z.number().int().min(0).max(65535),
  type: registerTypeSchema,
  /** physical value = raw * scale */
  scale: z.number().positive(),
  unit: z.string().optional(),
});
export type RegisterSpec = z.infer<typeof registerSpecSchema>;

export const meterMapSchema = z.object({
  description: z.string().optional(),
  unitId: z.number().int().min(0).max(255),
  wordOrder: z.enum(["high-first", "low-first"]),
  meter: z.object({
    activePowerW: registerSpecSchema,
    reactivePowerVar: registerSpecSchema,
    importEnergyWh: registerSpecSchema,
    exportEnergyWh: registerSpecSchema,
    statusWord: registerSpecSchema,
  }),
  ems: z.object({
    setpointActivePowerW: registerSpecSchema,
    setpointReactivePowerVar: registerSpecSchema,
    setpointSequence: registerSpecSchema,
  }),
});
export type MeterMap = z.infer<typeof meterMapSchema>;
export type WordOrder = MeterMap["wordOrder"];

export const DEFAULT_METER_MAP_FILE = path.join(__dirname, "..", "config", "meter-map.json");

export function loadMeterMap(file: string = DEFAULT_METER_MAP_FILE): MeterMap {
  return meterMapSchema.parse(JSON.parse(readFileSync(file, "utf8")));
}

export function registerCount(type: RegisterType): number {
  return type === "int16" || type === "uint16" ? 1 : 2;
}

/** Encodes a physical value into the registers of `spec` (rounding integers; clamping is the caller's job). */
export function encodeRegisters(spec: RegisterSpec, physical: number, wordOrder: WordOrder): number[] {
  const raw = physical / spec.scale;
  const buf = Buffer.alloc(4);
  switch (spec.type) {
    case "float32":
      buf.writeFloatBE(raw);
      break;
    case "int32":
      buf.writeInt32BE(Math.round(raw));
      break;
    case "uint32":
      buf.writeUInt32BE(Math.round(raw) >>> 0);
      break;
    case "int16":
      return [Math.round(raw) & 0xffff];
    case "uint16":
      return [Math.round(raw) & 0xffff];
  }
  const words = [buf.readUInt16BE(0), buf.readUInt16BE(2)];
  return wordOrder === "high-first" ? words : words.reverse();
}

/** Decodes the registers of `spec` (as read from the device) into the physical value. */
export function decodeRegisters(spec: RegisterSpec, words: readonly number[], wordOrder: WordOrder): number {
  const buf = Buffer.alloc(4);
  if (spec.type === "int16" || spec.type === "uint16") {
    buf.writeUInt16BE(words[0] & 0xffff);
    const raw = spec.type === "int16" ? buf.readInt16BE(0) : buf.readUInt16BE(0);
    return raw * spec.scale;
  }
  const [hi, lo] = wordOrder === "high-first" ? [words[0], words[1]] : [words[1], words[0]];
  buf.writeUInt16BE(hi & 0xffff, 0);
  buf.writeUInt16BE(lo & 0xffff, 2);
  const raw =
    spec.type === "float32" ? buf.readFloatBE(0) : spec.type === "int32" ? buf.readInt32BE(0) : buf.readUInt32BE(0);
  return raw * spec.scale;
}

/** The smallest block [start, start+length) covering every register of the given specs (one Modbus read). */
export function registerSpan(specs: readonly RegisterSpec[]): { start: number; length: number } {
  const start = Math.min(...specs.map((s) => s.address));
  const end = Math.max(...specs.map((s) => s.address + registerCount(s.type)));
  return { start, length: end - start };
}
