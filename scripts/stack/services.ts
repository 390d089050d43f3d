// The services of the local stack, started in this order after the chain and the deployment, stopped in reverse.
// Adding a service is one line here.
import { marketService } from "./market";
import { simulatedDayService } from "./simulated-day";
import type { StackService } from "./types";
import { balStackService, lightNodesStackService } from "./bal";
import { demoPodsService } from "./demo-pods";
import { dsoService } from "./dso";
import { subgraphService } from "./subgraph";
import { dappService } from "./dapp";

// prettier-ignore
export const stackServices: StackService[] = [
  demoPodsService,
  balStackService,
  lightNodesStackService,
  dsoService,
  marketService,
  subgraphService,
  dappService,
  simulatedDayService,
];
