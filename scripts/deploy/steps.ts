// Every deploy step, in dependency order. Adding a part's contracts is one line here.
import type { DeployStep } from "./context";
import { balStep } from "./bal";
import { marketStep } from "./market";
import { rolesStep } from "./roles";
import { settlementStep } from "./settlement";

export type { DeployContext, DeployStep } from "./context";

// prettier-ignore
export const deploySteps: DeployStep[] = [
  rolesStep,
  marketStep,
  balStep,
  settlementStep,
];
