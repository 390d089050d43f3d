// The market oracle in the local stack: every few seconds it clears the sessions whose gate has closed (by block
// time) and posts their awards to FlexMarket. Stateless: everything it needs is read from the chain.
import { contractAddress, FlexGridError } from "../../protocol";
import { MarketOracle } from "../../oracles/market/service/oracle";
import { FlexMarketResultsPort } from "../../oracles/market/service/chainResults";
import { ChainSessionSource } from "../../oracles/market/service/chainSessions";
import type { StackService } from "./types";

const POLL_MS = Number(process.env.MARKET_POLL_MS ?? 5000);

export const marketService: StackService = {
  name: "market oracle",
  async start(ctx) {
    const { provider, deployment } = ctx;
    if (!deployment.contracts.FlexMarket)
      return { name: "market oracle", details: "idle: no FlexMarket in the address book", stop: async () => undefined };
    const operatorAddress = deployment.accounts.marketOperator;
    if (!operatorAddress) throw new FlexGridError("the address book names no marketOperator account", "NO_ACCOUNT");
    const operator = await provider.getSigner(operatorAddress);
    const market = contractAddress(deployment, "FlexMarket");
    const sessions = new ChainSessionSource(
      {
        market,
        registry: contractAddress(deployment, "PodRegistry"),
        trafficLight: deployment.contracts.DynamicTrafficLight?.address,
      },
      provider,
    );
    const results = new FlexMarketResultsPort(market, deployment.contracts.MeritOrderChallenge?.address, operator);
    const log = ctx.log.child({ service: "market" });
    let blockTimeMs = 0;
    const oracle = new MarketOracle({ sessions, results, now: () => blockTimeMs, log });

    let running: Promise<void> | undefined;
    const tick = () => {
      // One pass at a time: a slow clearing must not overlap the next poll.
      running ??= (async () => {
        try {
          blockTimeMs = ((await provider.getBlock("latest"))?.timestamp ?? 0) * 1000;
          await oracle.tick();
        } catch (error) {
          log.error({ err: error }, "market oracle pass failed");
        } finally {
          running = undefined;
        }
      })();
    };
    tick();
    const timer = setInterval(tick, POLL_MS);
    return {
      name: "market oracle",
      details: `clears closed sessions of FlexMarket ${market} every ${POLL_MS / 1000} s as ${operatorAddress}`,
      async stop() {
        clearInterval(timer);
        await running;
      },
    };
  },
};
