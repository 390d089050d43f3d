// Stand-alone entry point of the local subgraph runner: `npm run runner -w subgraph` (or `flexgrid subgraph serve`).
// Reads RPC_URL, DATABASE_URL, SUBGRAPH_PORT, NETWORK through loadConfig and the address book of the network.
import path from "node:path";
import { createLogger, loadConfig, loadDeployment } from "../../protocol";
import { ensureSubgraphBuild } from "./build";
import { startSubgraphRunner } from "./service";

export async function serveSubgraph(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const log = createLogger("subgraph", config.logLevel);
  const deployment = loadDeployment(config.network);
  const buildDir = ensureSubgraphBuild(config.network);
  const runner = await startSubgraphRunner({
    buildDir,
    rpcUrl: config.rpcUrl ?? `http://127.0.0.1:${config.ports.rpc}`,
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : path.join(config.dataDir, "subgraph"),
    addresses: Object.fromEntries(
      Object.entries(deployment.contracts).map(([name, c]) => [
        name,
        { address: c.address, startBlock: c.blockNumber },
      ]),
    ),
    network: config.network,
    port: config.ports.subgraph,
    pollIntervalMs: 1000,
    logger: log,
  });
  log.info({ url: runner.url }, "FlexGrid subgraph runner ready");
  const stop = () => void runner.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module || process.argv[1] === __filename) {
  serveSubgraph().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
