// Merit-order clearing: the Tor di Valle field-test inputs worked out by hand, then each rule on small books.
import { TOR_DI_VALLE_SCENARIO } from "../../../protocol";
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { parseBook, bookHash, type BookFile } from "./book";
import { clearMeritOrder } from "./meritOrder";
import { toAwardInputs } from "../chain/awards";
import { InvalidBookError } from "../errors";
import type { ClearingResult } from "./types";

const TOR_DI_VALLE = TOR_DI_VALLE_SCENARIO;
const torDiValleFile = (): BookFile => JSON.parse(readFileSync(TOR_DI_VALLE, "utf8")) as BookFile;

const awardsOf = (result: ClearingResult, requestId: string) =>
  result.awards.filter((a) => a.requestId === requestId).map((a) => ({ pod: a.pod, powerW: a.powerW }));

/** A small two-feeder book; tests override what they exercise. */
function smallBook(overrides: Partial<BookFile> = {}): BookFile {
  return {
    pom: "CP-A",
    slots: 4,
    pods: [
      { pod: "P1", feeder: "F1", maxUp: 100, maxDown: 100, baseline: 500 },
      { pod: "P2", feeder: "F1", maxUp: 100, maxDown: 100, baseline: 500 },
      { pod: "P3", feeder: "F2", maxUp: 100, maxDown: 100, baseline: 500 },
    ],
    offers: [],
    requests: [],
    ...overrides,
  };
}

