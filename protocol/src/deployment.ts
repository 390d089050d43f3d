// The address book written by scripts/deploy.ts (deployments/<network>.json) and read by every off-chain part.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { FlexGridError, parseWith } from "./errors";

const addressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte hex address");

export const deploymentSchema = z.object({
  network: z.string(),
  chainId: z.number().int().positive(),
  deployer: addressSchema,
  contracts: z.record(
    z.string(),
    z.object({ address: addressSchema, blockNumber: z.number().int().min(0), transactionHash: z.string().optional() }),
  ),
  /** Named accounts and their roles on the local chain (for the launcher and the demo). */
  accounts: z.record(z.string(), addressSchema).default({}),
});
export type Deployment = z.infer<typeof deploymentSchema>;

export const DEPLOYMENTS_DIR = path.resolve(__dirname, "..", "..", "deployments");

export function deploymentPath(network: string, dir = DEPLOYMENTS_DIR): string {
  return path.join(dir, `${network}.json`);
}

export class DeploymentNotFoundError extends FlexGridError {
  constructor(file: string) {
    super(
      `no deployment at ${file}: run \`npm run deploy -- --network <network>\` (or \`npm start\`) first`,
      "NO_DEPLOYMENT",
    );
  }
}

export function loadDeployment(network: string, dir = DEPLOYMENTS_DIR): Deployment {
  const file = deploymentPath(network, dir);
  if (!existsSync(file)) throw new DeploymentNotFoundError(file);
  return parseWith(deploymentSchema, JSON.parse(readFileSync(file, "utf8")), file);
}

/** Address of a deployed contract by name; throws naming the contract when it is not in the book. */
export function contractAddress(deployment: Deployment, name: string): `0x${string}` {
  const entry = deployment.contracts[name];
  if (!entry)
    throw new FlexGridError(`contract ${name} is not in the ${deployment.network} address book`, "NO_CONTRACT");
  return entry.address as `0x${string}`;
}
