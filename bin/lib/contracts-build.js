// Compiles the contracts (Hardhat artifacts + TypeChain types) when they are missing or older than their sources,
// before any code that imports the generated types is loaded: a fresh clone runs every entry point, and a stale
// build is rebuilt, never used. The check is a hash of the inputs, so it costs a few milliseconds when current.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const crypto = require("node:crypto");
const { spawnSync } = require("node:child_process");

const ROOT = path.resolve(__dirname, "..", "..");
const STAMP = path.join(ROOT, "cache", "flexgrid-contracts.stamp");

function solidityFiles(dir) {
  const files = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...solidityFiles(full));
    else if (entry.name.endsWith(".sol")) files.push(full);
  }
  return files.sort();
}

function packageVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return "absent";
  }
}

/** A hash of everything the build depends on: sources, compiler settings, compiler and library versions. */
function contractInputsHash() {
  const hash = crypto.createHash("sha256");
  for (const file of [...solidityFiles(path.join(ROOT, "contracts")), path.join(ROOT, "hardhat.config.ts")]) {
    hash.update(path.relative(ROOT, file)).update("\0").update(fs.readFileSync(file)).update("\0");
  }
  for (const name of ["solc", "@openzeppelin/contracts", "hardhat", "@typechain/hardhat"]) {
    hash.update(`${name}@${packageVersion(name)}\0`);
  }
  return hash.digest("hex");
}

function contractsAreCurrent(inputsHash = contractInputsHash()) {
  if (!fs.existsSync(path.join(ROOT, "typechain-types", "index.ts"))) return false;
  if (!fs.existsSync(path.join(ROOT, "artifacts", "contracts"))) return false;
  try {
    return fs.readFileSync(STAMP, "utf8").trim() === inputsHash;
  } catch {
    return false;
  }
}

let checked = false;
/**
 * Makes sure the artifacts and TypeChain types match the sources, compiling if they do not (about a minute from
 * nothing with solcjs and the IR pipeline). Checked once per process.
 */
function ensureContractsCompiled() {
  if (checked) return;
  checked = true;
  const inputsHash = contractInputsHash();
  if (contractsAreCurrent(inputsHash)) return;
  process.stderr.write("flexgrid: compiling the contracts (first run, or their sources changed; about a minute)\n");
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [require.resolve("hardhat/internal/cli/cli", { paths: [ROOT] }), "compile", "--quiet"],
    {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
      env: process.env,
    },
  );
  if (result.status !== 0) {
    process.stderr.write("flexgrid: the contracts did not compile (see above); nothing was started\n");
    process.exit(result.status ?? 1);
  }
  fs.mkdirSync(path.dirname(STAMP), { recursive: true });
  fs.writeFileSync(STAMP, `${inputsHash}\n`);
  process.stderr.write(`flexgrid: contracts compiled in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/**
 * Compiles the contracts just before the first module that needs their generated types is resolved, so that
 * commands which never touch the chain (`flexgrid grid …`, `--help`) never wait for a compile.
 */
function compileContractsOnFirstUse() {
  const Module = require("node:module");
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function resolveAfterCompiling(request, ...rest) {
    if (!checked && typeof request === "string" && request.includes("typechain-types")) ensureContractsCompiled();
    return resolve.call(this, request, ...rest);
  };
}

module.exports = { ensureContractsCompiled, compileContractsOnFirstUse, contractsAreCurrent, contractInputsHash };
