// BAL service options from the environment (RPC_URL, MQTT_URL, DATABASE_URL, BAL_ANCHOR_PRIVATE_KEY, NETWORK,
// MQTT_PORT, BAL_PORT, FLEXGRID_DATA_DIR; BAL_BATCH_MAX, BAL_ANCHOR_INTERVAL_MS, BAL_CONFIRMATIONS, BAL_TX_TIMEOUT_MS,
// BAL_SHARE_GROUP, BAL_CLIENT_ID; BAL_DATABASE=pglite to force PGlite, see scd/databaseChoice.ts).
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { JsonRpcProvider, Wallet } from "ethers";
import { ConfigError, contractAddress, createLogger, loadConfig, loadDeployment } from "../../protocol";
import type { BalServiceOptions } from "./balService";
import { serviceCredentialSchema } from "./http/auth";

/** Builds the service options from the environment. */
export function balOptionsFromEnv(env: Record<string, string | undefined> = process.env): BalServiceOptions {
  const config = loadConfig(env);
  if (!config.keys.balAnchor)
    throw new ConfigError("BAL_ANCHOR_PRIVATE_KEY", "required: the wallet holding BAL_ANCHOR");
  const rpcUrl = config.rpcUrl ?? `http://127.0.0.1:${config.ports.rpc}`;
  const deployment = loadDeployment(config.network, env.FLEXGRID_DEPLOYMENTS_DIR);
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, pollingInterval: 250 });
  return {
    dataDir: path.join(config.dataDir, "bal"),
    databaseUrl: config.databaseUrl,
    chainId: deployment.chainId,
    addresses: {
      lightNodeRegistry: contractAddress(deployment, "LightNodeRegistry"),
      measurementAnchor: contractAddress(deployment, "MeasurementAnchor"),
      roleRegistry: deployment.contracts.RoleRegistry?.address,
      podRegistry: deployment.contracts.PodRegistry?.address,
    },
    signer: new Wallet(config.keys.balAnchor, provider),
    mqtt: config.mqttUrl
      ? { url: config.mqttUrl, shareGroup: env.BAL_SHARE_GROUP, clientId: env.BAL_CLIENT_ID }
      : undefined,
    broker: { port: config.ports.mqtt },
    http: {
      port: config.ports.bal,
      siweDomain: env.BAL_SIWE_DOMAIN,
      // [{ name, tokenSha256, allPods?, address? }]: the services' bearer tokens, hashed
      services: env.BAL_SERVICE_TOKENS_FILE
        ? z.array(serviceCredentialSchema).parse(JSON.parse(readFileSync(env.BAL_SERVICE_TOKENS_FILE, "utf8")))
        : undefined,
    },
    anchor: {
      maxBatch: Number(env.BAL_BATCH_MAX ?? 10_000),
      intervalMs: Number(env.BAL_ANCHOR_INTERVAL_MS ?? 5_000),
      ...(env.BAL_CONFIRMATIONS ? { confirmations: Number(env.BAL_CONFIRMATIONS) } : {}),
      ...(env.BAL_TX_TIMEOUT_MS ? { txTimeoutMs: Number(env.BAL_TX_TIMEOUT_MS) } : {}),
      // batches cut before checkpoints existed are searched from the contract's deployment, never from block 0
      fallbackFromBlock: deployment.contracts.MeasurementAnchor?.blockNumber ?? 0,
    },
    log: createLogger("bal", config.logLevel),
  };
}
