// Checks Newton–Raphson against published MATPOWER results (case33bw radial, case9 meshed), Kirchhoff's laws
// on every bus, rejection of bad models, and that non-convergence is reported, never returned as an answer.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseMatpowerCase } from "./importers/matpower";
import { solveBatch, solvePowerFlow, type PowerFlowResult } from "./powerflow";
import { parseNetwork, type Network, type NetworkInput } from "./model";
import { GridModelError, PowerFlowDivergedError } from "./errors";

const loadCase = (file: string) => parseMatpowerCase(readFileSync(join(__dirname, "cases", file), "utf8"), file);

/** Largest Kirchhoff current-law residual over all buses, in pu of the system base. */
function largestBusImbalancePu(network: Network, result: PowerFlowResult): number {
  const net = new Map(result.buses.map((b) => [b.id, b.pGenKw - b.pLoadKw]));
  const netQ = new Map(result.buses.map((b) => [b.id, b.qGenKvar - b.qLoadKvar]));
  for (const bus of network.buses) {
    const v2 = result.buses.find((b) => b.id === bus.id)!.vPu ** 2;
    net.set(bus.id, net.get(bus.id)! - (bus.shuntKw ?? 0) * v2);
    netQ.set(bus.id, netQ.get(bus.id)! + (bus.shuntKvar ?? 0) * v2);
  }
  for (const br of result.branches) {
    net.set(br.from, net.get(br.from)! - br.pFromKw);
    net.set(br.to, net.get(br.to)! - br.pToKw);
    netQ.set(br.from, netQ.get(br.from)! - br.qFromKvar);
    netQ.set(br.to, netQ.get(br.to)! - br.qToKvar);
  }
  const all = [...net.values(), ...netQ.values()].map(Math.abs);
  return Math.max(...all) / (network.baseMva * 1000);
}

