// Typed errors of the grid engine: each names the element or the case so a person can fix the model.
import { FlexGridError } from "../../protocol/src/errors";

/** The network model breaks a rule (unknown bus, negative impedance, island without slack, ...). */
export class GridModelError extends FlexGridError {
  constructor(
    message: string,
    readonly element: string,
    code = "GRID_MODEL",
  ) {
    super(message, code);
  }
}

/** A case file (MATPOWER .m, pandapower JSON, FlexGrid JSON) could not be read. */
export class GridImportError extends FlexGridError {
  constructor(message: string) {
    super(message, "GRID_IMPORT");
  }
}

/** Newton–Raphson did not reach the tolerance; the answer is not returned as if it were right. */
export class PowerFlowDivergedError extends FlexGridError {
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
export class SingularMatrixError extends FlexGridError {
  constructor(
    readonly pivotIndex: number,
    readonly pivotValue: number,
  ) {
    super(`singular matrix: pivot ${pivotIndex} is ${pivotValue}`, "GRID_SINGULAR");
  }
}

/** Forecast inputs that cannot give a meaningful figure (mismatched lengths, all-zero measurements). */
export class ForecastInputError extends FlexGridError {
  constructor(message: string) {
    super(message, "GRID_FORECAST_INPUT");
  }
}
