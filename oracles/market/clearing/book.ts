// The book file format (as ../shared/domain/tor-di-valle-2021-06-23.json: kW, EUR/kW) parsed with zod and
// normalised into the clearing's integer Book (W, micro-EUR per kW), with each request's need computed.
import { z } from "zod";
import { keccak256, stringToBytes, type Hex } from "viem";
import { InvalidBookError } from "../errors";
import { MICRO_EUR_PER_EUR, W_PER_KW, type Book, type BookPod, type FlexRequest, type Offer } from "./types";

const kw = z.number().finite();
const eurPerKw = z.number().finite().nonnegative();
const slotIndex = z.number().int().nonnegative();

const podSchema = z.object({
  pod: z.string().min(1),
  pom: z.string().min(1).optional(),
  feeder: z.string().optional(),
  perimeter: z.string().optional(),
  aggregator: z.string().default(""),
  maxUp: kw.nonnegative(),
  maxDown: kw.nonnegative(),
  /** One value for every slot, or one per slot index. */
  baseline: z.union([kw, z.array(kw)]),
});

const stepSchema = z.object({
  deltaP: kw.refine((v) => v !== 0, "a step must move power"),
  price: eurPerKw,
});

const slotOfferSchema = z
  .object({
    type: z.literal("slot").optional(),
    id: z.string().min(1).optional(),
    pod: z.string().min(1),
    slot: slotIndex,
    deltaP: kw.optional(),
    price: eurPerKw.optional(),
    steps: z.array(stepSchema).min(1).optional(),
  })
  .refine((o) => (o.steps === undefined) !== (o.deltaP === undefined || o.price === undefined), {
    message: "an offer has either deltaP and price, or steps",
  });

const blockOfferSchema = z.object({
  type: z.literal("block"),
  id: z.string().min(1).optional(),
  pod: z.string().min(1),
  deltaP: kw.refine((v) => v !== 0, "a block must move power"),
  durationSlots: z.number().int().positive(),
  earliestSlot: slotIndex,
  latestSlot: slotIndex,
  price: eurPerKw,
});

const requestSchema = z
  .object({
    id: z.string().min(1).optional(),
    by: z.enum(["DSO", "TSO"]),
    pods: z.array(z.string().min(1)).min(1).optional(),
    pom: z.string().min(1).optional(),
    slot: slotIndex,
    targetP: kw.optional(),
    deltaP: kw.optional(),
    maxPrice: eurPerKw.nullable().optional(),
  })
  .refine((r) => (r.targetP === undefined) !== (r.deltaP === undefined), {
    message: "a request has exactly one of targetP and deltaP",
  });

const directionLightSchema = z.object({
  colour: z.enum(["green", "yellow", "red"]),
  capability: kw.nonnegative().nullable().optional(),
});

export const bookFileSchema = z.object({
  description: z.string().optional(),
  marketDayStartUtc: z.string().optional(),
  slots: z.number().int().positive().max(96).default(96),
  pom: z.string().min(1).optional(),
  pricing: z.enum(["pay-as-clear", "pay-as-bid"]).default("pay-as-clear"),
  pods: z.array(podSchema).min(1),
  offers: z.array(z.union([blockOfferSchema, slotOfferSchema])),
  requests: z.array(requestSchema),
  trafficLights: z
    .array(
      z.object({
        perimeter: z.string().min(1),
        slot: slotIndex,
        up: directionLightSchema.optional(),
        down: directionLightSchema.optional(),
      }),
    )
    .default([]),
  alreadySold: z
    .array(
      z.object({
        pod: z.string().min(1),
        slot: slotIndex,
        operator: z.enum(["DSO", "TSO"]),
        deltaP: kw,
      }),
    )
    .default([]),
});

export type BookFile = z.input<typeof bookFileSchema>;

const toW = (valueKw: number): number => Math.round(valueKw * W_PER_KW);
const toMicro = (eur: number): number => Math.round(eur * MICRO_EUR_PER_EUR);

