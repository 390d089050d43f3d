// Clearing results in their on-chain form: numeric ids, bytes32 PoDs, the awards and the PoD-slots excluded for
// reasons outside the book, plus the committed shapes of requests and offers (for challenges).
import { podIdToBytes32 } from "../../../protocol";
import { InvalidBookError } from "../errors";
import type { Book, ClearingResult, FlexRequest, SlotOffer } from "../clearing/types";
import {
  BLOCK_STEP,
  NO_PRICE_CAP,
  OPERATOR_CODE,
  type ChainAward,
  type ChainOffer,
  type ChainRequest,
  type ChainUnavailability,
} from "./encoding";

/** The chain id of an offer or request: its id when numeric (books read from chain), else its position + 1. */
export function chainId(id: string, seq: number): bigint {
  return /^\d+$/.test(id) ? BigInt(id) : BigInt(seq + 1);
}

export function toChainAwards(book: Book, result: ClearingResult): ChainAward[] {
  const offers = new Map(book.offers.map((o) => [o.id, o]));
  const requests = new Map(book.requests.map((r) => [r.id, r]));
  return result.awards.map((a) => {
    const offer = offers.get(a.offerId);
    const request = requests.get(a.requestId);
    if (!offer || !request) throw new InvalidBookError(`award ${a.requestId}/${a.offerId} is not from this book`);
    return {
      requestId: chainId(request.id, request.seq),
      offerId: chainId(offer.id, offer.seq),
      stepIndex: a.stepIndex < 0 ? BLOCK_STEP : a.stepIndex,
      podId: podIdToBytes32(a.pod),
      slot: a.slot,
      powerW: BigInt(a.powerW),
      paymentMicroEur: BigInt(a.paymentMicroEur),
    };
  });
}

/**
 * PoD-slots that could not serve some request for reasons outside price: sold in an earlier session, in a
 * perimeter that is red or capability-bounded for the TSO (explicitly or opposite a local service). Posted with
 * the result so a challenge cannot fault a rejection these explain; `market verify` recomputes the list.
 */
export function unavailablePodSlots(book: Book, result: ClearingResult): ChainUnavailability[] {
  const keys = new Set<string>();
  const add = (pod: string, slot: number, operator: number) => keys.add(`${pod}|${slot}|${operator}`);
  // Sold earlier: to the other operator not at all, to the same one only what is left; listed for both.
  for (const s of book.alreadySold) {
    add(s.pod, s.slot, OPERATOR_CODE.DSO);
    add(s.pod, s.slot, OPERATOR_CODE.TSO);
  }
  const perimeterPods = new Map<string, string[]>();
  for (const p of book.pods) perimeterPods.set(p.perimeter, [...(perimeterPods.get(p.perimeter) ?? []), p.pod]);
  // The dynamic traffic light binds the TSO only.
  for (const light of book.trafficLights) {
    const bounded = [light.up, light.down].some((l) => l.colour === "red" || l.capabilityW !== null);
    if (bounded) for (const pod of perimeterPods.get(light.perimeter) ?? []) add(pod, light.slot, OPERATOR_CODE.TSO);
  }
  const podInfo = new Map(book.pods.map((p) => [p.pod, p]));
  const operatorOf = new Map(result.requests.map((r) => [r.requestId, r.by]));
  for (const a of result.awards) {
    if (operatorOf.get(a.requestId) !== "DSO") continue;
    for (const pod of perimeterPods.get(podInfo.get(a.pod)!.perimeter) ?? []) add(pod, a.slot, OPERATOR_CODE.TSO);
  }
  // A block holds its PoD in every slot it runs, for whichever request.
  for (const b of result.blocks)
    for (let s = b.startSlot; s < b.startSlot + b.durationSlots; s++) {
      add(b.pod, s, OPERATOR_CODE.DSO);
      add(b.pod, s, OPERATOR_CODE.TSO);
    }
  return [...keys].sort().map((k) => {
    const [pod, slot, operator] = k.split("|");
    return { podId: podIdToBytes32(pod), slot: Number(slot), operator: Number(operator) };
  });
}

export function toChainRequest(request: FlexRequest): ChainRequest {
  return {
    requestId: chainId(request.id, request.seq),
    operator: OPERATOR_CODE[request.by],
    slot: request.slot,
    needW: BigInt(request.needW),
    maxPriceMicroEurPerKw:
      request.maxPriceMicroEurPerKw === null ? NO_PRICE_CAP : BigInt(request.maxPriceMicroEurPerKw),
    podIds: request.pods.map(podIdToBytes32),
  };
}

export function toChainOffer(offer: SlotOffer): ChainOffer {
  return {
    offerId: chainId(offer.id, offer.seq),
    podId: podIdToBytes32(offer.pod),
    slot: offer.slot,
    stepDeltaW: offer.steps.map((s) => BigInt(s.deltaW)),
    stepPriceMicroEurPerKw: offer.steps.map((s) => BigInt(s.priceMicroEurPerKw)),
  };
}
