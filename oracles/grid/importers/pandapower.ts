// Reads pandapower networks (plain record tables, or pandapower's own `to_json` files whose tables are DataFrames
// in pandas "split" orientation) into the FlexGrid model with pandapower's own formulas: lines with charging and
// conductance, two-winding transformers as pandapower's T model (taps on either side, phase shift, magnetising
// branch), static and voltage-controlled generators, shunts, storage, bus-bus and element switches, several
// external grids. Every element pandapower would solve and the engine cannot represent is refused by name.
import { GridImportError } from "../errors";
import { parseNetwork, type Network, type NetworkInput } from "../model";

type Row = Record<string, unknown>;

/** Tables the importer reads; every other non-empty electrical table is refused. */
const READ_TABLES = new Set(["bus", "line", "trafo", "switch", "load", "sgen", "gen", "ext_grid", "shunt", "storage"]);
/** Tables that do not change a power flow (costs, geodata, results, metadata). */
const IGNORED_TABLES = new Set([
  "poly_cost",
  "pwl_cost",
  "bus_geodata",
  "line_geodata",
  "measurement",
  "group",
  "characteristic",
  "trafo_characteristic_table",
  "shunt_characteristic_table",
]);

/** One table as records with their pandapower index under `index`. */
function table(net: Record<string, unknown>, name: string): Row[] {
  let value = net[name];
  if (value === undefined || value === null) return [];
  if (typeof value === "object" && !Array.isArray(value) && "_object" in (value as Row)) {
    const inner = (value as Row)._object;
    try {
      value = typeof inner === "string" ? JSON.parse(inner) : inner;
    } catch (error) {
      // pandas stores each table as JSON inside the file's JSON: a broken one is the file's fault, named as such
      throw new GridImportError(
        `pandapower table "${name}" holds a DataFrame that is not valid JSON: ${(error as Error).message}`,
      );
    }
  }
  if (Array.isArray(value)) return value.map((row, i) => ({ index: i, ...(row as Row) }));
  if (typeof value === "object" && value !== null && "columns" in value && "data" in value) {
    const frame = value as { columns: string[]; index?: number[]; data: unknown[][] };
    if (!Array.isArray(frame.columns) || !Array.isArray(frame.data) || !frame.data.every(Array.isArray))
      throw new GridImportError(
        `pandapower table "${name}": a split DataFrame needs arrays "columns" and "data" (rows)`,
      );
    return frame.data.map((cells, i) => {
      const row: Row = { index: frame.index?.[i] ?? i };
      frame.columns.forEach((column, c) => (row[column] = cells[c]));
      return row;
    });
  }
  throw new GridImportError(`pandapower table "${name}" is neither a record array nor a split DataFrame`);
}

const isMissing = (v: unknown) => v === undefined || v === null || (typeof v === "number" && Number.isNaN(v));
const num = (row: Row, key: string, fallback?: number): number => {
  const v = row[key];
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (isMissing(v) && fallback !== undefined) return fallback;
  throw new GridImportError(`pandapower field "${key}" of row ${String(row.index)} is missing or not a number`);
};
const inService = (row: Row): boolean => isMissing(row.in_service) || row.in_service === true;
const idOf = (row: Row) => String(row.index);

/** A pandapower transformer as the pi model pandapower's own solver builds (system per unit, LV side). */
interface TransformerPi {
  r: number;
  x: number;
  g: number;
  b: number;
  gAsym: number;
  bAsym: number;
  ratio: number;
  shiftDeg: number;
}

