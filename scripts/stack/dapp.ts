// Stack service for `npm start`: serves the dApp (dapp/serve.ts) in front of the chain, the subgraph and the BAL,
// building dapp/dist first when it is missing or was built from other sources.
import type { StackService } from "./types";
import { startDapp } from "../../dapp/serve";

export const dappService: StackService = {
  name: "dApp",
  async start(ctx) {
    const dapp = await startDapp({
      port: ctx.config.ports.dapp,
      rpcUrl: ctx.rpcUrl,
      subgraphUrl: `http://127.0.0.1:${ctx.config.ports.subgraph}/subgraphs/name/flexgrid`,
      balUrl: `http://127.0.0.1:${ctx.config.ports.bal}`,
      deployment: ctx.deployment,
      walletConnectProjectId: process.env.WALLETCONNECT_PROJECT_ID || undefined,
    });
    return {
      name: "dApp",
      url: dapp.url,
      details: `wallet-connected web app${ctx.deployment.chainId === 31337 ? " (dev accounts: one click per named role)" : ""}`,
      stop: () => dapp.stop(),
    };
  },
};
