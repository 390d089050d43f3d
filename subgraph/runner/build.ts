// Builds the FlexGrid subgraph on demand (render + graph codegen + graph build) for the runner's entry points,
// skipping the work when build/ is newer than the schema, the mappings, the data source list and the ABIs.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { dataSources, templates } from "../datasources";

export const SUBGRAPH_DIR = path.resolve(__dirname, "..");
export const BUILD_DIR = path.join(SUBGRAPH_DIR, "build");
const ARTIFACTS_DIR = path.resolve(SUBGRAPH_DIR, "..", "artifacts", "contracts");

/** The files a build is made from: mappings, schema, data source list, render script and the contracts' ABIs. */
export function buildInputs(subgraphDir = SUBGRAPH_DIR, artifactsDir = ARTIFACTS_DIR): string[] {
  const files: string[] = [];
  const walk = (dir: string, keep: (name: string) => boolean) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, keep);
      else if (keep(e.name)) files.push(p);
    }
  };
  walk(path.join(subgraphDir, "src"), () => true);
  for (const f of [
    "schema.graphql",
    "datasources.ts",
    path.join("scripts", "render.ts"),
    path.join("scripts", "build.sh"),
  ])
    if (existsSync(path.join(subgraphDir, f))) files.push(path.join(subgraphDir, f));
  // The ABIs come from the Hardhat artifacts: a changed event is a changed subgraph.
  const contracts = new Set([...dataSources, ...templates].map((d) => `${d.name}.json`));
  walk(artifactsDir, (name) => contracts.has(name));
  return files;
}

/** Whether build/ is newer than every input of the build. */
export function subgraphBuildIsCurrent(subgraphDir = SUBGRAPH_DIR, artifactsDir = ARTIFACTS_DIR): boolean {
  const manifest = path.join(subgraphDir, "build", "subgraph.yaml");
  if (!existsSync(manifest)) return false;
  const built = statSync(manifest).mtimeMs;
  return buildInputs(subgraphDir, artifactsDir).every((f) => statSync(f).mtimeMs <= built);
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
