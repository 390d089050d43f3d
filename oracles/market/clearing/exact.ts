// Exact clearing with HiGHS (wasm): the same priority rule as the merit order (requests in order, each served
// as much as possible, then at least cost), solved per request as an LP, or a MILP when flexible blocks
// (all-or-nothing, start slot chosen by the clearing) can serve it. Without blocks it is the merit order's
// reference: both must give the same cost.
import highsLoader from "highs";
import { SolverError } from "../errors";
import { ClearingState, offersForRequest, priceResult, requestsInPriorityOrder, type UnpricedAward } from "./state";
import {
  directionOf,
  paymentMicroEur,
  W_PER_KW,
  type BlockAcceptance,
  type BlockOffer,
  type Book,
  type ClearingResult,
  type FlexRequest,
  type SlotOffer,
} from "./types";

type Highs = Awaited<ReturnType<typeof highsLoader>>;

let highsPromise: Promise<Highs> | undefined;
/** The wasm solver, loaded once per process. */
export function loadHighs(): Promise<Highs> {
  highsPromise ??= highsLoader();
  return highsPromise;
}

/** A linear model built column by column; rows hold sparse (column, coefficient) lists. */
class LinearModel {
  readonly cost: number[] = [];
  readonly lower: number[] = [];
  readonly upper: number[] = [];
  readonly integer: boolean[] = [];
  readonly rows: {
    entries: [number, number][];
    lower: number;
    upper: number;
  }[] = [];

  addColumn(cost: number, upper: number, integer = false): number {
    this.cost.push(cost);
    this.lower.push(0);
    this.upper.push(upper);
    this.integer.push(integer);
    return this.cost.length - 1;
  }

  addRow(entries: [number, number][], lower: number, upper: number): void {
    if (entries.length > 0) this.rows.push({ entries, lower, upper });
  }

  solve(highs: Highs, cost: number[], maximise: boolean): Float64Array {
    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    for (const row of this.rows) {
      for (const [col, coef] of row.entries) {
        indices.push(col);
        values.push(coef);
      }
      starts.push(indices.length);
    }
    const hasIntegers = this.integer.some((i) => i);
    const model = highs.createModel({
      numCols: cost.length,
      numRows: this.rows.length,
      sense: maximise ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
      colCost: cost,
      colLower: this.lower,
      colUpper: this.upper,
      rowLower: this.rows.map((r) => r.lower),
      rowUpper: this.rows.map((r) => r.upper),
      matrix: {
        format: "csr",
        numRows: this.rows.length,
        numCols: cost.length,
        starts,
        indices,
        values,
      },
      ...(hasIntegers ? { integrality: this.integer.map((i) => (i ? 1 : 0)) } : {}),
    });
    try {
      model.options.set({ output_flag: false, mip_rel_gap: 0, time_limit: SOLVE_TIME_LIMIT_S });
      model.run();
      const status = model.getModelStatus();
      if (status !== highs.constants.modelStatus.optimal && status !== highs.constants.modelStatus.empty)
        throw new SolverError(`HiGHS ended with model status ${status}`);
      return model.getSolution().colValue;
    } finally {
      model.dispose();
    }
  }
}

type Column =
  | { kind: "step"; offer: SlotOffer; stepIndex: number; price: number }
  | { kind: "blockResidual"; block: BlockOffer }
  | { kind: "blockStart"; block: BlockOffer; start: number }
  | { kind: "blockUse"; block: BlockOffer; start: number };

// Served quantities are whole watts: what is within this of the phase-1 optimum counts as served in full.
const SERVED_TOLERANCE_W = 1e-4;
// Among equally cheap placements of a block, prefer the start whose slots later requests (same operator and
// direction, pod eligible) also need, then the earliest: both far below 1 micro-EUR, so never against cost.
const LATER_REQUEST_PREFERENCE = 1e-3;
const EARLIEST_START_PREFERENCE = 1e-6;
// A request's MILP that is not proven optimal within this is an error, never a silently worse result.
const SOLVE_TIME_LIMIT_S = 120;

