// The Tor di Valle demo inputs (../shared/domain) turned into contract arguments.
import fs from "node:fs";
import { TOR_DI_VALLE_SCENARIO } from "../../protocol/src/paths";
import { kw, podId, pomId, priceMilli, VoltageLevel, COS_PHI_SCALE } from "./units";

interface RawPod {
  pod: string;
  feeder: string;
  secondarySubstation: string;
  aggregator: string;
  contractualPowerWithdrawn: number;
  contractualPowerInjected: number;
  cosPhi: number;
  maxUp: number;
  maxDown: number;
  baseline: number;
}

interface RawInputs {
  marketDayStartUtc: string;
  slot: number;
  pom: string;
  pods: RawPod[];
  offers: { pod: string; slot: number; deltaP: number; price: number }[];
  requests: {
    by: "DSO" | "TSO";
    pods?: string[];
    pom?: string;
    slot: number;
    targetP: number;
    maxPrice: number | null;
  }[];
}

/** ../shared/domain/tor-di-valle-2021-06-23.json beside the repository (protocol/src/paths.ts). */
export const TOR_DI_VALLE_FILE = TOR_DI_VALLE_SCENARIO;

export function loadTorDiValle(): RawInputs {
  return JSON.parse(fs.readFileSync(TOR_DI_VALLE_FILE, "utf8")) as RawInputs;
}

/** PodData tuple for registerPod (MV connections: the demo PoDs hang on MV feeders' secondary substations). */
export function podDataOf(p: RawPod, remunerationScheme: string) {
  return {
    voltageLevel: VoltageLevel.MV,
    contractualPowerWithdrawnKw: kw(p.contractualPowerWithdrawn),
    contractualPowerInjectedKw: kw(p.contractualPowerInjected),
    cosPhiMilli: Math.round(p.cosPhi * COS_PHI_SCALE),
    maxUpKw: kw(p.maxUp),
    maxDownKw: kw(p.maxDown),
    remunerationScheme,
  };
}

export { podId, pomId, priceMilli, kw };
