#!/usr/bin/env node
// Runs a TypeScript entry point (`npm start`, `npm test`, benchmarks) from the built JavaScript in dist/ (built on
// first use, rebuilt when a source changes), compiling the contracts first if the code reaches their types.
"use strict";
const path = require("node:path");
const { installTypeScriptLoader } = require("./lib/ts-build-cache");
const { compileContractsOnFirstUse } = require("./lib/contracts-build");

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node bin/run.js <file.ts> [args...]");
  process.exit(2);
}
process.setSourceMapsEnabled?.(true);
installTypeScriptLoader();
compileContractsOnFirstUse();
process.argv = [process.argv[0], path.resolve(entry), ...rest];
require(path.resolve(entry));
