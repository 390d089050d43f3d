// Every command group of the CLI, loaded only when one of its commands runs: `flexgrid --help` reads the names and
// descriptions below and loads no group, and `flexgrid grid …` loads the grid engine and nothing of the chain.
// Adding a part's commands is one entry here.
/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading is the point: each group is required on use. */
import type { Command } from "commander";

export type RegisterCommands = (program: Command) => void;

export interface CommandGroup {
  /** The top-level commands the group adds, each with the line `flexgrid --help` prints for it. */
  commands: Record<string, string>;
  /** Requires the group's module and returns its registration function. */
  load(): RegisterCommands;
}

export const commandGroups: CommandGroup[] = [
  {
    commands: {
      config:
        "check the environment (RPC_URL, MQTT_URL, DATABASE_URL, ports, keys) and print the resolved configuration",
    },
    load: () => (require("./config") as typeof import("./config")).registerConfigCommands,
  },
  {
    commands: {
      verify:
        "verify a certified meter reading from the chain alone: batch root anchored, Merkle proof, Light Node key valid at the reading's time, P-256 signature; exits 1 naming the first failed check",
      bal: "Blockchain Access Layer: MQTT credentials, status, rejections",
    },
    load: () => (require("./bal") as typeof import("./bal")).registerBalCommands,
  },
  {
    commands: {
      dso: "DSO oracle steps: forecast, detect, request, lights, validate, dispatch (demo or --session on chain)",
    },
    load: () => (require("./dso") as typeof import("./dso")).registerDsoCommands,
  },
  {
    commands: { grid: "grid engine: power flow on MATPOWER, FlexGrid or pandapower cases" },
    load: () => (require("./grid") as typeof import("./grid")).registerGridCommands,
  },
  {
    commands: { market: "market operator: clearing and its verification" },
    load: () => (require("./market") as typeof import("./market")).registerMarketCommands,
  },
  {
    commands: { subgraph: "the FlexGrid subgraph: build it, serve it locally without graph-node, query it" },
    load: () => (require("./subgraph") as typeof import("./subgraph")).registerSubgraphCommands,
  },
];

/** The description of a top-level command, as listed above (one place, whether the group is loaded or not). */
export function describeCommand(name: string): string {
  for (const group of commandGroups) if (name in group.commands) return group.commands[name]!;
  throw new Error(`no top-level command ${name} in cli/commands/index.ts`);
}
