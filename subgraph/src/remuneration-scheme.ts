// RemunerationScheme clones (template): PoDs enrolled with their customer's wallet, and withdrawn. Each clone is
// watched from the factory's SchemeCreated (remuneration-scheme-factory.ts creates the data source).
import { dataSource } from "@graphprotocol/graph-ts";
import { PodEnrolled, PodWithdrawn } from "../generated/templates/RemunerationScheme/RemunerationScheme";
import { Pod, SchemeEnrolment } from "../generated/schema";
import { eventId } from "./common";
import { holder } from "./reward-token";

export function handlePodEnrolled(event: PodEnrolled): void {
  const pod = Pod.load(event.params.podId);
  // Clones only enrol registered PoDs of their aggregator; an unknown one would dangle, so it is not recorded.
  if (pod == null) return;
  holder(event.params.wallet).save();
  pod.wallet = event.params.wallet;
  pod.updatedAt = event.block.timestamp;
  pod.save();
  const record = new SchemeEnrolment(eventId(event));
  record.scheme = dataSource.address();
  record.pod = event.params.podId;
  record.kind = "Enrolled";
  record.wallet = event.params.wallet;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.save();
}

export function handlePodWithdrawn(event: PodWithdrawn): void {
  const pod = Pod.load(event.params.podId);
  if (pod == null) return;
  pod.wallet = null;
  pod.updatedAt = event.block.timestamp;
  pod.save();
  const record = new SchemeEnrolment(eventId(event));
  record.scheme = dataSource.address();
  record.pod = event.params.podId;
  record.kind = "Withdrawn";
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.save();
}
