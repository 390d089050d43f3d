// `flexgrid grid …`: solve a MATPOWER / FlexGrid / pandapower case and print voltages, flows, losses and
// violations (a table for people, JSON for other tools), and show which PoM and feeder serve each PoD.
import { Option, type Command } from "commander";
import { describeCommand } from "./index";
import { formatDay, progressBar, slotInjections, solveDay } from "./gridDay";
import { loadDayProfile } from "./gridDayProfile";
import { existsSync } from "node:fs";
import { z } from "zod";
import { loadCaseFile } from "../../oracles/grid/importers/load";
import type { Network } from "../../oracles/grid/model";
import { GridImportError } from "../../oracles/grid/errors";
import { mapPodsToPoms } from "../../oracles/grid/mapping";
import { solvePowerFlow, type PowerFlowResult } from "../../oracles/grid/powerflow";

/** The synthetic networks, by name, for when no file of that name exists (each module required only when asked for). */
/* eslint-disable @typescript-eslint/no-require-imports */
const BUILT_IN_CASES: Record<string, () => Network> = {
  rome: () =>
    (
      require("../../oracles/grid/synthetic/rome") as typeof import("../../oracles/grid/synthetic/rome")
    ).buildRomeNetwork(),
  "tor-di-valle": () =>
    (
      require("../../oracles/grid/synthetic/torDiValle") as typeof import("../../oracles/grid/synthetic/torDiValle")
    ).buildTorDiValleNetwork(),
};

/* eslint-enable @typescript-eslint/no-require-imports */

type Start = "flat" | "case";
// MATPOWER's runpf starts from the voltages a case stores; large transmission cases (case13659pegase,
// case_ACTIVSg10k) do not converge from a flat start, so "case" is the default. Buses without a stored voltage start flat.
const START_OPTION = new Option("--start <flat|case>", "Newton starting point: the case's stored voltages, or flat")
  .choices(["flat", "case"])
  .default("case");
const CASE_ARGUMENT = "case file (case.m or case.json), or a built-in network: rome, tor-di-valle";

interface SolveFlags {
  vmin: string;
  vmax: string;
  tolerance: string;
  start: Start;
}

/** The power-flow options `grid solve` and `grid day` share. */
function withSolveOptions(command: Command): Command {
  return command
    .option("--vmin <pu>", "lower voltage limit for buses without their own", "0.9")
    .option("--vmax <pu>", "upper voltage limit for buses without their own", "1.1")
    .option("--tolerance <pu>", "largest accepted P/Q mismatch, pu of the system base", "1e-8")
    .addOption(START_OPTION);
}

const positivePu = (flag: string) =>
  z.coerce
    .number({ error: `${flag} must be a number` })
    .finite()
    .positive(`${flag} must be above 0`);
const solveFlagsSchema = z
  .object({ vmin: positivePu("--vmin"), vmax: positivePu("--vmax"), tolerance: positivePu("--tolerance") })
  .refine((f) => f.vmin < f.vmax, "--vmin must be below --vmax");

/** The solve options from the command line's flags, refused with the flag's name when they make no sense. */
function solveOptionsOf(flags: SolveFlags) {
  const parsed = solveFlagsSchema.safeParse(flags);
  if (!parsed.success) throw new GridImportError(parsed.error.issues.map((i) => i.message).join("; "));
  return {
    voltageLimits: { minPu: parsed.data.vmin, maxPu: parsed.data.vmax },
    tolerancePu: parsed.data.tolerance,
    start: flags.start,
  };
}

/** A case file, or the name of a built-in synthetic network (`rome`, `tor-di-valle`) when no such file exists. */
function loadCase(caseArgument: string): Network {
  const builtIn = BUILT_IN_CASES[caseArgument];
  if (builtIn && !existsSync(caseArgument)) return builtIn();
  return loadCaseFile(caseArgument);
}

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = headers.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

