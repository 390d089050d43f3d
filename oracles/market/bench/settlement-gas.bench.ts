// Gas of the market operator's chain work per PoD-slot, on the Tor di Valle session: posting the clearing's awards
// (FlexMarket.postAwards + sealClearing) and settling them (Settlement.settle, mint through the PoD's scheme).
// Reference in the same run: a plain transfer of the reward token. `npm run bench -- settlement-gas`.
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deploySettlementFixture, RIGHT_AWARDS, validateAll } from "../../../test/settlement/fixture";

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<number> {
  return Number((await (await tx).wait())!.gasUsed);
}

async function main(): Promise<void> {
  const f = await deploySettlementFixture();
  const n = RIGHT_AWARDS.length;
  const post = await gasOf(
    f.market.connect(f.marketOperator).postAwards(f.sessionId, hre.ethers.id("inputs"), RIGHT_AWARDS),
  );
  const seal = await gasOf(f.market.connect(f.marketOperator).sealClearing(f.sessionId));
  await validateAll(f, n);
  await time.increaseTo(await f.challenge.challengeDeadline(f.sessionId));
  // The fixture enrolled the PoDs before gate closure (the terms in force then settle the session).
  const awards = await f.market.awardsOf(f.sessionId);
  const items = awards.map((a, i) => ({
    awardIndex: i,
    deliveredW: BigInt(a.finalQuantityKw) * 1000n * (a.direction === 1n ? 1n : -1n),
  }));
  const settleFirst = await gasOf(
    f.settlement.connect(f.marketOperator).settle(f.sessionId, hre.ethers.id("readings"), items.slice(0, 1)),
  );
  const settleRest = await gasOf(
    f.settlement.connect(f.marketOperator).settle(f.sessionId, hre.ethers.id("readings"), items.slice(1)),
  );
  // Rewards stay locked for the token's hold period: the reference transfer comes after it.
  await time.increase(Number(await f.token.HOLD_SECONDS()));
  const transfer = await gasOf(f.token.connect(f.customer1).transfer(f.customer2.address, 1n));

  const postPerAward = (post + seal) / n;
  const settlePerAward = settleRest / (n - 1);
  console.log(`session of ${n} awards (Tor di Valle, slot 50)`);
  console.log(`post awards + seal: ${post + seal} gas → ${postPerAward.toFixed(0)} gas per PoD-slot`);
  console.log(
    `settle 1 award alone: ${settleFirst} gas; ${n - 1} in one call: ${settlePerAward.toFixed(0)} gas per PoD-slot`,
  );
  console.log(`reference: reward-token transfer ${transfer} gas`);
  console.log(
    `ratio posting / transfer: ${(postPerAward / transfer).toFixed(1)}x, settlement / transfer: ${(settlePerAward / transfer).toFixed(1)}x`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
