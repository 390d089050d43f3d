// The `flexgrid` command line: one sub-command group per part of the system, each registered by its own module.
import { Command, CommanderError } from "commander";
import { commandGroups } from "./commands";
import { FlexGridError } from "../protocol/src/errors";

export function buildProgram(): Command {
  const program = new Command("flexgrid")
    .description("FlexGrid: local flexibility market for distribution grids: operator and verification commands")
    .version("0.1.0")
    .showHelpAfterError();
  for (const register of commandGroups) register(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    if (error instanceof FlexGridError) {
      console.error(`flexgrid: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

if (require.main === module) void main();
