// Runs every deploy step against a Hardhat runtime, idempotently, and returns the address book.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Deployment } from "../../protocol";
import { createDeployContext, namedAccounts, readBook, writeBook } from "./context";
import { deploySteps } from "./steps";

export async function deployAll(
  hre: HardhatRuntimeEnvironment,
  options: { network?: string; dir?: string; log?: (m: string) => void } = {},
): Promise<Deployment> {
  const network = options.network ?? hre.network.name;
  const log = options.log ?? ((m: string) => console.log(m));
  const accounts = await namedAccounts(hre);
  const deployer = accounts.admin;
  const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
  const book = readBook(network, chainId, await deployer.getAddress(), options.dir);
  const ctx = createDeployContext(hre, deployer, accounts, book, log, options.dir);
  for (const step of deploySteps) {
    log(`step ${step.name}`);
    await step.deploy(ctx);
  }
  writeBook(book, options.dir);
  return book;
}
