// Builds the FlexGrid subgraph on demand (render + graph codegen + graph build) for the runner's entry points,
// skipping the work when build/ is newer than the schema, the mappings and the data source list.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

export const SUBGRAPH_DIR = path.resolve(__dirname, "..");
export const BUILD_DIR = path.join(SUBGRAPH_DIR, "build");

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function subgraphBuildIsCurrent(): boolean {
  const manifest = path.join(BUILD_DIR, "subgraph.yaml");
  if (!existsSync(manifest)) return false;
  const sources = Math.max(
    newest(path.join(SUBGRAPH_DIR, "src")),
    statSync(path.join(SUBGRAPH_DIR, "schema.graphql")).mtimeMs,
    statSync(path.join(SUBGRAPH_DIR, "datasources.ts")).mtimeMs,
  );
  return statSync(manifest).mtimeMs >= sources;
}

/** Runs scripts/build.sh (Hardhat compile, render, codegen, build) unless the build is current. */
export function ensureSubgraphBuild(network = "hardhat"): string {
  if (!subgraphBuildIsCurrent()) {
    execFileSync("bash", [path.join(SUBGRAPH_DIR, "scripts", "build.sh")], {
      stdio: "pipe",
      env: { ...process.env, SUBGRAPH_NETWORK: network },
    });
  }
  return BUILD_DIR;
}