describe("clearMeritOrder", function () {
  describe("Tor di Valle, 23 June 2021, slot 50", function () {
    it("awards the DSO need to the two cheapest Mostacciano offers, the marginal one partly", function () {
      const result = clearMeritOrder(parseBook(torDiValleFile()));
      // DSO request on IT002E61899978, IT002E60974469, IT002E60976796 (W, rounded from kW × 1000):
      //   Σ baselines = 2,278,545 + 4,557,090 + 312,145 = 7,147,780 W
      //   target = 5,771,039.299 → 5,771,039 W
      //   need = 5,771,039 − 7,147,780 = −1,376,741 W (consumption must go down)
      // Eligible down offers of those pods: 978 −1,000,000 W @ 0.01 EUR/kW, 469 −500,000 W @ 0.03 EUR/kW.
      //   978 fully: −1,000,000 W; left 376,741 W; 469 partly: −376,741 W (marginal).
      const dso = result.requests.find((r) => r.by === "DSO")!;
      expect(dso.needW).to.equal(5_771_039 - (2_278_545 + 4_557_090 + 312_145));
      expect(dso.needW).to.equal(-1_376_741);
      expect(awardsOf(result, dso.requestId)).to.deep.equal([
        { pod: "IT002E61899978", powerW: -1_000_000 },
        { pod: "IT002E60974469", powerW: -(1_376_741 - 1_000_000) },
      ]);
      expect(dso.servedW).to.equal(1_376_741);
      // Pay-as-clear: the marginal accepted price, 0.03 EUR/kW = 30,000 µEUR/kW.
      expect(dso.clearingPriceMicroEurPerKw).to.equal(30_000);
    });

    it("awards the TSO need at the PoM to the Nanchino up offer, outside the red Mostacciano perimeter", function () {
      const result = clearMeritOrder(parseBook(torDiValleFile()));
      // TSO request on CP-IRLANDESE: every PoD of the book maps to it.
      //   Σ baselines = 2,278,545 + 312,145 + 4,557,090 + 10,092 + 70,380 = 7,228,252 W
      //   need = 7,500,000 − 7,228,252 = +271,748 W (consumption must go up)
      // Up offers: only IT002E60550189 +500,000 W @ 0.07 (Nanchino). The DSO's down service on Mostacciano
      // turns that perimeter red for "up", but Nanchino stays open; no TSO price cap.
      //   189 partly: +271,748 W, marginal, clearing price 0.07 EUR/kW.
      const tso = result.requests.find((r) => r.by === "TSO")!;
      expect(tso.needW).to.equal(7_500_000 - (2_278_545 + 312_145 + 4_557_090 + 10_092 + 70_380));
      expect(awardsOf(result, tso.requestId)).to.deep.equal([{ pod: "IT002E60550189", powerW: 271_748 }]);
      expect(tso.clearingPriceMicroEurPerKw).to.equal(70_000);
    });

    it("pays as clear by default and as bid on request", function () {
      const book = torDiValleFile();
      const clear = clearMeritOrder(parseBook(book));
      // Pay-as-clear: 978 1,000 kW × 0.03 = 30 EUR; 469 376.741 kW × 0.03 = 11.30223 EUR;
      // 189 271.748 kW × 0.07 = 19.02236 EUR.
      expect(clear.awards.map((a) => a.paymentMicroEur)).to.deep.equal([30_000_000, 11_302_230, 19_022_360]);
      const bid = clearMeritOrder(parseBook(book, { pricing: "pay-as-bid" }));
      // Pay-as-bid: 978 at its own 0.01 → 10 EUR; the others were marginal, so unchanged.
      expect(bid.awards.map((a) => a.paymentMicroEur)).to.deep.equal([10_000_000, 11_302_230, 19_022_360]);
      expect(bid.totalBidCostMicroEur).to.equal(clear.totalBidCostMicroEur);
    });

    it("is deterministic: the same book gives the same result and the same input hash", function () {
      const a = parseBook(torDiValleFile());
      const b = parseBook(torDiValleFile());
      expect(clearMeritOrder(a)).to.deep.equal(clearMeritOrder(b));
      expect(bookHash(a))
        .to.equal(bookHash(b))
        .and.match(/^0x[0-9a-f]{64}$/);
    });
  });

  describe("rules", function () {
    it("takes offers cheapest first and breaks equal prices by submission order", function () {
      const book = smallBook({
        offers: [
          { pod: "P1", slot: 0, deltaP: -50, price: 0.05 },
          { pod: "P2", slot: 0, deltaP: -50, price: 0.02 },
          { pod: "P3", slot: 0, deltaP: -50, price: 0.05 },
        ],
        requests: [
          {
            by: "DSO",
            pods: ["P1", "P2", "P3"],
            slot: 0,
            deltaP: -80,
            maxPrice: 1,
          },
        ],
      });
      const result = clearMeritOrder(parseBook(book));
      // P2 (0.02) fully 50 kW, then P1 and P3 tie at 0.05: P1 came first, gets the remaining 30 kW.
      expect(awardsOf(result, "r0")).to.deep.equal([
        { pod: "P2", powerW: -50_000 },
        { pod: "P1", powerW: -30_000 },
      ]);
    });

    it("respects the request's max price", function () {
      const book = smallBook({
        offers: [
          { pod: "P1", slot: 0, deltaP: 50, price: 0.02 },
          { pod: "P2", slot: 0, deltaP: 50, price: 0.2 },
        ],
        requests: [{ by: "DSO", pods: ["P1", "P2"], slot: 0, deltaP: 80, maxPrice: 0.1 }],
      });
      const result = clearMeritOrder(parseBook(book));
      expect(awardsOf(result, "r0")).to.deep.equal([{ pod: "P1", powerW: 50_000 }]);
      expect(result.requests[0].servedW).to.equal(50_000);
    });

    it("ignores offers in the other direction and of pods outside the request", function () {
      const book = smallBook({
        offers: [
          { pod: "P1", slot: 0, deltaP: 50, price: 0.01 },
          { pod: "P3", slot: 0, deltaP: -50, price: 0.01 },
          { pod: "P2", slot: 0, deltaP: -50, price: 0.04 },
        ],
        requests: [
          {
            by: "DSO",
            pods: ["P1", "P2"],
            slot: 0,
            targetP: 960,
            maxPrice: null,
          },
        ],
      });
      // need = 960 − (500 + 500) = −40 kW: only P2's down offer qualifies.
      const result = clearMeritOrder(parseBook(book));
      expect(awardsOf(result, "r0")).to.deep.equal([{ pod: "P2", powerW: -40_000 }]);
    });

    it("serves DSO requests before TSO requests whatever their order in the book", function () {
      const book = smallBook({
        offers: [{ pod: "P1", slot: 0, deltaP: -60, price: 0.01 }],
        requests: [
          { by: "TSO", slot: 0, deltaP: -60, maxPrice: null },
          { by: "DSO", pods: ["P1"], slot: 0, deltaP: -60, maxPrice: 1 },
        ],
      });
      const result = clearMeritOrder(parseBook(book));
      expect(awardsOf(result, "r1")).to.deep.equal([{ pod: "P1", powerW: -60_000 }]);
      expect(awardsOf(result, "r0")).to.deep.equal([]);
    });

    it("lets a PoD serve one operator per slot even with flexibility left (mutual unavailability)", function () {
      const book = smallBook({
        offers: [
          { pod: "P1", slot: 0, deltaP: -30, price: 0.01 },
          { pod: "P1", slot: 0, deltaP: -50, price: 0.02 },
          { pod: "P3", slot: 0, deltaP: -50, price: 0.09 },
        ],
        requests: [
          { by: "DSO", pods: ["P1"], slot: 0, deltaP: -30, maxPrice: 1 },
          { by: "TSO", slot: 0, deltaP: -60, maxPrice: null },
        ],
      });
      const result = clearMeritOrder(parseBook(book));
      // P1 sold 30 kW to the DSO; its second offer (cheaper than P3's) is unavailable to the TSO.
      expect(awardsOf(result, "r1")).to.deep.equal([{ pod: "P3", powerW: -50_000 }]);
    });

    it("treats flexibility sold in an earlier session (DA before RT) as unavailable", function () {
      const base = smallBook({
        offers: [
          { pod: "P1", slot: 1, deltaP: -80, price: 0.01 },
          { pod: "P2", slot: 1, deltaP: -80, price: 0.03 },
        ],
        requests: [{ by: "DSO", pods: ["P1", "P2"], slot: 1, deltaP: -150, maxPrice: 1 }],
      });
      // Day-ahead: P1 sold 70 kW down to the DSO (of its 100 kW maxDown) and P2 50 kW down to the TSO.
      const rt = {
        ...base,
        alreadySold: [
          { pod: "P1", slot: 1, operator: "DSO" as const, deltaP: -70 },
          { pod: "P2", slot: 1, operator: "TSO" as const, deltaP: -50 },
        ],
      };
      const result = clearMeritOrder(parseBook(rt));
      // FlexMarket takes one award per PoD per slot of a day: P1 (30 kW left of its flexibility) and P2 both hold
      // their slot from day-ahead, so the real-time DSO request gets nothing from them.
      expect(awardsOf(result, "r0")).to.deep.equal([]);
      // Without the earlier session both would be used.
      expect(awardsOf(clearMeritOrder(parseBook(base)), "r0")).to.deep.equal([
        { pod: "P1", powerW: -80_000 },
        { pod: "P2", powerW: -70_000 },
      ]);
    });

    it("awards a PoD one offer per slot, its cheapest, as FlexMarket takes one award per PoD per slot", function () {
      const book = smallBook({
        offers: [
          { pod: "P1", slot: 0, deltaP: -80, price: 0.02 },
          { pod: "P1", slot: 0, deltaP: -80, price: 0.01 },
          { pod: "P2", slot: 0, deltaP: -50, price: 0.05 },
        ],
        requests: [
          { by: "DSO", pods: ["P1", "P2"], slot: 0, deltaP: -200, maxPrice: 1 },
          { by: "DSO", pods: ["P1"], slot: 0, deltaP: -10, maxPrice: 1 },
        ],
      });
      const parsed = parseBook(book);
      const result = clearMeritOrder(parsed);
      // P1's cheaper offer (the second) only; its other offer would be a second award of P1 in slot 0, and so would
      // serving the second request.
      expect(result.awards.filter((a) => a.requestId === "r0").map((a) => [a.pod, a.offerId, a.powerW])).to.deep.equal([
        ["P1", parsed.offers[1].id, -80_000],
        ["P2", parsed.offers[2].id, -50_000],
      ]);
      expect(awardsOf(result, "r1")).to.deep.equal([]);
      // So the result posts as one award per PoD and slot.
      expect(() => toAwardInputs(parsed, result)).not.to.throw();
    });

    it("caps each PoD at its declared flexibility", function () {
      const book = smallBook({
        offers: [{ pod: "P1", slot: 0, deltaP: -150, price: 0.01 }],
        requests: [{ by: "DSO", pods: ["P1"], slot: 0, deltaP: -200, maxPrice: 1 }],
      });
      // maxDown 100 kW.
      expect(awardsOf(clearMeritOrder(parseBook(book)), "r0")).to.deep.equal([{ pod: "P1", powerW: -100_000 }]);
    });

    it("keeps TSO awards out of a red perimeter and within a perimeter's capability", function () {
      const book = smallBook({
        offers: [
          { pod: "P1", slot: 2, deltaP: 60, price: 0.01 },
          { pod: "P2", slot: 2, deltaP: 60, price: 0.02 },
          { pod: "P3", slot: 2, deltaP: 60, price: 0.03 },
        ],
        requests: [{ by: "TSO", slot: 2, deltaP: 150, maxPrice: null }],
        trafficLights: [
          {
            perimeter: "F1",
            slot: 2,
            up: { colour: "yellow", capability: 70 },
          },
          { perimeter: "F2", slot: 2, up: { colour: "red" } },
        ],
      });
      const result = clearMeritOrder(parseBook(book));
      // F1 capability 70 kW: P1 60, P2 10; F2 red: P3 nothing. Served 70 of 150 kW.
      expect(awardsOf(result, "r0")).to.deep.equal([
        { pod: "P1", powerW: 60_000 },
        { pod: "P2", powerW: 10_000 },
      ]);
    });

    it("turns a perimeter red for the TSO opposite to a local DSO service", function () {
      const book = smallBook({
        offers: [
          { pod: "P1", slot: 0, deltaP: -40, price: 0.01 },
          { pod: "P2", slot: 0, deltaP: 40, price: 0.01 },
          { pod: "P3", slot: 0, deltaP: 40, price: 0.05 },
        ],
        requests: [
          { by: "DSO", pods: ["P1"], slot: 0, deltaP: -40, maxPrice: 1 },
          { by: "TSO", slot: 0, deltaP: 40, maxPrice: null },
        ],
      });
      const result = clearMeritOrder(parseBook(book));
      // F1 has a down service, so up is red there: P2's cheap up offer is out, P3 (F2) serves.
      expect(awardsOf(result, "r1")).to.deep.equal([{ pod: "P3", powerW: 40_000 }]);
    });

    it("takes a step curve in curve order and the marginal step partly", function () {
      const book = smallBook({
        offers: [
          {
            pod: "P1",
            slot: 0,
            steps: [
              { deltaP: 20, price: 0.01 },
              { deltaP: 30, price: 0.04 },
            ],
          },
          { pod: "P2", slot: 0, deltaP: 20, price: 0.02 },
        ],
        requests: [{ by: "DSO", pods: ["P1", "P2"], slot: 0, deltaP: 50, maxPrice: 1 }],
      });
      const result = clearMeritOrder(parseBook(book));
      expect(result.awards.map((a) => [a.pod, a.stepIndex, a.powerW])).to.deep.equal([
        ["P1", 0, 20_000],
        ["P2", 0, 20_000],
        ["P1", 1, 10_000],
      ]);
      expect(result.requests[0].clearingPriceMicroEurPerKw).to.equal(40_000);
    });
  });

  describe("parseBook", function () {
    it("rejects an offer for an unknown pod, naming it", function () {
      const book = smallBook({
        offers: [{ pod: "NOPE", slot: 0, deltaP: 1, price: 0.1 }],
      });
      expect(() => parseBook(book)).to.throw(InvalidBookError, /offers\[0\]: unknown pod NOPE/);
    });

    it("rejects a step curve whose prices fall", function () {
      const book = smallBook({
        offers: [
          {
            pod: "P1",
            slot: 0,
            steps: [
              { deltaP: 1, price: 0.2 },
              { deltaP: 1, price: 0.1 },
            ],
          },
        ],
      });
      expect(() => parseBook(book)).to.throw(InvalidBookError, /must not decrease/);
    });

    it("rejects a request with both a target and a delta", function () {
      const book = smallBook({
        requests: [{ by: "DSO", pods: ["P1"], slot: 0, targetP: 1, deltaP: 1 }],
      });
      expect(() => parseBook(book)).to.throw(InvalidBookError, /exactly one of targetP and deltaP/);
    });
  });
});
