// Reads MATPOWER case files (.m, format version 2) into the FlexGrid network model in physical units. The file is
// run by a small interpreter of the MATLAB subset MATPOWER's own cases use (unit conversions written as code after
// the matrices, Inf limits), so the network read is the one MATPOWER solves; anything else is refused by name.
import { GridImportError } from "../errors";
import { parseNetwork, type Network, type NetworkInput } from "../model";
import { runMatlabCase, type Matrix } from "./matlab";

const BUS_TYPE_PV = 2;
const BUS_TYPE_REF = 3;
const BUS_TYPE_ISOLATED = 4;

/** Fields of `mpc` that carry no power-flow data (costs, names, fuel types, areas): read and ignored. */
const IGNORED_FIELDS = new Set(["version", "gencost", "areas", "bus_name", "gentype", "genfuel"]);
const USED_FIELDS = new Set(["baseMVA", "bus", "gen", "branch"]);

function rowsOf(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
}

function numeric(fields: ReturnType<typeof runMatlabCase>["fields"], name: string): Matrix {
  const value = fields.get(name);
  if (value === undefined) throw new GridImportError(`MATPOWER case has no mpc.${name}`);
  if (!("data" in value)) throw new GridImportError(`MATPOWER case: mpc.${name} is not a numeric matrix`);
  return value;
}

/** A finite value, or a GridImportError naming the matrix, row and column. */
function finite(value: number, where: string): number {
  if (!Number.isFinite(value)) throw new GridImportError(`MATPOWER case: ${where} is ${value}, not a finite number`);
  return value;
}

/**
 * Parses a MATPOWER case. Unit conversions written as code (branch impedances in ohms, loads in kW or kVA at a
 * power factor) are executed as MATPOWER would; `Inf` limits are read as "no limit"; DC lines and any field or
 * statement the engine cannot represent are refused with a GridImportError that names them.
 */
