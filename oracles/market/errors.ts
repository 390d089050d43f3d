// Typed errors of the market oracle: each says what was wrong with the input and where.
// UNFINISHED: extend FlexGridError from protocol/src/errors.ts once protocol/ lands on main.

export class MarketError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A book (offers, requests, pods) that is malformed or inconsistent. */
export class InvalidBookError extends MarketError {
  constructor(message: string) {
    super(message, "MARKET_INVALID_BOOK");
  }
}

/** The solver did not reach a proven optimum. */
export class SolverError extends MarketError {
  constructor(message: string) {
    super(message, "MARKET_SOLVER");
  }
}
