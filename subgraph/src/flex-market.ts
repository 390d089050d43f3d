// FlexMarket: sessions and their lifecycle, DSO and TSO requests, offers with their price curves, awards, the
// DSO's validations and the final outcome; plus the market KPIs of the session's day.
import { BigInt, Bytes, crypto, ethereum } from "@graphprotocol/graph-ts";
import {
  AwardsPosted,
  AwardValidated,
  ClearingSealed,
  ClearingStarted,
  DsoRequestSubmitted,
  DsoRequestSubmittedInputStruct,
  OfferCancelled,
  OfferReplaced,
  OfferSubmitted,
  OfferSubmittedStepsStruct,
  RequestCancelled,
  SessionCreated,
  SessionFinalised,
  SessionGateClosed,
  TsoRequestSubmitted,
} from "../generated/FlexMarket/FlexMarket";
import {
  Award,
  Baseline,
  FinalOutcome,
  Offer,
  OfferStep,
  Pod,
  Pom,
  Request,
  Session,
  Validation,
} from "../generated/schema";
import {
  aggregator,
  dailyKpi,
  DIRECTIONS,
  enumName,
  OFFER_KINDS,
  platform,
  SESSION_KINDS,
  TARGET_KINDS,
  updateLiquidity,
  VERDICTS,
} from "./common";

function sessionDay(sessionId: BigInt): i32 {
  const session = Session.load(sessionId.toString());
  return session == null ? 0 : session.day;
}

function setStatus(sessionId: BigInt, status: string): Session | null {
  const session = Session.load(sessionId.toString());
  if (session == null) return null;
  session.status = status;
  return session;
}

export function handleSessionCreated(event: SessionCreated): void {
  const p = event.params;
  const session = new Session(p.sessionId.toString());
  session.sessionId = p.sessionId;
  session.kind = enumName(SESSION_KINDS, p.kind);
  session.day = p.day.toI32();
  session.realTimeIndex = p.realTimeIndex;
  session.firstSlot = p.firstSlot;
  session.slotCount = p.slotCount;
  session.dayStartTime = p.dayStartTime;
  session.openingTime = p.openingTime;
  session.gateClosureTime = p.gateClosureTime;
  session.status = "Scheduled";
  session.awardCount = 0;
  session.voided = false;
  session.createdAt = event.block.timestamp;
  session.save();
  const counters = platform();
  counters.sessionCount = counters.sessionCount + 1;
  counters.save();
}

export function handleSessionGateClosed(event: SessionGateClosed): void {
  const session = setStatus(event.params.sessionId, "GateClosed");
  if (session != null) session.save();
}

export function handleClearingStarted(event: ClearingStarted): void {
  const session = setStatus(event.params.sessionId, "Clearing");
  if (session == null) return;
  session.inputsHash = event.params.inputsHash;
  session.save();
}

export function handleClearingSealed(event: ClearingSealed): void {
  const session = setStatus(event.params.sessionId, "Cleared");
  if (session == null) return;
  session.inputsHash = event.params.inputsHash;
  session.awardCount = event.params.awardCount.toI32();
  session.save();
}

export function handleSessionFinalised(event: SessionFinalised): void {
  const session = setStatus(event.params.sessionId, "Finalised");
  if (session == null) return;
  session.save();
  const outcome = new FinalOutcome(session.id);
  outcome.session = session.id;
  outcome.awardCount = event.params.awardCount.toI32();
  outcome.timestamp = event.block.timestamp;
  outcome.transactionHash = event.transaction.hash;
  outcome.save();
}

/** Sum of the PoDs' baselines in a slot (kW); PoDs without a baseline for the day count as zero. */
function baselineSum(pods: Bytes[], day: i32, slot: i32): i32 {
  let sum = 0;
  for (let i = 0; i < pods.length; i++) {
    const baseline = Baseline.load(pods[i].toHexString() + "-" + day.toString());
    if (baseline != null && slot < baseline.valuesKw.length) sum += baseline.valuesKw[slot];
  }
  return sum;
}

/** The power a request asks for (kW): the delta itself, or the target minus the PoDs' baselines. */
function requestedKw(input: DsoRequestSubmittedInputStruct, pods: Bytes[], day: i32): i32 {
  if (input.targetKind == 1) return input.targetPowerKw < 0 ? -input.targetPowerKw : input.targetPowerKw;
  const need = input.targetPowerKw - baselineSum(pods, day, input.slotIndex);
  return need < 0 ? -need : need;
}

