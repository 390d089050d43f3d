// RemunerationSchemeFactory: aggregators' remuneration schemes (clones) and which scheme each PoD is enrolled in.
import { Address } from "@graphprotocol/graph-ts";
import { PodSchemeChanged, SchemeCreated } from "../generated/RemunerationSchemeFactory/RemunerationSchemeFactory";
import { Pod, RemunerationScheme } from "../generated/schema";
import { RemunerationScheme as RemunerationSchemeTemplate } from "../generated/templates";
import { aggregator } from "./common";

export function handleSchemeCreated(event: SchemeCreated): void {
  const p = event.params;
  const scheme = new RemunerationScheme(p.scheme);
  scheme.aggregator = p.aggregator;
  scheme.toleranceBps = p.parameters.toleranceBps;
  scheme.rewardShareBps = p.parameters.rewardShareBps;
  scheme.penaltyBps = p.parameters.penaltyBps;
  scheme.createdAt = event.block.timestamp;
  scheme.save();
  aggregator(p.aggregator).save();
  // Watch the clone's own events (PodEnrolled, PodWithdrawn) from this block on.
  RemunerationSchemeTemplate.create(p.scheme);
}

export function handlePodSchemeChanged(event: PodSchemeChanged): void {
  const pod = Pod.load(event.params.podId);
  if (pod == null) return;
  // The zero address means the PoD left its scheme.
  pod.scheme = event.params.scheme.equals(Address.zero()) ? null : event.params.scheme;
  pod.updatedAt = event.block.timestamp;
  pod.save();
}
