// Settlement: the remuneration rule (same as the chain's) and the per-PoD-slot math with its exports.
export * from "./assessment";
export * from "./settlement";
export * from "./input";