describe("solvePowerFlow", () => {
  describe("on MATPOWER case33bw (Baran–Wu radial feeder)", () => {
    const network = loadCase("case33bw.m");
    const result = solvePowerFlow(network);

    it("finds total losses of 202.67 kW within 0.01 %", () => {
      expect(result.converged).to.equal(true);
      expect(Math.abs(result.totals.lossKw - 202.67) / 202.67).to.be.below(1e-4);
    });

    it("finds the minimum voltage 0.91309 pu at bus 18 within 0.01 %", () => {
      expect(result.minVoltage.bus).to.equal("18");
      expect(Math.abs(result.minVoltage.vPu - 0.91309) / 0.91309).to.be.below(1e-4);
    });

    it("balances power: generation = load + losses within 1e-6 pu, and at every bus", () => {
      const { generationKw, loadKw, lossKw, shuntKw } = result.totals;
      expect(Math.abs(generationKw - loadKw - lossKw - shuntKw) / (network.baseMva * 1000)).to.be.below(1e-6);
      expect(largestBusImbalancePu(network, result)).to.be.below(1e-6);
    });

    it("reports voltages in kV and currents in amperes", () => {
      const bus18 = result.buses.find((b) => b.id === "18")!;
      expect(bus18.vKv).to.be.closeTo(0.91309 * 12.66, 1e-3);
      // Head branch: |S| / (sqrt(3) V) with the slack at 1 pu and 12.66 kV.
      const head = result.branches.find((b) => b.from === "1" && b.to === "2")!;
      const expectedA = Math.hypot(head.pFromKw, head.qFromKvar) / (Math.sqrt(3) * 12.66);
      expect(head.iFromA).to.be.closeTo(expectedA, 1e-6);
    });

    it("converges from a warm start in fewer iterations than from flat", () => {
      const warm = solvePowerFlow(network, { start: "warm", initialState: result.state });
      expect(warm.iterations).to.be.below(result.iterations);
      expect(warm.totals.lossKw).to.be.closeTo(result.totals.lossKw, 1e-6);
    });

    it("flags buses under a configurable voltage limit", () => {
      const tight = parseNetwork({
        ...network,
        buses: network.buses.map((b) => ({ ...b, vMinPu: undefined, vMaxPu: undefined })),
      });
      const strict = solvePowerFlow(tight, { voltageLimits: { minPu: 0.95, maxPu: 1.05 } });
      const under = strict.violations.filter((v) => v.kind === "undervoltage").map((v) => v.element);
      expect(under).to.include("18");
      expect(under).to.not.include("2");
    });
  });

  describe("on a meshed network", () => {
    it("reproduces the published WSCC 9-bus (MATPOWER case9) solution with PV generators", () => {
      const result = solvePowerFlow(loadCase("case9.m"));
      const published: Record<string, [number, number]> = {
        "2": [1.025, 9.28],
        "3": [1.025, 4.665],
        "4": [1.026, -2.217],
        "5": [0.996, -3.989],
        "6": [1.013, -3.687],
        "7": [1.026, 3.72],
        "8": [1.016, 0.728],
        "9": [1.032, 1.967],
      };
      for (const [id, [v, angle]] of Object.entries(published)) {
        const bus = result.buses.find((b) => b.id === id)!;
        expect(bus.vPu, `V at bus ${id}`).to.be.closeTo(v, 6e-4);
        expect(bus.angleDeg, `angle at bus ${id}`).to.be.closeTo(angle, 6e-3);
      }
      expect(result.totals.slackKw).to.be.closeTo(71641, 5);
      expect(result.totals.slackKvar).to.be.closeTo(27046, 5);
      expect(result.totals.lossKw).to.be.closeTo(4641, 1);
      const gen2 = result.buses.find((b) => b.id === "2")!;
      expect(gen2.qGenKvar).to.be.closeTo(6654, 5);
    });

    it("gives the same answer with the dense reference solver as with the sparse block LU", () => {
      const network = loadCase("case9.m");
      const sparse = solvePowerFlow(network);
      const dense = solvePowerFlow(network, { linearSolver: "dense" });
      sparse.buses.forEach((bus, i) => {
        expect(dense.buses[i].vPu).to.be.closeTo(bus.vPu, 1e-10);
        expect(dense.buses[i].angleDeg).to.be.closeTo(bus.angleDeg, 1e-8);
      });
      expect(dense.iterations).to.equal(sparse.iterations);
    });

    it("solves case33bw with all five tie lines closed and balances power at every bus", () => {
      const radial = loadCase("case33bw.m");
      const meshed = parseNetwork({ ...radial, lines: radial.lines.map((l) => ({ ...l, inService: true })) });
      const result = solvePowerFlow(meshed);
      expect(result.converged).to.equal(true);
      expect(largestBusImbalancePu(meshed, result)).to.be.below(1e-6);
      // Meshing relieves the long laterals: lower losses and a higher minimum voltage than radial.
      const radialResult = solvePowerFlow(radial);
      expect(result.totals.lossKw).to.be.below(radialResult.totals.lossKw);
      expect(result.minVoltage.vPu).to.be.above(radialResult.minVoltage.vPu);
    });
  });

  describe("on transformers and switches", () => {
    const substation = (tapRatio: number, loadKw: number): NetworkInput => ({
      buses: [
        { id: "HV", nominalKv: 150 },
        { id: "MV", nominalKv: 20 },
      ],
      transformers: [{ id: "TR", hvBus: "HV", lvBus: "MV", ratedMva: 25, vkPercent: 12, vkrPercent: 0.5, tapRatio }],
      loads: [{ id: "L", bus: "MV", pKw: loadKw, qKvar: 0 }],
      slacks: [{ bus: "HV" }],
    });

    it("raises the secondary voltage by 1/tap at no load (tap on the HV side)", () => {
      const result = solvePowerFlow(parseNetwork(substation(0.975, 0)));
      expect(result.buses.find((b) => b.id === "MV")!.vPu).to.be.closeTo(1 / 0.975, 1e-9);
    });

    it("reports transformer currents on each side's own voltage and loading against the rating", () => {
      const result = solvePowerFlow(parseNetwork(substation(1, 20000)));
      const tr = result.branches[0];
      expect(tr.kind).to.equal("transformer");
      // A series-only transformer carries the same per-unit current on both sides: amperes in the turns ratio.
      expect(tr.iToA / tr.iFromA).to.be.closeTo(150 / 20, 1e-9);
      const ratedLvA = 25000 / (Math.sqrt(3) * 20);
      expect(tr.loadingPercent).to.be.closeTo((100 * tr.iToA) / ratedLvA, 1e-9);
    });

    it("solves buses joined by a closed switch as one node", () => {
      const split: NetworkInput = {
        buses: [
          { id: "A", nominalKv: 20 },
          { id: "B1", nominalKv: 20 },
          { id: "B2", nominalKv: 20 },
        ],
        lines: [{ id: "L1", from: "A", to: "B1", rOhm: 0.8, xOhm: 0.5 }],
        switches: [{ id: "S", from: "B1", to: "B2", closed: true }],
        loads: [{ id: "load", bus: "B2", pKw: 3000, qKvar: 1000 }],
        slacks: [{ bus: "A" }],
      };
      const merged: NetworkInput = {
        buses: [
          { id: "A", nominalKv: 20 },
          { id: "B1", nominalKv: 20 },
        ],
        lines: [{ id: "L1", from: "A", to: "B1", rOhm: 0.8, xOhm: 0.5 }],
        loads: [{ id: "load", bus: "B1", pKw: 3000, qKvar: 1000 }],
        slacks: [{ bus: "A" }],
      };
      const a = solvePowerFlow(parseNetwork(split));
      const b = solvePowerFlow(parseNetwork(merged));
      expect(a.buses.find((x) => x.id === "B2")!.vPu).to.equal(a.buses.find((x) => x.id === "B1")!.vPu);
      expect(a.buses.find((x) => x.id === "B2")!.vPu).to.be.closeTo(b.buses.find((x) => x.id === "B1")!.vPu, 1e-12);
      expect(a.totals.lossKw).to.be.closeTo(b.totals.lossKw, 1e-9);
    });
  });

  describe("on bad models", () => {
    const base: NetworkInput = {
      name: "tiny",
      buses: [
        { id: "A", nominalKv: 20 },
        { id: "B", nominalKv: 20 },
        { id: "C", nominalKv: 20 },
      ],
      lines: [
        { id: "L1", from: "A", to: "B", rOhm: 0.5, xOhm: 0.4 },
        { id: "L2", from: "B", to: "C", rOhm: 0.5, xOhm: 0.4 },
      ],
      loads: [{ id: "load-C", bus: "C", pKw: 500, qKvar: 100 }],
      slacks: [{ bus: "A" }],
    };
    const rejects = (change: Partial<NetworkInput>, code: string, element: string) => {
      const network = parseNetwork({ ...base, ...change });
      try {
        solvePowerFlow(network);
      } catch (error) {
        expect(error).to.be.instanceOf(GridModelError);
        expect((error as GridModelError).code).to.equal(code);
        expect((error as GridModelError).element).to.equal(element);
        expect((error as Error).message).to.include(element);
        return;
      }
      expect.fail("the model was accepted");
    };

    it("rejects an island that no slack feeds, naming a bus in it", () => {
      rejects({ lines: [base.lines![0], { ...base.lines![1], inService: false }] }, "GRID_ISLAND", "C");
    });
    it("rejects an island cut off by an open switch", () => {
      rejects(
        { lines: [base.lines![0]], switches: [{ id: "S1", from: "B", to: "C", closed: false }] },
        "GRID_ISLAND",
        "C",
      );
    });
    it("rejects a network with no slack", () => {
      rejects({ slacks: [] }, "GRID_NO_SLACK", "tiny");
    });
    it("rejects a negative impedance, naming the line", () => {
      rejects({ lines: [base.lines![0], { ...base.lines![1], rOhm: -0.1 }] }, "GRID_NEGATIVE_IMPEDANCE", "L2");
    });
    it("rejects a reference to an unknown bus, naming the element", () => {
      rejects({ loads: [{ id: "load-X", bus: "X", pKw: 1, qKvar: 0 }] }, "GRID_UNKNOWN_BUS", "load-X");
    });
    it("rejects two slacks in one connected network", () => {
      rejects({ slacks: [{ bus: "A" }, { bus: "C" }] }, "GRID_TWO_SLACKS", "C");
    });
  });

  describe("when Newton–Raphson cannot converge", () => {
    const overloaded = () => {
      const network = loadCase("case33bw.m");
      return parseNetwork({
        ...network,
        loads: network.loads.map((l) => ({ ...l, pKw: l.pKw * 8, qKvar: l.qKvar * 8 })),
      });
    };

    it("throws PowerFlowDivergedError naming the subnetwork", () => {
      expect(() => solvePowerFlow(overloaded())).to.throw(PowerFlowDivergedError, /subnetwork 1/);
    });

    it("returns converged: false with no bus values when asked to report", () => {
      const result = solvePowerFlow(overloaded(), { onDivergence: "report" });
      expect(result.converged).to.equal(false);
      expect(result.buses).to.have.length(0);
      expect(result.subnetworks[0].converged).to.equal(false);
    });
  });
});

describe("solveBatch", () => {
  it("solves each slot like a single solve, warm-starting from the previous slot", () => {
    const network = loadCase("case33bw.m");
    // Consecutive quarter-hours move little, which is what makes the warm start pay.
    const factors = [0.9, 0.92, 0.94, 0.96];
    const slots = factors.map((f) => ({ loadsKw: network.loads.map((l) => l.pKw * f) }));
    const results = solveBatch(network, slots);
    factors.forEach((f, s) => {
      const single = solvePowerFlow(
        parseNetwork({ ...network, loads: network.loads.map((l) => ({ ...l, pKw: l.pKw * f, qKvar: l.qKvar * f })) }),
      );
      expect(results[s].totals.lossKw).to.be.closeTo(single.totals.lossKw, 1e-3);
      expect(results[s].minVoltage.vPu).to.be.closeTo(single.minVoltage.vPu, 1e-8);
    });
    for (const later of results.slice(1)) expect(later.iterations).to.be.below(results[0].iterations);
  });
});
