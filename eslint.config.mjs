// ESLint flat config: typescript-eslint's recommended rules for every TypeScript part; formatting is Prettier's job.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
  {
    files: ["**/*.test.ts", "test/**/*.ts"],
    rules: { "@typescript-eslint/no-unused-expressions": "off" },
  },
);
