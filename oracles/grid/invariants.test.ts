// Property tests: on random radial feeders Newton–Raphson balances power at every bus, agrees with the
// backward/forward sweep, and the sensitivities match a finite difference.
import { expect } from "chai";
import fc from "fast-check";
import { compileNetwork } from "./compile";
import { parseNetwork, type NetworkInput } from "./model";
import { elementPowers, solveCompiled, solvePowerFlow } from "./powerflow";
import { computeSensitivities } from "./sensitivities";
import { solveRadialSweep } from "./sweep";

const feederArbitrary = fc
  .array(
    fc.record({
      parentShare: fc.double({ min: 0, max: 0.999, noNaN: true }),
      lengthKm: fc.double({ min: 0.05, max: 1.5, noNaN: true }),
      loadKw: fc.double({ min: 0, max: 600, noNaN: true }),
      pvKw: fc.double({ min: 0, max: 300, noNaN: true }),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((sections): NetworkInput => {
    const buses = [
      { id: "HV", nominalKv: 150 },
      { id: "B0", nominalKv: 20 },
    ];
    const lines = [];
    const loads = [];
    const generators = [];
    for (let i = 0; i < sections.length; i++) {
      const s = sections[i];
      const parent = `B${Math.floor(s.parentShare * (i + 1))}`;
      buses.push({ id: `B${i + 1}`, nominalKv: 20 });
      lines.push({
        id: `L${i + 1}`,
        from: parent,
        to: `B${i + 1}`,
        rOhm: 0.206 * s.lengthKm,
        xOhm: 0.113 * s.lengthKm,
        bMicroS: 88 * s.lengthKm,
      });
      loads.push({ id: `load${i + 1}`, bus: `B${i + 1}`, pKw: s.loadKw, qKvar: s.loadKw * 0.33 });
      if (s.pvKw > 0) generators.push({ id: `pv${i + 1}`, bus: `B${i + 1}`, pKw: s.pvKw });
    }
    return {
      buses,
      lines,
      loads,
      generators,
      transformers: [
        { id: "TR", hvBus: "HV", lvBus: "B0", ratedMva: 40, vkPercent: 13, vkrPercent: 0.35, tapRatio: 0.975 },
      ],
      slacks: [{ bus: "HV" }],
    };
  });

describe("power-flow invariants on random radial feeders", () => {
  it("balances P and Q at every bus within 1e-6 pu and agrees with the sweep within 1e-6 pu", () => {
    fc.assert(
      fc.property(feederArbitrary, (input) => {
        const network = parseNetwork(input);
        const compiled = compileNetwork(network);
        const powers = elementPowers(compiled);
        const result = solveCompiled(compiled, powers);
        const net = new Map(result.buses.map((b) => [b.id, [b.pGenKw - b.pLoadKw, b.qGenKvar - b.qLoadKvar]]));
        for (const br of result.branches) {
          net.get(br.from)![0] -= br.pFromKw;
          net.get(br.from)![1] -= br.qFromKvar;
          net.get(br.to)![0] -= br.pToKw;
          net.get(br.to)![1] -= br.qToKvar;
        }
        for (const [p, q] of net.values()) {
          expect(Math.abs(p) / (network.baseMva * 1000)).to.be.below(1e-6);
          expect(Math.abs(q) / (network.baseMva * 1000)).to.be.below(1e-6);
        }
        const sweep = solveRadialSweep(compiled, powers).state;
        for (let n = 0; n < compiled.nodeCount; n++)
          expect(Math.abs(sweep.vm[n] - result.state.vm[n])).to.be.below(1e-6);
      }),
      { numRuns: 40 },
    );
  });

  it("predicts the voltage at the end of the feeder after a 20 kW step like a finite difference", () => {
    fc.assert(
      fc.property(feederArbitrary, (input) => {
        const network = parseNetwork(input);
        const last = network.buses[network.buses.length - 1].id;
        const report = computeSensitivities(network, { buses: [last] });
        const stepped = solvePowerFlow(
          parseNetwork({ ...input, generators: [...(input.generators ?? []), { id: "step", bus: last, pKw: 20 }] }),
        );
        report.busIds.forEach((id, b) => {
          const predicted = report.injections[0].dVdPPuPerKw[b] * 20;
          const actual = stepped.buses[b].vPu - report.result.buses[b].vPu;
          expect(predicted, id).to.be.closeTo(actual, 1e-6 + 0.02 * Math.abs(actual));
        });
      }),
      { numRuns: 25 },
    );
  });
});
