// ESLint flat config: typescript-eslint's recommended rules for every TypeScript part; formatting is Prettier's job.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The parts meet only on chain, over MQTT and through HTTP APIs (../shared/DESIGN.md, Principles): each may import
// only the shared packages. A forbidden import is a lint error naming the rule; scripts/boundaries.test.ts proves
// each rule fires.
const SERVICE_PACKAGES = ["ethers", "viem", "mqtt", "hardhat", "pg", "@electric-sql/pglite", "aedes", "express"];
const forbid = (message, groups) => ({ group: groups, message });
const boundaries = [
  {
    // The physics knows no chain, wire format or service (it may use the core of errors/config/logging).
    files: ["oracles/grid/**/*.ts"],
    patterns: [
      forbid("oracles/grid is pure physics: no protocol (wire formats) import", ["**/protocol", "**/protocol/**"]),
      forbid("oracles/grid must not import service code", [
        "**/oracles/dso/**",
        "**/oracles/market/**",
        "**/oracles/bal/**",
        "../dso/**",
        "../market/**",
        "../bal/**",
        "../../dso/**",
        "../../market/**",
        "../../bal/**",
        "**/light-node/**",
        "**/scripts/**",
        "**/cli/**",
        "**/typechain-types",
        "**/typechain-types/**",
      ]),
      forbid("oracles/grid knows no chain, broker or database client", SERVICE_PACKAGES),
    ],
  },
  {
    files: ["light-node/**/*.ts"],
    patterns: [
      forbid("the Light Node is a device: it never imports the BAL, the DSO oracle or other services", [
        "**/oracles/**",
        "**/scripts/**",
        "**/cli/**",
      ]),
    ],
  },
  {
    files: ["oracles/dso/**/*.ts"],
    patterns: [
      forbid("the DSO oracle and the market oracle meet only on chain: no import of oracles/market", [
        "**/oracles/market/**",
        "../market/**",
        "../../market/**",
      ]),
    ],
  },
  {
    files: ["oracles/market/**/*.ts"],
    patterns: [
      forbid("the market oracle and the DSO oracle meet only on chain: no import of oracles/dso", [
        "**/oracles/dso/**",
        "../dso/**",
        "../../dso/**",
      ]),
    ],
  },
  {
    files: ["protocol/**/*.ts"],
    patterns: [
      forbid("protocol is shared by every part and depends on none of them", [
        "**/oracles/**",
        "**/light-node/**",
        "**/scripts/**",
        "**/cli/**",
      ]),
    ],
  },
  {
    files: ["dapp/**/*.ts", "dapp/**/*.tsx"],
    patterns: [
      forbid("the dApp never imports service code: it reads the chain, the subgraph and the BAL's HTTP API", [
        "**/oracles/**",
        "**/light-node/**",
        "**/scripts/**",
        "**/cli/**",
      ]),
    ],
  },
].map(({ files, patterns }) => ({ files, rules: { "no-restricted-imports": ["error", { patterns }] } }));

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "artifacts/**",
      "cache/**",
      "typechain-types/**",
      "dist/**",
      "coverage/**",
      "subgraph/build/**",
      "subgraph/generated/**",
      "subgraph/src/**",
      "subgraph/runner/test/probe/src/**",
      "subgraph/runner/test/probe/generated/**",
      "subgraph/runner/test/probe/build/**",
      "dapp/dist/**",
      ".flexgrid/**",
      "**/*.js",
      "**/*.mjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  ...boundaries,
  {
    files: ["**/*.test.ts", "test/**/*.ts"],
    rules: { "@typescript-eslint/no-unused-expressions": "off" },
  },
);
