// `npm run bench -- <name>`: runs the benchmarks of one part (`grid`, `bal`, `market`, `subgraph`, ...) or one file
// by its base name. Benchmarks live in `bench/` folders next to their code as `<name>.bench.ts`; each prints its
// figure and a ratio against a reference measured in the same run.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const SKIP = new Set(["node_modules", ".git", "artifacts", "cache", "typechain-types", "dist", ".flexgrid"]);

function findBenchFiles(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findBenchFiles(full, found);
    else if (entry.name.endsWith(".bench.ts") && path.basename(path.dirname(full)) === "bench") found.push(full);
  }
  return found;
}

const name = process.argv[2];
const all = findBenchFiles(ROOT).map((file) => path.relative(ROOT, file));
const selected = name
  ? all.filter(
      (file) =>
        file.includes(`/${name}/bench/`) ||
        file.startsWith(`${name}/bench/`) ||
        path.basename(file) === `${name}.bench.ts`,
    )
  : [];
if (selected.length === 0) {
  console.error(`usage: npm run bench -- <name>\navailable: ${all.join(", ") || "(none yet)"}`);
  process.exit(name ? 1 : 2);
}
for (const file of selected) {
  console.log(`\n=== ${file}`);
  const result = spawnSync(process.execPath, [path.join(ROOT, "bin", "run.js"), file, ...process.argv.slice(3)], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
