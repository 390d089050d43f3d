// The launchers' TypeScript build cache (bin/lib/ts-build-cache.js): a module runs from its built JavaScript, a
// changed source is rebuilt rather than run stale (even at the same size), and __dirname stays the source folder.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const LOADER = path.join(__dirname, "..", "bin", "lib", "ts-build-cache.js");

/** Requires `file` in a fresh node process with only the build cache's loader installed; returns what it printed. */
function runWithLoader(file: string): string {
  const script = `require(${JSON.stringify(LOADER)}).installTypeScriptLoader(); const m = require(${JSON.stringify(file)}); console.log(JSON.stringify(m.answer()));`;
  return execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim();
}

describe("TypeScript build cache (bin/lib/ts-build-cache.js)", function () {
  this.timeout(60_000);

  it("runs a module from dist/, rebuilds it when its source changes, and keeps __dirname in the source tree", function () {
    const folder = mkdtempSync(path.join(os.tmpdir(), "flexgrid-ts-cache-"));
    const file = path.join(folder, "answer.ts");
    writeFileSync(file, `export const answer = (): [number, string] => [41, __dirname];\n`);
    expect(JSON.parse(runWithLoader(file))).to.deep.equal([41, folder]);
    // Same length, different content: a size/mtime check could miss it; the source hash does not.
    writeFileSync(file, `export const answer = (): [number, string] => [42, __dirname];\n`);
    expect(JSON.parse(runWithLoader(file))).to.deep.equal([42, folder]);
  });

  it("writes the built file once and reads it back on the next run", function () {
    const folder = mkdtempSync(path.join(os.tmpdir(), "flexgrid-ts-cache-"));
    const file = path.join(folder, "answer.ts");
    writeFileSync(file, `const value: number = 7;\nexport const answer = () => value;\n`);
    expect(runWithLoader(file)).to.equal("7");
    const distDir = path.join(__dirname, "..", "dist", "_external");
    expect(existsSync(distDir)).to.equal(true);
    // The loader marks each built file with its source hash on the first line.
    const built = execFileSync("grep", ["-rl", "const value = 7", distDir], { encoding: "utf8" })
      .trim()
      .split("\n")[0]!;
    expect(readFileSync(built, "utf8")).to.match(/^\/\/ flexgrid-build [0-9a-f]{40}\n/);
    const builtAt = statSync(built).mtimeMs;
    expect(runWithLoader(file)).to.equal("7");
    expect(statSync(built).mtimeMs).to.equal(builtAt);
  });
});