function newRequest(
  requestId: BigInt,
  sessionId: BigInt,
  kind: string,
  input: DsoRequestSubmittedInputStruct,
  createdAt: BigInt,
): Request {
  const request = new Request(requestId.toString());
  request.requestId = requestId;
  request.session = sessionId.toString();
  request.kind = kind;
  request.status = "Active";
  request.slotIndex = input.slotIndex;
  request.targetKind = enumName(TARGET_KINDS, input.targetKind);
  request.direction = enumName(DIRECTIONS, input.direction);
  request.targetPowerKw = input.targetPowerKw;
  request.maxPriceMilliEurPerKw = input.maxPriceMilliEurPerKw;
  request.createdAt = createdAt;
  return request;
}

function countRequest(sessionId: BigInt, kw: i32): void {
  const kpi = dailyKpi(sessionDay(sessionId));
  kpi.requestCount = kpi.requestCount + 1;
  kpi.requestedKw = kpi.requestedKw.plus(BigInt.fromI32(kw));
  updateLiquidity(kpi);
  kpi.save();
  const counters = platform();
  counters.requestCount = counters.requestCount + 1;
  counters.save();
}

export function handleDsoRequestSubmitted(event: DsoRequestSubmitted): void {
  const p = event.params;
  const request = newRequest(p.requestId, p.sessionId, "Dso", p.input, event.block.timestamp);
  request.podSetHash = p.podSetHash;
  request.pods = p.podIds;
  request.save();
  countRequest(p.sessionId, requestedKw(p.input, p.podIds, sessionDay(p.sessionId)));
}

export function handleTsoRequestSubmitted(event: TsoRequestSubmitted): void {
  const p = event.params;
  const input = changetype<DsoRequestSubmittedInputStruct>(p.input);
  const request = newRequest(p.requestId, p.sessionId, "Tso", input, event.block.timestamp);
  request.pom = p.pom;
  request.save();
  // The TSO's need is on the PoM: the sum over the PoDs mapped to it (store.loadRelated of Pom.pods).
  const pom = Pom.load(p.pom);
  const pods: Bytes[] = [];
  if (pom != null) {
    const mapped = pom.pods.load();
    for (let i = 0; i < mapped.length; i++) pods.push(mapped[i].id);
  }
  countRequest(p.sessionId, requestedKw(input, pods, sessionDay(p.sessionId)));
}

export function handleRequestCancelled(event: RequestCancelled): void {
  const request = Request.load(event.params.requestId.toString());
  if (request == null) return;
  request.status = "Cancelled";
  request.save();
}

export function handleOfferSubmitted(event: OfferSubmitted): void {
  const p = event.params;
  const offer = new Offer(p.offerId.toString());
  offer.offerId = p.offerId;
  offer.session = p.sessionId.toString();
  offer.pod = p.podId;
  // The market checked that the sender is the PoD's aggregator: the registry's record says who that is.
  let aggregatorAddress: Bytes = event.transaction.from;
  const pod = Pod.load(p.podId);
  if (pod != null) aggregatorAddress = pod.aggregator;
  offer.aggregator = aggregatorAddress;
  offer.kind = enumName(OFFER_KINDS, p.kind);
  offer.direction = enumName(DIRECTIONS, p.direction);
  offer.firstSlot = p.firstSlot;
  offer.lastSlot = p.lastSlot;
  offer.energyKwh = p.energyKwh.toI32();
  offer.curveHash = curveHash(p.steps);
  offer.status = "Active";
  offer.createdAt = event.block.timestamp;
  const steps = p.steps;
  let total = 0;
  // Prices are uint32 on chain: kept as BigInt, since toI32 would wrap those above 2^31 negative.
  let minPrice = BigInt.zero();
  for (let i = 0; i < steps.length; i++) {
    const step = new OfferStep(offer.id + "-" + i.toString());
    step.offer = offer.id;
    step.index = i;
    step.quantityKw = steps[i].quantityKw.toI32();
    step.priceMilliEurPerKw = steps[i].priceMilliEurPerKw;
    step.save();
    total += step.quantityKw;
    if (i == 0 || steps[i].priceMilliEurPerKw.lt(minPrice)) minPrice = steps[i].priceMilliEurPerKw;
  }
  offer.maxQuantityKw = total;
  offer.minPriceMilliEurPerKw = minPrice;
  offer.save();

  const agg = aggregator(aggregatorAddress);
  agg.offerCount = agg.offerCount + 1;
  agg.save();
  const kpi = dailyKpi(sessionDay(p.sessionId));
  kpi.offerCount = kpi.offerCount + 1;
  kpi.offeredKw = kpi.offeredKw.plus(BigInt.fromI32(total));
  updateLiquidity(kpi);
  kpi.save();
  const counters = platform();
  counters.offerCount = counters.offerCount + 1;
  counters.save();
}

