// `flexgrid grid day`: 96 slots from a profile (JSON or CSV, multipliers or kW per load), each refusal naming what
// is wrong, and the physics checked against MATPOWER's published case33bw losses (202.67 kW at the case's loads).
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registerGridCommands } from "./grid";
import { runCommands } from "./runCommands";
import { parseDayProfile } from "./gridDayProfile";

const CASE33 = join(__dirname, "..", "..", "oracles", "grid", "cases", "case33bw.m");

const run = (...args: string[]) => runCommands(registerGridCommands, ...args);

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "grid-day-")), name);
  writeFileSync(path, text);
  return path;
}

/** The message a command failed with (a test failure if it did not fail). */
async function failureOf(command: Promise<unknown>): Promise<string> {
  try {
    await command;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the command did not fail");
}

const ramp = Array.from({ length: 96 }, (_, s) => (s === 40 ? 1 : 0.5 + s / 192));

describe("flexgrid grid day", function () {
  this.timeout(60_000);

  it("solves 96 slots from JSON multipliers; the slot at 1.0 gives MATPOWER's 202.67 kW of losses", async function () {
    const day = JSON.parse(
      await run("grid", "day", CASE33, "--profile", file("p.json", JSON.stringify(ramp)), "--json"),
    ) as {
      slots: { slot: number; converged: boolean; lossKw: number; loadKw: number }[];
      summary: { slotsNotConverged: number; energyLossKwh: number };
    };
    expect(day.slots).to.have.length(96);
    expect(day.summary.slotsNotConverged).to.equal(0);
    expect(day.slots[40]!.lossKw).to.be.closeTo(202.67, 0.01);
    expect(day.slots[40]!.loadKw).to.be.closeTo(3715, 0.5);
    // Losses grow roughly with the square of the load: half the load, about a quarter of the losses.
    expect(day.slots[0]!.lossKw / day.slots[40]!.lossKw).to.be.within(0.2, 0.3);
    const sum = day.slots.reduce((s, x) => s + x.lossKw * 0.25, 0);
    expect(day.summary.energyLossKwh).to.be.closeTo(sum, 1e-6);
  });

  it("reads a CSV of kW per load id and prints a table with the day's summary", async function () {
    const rows = Array.from({ length: 96 }, (_, s) => `${s},${s === 10 ? 500 : 100}`);
    const out = await run("grid", "day", CASE33, "--profile", file("p.csv", ["slot,load-18", ...rows].join("\n")));
    expect(out).to.match(/^case33bw: 33 buses/);
    expect(out).to.match(/\n\s+10\s+02:30\s/);
    expect(out).to.match(/energy losses [\d.]+ kWh; lowest voltage 0\.\d{4} pu at bus \d+ \(slot \d+\)/);
  });

  it("refuses a profile that is not 96 values, names unknown loads, bad cells and bad flags", async function () {
    expect(() => parseDayProfile("[1, 2, 3]", "short.json")).to.throw(
      /profile short.json: expected \[96 multipliers\]/,
    );
    expect(() => parseDayProfile("slot,multiplier\n0,1\n", "few.csv")).to.throw(/1 data rows; expected 96/);
    const bad = ["slot,multiplier", ...ramp.map((m, s) => `${s},${s === 7 ? "x" : m}`)].join("\n");
    expect(() => parseDayProfile(bad, "bad.csv")).to.throw(/line 9, column multiplier: "x" is not a number/);
    const unknown = JSON.stringify({ loadsKw: { "no-such-load": ramp } });
    expect(await failureOf(run("grid", "day", CASE33, "--profile", file("u.json", unknown)))).to.match(
      /no load no-such-load in case case33bw/,
    );
    expect(await failureOf(run("grid", "day", CASE33, "--vmin", "1.2", "--vmax", "1.1"))).to.match(
      /--vmin must be below --vmax/,
    );
  });
});
