// A synthetic network at the scale of areti's Rome grid (about 70 primary substations, 600 MV feeders at
// 20 kV and 8.4 kV, 13,000 MV/LV substations), seeded and reproducible, for benchmarks and oracle tests.
// Feeders are radial (trunk plus laterals) with normally open tie cables between neighbouring feeders.
import { parseNetwork, type Network, type NetworkInput } from "../model";

/** Small, fast, seedable PRNG (mulberry32): the same seed gives the same network on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** MV cable types used in Rome's underground network: per-km data and thermal limit. */
export const CABLE_TYPES = {
  "Al 3x1x240 mm2": { rOhmPerKm: 0.125, xOhmPerKm: 0.105, cNfPerKm: 340, ampacityA: 420 },
  "Al 3x1x185 mm2": { rOhmPerKm: 0.164, xOhmPerKm: 0.11, cNfPerKm: 310, ampacityA: 360 },
  "Al 3x1x150 mm2": { rOhmPerKm: 0.206, xOhmPerKm: 0.113, cNfPerKm: 280, ampacityA: 320 },
  "Al 3x1x95 mm2": { rOhmPerKm: 0.32, xOhmPerKm: 0.121, cNfPerKm: 240, ampacityA: 250 },
  "Cu 3x1x70 mm2": { rOhmPerKm: 0.268, xOhmPerKm: 0.125, cNfPerKm: 230, ampacityA: 235 },
  "Cu 3x35 mm2 (paper)": { rOhmPerKm: 0.524, xOhmPerKm: 0.13, cNfPerKm: 200, ampacityA: 140 },
} as const;
export type CableType = keyof typeof CABLE_TYPES;

/** A cable section as a line of the model, from its type and length. */
export function cableLine(id: string, from: string, to: string, type: CableType, lengthKm: number) {
  const c = CABLE_TYPES[type];
  return {
    id,
    from,
    to,
    kind: "cable" as const,
    cableType: type,
    lengthKm,
    rOhm: c.rOhmPerKm * lengthKm,
    xOhm: c.xOhmPerKm * lengthKm,
    bMicroS: 2 * Math.PI * 50 * c.cNfPerKm * 1e-9 * lengthKm * 1e6,
    ampacityA: c.ampacityA,
  };
}

export interface RomeOptions {
  seed?: number;
  primarySubstations?: number;
  feeders?: number;
  secondarySubstations?: number;
  /** Share of feeders still at 8.4 kV (the rest are 20 kV). */
  share8kV4?: number;
  /**
   * One connected area instead of independent primary substations: the HV busbars are joined by a 150 kV ring and
   * only the first one is a slack, so the whole network is a single subnetwork (the benchmark's hard case).
   */
  singleArea?: boolean;
  /** Share of MV cable rows written to → from (as data exported from a GIS often is). */
  reversedShare?: number;
}

/** The 150 kV station feeding a single-area network (its slack). */
export const AREA_STATION = "AREA/150kV";

const LOAD_KINDS = ["residential", "commercial", "industrial"] as const;