/** pandapower's _calc_tap_from_dataframe for one transformer: rated voltages and shift at the tap position. */
function tappedVoltages(tr: Row): { vnHv: number; vnLv: number; shiftDeg: number } {
  let vnHv = num(tr, "vn_hv_kv");
  let vnLv = num(tr, "vn_lv_kv");
  let shiftDeg = num(tr, "shift_degree", 0);
  if (isMissing(tr.tap_pos)) return { vnHv, vnLv, shiftDeg };
  if (tr.tap_dependency_table === true)
    throw new GridImportError(`pandapower trafo ${idOf(tr)} uses a tap dependency table, which is not read`);
  const type = isMissing(tr.tap_changer_type) ? "Ratio" : String(tr.tap_changer_type);
  const diff = num(tr, "tap_pos") - num(tr, "tap_neutral", 0);
  const stepPercent = num(tr, "tap_step_percent", 0);
  const stepDegree = num(tr, "tap_step_degree", 0);
  const side = tr.tap_side;
  if (side !== "hv" && side !== "lv") {
    if (diff !== 0 && (stepPercent !== 0 || stepDegree !== 0))
      throw new GridImportError(`pandapower trafo ${idOf(tr)}: tap_side "${String(side)}" is neither hv nor lv`);
    return { vnHv, vnLv, shiftDeg };
  }
  const direction = side === "hv" ? 1 : -1;
  const rad = (deg: number) => (deg * Math.PI) / 180;
  if (type === "Ideal") {
    if (stepDegree !== 0 && stepPercent !== 0)
      throw new GridImportError(`pandapower trafo ${idOf(tr)}: an ideal phase shifter with both steps set`);
    shiftDeg +=
      stepDegree !== 0
        ? direction * diff * stepDegree
        : direction * 2 * ((Math.asin((diff * stepPercent) / 100 / 2) * 180) / Math.PI);
  } else if (type === "Ratio" || type === "Symmetrical") {
    const u1 = side === "hv" ? vnHv : vnLv;
    const du = (u1 * stepPercent * diff) / 100;
    const vn = Math.sqrt((u1 + du * Math.cos(rad(stepDegree))) ** 2 + (du * Math.sin(rad(stepDegree))) ** 2);
    shiftDeg +=
      (Math.atan((direction * du * Math.sin(rad(stepDegree))) / (u1 + du * Math.cos(rad(stepDegree)))) * 180) / Math.PI;
    if (side === "hv") vnHv = vn;
    else vnLv = vn;
  } else throw new GridImportError(`pandapower trafo ${idOf(tr)}: tap_changer_type "${type}" is not supported`);
  return { vnHv, vnLv, shiftDeg };
}

/** pandapower's transformer model ("t", its default; "pi" when asked) in system per unit. */
function transformerPi(tr: Row, hvBusKv: number, lvBusKv: number, baseMva: number, model: "t" | "pi"): TransformerPi {
  const { vnHv, vnLv, shiftDeg } = tappedVoltages(tr);
  const parallel = num(tr, "parallel", 1);
  const sn = num(tr, "sn_mva");
  const vk = num(tr, "vk_percent");
  const vkr = num(tr, "vkr_percent", 0);
  // _calc_r_x_from_dataframe: impedance referred to the LV bus through the (tapped) rated LV voltage.
  const tapLv = (vnLv / lvBusKv) ** 2 * baseMva;
  const zSc = (vk / 100 / sn) * tapLv;
  const rSc = (vkr / 100 / sn) * tapLv;
  let r = rSc / parallel;
  let x = (Math.sign(zSc) * Math.sqrt(Math.max(zSc * zSc - rSc * rSc, 0))) / parallel;
  // _calc_y_from_dataframe: magnetising branch from i0 and the iron losses.
  const baseZ = lvBusKv ** 2 / baseMva;
  const ratedLv = num(tr, "vn_lv_kv");
  const pfeMw = num(tr, "pfe_kw", 0) / 1000;
  const ymMva = (num(tr, "i0_percent", 0) / 100) * sn;
  const bMva = -Math.sqrt(Math.max(ymMva ** 2 - pfeMw ** 2, 0));
  const convert = (mva: number) => ((mva / ratedLv ** 2) * baseZ * parallel) / (vnLv / ratedLv) ** 2;
  let g = convert(pfeMw);
  let b = convert(bMva);
  let gAsym = 0;
  let bAsym = 0;
  if (model === "t" && (g !== 0 || b !== 0)) {
    // _wye_delta: the T (leakage split half and half around the magnetising branch) as its exact pi equivalent.
    const rRatio = num(tr, "leakage_resistance_ratio_hv", 0.5);
    const xRatio = num(tr, "leakage_reactance_ratio_hv", 0.5);
    const za = complex(r * rRatio, x * xRatio);
    const zb = complex(r * (1 - rRatio), x * (1 - xRatio));
    const zc = inverse(complex(g, b));
    const sum = add(add(mul(za, zb), mul(za, zc)), mul(zb, zc));
    const zab = div(sum, zc);
    const zac = div(sum, zb);
    const zbc = div(sum, za);
    r = zab.re;
    x = zab.im;
    const yf = inverse(zac);
    const yt = inverse(zbc);
    g = 2 * yf.re;
    b = 2 * yf.im;
    gAsym = 2 * yt.re - g;
    bAsym = 2 * yt.im - b;
  }
  const ratio = vnHv / vnLv / (hvBusKv / lvBusKv);
  return { r, x, g, b, gAsym, bAsym, ratio, shiftDeg };
}

