// Finds MATPOWER's own case files for tests and the benchmark without committing them (MATPOWER's licence does not
// cover its case files): `MATPOWER_DIR` (a MATPOWER checkout, data/ inside), else a local bare mirror of
// github.com/MATPOWER/matpower read with git. Tests that need a case skip when neither is present.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const MIRRORS = [process.env.MATPOWER_MIRROR, "/work/.mirror/MATPOWER+matpower/repo"].filter(Boolean) as string[];

/** The text of MATPOWER's data/<file>, or undefined when no MATPOWER copy is reachable. */
export function matpowerCaseText(file: string): string | undefined {
  const dir = process.env.MATPOWER_DIR;
  if (dir && existsSync(join(dir, "data", file))) return readFileSync(join(dir, "data", file), "utf8");
  for (const mirror of MIRRORS) {
    if (!existsSync(mirror)) continue;
    try {
      return execFileSync("git", ["--git-dir", mirror, "show", `HEAD:data/${file}`], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        stdio: ["ignore", "pipe", "ignore"],
      });
    } catch {
      // Not in this mirror (or the blob is absent): try the next source.
    }
  }
  return undefined;
}
