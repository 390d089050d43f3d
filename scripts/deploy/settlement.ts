// Deploy step: the merit-order challenge over FlexMarket, the remuneration-scheme factory and the settlement (which
// deploys the reward token); on a local chain each demo aggregator gets a default scheme (±30 %).
import type { DeployStep } from "./context";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

export const settlementStep: DeployStep = {
  name: "settlement",
  async deploy(ctx) {
    if (!ctx.book.contracts.FlexMarket) {
      ctx.log("settlement: skipped, FlexMarket is not deployed (the market step runs first)");
      return;
    }
    const roles = ctx.address("RoleRegistry");
    const challenge = await ctx.deploy("MeritOrderChallenge", "MeritOrderChallenge", [ctx.address("FlexMarket")]);
    const podRegistry = ctx.address("PodRegistry");
    const factory = await ctx.deploy("RemunerationSchemeFactory", "RemunerationSchemeFactory", [roles, podRegistry]);
    const settlementAddress = await ctx.deploy("Settlement", "Settlement", [roles, challenge, factory]);
    const settlement = await ctx.hre.ethers.getContractAt("Settlement", settlementAddress, ctx.deployer);
    // One-time wiring (each setter refuses a second call, so a re-run checks before it writes).
    const registry = await ctx.hre.ethers.getContractAt("PodRegistry", podRegistry, ctx.deployer);
    if ((await registry.schemeFactory()) === ZERO_ADDRESS) {
      await (await registry.setSchemeFactory(factory)).wait();
      ctx.log(`PodRegistry: remuneration schemes from ${factory}`);
    }
    const market = await ctx.hre.ethers.getContractAt("FlexMarket", ctx.address("FlexMarket"), ctx.deployer);
    if ((await market.challengeContract()) === ZERO_ADDRESS) {
      await (await market.setChallenge(challenge)).wait();
      ctx.log(`FlexMarket: results voided only by MeritOrderChallenge ${challenge}`);
    }
    if (!ctx.book.contracts.RewardToken) {
      // Deployed by the Settlement's constructor: recorded with its block so indexers start there.
      ctx.book.contracts.RewardToken = {
        address: await settlement.rewardToken(),
        blockNumber: ctx.book.contracts.Settlement!.blockNumber,
      };
      ctx.log(`RewardToken: at ${ctx.book.contracts.RewardToken.address} (deployed by Settlement)`);
    }
    const schemes = await ctx.hre.ethers.getContractAt("RemunerationSchemeFactory", factory, ctx.deployer);
    const d = await schemes.defaultParameters();
    const defaults = { toleranceBps: d.toleranceBps, rewardShareBps: d.rewardShareBps, penaltyBps: d.penaltyBps };
    for (const [name, signer] of Object.entries(ctx.accounts.aggregators)) {
      const aggregator = await signer.getAddress();
      if ((await schemes.schemesOf(aggregator)).length > 0) continue;
      await (await schemes.connect(signer).createScheme(defaults)).wait();
      const [scheme] = await schemes.schemesOf(aggregator);
      ctx.recordAccount(`scheme:${name}`, scheme!);
      ctx.log(`default remuneration scheme of ${name}: ${scheme}`);
    }
  },
};
