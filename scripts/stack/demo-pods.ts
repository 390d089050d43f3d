// Stack service: the demo PoDs of the Tor di Valle field test, registered, mapped and prequalified on chain.
import { loadScenario } from "../demo/scenario";
import { registerScenarioPods } from "../demo/register-pods";
import type { StackService } from "./types";

export const demoPodsService: StackService = {
  name: "demo PoDs",
  async start(ctx) {
    const scenario = loadScenario();
    const { registered, skipped } = await registerScenarioPods(ctx.hre, ctx.deployment, scenario);
    return {
      name: "demo PoDs",
      details: `${scenario.pods.length} PoDs of ${scenario.pom} (${registered.length} registered now, ${skipped.length} already there)`,
      stop: async () => undefined,
    };
  },
};
