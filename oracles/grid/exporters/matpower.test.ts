// The MATPOWER writer: a network written and read back solves to the same voltages and losses, switches included.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseMatpowerCase } from "../importers/matpower";
import { parseNetwork } from "../model";
import { solvePowerFlow } from "../powerflow";
import { buildRomeNetwork } from "../synthetic/rome";
import { toMatpowerCase } from "./matpower";

describe("toMatpowerCase", function () {
  this.timeout(60_000);

  it("round-trips MATPOWER's case33bw: the same losses and lowest voltage as the original file", function () {
    const original = parseMatpowerCase(readFileSync(path.join(__dirname, "..", "cases", "case33bw.m"), "utf8"));
    const again = parseMatpowerCase(toMatpowerCase(original, "case33bw_again"));
    const a = solvePowerFlow(original);
    const b = solvePowerFlow(again);
    expect(b.totals.lossKw).to.be.closeTo(a.totals.lossKw, 1e-6);
    expect(b.minVoltage.vPu).to.be.closeTo(a.minVoltage.vPu, 1e-9);
  });

  it("writes a multi-substation network with transformers, taps, cable charging and open ties that solves the same", function () {
    const network = buildRomeNetwork({ primarySubstations: 3, feeders: 12, secondarySubstations: 300 });
    expect(network.switches.some((s) => !s.closed)).to.equal(true);
    expect(network.transformers.some((t) => t.tapRatio !== 1)).to.equal(true);
    const written = parseMatpowerCase(toMatpowerCase(network));
    const a = solvePowerFlow(network);
    const b = solvePowerFlow(written);
    expect(b.totals.lossKw).to.be.closeTo(a.totals.lossKw, 1e-6 * a.totals.lossKw);
    expect(b.totals.loadKw).to.be.closeTo(a.totals.loadKw, 1e-6);
    expect(b.minVoltage.vPu).to.be.closeTo(a.minVoltage.vPu, 1e-9);
  });

  it("merges buses joined by a closed switch and leaves an open one out", function () {
    const network = parseNetwork({
      name: "coupler",
      buses: ["hv", "a", "b", "c"].map((id) => ({ id, nominalKv: 20 })),
      lines: [
        { id: "l1", from: "hv", to: "a", rOhm: 0.5, xOhm: 0.4, bMicroS: 20, ampacityA: 300 },
        { id: "l2", from: "b", to: "c", rOhm: 0.3, xOhm: 0.2 },
      ],
      switches: [
        { id: "coupler", from: "a", to: "b", closed: true },
        { id: "tie", from: "c", to: "hv", closed: false },
      ],
      loads: [{ id: "load-c", bus: "c", pKw: 800, qKvar: 200 }],
      slacks: [{ bus: "hv", vPu: 1.02 }],
    });
    const written = parseMatpowerCase(toMatpowerCase(network));
    expect(written.buses).to.have.length(3);
    expect(written.lines).to.have.length(2);
    const a = solvePowerFlow(network);
    const b = solvePowerFlow(written);
    expect(b.totals.lossKw).to.be.closeTo(a.totals.lossKw, 1e-9);
    expect(b.minVoltage.vPu).to.be.closeTo(a.minVoltage.vPu, 1e-12);
  });
});
