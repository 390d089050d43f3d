// Every command group of the CLI. Adding a part's commands is one line here.
import type { Command } from "commander";
import { registerBalCommands } from "./bal";
import { registerConfigCommands } from "./config";
import { registerDsoCommands } from "./dso";
import { registerGridCommands } from "./grid";
import { registerMarketCommands } from "./market";
import { registerSubgraphCommands } from "./subgraph";

export type RegisterCommands = (program: Command) => void;

// prettier-ignore
export const commandGroups: RegisterCommands[] = [
  registerConfigCommands,
  registerBalCommands,
  registerDsoCommands,
  registerGridCommands,
  registerMarketCommands,
  registerSubgraphCommands,
];
