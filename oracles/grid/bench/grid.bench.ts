// Benchmark: a day-ahead run (96 quarter-hour power flows) on the synthetic Rome-scale network, with a dense
// Jacobian solve of the same Newton–Raphson on one primary substation as the in-run reference, and a
// scaling table. Run: `npm run bench:grid` (or `npm run bench -- grid`).
import { compileNetwork } from "../compile";
import { forecastLoadsKw } from "../forecast/profiles";
import { solveBatch, type PowerFlowOptions } from "../powerflow";
import { buildRomeNetwork, type RomeOptions } from "../synthetic/rome";

const DATE = "2021-06-23";

function timeBatch(rome: RomeOptions, slotCount: number, options: PowerFlowOptions) {
  const network = buildRomeNetwork(rome);
  const t0 = performance.now();
  const compiled = compileNetwork(network);
  const compileMs = performance.now() - t0;
  const slots = forecastLoadsKw(network.loads, DATE)
    .slice(0, slotCount)
    .map((loadsKw) => ({ loadsKw }));
  const t1 = performance.now();
  const results = solveBatch(compiled, slots, { detail: "summary", ...options });
  const solveMs = performance.now() - t1;
  const iterations = results.reduce((s, r) => s + r.iterations, 0);
  const violations = results.reduce((s, r) => s + r.violations.length, 0);
  return { network, compileMs, solveMs, iterations, violations, results };
}

export function runGridBench(): void {
  // Warm the JIT on a small network so the figures measure the solver, not V8's tiers.
  timeBatch({ primarySubstations: 3, feeders: 25, secondarySubstations: 500 }, 96, {});

  const rome = timeBatch({}, 96, {});
  const buses = rome.network.buses.length;
  const minV = Math.min(...rome.results.map((r) => r.minVoltage.vPu));
  const peakLoadMw = Math.max(...rome.results.map((r) => r.totals.loadKw)) / 1000;
  console.log(
    `grid: 96 slots on the Rome-scale network (${rome.network.primarySubstations.length} primary substations, ` +
      `${rome.network.feeders.length} feeders, ${rome.network.loads.length} MV/LV substations, ${buses} buses)`,
  );
  console.log(
    `  solve ${rome.solveMs.toFixed(0)} ms total (${(rome.solveMs / 96).toFixed(1)} ms per slot, ` +
      `${(rome.iterations / 96).toFixed(2)} Newton iterations per slot), goal < 2000 ms: ` +
      `${rome.solveMs < 2000 ? "met" : "NOT met"}; compile once ${rome.compileMs.toFixed(0)} ms`,
  );
  console.log(`  peak load ${peakLoadMw.toFixed(0)} MW, lowest voltage of the day ${minV.toFixed(4)} pu, ${rome.violations} violations`);

  // Reference in the same run: one primary substation, the same Newton–Raphson with a dense LU per step.
  const one: RomeOptions = { primarySubstations: 1, feeders: 9, secondarySubstations: 186 };
  const referenceSlots = 12;
  const sparse = timeBatch(one, referenceSlots, {});
  const dense = timeBatch(one, referenceSlots, { linearSolver: "dense" });
  const agree = sparse.results.every(
    (r, s) => Math.abs(r.totals.lossKw - dense.results[s].totals.lossKw) < 1e-6 * Math.max(1, r.totals.lossKw),
  );
  const perSlotSparse = sparse.solveMs / referenceSlots;
  const perSlotDense = dense.solveMs / referenceSlots;
  console.log(
    `  reference (one primary substation, ${sparse.network.buses.length} buses, ${referenceSlots} slots): ` +
      `dense Jacobian ${perSlotDense.toFixed(1)} ms/slot vs sparse ${perSlotSparse.toFixed(2)} ms/slot: ` +
      `sparse is ${(perSlotDense / perSlotSparse).toFixed(0)}x faster (losses agree: ${agree})`,
  );
  // A dense solve grows as n³: extrapolate the measured reference to the whole network for scale.
  const denseWholeMs = perSlotDense * 96 * rome.network.primarySubstations.length;
  console.log(
    `  a dense solve of the Rome network per substation would take ~${(denseWholeMs / 1000).toFixed(0)} s for 96 slots ` +
      `(ratio ${(denseWholeMs / rome.solveMs).toFixed(0)}x vs sparse)`,
  );

  console.log("  scaling (96 slots each):");
  console.log("    MV/LV subst.   buses   compile ms   solve ms   ms/slot   iterations/slot");
  for (const size of [1000, 4000, 13000, 50000]) {
    const scale = size / 13000;
    const run = timeBatch(
      {
        primarySubstations: Math.max(1, Math.round(70 * scale)),
        feeders: Math.max(1, Math.round(600 * scale)),
        secondarySubstations: size,
      },
      96,
      {},
    );
    console.log(
      `    ${String(size).padStart(12)}  ${String(run.network.buses.length).padStart(6)}  ${run.compileMs.toFixed(0).padStart(11)}` +
        `  ${run.solveMs.toFixed(0).padStart(9)}  ${(run.solveMs / 96).toFixed(2).padStart(8)}  ${(run.iterations / 96).toFixed(2).padStart(16)}`,
    );
  }
}

// bin/run.js requires the entry file, so `require.main` is run.js: compare with the path it was given.
if (require.main === module || process.argv[1] === __filename) runGridBench();
