// Helpers shared by the mappings: event record ids, the platform counters, daily KPIs and enum names.
import { BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import { Aggregator, DailyKpi, Platform, Pom } from "../generated/schema";

export const DIRECTIONS: string[] = ["Up", "Down"];
export const QUALIFICATIONS: string[] = ["Pending", "Confirmed", "Modulated", "Invalidated"];
export const VOLTAGE_LEVELS: string[] = ["LV", "MV", "HV"];
export const SESSION_KINDS: string[] = ["DayAhead", "RealTime"];
export const TARGET_KINDS: string[] = ["Absolute", "Delta"];
export const OFFER_KINDS: string[] = ["SingleSlot", "Block"];
export const VERDICTS: string[] = ["Pending", "Ok", "Ko", "Partial"];
export const COLOURS: string[] = ["Green", "Yellow", "Red"];

const MS_PER_DAY = BigInt.fromI32(86_400_000);

/** Name of an on-chain enum value; out-of-range values keep their number so nothing is silently mislabelled. */
export function enumName(names: string[], value: i32): string {
  return value >= 0 && value < names.length ? names[value] : value.toString();
}

/** Id of an event record: transaction hash followed by the log index. */
export function eventId(event: ethereum.Event): Bytes {
  return event.transaction.hash.concatI32(event.logIndex.toI32());
}

/** Day number (days since 1970-01-01 UTC) of a time in ms. */
export function dayOfMs(ms: BigInt): i32 {
  return ms.div(MS_PER_DAY).toI32();
}

export function platform(): Platform {
  let p = Platform.load("flexgrid");
  if (p == null) {
    p = new Platform("flexgrid");
    p.podCount = 0;
    p.activeKeyCount = 0;
    p.batchCount = 0;
    p.measurementCount = BigInt.zero();
    p.sessionCount = 0;
    p.requestCount = 0;
    p.offerCount = 0;
    p.awardCount = 0;
    p.tokenSupply = BigInt.zero();
  }
  return p;
}

export function dailyKpi(day: i32): DailyKpi {
  const id = day.toString();
  let k = DailyKpi.load(id);
  if (k == null) {
    k = new DailyKpi(id);
    k.day = day;
    k.requestCount = 0;
    k.requestedKw = BigInt.zero();
    k.offerCount = 0;
    k.offeredKw = BigInt.zero();
    k.awardCount = 0;
    k.awardedKw = BigInt.zero();
    k.validatedOk = 0;
    k.validatedKo = 0;
    k.validatedPartial = 0;
    k.finalKw = BigInt.zero();
    k.baselineSubmissions = 0;
    k.batchCount = 0;
    k.measurementCount = BigInt.zero();
    k.settledAwardCount = 0;
    k.rewardedMicroEur = BigInt.zero();
    k.penalisedMicroEur = BigInt.zero();
  }
  return k;
}

/** IT_01 liquidity = offered / requested, null while nothing is requested. */
export function updateLiquidity(k: DailyKpi): void {
  if (k.requestedKw.isZero()) {
    k.liquidity = null;
  } else {
    k.liquidity = k.offeredKw.toBigDecimal().div(k.requestedKw.toBigDecimal());
  }
}

export function aggregator(address: Bytes): Aggregator {
  let a = Aggregator.load(address);
  if (a == null) {
    a = new Aggregator(address);
    a.podCount = 0;
    a.offerCount = 0;
  }
  return a;
}

export function pom(id: Bytes): Pom {
  let p = Pom.load(id);
  if (p == null) {
    p = new Pom(id);
    p.code = id.toString();
    p.podCount = 0;
  }
  return p;
}
