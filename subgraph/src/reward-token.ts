// RewardToken (ERC-20): every holder's balance and every transfer; mints and burns move the circulating supply.
import { Address, BigInt, Bytes } from "@graphprotocol/graph-ts";
import { Transfer } from "../generated/RewardToken/RewardToken";
import { TokenHolder, TokenTransfer } from "../generated/schema";
import { eventId, platform } from "./common";

/** The holder of `address`, created with a zero balance (also used by the settlement for the wallets it pays). */
export function holder(address: Bytes): TokenHolder {
  let h = TokenHolder.load(address);
  if (h == null) {
    h = new TokenHolder(address);
    h.balance = BigInt.zero();
  }
  return h;
}

export function handleTransfer(event: Transfer): void {
  const p = event.params;
  const zero = Address.zero();
  if (p.from.equals(p.to)) {
    // A self-transfer moves nothing: loading the holder twice and saving both copies would count the value twice.
    holder(p.from).save();
  } else {
    const from = holder(p.from);
    const to = holder(p.to);
    if (!p.from.equals(zero)) from.balance = from.balance.minus(p.value);
    if (!p.to.equals(zero)) to.balance = to.balance.plus(p.value);
    from.save();
    to.save();
  }

  const transfer = new TokenTransfer(eventId(event));
  transfer.from = p.from;
  transfer.to = p.to;
  transfer.value = p.value;
  transfer.timestamp = event.block.timestamp;
  transfer.transactionHash = event.transaction.hash;
  transfer.save();

  if (p.from.equals(zero) || p.to.equals(zero)) {
    const counters = platform();
    counters.tokenSupply = p.from.equals(zero)
      ? counters.tokenSupply.plus(p.value)
      : counters.tokenSupply.minus(p.value);
    counters.save();
  }
}
