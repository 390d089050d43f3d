// The clearing's plain data: a normalised book (integers: W, micro-EUR per kW) and the result it yields.
// Load convention throughout: positive power = consumption; "up" = raise consumption, "down" = lower it
// (Types.sol's Direction). An offer with deltaW < 0 lowers consumption, which is upward flexibility for the grid.

export type Operator = "DSO" | "TSO";
export type Direction = "up" | "down";
export type Pricing = "pay-as-clear" | "pay-as-bid";
export type TrafficLightColour = "green" | "yellow" | "red";

/** 1 EUR/kW = 1,000,000 micro-EUR per kW; payments are in micro-EUR. */
export const MICRO_EUR_PER_EUR = 1_000_000;
export const W_PER_KW = 1000;

export interface BookPod {
  pod: string;
  pom: string;
  /** The DSO perimeter the pod belongs to for the dynamic traffic light (default: its feeder). */
  perimeter: string;
  aggregator: string;
  maxUpW: number;
  maxDownW: number;
  /** Baseline per slot index (W). */
  baselineW: readonly number[];
}

/** One step of a price-step curve: an increment of power, all steps of an offer in the same direction. */
export interface OfferStep {
  deltaW: number;
  priceMicroEurPerKw: number;
}

/** A single-slot offer (a step curve for one PoD and slot); `seq` is its submission order (ties go to the earlier). */
export interface SlotOffer {
  kind: "slot";
  id: string;
  seq: number;
  pod: string;
  slot: number;
  steps: readonly OfferStep[];
}

/**
 * A flexible block: `deltaW` held for `durationSlots` consecutive slots starting anywhere in
 * [earliestSlot, latestSlot − durationSlots + 1]; accepted whole or not at all, paid
 * priceMicroEurPerKw × |deltaW| per slot held (pay-as-bid).
 */
export interface BlockOffer {
  kind: "block";
  id: string;
  seq: number;
  pod: string;
  deltaW: number;
  durationSlots: number;
  earliestSlot: number;
  latestSlot: number;
  priceMicroEurPerKw: number;
}

export type Offer = SlotOffer | BlockOffer;

export interface FlexRequest {
  id: string;
  seq: number;
  by: Operator;
  slot: number;
  /** The PoDs whose flexibility counts (TSO: every PoD mapped to the PoM). */
  pods: readonly string[];
  /** target − Σ baselines, or the delta; negative = consumption must go down. */
  needW: number;
  /** null = no cap. */
  maxPriceMicroEurPerKw: number | null;
}

export interface DirectionLight {
  colour: TrafficLightColour;
  /** How much the TSO may activate in the perimeter in this direction (null = unbounded unless red). */
  capabilityW: number | null;
}

/** The DSO's dynamic traffic light for one perimeter and slot. */
export interface TrafficLight {
  perimeter: string;
  slot: number;
  up: DirectionLight;
  down: DirectionLight;
}

/** Flexibility a PoD already sold in an earlier session (RT after DA) for a slot. */
export interface SoldFlexibility {
  pod: string;
  slot: number;
  operator: Operator;
  powerW: number;
}

export interface Book {
  slotCount: number;
  pods: readonly BookPod[];
  offers: readonly Offer[];
  requests: readonly FlexRequest[];
  trafficLights: readonly TrafficLight[];
  alreadySold: readonly SoldFlexibility[];
  pricing: Pricing;
}

export interface Award {
  requestId: string;
  offerId: string;
  /** Index of the step in a slot offer; -1 for a block. */
  stepIndex: number;
  pod: string;
  slot: number;
  /** Signed, load convention. */
  powerW: number;
  /** The offer's own price for this step (or the block's). */
  offerPriceMicroEurPerKw: number;
  /** What the award is paid at (pay-as-clear: the request's clearing price; pay-as-bid: the offer price). */
  paidPriceMicroEurPerKw: number;
  paymentMicroEur: number;
}

export interface RequestOutcome {
  requestId: string;
  by: Operator;
  slot: number;
  needW: number;
  servedW: number;
  /** The marginal accepted price among single-slot offers (null when nothing was accepted). */
  clearingPriceMicroEurPerKw: number | null;
}

/** An accepted block and where the clearing placed it; paid once, as bid. */
export interface BlockAcceptance {
  offerId: string;
  pod: string;
  startSlot: number;
  durationSlots: number;
  deltaW: number;
  paymentMicroEur: number;
  /** The request that caused the acceptance. */
  requestId: string;
}

export interface ClearingResult {
  method: "merit-order" | "milp";
  pricing: Pricing;
  awards: Award[];
  requests: RequestOutcome[];
  blocks: BlockAcceptance[];
  /** Σ payments of awards and blocks. */
  totalPaymentMicroEur: number;
  /** Σ |powerW| × offer price / 1000 (the bid cost, what the optimisation minimises). */
  totalBidCostMicroEur: number;
}

export function directionOf(powerW: number): Direction {
  return powerW < 0 ? "down" : "up";
}

export function opposite(direction: Direction): Direction {
  return direction === "up" ? "down" : "up";
}

/** micro-EUR for |powerW| at a price per kW, floored so it stays an integer. */
export function paymentMicroEur(powerW: number, priceMicroEurPerKw: number): number {
  return Math.floor((Math.abs(powerW) * priceMicroEurPerKw) / W_PER_KW);
}
