// Exact clearing with HiGHS: equal to the merit order on random books without blocks (fast-check), flexible
// blocks cleared whole at their best start, and mutual unavailability carried from DA into RT.
import { TOR_DI_VALLE_SCENARIO } from "../../../protocol";
import { expect } from "chai";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { parseBook, type BookFile } from "./book";
import { clearMeritOrder } from "./meritOrder";
import { clearExact } from "./exact";
import { clearBook, soldFlexibility, withAlreadySold } from "./index";
import type { ClearingResult } from "./types";

const TOR_DI_VALLE = TOR_DI_VALLE_SCENARIO;

const awardSet = (r: ClearingResult) =>
  r.awards.map((a) => `${a.requestId}:${a.offerId}:${a.stepIndex}:${a.powerW}`).sort();

const SLOTS = 4;
const podIds = ["P1", "P2", "P3", "P4", "P5"];

/** Random books without blocks; every step has its own price so the optimum is unique. */
const randomBook: fc.Arbitrary<BookFile> = fc
  .record({
    pods: fc.array(
      fc.record({
        feeder: fc.constantFrom("F1", "F2"),
        maxUp: fc.integer({ min: 0, max: 200 }),
        maxDown: fc.integer({ min: 0, max: 200 }),
        baseline: fc.integer({ min: 0, max: 1000 }),
      }),
      { minLength: podIds.length, maxLength: podIds.length },
    ),
    offers: fc.array(
      fc.record({
        pod: fc.constantFrom(...podIds),
        slot: fc.integer({ min: 0, max: SLOTS - 1 }),
        down: fc.boolean(),
        sizes: fc.array(fc.integer({ min: 1, max: 150 }), {
          minLength: 1,
          maxLength: 3,
        }),
      }),
      { maxLength: 14 },
    ),
    prices: fc.uniqueArray(fc.integer({ min: 1, max: 100_000 }), {
      minLength: 42,
      maxLength: 42,
    }),
    requests: fc.array(
      fc.record({
        by: fc.constantFrom("DSO" as const, "TSO" as const),
        pods: fc.subarray(podIds, { minLength: 1 }),
        slot: fc.integer({ min: 0, max: SLOTS - 1 }),
        deltaP: fc.integer({ min: -300, max: 300 }),
        maxPrice: fc.option(fc.integer({ min: 1, max: 100_000 }), {
          nil: null,
        }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    lights: fc.array(
      fc.record({
        perimeter: fc.constantFrom("F1", "F2"),
        slot: fc.integer({ min: 0, max: SLOTS - 1 }),
        colour: fc.constantFrom("green" as const, "yellow" as const, "red" as const),
        capability: fc.integer({ min: 0, max: 250 }),
      }),
      { maxLength: 3 },
    ),
    sold: fc.array(
      fc.record({
        pod: fc.constantFrom(...podIds),
        slot: fc.integer({ min: 0, max: SLOTS - 1 }),
        operator: fc.constantFrom("DSO" as const, "TSO" as const),
        deltaP: fc.integer({ min: -50, max: 50 }),
      }),
      { maxLength: 3 },
    ),
  })
  .map(({ pods, offers, prices, requests, lights, sold }) => {
    let next = 0;
    const price = () => prices[next++] / 100_000;
    return {
      pom: "CP",
      slots: SLOTS,
      pods: pods.map((p, i) => ({ pod: podIds[i], ...p })),
      offers: offers.map((o) => {
        const stepPrices = o.sizes.map(price).sort((a, b) => a - b);
        return {
          pod: o.pod,
          slot: o.slot,
          steps: o.sizes.map((size, k) => ({
            deltaP: o.down ? -size : size,
            price: stepPrices[k],
          })),
        };
      }),
      requests: requests.map((r) =>
        r.by === "DSO"
          ? {
              by: r.by,
              pods: r.pods,
              slot: r.slot,
              deltaP: r.deltaP,
              maxPrice: r.maxPrice && r.maxPrice / 100_000,
            }
          : {
              by: r.by,
              slot: r.slot,
              deltaP: r.deltaP,
              maxPrice: r.maxPrice && r.maxPrice / 100_000,
            },
      ),
      trafficLights: lights.map((l) => ({
        perimeter: l.perimeter,
        slot: l.slot,
        up: { colour: l.colour, capability: l.capability },
      })),
      alreadySold: sold.filter((s) => s.deltaP !== 0),
    };
  });

describe("clearExact", function () {
  it("gives the Tor di Valle awards of the merit order", async function () {
    const book = parseBook(JSON.parse(readFileSync(TOR_DI_VALLE, "utf8")));
    const exact = await clearExact(book);
    expect(awardSet(exact)).to.deep.equal(awardSet(clearMeritOrder(book)));
  });

  it("equals the merit order's cost and quantities on random books without blocks (LP optimum)", async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(randomBook, async (file) => {
        const book = parseBook(file);
        const merit = clearMeritOrder(book);
        const exact = await clearExact(book);
        expect(exact.totalBidCostMicroEur).to.equal(merit.totalBidCostMicroEur);
        expect(exact.requests.map((r) => r.servedW)).to.deep.equal(merit.requests.map((r) => r.servedW));
        expect(awardSet(exact)).to.deep.equal(awardSet(merit));
      }),
      { numRuns: 150 },
    );
  });

  it("never gives a PoD two awards in a slot nor one in a slot an earlier session holds (FlexMarket's rule)", async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(randomBook, async (file) => {
        const book = parseBook(file);
        const held = new Set(book.alreadySold.map((x) => `${x.pod}|${x.slot}`));
        for (const result of [clearMeritOrder(book), await clearExact(book)]) {
          const pairs = new Map<string, Set<string>>();
          for (const a of result.awards) {
            const k = `${a.pod}|${a.slot}`;
            expect(held.has(k), `${k} held by an earlier session`).to.equal(false);
            pairs.set(k, (pairs.get(k) ?? new Set()).add(`${a.offerId}|${a.requestId}`));
          }
          for (const [k, set] of pairs) expect(set.size, `awards of ${k}`).to.equal(1);
        }
      }),
      { numRuns: 150 },
    );
  });

  describe("flexible blocks", function () {
    const pods = [
      { pod: "B1", feeder: "F1", maxUp: 200, maxDown: 200, baseline: 300 },
      { pod: "S1", feeder: "F1", maxUp: 200, maxDown: 200, baseline: 300 },
    ];

    it("places a block where it serves two slots' requests more cheaply than single-slot offers", async function () {
      const book = parseBook({
        pom: "CP",
        slots: 8,
        pods,
        offers: [
          {
            id: "block",
            type: "block",
            pod: "B1",
            deltaP: -100,
            durationSlots: 2,
            earliestSlot: 0,
            latestSlot: 7,
            price: 0.02,
          },
          { id: "s3", pod: "S1", slot: 3, deltaP: -100, price: 0.05 },
          { id: "s4", pod: "S1", slot: 4, deltaP: -100, price: 0.05 },
        ],
        requests: [
          {
            id: "r3",
            by: "DSO",
            pods: ["B1", "S1"],
            slot: 3,
            deltaP: -100,
            maxPrice: 1,
          },
          {
            id: "r4",
            by: "DSO",
            pods: ["B1", "S1"],
            slot: 4,
            deltaP: -100,
            maxPrice: 1,
          },
        ],
      });
      const result = await clearBook(book);
      // Block: 100 kW × 2 slots × 0.02 = 4 EUR, against 100 × 0.05 = 5 EUR per slot for the single offers.
      // r3 accepts the block; starts 2 and 3 both cover slot 3 at the same cost, and start 3 also covers r4's
      // slot, so the block runs slots 3–4 and serves r4 too at no extra cost: 4 EUR in all instead of 10.
      expect(result.method).to.equal("milp");
      expect(result.blocks.map((b) => [b.offerId, b.startSlot, b.paymentMicroEur])).to.deep.equal([
        ["block", 3, 4_000_000],
      ]);
      expect(awardSet(result)).to.deep.equal(["r3:block:-1:-100000", "r4:block:-1:-100000"]);
      expect(result.totalBidCostMicroEur).to.equal(4_000_000);
    });

    it("uses an accepted block's power in its other slots at no extra cost", async function () {
      const book = parseBook({
        pom: "CP",
        slots: 8,
        pods,
        offers: [
          {
            id: "block",
            type: "block",
            pod: "B1",
            deltaP: -100,
            durationSlots: 2,
            earliestSlot: 3,
            latestSlot: 4,
            price: 0.02,
          },
          { id: "s4", pod: "S1", slot: 4, deltaP: -100, price: 0.05 },
        ],
        requests: [
          {
            id: "r3",
            by: "DSO",
            pods: ["B1"],
            slot: 3,
            deltaP: -100,
            maxPrice: 1,
          },
          {
            id: "r4",
            by: "DSO",
            pods: ["B1", "S1"],
            slot: 4,
            deltaP: -60,
            maxPrice: 1,
          },
        ],
      });
      const result = await clearBook(book);
      // The window forces slots 3–4; r4's 60 kW come from the block already running in slot 4.
      expect(awardSet(result)).to.deep.equal(["r3:block:-1:-100000", "r4:block:-1:-60000"]);
      expect(result.totalPaymentMicroEur).to.equal(4_000_000);
    });

    it("rejects a block it cannot take whole and serves with single-slot offers instead", async function () {
      const book = parseBook({
        pom: "CP",
        slots: 4,
        pods: [{ ...pods[0], maxDown: 80 }, pods[1]],
        offers: [
          {
            id: "block",
            type: "block",
            pod: "B1",
            deltaP: -100,
            durationSlots: 1,
            earliestSlot: 0,
            latestSlot: 3,
            price: 0.01,
          },
          { id: "s0", pod: "S1", slot: 0, deltaP: -50, price: 0.09 },
        ],
        requests: [
          {
            id: "r0",
            by: "DSO",
            pods: ["B1", "S1"],
            slot: 0,
            deltaP: -50,
            maxPrice: 1,
          },
        ],
      });
      const result = await clearBook(book);
      // B1 may lower at most 80 kW: the 100 kW block cannot run at all.
      expect(result.blocks).to.deep.equal([]);
      expect(awardSet(result)).to.deep.equal(["r0:s0:0:-50000"]);
    });

    it("takes a block that serves only part of its power when that is the cheapest way to cover the need", async function () {
      const book = parseBook({
        pom: "CP",
        slots: 4,
        pods,
        offers: [
          {
            id: "block",
            type: "block",
            pod: "B1",
            deltaP: 100,
            durationSlots: 1,
            earliestSlot: 1,
            latestSlot: 1,
            price: 0.01,
          },
          { id: "s1", pod: "S1", slot: 1, deltaP: 40, price: 0.2 },
        ],
        requests: [{ id: "r1", by: "TSO", slot: 1, deltaP: 40, maxPrice: null }],
      });
      const result = await clearBook(book);
      // Block: 100 kW × 0.01 = 1 EUR for all of it; s1: 40 × 0.2 = 8 EUR.
      expect(result.blocks.map((b) => b.offerId)).to.deep.equal(["block"]);
      expect(awardSet(result)).to.deep.equal(["r1:block:-1:40000"]);
      expect(result.totalPaymentMicroEur).to.equal(1_000_000);
    });
  });

  describe("sequential sessions", function () {
    it("keeps what the day-ahead session sold unavailable in the real-time session", async function () {
      const file: BookFile = {
        pom: "CP",
        slots: 4,
        pods: [
          { pod: "P1", feeder: "F1", maxUp: 100, maxDown: 100, baseline: 500 },
          { pod: "P2", feeder: "F2", maxUp: 100, maxDown: 100, baseline: 500 },
        ],
        offers: [
          { pod: "P1", slot: 2, deltaP: -100, price: 0.01 },
          { pod: "P2", slot: 2, deltaP: -100, price: 0.04 },
        ],
        requests: [{ by: "DSO", pods: ["P1"], slot: 2, deltaP: -60, maxPrice: 1 }],
      };
      const dayAhead = clearMeritOrder(parseBook(file));
      expect(awardSet(dayAhead)).to.deep.equal(["r0:o0:0:-60000"]);
      // Real time: the aggregators offer again; the TSO asks for 100 kW down.
      const rtFile: BookFile = {
        ...file,
        requests: [{ by: "TSO", slot: 2, deltaP: -100, maxPrice: null }],
      };
      const rt = withAlreadySold(parseBook(rtFile), soldFlexibility(dayAhead));
      // P1 serves the DSO in slot 2 since day-ahead: only P2 can serve the TSO.
      const merit = clearMeritOrder(rt);
      expect(awardSet(merit)).to.deep.equal(["r0:o1:0:-100000"]);
      expect(awardSet(await clearExact(rt))).to.deep.equal(awardSet(merit));
    });
  });
});
