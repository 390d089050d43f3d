// Builds a subgraph directory with graph-cli (codegen + build) when its WASM is missing or older than its sources,
// so tests always run the mappings compiled from the current code.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function graphBin(): string {
  return require.resolve("@graphprotocol/graph-cli/bin/run.js");
}

export function ensureSubgraphBuilt(dir: string): string {
  const buildDir = path.join(dir, "build");
  const manifest = path.join(buildDir, "subgraph.yaml");
  const sources = Math.max(
    newestMtime(path.join(dir, "src")),
    statSync(path.join(dir, "schema.graphql")).mtimeMs,
    statSync(path.join(dir, "subgraph.yaml")).mtimeMs,
  );
  if (existsSync(manifest) && statSync(manifest).mtimeMs >= sources) return buildDir;
  const run = (args: string[]) => execFileSync(process.execPath, [graphBin(), ...args], { cwd: dir, stdio: "pipe" });
  run(["codegen", "subgraph.yaml", "-o", "generated"]);
  run(["build", "subgraph.yaml", "-o", "build"]);
  return buildDir;
}
