// The two-feeder model of the Tor di Valle demo (primary substation CP-IRLANDESE, feeders Mostacciano at 20 kV
// and Nanchino at 8.4 kV). areti's real model is not public: this one is plausible and built so the field test
// of 23 June 2021, slot 50, replays: with the PoDs at their baselines the Mostacciano head cable carries about
// 259.5 A against 212.80 A, and the spur to secondary substation 12157 on Nanchino is limited to 19.60 A, so a
// +500 kW TSO award on PoD IT002E60550189 overloads it. Loads hold their slot-50 values.
import { parseNetwork, type Network, type NetworkInput } from "../model";
import { cableLine } from "./rome";
import type { CalibrationParameter, Measurement } from "../calibration";
import { GridModelError } from "../errors";

export const TOR_DI_VALLE_POM = "CP-IRLANDESE";

/** The demo's PoDs with their secondary substation, feeder and slot-50 baseline (kW) at cos φ 0.9. */
export const TOR_DI_VALLE_PODS = [
  { pod: "IT002E61899978", feeder: "Mostacciano", secondarySubstation: "81823", baselineKw: 2278.545 },
  { pod: "IT002E60976796", feeder: "Mostacciano", secondarySubstation: "80598", baselineKw: 312.145 },
  { pod: "IT002E60974469", feeder: "Mostacciano", secondarySubstation: "80586", baselineKw: 4557.09 },
  { pod: "IT002E60499620", feeder: "Nanchino", secondarySubstation: "12150", baselineKw: 10.092 },
  { pod: "IT002E60550189", feeder: "Nanchino", secondarySubstation: "12157", baselineKw: 70.38 },
] as const;

/** The branches the field test is about. */
export const MOSTACCIANO_CONGESTED_BRANCH = "MOS/head";
export const NANCHINO_LIMITED_BRANCH = "NAN/spur-12157";

/**
 * Background demand of the LV customers under each secondary substation at slot 50 (kW, cos φ 0.95).
 * Mostacciano's were scaled once so that the head cable carries 259.54 A with the PoDs at baseline (the
 * figure of the DSO's request in the field report); the test checks it.
 */
export const MOSTACCIANO_BACKGROUND_SCALE = 1.709022;
const MOSTACCIANO_SUBSTATIONS: {
  code: string;
  backgroundKw: number;
  parent: string;
  cable: Parameters<typeof cableLine>[3];
  km: number;
}[] = [
  { code: "80580", backgroundKw: 120, parent: "MOS/J1", cable: "Al 3x1x185 mm2", km: 0.45 },
  { code: "80586", backgroundKw: 60, parent: "80580", cable: "Al 3x1x185 mm2", km: 0.6 },
  { code: "80591", backgroundKw: 95, parent: "80586", cable: "Al 3x1x150 mm2", km: 0.35 },
  { code: "80598", backgroundKw: 80, parent: "80591", cable: "Al 3x1x150 mm2", km: 0.4 },
  { code: "81810", backgroundKw: 110, parent: "MOS/J1", cable: "Al 3x1x150 mm2", km: 0.5 },
  { code: "81823", backgroundKw: 70, parent: "81810", cable: "Al 3x1x150 mm2", km: 0.55 },
  { code: "81830", backgroundKw: 90, parent: "81823", cable: "Al 3x1x95 mm2", km: 0.3 },
];
const NANCHINO_SUBSTATIONS: {
  code: string;
  backgroundKw: number;
  parent: string;
  cable: Parameters<typeof cableLine>[3];
  km: number;
}[] = [
  { code: "12140", backgroundKw: 180, parent: "NAN/J1", cable: "Al 3x1x150 mm2", km: 0.4 },
  { code: "12145", backgroundKw: 150, parent: "12140", cable: "Al 3x1x150 mm2", km: 0.35 },
  { code: "12150", backgroundKw: 140, parent: "12145", cable: "Al 3x1x95 mm2", km: 0.5 },
  { code: "12155", backgroundKw: 160, parent: "12150", cable: "Al 3x1x95 mm2", km: 0.3 },
  // 12157 hangs off 12155 through the limited spur (see below).
  { code: "12157", backgroundKw: 35, parent: "12155", cable: "Cu 3x35 mm2 (paper)", km: 0.25 },
  { code: "12160", backgroundKw: 130, parent: "12155", cable: "Al 3x1x95 mm2", km: 0.45 },
];

const TAN_PHI_09 = Math.tan(Math.acos(0.9));
const TAN_PHI_095 = Math.tan(Math.acos(0.95));

