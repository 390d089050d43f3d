// Finds pandapower's example networks for tests: the two committed here (BSD licence, see LICENSE), else
// `PANDAPOWER_DIR` (a pandapower checkout), else a local bare mirror of github.com/e2nIEE/pandapower read with
// git. Tests that need a network that is not reachable skip.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const MIRRORS = [process.env.PANDAPOWER_MIRROR, "/work/.mirror/e2nIEE+pandapower/repo"].filter(Boolean) as string[];

/** The text of pandapower/networks/<path>, or undefined when no copy is reachable. */
export function pandapowerNetworkText(path: string): string | undefined {
  const local = join(__dirname, path);
  if (existsSync(local)) return readFileSync(local, "utf8");
  const dir = process.env.PANDAPOWER_DIR;
  if (dir && existsSync(join(dir, "pandapower", "networks", path)))
    return readFileSync(join(dir, "pandapower", "networks", path), "utf8");
  for (const mirror of MIRRORS) {
    if (!existsSync(mirror)) continue;
    try {
      return execFileSync("git", ["--git-dir", mirror, "show", `HEAD:pandapower/networks/${path}`], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        stdio: ["ignore", "pipe", "ignore"],
      });
    } catch {
      // Not in this mirror: try the next source.
    }
  }
  return undefined;
}
