// PodRegistry: PoDs, their PoM, the static traffic light (prequalification), baselines, and each PoD's history.
import { Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  BaselineSubmitted,
  DayAheadGateClosureRecorded,
  PodDeregistered,
  PodMappedToPom,
  PodQualificationChanged,
  PodRegistered,
  PodUpdated,
  PodRegisteredDataStruct,
} from "../generated/PodRegistry/PodRegistry";
import { Baseline, DayAheadGateClosure, Pod, PodChange } from "../generated/schema";
import { aggregator, dailyKpi, enumName, eventId, platform, pom, QUALIFICATIONS, VOLTAGE_LEVELS } from "./common";

function change(event: ethereum.Event, pod: Bytes, kind: string): PodChange {
  const c = new PodChange(eventId(event));
  c.pod = pod;
  c.kind = kind;
  c.sender = event.transaction.from;
  c.blockNumber = event.block.number;
  c.timestamp = event.block.timestamp;
  c.transactionHash = event.transaction.hash;
  return c;
}

function applyData(pod: Pod, data: PodRegisteredDataStruct): void {
  pod.voltageLevel = enumName(VOLTAGE_LEVELS, data.voltageLevel);
  pod.contractualPowerWithdrawnKw = data.contractualPowerWithdrawnKw.toI32();
  pod.contractualPowerInjectedKw = data.contractualPowerInjectedKw.toI32();
  pod.cosPhiMilli = data.cosPhiMilli;
  pod.maxUpKw = data.maxUpKw.toI32();
  pod.maxDownKw = data.maxDownKw.toI32();
  pod.remunerationScheme = data.remunerationScheme;
}

export function handlePodRegistered(event: PodRegistered): void {
  const id = event.params.podId;
  let pod = Pod.load(id);
  const isNew = pod == null || pod.status != "Registered";
  if (pod == null) {
    pod = new Pod(id);
    pod.code = id.toString();
    pod.registeredAt = event.block.timestamp;
  }
  pod.index = event.params.index.toI32();
  pod.aggregator = event.params.aggregator;
  pod.status = "Registered";
  applyData(pod, event.params.data);
  pod.qualification = "Pending";
  pod.qualifiedUpKw = 0;
  pod.qualifiedDownKw = 0;
  pod.updatedAt = event.block.timestamp;
  pod.save();

  const agg = aggregator(event.params.aggregator);
  if (isNew) agg.podCount = agg.podCount + 1;
  agg.save();
  if (isNew) {
    const p = platform();
    p.podCount = p.podCount + 1;
    p.save();
  }
  change(event, id, "Registered").save();
}

export function handlePodUpdated(event: PodUpdated): void {
  const pod = Pod.load(event.params.podId);
  if (pod == null) return;
  applyData(pod, changetype<PodRegisteredDataStruct>(event.params.data));
  if (event.params.requalificationNeeded) pod.qualification = "Pending";
  pod.updatedAt = event.block.timestamp;
  pod.save();
  const c = change(event, pod.id, "Updated");
  c.requalificationNeeded = event.params.requalificationNeeded;
  c.save();
}

export function handlePodDeregistered(event: PodDeregistered): void {
  const pod = Pod.load(event.params.podId);
  if (pod == null) return;
  const wasRegistered = pod.status == "Registered";
  pod.status = "Deregistered";
  pod.updatedAt = event.block.timestamp;
  pod.save();
  if (wasRegistered) {
    const agg = aggregator(event.params.aggregator);
    agg.podCount = agg.podCount - 1;
    agg.save();
    const p = platform();
    p.podCount = p.podCount - 1;
    p.save();
  }
  const c = change(event, pod.id, "Deregistered");
  c.sender = event.params.by;
  c.save();
}

export function handlePodMappedToPom(event: PodMappedToPom): void {
  const pod = Pod.load(event.params.podId);
  if (pod == null) return;
  // `!==` compares references: Bytes overloads `==`, which the compiler cannot apply to null.
  const previous = pod.pom;
  const unchanged = previous !== null && previous.equals(event.params.pom);
  if (previous !== null && !unchanged) {
    const old = pom(previous);
    old.podCount = old.podCount - 1;
    old.save();
  }
  if (!unchanged) {
    const next = pom(event.params.pom);
    next.podCount = next.podCount + 1;
    next.save();
  }
  pod.pom = event.params.pom;
  pod.updatedAt = event.block.timestamp;
  pod.save();
  const c = change(event, pod.id, "MappedToPom");
  c.pom = event.params.pom;
  c.save();
}

export function handlePodQualificationChanged(event: PodQualificationChanged): void {
  const pod = Pod.load(event.params.podId);
  if (pod == null) return;
  pod.qualification = enumName(QUALIFICATIONS, event.params.qualification);
  pod.qualifiedUpKw = event.params.qualifiedUpKw.toI32();
  pod.qualifiedDownKw = event.params.qualifiedDownKw.toI32();
  pod.updatedAt = event.block.timestamp;
  pod.save();
  const c = change(event, pod.id, "QualificationChanged");
  c.qualification = pod.qualification;
  c.qualifiedUpKw = pod.qualifiedUpKw;
  c.qualifiedDownKw = pod.qualifiedDownKw;
  c.save();
}

export function handleBaselineSubmitted(event: BaselineSubmitted): void {
  const day = event.params.day.toI32();
  const id = event.params.podId.toHexString() + "-" + day.toString();
  let baseline = Baseline.load(id);
  if (baseline == null) {
    baseline = new Baseline(id);
    baseline.pod = event.params.podId;
    baseline.day = day;
    baseline.submissions = 0;
  }
  baseline.aggregator = event.params.aggregator;
  baseline.baselineHash = event.params.baselineHash;
  baseline.valuesKw = event.params.valuesKw;
  baseline.submissions = baseline.submissions + 1;
  baseline.updatedAt = event.block.timestamp;
  baseline.save();
  aggregator(event.params.aggregator).save();

  const kpi = dailyKpi(day);
  kpi.baselineSubmissions = kpi.baselineSubmissions + 1;
  kpi.save();
}

/** The calendar recorded (or moved) the day-ahead gate closure of a market day: baselines freeze from then. */
export function handleDayAheadGateClosureRecorded(event: DayAheadGateClosureRecorded): void {
  const day = event.params.day.toI32();
  const closure = new DayAheadGateClosure(day.toString());
  closure.day = day;
  closure.gateClosureTime = event.params.gateClosureTime;
  closure.updatedAt = event.block.timestamp;
  closure.save();
}
