// The local stack for the dApp's end-to-end tests: `npm start`'s own launcher (scripts/start.ts) in a child process
// on free ports with its own data directory, then the dApp server (serve.ts) in front of it. Stops both at the end.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { startDapp, type DappDeployment, type RunningDapp } from "../serve";

const ROOT = path.resolve(__dirname, "..", "..");
const READY = /FlexGrid local stack ready/;
// The whole stack (compile, deploy, BAL on PGlite, subgraph build) took 6 min on a loaded 2-core machine.
const START_TIMEOUT_MS = 720_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface E2eStack {
  rpcUrl: string;
  subgraphUrl: string;
  balUrl: string;
  dappUrl: string;
  deployment: DappDeployment;
  /** The BAL API's operator service token (reads every PoD), as the stack wrote it to its data dir. */
  balToken(): string;
  /** The stack's log so far (for a failing test's message). */
  log(): string;
  stop(): Promise<void>;
}

/** A stack that already runs (E2E_REUSE_STACK=1 with RPC_PORT, SUBGRAPH_PORT, BAL_PORT): only the dApp is started. */
async function reuseRunningStack(): Promise<E2eStack> {
  const port = (name: string) => Number(process.env[name]);
  const deployment = JSON.parse(
    readFileSync(path.join(ROOT, "deployments", "localhost.json"), "utf8"),
  ) as DappDeployment;
  const urls = {
    rpcUrl: `http://127.0.0.1:${port("RPC_PORT")}`,
    subgraphUrl: `http://127.0.0.1:${port("SUBGRAPH_PORT")}/subgraphs/name/flexgrid`,
    balUrl: `http://127.0.0.1:${port("BAL_PORT")}`,
  };
  const dapp = await startDapp({ port: 0, ...urls, deployment });
  return {
    ...urls,
    dappUrl: dapp.url,
    deployment,
    balToken: () => process.env.BAL_TOKEN ?? "",
    log: () => "(reused stack: see its own log)",
    stop: () => dapp.stop(),
  };
}

export async function startE2eStack(options: { simulatedDay?: boolean } = {}): Promise<E2eStack> {
  if (process.env.E2E_REUSE_STACK === "1") return reuseRunningStack();
  const [rpc, mqtt, bal, subgraph, dappPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "flexgrid-dapp-e2e-"));
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, "bin", "run.js"), "scripts/start.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      RPC_PORT: String(rpc),
      MQTT_PORT: String(mqtt),
      BAL_PORT: String(bal),
      SUBGRAPH_PORT: String(subgraph),
      DAPP_PORT: String(dappPort),
      FLEXGRID_DATA_DIR: dataDir,
      SIMULATED_DAY: options.simulatedDay === false ? "0" : "1",
      LOG_LEVEL: "info",
      RPC_URL: "",
      MQTT_URL: "",
      DATABASE_URL: "",
    },
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!READY.test(output)) {
    if (child.exitCode !== null) throw new Error(`the stack exited with ${child.exitCode}:\n${output.slice(-4000)}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the stack was not ready within ${START_TIMEOUT_MS / 1000} s:\n${output.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const deployment = JSON.parse(
    readFileSync(path.join(ROOT, "deployments", "localhost.json"), "utf8"),
  ) as DappDeployment;
  const urls = {
    rpcUrl: `http://127.0.0.1:${rpc}`,
    subgraphUrl: `http://127.0.0.1:${subgraph}/subgraphs/name/flexgrid`,
    balUrl: `http://127.0.0.1:${bal}`,
  };
  let dapp: RunningDapp | undefined;
  const stopStack = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // Its own free port: a stack that serves the dApp itself (dappService) holds DAPP_PORT.
    dapp = await startDapp({ port: 0, ...urls, deployment });
  } catch (error) {
    await stopStack();
    throw error;
  }
  return {
    ...urls,
    dappUrl: dapp.url,
    deployment,
    balToken: () => readFileSync(path.join(dataDir, "bal", "operator-token"), "utf8").trim(),
    log: () => output,
    async stop() {
      await dapp?.stop();
      await stopStack();
    },
  };
}
