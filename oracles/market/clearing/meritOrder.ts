// Merit-order clearing of single-slot offers: per request (DSO first), cheapest eligible steps first, the
// marginal one accepted partly. Pure and deterministic: ties go to the earlier offer, then the earlier step.
import { InvalidBookError } from "../errors";
import { ClearingState, priceResult, requestsInPriorityOrder, type UnpricedAward } from "./state";
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
    const inRequest = new Set(request.pods);
    const candidates: Candidate[] = [];
    for (const offer of bySlot.get(request.slot) ?? []) {
      if (!inRequest.has(offer.pod)) continue;
      offer.steps.forEach((step, stepIndex) => {
        if (directionOf(step.deltaW) !== direction) return;
        if (request.maxPriceMicroEurPerKw !== null && step.priceMicroEurPerKw > request.maxPriceMicroEurPerKw) return;
        candidates.push({
          offer,
          stepIndex,
          deltaW: step.deltaW,
          priceMicroEurPerKw: step.priceMicroEurPerKw,
        });
      });
    }
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