export function formatPowerFlow(name: string, result: PowerFlowResult): string {
  const t = result.totals;
  const out: string[] = [];
  out.push(
    `${name}: converged in ${result.iterations} iteration(s), largest mismatch ${result.maxMismatchPu.toExponential(2)} pu`,
    `load ${t.loadKw.toFixed(2)} kW / ${t.loadKvar.toFixed(2)} kvar, generation ${t.generationKw.toFixed(2)} kW ` +
      `(slack ${t.slackKw.toFixed(2)} kW / ${t.slackKvar.toFixed(2)} kvar)`,
    `losses ${t.lossKw.toFixed(3)} kW / ${t.lossKvar.toFixed(3)} kvar; min voltage ${result.minVoltage.vPu.toFixed(5)} pu ` +
      `at bus ${result.minVoltage.bus}, max ${result.maxVoltage.vPu.toFixed(5)} pu at bus ${result.maxVoltage.bus}`,
    "",
    table(
      ["bus", "kV nom", "V pu", "V kV", "angle deg", "P load kW", "Q load kvar", "P gen kW", "Q gen kvar"],
      result.buses.map((b) => [
        b.id,
        b.nominalKv,
        b.vPu.toFixed(5),
        b.vKv.toFixed(3),
        b.angleDeg.toFixed(4),
        b.pLoadKw.toFixed(2),
        b.qLoadKvar.toFixed(2),
        b.pGenKw.toFixed(2),
        b.qGenKvar.toFixed(2),
      ]),
    ),
    "",
    table(
      [
        "branch",
        "from",
        "to",
        "P from kW",
        "Q from kvar",
        "P to kW",
        "Q to kvar",
        "I from A",
        "I to A",
        "limit A",
        "load %",
        "loss kW",
      ],
      result.branches.map((b) => [
        b.id,
        b.from,
        b.to,
        b.pFromKw.toFixed(2),
        b.qFromKvar.toFixed(2),
        b.pToKw.toFixed(2),
        b.qToKvar.toFixed(2),
        b.iFromA.toFixed(2),
        b.iToA.toFixed(2),
        b.limitA > 0 ? b.limitA.toFixed(2) : "-",
        b.limitA > 0 ? b.loadingPercent.toFixed(1) : "-",
        b.pLossKw.toFixed(3),
      ]),
    ),
    "",
  );
  if (result.violations.length === 0) out.push("no violations");
  else
    out.push(
      table(
        ["violation", "element", "value", "limit"],
        result.violations.map((v) => [
          v.kind,
          v.element,
          `${v.value.toFixed(v.unit === "pu" ? 5 : 2)} ${v.unit}`,
          `${v.limit.toFixed(v.unit === "pu" ? 3 : 2)} ${v.unit}`,
        ]),
      ),
    );
  return out.join("\n");
}

export function registerGridCommands(program: Command): void {
  const grid = program.command("grid").description(describeCommand("grid"));
  const solve = grid
    .command("solve")
    .description(
      "solve a case file (.m MATPOWER, .json FlexGrid or pandapower) with Newton–Raphson and print the results",
    )
    .argument("<case>", CASE_ARGUMENT)
    .option("--json", "print the full result as JSON");
  withSolveOptions(solve).action((casePath: string, opts: SolveFlags & { json?: boolean }) => {
    const solveOptions = solveOptionsOf(opts);
    const network = loadCase(casePath);
    const result = solvePowerFlow(network, solveOptions);
    if (opts.json) {
      const { state: _state, ...printable } = result;
      console.log(JSON.stringify({ case: network.name, ...printable }, null, 2));
    } else console.log(formatPowerFlow(network.name, result));
  });
  const day = grid
    .command("day")
    .description(
      "solve the 96 quarter-hour slots of a day (warm-started) and print each slot's losses, lowest voltage and overloads",
    )
    .argument("<case>", CASE_ARGUMENT)
    .option(
      "--profile <file>",
      "96 load multipliers or 96 kW per load id (.json: [..] | {multipliers} | {loadsKw}; .csv: slot,multiplier | slot,<load ids>); default: the typical profiles of --date",
    )
    .option("--date <yyyy-mm-dd>", "day of the typical profiles when no --profile is given", "2021-06-23")
    .option("--json", "print the day as JSON");
  withSolveOptions(day).action(
    (casePath: string, opts: SolveFlags & { profile?: string; date: string; json?: boolean }) => {
      if (!opts.profile && !/^\d{4}-\d{2}-\d{2}$/.test(opts.date))
        throw new GridImportError(`--date ${opts.date} is not a yyyy-mm-dd date`);
      const { voltageLimits, tolerancePu, start } = solveOptionsOf(opts);
      const network = loadCase(casePath);
      const profile = opts.profile ? loadDayProfile(opts.profile) : undefined;
      const slots = slotInjections(network, profile, opts.date, opts.profile);
      const bar = progressBar("power flows");
      const report = solveDay(network, slots, opts.profile ?? `typical profiles of ${opts.date}`, {
        voltageLimits,
        tolerancePu,
        firstStart: start,
        onSlot: (done, total) => bar.update(done, total),
      });
      bar.done();
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatDay(report));
    },
  );
  grid
    .command("map")
    .description(
      "list each PoD of a case with the PoM (primary substation) and feeder that serve it under its switch states",
    )
    .argument("<case>", "FlexGrid or pandapower JSON case file")
    .option("--json", "print as JSON")
    .action((casePath: string, opts: { json?: boolean }) => {
      const located = mapPodsToPoms(loadCase(casePath));
      if (opts.json) console.log(JSON.stringify(located, null, 2));
      else
        console.log(
          table(
            ["pod", "bus", "secondary substation", "pom", "feeder"],
            located.map((l) => [l.pod, l.bus, l.secondarySubstation ?? "-", l.pom ?? "-", l.feeder ?? "-"]),
          ),
        );
    });
}
