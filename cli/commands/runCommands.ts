// Test helper of the CLI's command groups: runs one group's commands through commander and returns what they printed.
import { Command } from "commander";
import type { RegisterCommands } from "./index";

export async function runCommands(register: RegisterCommands, ...args: string[]): Promise<string> {
  const program = new Command("flexgrid").exitOverride();
  register(program);
  const lines: string[] = [];
  const original = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.join(" "));
  try {
    await program.parseAsync(["node", "flexgrid", ...args]);
  } finally {
    console.log = original;
  }
  return lines.join("\n");
}
