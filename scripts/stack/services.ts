// The services of the local stack, started in this order after the chain and the deployment, stopped in reverse.
// Adding a service is one line here.
import { marketService } from "./market";
import type { StackService } from "./types";

export const stackServices: StackService[] = [marketService];
