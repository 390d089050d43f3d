import { describe, expect, it } from "vitest";
import { eurPerKwToMilli, formatCountdown, formatMicroEur, formatPriceMilli, periodOf } from "../src/units";

describe("units", () => {
  it("turns EUR/kW into the chain's milli-EUR/kW and back", () => {
    expect(eurPerKwToMilli(0.25)).toBe(250);
    expect(formatPriceMilli(250)).toBe("€0.25/kW");
    expect(() => eurPerKwToMilli(-1)).toThrow(RangeError);
    expect(() => eurPerKwToMilli(5_000_000)).toThrow(/outside/);
  });

  it("shows micro-EUR token amounts in euros, negative with a minus sign", () => {
    expect(formatMicroEur(1_234_567n)).toBe("€1.23");
    expect(formatMicroEur(-500_000n)).toBe("−€0.50");
  });

  it("counts down to gate closure and says closed after it", () => {
    expect(formatCountdown(1000 + 3_723, 1000)).toBe("1 h 02 min 03 s");
    expect(formatCountdown(1000 + 90_000, 1000)).toBe("1 d 1 h 00 min 00 s");
    expect(formatCountdown(1000, 1000)).toBe("closed");
  });

  it("puts a market day in its day, ISO week and month for settlement exports", () => {
    const day = Date.UTC(2026, 5, 23) / 86_400_000; // Tuesday 23 June 2026
    expect(periodOf(day, "day")).toBe("2026-06-23");
    expect(periodOf(day, "week")).toBe("2026-W26");
    expect(periodOf(day, "month")).toBe("2026-06");
    expect(periodOf(Date.UTC(2027, 0, 1) / 86_400_000, "week")).toBe("2026-W53"); // Friday: ISO week of 2026
  });
});
