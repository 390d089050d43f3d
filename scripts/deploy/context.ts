// What a deploy step gets: the Hardhat runtime, the deployer, named accounts, and an idempotent `deploy` that
// skips a contract already in the address book (and still holding code) and records new ones.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer } from "ethers";
import { deploymentPath, deploymentSchema, parseWith, type Deployment } from "../../protocol";
import type { RoleManifest } from "./targets";

export interface NamedAccounts {
  admin: Signer;
  dso: Signer;
  dsoOracle: Signer;
  tso: Signer;
  marketOperator: Signer;
  balAnchor: Signer;
  /** Aggregators by the names used in the demo data (ACEAE, ACEAE_2). */
  aggregators: Record<string, Signer>;
}

export interface DeployContext {
  hre: HardhatRuntimeEnvironment;
  deployer: Signer;
  accounts: NamedAccounts;
  book: Deployment;
  /** Production: who holds which role, and the admin (multisig or timelock) the deployer hands ADMIN to. Without
   * one (a local chain) the demo's named accounts get their roles. */
  manifest?: RoleManifest;
  log(message: string): void;
  /** Deploys `contractName` as `name` unless the book already has it on chain; returns its address. */
  deploy(name: string, contractName: string, args?: unknown[]): Promise<string>;
  /** Address of a contract deployed by an earlier step; throws naming it when missing. */
  address(name: string): string;
  /** Records an account in the book (for the launcher, the dApp and the demo). */
  recordAccount(name: string, address: string): void;
}

export interface DeployStep {
  name: string;
  deploy(ctx: DeployContext): Promise<void>;
}

export function readBook(network: string, chainId: number, deployer: string, dir?: string): Deployment {
  const file = deploymentPath(network, dir);
  if (existsSync(file)) {
    const book = parseWith(deploymentSchema, JSON.parse(readFileSync(file, "utf8")), file);
    if (book.chainId === chainId) return book;
  }
  return { network, chainId, deployer, contracts: {}, accounts: {} };
}

export function writeBook(book: Deployment, dir?: string): string {
  const file = deploymentPath(book.network, dir);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(book, null, 2)}\n`);
  return file;
}

/** Signers 0..7 of the local chain (Hardhat's well-known accounts) in the demo's roles. */
export async function namedAccounts(hre: HardhatRuntimeEnvironment): Promise<NamedAccounts> {
  const [admin, dso, dsoOracle, tso, marketOperator, balAnchor, aceae, aceae2] = await hre.ethers.getSigners();
  if (!aceae2) throw new Error("the network needs at least 8 accounts for the named roles");
  return {
    admin: admin!,
    dso: dso!,
    dsoOracle: dsoOracle!,
    tso: tso!,
    marketOperator: marketOperator!,
    balAnchor: balAnchor!,
    aggregators: { ACEAE: aceae!, ACEAE_2: aceae2 },
  };
}

/** A production deploy has no named demo accounts: every slot is the deployer, and no aggregator gets a scheme. */
export function deployerOnlyAccounts(deployer: Signer): NamedAccounts {
  return {
    admin: deployer,
    dso: deployer,
    dsoOracle: deployer,
    tso: deployer,
    marketOperator: deployer,
    balAnchor: deployer,
    aggregators: {},
  };
}

export function createDeployContext(
  hre: HardhatRuntimeEnvironment,
  deployer: Signer,
  accounts: NamedAccounts,
  book: Deployment,
  log: (m: string) => void,
  dir?: string,
  manifest?: RoleManifest,
): DeployContext {
  return {
    hre,
    deployer,
    accounts,
    book,
    manifest,
    log,
    async deploy(name, contractName, args = []) {
      const existing = book.contracts[name];
      if (existing && (await hre.ethers.provider.getCode(existing.address)) !== "0x") {
        log(`${name}: already at ${existing.address}`);
        return existing.address;
      }
      const contract = await hre.ethers.deployContract(contractName, args, deployer);
      const receipt = await contract.deploymentTransaction()!.wait();
      const address = await contract.getAddress();
      book.contracts[name] = { address, blockNumber: receipt!.blockNumber, transactionHash: receipt!.hash };
      writeBook(book, dir);
      log(`${name}: deployed at ${address} (block ${receipt!.blockNumber})`);
      return address;
    },
    address(name) {
      const entry = book.contracts[name];
      if (!entry) throw new Error(`deploy step order: ${name} must be deployed before it is used`);
      return entry.address;
    },
    recordAccount(name, address) {
      book.accounts[name] = address;
    },
  };
}
