// worker_threads entry: loads the TypeScript PGlite host under ts-node (transpile only) when running from source.
"use strict";
const path = require("node:path");
if (!process[Symbol.for("ts-node.register.instance")]) {
  process.env.TS_NODE_TRANSPILE_ONLY = "true";
  process.env.TS_NODE_PROJECT ??= path.join(__dirname, "..", "..", "..", "tsconfig.json");
  require("ts-node/register/transpile-only");
}
require("./pgliteWorkerMain.ts");
