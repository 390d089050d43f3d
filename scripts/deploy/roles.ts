// Deploy step: the platform's RoleRegistry. On a local chain the demo's named accounts get their roles; on a
// production target the role manifest says who holds what, and ADMIN is handed to the manifest's multisig or
// timelock (two steps: it accepts after the RoleRegistry's delay).
import type { Signer } from "ethers";
import type { DeployContext, DeployStep } from "./context";

export const rolesStep: DeployStep = {
  name: "roles",
  async deploy(ctx) {
    const address = await ctx.deploy("RoleRegistry", "RoleRegistry", [await ctx.deployer.getAddress()]);
    if (ctx.manifest) await grantFromManifest(ctx, address);
    else await grantDemoRoles(ctx, address);
  },
};

async function grantFromManifest(ctx: DeployContext, address: string): Promise<void> {
  const { hre, manifest } = ctx;
  const registry = await hre.ethers.getContractAt("RoleRegistry", address, ctx.deployer);
  for (const [roleName, accounts] of Object.entries(manifest!.roles)) {
    const role = hre.ethers.id(roleName);
    const missing: string[] = [];
    for (const [i, account] of accounts.entries()) {
      ctx.recordAccount(`${roleName}:${i}`, account);
      if (!(await registry.hasRole(role, account))) missing.push(account);
    }
    if (missing.length === 0) continue;
    await (await registry.grantRoleBatch(role, missing)).wait();
    ctx.log(`granted ${roleName} to ${missing.join(", ")}`);
  }
  const admin = manifest!.admin;
  ctx.recordAccount("admin", admin);
  const current = await registry.defaultAdmin();
  if (current.toLowerCase() === admin.toLowerCase()) return;
  const [pending] = await registry.pendingDefaultAdmin();
  if (pending.toLowerCase() === admin.toLowerCase()) {
    ctx.log(`ADMIN transfer to ${admin} pending: it accepts with acceptDefaultAdminTransfer() after the delay`);
    return;
  }
  await (await registry.beginDefaultAdminTransfer(admin)).wait();
  const delay = await registry.defaultAdminDelay();
  ctx.log(`ADMIN transfer to ${admin} started: it accepts with acceptDefaultAdminTransfer() after ${delay} s`);
}

async function grantDemoRoles(ctx: DeployContext, address: string): Promise<void> {
  const { hre, accounts } = ctx;
  const registry = await hre.ethers.getContractAt("RoleRegistry", address, ctx.deployer);
  const grants: [string, string, Signer][] = [
    ["DSO", "dso", accounts.dso],
    ["DSO_ORACLE", "dsoOracle", accounts.dsoOracle],
    ["TSO", "tso", accounts.tso],
    ["MARKET_OPERATOR", "marketOperator", accounts.marketOperator],
    ["BAL_ANCHOR", "balAnchor", accounts.balAnchor],
    ...Object.entries(accounts.aggregators).map(
      ([name, signer]) => ["AGGREGATOR", `aggregator:${name}`, signer] as [string, string, Signer],
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
}
