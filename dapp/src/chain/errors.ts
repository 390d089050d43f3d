// Turns a failed transaction or call into words: the contract's custom error decoded with every FlexGrid ABI, named
// in plain English with its arguments, or the wallet's own reason (rejected, no funds) when it never reached a chain.
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex } from "viem";
import { allErrorsAbi } from "../generated/contracts";

/** Sentences for the errors people meet most; any other custom error is spelled out from its name. */
const SENTENCES: Record<string, (args: readonly unknown[]) => string> = {
  FlexMarketGateClosed: ([session, gate]) =>
    `The gate of session ${session} closed at ${new Date(Number(gate) * 1000).toLocaleString("en-GB")}: offers are no longer accepted.`,
  FlexMarketNotOpenYet: ([session, opening]) =>
    `Session ${session} opens at ${new Date(Number(opening) * 1000).toLocaleString("en-GB")}.`,
  FlexMarketAboveLimit: ([, direction, quantity, limit]) =>
    `The offer's ${Number(direction) === 0 ? "upward" : "downward"} quantity ${quantity} kW is above the PoD's qualified limit of ${limit} kW.`,
  FlexMarketInvalidCurve: ([step]) =>
    `Price step ${Number(step) + 1} is invalid: each step needs a positive quantity and prices must not decrease (at most 10 steps).`,
  FlexMarketNotPodAggregator: ([, account, aggregator]) =>
    `Account ${account} is not the aggregator of this PoD (${aggregator} is).`,
  FlexMarketPodNotQualified: ([, qualification]) =>
    `The PoD is not prequalified (qualification state ${["Pending", "Confirmed", "Modulated", "Invalidated"][Number(qualification)] ?? qualification}).`,
  PodRegistryBaselineFrozen: ([, day, gate]) =>
    `Baselines of day ${day} are locked since the day-ahead gate closed at ${new Date(Number(gate) * 1000).toLocaleString("en-GB")}.`,
  AccessControlUnauthorizedAccount: ([account]) => `Account ${account} does not hold the role this action needs.`,
};

export interface DecodedError {
  /** The custom error's name when the chain reverted with one. */
  name?: string;
  args?: readonly unknown[];
  message: string;
}

/** "FlexMarketSlotOutsideSession" → "Flex market: slot outside session". */
export function humaniseErrorName(name: string): string {
  const areas = [
    "FlexMarket",
    "PodRegistry",
    "DynamicTrafficLight",
    "MeasurementAnchor",
    "LightNodeRegistry",
    "Settlement",
    "RewardToken",
    "RoleGuarded",
    "MarketDataNotary",
    "MeritOrderChallenge",
    "RemunerationScheme",
  ];
  const area = areas.find((a) => name.startsWith(a) && name.length > a.length);
  const words = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return area ? `${words(area).replace(/^./, (c) => c.toUpperCase())}: ${words(name.slice(area.length))}` : words(name);
}

function describe(name: string, args: readonly unknown[]): string {
  const sentence = SENTENCES[name];
  if (sentence) return sentence(args);
  const shown = args.map((a) => (typeof a === "bigint" ? a.toString() : String(a))).join(", ");
  return `${humaniseErrorName(name)}${shown ? ` (${shown})` : ""}.`;
}

/** Decodes raw revert data with every FlexGrid error. */
export function decodeRevertData(data: Hex): DecodedError | undefined {
  try {
    const decoded = decodeErrorResult({ abi: allErrorsAbi, data });
    const args = (decoded.args ?? []) as readonly unknown[];
    return { name: decoded.errorName, args, message: describe(decoded.errorName, args) };
  } catch {
    return undefined;
  }
}

function findRevertData(error: unknown): Hex | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 10; depth++) {
    const data = (current as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10) return data as Hex;
    if (data && typeof data === "object" && typeof (data as { data?: unknown }).data === "string")
      return (data as { data: Hex }).data;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The words to show for any error a write or read threw. */
export function describeError(error: unknown): DecodedError {
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName) {
      const args = (reverted.data.args ?? []) as readonly unknown[];
      return { name: reverted.data.errorName, args, message: describe(reverted.data.errorName, args) };
    }
    const raw = findRevertData(error);
    const decoded = raw ? decodeRevertData(raw) : undefined;
    if (decoded) return decoded;
    if (/user rejected|denied/i.test(error.message)) return { message: "You rejected the request in your wallet." };
    return { message: error.shortMessage || error.message };
  }
  const raw = findRevertData(error);
  const decoded = raw ? decodeRevertData(raw) : undefined;
  if (decoded) return decoded;
  return { message: error instanceof Error ? error.message : String(error) };
}
