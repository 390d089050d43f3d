import { describe, expect, it } from "vitest";
import { parseBaselineCsv } from "../src/pages/aggregator/baselineCsv";

const column = (n: number, value = (s: number) => String(40 + s)) =>
  Array.from({ length: n }, (_, s) => value(s)).join("\n");

describe("parseBaselineCsv", () => {
  it("accepts 96 values, one per line", () => {
    const parsed = parseBaselineCsv(column(96));
    expect(parsed).toEqual({ ok: true, valuesKw: Array.from({ length: 96 }, (_, s) => 40 + s) });
  });

  it("accepts slot,kW rows in any order with a header and negative values (injection)", () => {
    const rows = Array.from({ length: 96 }, (_, s) => `${95 - s},${-(95 - s) - 1}`);
    const parsed = parseBaselineCsv(["slot,kW", ...rows].join("\r\n"));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect([parsed.valuesKw[0], parsed.valuesKw[95]]).toEqual([-1, -96]);
  });

  it("names the line of a value that is not a number and sends nothing", () => {
    const lines = column(96).split("\n");
    lines[9] = "abc";
    const parsed = parseBaselineCsv(lines.join("\n"));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors).toEqual([expect.stringMatching(/^line 10: value "abc": not a number/)]);
  });

  it("refuses a fractional kW, a duplicate slot and a slot outside the day", () => {
    const rows = ["slot,kW", "0,1.5", "1,2", "1,3", "96,4"];
    const parsed = parseBaselineCsv(rows.join("\n"));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.errors[0]).toMatch(/line 2: .*whole number/);
      expect(parsed.errors[1]).toMatch(/line 4: slot 1 given twice/);
      expect(parsed.errors[2]).toMatch(/line 5: slot "96"/);
    }
  });

  it("says how many slots are missing when the file is short", () => {
    const parsed = parseBaselineCsv(column(95));
    expect(parsed).toEqual({
      ok: false,
      errors: [expect.stringContaining("1 of 96 slots have no value (first missing: slot 95)")],
    });
  });

  it("refuses more than 96 values and values beyond int32", () => {
    expect(parseBaselineCsv(column(97)).ok).toBe(false);
    const big = column(96).split("\n");
    big[0] = String(2 ** 31);
    const parsed = parseBaselineCsv(big.join("\n"));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[0]).toMatch(/int32/);
  });
});
