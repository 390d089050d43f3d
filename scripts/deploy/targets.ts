// Production deploy targets: which EVM JSON-RPC networks exist (scripts/deploy/networks.json), how the deployer key
// is found (env or an encrypted keystore), which EVM version the target runs, and who holds which role once deployed
// (a role manifest per network). The chain id always comes from the node, never from this file.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { Wallet, type Provider, type Signer } from "ethers";

const addressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an 0x-prefixed 20-byte address");

/** EVM versions solc targets; a Besu QBFT network runs what its genesis milestones enable. */
export const EVM_VERSIONS = ["london", "paris", "shanghai", "cancun"] as const;
export type EvmVersion = (typeof EVM_VERSIONS)[number];
export const DEFAULT_EVM_VERSION: EvmVersion = "cancun";

export const targetSchema = z
  .object({
    /** JSON-RPC URL, or the name of the env variable holding it (URLs often carry credentials). */
    url: z.string().url().optional(),
    urlEnv: z.string().optional(),
    /** The EVM version the chain executes: contracts must be compiled for it (FLEXGRID_EVM_VERSION). */
    evmVersion: z.enum(EVM_VERSIONS).default(DEFAULT_EVM_VERSION),
    /** Where the deployer key comes from: a hex key in an env variable, or an encrypted JSON keystore file whose
     * password is in an env variable. */
    deployer: z.union([z.object({ keyEnv: z.string() }), z.object({ keystore: z.string(), passwordEnv: z.string() })]),
    /** The role manifest of this network (path relative to this file's folder). */
    manifest: z.string(),
  })
  .refine((t) => (t.url === undefined) !== (t.urlEnv === undefined), "give exactly one of url and urlEnv");
export type Target = z.infer<typeof targetSchema>;

export const targetsSchema = z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), targetSchema);

/** Who holds what once deployed. The deployer holds ADMIN only until `admin` (a multisig or a timelock) accepts. */
export const manifestSchema = z.object({
  /** The multisig or timelock the ADMIN role is handed to (two steps, after the RoleRegistry's delay). */
  admin: addressSchema,
  roles: z
    .object({
      DSO: z.array(addressSchema).default([]),
      DSO_ORACLE: z.array(addressSchema).default([]),
      TSO: z.array(addressSchema).default([]),
      MARKET_OPERATOR: z.array(addressSchema).default([]),
      AGGREGATOR: z.array(addressSchema).default([]),
      BAL_ANCHOR: z.array(addressSchema).default([]),
      GUARDIAN: z.array(addressSchema).default([]),
    })
    .strict(),
});
export type RoleManifest = z.infer<typeof manifestSchema>;

export const TARGETS_FILE = process.env.FLEXGRID_NETWORKS_FILE ?? path.join(__dirname, "networks.json");

/** The configured targets (none when the file is absent). Throws naming the field on a malformed file. */
export function loadTargets(file = TARGETS_FILE): Record<string, Target> {
  if (!existsSync(file)) return {};
  const parsed = targetsSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success)
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

/** The RPC URL of a target, from the file or its env variable. */
export function targetUrl(name: string, target: Target, env = process.env): string | undefined {
  if (target.url) return target.url;
  const url = env[target.urlEnv!];
  return url && url.length > 0 ? url : undefined;
}

export function loadManifest(target: Target, file = TARGETS_FILE): RoleManifest {
  const manifestFile = path.resolve(path.dirname(file), target.manifest);
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(manifestFile, "utf8")));
  if (!parsed.success) {
    throw new Error(
      `${manifestFile}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}

/** The deployer: a key from env, or an encrypted keystore decrypted with the password from env. */
export async function loadDeployer(
  target: Target,
  provider: Provider,
  env = process.env,
  file = TARGETS_FILE,
): Promise<Signer> {
  if ("keyEnv" in target.deployer) {
    const key = env[target.deployer.keyEnv];
    if (!key) throw new Error(`the deployer key is read from $${target.deployer.keyEnv}, which is not set`);
    return new Wallet(key, provider);
  }
  const password = env[target.deployer.passwordEnv];
  if (password === undefined)
    throw new Error(`the keystore password is read from $${target.deployer.passwordEnv}, which is not set`);
  const json = readFileSync(path.resolve(path.dirname(file), target.deployer.keystore), "utf8");
  return (await Wallet.fromEncryptedJson(json, password)).connect(provider);
}

/** The EVM version the contracts are compiled for (hardhat.config reads it too). */
export function compiledEvmVersion(env = process.env): EvmVersion {
  const v = env.FLEXGRID_EVM_VERSION ?? DEFAULT_EVM_VERSION;
  if (!(EVM_VERSIONS as readonly string[]).includes(v))
    throw new Error(`FLEXGRID_EVM_VERSION=${v}: use one of ${EVM_VERSIONS.join(", ")}`);
  return v as EvmVersion;
}
