// The dApp's runtime configuration, served as /config.json by dapp/serve.ts from the live address book: where the
// chain, the subgraph and the BAL answer (same-origin proxies), the deployed addresses and, on a local chain only,
// the named dev accounts. Parsed once at the edge; nothing secret is in it or in the bundle.
import { z } from "zod";
import { contractNames } from "./generated/contracts";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte hex address") as unknown as z.ZodType<`0x${string}`>;

export const runtimeConfigSchema = z.object({
  chainId: z.number().int().positive(),
  network: z.string(),
  rpcUrl: z.string().min(1),
  subgraphUrl: z.string().min(1),
  balUrl: z.string().min(1),
  walletConnectProjectId: z.string().optional(),
  contracts: z.record(z.enum(contractNames), address).or(z.record(z.string(), address)),
  /** Named accounts of the local chain (admin, dso, tso, aggregator:ACEAE, ...): the dev connector's list. */
  devAccounts: z.record(z.string(), address).default({}),
});
export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;

export class ConfigLoadError extends Error {}

/** Fetches and checks /config.json; a clear error names what is wrong rather than a blank page. */
export async function loadRuntimeConfig(url = "/config.json"): Promise<RuntimeConfig> {
  const response = await fetch(url);
  if (!response.ok)
    throw new ConfigLoadError(`${url} answered ${response.status}: is the dApp served by dapp/serve.ts?`);
  const parsed = runtimeConfigSchema.safeParse(await response.json());
  if (!parsed.success)
    throw new ConfigLoadError(
      `${url} is not a dApp configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

/** An absolute URL for a same-origin path (wallets and viem want absolute RPC URLs). */
export function absoluteUrl(url: string): string {
  return new URL(url, globalThis.location?.href ?? "http://localhost/").toString();
}
