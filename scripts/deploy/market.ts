// Deploy step: the market platform contracts (PodRegistry, FlexMarket, DynamicTrafficLight, MarketDataNotary),
// wired together: the registry reads day-ahead gate closures from the market to freeze baselines.
import type { DeployStep } from "./context";

export const marketStep: DeployStep = {
  name: "market",
  async deploy(ctx) {
    const roles = ctx.address("RoleRegistry");
    const registryAddress = await ctx.deploy("PodRegistry", "PodRegistry", [roles]);
    const marketAddress = await ctx.deploy("FlexMarket", "FlexMarket", [roles, registryAddress]);
    const lightsAddress = await ctx.deploy("DynamicTrafficLight", "DynamicTrafficLight", [roles, marketAddress]);
    await ctx.deploy("MarketDataNotary", "MarketDataNotary", [roles]);
    const registry = await ctx.hre.ethers.getContractAt("PodRegistry", registryAddress, ctx.deployer);
    if ((await registry.calendar()).toLowerCase() !== marketAddress.toLowerCase()) {
      await (await registry.setCalendar(marketAddress)).wait();
      ctx.log(`PodRegistry: calendar set to FlexMarket ${marketAddress}`);
    }
    const market = await ctx.hre.ethers.getContractAt("FlexMarket", marketAddress, ctx.deployer);
    if ((await market.trafficLightContract()) === "0x0000000000000000000000000000000000000000") {
      await (await market.setTrafficLight(lightsAddress)).wait();
      ctx.log(`FlexMarket: TSO awards bounded by DynamicTrafficLight ${lightsAddress}`);
    }
  },
};
