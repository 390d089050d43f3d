// Stack service: plays the Tor di Valle day-ahead session in the background once everything runs (local chain only,
// since it fast-forwards chain time; SIMULATED_DAY=0 turns it off). Progress and the final outcome go to the log.
import { loadScenario } from "../demo/scenario";
import { runSimulatedDay } from "../demo/simulated-day";
import type { StackService } from "./types";

export const simulatedDayService: StackService = {
  name: "simulated day",
  async start(ctx) {
    if (ctx.config.rpcUrl || process.env.SIMULATED_DAY === "0")
      return { name: "simulated day", details: "off (external chain or SIMULATED_DAY=0)", stop: async () => undefined };
    let stopped = false;
    const log = ctx.log.child({ service: "simulated-day" });
    void runSimulatedDay({ provider: ctx.provider, deployment: ctx.deployment, scenario: loadScenario(), log }).catch(
      (error: unknown) => {
        if (!stopped) log.error({ err: error }, "simulated day failed");
      },
    );
    return {
      name: "simulated day",
      details: "Tor di Valle day-ahead session: offers, DSO request, clearing, validation (follow the log)",
      stop: async () => {
        stopped = true;
      },
    };
  },
};
