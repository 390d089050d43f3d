// The MATPOWER importer reads the network MATPOWER solves: conversion code after the matrices is executed, `Inf`
// is read, and any statement or field the importer cannot represent is refused by name, never skipped.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseMatpowerCase } from "./matpower";
import { runMatlabCase } from "./matlab";
import { solvePowerFlow } from "../powerflow";
import { GridImportError } from "../errors";
import { matpowerCaseText } from "../cases/matpower/source";

/** A three-bus radial feeder with loads in kVA and impedances in ohms, converted by code like case141.m. */
const KVA_CASE = `function mpc = kva3
mpc.version = '2';
mpc.baseMVA = 10;
mpc.bus = [ %% loads in kVA here
\t1\t3\t0\t0\t0\t0\t1\t1\t0\t12.66\t1\t1\t1;
\t2\t1\t100\t0\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;
\t3\t1\t200\t0\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;
];
mpc.gen = [
\t1\t0\t0\t10\t-10\t1\t100\t1\t10\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0;
];
mpc.branch = [  %% r and x in ohms here
\t1\t2\t0.5\t0.3\t0\t0\t0\t0\t0\t0\t1\t-360\t360;
\t2\t3\t0.8\t0.4\t0\t0\t0\t0\t0\t0\t1\t-360\t360;
];
%% convert branch impedances from Ohms to p.u.
[PQ, PV, REF, NONE, BUS_I, BUS_TYPE, PD, QD, GS, BS, BUS_AREA, VM, ...
    VA, BASE_KV, ZONE, VMAX, VMIN, LAM_P, LAM_Q, MU_VMAX, MU_VMIN] = idx_bus;
[F_BUS, T_BUS, BR_R, BR_X, BR_B, RATE_A, RATE_B, RATE_C, ...
    TAP, SHIFT, BR_STATUS, PF, QF, PT, QT, MU_SF, MU_ST, ...
    ANGMIN, ANGMAX, MU_ANGMIN, MU_ANGMAX] = idx_brch;
Vbase = mpc.bus(1, BASE_KV) * 1e3;      %% in Volts
Sbase = mpc.baseMVA * 1e6;              %% in VA
mpc.branch(:, [BR_R BR_X]) = mpc.branch(:, [BR_R BR_X]) / (Vbase^2 / Sbase);
%% convert loads from kW to MW
mpc.bus(:, [PD, QD]) = mpc.bus(:, [PD, QD]) / 1e3;
%% convert loads from MVA to MW and MVAr, using 0.85 power factor
pf = 0.85;
mpc.bus(:, QD) = mpc.bus(:, PD) * sin(acos(pf));
mpc.bus(:, PD) = mpc.bus(:, PD) * pf;
`;

