// The suites `npm test` runs, in order. Adding a suite is one line here.
const node = process.execPath;

export interface TestSuite {
  name: string;
  command: string[];
  env?: Record<string, string>;
  /** False for steps that build rather than test (their exit code still decides). */
  countsTests?: boolean;
}

export const testSuites: TestSuite[] = [
  // First: it compiles the contracts too, and the launcher test (units) then finds the subgraph built.
  {
    name: "subgraph build (graph codegen + build)",
    command: ["bash", "subgraph/scripts/build.sh"],
    countsTests: false,
  },
  { name: "dApp components (vitest)", command: ["npm", "run", "test:unit", "-w", "dapp"] },
  { name: "dApp end to end (chromium)", command: ["npm", "run", "test:e2e", "-w", "dapp"] },
  {
    // solhint:recommended's security rules (reentrancy, tx.origin, low-level calls, inline assembly, send results…)
    // as errors, plus the project's own: static analysis that runs here (slither needs PyPI, which is unreachable).
    name: "contracts static analysis (solhint)",
    command: [node, require.resolve("solhint/solhint"), "--disc", "--max-warnings", "0", "contracts/**/*.sol"],
    countsTests: false,
  },
  { name: "contracts (hardhat)", command: [node, require.resolve("hardhat/internal/cli/cli"), "test"] },
  { name: "typescript units (mocha)", command: [node, require.resolve("mocha/bin/mocha.js")] },
  {
    name: "subgraph (runner + mappings)",
    command: [node, require.resolve("mocha/bin/mocha.js"), "--config", "subgraph/.mocharc.json"],
  },
];