/** Parses a book file (unknown JSON) and normalises it; throws InvalidBookError naming the bad fields. */
export function parseBook(input: unknown, overrides: { pricing?: Book["pricing"] } = {}): Book {
  const parsed = bookFileSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new InvalidBookError(`invalid book: ${issues.join("; ")}`);
  }
  const file = parsed.data;
  const slotCount = file.slots;

  const pods: BookPod[] = file.pods.map((p) => {
    const pom = p.pom ?? file.pom;
    if (pom === undefined) throw new InvalidBookError(`pod ${p.pod}: no pom (set pods[].pom or the book's pom)`);
    let baselineW: number[];
    if (typeof p.baseline === "number") baselineW = new Array<number>(slotCount).fill(toW(p.baseline));
    else {
      if (p.baseline.length !== slotCount)
        throw new InvalidBookError(`pod ${p.pod}: ${p.baseline.length} baseline values for ${slotCount} slots`);
      baselineW = p.baseline.map(toW);
    }
    return {
      pod: p.pod,
      pom,
      perimeter: p.perimeter ?? p.feeder ?? pom,
      aggregator: p.aggregator,
      maxUpW: toW(p.maxUp),
      maxDownW: toW(p.maxDown),
      baselineW,
    };
  });
  const podsById = new Map(pods.map((p) => [p.pod, p]));
  if (podsById.size !== pods.length) throw new InvalidBookError("duplicate pod ids");
  const knownPod = (pod: string, where: string): void => {
    if (!podsById.has(pod)) throw new InvalidBookError(`${where}: unknown pod ${pod}`);
  };
  const knownSlot = (slot: number, where: string): void => {
    if (slot >= slotCount) throw new InvalidBookError(`${where}: slot ${slot} outside 0..${slotCount - 1}`);
  };

  const offers: Offer[] = file.offers.map((o, seq) => {
    const where = `offers[${seq}]`;
    knownPod(o.pod, where);
    const id = o.id ?? `o${seq}`;
    if (o.type === "block") {
      if (o.latestSlot >= slotCount || o.latestSlot - o.earliestSlot + 1 < o.durationSlots)
        throw new InvalidBookError(`${where}: window ${o.earliestSlot}..${o.latestSlot} cannot hold the block`);
      return {
        kind: "block",
        id,
        seq,
        pod: o.pod,
        deltaW: toW(o.deltaP),
        durationSlots: o.durationSlots,
        earliestSlot: o.earliestSlot,
        latestSlot: o.latestSlot,
        priceMicroEurPerKw: toMicro(o.price),
      };
    }
    knownSlot(o.slot, where);
    const steps = (o.steps ?? [{ deltaP: o.deltaP!, price: o.price! }]).map((s) => ({
      deltaW: toW(s.deltaP),
      priceMicroEurPerKw: toMicro(s.price),
    }));
    for (let k = 1; k < steps.length; k++) {
      // A supply curve: later steps cost at least as much, so merit order takes them in curve order.
      if (steps[k].priceMicroEurPerKw < steps[k - 1].priceMicroEurPerKw)
        throw new InvalidBookError(`${where}: step prices must not decrease`);
      if (Math.sign(steps[k].deltaW) !== Math.sign(steps[0].deltaW))
        throw new InvalidBookError(`${where}: all steps must go the same direction`);
    }
    return { kind: "slot", id, seq, pod: o.pod, slot: o.slot, steps };
  });
  if (new Set(offers.map((o) => o.id)).size !== offers.length) throw new InvalidBookError("duplicate offer ids");

  const requests: FlexRequest[] = file.requests.map((r, seq) => {
    const where = `requests[${seq}]`;
    knownSlot(r.slot, where);
    let requestPods: string[];
    if (r.by === "DSO") {
      if (!r.pods) throw new InvalidBookError(`${where}: a DSO request names its pods`);
      r.pods.forEach((p) => knownPod(p, where));
      requestPods = [...new Set(r.pods)];
    } else {
      const pom = r.pom ?? file.pom;
      if (!pom) throw new InvalidBookError(`${where}: a TSO request names its pom`);
      // The TSO buys at the PoM: every PoD the grid maps to it counts.
      requestPods = pods.filter((p) => p.pom === pom).map((p) => p.pod);
      if (requestPods.length === 0) throw new InvalidBookError(`${where}: no pod is mapped to pom ${pom}`);
    }
    const baselineSumW = requestPods.reduce((sum, p) => sum + podsById.get(p)!.baselineW[r.slot], 0);
    const needW = r.deltaP !== undefined ? toW(r.deltaP) : toW(r.targetP!) - baselineSumW;
    return {
      id: r.id ?? `r${seq}`,
      seq,
      by: r.by,
      slot: r.slot,
      pods: requestPods,
      needW,
      maxPriceMicroEurPerKw: r.maxPrice === undefined || r.maxPrice === null ? null : toMicro(r.maxPrice),
    };
  });
  if (new Set(requests.map((r) => r.id)).size !== requests.length) throw new InvalidBookError("duplicate request ids");

  const unbounded = { colour: "green" as const, capabilityW: null };
  const trafficLights = file.trafficLights.map((t) => {
    knownSlot(t.slot, "trafficLights");
    const light = (d: z.infer<typeof directionLightSchema> | undefined) =>
      d
        ? {
            colour: d.colour,
            capabilityW: d.capability == null ? null : toW(d.capability),
          }
        : unbounded;
    return {
      perimeter: t.perimeter,
      slot: t.slot,
      up: light(t.up),
      down: light(t.down),
    };
  });
  const alreadySold = file.alreadySold.map((s) => {
    knownPod(s.pod, "alreadySold");
    knownSlot(s.slot, "alreadySold");
    return {
      pod: s.pod,
      slot: s.slot,
      operator: s.operator,
      powerW: toW(s.deltaP),
    };
  });

  return {
    slotCount,
    pods,
    offers,
    requests,
    trafficLights,
    alreadySold,
    pricing: overrides.pricing ?? file.pricing,
  };
}

/** JSON with object keys sorted, so equal books hash equally whatever order their keys came in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The input hash posted with a result: keccak256 of the canonical JSON of the normalised book. */
export function bookHash(book: Book): Hex {
  return keccak256(stringToBytes(canonicalJson(book)));
}
