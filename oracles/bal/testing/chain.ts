// Test helper: the BAL contracts on Hardhat's in-process chain (loaded with require("hardhat") from mocha).
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { ethers as E } from "ethers";

export async function deployBalContracts() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hre = require("hardhat") as HardhatRuntimeEnvironment;
  const { ethers } = hre;
  const [admin, bal, dso, other] = await ethers.getSigners();
  const roles = await ethers.deployContract("RoleRegistry", [admin!.address]);
  await (await roles.grantRole(E.id("BAL_ANCHOR"), bal!.address)).wait();
  await (await roles.grantRole(E.id("DSO"), dso!.address)).wait();
  const registry = await ethers.deployContract("LightNodeRegistry", [await roles.getAddress()]);
  const anchor = await ethers.deployContract("MeasurementAnchor", [
    await roles.getAddress(),
    await registry.getAddress(),
  ]);
  const { chainId } = await ethers.provider.getNetwork();
  return {
    hre,
    admin: admin!,
    bal: bal!,
    dso: dso!,
    other: other!,
    chainId: Number(chainId),
    registryAddress: await registry.getAddress(),
    anchorAddress: await anchor.getAddress(),
    registry,
    anchor,
  };
}
