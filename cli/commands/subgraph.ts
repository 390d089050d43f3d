// `flexgrid subgraph`: build the subgraph, run the local runner, query it, and list what the runner implements.
/* eslint-disable @typescript-eslint/no-require-imports -- the runner is required on use: it pulls in graphql, viem
   and PGlite, which the other commands do not need. */
import type { Command } from "commander";
import { describeCommand } from "./index";
import { loadConfig } from "../../protocol";

export function registerSubgraphCommands(program: Command): void {
  const subgraph = program.command("subgraph").description(describeCommand("subgraph"));

  subgraph
    .command("build")
    .description("render subgraph.yaml from the address book of NETWORK, then graph codegen and graph build")
    .action(() => {
      const { ensureSubgraphBuild } =
        require("../../subgraph/runner/build") as typeof import("../../subgraph/runner/build");
      console.log(`built ${ensureSubgraphBuild(loadConfig().network)}`);
    });

  subgraph
    .command("serve")
    .description(
      "index the chain at RPC_URL with the compiled mappings and serve /subgraphs/name/flexgrid on SUBGRAPH_PORT",
    )
    .action(async () => {
      const { serveSubgraph } = require("../../subgraph/runner/main") as typeof import("../../subgraph/runner/main");
      await serveSubgraph();
    });

  subgraph
    .command("query")
    .argument("<graphql>", "the query, e.g. '{ pods { code qualification } }'")
    .option("--url <url>", "query endpoint (default: the local runner on SUBGRAPH_PORT)")
    .description("send a GraphQL query to the subgraph and print the JSON answer")
    .action(async (query: string, options: { url?: string }) => {
      const url = options.url ?? `http://127.0.0.1:${loadConfig().ports.subgraph}/subgraphs/name/flexgrid`;
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      console.log(JSON.stringify(await res.json(), null, 2));
    });

  subgraph
    .command("hosts")
    .description("list the graph-node host functions the local runner implements")
    .action(() => {
      const { IMPLEMENTED_HOST_FUNCTIONS } =
        require("../../subgraph/runner/host") as typeof import("../../subgraph/runner/host");
      for (const name of IMPLEMENTED_HOST_FUNCTIONS) console.log(name);
    });
}
