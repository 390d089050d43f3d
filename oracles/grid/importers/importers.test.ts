// Checks that the MATPOWER and pandapower importers read the same physical network the FlexGrid model holds.
import { expect } from "chai";
import { parseMatpowerCase } from "./matpower";
import { parsePandapowerJson } from "./pandapower";
import { parseCase } from "./load";
import { solvePowerFlow } from "../powerflow";
import { GridImportError, GridValidationError } from "../errors";

const matpowerInPu = `
mpc.baseMVA = 10;
mpc.bus = [
  1 3 0   0    0 0 1 1 0 12.66 1 1   1;
  2 1 0.1 0.06 0 0 1 1 0 12.66 1 1.1 0.9;
];
mpc.gen = [ 1 0 0 10 -10 1 100 1 10 0; ];
mpc.branch = [ 1 2 0.0922 0.0470 0 0 0 0 0 0 1 -360 360; ];
`;

describe("parseMatpowerCase", () => {
  it("reads per-unit branches into ohms on the bus base voltage", () => {
    const network = parseMatpowerCase(matpowerInPu);
    const zBase = 12.66 ** 2 / 10;
    expect(network.lines[0].rOhm).to.be.closeTo(0.0922 * zBase, 1e-12);
    expect(network.loads[0]).to.include({ bus: "2", pKw: 100, qKvar: 60 });
    expect(network.slacks[0]).to.include({ bus: "1", vPu: 1 });
  });

  it("applies the ohm and kW conversions that MATPOWER's distribution cases carry as code", () => {
    const inOhms =
      matpowerInPu.replace("0.1 0.06", "100 60") +
      `
define_constants;
Vbase = mpc.bus(1, BASE_KV) * 1e3;
Sbase = mpc.baseMVA * 1e6;
mpc.branch(:, [BR_R BR_X]) = mpc.branch(:, [BR_R BR_X]) / (Vbase^2 / Sbase);
mpc.bus(:, [PD, QD]) = mpc.bus(:, [PD, QD]) / 1e3;
`;
    const network = parseMatpowerCase(inOhms);
    expect(network.lines[0].rOhm).to.be.closeTo(0.0922, 1e-12);
    expect(network.loads[0].pKw).to.equal(100);
  });

  it("rejects a case without a branch matrix", () => {
    expect(() =>
      parseMatpowerCase("mpc.baseMVA = 10; mpc.bus = [1 3 0 0 0 0 1 1 0 20 1 1 1;]; mpc.gen = [];"),
    ).to.throw(GridImportError, /mpc.branch/);
  });
});

describe("parsePandapowerJson", () => {
  const records = {
    name: "pp-test",
    sn_mva: 1,
    f_hz: 50,
    bus: [
      { name: "HV", vn_kv: 150 },
      { name: "MV", vn_kv: 20 },
      { name: "MV2", vn_kv: 20 },
      { name: "MV3", vn_kv: 20 },
    ],
    ext_grid: [{ bus: 0, vm_pu: 1.02, va_degree: 0 }],
    trafo: [
      {
        hv_bus: 0,
        lv_bus: 1,
        sn_mva: 25,
        vn_hv_kv: 150,
        vn_lv_kv: 20,
        vk_percent: 12,
        vkr_percent: 0.4,
        tap_pos: 0,
        tap_neutral: 0,
        tap_step_percent: 1.25,
        shift_degree: 0,
      },
    ],
    line: [
      {
        from_bus: 1,
        to_bus: 2,
        length_km: 2,
        r_ohm_per_km: 0.164,
        x_ohm_per_km: 0.11,
        c_nf_per_km: 300,
        max_i_ka: 0.36,
      },
      {
        from_bus: 2,
        to_bus: 3,
        length_km: 1,
        r_ohm_per_km: 0.32,
        x_ohm_per_km: 0.12,
        c_nf_per_km: 250,
        max_i_ka: 0.23,
      },
    ],
    switch: [],
    load: [
      { bus: 2, p_mw: 1.5, q_mvar: 0.5, name: "IT002E00000001" },
      { bus: 3, p_mw: 0.8, q_mvar: 0.3 },
    ],
    sgen: [{ bus: 3, p_mw: 0.2, q_mvar: 0 }],
  };
  /** The same net the way pandapower's to_json writes it: DataFrames in split orientation. */
  const split = (rows: Record<string, unknown>[]) => {
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    return {
      _module: "pandas.core.frame",
      _class: "DataFrame",
      _object: JSON.stringify({
        columns,
        index: rows.map((_, i) => i),
        data: rows.map((r) => columns.map((c) => r[c] ?? null)),
      }),
      orient: "split",
    };
  };

  it("reads record tables into physical units", () => {
    const network = parsePandapowerJson(records);
    expect(network.lines[0].rOhm).to.be.closeTo(0.328, 1e-12);
    expect(network.lines[0].bMicroS).to.be.closeTo(2 * Math.PI * 50 * 300e-9 * 2 * 1e6, 1e-9);
    expect(network.lines[0].ampacityA).to.be.closeTo(360, 1e-9);
    expect(network.loads[0].pod).to.equal("IT002E00000001");
    expect(network.slacks[0]).to.include({ bus: "0", vPu: 1.02 });
  });

  it("reads pandapower's own to_json layout the same way, and both solve alike", () => {
    const wrapped = {
      _module: "pandapower.auxiliary",
      _class: "pandapowerNet",
      _object: {
        ...Object.fromEntries(
          Object.entries(records).map(([k, v]) => [
            k,
            Array.isArray(v) && v.length > 0 ? split(v as Record<string, unknown>[]) : v,
          ]),
        ),
      },
    };
    const a = solvePowerFlow(parsePandapowerJson(records));
    const b = solvePowerFlow(parseCase(JSON.stringify(wrapped), "net.json"));
    expect(b.totals.lossKw).to.be.closeTo(a.totals.lossKw, 1e-9);
    expect(b.minVoltage.vPu).to.be.closeTo(a.minVoltage.vPu, 1e-12);
    expect(a.totals.lossKw).to.be.above(0);
  });

  it("drops a line that an open switch leaves feeding only an empty bus, and refuses one that leaves a load unsupplied", () => {
    const network = parsePandapowerJson({
      ...records,
      switch: [{ bus: 2, element: 1, et: "l", closed: false }],
      load: [records.load[0]],
      sgen: [],
    });
    expect(network.lines.map((l) => l.id)).to.deep.equal(["line-0"]);
    expect(network.buses.map((b) => b.id)).to.not.include("3");
    expect(() =>
      parsePandapowerJson({ ...records, switch: [{ bus: 2, element: 1, et: "l", closed: false }], sgen: [] }),
    ).to.throw(GridImportError, /load-1.*unsupplied/);
  });
});

describe("parseCase", () => {
  it("rejects a FlexGrid model with a bad field, naming the field", () => {
    const bad = JSON.stringify({ buses: [{ id: "A", nominalKv: -20 }], slacks: [{ bus: "A" }] });
    expect(() => parseCase(bad, "bad.json")).to.throw(GridValidationError, /buses\.0\.nominalKv/);
  });
});
