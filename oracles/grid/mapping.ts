// Maps every PoD to its PoM (primary substation) and MV feeder by walking the network from each primary
// substation's HV busbar through in-service branches and closed switches: open points decide the feeder.
import type { Network } from "./model";

export interface PodLocation {
  pod: string;
  bus: string;
  secondarySubstation?: string;
  /** The primary substation (PoM) that feeds the PoD under the current switch states; null if none does. */
  pom: string | null;
  feeder: string | null;
}

interface Edge {
  to: number;
  element: string;
}

/** Walks the network once per primary substation (breadth first) and labels each bus with PoM and feeder. */
export function locateBuses(network: Network): { pom: (string | null)[]; feeder: (string | null)[] } {
  const index = new Map(network.buses.map((b, i) => [b.id, i]));
  const adjacency: Edge[][] = network.buses.map(() => []);
  const link = (a: string, b: string, element: string) => {
    const ia = index.get(a);
    const ib = index.get(b);
    if (ia === undefined || ib === undefined) return;
    adjacency[ia].push({ to: ib, element });
    adjacency[ib].push({ to: ia, element });
  };
  for (const line of network.lines) if (line.inService) link(line.from, line.to, line.id);
  for (const tr of network.transformers) if (tr.inService) link(tr.hvBus, tr.lvBus, tr.id);
  for (const sw of network.switches) if (sw.closed) link(sw.from, sw.to, sw.id);
  const feederOfHead = new Map(network.feeders.map((f) => [f.headBranch, f.id]));

  const pom: (string | null)[] = network.buses.map(() => null);
  const feeder: (string | null)[] = network.buses.map(() => null);
  for (const ps of network.primarySubstations) {
    const start = index.get(ps.hvBus);
    if (start === undefined || pom[start] !== null) continue;
    pom[start] = ps.id;
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
      const bus = queue[head];
      for (const edge of adjacency[bus]) {
        if (pom[edge.to] !== null) continue;
        pom[edge.to] = ps.id;
        feeder[edge.to] = feederOfHead.get(edge.element) ?? feeder[bus];
        queue.push(edge.to);
      }
    }
  }
  return { pom, feeder };
}

/** Every PoD attached to a load or generator, with the PoM and feeder that serve it now. */
export function mapPodsToPoms(network: Network): PodLocation[] {
  const index = new Map(network.buses.map((b, i) => [b.id, i]));
  const { pom, feeder } = locateBuses(network);
  const seen = new Set<string>();
  const out: PodLocation[] = [];
  for (const element of [...network.loads, ...network.generators]) {
    if (element.pod === undefined || seen.has(element.pod)) continue;
    seen.add(element.pod);
    const b = index.get(element.bus)!;
    const secondarySubstation = network.buses[b].secondarySubstation;
    out.push({
      pod: element.pod,
      bus: element.bus,
      ...(secondarySubstation !== undefined ? { secondarySubstation } : {}),
      pom: pom[b],
      feeder: feeder[b],
    });
  }
  return out;
}
