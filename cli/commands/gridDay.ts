// `flexgrid grid day`: the 96 quarter-hour power flows of a day on any case, warm-started slot to slot, with the
// losses, the lowest voltage and the overloads of each slot. A slot that does not converge is reported as such and
// the day goes on (the next slot starts flat), so one bad slot never hides the others.
import { compileNetwork, type CompiledNetwork } from "../../oracles/grid/compile";
import { forecastLoadsKw } from "../../oracles/grid/forecast/profiles";
import type { Network } from "../../oracles/grid/model";
import { solveBatch, type PowerFlowResult, type SlotInjections } from "../../oracles/grid/powerflow";
import { ProfileError, SLOTS_PER_DAY, type DayProfile } from "./gridDayProfile";

export interface DaySlot {
  slot: number;
  /** Start of the slot, hh:mm. */
  start: string;
  converged: boolean;
  iterations: number;
  loadKw: number;
  lossKw: number;
  minVoltage: { bus: string; vPu: number };
  maxLoading: { branch: string; loadingPercent: number };
  overloads: { branch: string; currentA: number; limitA: number }[];
  undervoltages: number;
  overvoltages: number;
}

export interface DayReport {
  case: string;
  buses: number;
  branches: number;
  profile: string;
  slots: DaySlot[];
  summary: {
    energyLossKwh: number;
    lowestVoltage: { slot: number; bus: string; vPu: number };
    slotsWithOverloads: number;
    slotsNotConverged: number;
    solveMs: number;
  };
}

const slotStart = (slot: number) =>
  `${String(Math.floor(slot / 4)).padStart(2, "0")}:${String((slot % 4) * 15).padStart(2, "0")}`;

/** The 96 slots' load changes from a profile, or from the typical profiles of `date` when none is given. */
export function slotInjections(
  network: Network,
  profile: DayProfile | undefined,
  date: string,
  file = "",
): SlotInjections[] {
  if (!profile) return forecastLoadsKw(network.loads, date).map((loadsKw) => ({ loadsKw }));
  if (profile.kind === "multipliers") {
    const base = network.loads.map((l) => l.pKw);
    return profile.multipliers.map((m) => ({ loadsKw: base.map((p) => p * m) }));
  }
  const known = new Set(network.loads.map((l) => l.id));
  const unknown = Object.keys(profile.loadsKw).filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new ProfileError(
      file,
      `no load ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ` (and ${unknown.length - 5} more)` : ""} in case ${network.name}`,
    );
  return Array.from({ length: SLOTS_PER_DAY }, (_, s) => ({
    loadsKw: Object.fromEntries(Object.entries(profile.loadsKw).map(([id, values]) => [id, values[s]!])),
  }));
}

function daySlot(slot: number, result: PowerFlowResult): DaySlot {
  const overloads = result.violations
    .filter((v) => v.kind === "overload")
    .map((v) => ({ branch: v.element, currentA: v.value, limitA: v.limit }));
  return {
    slot,
    start: slotStart(slot),
    converged: result.converged,
    iterations: result.iterations,
    loadKw: result.totals.loadKw,
    lossKw: result.totals.lossKw,
    minVoltage: result.minVoltage,
    maxLoading: { branch: result.maxLoading.branch, loadingPercent: result.maxLoading.loadingPercent },
    overloads,
    undervoltages: result.violations.filter((v) => v.kind === "undervoltage").length,
    overvoltages: result.violations.filter((v) => v.kind === "overvoltage").length,
  };
}

export interface DayOptions {
  voltageLimits: { minPu: number; maxPu: number };
  tolerancePu: number;
  /** Starting point of the first slot (and of any slot after one that did not converge); later slots start warm. */
  firstStart?: "flat" | "case";
  /** Called after each slot: for a progress bar. */
  onSlot?: (done: number, total: number) => void;
}

