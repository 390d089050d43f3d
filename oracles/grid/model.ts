// The FlexGrid network model: buses, lines/cables, transformers, switches, loads and generators in physical
// units, with the zod schema that every case file passes through once, at the boundary.
import { z } from "zod";
import { parseGridInput } from "./errors";

const id = z.string().min(1);
const finite = z.number().finite();

export const busSchema = z.object({
  id,
  name: z.string().optional(),
  nominalKv: finite.positive(),
  /** Per-bus voltage limits in pu; when absent the solve options' limits apply. */
  vMinPu: finite.positive().optional(),
  vMaxPu: finite.positive().optional(),
  /** Secondary substation code (e.g. "81823") when this bus is one's MV busbar. */
  secondarySubstation: z.string().optional(),
  /** Shunt admittance at 1 pu voltage, as MATPOWER's Gs/Bs (consumed kW, injected kvar). */
  shuntKw: finite.optional(),
  shuntKvar: finite.optional(),
  /** A stored operating point (MATPOWER's VM/VA columns), used by the solve option start: "case". */
  vStartPu: finite.positive().optional(),
  angleStartDeg: finite.optional(),
});

export const lineSchema = z.object({
  id,
  from: id,
  to: id,
  /** "equivalent": a network equivalent or series compensation (MATPOWER's transmission cases), whose R or X
   * may be negative; any other kind must have R, X ≥ 0. */
  kind: z.enum(["cable", "overhead", "equivalent"]).default("cable"),
  /** Series resistance and reactance of the whole line, in ohms. */
  rOhm: finite,
  xOhm: finite,
  /** Total shunt susceptance (pi model, split half at each end), in microsiemens. */
  bMicroS: finite.default(0),
  /** Total shunt conductance (pi model, split half at each end), in microsiemens (pandapower's g_us_per_km). */
  gMicroS: finite.default(0),
  /** Thermal limit in amperes; 0 or absent means no limit. */
  ampacityA: finite.nonnegative().optional(),
  lengthKm: finite.nonnegative().optional(),
  cableType: z.string().optional(),
  inService: z.boolean().default(true),
});

export const transformerSchema = z.object({
  id,
  hvBus: id,
  lvBus: id,
  ratedMva: finite.positive(),
  /** Short-circuit voltage and its resistive part, % of rated voltage. */
  vkPercent: finite,
  vkrPercent: finite.default(0),
  /** Off-nominal ratio on the HV side (1 = nominal); phase shift in degrees. */
  tapRatio: finite.positive().default(1),
  shiftDeg: finite.default(0),
  /**
   * Shunt susceptance of the pi model in µS referred to the LV bus, half at each end (MATPOWER's branch b; the
   * magnetising branch of a pandapower transformer). Negative for an inductive magnetising current.
   */
  bMicroS: finite.default(0),
  /** Shunt conductance (iron losses) in µS referred to the LV bus, half at each end. */
  gMicroS: finite.default(0),
  /**
   * Extra shunt admittance at the LV end only (µS, referred to the LV bus): the asymmetry of the pi equivalent of a
   * T-model transformer (pandapower's g_asym, b_asym), so the LV end holds (g + gAsym)/2 + j(b + bAsym)/2.
   */
  gAsymMicroS: finite.default(0),
  bAsymMicroS: finite.default(0),
  /** A network equivalent (e.g. a three-winding star branch in a MATPOWER case): vk and vkr may be negative. */
  equivalent: z.boolean().default(false),
  /** Thermal limit in MVA when it differs from ratedMva; 0 means no limit (MATPOWER's rateA = 0). */
  limitMva: finite.nonnegative().optional(),
  inService: z.boolean().default(true),
});

export const switchSchema = z.object({
  id,
  from: id,
  to: id,
  /** Closed switches join their two buses into one electrical node; open ones are feeder open points. */
  closed: z.boolean(),
});

export const loadSchema = z.object({
  id,
  bus: id,
  /** Load convention: positive = consumption. */
  pKw: finite,
  qKvar: finite.default(0),
  pod: z.string().optional(),
  kind: z.enum(["residential", "commercial", "industrial", "transformer"]).optional(),
  inService: z.boolean().default(true),
});

export const generatorSchema = z.object({
  id,
  bus: id,
  /** Generator convention: positive = injection. */
  pKw: finite,
  qKvar: finite.default(0),
  /** When set, the generator holds its bus voltage (PV bus) and qKvar is an output. */
  vSetPu: finite.positive().optional(),
  /**
   * Reactive capability of a voltage-holding generator (kvar, generator convention). When the voltage set point
   * needs more, the generator stops at its limit and its bus becomes a PQ bus (PV → PQ switching).
   */
  qMinKvar: finite.optional(),
  qMaxKvar: finite.optional(),
  pod: z.string().optional(),
  kind: z.enum(["pv", "wind", "chp", "other"]).optional(),
  inService: z.boolean().default(true),
});

export const slackSchema = z.object({
  bus: id,
  vPu: finite.positive().default(1),
  angleDeg: finite.default(0),
});

export const primarySubstationSchema = z.object({
  /** The PoM code, e.g. "CP-IRLANDESE". */
  id,
  name: z.string().optional(),
  hvBus: id,
});

export const feederSchema = z.object({
  id,
  name: z.string().optional(),
  primarySubstation: id,
  /** The line, transformer or switch leaving the MV busbar: everything fed through it belongs to the feeder. */
  headBranch: id,
});

export const networkSchema = z.object({
  name: z.string().default("network"),
  baseMva: finite.positive().default(10),
  buses: z.array(busSchema),
  lines: z.array(lineSchema).default([]),
  transformers: z.array(transformerSchema).default([]),
  switches: z.array(switchSchema).default([]),
  loads: z.array(loadSchema).default([]),
  generators: z.array(generatorSchema).default([]),
  slacks: z.array(slackSchema).default([]),
  primarySubstations: z.array(primarySubstationSchema).default([]),
  feeders: z.array(feederSchema).default([]),
});

export type Bus = z.infer<typeof busSchema>;
export type Line = z.infer<typeof lineSchema>;
export type Transformer = z.infer<typeof transformerSchema>;
export type Switch = z.infer<typeof switchSchema>;
export type Load = z.infer<typeof loadSchema>;
export type Generator = z.infer<typeof generatorSchema>;
export type Slack = z.infer<typeof slackSchema>;
export type PrimarySubstation = z.infer<typeof primarySubstationSchema>;
export type Feeder = z.infer<typeof feederSchema>;
export type Network = z.infer<typeof networkSchema>;
/** What a case file may omit (defaults filled in by the schema). */
export type NetworkInput = z.input<typeof networkSchema>;

/** Parses untrusted input into a Network; a GridValidationError lists every bad field by its path. */
export function parseNetwork(input: unknown): Network {
  return parseGridInput(networkSchema, input, "network model");
}
