// Stack services of the BAL part: the BAL itself (embedded aedes broker unless MQTT_URL, SCD on PGlite unless
// DATABASE_URL, anchoring with the BAL_ANCHOR account) and, per demo PoD, a Modbus meter simulator + Light Node.
// MQTT credentials are handed over in files: <dataDir>/light-nodes/<pod>/mqtt.json for each node and
// <dataDir>/bal/dso-mqtt.json for the DSO oracle (publishes setpoints).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Wallet } from "ethers";
import { contractAddress } from "../../protocol";
import { loadScenario } from "../demo/scenario";
import { CredentialStore } from "../../oracles/bal/broker/credentials";
import { startBalService } from "../../oracles/bal/balService";
import { MeterSimulator } from "../../light-node/meter-simulator/meterSimulator";
import { LightNode } from "../../light-node/client/lightNode";
import type { StackContext, StackService } from "./types";
import { randomBytes } from "node:crypto";
import { serviceCredentialSchema, sha256Hex, type ServiceCredential } from "../../oracles/bal/http/auth";

/**
 * The BAL API's service tokens: those of BAL_SERVICE_TOKENS_FILE when set, else one for the local operator (reads
 * every PoD), kept in <data dir>/bal/operator-token with owner-only permissions for the CLI (`BAL_TOKEN`) and tests.
 */
function operatorServiceTokens(balDir: string): ServiceCredential[] {
  if (process.env.BAL_SERVICE_TOKENS_FILE)
    return serviceCredentialSchema.array().parse(JSON.parse(readFileSync(process.env.BAL_SERVICE_TOKENS_FILE, "utf8")));
  const tokenFile = path.join(balDir, "operator-token");
  if (!existsSync(tokenFile)) writeFileSync(tokenFile, randomBytes(32).toString("hex"), { mode: 0o600 });
  const token = readFileSync(tokenFile, "utf8").trim();
  return [{ name: "local-operator", tokenSha256: sha256Hex(token), allPods: true }];
}

interface DeviceCredentials {
  username: string;
  password: string;
}

function nodeDir(ctx: StackContext, pod: string): string {
  return path.join(ctx.dataDir, "light-nodes", pod);
}

/** Creates credentials once per device and writes the plain password next to the device's data. */
function ensureCredentials(
  store: CredentialStore,
  file: string,
  username: string,
  principal: Parameters<CredentialStore["add"]>[1],
): DeviceCredentials {
  if (existsSync(file) && store.has(username)) return JSON.parse(readFileSync(file, "utf8")) as DeviceCredentials;
  const password = store.add(username, principal);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ username, password }, null, 2), { mode: 0o600 });
  return { username, password };
}

export const balStackService: StackService = {
  name: "BAL",
  async start(ctx) {
    const balDir = path.join(ctx.dataDir, "bal");
    const credentialsFile = path.join(balDir, "mqtt-credentials.json");
    const credentials = CredentialStore.load(credentialsFile);
    for (const pod of loadScenario().pods)
      ensureCredentials(credentials, path.join(nodeDir(ctx, pod.pod), "mqtt.json"), pod.pod, {
        role: "node",
        pod: pod.pod,
      });
    ensureCredentials(credentials, path.join(balDir, "dso-mqtt.json"), "dso", { role: "dso" });
    credentials.save(credentialsFile);

    const services = operatorServiceTokens(balDir);
    const { provider } = ctx;
    const key = ctx.config.keys.balAnchor;
    const signer = key ? new Wallet(key, provider) : await provider.getSigner(ctx.deployment.accounts.balAnchor!);
    const bal = await startBalService({
      dataDir: balDir,
      databaseUrl: ctx.databaseUrl,
      chainId: ctx.deployment.chainId,
      addresses: {
        lightNodeRegistry: contractAddress(ctx.deployment, "LightNodeRegistry"),
        measurementAnchor: contractAddress(ctx.deployment, "MeasurementAnchor"),
        // The HTTP API's roles (DSO, a PoD's aggregator, its customer) come from these two.
        roleRegistry: contractAddress(ctx.deployment, "RoleRegistry"),
        podRegistry: contractAddress(ctx.deployment, "PodRegistry"),
      },
      signer,
      credentials,
      mqtt: ctx.config.mqttUrl ? { url: ctx.config.mqttUrl } : undefined,
      broker: { port: ctx.config.ports.mqtt },
      http: { port: ctx.config.ports.bal, services },
      log: ctx.log.child({ service: "bal" }),
    });
    ctx.mqttUrl = bal.brokerUrl;
    return {
      name: "BAL",
      url: bal.httpUrl,
      details: `MQTT ${bal.brokerUrl} (${ctx.config.mqttUrl ? "external" : "embedded aedes"}), SCD ${ctx.databaseUrl ? "PostgreSQL" : "PGlite"}, anchoring every 5 s or 10,000 readings`,
      stop: () => bal.stop(),
    };
  },
};

export const lightNodesStackService: StackService = {
  name: "Light Nodes",
  async start(ctx) {
    const scenario = loadScenario();
    const sims: MeterSimulator[] = [];
    const nodes: LightNode[] = [];
    for (const [i, pod] of scenario.pods.entries()) {
      // the profile peaks at 1.0 and sits near 0.93 at the scenario's 12:30 slot: scale so the baseline matches
      const sim = new MeterSimulator({
        peakW: Math.round((pod.baseline * 1000) / 0.93),
        cosPhi: pod.cosPhi,
        seed: i + 1,
      });
      await sim.start();
      sims.push(sim);
      const dir = nodeDir(ctx, pod.pod);
      const creds = JSON.parse(readFileSync(path.join(dir, "mqtt.json"), "utf8")) as DeviceCredentials;
      const node = new LightNode(
        {
          pod: pod.pod,
          dataDir: dir,
          mqtt: {
            url: ctx.mqttUrl ?? ctx.config.mqttUrl ?? `mqtt://127.0.0.1:${ctx.config.ports.mqtt}`,
            username: creds.username,
            password: creds.password,
          },
          meter: { transport: "tcp", host: "127.0.0.1", port: sim.port },
          readIntervalMs: 5_000,
          dsoAddress: ctx.deployment.accounts.dsoOracle!,
          ems: { kind: "modbus", link: { transport: "tcp", host: "127.0.0.1", port: sim.port } },
          dsoHealthUrl: `http://127.0.0.1:${ctx.config.ports.bal}/health`,
        },
        { logger: ctx.log.child({ service: `light-node:${pod.pod}` }) },
      );
      await node.start();
      nodes.push(node);
    }
    return {
      name: "Light Nodes",
      details: `${nodes.length} Light Nodes + Modbus meter simulators (${sims.map((s) => s.port).join(", ")}), a signed reading every 5 s`,
      async stop() {
        for (const n of nodes) await n.stop();
        for (const s of sims) await s.stop();
      },
    };
  },
};
