// solidity-coverage: instrumented builds turn the optimizer off, which leaves OpenZeppelin's P256 (used by the BAL
// contracts) "stack too deep"; the Yul optimizer with the coverage-safe step sequence compiles it.
module.exports = {
  configureYulOptimizer: true,
  skipFiles: ["libraries/test/", "mocks/"],
};
