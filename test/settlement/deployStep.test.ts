// The settlement deploy step: deploys challenge, scheme factory and settlement after the market, records the
// reward token, gives each demo aggregator a default scheme, and deploys nothing the second time.
import { expect } from "chai";
import hre from "hardhat";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDeployContext, namedAccounts, readBook } from "../../scripts/deploy/context";
import { rolesStep } from "../../scripts/deploy/roles";
import { settlementStep } from "../../scripts/deploy/settlement";

describe("settlement deploy step", function () {
  it("deploys after the market, records the token and default schemes, and is idempotent", async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), "flexgrid-deploy-"));
    const accounts = await namedAccounts(hre);
    const book = readBook("test", 31337, await accounts.admin.getAddress(), dir);
    const logs: string[] = [];
    const ctx = createDeployContext(hre, accounts.admin, accounts, book, (m) => logs.push(m), dir);
    await rolesStep.deploy(ctx);
    await settlementStep.deploy(ctx);
    expect(logs.at(-1)).to.match(/skipped, FlexMarket is not deployed/);
    // What the market step (issue 5) deploys.
    const roles = ctx.address("RoleRegistry");
    const registry = await ctx.deploy("PodRegistry", "PodRegistry", [roles]);
    await ctx.deploy("FlexMarket", "FlexMarket", [roles, registry]);

    await settlementStep.deploy(ctx);
    const settlement = await hre.ethers.getContractAt("Settlement", book.contracts.Settlement!.address);
    expect(book.contracts.RewardToken!.address).to.equal(await settlement.rewardToken());
    const factory = await hre.ethers.getContractAt(
      "RemunerationSchemeFactory",
      book.contracts.RemunerationSchemeFactory!.address,
    );
    for (const [name, signer] of Object.entries(accounts.aggregators)) {
      const schemes = await factory.schemesOf(await signer.getAddress());
      expect(schemes).to.have.length(1);
      expect(book.accounts[`scheme:${name}`]).to.equal(schemes[0]);
    }
    const blockBefore = await hre.ethers.provider.getBlockNumber();
    await settlementStep.deploy(ctx);
    expect(await hre.ethers.provider.getBlockNumber()).to.equal(blockBefore);
  });
});
