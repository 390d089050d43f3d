// The on-chain shapes of clearing data and their hashes, exactly as contracts/settlement/ClearingHashing.sol
// computes them (keccak256 of the ABI encoding of each struct).
import { encodeAbiParameters, keccak256, type Hex } from "viem";

export const BLOCK_STEP = 0xffff;
export const NO_PRICE_CAP = (1n << 256n) - 1n;
export const OPERATOR_CODE = { DSO: 0, TSO: 1 } as const;

export interface ChainAward {
  requestId: bigint;
  offerId: bigint;
  stepIndex: number;
  podId: Hex;
  slot: number;
  powerW: bigint;
  paymentMicroEur: bigint;
}

export interface ChainOffer {
  offerId: bigint;
  podId: Hex;
  slot: number;
  stepDeltaW: bigint[];
  stepPriceMicroEurPerKw: bigint[];
}

export interface ChainRequest {
  requestId: bigint;
  operator: number;
  slot: number;
  needW: bigint;
  maxPriceMicroEurPerKw: bigint;
  podIds: Hex[];
}

export interface ChainUnavailability {
  podId: Hex;
  slot: number;
  operator: number;
}

const awardComponents = [
  { name: "requestId", type: "uint256" },
  { name: "offerId", type: "uint256" },
  { name: "stepIndex", type: "uint16" },
  { name: "podId", type: "bytes32" },
  { name: "slot", type: "uint16" },
  { name: "powerW", type: "int256" },
  { name: "paymentMicroEur", type: "uint256" },
] as const;

const offerComponents = [
  { name: "offerId", type: "uint256" },
  { name: "podId", type: "bytes32" },
  { name: "slot", type: "uint16" },
  { name: "stepDeltaW", type: "int256[]" },
  { name: "stepPriceMicroEurPerKw", type: "uint256[]" },
] as const;

const requestComponents = [
  { name: "requestId", type: "uint256" },
  { name: "operator", type: "uint8" },
  { name: "slot", type: "uint16" },
  { name: "needW", type: "int256" },
  { name: "maxPriceMicroEurPerKw", type: "uint256" },
  { name: "podIds", type: "bytes32[]" },
] as const;

export function hashAward(award: ChainAward): Hex {
  return keccak256(encodeAbiParameters([{ type: "tuple", components: awardComponents }], [award]));
}

export function hashAwards(awards: readonly ChainAward[]): Hex {
  return keccak256(encodeAbiParameters([{ type: "tuple[]", components: awardComponents }], [awards]));
}

export function hashOffer(offer: ChainOffer): Hex {
  return keccak256(encodeAbiParameters([{ type: "tuple", components: offerComponents }], [offer]));
}

export function hashRequest(request: ChainRequest): Hex {
  return keccak256(encodeAbiParameters([{ type: "tuple", components: requestComponents }], [request]));
}
