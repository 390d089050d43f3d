// Typed errors of the market oracle: each says what was wrong with the input and where.
import { FlexGridError } from "../../protocol";

/** A book (offers, requests, pods) that is malformed or inconsistent. */
export class InvalidBookError extends FlexGridError {
  constructor(message: string) {
    super(message, "MARKET_INVALID_BOOK");
  }
}

/** The solver did not reach a proven optimum. */
export class SolverError extends FlexGridError {
  constructor(message: string) {
    super(message, "MARKET_SOLVER");
  }
}

/** A settlement input (awards, readings, scheme) that cannot be settled. */
export class SettlementError extends FlexGridError {
  constructor(message: string) {
    super(message, "MARKET_SETTLEMENT");
  }
}
