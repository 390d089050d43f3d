import { describe, expect, it } from "vitest";
import { eurPerKwToMilli, formatCountdown, formatMicroEur, formatPriceMilli } from "../src/units";

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
});
