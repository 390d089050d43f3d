// MarketDataNotary: hashes of market datasets (exports, clearing inputs) anchored on chain, with where to fetch them.
import { DatasetAnchored } from "../generated/MarketDataNotary/MarketDataNotary";
import { Dataset } from "../generated/schema";

export function handleDatasetAnchored(event: DatasetAnchored): void {
  const p = event.params;
  const dataset = new Dataset(p.datasetHash);
  dataset.kind = p.datasetKind;
  dataset.kindName = p.datasetKind.toString();
  dataset.anchoredBy = p.anchoredBy;
  dataset.uri = p.uri;
  dataset.timestamp = event.block.timestamp;
  dataset.transactionHash = event.transaction.hash;
  dataset.save();
}
