// Where the repository and the shared folder beside it (../shared: design, domain data) are, from any file.
import path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..");

/** A path inside ../shared (override with FLEXGRID_SHARED_DIR when the folder lives elsewhere). */
export function sharedPath(...parts: string[]): string {
  return path.join(process.env.FLEXGRID_SHARED_DIR ?? path.join(REPO_ROOT, "..", "shared"), ...parts);
}

/** The Platone field test's inputs (23 June 2021, Tor di Valle): the demo scenario of `npm start` and many tests. */
export const TOR_DI_VALLE_SCENARIO = sharedPath("domain", "tor-di-valle-2021-06-23.json");
