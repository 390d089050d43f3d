// Checks a parsed network against the physical and topological rules the solver relies on, and throws a
// GridModelError naming the first offending element (unknown bus, negative impedance, island, missing slack).
import { GridModelError } from "./errors";
import type { Network } from "./model";

/** Union–find over bus indices; closed switches and in-service branches join buses. */
export class DisjointSets {
  private readonly parent: Int32Array;
  constructor(size: number) {
    this.parent = new Int32Array(size);
    for (let i = 0; i < size; i++) this.parent[i] = i;
  }
  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[i] !== root) {
      const next = this.parent[i];
      this.parent[i] = root;
      i = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

function requireUnique(kind: string, ids: string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new GridModelError(`duplicate ${kind} id "${id}"`, id, "GRID_DUPLICATE_ID");
    seen.add(id);
  }
}

/** Throws on the first rule the network breaks; returns nothing when the model can be solved. */
export function validateNetwork(network: Network): void {
  requireUnique(
    "bus",
    network.buses.map((b) => b.id),
  );
  requireUnique("branch", [
    ...network.lines.map((l) => l.id),
    ...network.transformers.map((t) => t.id),
    ...network.switches.map((s) => s.id),
  ]);
  requireUnique(
    "load",
    network.loads.map((l) => l.id),
  );
  requireUnique(
    "generator",
    network.generators.map((g) => g.id),
  );

  const busIndex = new Map(network.buses.map((b, i) => [b.id, i]));
  const busOf = (kind: string, element: string, ref: string): number => {
    const index = busIndex.get(ref);
    if (index === undefined)
      throw new GridModelError(`${kind} ${element} refers to unknown bus "${ref}"`, element, "GRID_UNKNOWN_BUS");
    return index;
  };

  for (const line of network.lines) {
    const from = busOf("line", line.id, line.from);
    const to = busOf("line", line.id, line.to);
    if (from === to) throw new GridModelError(`line ${line.id} connects bus "${line.from}" to itself`, line.id);
    if ((line.rOhm < 0 || line.xOhm < 0) && line.kind !== "equivalent")
      throw new GridModelError(
        `line ${line.id} has a negative impedance (r=${line.rOhm} ohm, x=${line.xOhm} ohm)`,
        line.id,
        "GRID_NEGATIVE_IMPEDANCE",
      );
    if (line.rOhm === 0 && line.xOhm === 0)
      throw new GridModelError(`line ${line.id} has zero impedance: model it as a closed switch`, line.id);
    const kvFrom = network.buses[from].nominalKv;
    const kvTo = network.buses[to].nominalKv;
    if (Math.abs(kvFrom - kvTo) > 1e-6 * kvFrom)
      throw new GridModelError(
        `line ${line.id} joins buses of different nominal voltage (${kvFrom} kV and ${kvTo} kV): use a transformer`,
        line.id,
      );
  }
  for (const tr of network.transformers) {
    busOf("transformer", tr.id, tr.hvBus);
    busOf("transformer", tr.id, tr.lvBus);
    if (tr.hvBus === tr.lvBus) throw new GridModelError(`transformer ${tr.id} connects a bus to itself`, tr.id);
    const impedanceOk = tr.equivalent
      ? tr.vkPercent !== 0 && Math.abs(tr.vkrPercent) <= Math.abs(tr.vkPercent)
      : tr.vkPercent > 0 && tr.vkrPercent >= 0 && tr.vkrPercent <= tr.vkPercent;
    if (!impedanceOk)
      throw new GridModelError(
        `transformer ${tr.id} has a negative or zero impedance (vk=${tr.vkPercent} %, vkr=${tr.vkrPercent} %)`,
        tr.id,
        "GRID_NEGATIVE_IMPEDANCE",
      );
  }
  for (const sw of network.switches) {
    busOf("switch", sw.id, sw.from);
    busOf("switch", sw.id, sw.to);
  }
  for (const load of network.loads) busOf("load", load.id, load.bus);
  for (const gen of network.generators) busOf("generator", gen.id, gen.bus);
  for (const ps of network.primarySubstations) busOf("primary substation", ps.id, ps.hvBus);
  const branchIds = new Set([
    ...network.lines.map((l) => l.id),
    ...network.transformers.map((t) => t.id),
    ...network.switches.map((s) => s.id),
  ]);
  const psIds = new Set(network.primarySubstations.map((p) => p.id));
  for (const feeder of network.feeders) {
    if (!psIds.has(feeder.primarySubstation))
      throw new GridModelError(
        `feeder ${feeder.id} refers to unknown primary substation "${feeder.primarySubstation}"`,
        feeder.id,
      );
    if (!branchIds.has(feeder.headBranch))
      throw new GridModelError(`feeder ${feeder.id} refers to unknown head branch "${feeder.headBranch}"`, feeder.id);
  }

  if (network.slacks.length === 0)
    throw new GridModelError(`network ${network.name} has no slack bus`, network.name, "GRID_NO_SLACK");
  for (const slack of network.slacks) busOf("slack at", slack.bus, slack.bus);

  const sets = new DisjointSets(network.buses.length);
  for (const sw of network.switches) if (sw.closed) sets.union(busIndex.get(sw.from)!, busIndex.get(sw.to)!);
  for (const line of network.lines) if (line.inService) sets.union(busIndex.get(line.from)!, busIndex.get(line.to)!);
  for (const tr of network.transformers) if (tr.inService) sets.union(busIndex.get(tr.hvBus)!, busIndex.get(tr.lvBus)!);

  const slackOfRoot = new Map<number, string>();
  for (const slack of network.slacks) {
    const root = sets.find(busIndex.get(slack.bus)!);
    const other = slackOfRoot.get(root);
    if (other !== undefined)
      throw new GridModelError(
        `buses "${other}" and "${slack.bus}" are both slack in the same connected network`,
        slack.bus,
        "GRID_TWO_SLACKS",
      );
    slackOfRoot.set(root, slack.bus);
  }
  const islands = new Map<number, string[]>();
  for (let i = 0; i < network.buses.length; i++) {
    const root = sets.find(i);
    if (slackOfRoot.has(root)) continue;
    const members = islands.get(root) ?? [];
    members.push(network.buses[i].id);
    islands.set(root, members);
  }
  if (islands.size > 0) {
    const first = [...islands.values()][0];
    const shown = first
      .slice(0, 5)
      .map((b) => `"${b}"`)
      .join(", ");
    throw new GridModelError(
      `island without slack: bus ${shown}${first.length > 5 ? ` and ${first.length - 5} more` : ""} ` +
        `not connected to any slack (${islands.size} island${islands.size > 1 ? "s" : ""} in total)`,
      first[0],
      "GRID_ISLAND",
    );
  }
}
