// The pandapower importer reads pandapower's own example networks as pandapower solves them (checked against the
// results pandapower stored in the same files, and against MATPOWER for pandapower's conversions of MATPOWER
// cases), and refuses by name every element it cannot represent.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePandapowerJson } from "./pandapower";
import { solvePowerFlow, type PowerFlowResult } from "../powerflow";
import { GridImportError } from "../errors";
import { pandapowerNetworkText } from "../cases/pandapower/source";

type Frame = { columns: string[]; index: number[]; data: (number | null)[][] };

/** A stored pandapower result table as rows by element index. */
function resultTable(json: { _object: Record<string, { _object: string }> }, name: string) {
  const frame = JSON.parse(json._object[name]._object) as Frame;
  return new Map(
    frame.index.map((id, i) => [id, Object.fromEntries(frame.columns.map((c, j) => [c, frame.data[i][j]]))] as const),
  );
}

const load = (path: string) => {
  const text = pandapowerNetworkText(path);
  return text === undefined ? undefined : JSON.parse(text);
};

describe("parsePandapowerJson on pandapower's example networks", () => {
  for (const path of ["mv_oberrhein.json", "mv_oberrhein_substations.json"])
    describe(path, () => {
      const json = load(path);
      const result: PowerFlowResult =
        json && solvePowerFlow(parsePandapowerJson(json, path), { reactiveLimits: "ignore" });

      it("converges (two external grids, HV/MV transformers at 150° with taps, open line switches)", () => {
        expect(result.converged).to.equal(true);
      });

      it("gives every bus the voltage pandapower stored (res_bus) within 1e-9 pu", function () {
        if (!json._object.res_bus) this.skip();
        const stored = resultTable(json, "res_bus");
        const byId = new Map(result.buses.map((b) => [b.id, b]));
        for (const [id, row] of stored) {
          if (row.vm_pu === null) continue; // out of service in pandapower too
          expect(byId.get(String(id))!.vPu, `bus ${id}`).to.be.closeTo(row.vm_pu as number, 1e-9);
        }
      });

      it("gives every line the flow, current and angle difference pandapower stored (res_line)", () => {
        const stored = resultTable(json, "res_line");
        const byId = new Map(result.branches.map((b) => [b.id, b]));
        const angle = new Map(result.buses.map((b) => [b.id, b.angleDeg]));
        for (const [id, row] of stored) {
          if (row.p_from_mw === null) continue;
          const branch = byId.get(`line-${id}`)!;
          expect(branch.pFromKw / 1000, `P line ${id}`).to.be.closeTo(row.p_from_mw as number, 1e-7);
          expect(branch.qFromKvar / 1000, `Q line ${id}`).to.be.closeTo(row.q_from_mvar as number, 1e-7);
          expect(branch.iFromA / 1000, `I line ${id}`).to.be.closeTo(row.i_from_ka as number, 1e-8);
          // Angles are compared across each line: pandapower stored them without the transformers' 150° shift.
          const ours = angle.get(branch.from)! - angle.get(branch.to)!;
          expect(ours, `angle across line ${id}`).to.be.closeTo(
            (row.va_from_degree as number) - (row.va_to_degree as number),
            1e-7,
          );
        }
      });

      it("gives every transformer the flow pandapower stored (res_trafo), magnetising losses included", function () {
        const stored = resultTable(json, "res_trafo");
        const byId = new Map(result.branches.map((b) => [b.id, b]));
        let compared = 0;
        for (const [id, row] of stored) {
          if (row.p_hv_mw === null) continue; // pandapower stored no result for it
          compared++;
          const branch = byId.get(`trafo-${id}`)!;
          expect(branch.pFromKw / 1000, `P trafo ${id}`).to.be.closeTo(row.p_hv_mw as number, 1e-7);
          expect(branch.qFromKvar / 1000, `Q trafo ${id}`).to.be.closeTo(row.q_hv_mvar as number, 1e-7);
          expect(branch.pLossKw / 1000, `losses trafo ${id}`).to.be.closeTo(row.pl_mw as number, 1e-8);
        }
        if (compared === 0) this.skip();
        const grids = resultTable(json, "res_ext_grid");
        const slackKw = result.totals.slackKw / 1000;
        expect(slackKw).to.be.closeTo(
          [...grids.values()].reduce((s, g) => s + (g.p_mw as number), 0),
          1e-7,
        );
      });
    });

  it("reads lv_schutterwald (14 external grids, one per LV network)", function () {
    const json = load("lv_schutterwald.json");
    if (!json) this.skip();
    const network = parsePandapowerJson(json);
    expect(network.slacks).to.have.length(14);
    const result = solvePowerFlow(network, { detail: "summary" });
    expect(result.converged).to.equal(true);
    // Each of the 14 substations feeds its own LV network: one converged subnetwork per external grid.
    expect(result.subnetworks).to.have.length(14);
  });

  it("refuses the IEEE European LV feeder by name: its loads are unbalanced (asymmetric_load), not dropped", function () {
    const json = load("IEEE_European_LV_Off_Peak_1.json");
    if (!json) this.skip();
    expect(() => parsePandapowerJson(json)).to.throw(GridImportError, /asymmetric_load.*unbalanced/);
  });
});

