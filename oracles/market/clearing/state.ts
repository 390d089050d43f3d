// What the session has consumed so far while requests are served in priority order: PoD capacity per
// direction, which operator a PoD serves in a slot (mutual unavailability, also from earlier sessions),
// the TSO's use of each DSO perimeter and the red lights derived from local (DSO) services.
import {
  directionOf,
  opposite,
  type Award,
  type Book,
  type BookPod,
  type Direction,
  type FlexRequest,
  type Operator,
  type Pricing,
  type TrafficLight,
  type ClearingResult,
  type BlockAcceptance,
  type RequestOutcome,
  type SlotOffer,
  paymentMicroEur,
} from "./types";

const key = (...parts: (string | number)[]): string => parts.join("|");

export class ClearingState {
  private readonly _pods: Map<string, BookPod>;
  private readonly _lights = new Map<string, TrafficLight>();
  private readonly _operator = new Map<string, Operator>();
  private readonly _podUsedW = new Map<string, number>();
  private readonly _perimeterUsedW = new Map<string, number>();
  private readonly _derivedRed = new Set<string>();
  private readonly _stepUsedW = new Map<string, number>();
  private readonly _blockStart = new Map<string, number>();
  private readonly _blockAllocatedW = new Map<string, number>();
  /** Who holds a PoD's slot: the one (offer, request) pair FlexMarket will take as its award there. */
  private readonly _holder = new Map<string, { offerId: string; requestId?: string }>();

  constructor(readonly book: Book) {
    this._pods = new Map(book.pods.map((p) => [p.pod, p]));
    for (const light of book.trafficLights) this._lights.set(key(light.perimeter, light.slot), light);
    for (const sold of book.alreadySold) {
      this.occupy(sold.pod, sold.slot, directionOf(sold.powerW), sold.operator, Math.abs(sold.powerW));
      // FlexMarket's award of an earlier session holds the slot for the whole day.
      this._holder.set(key(sold.pod, sold.slot), { offerId: EARLIER_SESSION, requestId: EARLIER_SESSION });
    }
  }

  /**
   * FlexMarket's rule: one award per PoD per slot of a day, across sessions and operators. A PoD's slot may serve
   * `requestId` through `offerId` only when nobody holds it yet, or that same pair (the steps of one curve are one
   * award); an accepted block holds its slots for its own offer until a request takes it.
   */
  canAward(pod: string, slot: number, offerId: string, requestId: string): boolean {
    const h = this._holder.get(key(pod, slot));
    return !h || (h.offerId === offerId && (h.requestId === undefined || h.requestId === requestId));
  }

  /** Whether `offerId` could hold the PoD's slot (no other offer or earlier session has it). */
  canHold(pod: string, slot: number, offerId: string): boolean {
    const h = this._holder.get(key(pod, slot));
    return !h || (h.offerId === offerId && h.requestId === undefined);
  }

  /** Records the pair that holds the slot (requestId omitted: an accepted block not yet used by a request). */
  hold(pod: string, slot: number, offerId: string, requestId?: string): void {
    this._holder.set(key(pod, slot), { offerId, ...(requestId !== undefined ? { requestId } : {}) });
  }

  pod(pod: string): BookPod {
    return this._pods.get(pod)!;
  }

  /** How much more the PoD can move in `direction` for `operator` (0 when it already serves the other one). */
  podAvailableW(pod: string, slot: number, direction: Direction, operator: Operator): number {
    const serving = this._operator.get(key(pod, slot));
    if (serving !== undefined && serving !== operator) return 0;
    const info = this.pod(pod);
    const max = direction === "up" ? info.maxUpW : info.maxDownW;
    return Math.max(0, max - (this._podUsedW.get(key(pod, slot, direction)) ?? 0));
  }

  /**
   * How much the TSO may still activate in the PoD's perimeter (the DSO is not bound by its own light):
   * 0 when the light is red in that direction, explicitly or because a local service goes the other way.
   */
  perimeterAvailableW(pod: string, slot: number, direction: Direction, operator: Operator): number {
    if (operator === "DSO") return Number.POSITIVE_INFINITY;
    const perimeter = this.pod(pod).perimeter;
    if (this._derivedRed.has(key(perimeter, slot, direction))) return 0;
    const light = this._lights.get(key(perimeter, slot));
    if (!light) return Number.POSITIVE_INFINITY;
    const l = direction === "up" ? light.up : light.down;
    if (l.colour === "red") return 0;
    if (l.capabilityW === null) return Number.POSITIVE_INFINITY;
    return Math.max(0, l.capabilityW - (this._perimeterUsedW.get(key(perimeter, slot, direction)) ?? 0));
  }

  stepRemainingW(offerId: string, stepIndex: number, deltaW: number): number {
    return Math.abs(deltaW) - (this._stepUsedW.get(key(offerId, stepIndex)) ?? 0);
  }

  blockStart(offerId: string): number | undefined {
    return this._blockStart.get(offerId);
  }

  blockRemainingW(offerId: string, slot: number, deltaW: number): number {
    return Math.abs(deltaW) - (this._blockAllocatedW.get(key(offerId, slot)) ?? 0);
  }

  /** Records that `pod` moves `amountW` in `direction` for `operator` in `slot`. */
  occupy(pod: string, slot: number, direction: Direction, operator: Operator, amountW: number): void {
    this._operator.set(key(pod, slot), operator);
    const k = key(pod, slot, direction);
    this._podUsedW.set(k, (this._podUsedW.get(k) ?? 0) + amountW);
    const perimeter = this.pod(pod).perimeter;
    if (operator === "TSO") {
      const pk = key(perimeter, slot, direction);
      this._perimeterUsedW.set(pk, (this._perimeterUsedW.get(pk) ?? 0) + amountW);
    } else {
      // Seeds (BeFlexible D4.1): the perimeter is red opposite to a planned local service.
      this._derivedRed.add(key(perimeter, slot, opposite(direction)));
    }
  }

