// Checks the Tor di Valle demo model replays the field test, and the Rome generator's scale and reproducibility.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseCase } from "../importers/load";
import { locateBuses, mapPodsToPoms } from "../mapping";
import { solvePowerFlow } from "../powerflow";
import { computeSensitivities } from "../sensitivities";
import { buildRomeNetwork } from "./rome";
import {
  buildTorDiValleNetwork,
  MOSTACCIANO_CONGESTED_BRANCH,
  NANCHINO_LIMITED_BRANCH,
  TOR_DI_VALLE_POM,
  torDiValleNetworkInput,
} from "./torDiValle";

// The field test's inputs in ../shared/domain (the grid engine imports nothing from the protocol package).
const TOR_DI_VALLE_SCENARIO = join(
  process.env.FLEXGRID_SHARED_DIR ?? resolve(__dirname, "..", "..", "..", "..", "shared"),
  "domain",
  "tor-di-valle-2021-06-23.json",
);
const field = JSON.parse(readFileSync(TOR_DI_VALLE_SCENARIO, "utf8")) as {
  pods: { pod: string; feeder: string; secondarySubstation: string; baseline: number }[];
};

describe("buildTorDiValleNetwork", () => {
  const network = buildTorDiValleNetwork();
  const base = solvePowerFlow(network);
  const branch = (result: typeof base, id: string) => result.branches.find((b) => b.id === id)!;

  it("matches the exported case file oracles/grid/cases/tor-di-valle.json", () => {
    const file = readFileSync(join(__dirname, "..", "cases", "tor-di-valle.json"), "utf8");
    expect(JSON.parse(file)).to.deep.equal(JSON.parse(JSON.stringify(torDiValleNetworkInput())));
    expect(parseCase(file, "tor-di-valle.json")).to.deep.equal(network);
  });

  it("attaches the field test's PoDs at their secondary substations with their slot-50 baselines", () => {
    for (const pod of field.pods) {
      const load = network.loads.find((l) => l.pod === pod.pod)!;
      expect(load.bus, pod.pod).to.equal(pod.secondarySubstation);
      expect(load.pKw, pod.pod).to.equal(pod.baseline);
    }
  });

  it("maps every PoD to CP-IRLANDESE and its own feeder", () => {
    const located = mapPodsToPoms(network);
    for (const pod of field.pods)
      expect(located.find((l) => l.pod === pod.pod)).to.include({ pom: TOR_DI_VALLE_POM, feeder: pod.feeder });
  });

  it("overloads the Mostacciano head cable with about 259.5 A against 212.80 A at baseline", () => {
    const head = branch(base, MOSTACCIANO_CONGESTED_BRANCH);
    // The receiving end governs: at the sending end the cable's capacitive charging current offsets part of
    // the load's lagging current.
    expect(Math.max(head.iFromA, head.iToA)).to.be.closeTo(259.54, 0.05);
    expect(head.limitA).to.equal(212.8);
    expect(base.violations).to.have.length(1);
    expect(base.violations[0]).to.include({
      kind: "overload",
      element: MOSTACCIANO_CONGESTED_BRANCH,
      limit: 212.8,
      unit: "A",
    });
    expect(base.violations[0].value).to.be.closeTo(259.54, 0.05);
  });

  it("overloads the 19.60 A Nanchino spur when IT002E60550189 takes a +500 kW TSO award", () => {
    expect(branch(base, NANCHINO_LIMITED_BRANCH).iFromA).to.be.below(19.6);
    const withAward = solvePowerFlow(buildTorDiValleNetwork({ IT002E60550189: 70.38 + 500 }));
    const pod = withAward.buses.find((b) => b.id === "12157")!;
    expect(pod.pLoadKw).to.be.closeTo(570.38 + 35, 1e-9); // the PoD plus the LV background of 12157
    const spur = branch(withAward, NANCHINO_LIMITED_BRANCH);
    expect(spur.limitA).to.equal(19.6);
    expect(spur.iFromA).to.be.above(19.6);
    expect(withAward.violations.map((v) => v.element)).to.include(NANCHINO_LIMITED_BRANCH);
  });
});

