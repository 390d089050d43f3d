// Deploy step: the platform's RoleRegistry, and on a local chain the demo's named accounts in their roles.
import type { DeployStep } from "./context";

export const rolesStep: DeployStep = {
  name: "roles",
  async deploy(ctx) {
    const { hre, accounts } = ctx;
    const address = await ctx.deploy("RoleRegistry", "RoleRegistry", [await ctx.deployer.getAddress()]);
    const registry = await hre.ethers.getContractAt("RoleRegistry", address, ctx.deployer);
    const grants: [string, string, import("ethers").Signer][] = [
      ["DSO", "dso", accounts.dso],
      ["DSO_ORACLE", "dsoOracle", accounts.dsoOracle],
      ["TSO", "tso", accounts.tso],
      ["MARKET_OPERATOR", "marketOperator", accounts.marketOperator],
      ["BAL_ANCHOR", "balAnchor", accounts.balAnchor],
      ...Object.entries(accounts.aggregators).map(
        ([name, signer]) => ["AGGREGATOR", `aggregator:${name}`, signer] as [string, string, import("ethers").Signer],
      ),
    ];
    ctx.recordAccount("admin", await accounts.admin.getAddress());
    for (const [roleName, accountName, signer] of grants) {
      const role = hre.ethers.id(roleName);
      const account = await signer.getAddress();
      ctx.recordAccount(accountName, account);
      if (await registry.hasRole(role, account)) continue;
      await (await registry.grantRole(role, account)).wait();
      ctx.log(`granted ${roleName} to ${accountName} (${account})`);
    }
  },
};
