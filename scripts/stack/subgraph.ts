// Stack service: the local subgraph runner — builds the mappings if needed, indexes the chain from the address
// book and serves the graph-node query API at http://127.0.0.1:<SUBGRAPH_PORT>/subgraphs/name/flexgrid.
import path from "node:path";
import { ensureSubgraphBuild } from "../../subgraph/runner/build";
import { startSubgraphRunner } from "../../subgraph/runner/service";
import type { StackService } from "./types";

export const subgraphService: StackService = {
  name: "subgraph",
  async start(ctx) {
    const buildDir = ensureSubgraphBuild(ctx.config.network);
    const runner = await startSubgraphRunner({
      buildDir,
      rpcUrl: ctx.rpcUrl,
      databaseUrl: ctx.databaseUrl,
      dataDir: ctx.databaseUrl ? undefined : path.join(ctx.dataDir, "subgraph"),
      addresses: Object.fromEntries(
        Object.entries(ctx.deployment.contracts).map(([name, c]) => [
          name,
          { address: c.address, startBlock: c.blockNumber },
        ]),
      ),
      network: ctx.config.network,
      port: ctx.config.ports.subgraph,
      pollIntervalMs: 1000,
      logger: ctx.log.child({ service: "subgraph" }),
    });
    const head = await runner.sync();
    const watched = runner.subgraph.dataSources.filter((ds) => ctx.deployment.contracts[ds.name]).length;
    return {
      name: "subgraph",
      url: runner.url,
      details: `${watched}/${runner.subgraph.dataSources.length} data sources deployed, indexed to block ${head}, ${ctx.databaseUrl ? "PostgreSQL" : "PGlite"}`,
      stop: () => runner.stop(),
    };
  },
};
