// Settlement: per award, what was delivered, the effectiveness, the customer's reward or penalty and the tokens
// minted or burned; per batch, the hash of the certified readings used.
import { AwardSettled, SettlementPosted } from "../generated/Settlement/Settlement";
import { Award, AwardSettlement, SettlementBatch, Session } from "../generated/schema";
import { dailyKpi, eventId } from "./common";
import { holder } from "./reward-token";

export function handleSettlementPosted(event: SettlementPosted): void {
  const batch = new SettlementBatch(eventId(event));
  batch.session = event.params.sessionId.toString();
  batch.datasetHash = event.params.datasetHash;
  batch.itemCount = event.params.itemCount.toI32();
  batch.timestamp = event.block.timestamp;
  batch.transactionHash = event.transaction.hash;
  batch.save();
}

export function handleAwardSettled(event: AwardSettled): void {
  const p = event.params;
  const id = p.sessionId.toString() + "-" + p.awardIndex.toString();
  const settlement = new AwardSettlement(id);
  settlement.award = id;
  settlement.session = p.sessionId.toString();
  settlement.pod = p.podId;
  // The wallet is linked to its token holder; a penalty with nothing minted may come before any transfer to it.
  holder(p.wallet).save();
  settlement.wallet = p.wallet;
  settlement.deliveredW = p.deliveredW;
  settlement.effectivenessBps = p.effectivenessBps;
  settlement.rewardMicroEur = p.rewardMicroEur;
  settlement.penaltyMicroEur = p.penaltyMicroEur;
  settlement.mintedMicroEur = p.mintedMicroEur;
  settlement.burnedMicroEur = p.burnedMicroEur;
  settlement.timestamp = event.block.timestamp;
  settlement.transactionHash = event.transaction.hash;
  settlement.save();

  const session = Session.load(p.sessionId.toString());
  const award = Award.load(id);
  if (session == null || award == null) return;
  const kpi = dailyKpi(session.day);
  kpi.settledAwardCount = kpi.settledAwardCount + 1;
  kpi.rewardedMicroEur = kpi.rewardedMicroEur.plus(p.rewardMicroEur);
  kpi.penalisedMicroEur = kpi.penalisedMicroEur.plus(p.penaltyMicroEur);
  kpi.save();
}
