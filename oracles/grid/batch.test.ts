// A 96-slot batch on one connected network reuses factorisations across slots; the answers must be those of
// independent flat-start solves, and the single-area synthetic network must be what the benchmark claims.
import { expect } from "chai";
import { compileNetwork } from "./compile";
import { forecastLoadsKw } from "./forecast/profiles";
import { elementPowers, solveBatch, solveCompiled, solvePowerFlow } from "./powerflow";
import { parseNetwork } from "./model";
import { AREA_STATION, buildRomeNetwork } from "./synthetic/rome";

describe("solveBatch on one connected network", () => {
  const network = buildRomeNetwork({
    singleArea: true,
    reversedShare: 0.3,
    primarySubstations: 4,
    feeders: 30,
    secondarySubstations: 600,
  });
  const compiled = compileNetwork(network);
  const slots = forecastLoadsKw(network.loads, "2021-06-23")
    .filter((_, s) => s % 8 === 0)
    .map((loadsKw) => ({ loadsKw }));

  it("is one subnetwork with one slack, reversed cable rows, off-nominal taps and open ties", () => {
    expect(compiled.subnetworks).to.have.length(1);
    expect(network.slacks.map((s) => s.bus)).to.deep.equal([AREA_STATION]);
    expect(network.switches.some((sw) => !sw.closed)).to.equal(true);
    expect(network.transformers.every((t) => t.tapRatio !== 1)).to.equal(true);
    expect(network.lines.every((l) => l.bMicroS > 0)).to.equal(true);
    // A reversed row: a cable whose from bus is further from the busbar (a secondary substation) than its to bus.
    const reversed = network.lines.filter((l) => /\/L\d+$/.test(l.id) && l.to.split("/")[1] < l.from.split("/")[1]);
    expect(reversed.length).to.be.above(network.lines.length * 0.1);
  });

  it("gives every slot the answer of an independent flat-start solve (factorisations reused across slots)", () => {
    const batch = solveBatch(compiled, slots);
    slots.forEach((slot, s) => {
      const alone = solveCompiled(compiled, elementPowers(compiled, slot));
      let worst = 0;
      for (let n = 0; n < compiled.nodeCount; n++)
        worst = Math.max(
          worst,
          Math.abs(batch[s].state.vm[n] - alone.state.vm[n]),
          Math.abs(batch[s].state.va[n] - alone.state.va[n]),
        );
      expect(worst, `slot ${s}`).to.be.below(1e-9);
      // Both stop within 1e-8 pu of mismatch: on a 10 MVA base, 0.1 W.
      expect(batch[s].totals.lossKw).to.be.closeTo(alone.totals.lossKw, 1e-4);
    });
    // Warm starts after the first slot: fewer iterations than from flat.
    const warmIterations = batch.slice(1).reduce((sum, r) => sum + r.iterations, 0) / (batch.length - 1);
    expect(warmIterations).to.be.below(batch[0].iterations);
  });
});

describe("generator reactive limits", () => {
  const network = parseNetwork({
    baseMva: 10,
    buses: [
      { id: "HV", nominalKv: 20 },
      { id: "G", nominalKv: 20 },
    ],
    lines: [{ id: "L", from: "HV", to: "G", rOhm: 0.5, xOhm: 2 }],
    loads: [{ id: "load", bus: "G", pKw: 3000, qKvar: 2000 }],
    generators: [{ id: "gen", bus: "G", pKw: 1000, vSetPu: 1.0, qMinKvar: -300, qMaxKvar: 300 }],
    slacks: [{ bus: "HV", vPu: 1.0 }],
  });

  it("holds a generator at its limit and lets its bus voltage go (PV → PQ), reporting it", () => {
    const free = solvePowerFlow(network, { reactiveLimits: "ignore" });
    const gFree = free.buses.find((b) => b.id === "G")!;
    expect(gFree.vPu).to.be.closeTo(1.0, 1e-9);
    expect(gFree.qGenKvar).to.be.above(300); // the set point needs more than the generator can give
    const limited = solvePowerFlow(network);
    const g = limited.buses.find((b) => b.id === "G")!;
    expect(g.qGenKvar).to.be.closeTo(300, 1e-6);
    expect(g.vPu).to.be.below(1.0);
    expect(limited.reactiveLimitHits).to.deep.equal([{ bus: "G", limit: "max", qKvar: 300 }]);
  });
});
