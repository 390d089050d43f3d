// `npm run deploy -- --network <name>`: deploys (or completes) FlexGrid on a chain and writes deployments/<network>.json.
// A network listed in scripts/deploy/networks.json is a production target: its deployer key comes from env or an
// encrypted keystore, its roles from its manifest (ADMIN handed to a multisig or timelock), and the contracts must be
// compiled for its EVM version (FLEXGRID_EVM_VERSION). Any other network (hardhat, localhost) gets the demo roles.
import hre from "hardhat";
import { deploymentPath } from "../protocol";
import { deployAll } from "./deploy/deploy-all";
import { compiledEvmVersion, loadDeployer, loadManifest, loadTargets } from "./deploy/targets";

async function main() {
  const target = loadTargets()[hre.network.name];
  if (!target) return deployAll(hre);
  const compiled = compiledEvmVersion();
  if (compiled !== target.evmVersion) {
    throw new Error(
      `${hre.network.name} runs EVM ${target.evmVersion} but the contracts are compiled for ${compiled}: ` +
        `FLEXGRID_EVM_VERSION=${target.evmVersion} npm run deploy -- --network ${hre.network.name}`,
    );
  }
  const deployer = await loadDeployer(target, hre.ethers.provider);
  const chainId = (await hre.ethers.provider.getNetwork()).chainId;
  console.log(`${hre.network.name}: chain id ${chainId} (from the node), deployer ${await deployer.getAddress()}`);
  return deployAll(hre, { deployer, manifest: loadManifest(target) });
}

main()
  .then((book) =>
    console.log(`address book: ${deploymentPath(book.network)} (${Object.keys(book.contracts).length} contracts)`),
  )
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
