// Typed errors shared by every FlexGrid part, the grid engine included: each carries a stable code and a message a
// person can act on. Part of the small core (errors, the repository's paths, and later config and logging) that any package may import.
import type { ZodType } from "zod";

export class FlexGridError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A configuration variable is missing or malformed; the message names the variable. */
export class ConfigError extends FlexGridError {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`invalid configuration ${variable}: ${problem}`, "CONFIG");
  }
}

/** Input from outside (MQTT, HTTP, files, CLI, chain) failed its schema; the message lists the bad fields. */
export class ValidationError extends FlexGridError {
  constructor(
    readonly what: string,
    readonly issues: string[],
  ) {
    super(`invalid ${what}: ${issues.join("; ")}`, "VALIDATION");
  }
}

/** Parses `input` with `schema` at a boundary; throws a ValidationError naming `what` and each bad field. */
export function parseWith<T>(schema: ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join(".") : "(root)";
    return `${path}: ${issue.message}`;
  });
  throw new ValidationError(what, issues);
}