describe("parseMatpowerCase", () => {
  describe("conversion code after the matrices", () => {
    it("converts kVA loads at a 0.85 power factor and ohm impedances as MATPOWER's code does", () => {
      const network = parseMatpowerCase(KVA_CASE);
      const sinPhi = Math.sin(Math.acos(0.85));
      expect(network.loads.map((l) => [l.bus, l.pKw, l.qKvar])).to.deep.equal([
        ["2", 100 * 0.85, 100 * sinPhi],
        ["3", 200 * 0.85, 200 * sinPhi],
      ]);
      expect(network.lines[0].rOhm).to.be.closeTo(0.5, 1e-12);
      expect(network.lines[1].xOhm).to.be.closeTo(0.4, 1e-12);
      expect(network.name).to.equal("kva3");
    });

    it("runs the statements in order: QD is computed from PD before PD is scaled", () => {
      // Swapping the two lines changes the answer in MATPOWER; the importer must follow the file's order.
      const swapped = KVA_CASE.replace(
        "mpc.bus(:, QD) = mpc.bus(:, PD) * sin(acos(pf));\nmpc.bus(:, PD) = mpc.bus(:, PD) * pf;",
        "mpc.bus(:, PD) = mpc.bus(:, PD) * pf;\nmpc.bus(:, QD) = mpc.bus(:, PD) * sin(acos(pf));",
      );
      const load = parseMatpowerCase(swapped).loads[0];
      expect(load.qKvar).to.be.closeTo(100 * 0.85 * Math.sin(Math.acos(0.85)), 1e-9);
    });

    it("reads an expression for baseMVA (50/3 in case_ieee30) and Inf limits as no limit", () => {
      const text = KVA_CASE.replace("mpc.baseMVA = 10;", "mpc.baseMVA = 50/3;")
        .replace("\t1\t0\t0\t10\t-10\t1\t100", "\t1\t0\t0\tInf\t-Inf\t1\t100")
        .replace("\t2\t1\t100\t0", "\t2\t2\t100\t0")
        .replace(
          "mpc.branch = [",
          "mpc.gen = [mpc.gen; 2\t50\t0\tInf\t-Inf\t1.01\t100\t1\tInf\t-Inf\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0];\nmpc.branch = [",
        );
      const network = parseMatpowerCase(text);
      expect(network.baseMva).to.be.closeTo(50 / 3, 1e-12);
      const pv = network.generators.find((g) => g.bus === "2")!;
      expect(pv.vSetPu).to.equal(1.01);
      expect(pv.qMaxKvar).to.equal(undefined);
      expect(pv.qMinKvar).to.equal(undefined);
    });

    it("skips an if-block whose condition is false (case8387pegase's `fixed = 0`) and refuses it when true", () => {
      const block = `
fixed = FLAG;
if fixed
    [GEN_BUS, PG, QG, QMAX, QMIN, VG, MBASE, GEN_STATUS, PMAX, PMIN] = idx_gen;
    k = find(   isinf(mpc.gen(:, QMIN)) & ...
                isinf(mpc.gen(:, QMAX)) );
    mpc.gen(k, QMIN) = mpc.gen(k, QG);
end
`;
      expect(parseMatpowerCase(KVA_CASE + block.replace("FLAG", "0")).loads).to.have.length(2);
      expect(() => parseMatpowerCase(KVA_CASE + block.replace("FLAG", "1"))).to.throw(GridImportError, /"find"/);
    });
  });

  describe("refusals", () => {
    const refuses = (extra: string, pattern: RegExp) =>
      expect(() => parseMatpowerCase(KVA_CASE + extra)).to.throw(GridImportError, pattern);

    it("refuses a call to a function it does not know, naming it and the line", () =>
      refuses("mpc.bus(:, PD) = scale_load(mpc.bus(:, PD));\n", /line 3\d: .*"scale_load"/));
    it("refuses loops", () =>
      refuses("for i = 1:3\n  mpc.bus(i, PD) = 0;\nend\n", /"for" statements are not supported/));
    it("refuses a statement that is not an assignment", () => refuses("disp(mpc.bus)\n", /not an assignment/));
    it("refuses a field it does not read rather than ignoring it", () =>
      refuses("mpc.load_zip = [1 2 3];\n", /mpc\.load_zip/));
    it("refuses DC lines", () =>
      refuses("mpc.dcline = [1 2 1 10 10 0 0 1.01 1 0 100 -100 100 -100 100 0 0];\n", /dcline/));
    it("refuses writing outside a matrix", () => refuses("mpc.bus(4, PD) = 1;\n", /growing a matrix is not supported/));
    it("refuses a non-finite value where the network needs a number", () =>
      expect(() => parseMatpowerCase(KVA_CASE.replace("\t0.8\t0.4\t", "\tInf\t0.4\t"))).to.throw(
        GridImportError,
        /mpc.branch row 2 BR_R is Infinity/,
      ));
  });

  describe("transformers", () => {
    const withTransformer = (rateA: number) => `
mpc.baseMVA = 100;
mpc.bus = [
  1 3 0 0 0 0 1 1 0 132 1 1.1 0.9;
  2 1 20 5 0 0 1 1 0 33 1 1.1 0.9;
];
mpc.gen = [1 0 0 Inf -Inf 1 100 1 Inf -Inf];
mpc.branch = [1 2 0.01 0.08 0.002 ${rateA} 0 0 0.975 0 1 -360 360];
`;
    it("gives a transformer with rateA = 0 no limit", () => {
      const result = solvePowerFlow(parseMatpowerCase(withTransformer(0)));
      expect(result.branches[0].limitA).to.equal(0);
      expect(result.violations).to.deep.equal([]);
    });
    it("keeps rateA as the limit when there is one, and the branch's charging susceptance", () => {
      const network = parseMatpowerCase(withTransformer(10));
      expect(network.transformers[0].limitMva).to.equal(10);
      // b = 0.002 pu on the 33 kV base of the to bus.
      expect(network.transformers[0].bMicroS).to.be.closeTo((0.002 / (33 ** 2 / 100)) * 1e6, 1e-9);
      const result = solvePowerFlow(network);
      // 10 MVA at the governing end's nominal voltage (132 kV or 33 kV).
      const limits = [132, 33].map((kv) => (10 * 1000) / (Math.sqrt(3) * kv));
      expect(limits.some((a) => Math.abs(a - result.branches[0].limitA) < 1e-9)).to.equal(true);
    });
  });
});

describe("runMatlabCase", () => {
  it("follows MATLAB's bracket rule: [1 -2] is two elements, [1 - 2] is one", () => {
    const run = runMatlabCase("mpc.a = [1 -2];\nmpc.b = [1 - 2];\nmpc.c = [2^-1, -3^2];");
    expect(Array.from((run.fields.get("a") as { data: Float64Array }).data)).to.deep.equal([1, -2]);
    expect(Array.from((run.fields.get("b") as { data: Float64Array }).data)).to.deep.equal([-1]);
    expect(Array.from((run.fields.get("c") as { data: Float64Array }).data)).to.deep.equal([0.5, -9]);
  });
});

