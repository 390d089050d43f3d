// Shared fixture of the settlement contracts on the real market: the platform (roles, PodRegistry, FlexMarket),
// the Tor di Valle PoDs plus one more DSO PoD, a day-ahead session with their offers and requests for slot 50,
// and the challenge, scheme factory and settlement. Awards are posted by each test (right or wrong).
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { dayAheadSchedule, deployPlatform, deltaRequest, singleSlotOffer, type Platform } from "../helpers/platform";
import type { RemunerationScheme } from "../../typechain-types";
import { loadTorDiValle, podDataOf } from "../helpers/torDiValle";
import { Direction, SessionKind, perimeterId, podId, pomId, Verdict } from "../helpers/units";

export const SLOT = 50;
const TDV = loadTorDiValle();
export const POM = pomId(TDV.pom);

export const POD = {
  p978: podId("IT002E61899978"),
  p469: podId("IT002E60974469"),
  p796: podId("IT002E60976796"),
  p189: podId("IT002E60550189"),
  p001: podId("IT002E00000001"),
} as const;

type Steps = { quantityKw: number; priceMilliEurPerKw: number }[];
/** The offers (kW, milli-EUR/kW): Tor di Valle's three plus a cheap one on 796 and a dear one on 001. */
export const CURVES: Record<
  "o978" | "o469" | "o189" | "o796" | "o001",
  { pod: string; direction: number; steps: Steps }
> = {
  o978: { pod: POD.p978, direction: Direction.Down, steps: [{ quantityKw: 1000, priceMilliEurPerKw: 10 }] },
  o469: { pod: POD.p469, direction: Direction.Down, steps: [{ quantityKw: 500, priceMilliEurPerKw: 30 }] },
  o189: { pod: POD.p189, direction: Direction.Up, steps: [{ quantityKw: 500, priceMilliEurPerKw: 70 }] },
  o796: { pod: POD.p796, direction: Direction.Down, steps: [{ quantityKw: 100, priceMilliEurPerKw: 20 }] },
  o001: { pod: POD.p001, direction: Direction.Down, steps: [{ quantityKw: 50, priceMilliEurPerKw: 40 }] },
};
/** Offer ids in submission order. */
export const OFFER_ID = { o978: 1n, o469: 2n, o189: 3n, o796: 4n, o001: 5n } as const;
export const DSO_PODS = [POD.p978, POD.p469, POD.p796, POD.p001];
export const DSO_REQUEST_ID = 1n;
export const TSO_REQUEST_ID = 2n;

const award = (offer: keyof typeof OFFER_ID, requestId: bigint, quantityKw: number, price: number) => ({
  offerId: OFFER_ID[offer],
  requestId,
  slotIndex: SLOT,
  quantityKw,
  priceMilliEurPerKw: price,
});

/**
 * The merit order (kW): DSO need 1,377 down: 978 (0.01) 1,000, 796 (0.02) 100, 469 (0.03) 277 (marginal, price
 * 30 milli-EUR/kW); 001 (0.04) rejected. TSO need 272 up: 189 at 0.07.
 */
export const RIGHT_AWARDS = [
  award("o978", DSO_REQUEST_ID, 1000, 30),
  award("o796", DSO_REQUEST_ID, 100, 30),
  award("o469", DSO_REQUEST_ID, 277, 30),
  award("o189", TSO_REQUEST_ID, 272, 70),
];
/** A wrong result: 796's cheaper offer left out, 469 takes 377 kW. */
export const WRONG_AWARDS = [
  award("o978", DSO_REQUEST_ID, 1000, 30),
  award("o469", DSO_REQUEST_ID, 377, 30),
  award("o189", TSO_REQUEST_ID, 272, 70),
];

