// The market oracle in the local stack: every few seconds it clears the sessions whose gate has closed (by block
// time) and posts their awards to FlexMarket. Stateless: everything it needs is read from the chain.
import path from "node:path";
import { AlarmBook, contractAddress, FlexGridError, jsonFileAlarmSink, startSerialLoop } from "../../protocol";
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
    // The alarm list (sessions it could not clear) as a file the dApp or an operator can read.
    const alarms = new AlarmBook({
      source: "market-oracle",
      log,
      sink: jsonFileAlarmSink(path.join(ctx.dataDir, "alarms", "market-oracle.json")),
    });
    const oracle = new MarketOracle({ sessions, results, now: () => blockTimeMs, log, alarms });

    // One pass at a time, the next POLL_MS after the previous one ended; each session isolated inside the pass.
    const loop = startSerialLoop(
      async () => {
        blockTimeMs = ((await provider.getBlock("latest"))?.timestamp ?? 0) * 1000;
        await oracle.tick();
      },
      POLL_MS,
      log,
    );
    return {
      name: "market oracle",
      details: `clears closed sessions of FlexMarket ${market} every ${POLL_MS / 1000} s as ${operatorAddress}`,
      stop: () => loop.stop(),
    };
  },
};
