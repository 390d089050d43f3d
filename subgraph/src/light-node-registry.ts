// LightNodeRegistry: each PoD's Light Node keys (trust on first use, rotation, revocation) and their history, so
// old readings stay verifiable against the key that was valid when they were signed.
import { BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  LightNodeKeyRegistered,
  LightNodeKeyRevoked,
  LightNodeKeyRotated,
} from "../generated/LightNodeRegistry/LightNodeRegistry";
import { LightNodeKey, LightNodeKeyChange } from "../generated/schema";
import { eventId, platform } from "./common";

function history(event: ethereum.Event, key: Bytes, pod: Bytes, kind: string, atMs: BigInt): void {
  const c = new LightNodeKeyChange(eventId(event));
  c.key = key;
  c.pod = pod;
  c.kind = kind;
  c.atMs = atMs;
  c.blockNumber = event.block.number;
  c.transactionHash = event.transaction.hash;
  c.save();
}

function newKey(event: ethereum.Event, keyHash: Bytes, pod: Bytes, qx: Bytes, qy: Bytes, validFromMs: BigInt): void {
  const key = new LightNodeKey(keyHash);
  key.pod = pod;
  key.qx = qx;
  key.qy = qy;
  key.validFromMs = validFromMs;
  key.status = "Active";
  key.registeredAt = event.block.timestamp;
  key.save();
  history(event, keyHash, pod, "Registered", validFromMs);
}

export function handleLightNodeKeyRegistered(event: LightNodeKeyRegistered): void {
  const p = event.params;
  newKey(event, p.keyHash, p.podId, p.qx, p.qy, p.validFromMs);
  const platformCounters = platform();
  platformCounters.activeKeyCount = platformCounters.activeKeyCount + 1;
  platformCounters.save();
}

export function handleLightNodeKeyRotated(event: LightNodeKeyRotated): void {
  const p = event.params;
  const old = LightNodeKey.load(p.oldKeyHash);
  if (old != null) {
    old.status = "Rotated";
    old.endedAtMs = p.atMs;
    old.replacedBy = p.newKeyHash;
    old.save();
    history(event, p.oldKeyHash, p.podId, "Rotated", p.atMs);
  }
  // The history record of the new key needs its own id: same transaction and log, so suffix the key.
  const key = new LightNodeKey(p.newKeyHash);
  key.pod = p.podId;
  key.qx = p.qx;
  key.qy = p.qy;
  key.validFromMs = p.atMs;
  key.status = "Active";
  key.registeredAt = event.block.timestamp;
  key.save();
  const c = new LightNodeKeyChange(eventId(event).concat(p.newKeyHash));
  c.key = p.newKeyHash;
  c.pod = p.podId;
  c.kind = "Registered";
  c.atMs = p.atMs;
  c.blockNumber = event.block.number;
  c.transactionHash = event.transaction.hash;
  c.save();
}

export function handleLightNodeKeyRevoked(event: LightNodeKeyRevoked): void {
  const p = event.params;
  const key = LightNodeKey.load(p.keyHash);
  if (key == null) return;
  const wasActive = key.status == "Active";
  key.status = "Revoked";
  key.endedAtMs = p.atMs;
  key.revocationReason = p.reason;
  key.save();
  history(event, p.keyHash, p.podId, "Revoked", p.atMs);
  if (wasActive) {
    const platformCounters = platform();
    platformCounters.activeKeyCount = platformCounters.activeKeyCount - 1;
    platformCounters.save();
  }
}
