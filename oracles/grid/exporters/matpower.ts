// Writes a network as a MATPOWER case (format version 2), so that MATPOWER (or any tool that reads its cases) can
// solve exactly the network FlexGrid solves: for side-by-side benchmarks and for handing a DSO's model to others.
// MATPOWER has no switches: buses joined by a closed switch become one bus, and an open switch is left out.
import type { Network } from "../model";

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(12).replace(/\.?0+(e|$)/, "$1"));

/** Union-find over bus ids: each closed switch merges its two buses into one electrical node. */
function busRepresentatives(network: Network): Map<string, string> {
  const parent = new Map(network.buses.map((b) => [b.id, b.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  for (const s of network.switches) if (s.closed) parent.set(find(s.from), find(s.to));
  return new Map(network.buses.map((b) => [b.id, find(b.id)]));
}

/** The case as MATPOWER .m text; `functionName` names its function (and so the file it belongs in). */
export function toMatpowerCase(network: Network, functionName = "flexgrid_case"): string {
  const representative = busRepresentatives(network);
  const busNumber = new Map<string, number>();
  const nominalKv = new Map(network.buses.map((b) => [b.id, b.nominalKv]));
  const rows = new Map<string, number[]>();
  for (const bus of network.buses) {
    const rep = representative.get(bus.id)!;
    if (busNumber.has(rep)) continue;
    busNumber.set(rep, busNumber.size + 1);
    const repBus = network.buses.find((b) => b.id === rep) ?? bus;
    // bus_i type Pd Qd Gs Bs area Vm Va baseKV zone Vmax Vmin
    rows.set(rep, [
      busNumber.size,
      1,
      0,
      0,
      0,
      0,
      1,
      1,
      0,
      repBus.nominalKv,
      1,
      repBus.vMaxPu ?? 1.1,
      repBus.vMinPu ?? 0.9,
    ]);
  }
  const rowOf = (busId: string) => rows.get(representative.get(busId)!)!;
  for (const bus of network.buses) {
    const row = rowOf(bus.id);
    row[4] += (bus.shuntKw ?? 0) / 1000;
    row[5] += (bus.shuntKvar ?? 0) / 1000;
  }
  for (const load of network.loads) {
    if (!load.inService) continue;
    rowOf(load.bus)[2] += load.pKw / 1000;
    rowOf(load.bus)[3] += load.qKvar / 1000;
  }
  const gens: number[][] = [];
  for (const slack of network.slacks) {
    const row = rowOf(slack.bus);
    row[1] = 3;
    row[7] = slack.vPu;
    row[8] = slack.angleDeg;
    // bus Pg Qg Qmax Qmin Vg mBase status Pmax Pmin
    gens.push([row[0], 0, 0, 9999, -9999, slack.vPu, network.baseMva, 1, 9999, -9999]);
  }
  for (const gen of network.generators) {
    if (!gen.inService) continue;
    const row = rowOf(gen.bus);
    if (gen.vSetPu !== undefined && row[1] !== 3) row[1] = 2;
    gens.push([
      row[0],
      gen.pKw / 1000,
      gen.qKvar / 1000,
      9999,
      -9999,
      gen.vSetPu ?? 1,
      network.baseMva,
      1,
      9999,
      -9999,
    ]);
  }

  const branches: number[][] = [];
  // fbus tbus r x b rateA rateB rateC ratio angle status angmin angmax
  for (const line of network.lines) {
    const kv = nominalKv.get(line.from)!;
    const zBase = (kv * kv) / network.baseMva;
    const rateMva = line.ampacityA ? (Math.sqrt(3) * kv * line.ampacityA) / 1000 : 0;
    branches.push([
      rowOf(line.from)[0],
      rowOf(line.to)[0],
      line.rOhm / zBase,
      line.xOhm / zBase,
      line.bMicroS * 1e-6 * zBase,
      rateMva,
      rateMva,
      rateMva,
      0,
      0,
      line.inService ? 1 : 0,
      -360,
      360,
    ]);
  }
  for (const t of network.transformers) {
    const scale = network.baseMva / t.ratedMva;
    const z = (t.vkPercent / 100) * scale;
    const r = (t.vkrPercent / 100) * scale;
    const x = Math.sign(z || 1) * Math.sqrt(Math.max(z * z - r * r, 0));
    branches.push([
      rowOf(t.hvBus)[0],
      rowOf(t.lvBus)[0],
      r,
      x,
      0,
      t.ratedMva,
      t.ratedMva,
      t.ratedMva,
      t.tapRatio,
      t.shiftDeg,
      t.inService ? 1 : 0,
      -360,
      360,
    ]);
  }

  const matrix = (name: string, data: number[][]) =>
    `mpc.${name} = [\n${data.map((r) => `\t${r.map(fmt).join("\t")};`).join("\n")}\n];\n`;
  return [
    `function mpc = ${functionName}`,
    `%${functionName.toUpperCase()}  ${network.name}, written by FlexGrid (closed switches merged, open ones left out)`,
    "mpc.version = '2';",
    `mpc.baseMVA = ${fmt(network.baseMva)};`,
    matrix("bus", [...rows.values()]),
    matrix("gen", gens),
    matrix("branch", branches),
  ].join("\n");
}