export function parseMatpowerCase(text: string, name = "matpower-case"): Network {
  const run = runMatlabCase(text);
  const { fields } = run;
  const version = fields.get("version");
  if (version && "text" in version && version.text !== "2")
    throw new GridImportError(`MATPOWER case format version ${version.text} is not supported (only version 2)`);
  for (const field of fields.keys()) {
    if (USED_FIELDS.has(field) || IGNORED_FIELDS.has(field)) continue;
    if (field === "dcline") {
      const dc = fields.get(field)!;
      if ("data" in dc && dc.rows > 0)
        throw new GridImportError(
          `MATPOWER case: mpc.dcline holds ${dc.rows} DC line(s), which the engine does not model`,
        );
      continue;
    }
    throw new GridImportError(
      `MATPOWER case: field mpc.${field} is not read by the importer; refusing rather than ignoring it`,
    );
  }
  const baseMvaMatrix = numeric(fields, "baseMVA");
  if (baseMvaMatrix.data.length !== 1) throw new GridImportError("MATPOWER case: mpc.baseMVA is not a scalar");
  const baseMva = finite(baseMvaMatrix.data[0], "mpc.baseMVA");
  const bus = rowsOf(numeric(fields, "bus"));
  const gen = fields.has("gen") ? rowsOf(numeric(fields, "gen")) : [];
  const branch = rowsOf(numeric(fields, "branch"));

  const kvOf = new Map<number, number>();
  const typeOf = new Map<number, number>();
  const input: NetworkInput = {
    name: run.functionName ?? name,
    baseMva,
    buses: [],
    lines: [],
    transformers: [],
    loads: [],
    generators: [],
    slacks: [],
  };
  bus.forEach((row, r) => {
    if (row.length < 13)
      throw new GridImportError(`mpc.bus row ${r + 1} (bus ${row[0]}) has ${row.length} columns, not 13`);
    const at = (c: number, what: string) => finite(row[c], `mpc.bus row ${r + 1} ${what}`);
    const id = at(0, "BUS_I");
    const type = at(1, "BUS_TYPE");
    if (type === BUS_TYPE_ISOLATED) return;
    const baseKv = at(9, "BASE_KV");
    const kv = baseKv > 0 ? baseKv : 1;
    kvOf.set(id, kv);
    typeOf.set(id, type);
    const vmax = row[11];
    const vmin = row[12];
    input.buses.push({
      id: String(id),
      nominalKv: kv,
      vMinPu: Number.isFinite(vmin) && vmin > 0 ? vmin : undefined,
      vMaxPu: Number.isFinite(vmax) && vmax > 0 ? vmax : undefined,
      shuntKw: at(4, "GS") * 1000,
      shuntKvar: at(5, "BS") * 1000,
      vStartPu: at(7, "VM") > 0 ? at(7, "VM") : undefined,
      angleStartDeg: at(8, "VA"),
    });
    const pd = at(2, "PD");
    const qd = at(3, "QD");
    if (pd !== 0 || qd !== 0)
      input.loads!.push({ id: `load-${id}`, bus: String(id), pKw: pd * 1000, qKvar: qd * 1000 });
    if (type === BUS_TYPE_REF) input.slacks!.push({ bus: String(id), vPu: at(7, "VM"), angleDeg: at(8, "VA") });
  });

  gen.forEach((row, g) => {
    if (row.length < 10) throw new GridImportError(`mpc.gen row ${g + 1} has ${row.length} columns, not 10+`);
    const at = (c: number, what: string) => finite(row[c], `mpc.gen row ${g + 1} ${what}`);
    const busId = at(0, "GEN_BUS");
    const status = at(7, "GEN_STATUS");
    const type = typeOf.get(busId);
    if (type === undefined) {
      if (status > 0) throw new GridImportError(`mpc.gen row ${g + 1} is at unknown or isolated bus ${busId}`);
      return;
    }
    if (status <= 0) return;
    const vg = at(5, "VG");
    if (type === BUS_TYPE_REF) {
      // MATPOWER holds the reference voltage at the generator's set point.
      const slack = input.slacks!.find((s) => s.bus === String(busId))!;
      slack.vPu = vg;
    }
    // Q limits may be ±Inf (no limit); P limits do not enter a power flow.
    const qMax = row[3];
    const qMin = row[4];
    if (Number.isNaN(qMax) || Number.isNaN(qMin))
      throw new GridImportError(`mpc.gen row ${g + 1}: QMAX or QMIN is NaN`);
    input.generators!.push({
      id: `gen-${g + 1}`,
      bus: String(busId),
      pKw: at(1, "PG") * 1000,
      qKvar: at(2, "QG") * 1000,
      vSetPu: type === BUS_TYPE_PV ? vg : undefined,
      qMaxKvar: type === BUS_TYPE_PV && Number.isFinite(qMax) ? qMax * 1000 : undefined,
      qMinKvar: type === BUS_TYPE_PV && Number.isFinite(qMin) ? qMin * 1000 : undefined,
    });
  });

  branch.forEach((row, k) => {
    if (row.length < 11) throw new GridImportError(`mpc.branch row ${k + 1} has ${row.length} columns, not 11+`);
    const at = (c: number, what: string) => finite(row[c], `mpc.branch row ${k + 1} ${what}`);
    const f = at(0, "F_BUS");
    const t = at(1, "T_BUS");
    const status = at(10, "BR_STATUS");
    if (!kvOf.has(f) || !kvOf.has(t)) {
      if (status > 0)
        throw new GridImportError(`mpc.branch row ${k + 1} connects unknown or isolated bus ${f} or ${t}`);
      return;
    }
    const r = at(2, "BR_R");
    const x = at(3, "BR_X");
    const b = at(4, "BR_B");
    // rateA = 0 (or Inf) means unlimited in MATPOWER.
    const rateA = Number.isFinite(row[5]) ? row[5] : 0;
    const ratio = at(8, "TAP");
    const angle = at(9, "SHIFT");
    const from = String(f);
    const to = String(t);
    const kvFrom = kvOf.get(f)!;
    const kvTo = kvOf.get(t)!;
    const id = `branch-${k + 1}`;
    const isTransformer = (ratio !== 0 && ratio !== 1) || angle !== 0 || kvFrom !== kvTo;
    if (!isTransformer) {
      const zBase = (kvFrom * kvFrom) / baseMva;
      input.lines!.push({
        id,
        from,
        to,
        kind: r < 0 || x < 0 ? "equivalent" : "cable",
        rOhm: r * zBase,
        xOhm: x * zBase,
        bMicroS: (b / zBase) * 1e6,
        ampacityA: rateA > 0 ? (rateA * 1000) / (Math.sqrt(3) * kvFrom) : undefined,
        inService: status > 0,
      });
    } else {
      // Per-unit impedance expressed on a rating base (rateA, else the system base); the limit is rateA only.
      const ratedMva = rateA > 0 ? rateA : baseMva;
      const z = Math.hypot(r, x);
      const zBaseTo = (kvTo * kvTo) / baseMva;
      input.transformers!.push({
        id,
        hvBus: from,
        lvBus: to,
        ratedMva,
        vkPercent: z * (ratedMva / baseMva) * 100 * (x < 0 ? -1 : 1),
        vkrPercent: r * (ratedMva / baseMva) * 100,
        tapRatio: ratio === 0 ? 1 : ratio,
        shiftDeg: angle,
        bMicroS: (b / zBaseTo) * 1e6,
        equivalent: r < 0 || x < 0,
        limitMva: rateA > 0 ? rateA : 0,
        inService: status > 0,
      });
    }
  });
  return parseNetwork(input);
}