/** `beforeGateClosure` runs once the schemes are set up, while the session is still open. */
export async function deploySettlementFixture(
  beforeGateClosure?: (f: { schemes: Record<"s1" | "s2", RemunerationScheme> } & Platform) => Promise<void>,
) {
  const p = await deployPlatform();
  const signers = await ethers.getSigners();
  const [customer1, customer2, customer3] = signers.slice(8, 11);
  const aggregators: Record<string, typeof p.aggregator> = { ACEAE: p.aggregator, ACEAE_2: p.aggregator2 };
  const pods = [...TDV.pods, { ...TDV.pods[0], pod: "IT002E00000001", aggregator: "ACEAE" }];
  for (const pod of pods) {
    await p.registry
      .connect(aggregators[pod.aggregator])
      .registerPod(podId(pod.pod), podDataOf(pod, ethers.ZeroAddress));
    await p.registry.connect(p.dso).confirmQualification(podId(pod.pod));
  }
  await p.registry.connect(p.dsoOracle).mapPodsToPoms(
    pods.map((x) => podId(x.pod)),
    pods.map(() => POM),
  );
  // Perimeters: one per MV feeder, so a local service on Mostacciano leaves Nanchino open to the TSO.
  for (const feeder of ["Mostacciano", "Nanchino"]) {
    const members = pods.filter((x) => x.feeder === feeder).map((x) => podId(x.pod));
    await p.trafficLight.connect(p.dso).definePerimeter(perimeterId(feeder), members);
  }
  const s = await dayAheadSchedule();
  await p.market
    .connect(p.marketOperator)
    .createSession(SessionKind.DayAhead, s.day, 0, s.dayStartTime, s.openingTime, s.gateClosureTime);
  const sessionId = await p.market.sessionCount();
  await time.increaseTo(s.openingTime);
  // Baselines (whole kW, flat over the day) from the field test, committed by each PoD's aggregator.
  for (const pod of pods)
    await p.registry
      .connect(aggregators[pod.aggregator])
      .submitBaseline(podId(pod.pod), s.day, Array<number>(96).fill(Math.round(pod.baseline)));
  await p.market.connect(p.dsoOracle).submitDsoRequest(sessionId, DSO_PODS, deltaRequest(SLOT, -1377, 100));
  await p.market.connect(p.tso).submitTsoRequest(sessionId, POM, deltaRequest(SLOT, 272));
  for (const c of Object.values(CURVES)) {
    const owner = aggregators[pods.find((x) => podId(x.pod) === c.pod)!.aggregator];
    await p.market.connect(owner).submitOffer(singleSlotOffer(sessionId, c.pod, SLOT, c.direction, c.steps));
  }

  const registryAddress = await p.roles.getAddress();
  const challenge = await ethers.deployContract("MeritOrderChallenge", [await p.market.getAddress()]);
  const factory = await ethers.deployContract("RemunerationSchemeFactory", [
    registryAddress,
    await p.registry.getAddress(),
  ]);
  const settlement = await ethers.deployContract("Settlement", [
    registryAddress,
    await challenge.getAddress(),
    await factory.getAddress(),
  ]);
  await p.registry.setSchemeFactory(await factory.getAddress());
  await p.market.setChallenge(await challenge.getAddress());
  const token = await ethers.getContractAt("RewardToken", await settlement.rewardToken());
  // Before gate closure each aggregator enrols its own PoDs: 978→customer 1, 469→customer 2, 189→customer 3
  // (ACEAE, default scheme); 796→customer 3 (ACEAE_2, its own scheme). Terms in force at gate closure settle.
  const s1 = await createScheme(factory, p.aggregator, DEFAULT_PARAMETERS);
  const s2 = await createScheme(factory, p.aggregator2, CUSTOM_PARAMETERS);
  await s1.connect(p.aggregator).enrolPod(POD.p978, customer1.address);
  await s1.connect(p.aggregator).enrolPod(POD.p469, customer2.address);
  await s1.connect(p.aggregator).enrolPod(POD.p189, customer3.address);
  await s2.connect(p.aggregator2).enrolPod(POD.p796, customer3.address);
  const schemes = { s1, s2 };
  if (beforeGateClosure) await beforeGateClosure({ ...p, schemes });
  await time.increaseTo(s.gateClosureTime);
  return { ...p, ...s, sessionId, customer1, customer2, customer3, challenge, factory, settlement, token, schemes };
}

/** The factory's default (±30 %, all to the customer, 50 % penalty) and ACEAE_2's own scheme. */
export const DEFAULT_PARAMETERS = { toleranceBps: 3000, rewardShareBps: 10000, penaltyBps: 5000 };
export const CUSTOM_PARAMETERS = { toleranceBps: 2000, rewardShareBps: 6000, penaltyBps: 2500 };

export type SettlementFixture = Awaited<ReturnType<typeof deploySettlementFixture>>;

/** The operator posts `awards` and seals the clearing (session Cleared). */
export async function postAndSeal(f: SettlementFixture, awards: typeof RIGHT_AWARDS) {
  await f.market.connect(f.marketOperator).postAwards(f.sessionId, ethers.id("inputs of session 1"), awards);
  await f.market.connect(f.marketOperator).sealClearing(f.sessionId);
}

/** The DSO oracle validates every award OK (session Finalised). */
export async function validateAll(f: SettlementFixture, count: number) {
  await f.market.connect(f.dsoOracle).postValidations(
    f.sessionId,
    Array.from({ length: count }, (_, i) => ({
      awardIndex: i,
      verdict: Verdict.Ok,
      reducedQuantityKw: 0,
      reasonCode: 0,
    })),
  );
}

/** Creates a scheme for `aggregator` with `parameters` and returns it. */
export async function createScheme(
  factory: import("../../typechain-types").RemunerationSchemeFactory,
  aggregator: import("@nomicfoundation/hardhat-ethers/signers").HardhatEthersSigner,
  parameters: { toleranceBps: number; rewardShareBps: number; penaltyBps: number },
) {
  const address = await factory.connect(aggregator).createScheme.staticCall(parameters);
  await factory.connect(aggregator).createScheme(parameters);
  return ethers.getContractAt("RemunerationScheme", address);
}
