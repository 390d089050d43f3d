// Runs every deploy step against a Hardhat runtime, idempotently, and returns the address book.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Deployment } from "../../protocol";
import type { Signer } from "ethers";
import { createDeployContext, deployerOnlyAccounts, namedAccounts, readBook, writeBook } from "./context";
import type { RoleManifest } from "./targets";
import { deploySteps } from "./steps";

export async function deployAll(
  hre: HardhatRuntimeEnvironment,
  options: {
    network?: string;
    dir?: string;
    log?: (m: string) => void;
    /** Production: the deployer (key from env or keystore) and the role manifest; local chains use the demo's. */
    deployer?: Signer;
    manifest?: RoleManifest;
  } = {},
): Promise<Deployment> {
  const network = options.network ?? hre.network.name;
  const log = options.log ?? ((m: string) => console.log(m));
  const accounts = options.deployer ? deployerOnlyAccounts(options.deployer) : await namedAccounts(hre);
  const deployer = accounts.admin;
  // The chain id is the node's, whatever any config says.
  const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
  const book = readBook(network, chainId, await deployer.getAddress(), options.dir);
  const ctx = createDeployContext(hre, deployer, accounts, book, log, options.dir, options.manifest);
  for (const step of deploySteps) {
    log(`step ${step.name}`);
    await step.deploy(ctx);
  }
  writeBook(book, options.dir);
  return book;
}
