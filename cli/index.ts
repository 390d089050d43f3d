// The `flexgrid` command line: one sub-command group per part of the system, each registered by its own module.
import { Command, CommanderError } from "commander";
import { commandGroups } from "./commands";
import { FlexGridError } from "../protocol";

export function buildProgram(): Command {
  const program = new Command("flexgrid")
    .description("FlexGrid: local flexibility market for distribution grids: operator and verification commands")
    .version("0.1.0")
    .showHelpAfterError();
  for (const register of commandGroups) register(program);
  return program;
}

/** Runs the CLI; a FlexGridError (bad input, bad config) ends with its message and exit code 1, never a stack. */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    if (error instanceof FlexGridError) {
      console.error(`flexgrid: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
