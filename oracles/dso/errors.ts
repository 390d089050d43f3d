// Typed errors of the DSO oracle: each says what input or step failed and what a person can do about it.
import { FlexGridError } from "../../protocol";

/** The LP solver failed or ended without an optimum (other than "infeasible", which callers handle). */
export class DsoSolverError extends FlexGridError {
  constructor(message: string) {
    super(message, "DSO_SOLVER");
  }
}

/** Inputs of a DSO step are inconsistent (unknown PoD, slot outside the forecast, award of an unknown PoD, ...). */
export class DsoInputError extends FlexGridError {
  constructor(message: string) {
    super(message, "DSO_INPUT");
  }
}

/** Chain or SCD data the service read does not fit its schema; the message names the source and the fields. */
export class DsoDataError extends FlexGridError {
  constructor(
    readonly source: string,
    detail: string,
  ) {
    super(`malformed ${source}: ${detail}`, "DSO_DATA");
  }
}
