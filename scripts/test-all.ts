// `npm test`: every suite in turn (contract tests, TypeScript units, and the suites later parts add), each with its
// own runner's output, then one closing summary line over all of them. Exits non-zero if any suite failed.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { testSuites } from "./test-suites";

const ROOT = path.resolve(__dirname, "..");

interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
  pending: number;
  exitCode: number;
  seconds: number;
}

// Mocha prints "N passing", "N failing", "N pending" at the end of a run: read them back for the total.
function countsFrom(output: string): { passed: number; failed: number; pending: number } {
  const last = (word: string) => {
    const matches = [...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, "gm"))];
    return matches.length > 0 ? Number(matches[matches.length - 1]![1]) : 0;
  };
  return { passed: last("passing"), failed: last("failing"), pending: last("pending") };
}

function runSuite(suite: (typeof testSuites)[number]): SuiteResult {
  console.log(`\n=== ${suite.name}: ${suite.command.join(" ")}`);
  const started = performance.now();
  const result = spawnSync(suite.command[0]!, suite.command.slice(1), {
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: "0", ...suite.env },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
  process.stdout.write(result.stdout ?? "");
  process.stderr.write(result.stderr ?? "");
  const counts = suite.countsTests === false ? { passed: 0, failed: 0, pending: 0 } : countsFrom(result.stdout ?? "");
  const exitCode = result.status ?? 1;
  // A suite that crashed before its runner could count still counts as a failure.
  const failed = exitCode !== 0 && counts.failed === 0 ? 1 : counts.failed;
  return { name: suite.name, ...counts, failed, exitCode, seconds: (performance.now() - started) / 1000 };
}

const results = testSuites.map(runSuite);
console.log("\n=== summary");
for (const r of results) {
  console.log(
    `${r.name.padEnd(24)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(3)} failed ${String(r.pending).padStart(3)} pending  ${r.seconds.toFixed(1)} s${r.exitCode === 0 ? "" : `  (exit ${r.exitCode})`}`,
  );
}
const total = results.reduce(
  (sum, r) => ({ passed: sum.passed + r.passed, failed: sum.failed + r.failed, pending: sum.pending + r.pending }),
  { passed: 0, failed: 0, pending: 0 },
);
console.log(`\nTotal: ${total.passed} passed, ${total.failed} failed, ${total.pending} skipped`);
process.exitCode = results.every((r) => r.exitCode === 0) ? 0 : 1;
