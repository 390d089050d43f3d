#!/usr/bin/env node
// The `flexgrid` command: runs the CLI from the built JavaScript in dist/ (see lib/ts-build-cache.js); only the
// command group being run is loaded, and the contracts are compiled first only if that group needs their types.
"use strict";
const path = require("node:path");
const { installTypeScriptLoader } = require("./lib/ts-build-cache");
const { compileContractsOnFirstUse } = require("./lib/contracts-build");

installTypeScriptLoader();
compileContractsOnFirstUse();
void require(path.join(__dirname, "..", "cli", "index.ts")).main();
