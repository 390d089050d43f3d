// A clearing result in FlexMarket's terms: one AwardInput per (offer, request), whole kW and milli-EUR per kW,
// as `postAwards` takes them (IFlexMarket.sol) and `awardsOf` returns them.
import { InvalidBookError } from "../errors";
import type { Book, ClearingResult } from "../clearing/types";

export interface AwardInput {
  offerId: bigint;
  requestId: bigint;
  slotIndex: number;
  /** Magnitude; the direction is the request's. */
  quantityKw: number;
  priceMilliEurPerKw: number;
}

const W_PER_KW = 1000;
const MICRO_PER_MILLI = 1000;

/** The chain id of an offer or request: its id when numeric (books read from chain), else its position + 1. */
export function chainId(id: string, seq: number): bigint {
  return /^\d+$/.test(id) ? BigInt(id) : BigInt(seq + 1);
}

/**
 * Merges a result's awards per (offer, request) — the steps of one curve are one award on chain — in whole kW.
 * Books read from chain are in whole kW, so nothing is lost; a file book's fractional marginal award is rounded
 * down (never more than cleared). FlexMarket takes one award per PoD and slot: two offers of one PoD in a slot
 * cannot both be posted, which is reported rather than silently merged.
 */
export function toAwardInputs(book: Book, result: ClearingResult): AwardInput[] {
  const offers = new Map(book.offers.map((o) => [o.id, o]));
  const requests = new Map(book.requests.map((r) => [r.id, r]));
  const merged = new Map<string, { input: AwardInput; quantityW: number }>();
  const podSlotOffer = new Map<string, string>();
  for (const a of result.awards) {
    const offer = offers.get(a.offerId);
    const request = requests.get(a.requestId);
    if (!offer || !request) throw new InvalidBookError(`award ${a.requestId}/${a.offerId} is not from this book`);
    const podSlot = `${a.pod}|${a.slot}`;
    const other = podSlotOffer.get(podSlot);
    if (other !== undefined && other !== offer.id)
      throw new InvalidBookError(
        `pod ${a.pod} slot ${a.slot}: offers ${other} and ${offer.id} both awarded; FlexMarket takes one`,
      );
    podSlotOffer.set(podSlot, offer.id);
    if (a.paidPriceMicroEurPerKw % MICRO_PER_MILLI !== 0)
      throw new InvalidBookError(
        `award ${a.offerId}: price ${a.paidPriceMicroEurPerKw} µEUR/kW is not whole milli-EUR`,
      );
    const key = `${a.offerId}|${a.requestId}`;
    const entry = merged.get(key) ?? {
      input: {
        offerId: chainId(offer.id, offer.seq),
        requestId: chainId(request.id, request.seq),
        slotIndex: a.slot,
        quantityKw: 0,
        priceMilliEurPerKw: 0,
      },
      quantityW: 0,
    };
    entry.quantityW += Math.abs(a.powerW);
    // Pay-as-bid steps of one curve can differ in price; on chain one award carries one price: the highest.
    entry.input.priceMilliEurPerKw = Math.max(
      entry.input.priceMilliEurPerKw,
      a.paidPriceMicroEurPerKw / MICRO_PER_MILLI,
    );
    merged.set(key, entry);
  }
  return [...merged.values()]
    .map((e) => ({ ...e.input, quantityKw: Math.floor(e.quantityW / W_PER_KW) }))
    .filter((a) => a.quantityKw > 0);
}

/** Canonical order for comparing and posting award lists: by request, then offer. */
export function sortAwards(awards: readonly AwardInput[]): AwardInput[] {
  const cmp = (x: bigint, y: bigint) => (x < y ? -1 : x > y ? 1 : 0);
  return [...awards].sort((a, b) => cmp(a.requestId, b.requestId) || cmp(a.offerId, b.offerId));
}
