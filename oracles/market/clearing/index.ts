// The clearing library: parse a book, clear it (merit order, or exactly with HiGHS when it has blocks).
import { clearExact } from "./exact";
import { clearMeritOrder } from "./meritOrder";
import type { Book, ClearingResult, SoldFlexibility } from "./types";

export * from "./types";
export { parseBook, bookHash, canonicalJson, bookFileSchema, type BookFile } from "./book";
export { clearMeritOrder } from "./meritOrder";
export { clearExact, loadHighs } from "./exact";

/** Clears a book by the market's rule: the merit order when it suffices, the exact MILP when blocks need it. */
export async function clearBook(book: Book): Promise<ClearingResult> {
  return book.offers.some((o) => o.kind === "block") ? clearExact(book) : clearMeritOrder(book);
}

/**
 * What a cleared session sold, per PoD and slot, for the next session's book (RT after DA): awards and every
 * slot an accepted block holds.
 */
export function soldFlexibility(result: ClearingResult): SoldFlexibility[] {
  const operatorOf = new Map(result.requests.map((r) => [r.requestId, r.by]));
  const sold = new Map<string, SoldFlexibility>();
  const add = (pod: string, slot: number, operator: SoldFlexibility["operator"], powerW: number) => {
    const key = `${pod}|${slot}|${operator}|${Math.sign(powerW)}`;
    const entry = sold.get(key) ?? { pod, slot, operator, powerW: 0 };
    entry.powerW += powerW;
    sold.set(key, entry);
  };
  for (const a of result.awards) if (a.stepIndex >= 0) add(a.pod, a.slot, operatorOf.get(a.requestId)!, a.powerW);
  for (const b of result.blocks)
    for (let s = b.startSlot; s < b.startSlot + b.durationSlots; s++)
      add(b.pod, s, operatorOf.get(b.requestId)!, b.deltaW);
  return [...sold.values()];
}

/** The book of a later session with what earlier sessions sold made unavailable. */
export function withAlreadySold(book: Book, sold: readonly SoldFlexibility[]): Book {
  return { ...book, alreadySold: [...book.alreadySold, ...sold] };
}
export { formatClearingResult } from "./format";
