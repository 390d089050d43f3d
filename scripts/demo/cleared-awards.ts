// The demo's awards to validate are what the clearing awards on the field test's book, not the offers as offered:
// the scenario file cleared by the market's rule (merit order, DSO first), posted form (one award per offer and
// request, whole kW), in the DSO oracle's terms with the market's priority order attached.
import { readFileSync } from "node:fs";
import { TOR_DI_VALLE_SCENARIO } from "../../protocol";
import { clearMeritOrder, parseBook } from "../../oracles/market/clearing";
import { chainId, toAwardInputs } from "../../oracles/market/chain/awards";
import type { AwardToValidate } from "../../oracles/dso/core/types";

export function clearedScenarioAwards(file = TOR_DI_VALLE_SCENARIO): AwardToValidate[] {
  const book = parseBook(JSON.parse(readFileSync(file, "utf8")));
  const requests = new Map(book.requests.map((r) => [chainId(r.id, r.seq), r]));
  const offers = new Map(book.offers.map((o) => [chainId(o.id, o.seq), o]));
  // toAwardInputs keeps the clearing's order: requests by priority (DSO first), each in merit order.
  return toAwardInputs(book, clearMeritOrder(book)).map((input, awardIndex) => {
    const request = requests.get(input.requestId)!;
    return {
      awardIndex,
      pod: offers.get(input.offerId)!.pod,
      slot: input.slotIndex,
      direction: request.needW < 0 ? "down" : "up",
      quantityKw: input.quantityKw,
      by: request.by,
      priority: awardIndex,
    };
  });
}
