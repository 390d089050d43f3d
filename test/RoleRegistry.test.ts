// RoleRegistry: the platform's single role store.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ROLES } from "./helpers/roles";

async function deployRoleRegistry() {
  const [admin, alice, bob] = await ethers.getSigners();
  const registry = await ethers.deployContract("RoleRegistry", [admin.address]);
  return { registry, admin, alice, bob };
}

describe("RoleRegistry", function () {
  describe("constructor", function () {
    it("gives the admin role to the given account", async function () {
      const { registry, admin } = await loadFixture(deployRoleRegistry);
      expect(await registry.hasRole(ROLES.ADMIN, admin.address)).to.equal(true);
    });
  });

  describe("grantRoleBatch", function () {
    it("grants a role to every listed account", async function () {
      const { registry, alice, bob } = await loadFixture(deployRoleRegistry);
      await registry.grantRoleBatch(ROLES.AGGREGATOR, [alice.address, bob.address]);
      expect(await registry.hasRole(ROLES.AGGREGATOR, alice.address)).to.equal(true);
      expect(await registry.hasRole(ROLES.AGGREGATOR, bob.address)).to.equal(true);
    });

    it("emits RoleGranted for each account", async function () {
      const { registry, admin, alice } = await loadFixture(deployRoleRegistry);
      await expect(registry.grantRoleBatch(ROLES.DSO, [alice.address]))
        .to.emit(registry, "RoleGranted")
        .withArgs(ROLES.DSO, alice.address, admin.address);
    });

    it("reverts for a caller without the role's admin role", async function () {
      const { registry, alice, bob } = await loadFixture(deployRoleRegistry);
      await expect(registry.connect(alice).grantRoleBatch(ROLES.DSO, [bob.address]))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, ROLES.ADMIN);
    });
  });
});
