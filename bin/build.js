#!/usr/bin/env node
// `npm run build`: builds every TypeScript source of the services, scripts and CLI into dist/ ahead of time (the
// launchers also build on first use, file by file, so this only moves that cost before the first command).
// Compiles the contracts too when their generated types are missing or stale.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { buildAll, ROOT } = require("./lib/ts-build-cache");
const { ensureContractsCompiled } = require("./lib/contracts-build");

const SOURCE_DIRS = [
  "cli",
  "scripts",
  "protocol",
  "oracles",
  "light-node",
  "subgraph/runner",
  "subgraph/scripts",
  "typechain-types",
];

function typeScriptFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : typeScriptFiles(full);
    const isSource = entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") && !entry.name.endsWith(".test.ts");
    return isSource ? [full] : [];
  });
}

ensureContractsCompiled();
const started = performance.now();
const files = SOURCE_DIRS.flatMap((dir) => typeScriptFiles(path.join(ROOT, dir)));
const rebuilt = buildAll(files);
console.log(
  `built ${rebuilt} of ${files.length} TypeScript files into dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
    `(${files.length - rebuilt} were current)`,
);
