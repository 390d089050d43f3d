#!/usr/bin/env node
// The `flexgrid` command: loads the TypeScript CLI under ts-node.
"use strict";
const path = require("node:path");
process.env.TS_NODE_TRANSPILE_ONLY = "true";
process.env.TS_NODE_PROJECT ??= path.join(__dirname, "..", "tsconfig.json");
require("ts-node/register/transpile-only");
void require(path.join(__dirname, "..", "cli", "index.ts")).main();
