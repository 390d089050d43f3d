// Deploys RoleRegistry + LightNodeRegistry + MeasurementAnchor with the BAL and DSO roles granted.
import { ethers } from "hardhat";
import { ROLES } from "../helpers/roles";

export async function deployBal() {
  const [admin, bal, dso, stranger] = await ethers.getSigners();
  const roles = await ethers.deployContract("RoleRegistry", [admin.address]);
  await roles.grantRole(ROLES.BAL_ANCHOR, bal.address);
  await roles.grantRole(ROLES.DSO, dso.address);
  const registry = await ethers.deployContract("LightNodeRegistry", [await roles.getAddress()]);
  const anchor = await ethers.deployContract("MeasurementAnchor", [
    await roles.getAddress(),
    await registry.getAddress(),
  ]);
  const { chainId } = await ethers.provider.getNetwork();
  return { admin, bal, dso, stranger, roles, registry, anchor, chainId: Number(chainId) };
}