export function handleOfferCancelled(event: OfferCancelled): void {
  const offer = Offer.load(event.params.offerId.toString());
  if (offer == null) return;
  offer.status = "Cancelled";
  offer.save();
}

export function handleOfferReplaced(event: OfferReplaced): void {
  const offer = Offer.load(event.params.oldOfferId.toString());
  if (offer == null) return;
  offer.status = "Replaced";
  offer.replacedBy = event.params.newOfferId.toString();
  offer.save();
}

/** The chain's curve hash: keccak256(abi.encode(PriceStep[])), as FlexMarket.offerCurveHash gives it. */
function curveHash(steps: OfferSubmittedStepsStruct[]): Bytes {
  const tuples: ethereum.Value[] = [];
  for (let i = 0; i < steps.length; i++) {
    const step = new ethereum.Tuple();
    step.push(ethereum.Value.fromUnsignedBigInt(steps[i].quantityKw));
    step.push(ethereum.Value.fromUnsignedBigInt(steps[i].priceMilliEurPerKw));
    tuples.push(ethereum.Value.fromTuple(step));
  }
  // Encoding an array of two-uint tuples cannot fail.
  const encoded = ethereum.encode(ethereum.Value.fromArray(tuples))!;
  return Bytes.fromByteArray(crypto.keccak256(encoded));
}

/** One event per batch: award `firstAwardIndex + i` is `awards[i]`; its PoD is its offer's. */
export function handleAwardsPosted(event: AwardsPosted): void {
  const p = event.params;
  const kpi = dailyKpi(sessionDay(p.sessionId));
  const awards = p.awards;
  for (let i = 0; i < awards.length; i++) {
    const a = awards[i];
    const awardIndex = p.firstAwardIndex.toI32() + i;
    const award = new Award(p.sessionId.toString() + "-" + awardIndex.toString());
    award.session = p.sessionId.toString();
    award.awardIndex = awardIndex;
    // The market accepts awards only for its own offers, so the offer is indexed; an empty PoD would show otherwise.
    award.pod = Bytes.empty();
    const offer = Offer.load(a.offerId.toString());
    if (offer != null) award.pod = offer.pod;
    award.offer = a.offerId.toString();
    award.request = a.requestId.toString();
    award.slotIndex = a.slotIndex;
    award.quantityKw = a.quantityKw.toI32();
    award.priceMilliEurPerKw = a.priceMilliEurPerKw;
    award.verdict = "Pending";
    award.createdAt = event.block.timestamp;
    award.save();
    kpi.awardCount = kpi.awardCount + 1;
    kpi.awardedKw = kpi.awardedKw.plus(a.quantityKw);
  }
  kpi.save();
  const counters = platform();
  counters.awardCount = counters.awardCount + awards.length;
  counters.save();
}

export function handleAwardValidated(event: AwardValidated): void {
  const p = event.params;
  const id = p.sessionId.toString() + "-" + p.awardIndex.toString();
  const award = Award.load(id);
  if (award == null) return;
  const verdict = enumName(VERDICTS, p.verdict);
  award.verdict = verdict;
  award.finalQuantityKw = p.finalQuantityKw.toI32();
  award.reasonCode = p.reasonCode;
  award.save();

  const validation = new Validation(id);
  validation.award = id;
  validation.session = award.session;
  validation.pod = award.pod;
  validation.verdict = verdict;
  validation.finalQuantityKw = award.finalQuantityKw;
  validation.reasonCode = p.reasonCode;
  validation.timestamp = event.block.timestamp;
  validation.transactionHash = event.transaction.hash;
  validation.save();

  const kpi = dailyKpi(sessionDay(p.sessionId));
  if (verdict == "Ok") kpi.validatedOk = kpi.validatedOk + 1;
  else if (verdict == "Ko") kpi.validatedKo = kpi.validatedKo + 1;
  else if (verdict == "Partial") kpi.validatedPartial = kpi.validatedPartial + 1;
  kpi.finalKw = kpi.finalKw.plus(p.finalQuantityKw);
  kpi.save();
}