describe("computeSensitivities", () => {
  it("predicts the current and voltage change of a 10 kW step like a finite difference", () => {
    const network = buildTorDiValleNetwork();
    const report = computeSensitivities(network, { pods: ["IT002E60550189", "IT002E60974469"] });
    const step = 10;
    for (const injection of report.injections) {
      const pod = injection.pods[0];
      const stepped = solvePowerFlow({
        ...network,
        loads: network.loads.map((l) => (l.pod === pod ? { ...l, pKw: l.pKw - step } : l)),
      });
      // Consumption down by 10 kW = injection up by 10 kW (reactive power unchanged).
      report.branchIds.forEach((id, k) => {
        const before = report.result.branches[k].iFromA >= report.result.branches[k].iToA ? "iFromA" : "iToA";
        const delta = stepped.branches[k][before] - report.result.branches[k][before];
        if (report.result.branches[k].kind === "line")
          expect(injection.dIdPAPerKw[k] * step, `${pod} ${id}`).to.be.closeTo(delta, 2e-3 + 0.02 * Math.abs(delta));
      });
      report.busIds.forEach((id, b) => {
        const delta = stepped.buses[b].vPu - report.result.buses[b].vPu;
        expect(injection.dVdPPuPerKw[b] * step, `${pod} V at ${id}`).to.be.closeTo(
          delta,
          1e-7 + 0.02 * Math.abs(delta),
        );
      });
    }
  });

  it("reports no sensitivity across feeders of different transformers beyond the shared HV busbar", () => {
    const report = computeSensitivities(buildTorDiValleNetwork(), { pods: ["IT002E60550189"] });
    const k = report.branchIds.indexOf(NANCHINO_LIMITED_BRANCH);
    const m = report.branchIds.indexOf(MOSTACCIANO_CONGESTED_BRANCH);
    // Injecting at 12157 relieves its own spur strongly and the Mostacciano head hardly at all.
    expect(report.injections[0].dIdPAPerKw[k]).to.be.below(-0.05);
    expect(Math.abs(report.injections[0].dIdPAPerKw[m])).to.be.below(1e-3);
  });
});

describe("buildRomeNetwork", () => {
  it("builds a Rome-scale network: 70 primary substations, 600 feeders, 13,000 MV/LV substations", () => {
    const network = buildRomeNetwork();
    expect(network.primarySubstations).to.have.length(70);
    expect(network.feeders).to.have.length(600);
    expect(network.buses.filter((b) => b.secondarySubstation !== undefined)).to.have.length(13000);
    expect(new Set(network.buses.map((b) => b.nominalKv))).to.deep.equal(new Set([150, 20, 8.4]));
  });

  it("is reproducible from its seed and differs across seeds", () => {
    const small = { primarySubstations: 2, feeders: 12, secondarySubstations: 200 };
    expect(buildRomeNetwork({ ...small, seed: 7 })).to.deep.equal(buildRomeNetwork({ ...small, seed: 7 }));
    expect(buildRomeNetwork({ ...small, seed: 7 })).to.not.deep.equal(buildRomeNetwork({ ...small, seed: 8 }));
  });

  it("solves at peak load inside ±10 % with every MV/LV substation on the feeder that built it", () => {
    const network = buildRomeNetwork({ primarySubstations: 4, feeders: 34, secondarySubstations: 740 });
    const result = solvePowerFlow(network, { detail: "summary" });
    expect(result.minVoltage.vPu).to.be.above(0.9);
    expect(result.maxVoltage.vPu).to.be.below(1.1);
    const { pom, feeder } = locateBuses(network);
    const psOfFeeder = new Map(network.feeders.map((f) => [f.id, f.primarySubstation]));
    network.buses.forEach((bus, i) => {
      if (bus.secondarySubstation === undefined) return;
      const builtBy = bus.id.split("/")[0];
      expect(feeder[i], bus.id).to.equal(builtBy);
      expect(pom[i], bus.id).to.equal(psOfFeeder.get(builtBy));
    });
  });
});
