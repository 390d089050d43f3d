// Every deploy step, in dependency order. Adding a part's contracts is one line here.
import type { DeployStep } from "./context";
import { rolesStep } from "./roles";
import { settlementStep } from "./settlement";

export type { DeployContext, DeployStep } from "./context";

export const deploySteps: DeployStep[] = [rolesStep, settlementStep];
