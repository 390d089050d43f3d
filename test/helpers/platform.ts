// Fixtures: the whole market platform deployed with its roles granted, plus builders for common inputs.
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ROLES } from "./roles";
import { DAY_SECONDS, Direction, OfferKind, SessionKind, TargetKind, VoltageLevel, NO_PRICE_CAP, podId } from "./units";

export async function deployPlatform() {
  const [admin, dso, dsoOracle, tso, marketOperator, aggregator, aggregator2, stranger] = await ethers.getSigners();
  const roles = await ethers.deployContract("RoleRegistry", [admin.address]);
  const rolesAddress = await roles.getAddress();
  const registry = await ethers.deployContract("PodRegistry", [rolesAddress]);
  const market = await ethers.deployContract("FlexMarket", [rolesAddress, await registry.getAddress()]);
  const trafficLight = await ethers.deployContract("DynamicTrafficLight", [rolesAddress, await market.getAddress()]);
  const notary = await ethers.deployContract("MarketDataNotary", [rolesAddress]);
  await roles.grantRole(ROLES.DSO, dso.address);
  await roles.grantRole(ROLES.DSO_ORACLE, dsoOracle.address);
  await roles.grantRole(ROLES.TSO, tso.address);
  await roles.grantRole(ROLES.MARKET_OPERATOR, marketOperator.address);
  await roles.grantRoleBatch(ROLES.AGGREGATOR, [aggregator.address, aggregator2.address]);
  await registry.setCalendar(await market.getAddress());
  await market.setTrafficLight(await trafficLight.getAddress());
  return {
    roles,
    registry,
    market,
    trafficLight,
    notary,
    admin,
    dso,
    dsoOracle,
    tso,
    marketOperator,
    aggregator,
    aggregator2,
    stranger,
  };
}

export type Platform = Awaited<ReturnType<typeof deployPlatform>>;

/** Deploys the remuneration-scheme factory, points the registry at it and creates one default scheme for
 * `aggregator` (registry schemes must be the factory's, owned by the PoD's aggregator). */
export async function deploySchemeFor(p: Platform, aggregator: HardhatEthersSigner = p.aggregator) {
  const factory = await ethers.deployContract("RemunerationSchemeFactory", [
    await p.roles.getAddress(),
    await p.registry.getAddress(),
  ]);
  await p.registry.setSchemeFactory(await factory.getAddress());
  const parameters = { toleranceBps: 3000, rewardShareBps: 10000, penaltyBps: 5000 };
  const scheme = await factory.connect(aggregator).createScheme.staticCall(parameters);
  await factory.connect(aggregator).createScheme(parameters);
  return { factory, scheme };
}

/** A plausible MV PoD: 1 MW withdrawn, 200 kW injected, 300 kW up, 500 kW down. */
export function podData(overrides: Partial<ReturnType<typeof basePodData>> = {}) {
  return { ...basePodData(), ...overrides };
}

function basePodData() {
  return {
    voltageLevel: VoltageLevel.MV as number,
    contractualPowerWithdrawnKw: 1000,
    contractualPowerInjectedKw: 200,
    cosPhiMilli: 900,
    maxUpKw: 300,
    maxDownKw: 500,
    remunerationScheme: ethers.ZeroAddress,
  };
}

export const POD_A = podId("IT002E00000001");
export const POD_B = podId("IT002E00000002");

/** Registers and confirms a PoD for `aggregator`. */
export async function registerQualifiedPod(
  p: Platform,
  id: string,
  aggregator: HardhatEthersSigner = p.aggregator,
  data = podData(),
) {
  await p.registry.connect(aggregator).registerPod(id, data);
  await p.registry.connect(p.dso).confirmQualification(id);
}

/** Times of a day-ahead session for the day after tomorrow (local midnight = 22:00 UTC the day before). */
export async function dayAheadSchedule() {
  const now = await time.latest();
  const day = Math.floor(now / DAY_SECONDS) + 2;
  const dayStartTime = day * DAY_SECONDS - 2 * 3600;
  const openingTime = now + 3600;
  const gateClosureTime = dayStartTime - 10 * 3600;
  return { day, dayStartTime, openingTime, gateClosureTime };
}

/** Creates the day-ahead session (not yet open). */
export async function createDayAheadSession(p: Platform) {
  const s = await dayAheadSchedule();
  await p.market
    .connect(p.marketOperator)
    .createSession(SessionKind.DayAhead, s.day, 0, s.dayStartTime, s.openingTime, s.gateClosureTime);
  const sessionId = await p.market.sessionCount();
  return { sessionId, ...s };
}

/** Platform + two qualified PoDs (A for aggregator, B for aggregator2) + an open day-ahead session. */
export async function deployOpenSession() {
  const p = await deployPlatform();
  await registerQualifiedPod(p, POD_A, p.aggregator);
  await registerQualifiedPod(p, POD_B, p.aggregator2);
  const s = await createDayAheadSession(p);
  await time.increaseTo(s.openingTime);
  return { ...p, ...s };
}

export type OpenSession = Awaited<ReturnType<typeof deployOpenSession>>;

export function singleSlotOffer(
  sessionId: bigint,
  pod: string,
  slot: number,
  direction: number,
  steps: { quantityKw: number; priceMilliEurPerKw: number }[],
) {
  return {
    sessionId,
    podId: pod,
    kind: OfferKind.SingleSlot,
    direction,
    firstSlot: slot,
    lastSlot: slot,
    energyKwh: 0,
    steps,
  };
}

export function blockOffer(
  sessionId: bigint,
  pod: string,
  firstSlot: number,
  lastSlot: number,
  energyKwh: number,
  direction: number,
  steps: { quantityKw: number; priceMilliEurPerKw: number }[],
) {
  return { sessionId, podId: pod, kind: OfferKind.Block, direction, firstSlot, lastSlot, energyKwh, steps };
}

export function deltaRequest(slotIndex: number, targetPowerKw: number, maxPriceMilliEurPerKw = NO_PRICE_CAP) {
  return {
    slotIndex,
    targetKind: TargetKind.Delta,
    direction: targetPowerKw < 0 ? Direction.Down : Direction.Up,
    targetPowerKw,
    maxPriceMilliEurPerKw,
  };
}

export function absoluteRequest(slotIndex: number, direction: number, targetPowerKw: number, maxPrice = NO_PRICE_CAP) {
  return { slotIndex, targetKind: TargetKind.Absolute, direction, targetPowerKw, maxPriceMilliEurPerKw: maxPrice };
}

/** Returns the id from the N-th counter after a submit (offers/requests are numbered from 1). */
export async function lastOfferId(p: Platform): Promise<bigint> {
  return (await p.market.entryCounts())[1];
}

export async function lastRequestId(p: Platform): Promise<bigint> {
  return (await p.market.entryCounts())[0];
}
