// Shared fixture of the settlement contracts: roles, an order book with committed offers and requests, the
// clearing results, the scheme factory and the settlement, plus the Tor di Valle-like session used throughout.
import { ethers } from "hardhat";
import { podIdToBytes32 } from "../../protocol";
import {
  hashOffer,
  hashRequest,
  NO_PRICE_CAP,
  OPERATOR_CODE,
  type ChainAward,
  type ChainOffer,
  type ChainRequest,
} from "../../oracles/market/chain/encoding";
import { ROLES } from "../helpers/roles";

export const CHALLENGE_WINDOW_S = 3600;
export const SESSION = 1n;

export const POD = {
  p978: podIdToBytes32("IT002E61899978"),
  p469: podIdToBytes32("IT002E60974469"),
  p796: podIdToBytes32("IT002E60976796"),
  p001: podIdToBytes32("IT002E00000001"),
  p189: podIdToBytes32("IT002E60550189"),
} as const;

const offer = (offerId: bigint, podId: `0x${string}`, deltaW: bigint, price: bigint, slot = 50): ChainOffer => ({
  offerId,
  podId,
  slot,
  stepDeltaW: [deltaW],
  stepPriceMicroEurPerKw: [price],
});

/** The committed offers: Tor di Valle's three plus a cheap one on 796 and a dear one on a fourth DSO pod. */
export const OFFERS = {
  o978: offer(1n, POD.p978, -1_000_000n, 10_000n),
  o469: offer(2n, POD.p469, -500_000n, 30_000n),
  o189: offer(3n, POD.p189, 500_000n, 70_000n),
  o796: offer(4n, POD.p796, -100_000n, 20_000n),
  o001: offer(5n, POD.p001, -50_000n, 40_000n),
  o978Slot51: offer(6n, POD.p978, -1_000_000n, 1_000n, 51),
};

export const DSO_REQUEST: ChainRequest = {
  requestId: 1n,
  operator: OPERATOR_CODE.DSO,
  slot: 50,
  needW: -1_376_741n,
  maxPriceMicroEurPerKw: 100_000n,
  podIds: [POD.p978, POD.p469, POD.p796, POD.p001],
};

export const TSO_REQUEST: ChainRequest = {
  requestId: 2n,
  operator: OPERATOR_CODE.TSO,
  slot: 50,
  needW: 271_748n,
  maxPriceMicroEurPerKw: NO_PRICE_CAP,
  podIds: [POD.p978, POD.p469, POD.p796, POD.p001, POD.p189],
};

const award = (requestId: bigint, o: ChainOffer, powerW: bigint, paidPrice: bigint): ChainAward => ({
  requestId,
  offerId: o.offerId,
  stepIndex: 0,
  podId: o.podId,
  slot: o.slot,
  powerW,
  paymentMicroEur: ((powerW < 0n ? -powerW : powerW) * paidPrice) / 1000n,
});

/**
 * The merit order: need 1,376,741 W down; 978 (0.01) 1,000,000, 796 (0.02) 100,000, 469 (0.03) 276,741
 * (marginal, clearing price 30,000 µEUR/kW); 001 (0.04) rejected. TSO: 189 +271,748 at 0.07.
 */
export const RIGHT_AWARDS: ChainAward[] = [
  award(1n, OFFERS.o978, -1_000_000n, 30_000n),
  award(1n, OFFERS.o796, -100_000n, 30_000n),
  award(1n, OFFERS.o469, -276_741n, 30_000n),
  award(2n, OFFERS.o189, 271_748n, 70_000n),
];

/** A wrong result: 796's cheaper offer left out, 469 takes 376,741 W. */
export const WRONG_AWARDS: ChainAward[] = [
  award(1n, OFFERS.o978, -1_000_000n, 30_000n),
  award(1n, OFFERS.o469, -376_741n, 30_000n),
  award(2n, OFFERS.o189, 271_748n, 70_000n),
];

export async function deploySettlementFixture() {
  const [admin, operator, aggregator1, aggregator2, customer1, customer2, customer3, stranger] =
    await ethers.getSigners();
  const registry = await ethers.deployContract("RoleRegistry", [admin.address]);
  await registry.grantRole(ROLES.MARKET_OPERATOR, operator.address);
  await registry.grantRole(ROLES.AGGREGATOR, aggregator1.address);
  await registry.grantRole(ROLES.AGGREGATOR, aggregator2.address);

  const book = await ethers.deployContract("MockOfferBook");
  for (const o of Object.values(OFFERS)) await book.commitOffer(o.offerId, hashOffer(o));
  for (const r of [DSO_REQUEST, TSO_REQUEST]) await book.commitRequest(r.requestId, hashRequest(r));

  const registryAddress = await registry.getAddress();
  const results = await ethers.deployContract("ClearingResults", [
    registryAddress,
    await book.getAddress(),
    CHALLENGE_WINDOW_S,
  ]);
  const factory = await ethers.deployContract("RemunerationSchemeFactory", [registryAddress]);
  const settlement = await ethers.deployContract("Settlement", [
    registryAddress,
    await results.getAddress(),
    await factory.getAddress(),
  ]);
  const token = await ethers.getContractAt("RewardToken", await settlement.rewardToken());
  return {
    admin,
    operator,
    aggregator1,
    aggregator2,
    customer1,
    customer2,
    customer3,
    stranger,
    registry,
    book,
    results,
    factory,
    settlement,
    token,
  };
}

/** Creates a scheme for `aggregator` with `parameters` and returns it. */
export async function createScheme(
  factory: Awaited<ReturnType<typeof deploySettlementFixture>>["factory"],
  aggregator: Awaited<ReturnType<typeof deploySettlementFixture>>["aggregator1"],
  parameters: { toleranceBps: number; rewardShareBps: number; penaltyBps: number },
) {
  const address = await factory.connect(aggregator).createScheme.staticCall(parameters);
  await factory.connect(aggregator).createScheme(parameters);
  return ethers.getContractAt("RemunerationScheme", address);
}
