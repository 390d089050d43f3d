// Typed errors of the grid engine: each names the element or the case so a person can fix the model. The physics
// depends on no other FlexGrid package but the core (errors, config, logging): its errors are FlexGridErrors, so that
// every caller (the CLI above all) reports them as messages a person acts on, with their stable `code`.
import type { ZodType } from "zod";
import { FlexGridError } from "../../core/errors";

/** Base of every error the grid engine throws. */
export class GridError extends FlexGridError {}

/** A case or model failed its schema; the message lists every bad field by its path. */
export class GridValidationError extends GridError {
  constructor(
    readonly what: string,
    readonly issues: string[],
  ) {
    super(`invalid ${what}: ${issues.join("; ")}`, "VALIDATION");
  }
}

/** Parses `input` with `schema`; throws a GridValidationError naming `what` and each bad field. */
export function parseGridInput<T>(schema: ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join(".") : "(root)";
    return `${path}: ${issue.message}`;
  });
  throw new GridValidationError(what, issues);
}

/** The network model breaks a rule (unknown bus, negative impedance, island without slack, ...). */
export class GridModelError extends GridError {
  constructor(
    message: string,
    readonly element: string,
    code = "GRID_MODEL",
  ) {
    super(message, code);
  }
}

/** A case file (MATPOWER .m, pandapower JSON, FlexGrid JSON) could not be read. */
export class GridImportError extends GridError {
  constructor(message: string) {
    super(message, "GRID_IMPORT");
  }
}

/** Newton–Raphson did not reach the tolerance; the answer is not returned as if it were right. */
export class PowerFlowDivergedError extends GridError {
  constructor(
    readonly subnetwork: string,
    readonly iterations: number,
    readonly maxMismatchPu: number,
    readonly worstBus: string,
    readonly reason?: string,
  ) {
    super(
      `power flow did not converge in subnetwork ${subnetwork} after ${iterations} iterations ` +
        `(largest mismatch ${maxMismatchPu.toExponential(3)} pu at bus ${worstBus})${reason ? `: ${reason}` : ""}`,
      "GRID_DIVERGED",
    );
  }
}

/** A zero (or vanishing) pivot in the sparse LU: the Jacobian is singular at this operating point. */
export class SingularMatrixError extends GridError {
  constructor(
    readonly pivotIndex: number,
    readonly pivotValue: number,
  ) {
    super(`singular matrix: pivot ${pivotIndex} is ${pivotValue}`, "GRID_SINGULAR");
  }
}

/** Forecast inputs that cannot give a meaningful figure (mismatched lengths, all-zero measurements). */
export class ForecastInputError extends GridError {
  constructor(message: string) {
    super(message, "GRID_FORECAST_INPUT");
  }
}