// MATPOWER's own case files, read from a MATPOWER copy when one is reachable (see cases/matpower/source.ts).
describe("MATPOWER's own cases", () => {
  const solved = (file: string) => {
    const text = matpowerCaseText(file);
    return text === undefined ? undefined : parseMatpowerCase(text, file);
  };

  it("case141 (loads in kVA at 0.85 pf, converted by code): 632.7 kW of losses as MATPOWER finds", function () {
    const network = solved("case141.m");
    if (!network) this.skip();
    const result = solvePowerFlow(network);
    expect(result.totals.lossKw).to.be.closeTo(632.7, 0.05);
  });

  for (const file of ["case1354pegase.m", "case2869pegase.m", "case9241pegase.m"])
    it(`${file} (Inf limits) is read and solves from its stored operating point`, function () {
      this.timeout(60_000);
      const network = solved(file);
      if (!network) this.skip();
      const result = solvePowerFlow(network, { start: "case", detail: "summary" });
      expect(result.converged).to.equal(true);
    });
});

// Every case of MATPOWER's data folder against MATPOWER's own solution (cases/matpower/solutions.json, written by
// MATPOWER in Octave): losses, slack output, extreme voltages, and every bus voltage for cases up to 300 buses.
interface MatpowerSolution {
  success: number;
  lossKw: number;
  minVPu: number;
  maxVPu: number;
  slackKw: number;
  slackKvar: number;
  bus?: [number, number, number][];
}
const solutions = JSON.parse(readFileSync(join(__dirname, "..", "cases", "matpower", "solutions.json"), "utf8")) as {
  cases: Record<string, MatpowerSolution>;
  casesWithReactiveLimits: Record<string, MatpowerSolution>;
};

function compareWithMatpower(name: string, reference: MatpowerSolution, reactiveLimits: "enforce" | "ignore") {
  return function (this: Mocha.Context) {
    this.timeout(120_000);
    const text = matpowerCaseText(`${name}.m`);
    if (text === undefined) this.skip();
    const network = parseMatpowerCase(text, name);
    const result = solvePowerFlow(network, { start: "case", reactiveLimits, onDivergence: "report" });
    if (!reference.success) {
      // MATPOWER does not converge either (case16am): the engine must say so, not answer.
      expect(result.converged).to.equal(false);
      return;
    }
    expect(result.converged).to.equal(true);
    const scale = Math.max(1, Math.abs(reference.lossKw));
    expect(Math.abs(result.totals.lossKw - reference.lossKw) / scale, "losses").to.be.below(1e-6);
    // MATPOWER reports the reference generators' whole output: the generation at the slack buses.
    const byId = new Map(result.buses.map((b) => [b.id, b]));
    const slackBuses = network.slacks.map((sl) => byId.get(sl.bus)!);
    const slackKw = slackBuses.reduce((sum, b) => sum + b.pGenKw, 0);
    const slackKvar = slackBuses.reduce((sum, b) => sum + b.qGenKvar, 0);
    expect(slackKw, "slack kW").to.be.closeTo(reference.slackKw, 1e-6 * Math.max(1000, Math.abs(reference.slackKw)));
    expect(slackKvar, "slack kvar").to.be.closeTo(
      reference.slackKvar,
      1e-6 * Math.max(1000, Math.abs(reference.slackKvar)),
    );
    expect(result.minVoltage.vPu).to.be.closeTo(reference.minVPu, 1e-7);
    expect(result.maxVoltage.vPu).to.be.closeTo(reference.maxVPu, 1e-7);
    for (const [id, vm, va] of reference.bus ?? []) {
      const bus = byId.get(String(id))!;
      expect(bus.vPu, `Vm at bus ${id}`).to.be.closeTo(vm, 1e-7);
      expect(bus.angleDeg, `Va at bus ${id}`).to.be.closeTo(va, 1e-5);
    }
  };
}

describe("MATPOWER's whole data folder against MATPOWER's solutions", () => {
  for (const [name, reference] of Object.entries(solutions.cases))
    it(`${name} matches MATPOWER`, compareWithMatpower(name, reference, "ignore"));
  it("refuses case_RTS_GMLC by name: it holds a DC line", function () {
    const text = matpowerCaseText("case_RTS_GMLC.m");
    if (text === undefined) this.skip();
    expect(() => parseMatpowerCase(text)).to.throw(GridImportError, /mpc\.dcline/);
  });
});

describe("generator reactive limits (PV → PQ) against MATPOWER with pf.enforce_q_lims = 1", () => {
  for (const [name, reference] of Object.entries(solutions.casesWithReactiveLimits))
    it(`${name} matches MATPOWER`, compareWithMatpower(name, reference, "enforce"));
});
