// The production deploy path: targets and role manifests parsed at the boundary, the deployer from env or an
// encrypted keystore, roles from the manifest and ADMIN handed to the manifest's multisig/timelock in two steps.
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre, { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { encryptKeystoreJsonSync, Wallet } from "ethers";
import { deployAll } from "../scripts/deploy/deploy-all";
import { loadDeployer, loadManifest, loadTargets, type RoleManifest } from "../scripts/deploy/targets";
import { ROLES } from "./helpers/roles";

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), "flexgrid-prod-"));
}

describe("production deploy path", function () {
  it("parses targets and refuses a malformed one, naming the field", function () {
    const dir = tempDir();
    const file = path.join(dir, "networks.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        "besu-qbft": { urlEnv: "X", evmVersion: "london", deployer: { keyEnv: "K" }, manifest: "m.json" },
      }),
    );
    expect(loadTargets(file)["besu-qbft"]!.evmVersion).to.equal("london");
    fs.writeFileSync(file, JSON.stringify({ bad: { url: "http://x", urlEnv: "Y", deployer: {}, manifest: "m" } }));
    expect(() => loadTargets(file)).to.throw(/bad\.deployer|exactly one of url and urlEnv/);
  });

  it("loads the deployer from an env key or an encrypted keystore", async function () {
    const dir = tempDir();
    const file = path.join(dir, "networks.json");
    const wallet = Wallet.createRandom();
    fs.writeFileSync(
      path.join(dir, "deployer.json"),
      encryptKeystoreJsonSync({ address: wallet.address, privateKey: wallet.privateKey }, "s3cret", {
        scrypt: { N: 1 << 10 },
      }),
    );
    const fromEnv = await loadDeployer(
      { url: "http://x", evmVersion: "cancun", deployer: { keyEnv: "KEY" }, manifest: "m" },
      ethers.provider,
      { KEY: wallet.privateKey },
      file,
    );
    expect(await fromEnv.getAddress()).to.equal(wallet.address);
    const keystoreTarget = {
      url: "http://x",
      evmVersion: "cancun" as const,
      deployer: { keystore: "deployer.json", passwordEnv: "PW" },
      manifest: "m",
    };
    const fromKeystore = await loadDeployer(keystoreTarget, ethers.provider, { PW: "s3cret" }, file);
    expect(await fromKeystore.getAddress()).to.equal(wallet.address);
    const missing = await loadDeployer(keystoreTarget, ethers.provider, {}, file).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(missing).to.match(/\$PW/);
  });

  it("grants the manifest's roles and hands ADMIN to its multisig after the delay, idempotently", async function () {
    const signers = await ethers.getSigners();
    const [deployer, dso, oracle, tso, operator, agg, bal, guardian, multisig] = signers;
    const manifest: RoleManifest = {
      admin: multisig!.address,
      roles: {
        DSO: [dso!.address],
        DSO_ORACLE: [oracle!.address],
        TSO: [tso!.address],
        MARKET_OPERATOR: [operator!.address],
        AGGREGATOR: [agg!.address],
        BAL_ANCHOR: [bal!.address],
        GUARDIAN: [guardian!.address],
      },
    };
    const dir = tempDir();
    const logs: string[] = [];
    const run = () => deployAll(hre, { network: "prod", dir, deployer, manifest, log: (m) => logs.push(m) });
    const book = await run();
    const roles = await ethers.getContractAt("RoleRegistry", book.contracts.RoleRegistry!.address);
    for (const [name, accounts] of Object.entries(manifest.roles)) {
      for (const a of accounts) expect(await roles.hasRole(ROLES[name as keyof typeof ROLES], a), name).to.equal(true);
    }
    // No demo scheme for anyone; the wiring is done.
    expect(Object.keys(book.accounts).some((k) => k.startsWith("scheme:"))).to.equal(false);
    const market = await ethers.getContractAt("FlexMarket", book.contracts.FlexMarket!.address);
    expect(await market.challengeContract()).to.equal(book.contracts.MeritOrderChallenge!.address);
    expect((await roles.pendingDefaultAdmin())[0]).to.equal(multisig!.address);
    await expect(roles.connect(multisig!).acceptDefaultAdminTransfer()).to.be.revertedWithCustomError(
      roles,
      "AccessControlEnforcedDefaultAdminDelay",
    );
    await time.increase(2 * 24 * 3600 + 1);
    await roles.connect(multisig!).acceptDefaultAdminTransfer();
    expect(await roles.defaultAdmin()).to.equal(multisig!.address);
    expect(await roles.hasRole(ROLES.ADMIN, deployer!.address)).to.equal(false);

    logs.length = 0;
    await run();
    expect(logs.filter((m) => m.includes("deployed at") || m.includes("granted"))).to.deep.equal([]);
  });

  it("ships a demo target and manifest that parse", function () {
    const targets = loadTargets();
    expect(targets["besu-local"]).to.not.equal(undefined);
    expect(loadManifest(targets["besu-local"]!).roles.GUARDIAN.length).to.equal(1);
  });
});
