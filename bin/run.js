#!/usr/bin/env node
// Runs a TypeScript entry point under ts-node (transpile only: type checking is `npm run lint`'s job).
"use strict";
const path = require("node:path");
process.env.TS_NODE_TRANSPILE_ONLY = "true";
process.env.TS_NODE_PROJECT ??= path.join(__dirname, "..", "tsconfig.json");
require("ts-node/register/transpile-only");
const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node bin/run.js <file.ts> [args...]");
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(entry), ...rest];
require(path.resolve(entry));
