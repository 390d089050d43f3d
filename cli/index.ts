// The `flexgrid` command line: one sub-command group per part of the system, each registered by its own module and
// loaded only when one of its commands runs (see commands/index.ts), so that `--help` answers at once.
import { Command, CommanderError } from "commander";
import { commandGroups } from "./commands";
import { FlexGridError } from "../core/errors";

/** The first word of argv that is not an option: the top-level command being run, if any. */
function requestedCommand(argv: string[]): string | undefined {
  return argv.slice(2).find((word) => !word.startsWith("-"));
}

/**
 * The program with the group of the requested command fully registered and every other group present by name and
 * description only (enough for `flexgrid --help` and for commander's "unknown command" suggestions).
 */
export function buildProgram(argv: string[] = process.argv): Command {
  const program = new Command("flexgrid")
    .description("FlexGrid: local flexibility market for distribution grids: operator and verification commands")
    .version("0.1.0")
    .showHelpAfterError();
  const requested = requestedCommand(argv);
  for (const group of commandGroups) {
    if (requested !== undefined && requested in group.commands) group.load()(program);
    else
      for (const [name, description] of Object.entries(group.commands)) program.command(name).description(description);
  }
  return program;
}

/** Every group registered in full: for tests that inspect the whole command tree. */
export function buildFullProgram(): Command {
  const program = new Command("flexgrid").exitOverride();
  for (const group of commandGroups) group.load()(program);
  return program;
}

/** Runs the CLI; a FlexGridError (bad input, bad config) ends with its message and exit code 1, never a stack. */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram(argv).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    if (error instanceof FlexGridError) {
      console.error(`flexgrid: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
