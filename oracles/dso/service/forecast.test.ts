// The forecast in the oracle's loop: the service forecasts every slot from typical profiles (the demo model's
// loads scaled to the field test's measurement), PV from irradiance and certified history where it exists, with
// its MAPE as IT_02/IT_03; and it loads its network model from a file.
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createLogger, type Deployment, type FlexGridConfig } from "../../../protocol";
import { buildTorDiValleNetwork, torDiValleNetworkInput, type Network } from "../../grid";
import { backtestMape, DayForecaster, marketDateOf, refitProfile, type HistoryDay } from "./forecast";
import { connectDsoOracle } from "./main";

const log = createLogger("forecast-test", "silent");
const ADDRESS = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const deployment = {
  network: "test",
  chainId: 31337,
  contracts: Object.fromEntries(
    ["FlexMarket", "PodRegistry", "DynamicTrafficLight"].map((name, i) => [
      name,
      { address: ADDRESS(i + 1), blockNumber: 0 },
    ]),
  ),
  accounts: {},
} as Deployment;
const config = {
  chainId: 31337,
  keys: { dsoOracle: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a" },
} as unknown as FlexGridConfig;

const flat = (date: string, kw: number, bump = 0): HistoryDay => ({
  date,
  kw: Array.from({ length: 96 }, (_, s) => kw + (s === 50 ? bump : 0)),
});

describe("DSO day forecast", function () {
  it("puts the forecast in the service: each slot of the demo day from profiles, slot 50 as measured", function () {
    const { oracle, provider } = connectDsoOracle({ config, deployment, rpcUrl: "http://127.0.0.1:9", log });
    try {
      const day = oracle.forecastOfDay("2021-06-23");
      expect(day, "the running oracle forecasts").to.not.equal(undefined);
      expect(day).to.have.length(96);
      const model = oracle.study.network.loads;
      // The field test's slot gives the model's values back; the night is lighter than midday.
      model.forEach((l, i) => expect(day![50].loadsKw[i]).to.be.closeTo(l.pKw, 1e-9));
      const total = (s: number) => day![s].loadsKw.reduce((a, b) => a + b, 0);
      expect(total(12)).to.be.lessThan(total(50));
    } finally {
      provider.destroy();
    }
  });

  it("loads the network model from a file (FlexGrid JSON) instead of the demo model", function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), "dso-net-"));
    const file = path.join(dir, "my-grid.json");
    writeFileSync(file, JSON.stringify({ ...torDiValleNetworkInput(), name: "my-grid" }));
    const { oracle, provider } = connectDsoOracle({
      config,
      deployment,
      rpcUrl: "http://127.0.0.1:9",
      networkFile: file,
      log,
    });
    try {
      expect(oracle.study.network.name).to.equal("my-grid");
    } finally {
      provider.destroy();
    }
  });

  it("forecasts PV from irradiance: nothing at night, output at noon", function () {
    const base = buildTorDiValleNetwork();
    const bus = base.loads[0].bus;
    const network: Network = {
      ...base,
      generators: [
        ...base.generators,
        { id: "pv-1", bus, pKw: 300, qKvar: 0, kind: "pv", inService: true } as Network["generators"][number],
      ],
    };
    const day = new DayForecaster(network).forecastDay("2021-06-23");
    const i = network.generators.length - 1;
    expect(day[4].generatorsKw[i]).to.equal(0);
    expect(day[44].generatorsKw[i]).to.be.within(100, 300);
  });

  it("refits a PoD from its certified history (same day type) and reports the MAPE as IT_02 / IT_03", function () {
    // Three Wednesdays and a Sunday: a Wednesday is forecast from the Wednesdays only.
    const history = [flat("2021-06-09", 100), flat("2021-06-16", 110), flat("2021-06-30", 120), flat("2021-06-13", 10)];
    const fit = refitProfile(history, "2021-06-23")!;
    expect(fit[0]).to.be.closeTo(110, 1e-9);
    expect(refitProfile([], "2021-06-23")).to.equal(undefined);
    // Leave one out over the weekdays: 115 for 100, 110 for 110, 105 for 120.
    const weekdays = history.slice(0, 3);
    const expected = (((115 - 100) / 100 + 0 + (120 - 105) / 120) / 3) * 100;
    expect(backtestMape(weekdays)).to.be.closeTo(expected, 1e-9);
    const network = buildTorDiValleNetwork();
    const pod = network.loads.find((l) => l.pod)!.pod!;
    const forecaster = new DayForecaster(network, { historyOf: (p) => (p === pod ? weekdays : []) });
    const day = forecaster.forecastDay("2021-06-23");
    const podLoads = network.loads.flatMap((l, i) => (l.pod === pod ? [i] : []));
    expect(podLoads.reduce((s, i) => s + day[10].loadsKw[i], 0)).to.be.closeTo(110, 1e-9);
    const kpis = forecaster.kpis(() => "F1");
    expect(kpis.it02CustomerMapePercent).to.be.closeTo(expected, 1e-9);
    expect(kpis.it03FeederMapePercent.F1).to.be.closeTo(expected, 1e-9);
  });

  it("dates a session by its market day in Rome (slot 0 at 22:00 UTC the day before in summer)", function () {
    expect(marketDateOf(Date.parse("2021-06-22T22:00:00Z"))).to.equal("2021-06-23");
  });
});
