// Benchmark: the `flexgrid` CLI as a person runs it, a whole process each time (start, load, work, print), against
// a bare `node -e ""` start measured in the same run. Goals: `flexgrid --help` < 300 ms; `flexgrid grid solve` of a
// 13,000-bus MATPOWER case < 1.5 s, and faster than MATPOWER's own whole process (Octave: load the case, runpf) on
// the same file when Octave and MATPOWER are here (MATPOWER_DIR=<matpower folder>, e.g. an unpacked release).
// Run: `npm run bench -- cli` (options: --runs N).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { toMatpowerCase } from "../../oracles/grid/exporters/matpower";
import { buildRomeNetwork } from "../../oracles/grid/synthetic/rome";

const ROOT = path.resolve(__dirname, "..", "..");
const FLEXGRID = path.join(ROOT, "bin", "flexgrid.js");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;

interface Timing {
  wallMs: number;
  cpuMs: number;
}

/** One whole process: wall time, and its CPU time (user + system, children included) from bash's `times`. */
function timeProcess(command: string[]): Timing {
  const started = performance.now();
  const result = spawnSync(
    "bash",
    ["-c", '"$@" > /dev/null 2> /tmp/flexgrid-cli-bench.err; status=$?; times; exit $status', "_", ...command],
    {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const wallMs = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`${command.join(" ")} failed (exit ${result.status}): see /tmp/flexgrid-cli-bench.err`);
  // `times` prints the shell's own user/system times, then its children's: "0m0.121s 0m0.042s".
  const children = result.stdout.trim().split("\n").at(-1)!;
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { wallMs, cpuMs: (seconds[0]! + seconds[1]!) * 1000 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function measure(command: string[]): Timing {
  timeProcess(command); // warm: builds dist/ if a source changed, fills the OS file cache
  const timings = Array.from({ length: RUNS }, () => timeProcess(command));
  return { wallMs: median(timings.map((t) => t.wallMs)), cpuMs: median(timings.map((t) => t.cpuMs)) };
}

function octaveWithMatpower(): string[] | undefined {
  const dir = process.env.MATPOWER_DIR;
  if (!dir || !existsSync(path.join(dir, "lib", "runpf.m"))) return undefined;
  try {
    execFileSync("octave", ["--version"], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  const paths = ["lib", "mips/lib", "mp-opt-model/lib", "mptest/lib"].map((p) => `addpath('${path.join(dir, p)}');`);
  return [...paths, "mpopt = mpoption('verbose', 0, 'out.all', 0);"];
}

function main(): void {
  const folder = mkdtempSync(path.join(tmpdir(), "flexgrid-cli-bench-"));
  const network = buildRomeNetwork();
  const caseFile = path.join(folder, "rome13k.m");
  writeFileSync(caseFile, toMatpowerCase(network, "rome13k"));
  const cases = [
    { name: `rome13k.m (${network.buses.length} buses, written from the Rome-scale network)`, file: caseFile },
  ];
  const extra = process.env.MATPOWER_DIR && path.join(process.env.MATPOWER_DIR, "data", "case_ACTIVSg10k.m");
  if (extra && existsSync(extra)) cases.push({ name: "case_ACTIVSg10k.m (MATPOWER's 10,000-bus case)", file: extra });

  console.log(
    `cli: whole processes, median of ${RUNS} runs after one warm-up; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)}`,
  );
  const node = measure([process.execPath, "-e", ""]);
  const rows: [string, Timing, string][] = [['node -e "" (reference)', node, ""]];
  const help = measure([process.execPath, FLEXGRID, "--help"]);
  rows.push(["flexgrid --help", help, help.wallMs < 300 ? "goal < 300 ms: met" : "goal < 300 ms: NOT MET"]);
  const octave = octaveWithMatpower();
  for (const c of cases) {
    let solve: Timing;
    try {
      solve = measure([process.execPath, FLEXGRID, "grid", "solve", c.file]);
    } catch {
      rows.push([
        `flexgrid grid solve ${c.name}`,
        { wallMs: NaN, cpuMs: NaN },
        `refused: ${readFileSync("/tmp/flexgrid-cli-bench.err", "utf8").trim()}`,
      ]);
      continue;
    }
    rows.push([
      `flexgrid grid solve ${c.name}`,
      solve,
      solve.wallMs < 1500 ? "goal < 1.5 s: met" : "goal < 1.5 s: NOT MET",
    ]);
    if (octave) {
      const script = `${octave.join(" ")} r = runpf('${c.file}', mpopt); if ~r.success, exit(1); end`;
      const matpower = measure(["octave", "--no-gui", "--no-window-system", "-q", "--eval", script]);
      rows.push([
        `MATPOWER runpf in Octave, same file`,
        matpower,
        `flexgrid ${(matpower.wallMs / solve.wallMs).toFixed(1)}x faster`,
      ]);
    }
  }
  if (!octave)
    rows.push([
      "MATPOWER in Octave",
      { wallMs: NaN, cpuMs: NaN },
      "not measured: set MATPOWER_DIR (and install octave)",
    ]);

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`${"command".padEnd(width)}  ${"wall".padStart(9)}  ${"CPU".padStart(9)}  ${"x node".padStart(7)}`);
  for (const [name, t, note] of rows) {
    const wall = Number.isNaN(t.wallMs) ? "-" : `${t.wallMs.toFixed(0)} ms`;
    const cpu = Number.isNaN(t.cpuMs) ? "-" : `${t.cpuMs.toFixed(0)} ms`;
    const ratio = Number.isNaN(t.wallMs) ? "-" : (t.wallMs / node.wallMs).toFixed(1);
    console.log(`${name.padEnd(width)}  ${wall.padStart(9)}  ${cpu.padStart(9)}  ${ratio.padStart(7)}  ${note}`);
  }
}

main();