/** Builds the synthetic Rome-scale network; every primary substation is its own subnetwork with its slack. */
export function buildRomeNetwork(options: RomeOptions = {}): Network {
  const seed = options.seed ?? 2021;
  const psCount = options.primarySubstations ?? 70;
  const feederCount = options.feeders ?? 600;
  const ssCount = options.secondarySubstations ?? 13000;
  const share84 = options.share8kV4 ?? 0.25;
  const random = seededRandom(seed);
  const between = (lo: number, hi: number) => lo + (hi - lo) * random();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

  // Feeders per primary substation and their voltage; 8.4 kV feeders are shorter and lighter.
  const feederPs: number[] = [];
  for (let f = 0; f < feederCount; f++) feederPs.push(Math.floor((f * psCount) / feederCount));
  const feederKv = feederPs.map(() => (random() < share84 ? 8.4 : 20));
  const weight = feederKv.map((kv) => (kv === 8.4 ? 0.6 : 1) * between(0.7, 1.3));
  const totalWeight = weight.reduce((a, b) => a + b, 0);
  const feederSs = weight.map((w) => Math.max(1, Math.floor((w / totalWeight) * ssCount)));
  let missing = ssCount - feederSs.reduce((a, b) => a + b, 0);
  for (let f = 0; missing > 0; f = (f + 1) % feederCount, missing--) feederSs[f]++;

  const input: NetworkInput = {
    name: `rome-synthetic-${seed}`,
    baseMva: 10,
    buses: [],
    lines: [],
    transformers: [],
    switches: [],
    loads: [],
    slacks: [],
    primarySubstations: [],
    feeders: [],
  };
  let ssCode = 10000;
  for (let p = 0; p < psCount; p++) {
    const ps = `CP-RM-${String(p + 1).padStart(3, "0")}`;
    const hv = `${ps}/HV`;
    input.buses.push({ id: hv, nominalKv: 150 });
    if (!options.singleArea) input.slacks!.push({ bus: hv, vPu: 1.0 });
    else {
      // One area: every HV busbar fed from the area's 150 kV station by its own double-circuit line, and the
      // busbars meshed by a ring of single lines (so the HV network is meshed, not radial).
      const hvLine = (id: string, from: string, circuits: number, lengthKm: number) => ({
        id,
        from,
        to: hv,
        kind: "overhead" as const,
        rOhm: (0.06 * lengthKm) / circuits,
        xOhm: (0.4 * lengthKm) / circuits,
        bMicroS: 2.8 * lengthKm * circuits,
        ampacityA: 900 * circuits,
        lengthKm,
      });
      if (p === 0) {
        input.buses.push({ id: AREA_STATION, nominalKv: 150 });
        input.slacks!.push({ bus: AREA_STATION, vPu: 1.02 });
      }
      input.lines!.push(hvLine(`${ps}/HV-feed`, AREA_STATION, 2, between(5, 15)));
      if (p > 0)
        input.lines!.push(hvLine(`${ps}/HV-ring`, `CP-RM-${String(p).padStart(3, "0")}/HV`, 1, between(4, 10)));
    }
    input.primarySubstations!.push({ id: ps, hvBus: hv });
    const feeders = feederPs.map((owner, f) => (owner === p ? f : -1)).filter((f) => f >= 0);
    const lastTrunkByKv = new Map<number, string>();
    for (const kv of [20, 8.4]) {
      const own = feeders.filter((f) => feederKv[f] === kv);
      if (own.length === 0) continue;
      const busbar = `${ps}/MV${kv}`;
      input.buses.push({ id: busbar, nominalKv: kv });
      // HV/MV transformers sized to the busbar's load, with an on-load tap changer holding the MV side a bit high.
      const transformers = Math.max(1, Math.ceil(own.reduce((s, f) => s + feederSs[f], 0) / 90));
      for (let t = 0; t < transformers; t++)
        input.transformers!.push({
          id: `${ps}/TR${kv}-${t + 1}`,
          hvBus: hv,
          lvBus: busbar,
          ratedMva: kv === 20 ? 40 : 25,
          vkPercent: 13,
          vkrPercent: 0.35,
          tapRatio: 0.975,
        });
      for (const f of own) {
        const feeder = `F${String(f + 1).padStart(3, "0")}`;
        const count = feederSs[f];
        const trunkLength = Math.max(1, Math.round(count * between(0.5, 0.7)));
        const loadScale = kv === 8.4 ? 0.6 : 1;
        const busOf: string[] = [];
        for (let s = 0; s < count; s++) {
          const code = String(ssCode++);
          const bus = `${feeder}/${code}`;
          busOf.push(bus);
          input.buses.push({ id: bus, nominalKv: kv, secondarySubstation: code });
          const kind = random() < 0.6 ? LOAD_KINDS[0] : random() < 0.75 ? LOAD_KINDS[1] : LOAD_KINDS[2];
          const ratedKva = pick([250, 400, 400, 630]);
          const pKw = ratedKva * between(0.35, 0.7) * loadScale;
          const cosPhi = kind === "industrial" ? 0.9 : 0.95;
          input.loads!.push({
            id: `load-${code}`,
            bus,
            pKw,
            qKvar: pKw * Math.tan(Math.acos(cosPhi)),
            kind,
          });
        }
        // Trunk: busbar → s0 → s1 → … ; laterals hang off random trunk nodes in short chains.
        for (let s = 0; s < count; s++) {
          const from =
            s === 0 ? busbar : s < trunkLength ? busOf[s - 1] : busOf[Math.floor(random() * Math.min(s, trunkLength))];
          const lateralChain = s >= trunkLength && random() < 0.5 && s > trunkLength;
          const parent = lateralChain ? busOf[s - 1] : from;
          const trunk = s < trunkLength;
          const type: CableType = trunk
            ? s < trunkLength / 3
              ? kv === 20
                ? "Al 3x1x185 mm2"
                : "Al 3x1x240 mm2"
              : "Al 3x1x150 mm2"
            : pick(["Al 3x1x95 mm2", "Cu 3x1x70 mm2", "Cu 3x35 mm2 (paper)"] as const);
          const id = s === 0 ? `${feeder}/head` : `${feeder}/L${s}`;
          const reversed = s > 0 && (options.reversedShare ?? 0) > 0 && random() < options.reversedShare!;
          input.lines!.push(
            reversed
              ? cableLine(id, busOf[s], parent, type, between(0.15, 0.6))
              : cableLine(id, parent, busOf[s], type, between(0.15, 0.6)),
          );
        }
        input.feeders!.push({ id: feeder, primarySubstation: ps, headBranch: `${feeder}/head` });
        // Normally open tie to the previous feeder of the same busbar: a cable with an open switch at its end.
        const end = busOf[trunkLength - 1];
        const previous = lastTrunkByKv.get(kv);
        if (previous) {
          const tie = `${feeder}/TIE`;
          input.buses.push({ id: tie, nominalKv: kv });
          input.lines!.push(cableLine(`${tie}-cable`, end, tie, "Al 3x1x150 mm2", between(0.3, 1)));
          input.switches!.push({ id: `${tie}-switch`, from: tie, to: previous, closed: false });
        }
        lastTrunkByKv.set(kv, end);
      }
    }
  }
  return parseNetwork(input);
}