/** Solves the day slot by slot (each warm-started from the last converged one). */
export function solveDay(
  network: Network | CompiledNetwork,
  slots: SlotInjections[],
  profileName: string,
  options: DayOptions,
): DayReport {
  const compiled = "subnetworks" in network ? network : compileNetwork(network);
  const started = performance.now();
  const report: DaySlot[] = [];
  let previous: PowerFlowResult | undefined;
  slots.forEach((slot, index) => {
    const [result] = solveBatch(compiled, [slot], {
      detail: "summary",
      onDivergence: "report",
      voltageLimits: options.voltageLimits,
      tolerancePu: options.tolerancePu,
      start: previous?.converged ? "warm" : (options.firstStart ?? "case"),
      initialState: previous?.converged ? previous.state : undefined,
    });
    previous = result!;
    report.push(daySlot(index, result!));
    options.onSlot?.(index + 1, slots.length);
  });
  const solveMs = performance.now() - started;
  const converged = report.filter((s) => s.converged);
  const lowest = converged.reduce<DaySlot | undefined>(
    (low, s) => (low === undefined || s.minVoltage.vPu < low.minVoltage.vPu ? s : low),
    undefined,
  );
  return {
    case: compiled.network.name,
    buses: compiled.network.buses.length,
    branches: compiled.network.lines.length + compiled.network.transformers.length,
    profile: profileName,
    slots: report,
    summary: {
      energyLossKwh: converged.reduce((sum, s) => sum + s.lossKw * 0.25, 0),
      lowestVoltage: lowest
        ? { slot: lowest.slot, bus: lowest.minVoltage.bus, vPu: lowest.minVoltage.vPu }
        : { slot: -1, bus: "", vPu: Number.NaN },
      slotsWithOverloads: report.filter((s) => s.overloads.length > 0).length,
      slotsNotConverged: report.length - converged.length,
      solveMs,
    },
  };
}

/** The day as a table a person reads: one line per slot, then the day's totals. */
export function formatDay(day: DayReport): string {
  const header = ["slot", "start", "load kW", "losses kW", "min V pu", "at bus", "max load %", "branch", "overloads"];
  const rows = day.slots.map((s) =>
    s.converged
      ? [
          String(s.slot),
          s.start,
          s.loadKw.toFixed(1),
          s.lossKw.toFixed(2),
          s.minVoltage.vPu.toFixed(4),
          s.minVoltage.bus,
          // A case without branch limits (MATPOWER rateA = 0) has no loading to show.
          s.maxLoading.branch ? s.maxLoading.loadingPercent.toFixed(1) : "-",
          s.maxLoading.branch || "-",
          s.overloads.length === 0
            ? "-"
            : `${s.overloads.length} (${s.overloads[0]!.branch}${s.overloads.length > 1 ? ", …" : ""})`,
        ]
      : [String(s.slot), s.start, "did not converge", "", "", "", "", "", ""],
  );
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    r
      .map((v, c) => (c === 1 || c === 5 || c === 7 || c === 8 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!)))
      .join("  ")
      .trimEnd();
  const { summary } = day;
  return [
    `${day.case}: ${day.buses} buses, ${day.branches} branches; profile ${day.profile}`,
    "",
    line(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
    "",
    `energy losses ${summary.energyLossKwh.toFixed(1)} kWh; lowest voltage ${summary.lowestVoltage.vPu.toFixed(4)} pu ` +
      `at bus ${summary.lowestVoltage.bus} (slot ${summary.lowestVoltage.slot}); ` +
      `${summary.slotsWithOverloads} slot(s) with overloads; ${summary.slotsNotConverged} slot(s) not converged; ` +
      `96 power flows in ${summary.solveMs.toFixed(0)} ms`,
  ].join("\n");
}

/** A progress bar on standard error, shown only on a terminal and only once the work has taken a second. */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const started = performance.now();
  let shown = false;
  return {
    update(done: number, total: number) {
      if (!stream.isTTY || performance.now() - started < 1000) return;
      shown = true;
      const width = 30;
      const filled = Math.round((done / total) * width);
      stream.write(`\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total}`);
    },
    done() {
      if (shown) stream.write("\r\x1b[2K");
    },
  };
}
