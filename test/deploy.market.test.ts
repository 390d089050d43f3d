// The market deploy step: deploys the four market contracts after the roles step, wires the calendar, and is
// idempotent (a second run deploys nothing).
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { createDeployContext, namedAccounts, readBook } from "../scripts/deploy/context";
import { rolesStep } from "../scripts/deploy/roles";
import { marketStep } from "../scripts/deploy/market";

const MARKET_CONTRACTS = ["PodRegistry", "FlexMarket", "DynamicTrafficLight", "MarketDataNotary"];

describe("market deploy step", function () {
  it("deploys and wires the market contracts once", async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flexgrid-deploy-"));
    const accounts = await namedAccounts(hre);
    const deployer = accounts.admin;
    const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
    const logs: string[] = [];
    const run = async () => {
      const book = readBook("unit", chainId, await deployer.getAddress(), dir);
      const ctx = createDeployContext(hre, deployer, accounts, book, (m) => logs.push(m), dir);
      await rolesStep.deploy(ctx);
      await marketStep.deploy(ctx);
      return book;
    };
    const first = await run();
    for (const name of MARKET_CONTRACTS) expect(first.contracts[name], name).to.not.equal(undefined);
    const registry = await hre.ethers.getContractAt("PodRegistry", first.contracts.PodRegistry!.address);
    expect(await registry.calendar()).to.equal(first.contracts.FlexMarket!.address);
    const market = await hre.ethers.getContractAt("FlexMarket", first.contracts.FlexMarket!.address);
    expect(await market.podRegistry()).to.equal(first.contracts.PodRegistry!.address);

    logs.length = 0;
    const second = await run();
    for (const name of MARKET_CONTRACTS) {
      expect(second.contracts[name]!.address).to.equal(first.contracts[name]!.address);
    }
    expect(logs.filter((m) => m.includes("deployed at"))).to.deep.equal([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