  useStep(offerId: string, stepIndex: number, amountW: number): void {
    const k = key(offerId, stepIndex);
    this._stepUsedW.set(k, (this._stepUsedW.get(k) ?? 0) + amountW);
  }

  acceptBlock(offerId: string, startSlot: number): void {
    this._blockStart.set(offerId, startSlot);
  }

  allocateBlock(offerId: string, slot: number, amountW: number): void {
    const k = key(offerId, slot);
    this._blockAllocatedW.set(k, (this._blockAllocatedW.get(k) ?? 0) + amountW);
  }
}

const EARLIER_SESSION = "(earlier session)";

/**
 * The single-slot offers that may serve `request`, at most one per PoD (FlexMarket takes one award per PoD per
 * slot): per PoD, among its offers for the slot with a step in the request's direction within its price cap, the
 * one whose cheapest such step is cheapest (ties: the earlier offer). Offers of a PoD whose slot another pair
 * holds are left out. Both clearings use it, so they clear the same set.
 */
export function offersForRequest(
  state: ClearingState,
  request: FlexRequest,
  offers: readonly SlotOffer[],
): { offer: SlotOffer; steps: { stepIndex: number; deltaW: number; priceMicroEurPerKw: number }[] }[] {
  const direction = directionOf(request.needW);
  const inRequest = new Set(request.pods);
  const best = new Map<string, { offer: SlotOffer; steps: ReturnType<typeof offersForRequest>[number]["steps"] }>();
  for (const offer of offers) {
    if (offer.slot !== request.slot || !inRequest.has(offer.pod)) continue;
    if (!state.canAward(offer.pod, request.slot, offer.id, request.id)) continue;
    const steps = offer.steps
      .map((step, stepIndex) => ({ stepIndex, deltaW: step.deltaW, priceMicroEurPerKw: step.priceMicroEurPerKw }))
      .filter(
        (step) =>
          directionOf(step.deltaW) === direction &&
          (request.maxPriceMicroEurPerKw === null || step.priceMicroEurPerKw <= request.maxPriceMicroEurPerKw),
      );
    if (steps.length === 0) continue;
    const cheapest = Math.min(...steps.map((x) => x.priceMicroEurPerKw));
    const current = best.get(offer.pod);
    const currentCheapest = current ? Math.min(...current.steps.map((x) => x.priceMicroEurPerKw)) : Infinity;
    if (!current || cheapest < currentCheapest || (cheapest === currentCheapest && offer.seq < current.offer.seq))
      best.set(offer.pod, { offer, steps });
  }
  return [...best.values()];
}

/** Priority order: DSO requests before TSO requests, then by slot, then by submission order. */
export function requestsInPriorityOrder(requests: readonly FlexRequest[]): FlexRequest[] {
  const rank = (r: FlexRequest): number => (r.by === "DSO" ? 0 : 1);
  return [...requests].sort((a, b) => rank(a) - rank(b) || a.slot - b.slot || a.seq - b.seq);
}

/** An award before pricing: who, what, how much, at what offer price. */
export type UnpricedAward = Omit<Award, "paidPriceMicroEurPerKw" | "paymentMicroEur">;

/** Applies the pricing rule: pay-as-clear pays every single-slot award of a request its marginal price. */
export function priceResult(
  method: ClearingResult["method"],
  pricing: Pricing,
  requests: readonly FlexRequest[],
  unpriced: readonly UnpricedAward[],
  blocks: readonly BlockAcceptance[],
): ClearingResult {
  const clearing = new Map<string, number>();
  const served = new Map<string, number>();
  for (const a of unpriced) {
    served.set(a.requestId, (served.get(a.requestId) ?? 0) + Math.abs(a.powerW));
    if (a.stepIndex < 0) continue;
    clearing.set(a.requestId, Math.max(clearing.get(a.requestId) ?? 0, a.offerPriceMicroEurPerKw));
  }
  const awards: Award[] = unpriced.map((a) => {
    // Block allocations are paid through the block's own acceptance, once.
    const paid = a.stepIndex < 0 || pricing === "pay-as-bid" ? a.offerPriceMicroEurPerKw : clearing.get(a.requestId)!;
    return {
      ...a,
      paidPriceMicroEurPerKw: paid,
      paymentMicroEur: a.stepIndex < 0 ? 0 : paymentMicroEur(a.powerW, paid),
    };
  });
  const outcomes: RequestOutcome[] = requests.map((r) => ({
    requestId: r.id,
    by: r.by,
    slot: r.slot,
    needW: r.needW,
    servedW: served.get(r.id) ?? 0,
    clearingPriceMicroEurPerKw: clearing.get(r.id) ?? null,
  }));
  const totalPaymentMicroEur =
    awards.reduce((s, a) => s + a.paymentMicroEur, 0) + blocks.reduce((s, b) => s + b.paymentMicroEur, 0);
  const totalBidCostMicroEur =
    awards.reduce((s, a) => s + (a.stepIndex < 0 ? 0 : paymentMicroEur(a.powerW, a.offerPriceMicroEurPerKw)), 0) +
    blocks.reduce((s, b) => s + b.paymentMicroEur, 0);
  return {
    method,
    pricing,
    awards,
    requests: outcomes,
    blocks: [...blocks],
    totalPaymentMicroEur,
    totalBidCostMicroEur,
  };
}
