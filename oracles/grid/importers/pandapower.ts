// Reads pandapower-style JSON (tables bus, line, trafo, switch, load, sgen, ext_grid) into the FlexGrid model.
// Accepts both plain record arrays and pandapower's own `to_json` output, whose tables are DataFrames
// serialised in pandas "split" orientation inside an `_object` string.
import { GridImportError } from "../errors";
import { parseNetwork, type Network, type NetworkInput } from "../model";

type Row = Record<string, unknown>;

/** One table as records with their pandapower index under `index`. */
function table(net: Record<string, unknown>, name: string): Row[] {
  let value = net[name];
  if (value === undefined || value === null) return [];
  if (typeof value === "object" && !Array.isArray(value) && "_object" in (value as Row)) {
    const inner = (value as Row)._object;
    value = typeof inner === "string" ? JSON.parse(inner) : inner;
  }
  if (Array.isArray(value)) return value.map((row, i) => ({ index: i, ...(row as Row) }));
  if (typeof value === "object" && value !== null && "columns" in value && "data" in value) {
    const frame = value as { columns: string[]; index?: number[]; data: unknown[][] };
    return frame.data.map((cells, i) => {
      const row: Row = { index: frame.index?.[i] ?? i };
      frame.columns.forEach((column, c) => (row[column] = cells[c]));
      return row;
    });
  }
  throw new GridImportError(`pandapower table "${name}" is neither a record array nor a split DataFrame`);
}

const num = (row: Row, key: string, fallback?: number): number => {
  const v = row[key];
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) {
    if (fallback !== undefined) return fallback;
  }
  throw new GridImportError(`pandapower field "${key}" of row ${String(row.index)} is missing or not a number`);
};
const flag = (row: Row, key: string): boolean => row[key] === undefined || row[key] === null || row[key] === true;
const idOf = (row: Row) => String(row.index);

export function parsePandapowerJson(json: unknown, name = "pandapower-case"): Network {
  if (typeof json !== "object" || json === null) throw new GridImportError("pandapower JSON must be an object");
  let net = json as Record<string, unknown>;
  if ("_object" in net && typeof net._object === "object") net = net._object as Record<string, unknown>;
  const frequencyHz = typeof net.f_hz === "number" ? net.f_hz : 50;
  const input: NetworkInput = {
    name: typeof net.name === "string" && net.name ? net.name : name,
    baseMva: typeof net.sn_mva === "number" ? net.sn_mva : 1,
    buses: [],
    lines: [],
    transformers: [],
    switches: [],
    loads: [],
    generators: [],
    slacks: [],
  };
  for (const row of table(net, "bus"))
    input.buses.push({
      id: idOf(row),
      name: typeof row.name === "string" ? row.name : undefined,
      nominalKv: num(row, "vn_kv"),
      vMinPu: typeof row.min_vm_pu === "number" ? row.min_vm_pu : undefined,
      vMaxPu: typeof row.max_vm_pu === "number" ? row.max_vm_pu : undefined,
    });
  // Line and transformer switches that are open take their element out of service.
  const openElements = new Set<string>();
  for (const row of table(net, "switch")) {
    const et = row.et;
    const closed = row.closed !== false;
    if (et === "b")
      input.switches!.push({ id: `switch-${idOf(row)}`, from: String(row.bus), to: String(row.element), closed });
    else if (!closed) openElements.add(`${String(et)}:${String(row.element)}`);
  }
  for (const row of table(net, "line")) {
    const length = num(row, "length_km");
    const parallel = num(row, "parallel", 1);
    const maxIKa = num(row, "max_i_ka", 0);
    input.lines!.push({
      id: `line-${idOf(row)}`,
      from: String(row.from_bus),
      to: String(row.to_bus),
      rOhm: (num(row, "r_ohm_per_km") * length) / parallel,
      xOhm: (num(row, "x_ohm_per_km") * length) / parallel,
      bMicroS: 2 * Math.PI * frequencyHz * num(row, "c_nf_per_km", 0) * 1e-9 * length * parallel * 1e6,
      ampacityA: maxIKa > 0 ? maxIKa * 1000 * parallel : undefined,
      lengthKm: length,
      cableType: typeof row.std_type === "string" ? row.std_type : undefined,
      inService: flag(row, "in_service") && !openElements.has(`l:${idOf(row)}`),
    });
  }
  for (const row of table(net, "trafo")) {
    const step = num(row, "tap_step_percent", 0);
    const offset = num(row, "tap_pos", 0) - num(row, "tap_neutral", 0);
    const ratio = 1 + (offset * step) / 100;
    input.transformers!.push({
      id: `trafo-${idOf(row)}`,
      hvBus: String(row.hv_bus),
      lvBus: String(row.lv_bus),
      ratedMva: num(row, "sn_mva"),
      vkPercent: num(row, "vk_percent"),
      vkrPercent: num(row, "vkr_percent", 0),
      // A tap on the LV side changes the ratio the other way round.
      tapRatio: row.tap_side === "lv" ? 1 / ratio : ratio,
      shiftDeg: num(row, "shift_degree", 0),
      inService: flag(row, "in_service") && !openElements.has(`t:${idOf(row)}`),
    });
  }
  for (const row of table(net, "load")) {
    const scaling = num(row, "scaling", 1);
    input.loads!.push({
      id: `load-${idOf(row)}`,
      bus: String(row.bus),
      pKw: num(row, "p_mw") * 1000 * scaling,
      qKvar: num(row, "q_mvar", 0) * 1000 * scaling,
      pod: typeof row.name === "string" && /^IT\d{3}E/.test(row.name) ? row.name : undefined,
      inService: flag(row, "in_service"),
    });
  }
  for (const row of table(net, "sgen")) {
    const scaling = num(row, "scaling", 1);
    input.generators!.push({
      id: `sgen-${idOf(row)}`,
      bus: String(row.bus),
      pKw: num(row, "p_mw") * 1000 * scaling,
      qKvar: num(row, "q_mvar", 0) * 1000 * scaling,
      inService: flag(row, "in_service"),
    });
  }
  for (const row of table(net, "ext_grid"))
    if (flag(row, "in_service"))
      input.slacks!.push({ bus: String(row.bus), vPu: num(row, "vm_pu", 1), angleDeg: num(row, "va_degree", 0) });
  return parseNetwork(input);
}
