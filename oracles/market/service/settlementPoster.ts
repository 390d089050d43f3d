// Posts a finalised session's settlement: FlexMarket's final awards, the PoDs' committed baselines and the
// certified readings give delivered = baseline − measured per award (settlement math), posted with the hash of the
// data set. Idempotent: awards already settled on chain are skipped, so a restart never settles twice.
import type { Signer } from "ethers";
import { keccak256, stringToBytes, type Hex } from "viem";
import { bytes32ToPodId } from "../../../protocol";
import {
  FlexMarket__factory,
  MeritOrderChallenge__factory,
  PodRegistry__factory,
  RemunerationScheme__factory,
  Settlement__factory,
} from "../../../typechain-types";
import { canonicalJson } from "../clearing/book";
import { DEFAULT_SCHEME, type SchemeParameters } from "../settlement/assessment";
import {
  settleAwards,
  SLOT_MS,
  type CertifiedReading,
  type SettlementAward,
  type SettlementRow,
} from "../settlement/settlement";

const DOWN = 1n;
const W_PER_KW = 1000;

export interface SettlementAddresses {
  market: string;
  registry: string;
  challenge: string;
  schemes: string;
  settlement: string;
}

export interface SettlementReport {
  sessionId: bigint;
  final: boolean;
  settled: SettlementRow[];
  alreadySettled: number[];
  datasetHash?: Hex;
  txHash?: string;
}

/**
 * Settles what is not settled yet of a final session. `readings` are the session day's readings with whether the
 * BAL certified them (anchored, signature and key checked); only certified ones count.
 * UNFINISHED: the readings come from the caller (the BAL/SCD read side is the bal part's); the service loop that
 * runs this after each delivery day is not in `npm start` yet.
 */
export async function settleSession(
  sessionId: bigint,
  readings: readonly CertifiedReading[],
  addresses: SettlementAddresses,
  operator: Signer,
): Promise<SettlementReport> {
  const market = FlexMarket__factory.connect(addresses.market, operator);
  const registry = PodRegistry__factory.connect(addresses.registry, operator);
  const challenge = MeritOrderChallenge__factory.connect(addresses.challenge, operator);
  const settlement = Settlement__factory.connect(addresses.settlement, operator);
  const report: SettlementReport = { sessionId, final: false, settled: [], alreadySettled: [] };
  if (!(await challenge.isFinal(sessionId))) return report;
  report.final = true;

  const session = await market.session(sessionId);
  const dayStartMs = Number(session.dayStartTime) * 1000;
  const awards: SettlementAward[] = [];
  const baselines = new Map<string, number[]>();
  const schemeOfPod = new Map<string, SchemeParameters>();
  for (const a of await market.awardsOf(sessionId)) {
    const index = Number(a.awardIndex);
    if (a.finalQuantityKw === 0n) continue;
    if (await settlement.isSettled(sessionId, index)) {
      report.alreadySettled.push(index);
      continue;
    }
    const pod = bytes32ToPodId(a.podId as Hex);
    if (!baselines.has(pod)) {
      const events = await registry.queryFilter(registry.filters.BaselineSubmitted(a.podId, session.day));
      baselines.set(
        pod,
        (events.at(-1)?.args.valuesKw ?? []).map((kw) => Number(kw) * W_PER_KW),
      );
      // The scheme the registry recorded for the award's registration at gate closure (later changes apply to
      // later sessions only, as on chain).
      const scheme = await registry.remunerationSchemeAt(a.registrationIndex, session.gateClosureTime);
      const p =
        scheme === "0x0000000000000000000000000000000000000000"
          ? DEFAULT_SCHEME
          : await RemunerationScheme__factory.connect(scheme, operator).parameters();
      schemeOfPod.set(pod, {
        toleranceBps: Number(p.toleranceBps),
        rewardShareBps: Number(p.rewardShareBps),
        penaltyBps: Number(p.penaltyBps),
      });
    }
    const kw = Number(a.finalQuantityKw);
    awards.push({
      sessionId: sessionId.toString(),
      awardIndex: index,
      pod,
      slot: Number(a.slotIndex),
      slotStartMs: dayStartMs + Number(a.slotIndex) * SLOT_MS,
      powerW: (a.direction === DOWN ? -kw : kw) * W_PER_KW,
      paymentMicroEur: kw * Number(a.priceMilliEurPerKw) * 1000,
    });
  }
  if (awards.length === 0) return report;
  const rows = settleAwards({
    awards,
    readings,
    baselineW: (pod, slot) => baselines.get(pod)?.[slot] ?? 0,
    schemeOf: (pod) => schemeOfPod.get(pod) ?? DEFAULT_SCHEME,
  });
  // The data set the settlement rests on: the certified readings of the awarded PoDs and their baselines.
  const awarded = new Set(awards.map((a) => a.pod));
  const dataset = {
    sessionId: sessionId.toString(),
    baselinesW: Object.fromEntries([...baselines].filter(([pod]) => awarded.has(pod))),
    readings: readings.filter((r) => r.certified && awarded.has(r.measurement.pod)).map((r) => r.measurement),
  };
  report.datasetHash = keccak256(stringToBytes(canonicalJson(dataset)));
  const tx = await settlement.settle(
    sessionId,
    report.datasetHash,
    rows.map((r) => ({ awardIndex: r.awardIndex, deliveredW: BigInt(r.deliveredW) })),
  );
  report.txHash = (await tx.wait())!.hash;
  report.settled = rows;
  return report;
}
