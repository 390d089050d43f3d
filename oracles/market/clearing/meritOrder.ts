// Merit-order clearing of single-slot offers: per request (DSO first), cheapest eligible steps first, the
// marginal one accepted partly; a PoD serves one request with one offer per slot (FlexMarket's one award per PoD
// per slot of a day). Pure and deterministic: ties go to the earlier offer, then the earlier step.
import { InvalidBookError } from "../errors";
import { ClearingState, offersForRequest, priceResult, requestsInPriorityOrder, type UnpricedAward } from "./state";
import { directionOf, type Book, type ClearingResult, type SlotOffer } from "./types";

interface Candidate {
  offer: SlotOffer;
  stepIndex: number;
  deltaW: number;
  priceMicroEurPerKw: number;
}

export function clearMeritOrder(book: Book): ClearingResult {
  if (book.offers.some((o) => o.kind === "block"))
    throw new InvalidBookError("the book has blocks: clear it exactly (clearExact) instead of by merit order");
  const state = new ClearingState(book);
  const slotOffers = book.offers as readonly SlotOffer[];
  const bySlot = new Map<number, SlotOffer[]>();
  for (const o of slotOffers) {
    const list = bySlot.get(o.slot);
    if (list) list.push(o);
    else bySlot.set(o.slot, [o]);
  }

  const awards: UnpricedAward[] = [];
  for (const request of requestsInPriorityOrder(book.requests)) {
    if (request.needW === 0) continue;
    const direction = directionOf(request.needW);
    const candidates: Candidate[] = [];
    // One offer per PoD per slot (FlexMarket's one award per PoD per slot of a day).
    for (const { offer, steps } of offersForRequest(state, request, bySlot.get(request.slot) ?? []))
      for (const step of steps) candidates.push({ offer, ...step });
    candidates.sort(
      (a, b) => a.priceMicroEurPerKw - b.priceMicroEurPerKw || a.offer.seq - b.offer.seq || a.stepIndex - b.stepIndex,
    );

    let remainingW = Math.abs(request.needW);
    for (const c of candidates) {
      if (remainingW === 0) break;
      const { pod } = c.offer;
      const quantityW = Math.min(
        remainingW,
        state.stepRemainingW(c.offer.id, c.stepIndex, c.deltaW),
        state.podAvailableW(pod, request.slot, direction, request.by),
        state.perimeterAvailableW(pod, request.slot, direction, request.by),
      );
      if (quantityW <= 0) continue;
      state.useStep(c.offer.id, c.stepIndex, quantityW);
      state.occupy(pod, request.slot, direction, request.by, quantityW);
      state.hold(pod, request.slot, c.offer.id, request.id);
      remainingW -= quantityW;
      awards.push({
        requestId: request.id,
        offerId: c.offer.id,
        stepIndex: c.stepIndex,
        pod,
        slot: request.slot,
        powerW: Math.sign(request.needW) * quantityW,
        offerPriceMicroEurPerKw: c.priceMicroEurPerKw,
      });
    }
  }
  return priceResult("merit-order", book.pricing, book.requests, awards, []);
}
