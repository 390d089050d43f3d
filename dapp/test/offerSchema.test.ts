import { describe, expect, it } from "vitest";
import { offerSchema } from "../src/pages/aggregator/offerSchema";

const limits = { qualifiedUpKw: 20, qualifiedDownKw: 8 };
const session = { firstSlot: 0, slotCount: 96 };
const offer = (over: Record<string, unknown> = {}) => ({
  sessionId: "1",
  podCode: "IT002E61899978",
  kind: "SingleSlot",
  direction: "Up",
  firstSlot: 50,
  lastSlot: 50,
  energyKwh: 0,
  steps: [
    { quantityKw: 10, priceEurPerKw: 0.1 },
    { quantityKw: 10, priceEurPerKw: 0.2 },
  ],
  ...over,
});
const messages = (input: unknown) => {
  const result = offerSchema(limits, session).safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("offerSchema", () => {
  it("accepts a curve that fills the PoD's qualified limit exactly", () => {
    expect(messages(offer())).toEqual([]);
  });

  it("refuses a curve above the qualified limit in the offer's direction", () => {
    expect(messages(offer({ direction: "Down" }))).toEqual([
      "steps: the curve totals 20 kW, above the PoD's qualified downward limit of 8 kW",
    ]);
  });

  it("refuses decreasing prices, naming the step", () => {
    const steps = [
      { quantityKw: 5, priceEurPerKw: 0.3 },
      { quantityKw: 5, priceEurPerKw: 0.2 },
    ];
    expect(messages(offer({ steps }))).toEqual(["steps.1.priceEurPerKw: prices must not decrease from step to step"]);
  });

  it("refuses zero quantities, more than ten steps and no step", () => {
    expect(messages(offer({ steps: [{ quantityKw: 0, priceEurPerKw: 1 }] }))).toEqual([
      "steps.0.quantityKw: must be above 0 kW",
    ]);
    expect(
      messages(offer({ steps: Array.from({ length: 11 }, () => ({ quantityKw: 1, priceEurPerKw: 1 })) })),
    ).toContain("steps: at most 10 steps");
    expect(messages(offer({ steps: [] }))).toContain("steps: at least one price step");
  });

  it("checks the slots against the kind and the session, and asks a block for its energy", () => {
    // a single-slot offer's last slot is hidden in the form: whatever it holds, the first slot counts
    expect(messages(offer({ lastSlot: 0 }))).toEqual([]);
    expect(messages(offer({ kind: "Block", firstSlot: 40, lastSlot: 39, energyKwh: 10 }))).toEqual([
      "lastSlot: the last slot comes before the first",
    ]);
    expect(messages(offer({ kind: "Block", firstSlot: 40, lastSlot: 44 }))).toEqual([
      "energyKwh: a block offer needs its energy (kWh)",
    ]);
    const rt = offerSchema(limits, { firstSlot: 16, slotCount: 16 }).safeParse(offer({ firstSlot: 50, lastSlot: 50 }));
    expect(rt.success).toBe(false);
  });
});