export async function clearExact(book: Book): Promise<ClearingResult> {
  const highs = await loadHighs();
  const state = new ClearingState(book);
  const blockOperator = new Map<string, FlexRequest["by"]>();
  const slotOffersBySlot = new Map<number, SlotOffer[]>();
  const blocks: BlockOffer[] = [];
  for (const o of book.offers) {
    if (o.kind === "block") blocks.push(o);
    else {
      const list = slotOffersBySlot.get(o.slot);
      if (list) list.push(o);
      else slotOffersBySlot.set(o.slot, [o]);
    }
  }

  const awards: UnpricedAward[] = [];
  const acceptances: BlockAcceptance[] = [];
  const ordered = requestsInPriorityOrder(book.requests);
  for (const [position, request] of ordered.entries()) {
    if (request.needW === 0) continue;
    const direction = directionOf(request.needW);
    const operator = request.by;
    const slot = request.slot;
    const inRequest = new Set(request.pods);
    const priceOk = (price: number) => request.maxPriceMicroEurPerKw === null || price <= request.maxPriceMicroEurPerKw;

    const model = new LinearModel();
    const columns: Column[] = [];
    const served: [number, number][] = [];
    const capacityRows = new Map<string, { entries: [number, number][]; capW: number }>();
    const addToCapacity = (key: string, capW: number, col: number, coef: number) => {
      const row = capacityRows.get(key) ?? { entries: [], capW };
      row.entries.push([col, coef]);
      capacityRows.set(key, row);
    };
    const charge = (pod: string, s: number, col: number, coef: number) => {
      addToCapacity(`pod|${pod}|${s}`, state.podAvailableW(pod, s, direction, operator), col, coef);
      if (operator === "TSO") {
        const perimeter = state.pod(pod).perimeter;
        addToCapacity(`per|${perimeter}|${s}`, state.perimeterAvailableW(pod, s, direction, operator), col, coef);
      }
    };

    // One offer per PoD per slot (FlexMarket's one award per PoD per slot of a day), chosen as the merit order does.
    const stepColumnsOfPod = new Map<string, { col: number; upper: number }[]>();
    for (const { offer, steps } of offersForRequest(state, request, slotOffersBySlot.get(slot) ?? [])) {
      for (const step of steps) {
        const upper = Math.min(
          state.stepRemainingW(offer.id, step.stepIndex, step.deltaW),
          state.podAvailableW(offer.pod, slot, direction, operator),
          state.perimeterAvailableW(offer.pod, slot, direction, operator),
        );
        if (upper <= 0) continue;
        const col = model.addColumn(step.priceMicroEurPerKw / W_PER_KW, upper);
        columns.push({
          kind: "step",
          offer,
          stepIndex: step.stepIndex,
          price: step.priceMicroEurPerKw,
        });
        served.push([col, 1]);
        charge(offer.pod, slot, col, 1);
        stepColumnsOfPod.set(offer.pod, [...(stepColumnsOfPod.get(offer.pod) ?? []), { col, upper }]);
      }
    }

    const newBlocks: { block: BlockOffer; sizeW: number; starts: number[]; perimeterBounded: boolean }[] = [];
    for (const block of blocks) {
      if (!inRequest.has(block.pod) || directionOf(block.deltaW) !== direction) continue;
      const sizeW = Math.abs(block.deltaW);
      const start = state.blockStart(block.id);
      if (start !== undefined) {
        // Already accepted (and paid): what it holds in this slot beyond earlier allocations is free to use,
        // but only for the operator it was sold to.
        if (slot < start || slot >= start + block.durationSlots || blockOperator.get(block.id) !== operator) continue;
        if (!state.canAward(block.pod, slot, block.id, request.id)) continue;
        const remaining = state.blockRemainingW(block.id, slot, block.deltaW);
        if (remaining <= 0) continue;
        const col = model.addColumn(0, remaining);
        columns.push({ kind: "blockResidual", block });
        served.push([col, 1]);
        continue;
      }
      if (!priceOk(block.priceMicroEurPerKw)) continue;
      const starts: number[] = [];
      const first = Math.max(block.earliestSlot, slot - block.durationSlots + 1);
      const last = Math.min(slot, block.latestSlot - block.durationSlots + 1);
      let perimeterBounded = false;
      for (let t = first; t <= last; t++) {
        let fits = true;
        for (let s = t; s < t + block.durationSlots && fits; s++) {
          const perimeterW = state.perimeterAvailableW(block.pod, s, direction, operator);
          perimeterBounded ||= perimeterW !== Number.POSITIVE_INFINITY;
          fits =
            state.canHold(block.pod, s, block.id) &&
            state.podAvailableW(block.pod, s, direction, operator) >= sizeW &&
            perimeterW >= sizeW;
        }
        if (fits) starts.push(t);
      }
      if (starts.length > 0) newBlocks.push({ block, sizeW, starts, perimeterBounded });
    }

    const preferenceOf = (block: BlockOffer, t: number): number => {
      const laterNeeds = ordered
        .slice(position + 1)
        .filter(
          (r) =>
            r.by === operator &&
            r.needW !== 0 &&
            directionOf(r.needW) === direction &&
            r.slot >= t &&
            r.slot < t + block.durationSlots &&
            r.pods.includes(block.pod),
        ).length;
      return EARLIEST_START_PREFERENCE * t - LATER_REQUEST_PREFERENCE * laterNeeds;
    };
    const startsOfPod = new Map<string, [number, number][]>();
    const blocksPerPod = new Map<string, number>();
    for (const { block } of newBlocks) blocksPerPod.set(block.pod, (blocksPerPod.get(block.pod) ?? 0) + 1);
    for (const { block, sizeW, starts, perimeterBounded } of newBlocks) {
      // Every start was checked to fit on its own. When no other block of the PoD and no bounded perimeter can
      // interact with it in its other slots, the starts differ only in preference: decide the start now and
      // leave one binary, which keeps the MILP small (exactly the same optimum).
      const alone = blocksPerPod.get(block.pod) === 1 && !perimeterBounded;
      const options = alone
        ? [starts.reduce((best, t) => (preferenceOf(block, t) < preferenceOf(block, best) ? t : best))]
        : starts;
      const cost = paymentMicroEur(sizeW * block.durationSlots, block.priceMicroEurPerKw);
      const chosen: [number, number][] = [];
      for (const t of options) {
        const b = model.addColumn(cost + preferenceOf(block, t), 1, true);
        columns.push({ kind: "blockStart", block, start: t });
        const y = model.addColumn(0, sizeW);
        columns.push({ kind: "blockUse", block, start: t });
        served.push([y, 1]);
        model.addRow(
          [
            [y, 1],
            [b, -sizeW],
          ],
          -Infinity,
          0,
        );
        chosen.push([b, 1]);
        if (alone) charge(block.pod, slot, b, sizeW);
        else for (let s = t; s < t + block.durationSlots; s++) charge(block.pod, s, b, sizeW);
      }
      model.addRow(chosen, -Infinity, 1);
      startsOfPod.set(block.pod, [...(startsOfPod.get(block.pod) ?? []), ...chosen]);
    }
    // A block started for this request and a slot offer (or another block) of the same PoD would be two awards of
    // the PoD in this slot: at most one of them.
    for (const [pod, starts] of startsOfPod) {
      model.addRow(starts, -Infinity, 1);
      for (const { col, upper } of stepColumnsOfPod.get(pod) ?? [])
        model.addRow([[col, 1], ...starts.map(([b]): [number, number] => [b, upper])], -Infinity, upper);
    }
    if (columns.length === 0) continue;

    model.addRow(served, -Infinity, Math.abs(request.needW));
    for (const row of capacityRows.values()) model.addRow(row.entries, -Infinity, row.capW);

    // Phase 1: serve as much as possible. Phase 2: at that quantity, pay as little as possible.
    const servedCost = model.cost.map(() => 0);
    for (const [col] of served) servedCost[col] = 1;
    const first = model.solve(highs, servedCost, true);
    const maxServed = served.reduce((sum, [col]) => sum + first[col], 0);
    model.addRow(served, maxServed - SERVED_TOLERANCE_W, Infinity);
    const value = model.solve(highs, model.cost, false);

    const sign = Math.sign(request.needW);
    let remainingW = Math.abs(request.needW);
    const take = (v: number): number => {
      const q = Math.min(Math.round(v), remainingW);
      remainingW -= q;
      return q;
    };
    columns.forEach((column, col) => {
      if (column.kind === "blockStart" && value[col] > 0.5) {
        const { block, start } = column;
        state.acceptBlock(block.id, start);
        blockOperator.set(block.id, operator);
        for (let s = start; s < start + block.durationSlots; s++) {
          state.occupy(block.pod, s, direction, operator, Math.abs(block.deltaW));
          state.hold(block.pod, s, block.id);
        }
        acceptances.push({
          offerId: block.id,
          pod: block.pod,
          startSlot: start,
          durationSlots: block.durationSlots,
          deltaW: block.deltaW,
          paymentMicroEur: paymentMicroEur(Math.abs(block.deltaW) * block.durationSlots, block.priceMicroEurPerKw),
          requestId: request.id,
        });
      }
    });
    columns.forEach((column, col) => {
      if (column.kind === "blockStart") return;
      const q = take(value[col]);
      if (q <= 0) return;
      if (column.kind === "step") {
        state.useStep(column.offer.id, column.stepIndex, q);
        state.occupy(column.offer.pod, slot, direction, operator, q);
        state.hold(column.offer.pod, slot, column.offer.id, request.id);
        awards.push({
          requestId: request.id,
          offerId: column.offer.id,
          stepIndex: column.stepIndex,
          pod: column.offer.pod,
          slot,
          powerW: sign * q,
          offerPriceMicroEurPerKw: column.price,
        });
      } else {
        state.allocateBlock(column.block.id, slot, q);
        state.hold(column.block.pod, slot, column.block.id, request.id);
        awards.push({
          requestId: request.id,
          offerId: column.block.id,
          stepIndex: -1,
          pod: column.block.pod,
          slot,
          powerW: sign * q,
          offerPriceMicroEurPerKw: column.block.priceMicroEurPerKw,
        });
      }
    });
  }
  return priceResult("milp", book.pricing, book.requests, awards, acceptances);
}
