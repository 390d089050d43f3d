// The benchmark's outside reference: the same network and the same 96 slots solved by MATPOWER's Newton core
// (newtonpf, warm-started from the previous slot as the engine is) in GNU Octave, timed inside Octave. Runs only
// when `octave` is on the PATH and MATPOWER_DIR points to a MATPOWER checkout; MATPOWER is never bundled.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CompiledNetwork } from "../compile";
import type { ElementPowers } from "../powerflow";

/** The compiled network as a MATPOWER case (one bus per electrical node, closed switches merged). */
export function toMatpowerCase(compiled: CompiledNetwork): string {
  const { network, baseMva, busNode, busIndex } = compiled;
  const slackNode = new Map(network.slacks.map((s) => [busNode[busIndex.get(s.bus)!], s]));
  const bus: string[] = [];
  for (let n = 0; n < compiled.nodeCount; n++) {
    const slack = slackNode.get(n);
    bus.push(
      [n + 1, slack ? 3 : 1, 0, 0, compiled.shuntG[n] * baseMva, compiled.shuntB[n] * baseMva, 1, slack?.vPu ?? 1, 0]
        .concat([compiled.nodeKv[n], 1, 1.1, 0.9])
        .join(" "),
    );
  }
  const gen = network.slacks.map((s) => {
    const n = busNode[busIndex.get(s.bus)!];
    return `${n + 1} 0 0 Inf -Inf ${s.vPu} ${baseMva} 1 Inf -Inf`;
  });
  const node = (id: string) => busNode[busIndex.get(id)!] + 1;
  const branch: string[] = [];
  for (const line of network.lines) {
    if (!line.inService) continue;
    const kv = network.buses[busIndex.get(line.from)!].nominalKv;
    const zBase = (kv * kv) / baseMva;
    branch.push(
      `${node(line.from)} ${node(line.to)} ${line.rOhm / zBase} ${line.xOhm / zBase} ${line.bMicroS * 1e-6 * zBase} 0 0 0 0 0 1 -360 360`,
    );
  }
  for (const tr of network.transformers) {
    if (!tr.inService) continue;
    if (tr.gMicroS !== 0 || tr.gAsymMicroS !== 0 || tr.bAsymMicroS !== 0)
      throw new Error(`transformer ${tr.id} has a shunt conductance or asymmetry MATPOWER's branch cannot hold`);
    const z = (tr.vkPercent / 100) * (baseMva / tr.ratedMva);
    const r = (tr.vkrPercent / 100) * (baseMva / tr.ratedMva);
    const x = Math.sign(z || 1) * Math.sqrt(Math.max(z * z - r * r, 0));
    const lvKv = network.buses[busIndex.get(tr.lvBus)!].nominalKv;
    const b = tr.bMicroS * 1e-6 * ((lvKv * lvKv) / baseMva);
    branch.push(`${node(tr.hvBus)} ${node(tr.lvBus)} ${r} ${x} ${b} 0 0 0 ${tr.tapRatio} ${tr.shiftDeg} 1 -360 360`);
  }
  return [
    `function mpc = flexgrid_case`,
    `mpc.version = '2';`,
    `mpc.baseMVA = ${baseMva};`,
    `mpc.bus = [\n${bus.join(";\n")}\n];`,
    `mpc.gen = [\n${gen.join(";\n")}\n];`,
    `mpc.branch = [\n${branch.join(";\n")}\n];`,
  ].join("\n");
}

const SCRIPT = `
mp = getenv('MATPOWER_DIR');
addpath(fullfile(mp, 'lib')); addpath(fullfile(mp, 'mips', 'lib')); addpath(fullfile(mp, 'mp-opt-model', 'lib'));
addpath(fullfile(mp, 'mptest', 'lib'));
define_constants;
mpc = loadcase('flexgrid_case');
P = dlmread('p.txt'); Q = dlmread('q.txt');
mpopt = mpoption('verbose', 0, 'out.all', 0, 'pf.tol', 1e-8);
[ref, pv, pq] = bustypes(mpc.bus, mpc.gen);
Ybus = makeYbus(mpc.baseMVA, mpc.bus, mpc.branch);
V = mpc.bus(:, VM) .* exp(1j * pi / 180 * mpc.bus(:, VA));
iterations = 0; ok = 1; vmin = Inf;
t0 = tic;
for s = 1:size(P, 1)
  S = -(P(s, :)' + 1j * Q(s, :)') / 1000 / mpc.baseMVA;
  % MATPOWER 7+ takes Sbus as a function of |V| (voltage-dependent loads); these loads are constant power.
  [V, success, it] = newtonpf(Ybus, @(Vm) constant_sbus(Vm, S), V, ref, pv, pq, mpopt);
  iterations = iterations + it; ok = ok && success; vmin = min(vmin, min(abs(V)));
end
elapsed = toc(t0);
printf('MATPOWER %d %.6f %d %.12g\\n', ok, elapsed, iterations, vmin);
`;

export interface MatpowerRun {
  seconds: number;
  iterations: number;
  minVPu: number;
}

/** Why the side-by-side cannot run here, or undefined when it can. */
export function matpowerUnavailable(): string | undefined {
  const dir = process.env.MATPOWER_DIR;
  if (!dir || !existsSync(join(dir, "lib", "newtonpf.m"))) return "MATPOWER_DIR does not point to a MATPOWER checkout";
  try {
    execFileSync("octave", ["--version"], { stdio: "ignore" });
  } catch {
    return "octave is not installed";
  }
  return undefined;
}

/** Solves the slots with MATPOWER's newtonpf in Octave; loads per node from the engine's element powers. */
export function runMatpowerSideBySide(compiled: CompiledNetwork, slots: ElementPowers[]): MatpowerRun {
  const dir = mkdtempSync(join(tmpdir(), "flexgrid-matpower-"));
  writeFileSync(join(dir, "flexgrid_case.m"), toMatpowerCase(compiled));
  const rows = (pick: (p: ElementPowers) => Float64Array, gen: (p: ElementPowers) => Float64Array) =>
    slots
      .map((powers) => {
        const perNode = new Float64Array(compiled.nodeCount);
        pick(powers).forEach((v, i) => (perNode[compiled.loadNode[i]] += v));
        gen(powers).forEach((v, i) => (perNode[compiled.generatorNode[i]] -= v));
        return Array.from(perNode).join(" ");
      })
      .join("\n");
  writeFileSync(
    join(dir, "p.txt"),
    rows(
      (p) => p.loadP,
      (p) => p.genP,
    ),
  );
  writeFileSync(
    join(dir, "q.txt"),
    rows(
      (p) => p.loadQ,
      (p) => p.genQ,
    ),
  );
  writeFileSync(join(dir, "flexgrid_day.m"), SCRIPT);
  // newtonpf asks Sbus(Vm) for the injections and their derivative in |V| (zero for constant-power loads).
  writeFileSync(
    join(dir, "constant_sbus.m"),
    "function [S, dS] = constant_sbus(Vm, S0)\n  S = S0;\n  dS = sparse(numel(Vm), numel(Vm));\nend\n",
  );
  const out = execFileSync("octave", ["--no-gui", "-q", "flexgrid_day.m"], {
    cwd: dir,
    encoding: "utf8",
    env: process.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const match = /MATPOWER (\d) ([\d.]+) (\d+) ([\d.eE+-]+)/.exec(out);
  if (!match || match[1] !== "1") throw new Error(`MATPOWER did not solve every slot: ${out.slice(-500)}`);
  return { seconds: Number(match[2]), iterations: Number(match[3]), minVPu: Number(match[4]) };
}
