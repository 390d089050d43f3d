// Hardhat configuration: Solidity compiled offline with the npm `solc` (solcjs) of the pinned version.
import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";
import { compiledEvmVersion, DEFAULT_EVM_VERSION, loadTargets, targetUrl } from "./scripts/deploy/targets";

export const SOLIDITY_VERSION = "0.8.28";

// Hardhat would download the compiler; this machine cannot, so we hand it the solcjs build from node_modules.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLIDITY_VERSION) return runSuper();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: args.solcVersion,
    longVersion: solc.version(),
  };
});

// The EVM version the contracts are compiled for: a production target states its own (scripts/deploy/networks.json;
// a Besu QBFT chain runs what its genesis milestones enable) and the deploy refuses a mismatch. A build for another
// version than the default lives in its own artifacts folder, so it never overwrites the one the tests use.
const EVM_VERSION = compiledEvmVersion();
const BUILD_SUFFIX = EVM_VERSION === DEFAULT_EVM_VERSION ? "" : `-${EVM_VERSION}`;

// Production targets: any EVM JSON-RPC endpoint; no chainId here, so Hardhat takes the node's. Accounts are not
// configured: the deploy script loads the deployer from env or an encrypted keystore (scripts/deploy/targets.ts).
const targetNetworks = Object.fromEntries(
  Object.entries(loadTargets()).flatMap(([name, target]) => {
    const url = targetUrl(name, target);
    return url ? [[name, { url, accounts: [] as string[] }]] : [];
  }),
);

const config: HardhatUserConfig = {
  solidity: {
    version: SOLIDITY_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: EVM_VERSION,
      // The IR pipeline optimises across functions: a single-slot offer costs ~78k gas instead of ~80.5k (goal < 80k)
      // and 100 awards ~60k less. It costs compile time: ~70 s instead of ~26 s for a full solcjs build here.
      viaIR: true,
    },
  },
  networks: {
    hardhat: {
      // HARDHAT_CHAIN_ID lets a second local node pose as another chain (the production deploy path's demo).
      chainId: Number(process.env.HARDHAT_CHAIN_ID ?? 31337),
      allowUnlimitedContractSize: false,
    },
    localhost: {
      url: process.env.RPC_URL || `http://127.0.0.1:${process.env.RPC_PORT || "8545"}`,
      chainId: 31337,
    },
    ...targetNetworks,
  },
  paths: {
    sources: "contracts",
    tests: "test",
    cache: `cache${BUILD_SUFFIX}`,
    artifacts: `artifacts${BUILD_SUFFIX}`,
  },
  typechain: {
    outDir: "typechain-types",
    target: "ethers-v6",
  },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "1",
    currency: "EUR",
  },
  mocha: {
    timeout: 120_000,
  },
};

export default config;
