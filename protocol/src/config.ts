// The typed configuration of every FlexGrid process, read from the environment once at start-up. Unset URLs mean
// "use the embedded default" (in-process chain, aedes broker, PGlite); a bad value fails with the variable's name.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ConfigError } from "./errors";

const url = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine(
      (value) => URL.canParse(value) && protocols.includes(new URL(value).protocol),
      `protocol must be one of ${protocols.join(", ")}`,
    );
const port = z.coerce.number().int().min(1).max(65535);
const privateKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key");

/** Each variable, its schema and its default: the single list the README's configuration table follows. */
const variables = {
  RPC_URL: url(["http:", "https:", "ws:", "wss:"]).optional(),
  MQTT_URL: url(["mqtt:", "mqtts:", "ws:", "wss:", "tcp:"]).optional(),
  DATABASE_URL: url(["postgres:", "postgresql:"]).optional(),
  CHAIN_ID: z.coerce.number().int().positive().default(31337),
  NETWORK: z
    .string()
    .regex(/^[a-z0-9-]+$/, "lowercase letters, digits and dashes")
    .default("localhost"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  FLEXGRID_DATA_DIR: z.string().min(1).default(".flexgrid"),
  RPC_PORT: port.default(8545),
  MQTT_PORT: port.default(1884),
  BAL_PORT: port.default(8081),
  SUBGRAPH_PORT: port.default(8000),
  DAPP_PORT: port.default(5173),
  DEPLOYER_PRIVATE_KEY: privateKey.optional(),
  DSO_ORACLE_PRIVATE_KEY: privateKey.optional(),
  MARKET_OPERATOR_PRIVATE_KEY: privateKey.optional(),
  BAL_ANCHOR_PRIVATE_KEY: privateKey.optional(),
} as const;

type Variables = { [K in keyof typeof variables]: z.infer<(typeof variables)[K]> };

export interface FlexGridConfig {
  rpcUrl?: string;
  mqttUrl?: string;
  databaseUrl?: string;
  chainId: number;
  network: string;
  logLevel: Variables["LOG_LEVEL"];
  dataDir: string;
  ports: { rpc: number; mqtt: number; bal: number; subgraph: number; dapp: number };
  keys: {
    deployer?: `0x${string}`;
    dsoOracle?: `0x${string}`;
    marketOperator?: `0x${string}`;
    balAnchor?: `0x${string}`;
  };
}

/** The variables that hold secrets: each may instead be read from the file named by `<NAME>_FILE` (as container
 * secrets and systemd credentials are mounted), so that a key never has to sit in an environment a `ps e` shows. */
export const SECRET_VARIABLES = [
  "DEPLOYER_PRIVATE_KEY",
  "DSO_ORACLE_PRIVATE_KEY",
  "MARKET_OPERATOR_PRIVATE_KEY",
  "BAL_ANCHOR_PRIVATE_KEY",
  "DATABASE_URL",
  "MQTT_URL",
] as const;

/** Reads a secret from a file, refusing one that its group or others can read or write: a key file left
 * world-readable is a leaked key, and failing at start-up is the only moment the operator is watching. */
export function readSecretFile(variable: string, file: string): string {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    throw new ConfigError(`${variable}_FILE`, `${file}: ${(error as Error).message}`);
  }
  if (process.platform !== "win32" && (mode & 0o077) !== 0)
    throw new ConfigError(
      `${variable}_FILE`,
      `${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}): chmod 600 it`,
    );
  return readFileSync(file, "utf8").trim();
}

/** Reads and checks every FlexGrid variable; throws a ConfigError naming the first bad one. */
export function loadConfig(env: Record<string, string | undefined> = process.env): FlexGridConfig {
  const values = {} as Record<string, unknown>;
  for (const [name, schema] of Object.entries(variables)) {
    const file = (SECRET_VARIABLES as readonly string[]).includes(name) ? env[`${name}_FILE`] : undefined;
    if (file && env[name]) throw new ConfigError(name, `set either ${name} or ${name}_FILE, not both`);
    const raw = file ? readSecretFile(name, file) : env[name];
    const result = (schema as z.ZodType).safeParse(raw === "" ? undefined : raw);
    if (!result.success)
      throw new ConfigError(name, `${JSON.stringify(raw)}: ${result.error.issues.map((i) => i.message).join("; ")}`);
    values[name] = result.data;
  }
  const v = values as Variables;
  return {
    rpcUrl: v.RPC_URL,
    mqttUrl: v.MQTT_URL,
    databaseUrl: v.DATABASE_URL,
    chainId: v.CHAIN_ID,
    network: v.NETWORK,
    logLevel: v.LOG_LEVEL,
    dataDir: path.resolve(v.FLEXGRID_DATA_DIR),
    ports: { rpc: v.RPC_PORT, mqtt: v.MQTT_PORT, bal: v.BAL_PORT, subgraph: v.SUBGRAPH_PORT, dapp: v.DAPP_PORT },
    keys: {
      deployer: v.DEPLOYER_PRIVATE_KEY as `0x${string}` | undefined,
      dsoOracle: v.DSO_ORACLE_PRIVATE_KEY as `0x${string}` | undefined,
      marketOperator: v.MARKET_OPERATOR_PRIVATE_KEY as `0x${string}` | undefined,
      balAnchor: v.BAL_ANCHOR_PRIVATE_KEY as `0x${string}` | undefined,
    },
  };
}

/** The variable names, for `flexgrid config` and the README. */
export const configVariableNames = Object.keys(variables);
