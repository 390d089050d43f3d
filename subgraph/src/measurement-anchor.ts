// MeasurementAnchor: the Merkle batches of signed readings the BAL anchors, and the measurement KPIs.
import { BatchAnchored } from "../generated/MeasurementAnchor/MeasurementAnchor";
import { MeasurementBatch } from "../generated/schema";
import { dailyKpi, dayOfMs, platform } from "./common";

export function handleBatchAnchored(event: BatchAnchored): void {
  const p = event.params;
  const batch = new MeasurementBatch(p.batchId.toString());
  batch.batchId = p.batchId;
  batch.root = p.root;
  batch.fromMs = p.fromMs;
  batch.toMs = p.toMs;
  batch.count = p.count.toI32();
  batch.anchoredBy = event.transaction.from;
  batch.blockNumber = event.block.number;
  batch.timestamp = event.block.timestamp;
  batch.transactionHash = event.transaction.hash;
  batch.save();

  const counters = platform();
  counters.batchCount = counters.batchCount + 1;
  counters.measurementCount = counters.measurementCount.plus(p.count);
  counters.save();

  const kpi = dailyKpi(dayOfMs(p.fromMs));
  kpi.batchCount = kpi.batchCount + 1;
  kpi.measurementCount = kpi.measurementCount.plus(p.count);
  kpi.save();
}