export function torDiValleNetworkInput(mostaccianoBackgroundScale = MOSTACCIANO_BACKGROUND_SCALE): NetworkInput {
  const hv = `${TOR_DI_VALLE_POM}/HV`;
  const mv20 = `${TOR_DI_VALLE_POM}/MV20`;
  const mv84 = `${TOR_DI_VALLE_POM}/MV8.4`;
  const input: NetworkInput = {
    name: "tor-di-valle",
    baseMva: 10,
    buses: [
      { id: hv, name: "Tor di Valle 150 kV busbar", nominalKv: 150 },
      { id: mv20, name: "Tor di Valle 20 kV busbar", nominalKv: 20 },
      { id: mv84, name: "Tor di Valle 8.4 kV busbar", nominalKv: 8.4 },
      { id: "MOS/J1", name: "Mostacciano junction", nominalKv: 20 },
      { id: "NAN/J1", name: "Nanchino junction", nominalKv: 8.4 },
    ],
    transformers: [
      {
        id: `${TOR_DI_VALLE_POM}/TR1`,
        hvBus: hv,
        lvBus: mv20,
        ratedMva: 40,
        vkPercent: 13,
        vkrPercent: 0.35,
        tapRatio: 0.975,
      },
      {
        id: `${TOR_DI_VALLE_POM}/TR2`,
        hvBus: hv,
        lvBus: mv84,
        ratedMva: 16,
        vkPercent: 10,
        vkrPercent: 0.5,
        tapRatio: 0.975,
      },
    ],
    lines: [
      // An old section at the head of Mostacciano, derated by its laying conditions to 212.80 A.
      { ...cableLine(MOSTACCIANO_CONGESTED_BRANCH, mv20, "MOS/J1", "Cu 3x1x70 mm2", 1.2), ampacityA: 212.8 },
      cableLine("NAN/head", mv84, "NAN/J1", "Al 3x1x240 mm2", 0.8),
    ],
    switches: [],
    loads: [],
    slacks: [{ bus: hv, vPu: 1.0 }],
    primarySubstations: [{ id: TOR_DI_VALLE_POM, name: "Tor di Valle", hvBus: hv }],
    feeders: [
      {
        id: "Mostacciano",
        name: "Mostacciano (20 kV)",
        primarySubstation: TOR_DI_VALLE_POM,
        headBranch: MOSTACCIANO_CONGESTED_BRANCH,
      },
      { id: "Nanchino", name: "Nanchino (8.4 kV)", primarySubstation: TOR_DI_VALLE_POM, headBranch: "NAN/head" },
    ],
  };
  const addSubstations = (list: typeof MOSTACCIANO_SUBSTATIONS, kv: number, scale: number) => {
    for (const ss of list) {
      input.buses.push({
        id: ss.code,
        name: `secondary substation ${ss.code}`,
        nominalKv: kv,
        secondarySubstation: ss.code,
      });
      const parent = ss.parent;
      const prefix = kv === 20 ? "MOS" : "NAN";
      const id =
        ss.code === "12157" ? NANCHINO_LIMITED_BRANCH : `${prefix}/${parent.replace(`${prefix}/`, "")}-${ss.code}`;
      const line = cableLine(id, parent, ss.code, ss.cable, ss.km);
      // The spur to 12157 is protected at 19.60 A (the limit of the field report).
      input.lines!.push(ss.code === "12157" ? { ...line, ampacityA: 19.6 } : line);
      const pKw = ss.backgroundKw * scale;
      input.loads!.push({ id: `lv-${ss.code}`, bus: ss.code, pKw, qKvar: pKw * TAN_PHI_095, kind: "transformer" });
    }
  };
  addSubstations(MOSTACCIANO_SUBSTATIONS, 20, mostaccianoBackgroundScale);
  addSubstations(NANCHINO_SUBSTATIONS, 8.4, 1);
  for (const pod of TOR_DI_VALLE_PODS)
    input.loads!.push({
      id: `pod-${pod.pod}`,
      bus: pod.secondarySubstation,
      pKw: pod.baselineKw,
      qKvar: pod.baselineKw * TAN_PHI_09,
      pod: pod.pod,
      kind: "commercial",
    });
  return input;
}

/**
 * The Tor di Valle demo network with its loads at the 23 June 2021 slot-50 values; `podPowersKw` replaces
 * some PoDs' consumption (kW, load convention, reactive power at their cos φ 0.9).
 */
export function buildTorDiValleNetwork(podPowersKw: Record<string, number> = {}): Network {
  const input = torDiValleNetworkInput();
  input.loads = input.loads!.map((load) => {
    const pKw = load.pod !== undefined ? podPowersKw[load.pod] : undefined;
    return pKw === undefined ? load : { ...load, pKw, qKvar: pKw * TAN_PHI_09 };
  });
  return parseNetwork(input);
}

/**
 * The demo's calibration problem: the model's guesses (HV busbar voltage, background load behind each feeder) and
 * the field test's published measurement, the Mostacciano head current of the DSO's request ("259.54 A against a
 * 212.80 A limit"), read from the scenario file's request. `background` is the unscaled model the fit starts from.
 */
export function torDiValleCalibrationProblem(scenario: { requests: { why?: string }[] }): {
  background: Network;
  parameters: CalibrationParameter[];
  measurements: Measurement[];
  publishedLimitsA: { branch: string; limitA: number }[];
} {
  const why = scenario.requests.map((r) => r.why ?? "").find((w) => / A against a /.test(w));
  const match = why && /([\d.]+) A against a ([\d.]+) A limit/.exec(why);
  if (!match) throw new GridModelError("the scenario's DSO request states no head current", "requests");
  const background = parseNetwork(torDiValleNetworkInput(1));
  const lvLoads = (prefix: "MOS" | "NAN") =>
    (prefix === "MOS" ? MOSTACCIANO_SUBSTATIONS : NANCHINO_SUBSTATIONS).map((ss) => `lv-${ss.code}`);
  return {
    background,
    parameters: [
      {
        id: "hv-busbar-voltage",
        kind: "slackVoltage",
        bus: `${TOR_DI_VALLE_POM}/HV`,
        min: 0.95,
        max: 1.05,
        prior: { value: 1, sigma: 0.01 },
      },
      {
        id: "background-Mostacciano",
        kind: "loadScale",
        loads: lvLoads("MOS"),
        min: 0.2,
        max: 4,
        prior: { value: 1, sigma: 1 },
      },
      {
        id: "background-Nanchino",
        kind: "loadScale",
        loads: lvLoads("NAN"),
        min: 0.2,
        max: 4,
        prior: { value: 1, sigma: 0.2 },
      },
    ],
    // A SCADA feeder-head current is good to about half an ampere.
    measurements: [{ kind: "current", element: MOSTACCIANO_CONGESTED_BRANCH, value: Number(match[1]), sigma: 0.5 }],
    publishedLimitsA: [{ branch: MOSTACCIANO_CONGESTED_BRANCH, limitA: Number(match[2]) }],
  };
}
