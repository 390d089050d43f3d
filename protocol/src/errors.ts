// Typed errors shared by every FlexGrid part: each carries a stable code and a message a person can act on.
// Minimal local copy for the grid branch; the lead's version on main supersedes it.

export class FlexGridError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
