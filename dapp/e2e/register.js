// Mocha hook for the end-to-end tests: run them as CommonJS under the repository's tsconfig (the dApp's own
// tsconfig is for the browser bundle), transpile-only as everywhere else in the repo.
"use strict";
const path = require("node:path");
process.env.TS_NODE_PROJECT = path.join(__dirname, "..", "..", "tsconfig.json");
process.env.TS_NODE_TRANSPILE_ONLY = "true";
require("ts-node/register/transpile-only");
