// `npm start`: the whole local stack on embedded defaults: chain, deployment, demo data, then every service of
// scripts/stack/services.ts; prints what runs where, and stops everything cleanly on Ctrl-C.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { JsonRpcProvider } from "ethers";
import { createLogger, loadConfig, FlexGridError } from "../protocol";
import { startLocalChain, rpcBlockNumber, type LocalChain } from "./stack/chain";
import { createStackProvider } from "./stack/provider";
import { stackServices } from "./stack/services";
import type { RunningService, StackContext } from "./stack/types";

const ROOT = path.resolve(__dirname, "..");

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger("flexgrid", config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });

  const running: RunningService[] = [];
  let chain: LocalChain | undefined;
  let stopping = false;
  const stopAll = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    for (const service of [...running].reverse()) {
      try {
        await service.stop();
        log.info(`stopped ${service.name}`);
      } catch (error) {
        log.error({ err: error }, `failed to stop ${service.name}`);
      }
    }
    provider?.destroy();
    await chain?.stop();
    log.info("stopped");
    process.exit(exitCode);
  };
  process.once("SIGINT", () => void stopAll("SIGINT"));
  process.once("SIGTERM", () => void stopAll("SIGTERM"));
  // A service that crashes must not leave the chain and the others running: log it, stop everything, exit 1.
  const crash = (kind: string) => (error: unknown) => {
    log.fatal({ err: error }, `${kind}: stopping the stack`);
    void stopAll(kind, 1);
  };
  process.on("uncaughtException", crash("uncaught exception"));
  process.on("unhandledRejection", crash("unhandled rejection"));
  let provider: JsonRpcProvider | undefined;
  try {
    await startStack();
  } catch (error) {
    console.error(error instanceof FlexGridError ? `flexgrid start: ${error.message}` : error);
    await stopAll("start-up failure", 1);
  }

  async function startStack(): Promise<void> {
    if (config.rpcUrl) {
      await rpcBlockNumber(config.rpcUrl);
      log.info(`using the chain at ${config.rpcUrl}`);
    } else {
      chain = await startLocalChain(config.ports.rpc, ROOT);
      running.push({
        name: "chain",
        url: chain.rpcUrl,
        details: "Hardhat node, chain id 31337",
        stop: async () => undefined,
      });
      log.info(`local chain at ${chain.rpcUrl}`);
    }
    const rpcUrl = config.rpcUrl ?? chain!.rpcUrl;

    // Hardhat reads its network at load: point it at the chain before the first require.
    process.env.HARDHAT_NETWORK = "localhost";
    process.env.RPC_URL = rpcUrl;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const hre = require("hardhat") as import("hardhat/types").HardhatRuntimeEnvironment;
    await hre.run("compile", { quiet: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { deployAll } = require("./deploy/deploy-all") as typeof import("./deploy/deploy-all");
    const deployment = await deployAll(hre, {
      network: config.network,
      log: (m) => log.debug(m),
    });
    log.info(
      `deployed ${Object.keys(deployment.contracts).length} contracts (address book deployments/${config.network}.json)`,
    );

    provider = createStackProvider(rpcUrl, deployment.chainId);
    const ctx: StackContext = {
      config,
      rpcUrl,
      hre,
      provider,
      deployment,
      mqttUrl: config.mqttUrl,
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      log,
    };
    for (const service of stackServices) {
      const started = await service.start(ctx);
      running.push(started);
      log.info(`started ${started.name}${started.url ? ` at ${started.url}` : ""}`);
    }

    // From the process's start (performance.now()'s origin), so that a first run's contract compile is counted.
    const seconds = (performance.now() / 1000).toFixed(1);
    console.log(`\nFlexGrid local stack ready in ${seconds} s\n`);
    console.log(formatTable(running, deployment.contracts));
    console.log("\nPress Ctrl-C to stop everything.");
  }
}

function formatTable(services: RunningService[], contracts: Record<string, { address: string }>): string {
  const rows = [
    ...services.map((s) => [s.name, s.url ?? "", s.details ?? ""]),
    ...Object.entries(contracts).map(([name, { address }]) => [`contract ${name}`, address, ""]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

main().catch((error: unknown) => {
  console.error(error instanceof FlexGridError ? `flexgrid start: ${error.message}` : error);
  process.exit(1);
});