// pandapower's conversions of MATPOWER cases (generators, shunts, tapped and phase-shifting transformers) must
// solve to MATPOWER's own solution of the same case (cases/matpower/solutions.json, written by MATPOWER).
describe("parsePandapowerJson on pandapower's conversions of MATPOWER cases", () => {
  const solutions = JSON.parse(readFileSync(join(__dirname, "..", "cases", "matpower", "solutions.json"), "utf8"))
    .cases as Record<string, { lossKw: number; minVPu: number; maxVPu: number; bus?: [number, number, number][] }>;
  // pandapower's case9, case118 and case300 are older versions of those cases: only the identical ones are compared.
  for (const name of ["case5", "case30", "case33bw", "case1354pegase"])
    it(`${name} solves to MATPOWER's answer`, function () {
      const json = load(`power_system_test_case_jsons/${name}.json`);
      if (!json) this.skip();
      const result = solvePowerFlow(parsePandapowerJson(json, name), { reactiveLimits: "ignore" });
      const reference = solutions[name];
      expect(Math.abs(result.totals.lossKw - reference.lossKw) / reference.lossKw).to.be.below(1e-6);
      expect(result.minVoltage.vPu).to.be.closeTo(reference.minVPu, 1e-7);
      expect(result.maxVoltage.vPu).to.be.closeTo(reference.maxVPu, 1e-7);
      // pandapower's bus index is MATPOWER's bus number minus one.
      const byId = new Map(result.buses.map((b) => [b.id, b]));
      for (const [id, vm] of reference.bus ?? [])
        expect(byId.get(String(id - 1))!.vPu, `bus ${id}`).to.be.closeTo(vm, 1e-7);
    });
});

describe("parsePandapowerJson refusals and details", () => {
  const base = {
    sn_mva: 1,
    f_hz: 50,
    bus: [{ vn_kv: 110 }, { vn_kv: 20 }, { vn_kv: 20 }],
    ext_grid: [{ bus: 0, vm_pu: 1.0, va_degree: 0 }],
    trafo: [
      {
        hv_bus: 0,
        lv_bus: 1,
        sn_mva: 25,
        vn_hv_kv: 110,
        vn_lv_kv: 20,
        vk_percent: 12,
        vkr_percent: 0.4,
        pfe_kw: 14,
        i0_percent: 0.07,
        shift_degree: 150,
        tap_side: "lv",
        tap_pos: 2,
        tap_neutral: 0,
        tap_step_percent: 1.5,
        tap_changer_type: "Ratio",
      },
    ],
    line: [
      {
        from_bus: 1,
        to_bus: 2,
        length_km: 3,
        r_ohm_per_km: 0.16,
        x_ohm_per_km: 0.11,
        c_nf_per_km: 300,
        max_i_ka: 0.36,
      },
    ],
    load: [{ bus: 2, p_mw: 2, q_mvar: 0.5 }],
  };

  it("applies an LV-side tap as pandapower does: the rated LV voltage changes, so ratio and impedance do", () => {
    const tr = parsePandapowerJson(base).transformers[0];
    const vnLv = 20 * (1 + (2 * 1.5) / 100);
    expect(tr.tapRatio).to.be.closeTo(110 / vnLv / (110 / 20), 1e-12);
    expect(tr.shiftDeg).to.equal(150);
  });

  it("refuses three-winding transformers by name", () => {
    const trafo3w = [{ hv_bus: 0, mv_bus: 1, lv_bus: 2, sn_hv_mva: 40, in_service: true }];
    expect(() => parsePandapowerJson({ ...base, trafo3w })).to.throw(GridImportError, /trafo3w.*three-winding/);
  });

  it("refuses voltage-dependent (ZIP) loads by name", () => {
    const json = { ...base, load: [{ bus: 2, p_mw: 2, q_mvar: 0.5, const_z_percent: 30 }] };
    expect(() => parsePandapowerJson(json)).to.throw(GridImportError, /load 0 is voltage dependent/);
  });

  it("refuses wards and other elements it does not model, naming the table", () => {
    const json = { ...base, ward: [{ bus: 2, ps_mw: 1, qs_mvar: 0, pz_mw: 0, qz_mvar: 0 }] };
    expect(() => parsePandapowerJson(json)).to.throw(GridImportError, /"ward"/);
  });

  it("keeps a line energised from its closed end when a switch opens its other end (charging still flows)", () => {
    // A second cable keeps bus 2 supplied while the first one's switch at bus 2 is open.
    const line = base.line[0];
    const open = parsePandapowerJson({
      ...base,
      line: [line, { ...line, length_km: 5 }],
      switch: [{ bus: 2, element: 0, et: "l", closed: false }],
    });
    const detached = open.lines[0];
    expect(detached.to).to.match(/^aux-/);
    const result = solvePowerFlow(open, { reactiveLimits: "ignore", voltageLimits: { minPu: 0, maxPu: 2 } });
    // No load flows, but the cable's charging does: reactive power leaves the line's closed end.
    const branch = result.branches.find((b) => b.id === detached.id)!;
    expect(branch.qFromKvar).to.be.below(-1);
  });

  it("reads shunts at their rated voltage per step and gen as voltage-controlled with Q limits", () => {
    const network = parsePandapowerJson({
      ...base,
      shunt: [{ bus: 2, p_mw: 0, q_mvar: -1, vn_kv: 21, step: 2 }],
      gen: [{ bus: 2, p_mw: 1, vm_pu: 1.02, min_q_mvar: -0.5, max_q_mvar: 0.5 }],
    });
    expect(network.buses[2].shuntKvar).to.be.closeTo(2 * 1000 * (20 / 21) ** 2, 1e-9);
    expect(network.generators[0]).to.include({ vSetPu: 1.02, qMinKvar: -500, qMaxKvar: 500, pKw: 1000 });
  });
});
