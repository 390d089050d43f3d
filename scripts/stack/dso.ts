// Stack service: the DSO oracle (mapping, requests, traffic lights, validation, setpoint dispatch) on the local
// chain and broker, with the Tor di Valle demo network model.
import { startDsoService } from "../../oracles/dso/service/main";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { jsonFileAlarmSink, parseWith } from "../../protocol";
import type { StackContext, StackService } from "./types";

/** Hardhat's well-known account #2 (the address book's dsoOracle): only ever used on the local chain. */
const LOCAL_DSO_ORACLE_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

/** The broker account the BAL service created for the DSO oracle (scripts/stack/bal.ts), when it runs. */
function readDsoMqttCredentials(ctx: StackContext): { username: string; password: string } | undefined {
  const file = path.join(ctx.dataDir, "bal", "dso-mqtt.json");
  if (!existsSync(file)) return undefined;
  return parseWith(mqttCredentialsSchema, JSON.parse(readFileSync(file, "utf8")), file);
}

const mqttCredentialsSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

export const dsoService: StackService = {
  name: "DSO oracle",
  async start(ctx) {
    const local = ctx.config.chainId === 31337;
    const dsoOracle = ctx.config.keys.dsoOracle ?? (local ? LOCAL_DSO_ORACLE_KEY : undefined);
    const missing = ["FlexMarket", "PodRegistry", "DynamicTrafficLight"].filter((n) => !ctx.deployment.contracts[n]);
    if (missing.length > 0)
      // The market contracts' deploy step is not in the address book yet: nothing to watch, say so and idle.
      return { name: "DSO oracle", details: `idle: ${missing.join(", ")} not deployed`, stop: async () => undefined };
    const service = await startDsoService({
      config: { ...ctx.config, keys: { ...ctx.config.keys, dsoOracle } },
      deployment: ctx.deployment,
      rpcUrl: ctx.rpcUrl,
      mqttUrl: ctx.mqttUrl,
      mqttCredentials: readDsoMqttCredentials(ctx),
      databaseUrl: ctx.databaseUrl,
      // The DSO's network model (MATPOWER .m, pandapower or FlexGrid .json); default: the Tor di Valle demo model.
      ...(process.env.DSO_NETWORK_FILE ? { networkFile: process.env.DSO_NETWORK_FILE } : {}),
      alarmSink: jsonFileAlarmSink(path.join(ctx.dataDir, "alarms", "dso-oracle.json")),
      log: ctx.log.child({ service: "dso" }),
    });
    return {
      name: "DSO oracle",
      details: `network model ${service.oracle.study.network.name}; setpoints ${ctx.mqttUrl ? `over ${ctx.mqttUrl}` : "not dispatched (no broker)"}`,
      stop: () => service.stop(),
    };
  },
};
