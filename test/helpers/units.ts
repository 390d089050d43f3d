// Conversions between domain units (EUR/kW, fractional kW, PoD codes) and the contracts' integers and ids.
import { ethers } from "ethers";

/** Mirrors MarketUnits.PRICE_SCALE: prices on chain are milli-EUR per kW. */
export const PRICE_SCALE = 1000;
/** Mirrors MarketUnits.NO_PRICE_CAP. */
export const NO_PRICE_CAP = 2 ** 32 - 1;
/** Mirrors MarketUnits.COS_PHI_SCALE. */
export const COS_PHI_SCALE = 1000;
export const SLOT_SECONDS = 900;
export const SLOTS_PER_DAY = 96;
export const DAY_SECONDS = 86_400;

export const podId = (code: string): string => ethers.encodeBytes32String(code);
export const pomId = (code: string): string => ethers.encodeBytes32String(code);
export const perimeterId = (name: string): string => ethers.encodeBytes32String(name);
export const priceMilli = (eurPerKw: number): number => Math.round(eurPerKw * PRICE_SCALE);
export const kw = (value: number): number => Math.round(value);

/** Solidity enums as numbers (contracts/libraries/Types.sol, contracts/interfaces/*.sol). */
export const Direction = { Up: 0, Down: 1 } as const;
export const VoltageLevel = { LV: 0, MV: 1, HV: 2 } as const;
export const SessionKind = { DayAhead: 0, RealTime: 1 } as const;
export const Colour = { Green: 0, Yellow: 1, Red: 2 } as const;
export const Verdict = { Pending: 0, Ok: 1, Ko: 2, Partial: 3 } as const;
export const PodStatus = { None: 0, Registered: 1, Deregistered: 2 } as const;
export const Qualification = { Pending: 0, Confirmed: 1, Modulated: 2, Invalidated: 3 } as const;
export const SessionStatus = {
  None: 0,
  Scheduled: 1,
  Open: 2,
  GateClosed: 3,
  Clearing: 4,
  Cleared: 5,
  Finalised: 6,
  Voided: 7,
} as const;
export const RequestKind = { Dso: 0, Tso: 1 } as const;
export const TargetKind = { Absolute: 0, Delta: 1 } as const;
export const OfferKind = { SingleSlot: 0, Block: 1 } as const;
export const EntryStatus = { None: 0, Active: 1, Cancelled: 2, Replaced: 3 } as const;

/** keccak256(abi.encode((uint32,uint32)[])) as OfferCurve.hash computes it. */
export function curveHash(steps: { quantityKw: number; priceMilliEurPerKw: number }[]): string {
  return ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(
      ["tuple(uint32,uint32)[]"],
      [steps.map((s) => [s.quantityKw, s.priceMilliEurPerKw])],
    ),
  );
}

/** keccak256(abi.encode(bytes32[])) as PodSet.hash computes it. */
export function podSetHash(podIds: string[]): string {
  return ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32[]"], [podIds]));
}

/** keccak256(abi.encode(int32[96])) as Baseline.hash computes it. */
export function baselineHash(valuesKw: number[]): string {
  return ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["int32[96]"], [valuesKw]));
}
