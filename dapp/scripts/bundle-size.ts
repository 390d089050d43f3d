// Prints the gzipped size of what the first page (#/market, the default route) loads: index.html, the entry chunk,
// the Market page chunk and every chunk and stylesheet they import statically (from Vite's manifest). Fails the
// build when that passes the 500 kB budget. Lazy chunks (other pages, ECharts, WalletConnect) are counted apart.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const DIST = path.resolve(__dirname, "..", "dist");
const BUDGET_KB = 500;
const FIRST_PAGE_MODULES = ["index.html", "src/pages/MarketPage.tsx"];

interface ManifestChunk {
  file: string;
  imports?: string[];
  css?: string[];
}
const manifest = JSON.parse(readFileSync(path.join(DIST, ".vite", "manifest.json"), "utf8")) as Record<
  string,
  ManifestChunk
>;
const files = new Set<string>(["index.html"]);
const visit = (key: string) => {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`bundle-size: ${key} is not in the Vite manifest`);
  if (files.has(chunk.file)) return;
  files.add(chunk.file);
  chunk.css?.forEach((css) => files.add(css));
  chunk.imports?.forEach(visit);
};
FIRST_PAGE_MODULES.forEach(visit);

const gz = (file: string) => gzipSync(readFileSync(path.join(DIST, file)), { level: 9 }).length;
const firstBytes = [...files].reduce((n, f) => n + gz(f), 0);
const all = readdirSync(path.join(DIST, "assets")).map((f) => `assets/${f}`);
const lazy = all.filter((f) => !files.has(f));
const lazyBytes = lazy.reduce((n, f) => n + gz(f), 0);
console.log(
  `dapp bundle: first page ${(firstBytes / 1024).toFixed(1)} kB gzipped in ${files.size} files (budget ${BUDGET_KB} kB); lazy chunks ${(lazyBytes / 1024).toFixed(1)} kB gzipped in ${lazy.length} files`,
);
if (firstBytes / 1024 > BUDGET_KB) {
  console.error(`dapp bundle: the first page is over the ${BUDGET_KB} kB budget`);
  process.exit(1);
}