interface Complex {
  re: number;
  im: number;
}
const complex = (re: number, im: number): Complex => ({ re, im });
const add = (a: Complex, b: Complex) => complex(a.re + b.re, a.im + b.im);
const mul = (a: Complex, b: Complex) => complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
const div = (a: Complex, b: Complex) => {
  const d = b.re * b.re + b.im * b.im;
  return complex((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
};
const inverse = (a: Complex) => div(complex(1, 0), a);

export interface PandapowerOptions {
  /** pandapower's runpp trafo_model: "t" (its default) or "pi". */
  trafoModel?: "t" | "pi";
}

/**
 * Parses a pandapower network. Throws GridImportError naming any table, element or field it cannot represent
 * exactly (three-winding transformers, asymmetric loads, wards, voltage-dependent loads, tap tables, ...).
 */
export function parsePandapowerJson(json: unknown, name = "pandapower-case", options: PandapowerOptions = {}): Network {
  if (typeof json !== "object" || json === null) throw new GridImportError("pandapower JSON must be an object");
  let net = json as Record<string, unknown>;
  if ("_object" in net && typeof net._object === "object") net = net._object as Record<string, unknown>;
  const trafoModel = options.trafoModel ?? "t";

  for (const key of Object.keys(net)) {
    if (READ_TABLES.has(key) || IGNORED_TABLES.has(key) || key.startsWith("res_") || key.startsWith("_")) continue;
    const value = net[key];
    const isTable =
      typeof value === "object" && value !== null && (Array.isArray(value) || "_object" in (value as Row));
    if (!isTable) continue;
    let rows: Row[];
    try {
      rows = table(net, key);
    } catch {
      continue; // not a DataFrame (std_types, user options): carries no element
    }
    const active = key === "controller" ? rows : rows.filter(inService);
    if (active.length > 0)
      throw new GridImportError(
        `pandapower table "${key}" holds ${active.length} in-service element(s) the engine does not model` +
          (key === "asymmetric_load" || key === "asymmetric_sgen" ? " (unbalanced three-phase power)" : "") +
          (key === "trafo3w" ? " (three-winding transformers)" : "") +
          "; refusing rather than dropping them",
      );
  }

  const frequencyHz = typeof net.f_hz === "number" ? net.f_hz : 50;
  const baseMva = typeof net.sn_mva === "number" ? net.sn_mva : 1;
  const input: NetworkInput = {
    name: typeof net.name === "string" && net.name ? net.name : name,
    baseMva,
    buses: [],
    lines: [],
    transformers: [],
    switches: [],
    loads: [],
    generators: [],
    slacks: [],
  };
  const kvOf = new Map<string, number>();
  const shunts = new Map<string, { kw: number; kvar: number }>();
  for (const row of table(net, "bus")) {
    if (!inService(row)) continue;
    const kv = num(row, "vn_kv");
    kvOf.set(idOf(row), kv);
    input.buses.push({
      id: idOf(row),
      name: typeof row.name === "string" ? row.name : undefined,
      nominalKv: kv,
      vMinPu: typeof row.min_vm_pu === "number" && Number.isFinite(row.min_vm_pu) ? row.min_vm_pu : undefined,
      vMaxPu: typeof row.max_vm_pu === "number" && Number.isFinite(row.max_vm_pu) ? row.max_vm_pu : undefined,
    });
  }
  const busOk = (bus: unknown) => kvOf.has(String(bus));

  // Switches: closed bus-bus switches merge buses; an open switch at a line or transformer end detaches that end
  // (pandapower then keeps the element energised from its other end, charging included: an auxiliary bus).
  const openEnds = new Set<string>();
  for (const row of table(net, "switch")) {
    const et = row.et;
    const closed = row.closed !== false;
    if (et === "b") {
      if (!busOk(row.bus) || !busOk(row.element)) continue;
      if (closed && num(row, "z_ohm", 0) > 0)
        throw new GridImportError(
          `pandapower switch ${idOf(row)} is a closed bus-bus switch with an impedance (z_ohm)`,
        );
      input.switches!.push({ id: `switch-${idOf(row)}`, from: String(row.bus), to: String(row.element), closed });
    } else if (et === "l" || et === "t") {
      if (!closed) openEnds.add(`${String(et)}:${String(row.element)}:${String(row.bus)}`);
    } else if (!closed || et !== "t3")
      throw new GridImportError(`pandapower switch ${idOf(row)} has element type "${String(et)}", which is not read`);
  }
  let auxiliary = 0;
  /** The bus an element end connects to: an isolated auxiliary bus when the end is open or its bus out of service. */
  const endBus = (kind: "l" | "t", element: string, bus: unknown, kv: number): string | undefined => {
    if (busOk(bus) && !openEnds.has(`${kind}:${element}:${String(bus)}`)) return String(bus);
    const id = `aux-${kind}${element}-${auxiliary++}`;
    input.buses.push({ id, nominalKv: kv });
    kvOf.set(id, kv);
    return id;
  };

  for (const row of table(net, "line")) {
    if (!inService(row)) continue;
    const id = idOf(row);
    const fromOk = busOk(row.from_bus) && !openEnds.has(`l:${id}:${String(row.from_bus)}`);
    const toOk = busOk(row.to_bus) && !openEnds.has(`l:${id}:${String(row.to_bus)}`);
    if (!fromOk && !toOk) continue; // detached at both ends: carries nothing
    const kv = kvOf.get(String(busOk(row.from_bus) ? row.from_bus : row.to_bus))!;
    const length = num(row, "length_km");
    const parallel = num(row, "parallel", 1);
    const maxIKa = num(row, "max_i_ka", 0) * num(row, "df", 1);
    input.lines!.push({
      id: `line-${id}`,
      from: endBus("l", id, row.from_bus, kv)!,
      to: endBus("l", id, row.to_bus, kv)!,
      kind: num(row, "r_ohm_per_km") < 0 || num(row, "x_ohm_per_km") < 0 ? "equivalent" : "cable",
      rOhm: (num(row, "r_ohm_per_km") * length) / parallel,
      xOhm: (num(row, "x_ohm_per_km") * length) / parallel,
      bMicroS: 2 * Math.PI * frequencyHz * num(row, "c_nf_per_km", 0) * 1e-9 * length * parallel * 1e6,
      gMicroS: num(row, "g_us_per_km", 0) * length * parallel,
      ampacityA: maxIKa > 0 ? maxIKa * 1000 * parallel : undefined,
      lengthKm: length,
      cableType: typeof row.std_type === "string" ? row.std_type : undefined,
    });
  }

  for (const row of table(net, "trafo")) {
    if (!inService(row)) continue;
    const id = idOf(row);
    if (!busOk(row.hv_bus) || !busOk(row.lv_bus)) continue; // pandapower takes it out of service
    const hvKv = kvOf.get(String(row.hv_bus))!;
    const lvKv = kvOf.get(String(row.lv_bus))!;
    const pi = transformerPi(row, hvKv, lvKv, baseMva, trafoModel);
    const ratedMva = num(row, "sn_mva") * num(row, "parallel", 1);
    const zBaseLv = lvKv ** 2 / baseMva;
    const microS = (pu: number) => (pu / zBaseLv) * 1e6;
    input.transformers!.push({
      id: `trafo-${id}`,
      hvBus: endBus("t", id, row.hv_bus, hvKv)!,
      lvBus: endBus("t", id, row.lv_bus, lvKv)!,
      ratedMva,
      vkPercent: Math.sign(pi.x || 1) * Math.hypot(pi.r, pi.x) * (ratedMva / baseMva) * 100,
      vkrPercent: pi.r * (ratedMva / baseMva) * 100,
      equivalent: pi.r < 0 || pi.x < 0,
      tapRatio: pi.ratio,
      shiftDeg: pi.shiftDeg,
      gMicroS: microS(pi.g),
      bMicroS: microS(pi.b),
      gAsymMicroS: microS(pi.gAsym),
      bAsymMicroS: microS(pi.bAsym),
      limitMva: ratedMva * num(row, "df", 1),
    });
  }

  const loadLike = (tableName: "load" | "storage") => {
    for (const row of table(net, tableName)) {
      if (!inService(row) || !busOk(row.bus)) continue;
      for (const zip of [
        "const_z_percent",
        "const_i_percent",
        "const_z_p_percent",
        "const_i_p_percent",
        "const_z_q_percent",
        "const_i_q_percent",
      ])
        if (num(row, zip, 0) !== 0)
          throw new GridImportError(
            `pandapower ${tableName} ${idOf(row)} is voltage dependent (${zip} = ${String(row[zip])}), which is not modelled`,
          );
      const scaling = num(row, "scaling", 1);
      input.loads!.push({
        id: `${tableName}-${idOf(row)}`,
        bus: String(row.bus),
        pKw: num(row, "p_mw") * 1000 * scaling,
        qKvar: num(row, "q_mvar", 0) * 1000 * scaling,
        pod: typeof row.name === "string" && /^IT\d{3}E/.test(row.name) ? row.name : undefined,
      });
    }
  };
  loadLike("load");
  loadLike("storage");

  for (const row of table(net, "sgen")) {
    if (!inService(row) || !busOk(row.bus)) continue;
    const scaling = num(row, "scaling", 1);
    input.generators!.push({
      id: `sgen-${idOf(row)}`,
      bus: String(row.bus),
      pKw: num(row, "p_mw") * 1000 * scaling,
      qKvar: num(row, "q_mvar", 0) * 1000 * scaling,
    });
  }

  const slackBuses = new Set<string>();
  for (const row of table(net, "ext_grid")) {
    if (!inService(row) || !busOk(row.bus)) continue;
    slackBuses.add(String(row.bus));
    input.slacks!.push({ bus: String(row.bus), vPu: num(row, "vm_pu", 1), angleDeg: num(row, "va_degree", 0) });
  }
  for (const row of table(net, "gen")) {
    if (!inService(row) || !busOk(row.bus)) continue;
    const bus = String(row.bus);
    const vm = num(row, "vm_pu", 1);
    const pKw = num(row, "p_mw") * 1000 * num(row, "scaling", 1);
    if (row.slack === true && !slackBuses.has(bus)) {
      slackBuses.add(bus);
      input.slacks!.push({ bus, vPu: vm, angleDeg: num(row, "va_degree", 0) });
    }
    const qMin = row.min_q_mvar;
    const qMax = row.max_q_mvar;
    input.generators!.push({
      id: `gen-${idOf(row)}`,
      bus,
      pKw,
      qKvar: 0,
      vSetPu: vm,
      qMinKvar: typeof qMin === "number" && Number.isFinite(qMin) ? qMin * 1000 : undefined,
      qMaxKvar: typeof qMax === "number" && Number.isFinite(qMax) ? qMax * 1000 : undefined,
    });
  }

  // Shunts (_calc_shunts_and_add_on_ppc): power at 1 pu of the shunt's rated voltage, per step; load convention
  // in pandapower (q > 0 absorbs), injection convention for the bus's shuntKvar.
  for (const row of table(net, "shunt")) {
    if (!inService(row) || !busOk(row.bus)) continue;
    if (row.step_dependency_table === true)
      throw new GridImportError(`pandapower shunt ${idOf(row)} uses a step dependency table, which is not read`);
    const bus = String(row.bus);
    const vRatio = (kvOf.get(bus)! / num(row, "vn_kv", kvOf.get(bus)!)) ** 2;
    const step = num(row, "step", 1);
    const s = shunts.get(bus) ?? { kw: 0, kvar: 0 };
    s.kw += num(row, "p_mw", 0) * 1000 * step * vRatio;
    s.kvar -= num(row, "q_mvar", 0) * 1000 * step * vRatio;
    shunts.set(bus, s);
  }
  for (const bus of input.buses) {
    const s = shunts.get(bus.id);
    if (s) {
      bus.shuntKw = s.kw;
      bus.shuntKvar = s.kvar;
    }
  }
  return parseNetwork(dropDeadIslands(input));
}

/**
 * pandapower leaves buses that no external grid reaches unsupplied. Islands that hold no load, generation or
 * shunt change nothing and are dropped with their branches; an island with consumers is refused by name, since
 * solving without it would silently drop their power.
 */
function dropDeadIslands(input: NetworkInput): NetworkInput {
  const index = new Map(input.buses.map((b, i) => [b.id, i]));
  const parent = input.buses.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const join = (a: string, b: string) => (parent[find(index.get(a)!)] = find(index.get(b)!));
  for (const sw of input.switches ?? []) if (sw.closed) join(sw.from, sw.to);
  for (const line of input.lines ?? []) join(line.from, line.to);
  for (const tr of input.transformers ?? []) join(tr.hvBus, tr.lvBus);
  const supplied = new Set((input.slacks ?? []).map((sl) => find(index.get(sl.bus)!)));
  const dead = (bus: string) => !supplied.has(find(index.get(bus)!));
  const consumers = [
    ...(input.loads ?? []).filter((l) => dead(l.bus) && (l.pKw !== 0 || (l.qKvar ?? 0) !== 0)).map((l) => l.id),
    ...(input.generators ?? [])
      .filter((g) => dead(g.bus) && (g.pKw !== 0 || (g.qKvar ?? 0) !== 0 || g.vSetPu !== undefined))
      .map((g) => g.id),
    ...input.buses
      .filter((b) => dead(b.id) && ((b.shuntKw ?? 0) !== 0 || (b.shuntKvar ?? 0) !== 0))
      .map((b) => `shunt at bus ${b.id}`),
  ];
  if (consumers.length > 0)
    throw new GridImportError(
      `pandapower network: ${consumers.length} element(s) are not connected to any external grid (${consumers
        .slice(0, 5)
        .join(", ")}${consumers.length > 5 ? ", ..." : ""}); pandapower would leave them unsupplied`,
    );
  return {
    ...input,
    buses: input.buses.filter((b) => !dead(b.id)),
    lines: (input.lines ?? []).filter((l) => !dead(l.from)),
    transformers: (input.transformers ?? []).filter((t) => !dead(t.hvBus)),
    switches: (input.switches ?? []).filter((sw) => !dead(sw.from) && !dead(sw.to)),
    loads: (input.loads ?? []).filter((l) => !dead(l.bus)),
    generators: (input.generators ?? []).filter((g) => !dead(g.bus)),
  };
}
