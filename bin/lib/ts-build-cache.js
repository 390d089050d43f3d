// Runs the project's TypeScript from JavaScript built ahead of time into dist/ (git-ignored), one file per source
// file, so that a command does not load the TypeScript compiler and transpile the tree at every call.
// Each built file records the hash of the source it came from: a file whose source changed is rebuilt on its
// next load, never used stale. The build is a transpile only (type checking is `npm run lint`'s job), done by
// ts-node's transpiler so that the output is exactly what `ts-node --transpile-only` ran before (in particular
// `import()` stays a real dynamic import under module=nodenext, which plain `ts.transpileModule` cannot emit).
// The module keeps its own file name (the .ts path), so `__dirname` and stack traces point into the source tree.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const crypto = require("node:crypto");
const Module = require("node:module");

const ROOT = path.resolve(__dirname, "..", "..");
const OUT_DIR = path.join(ROOT, "dist");
// Bump when the way files are built changes, so every earlier build is rebuilt.
const BUILD_VERSION = "1";

let transpiler; // created on the first cache miss only: loading TypeScript costs ~0.5 s

function transpile(source, filename) {
  if (!transpiler) {
    const tsNode = require("ts-node");
    transpiler = tsNode.create({
      project: process.env.TS_NODE_PROJECT ?? path.join(ROOT, "tsconfig.json"),
      transpileOnly: true,
    });
  }
  return transpiler.compile(source, filename);
}

function builtPathOf(filename) {
  const relative = path.relative(ROOT, filename);
  // Sources outside the tree (none today) are built beside the others under a name that cannot clash.
  const safe = relative.startsWith("..")
    ? path.join("_external", crypto.createHash("sha1").update(filename).digest("hex"))
    : relative;
  return path.join(OUT_DIR, safe.replace(/\.ts$/, ".js"));
}

function sourceHash(source) {
  return crypto.createHash("sha1").update(BUILD_VERSION).update(source).digest("hex");
}

/** The built JavaScript of a .ts file: from dist/ when it was built from this very source, else built now. */
function builtJavaScript(filename) {
  return build(filename).js;
}

function build(filename) {
  const source = fs.readFileSync(filename, "utf8");
  const hash = sourceHash(source);
  const out = builtPathOf(filename);
  const header = `// flexgrid-build ${hash}\n`;
  try {
    const built = fs.readFileSync(out, "utf8");
    if (built.startsWith(header)) return { js: built.slice(header.length), rebuilt: false };
  } catch {
    // not built yet
  }
  const js = transpile(source, filename);
  try {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    // Write then rename: a concurrent process never reads half a file.
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, header + js);
    fs.renameSync(tmp, out);
  } catch {
    // A read-only tree still runs: the file is just rebuilt next time.
  }
  return { js, rebuilt: true };
}

let installed = false;
/** Installs the .ts loader for this process (idempotent). */
function installTypeScriptLoader() {
  if (installed) return;
  installed = true;
  require.extensions[".ts"] = function loadTypeScript(module, filename) {
    module._compile(builtJavaScript(filename), filename);
  };
  // Children that load TypeScript through ts-node (mocha, hardhat) transpile only, as this loader does.
  process.env.TS_NODE_TRANSPILE_ONLY = "true";
}

/** Builds every given .ts file ahead of time (`npm run build`); returns how many were (re)built. */
function buildAll(files) {
  return files.filter((file) => build(file).rebuilt).length;
}

module.exports = { installTypeScriptLoader, buildAll, OUT_DIR, ROOT };
