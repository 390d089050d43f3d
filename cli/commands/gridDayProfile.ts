// Reads the load profile of `flexgrid grid day`: 96 quarter-hour load multipliers, or 96 values in kW per load,
// from JSON or CSV. Everything a person may get wrong (row count, unknown load ids, non-numbers) is refused with
// the line or key that is wrong; nothing is guessed.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { FlexGridError } from "../../core/errors";

export const SLOTS_PER_DAY = 96;

/** A day's load changes: one multiplier of every load's model power per slot, or kW per load id per slot. */
export type DayProfile =
  { kind: "multipliers"; multipliers: number[] } | { kind: "loads"; loadsKw: Record<string, number[]> };

export class ProfileError extends FlexGridError {
  constructor(file: string, problem: string) {
    super(`profile ${file}: ${problem}`, "GRID_PROFILE");
  }
}

const dayValues = z.array(z.number().finite()).length(SLOTS_PER_DAY, `expected ${SLOTS_PER_DAY} values, one per slot`);
const multiplierValues = z.array(z.number().finite().nonnegative()).length(SLOTS_PER_DAY);
const profileJson = z.union([
  multiplierValues.transform((multipliers) => ({ kind: "multipliers" as const, multipliers })),
  z.object({ multipliers: multiplierValues }).transform((p) => ({ kind: "multipliers" as const, ...p })),
  z.object({ loadsKw: z.record(z.string().min(1), dayValues) }).transform((p) => ({ kind: "loads" as const, ...p })),
]);

function parseJsonProfile(text: string, file: string): DayProfile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProfileError(file, `not valid JSON: ${(error as Error).message}`);
  }
  const parsed = profileJson.safeParse(json);
  if (!parsed.success)
    throw new ProfileError(
      file,
      `expected [96 multipliers], {"multipliers": [96 numbers >= 0]} or {"loadsKw": {"<load id>": [96 kW]}}; ` +
        parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`)
          .join("; "),
    );
  return parsed.data;
}

function parseCsvProfile(text: string, file: string): DayProfile {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "" && !line.startsWith("#"));
  if (lines.length === 0) throw new ProfileError(file, "empty file");
  const header = lines[0]!.split(",").map((h) => h.trim());
  const rows = lines.slice(1);
  if (rows.length !== SLOTS_PER_DAY)
    throw new ProfileError(file, `${rows.length} data rows; expected ${SLOTS_PER_DAY}, one per slot`);
  // The first column may number the slots; it is checked, not trusted for order.
  const hasSlotColumn = header[0]!.toLowerCase() === "slot";
  const columns = header.slice(hasSlotColumn ? 1 : 0);
  if (columns.length === 0) throw new ProfileError(file, "no value column after the slot column");
  const values: number[][] = columns.map(() => []);
  rows.forEach((row, index) => {
    const cells = row.split(",").map((c) => c.trim());
    if (cells.length !== header.length)
      throw new ProfileError(file, `line ${index + 2} has ${cells.length} cells; the header has ${header.length}`);
    if (hasSlotColumn && Number(cells[0]) !== index)
      throw new ProfileError(file, `line ${index + 2}: slot ${cells[0]} where slot ${index} was expected`);
    cells.slice(hasSlotColumn ? 1 : 0).forEach((cell, c) => {
      const value = Number(cell);
      if (cell === "" || !Number.isFinite(value))
        throw new ProfileError(file, `line ${index + 2}, column ${columns[c]}: "${cell}" is not a number`);
      values[c]!.push(value);
    });
  });
  if (columns.length === 1 && columns[0]!.toLowerCase() === "multiplier") {
    const negative = values[0]!.findIndex((v) => v < 0);
    if (negative >= 0) throw new ProfileError(file, `line ${negative + 2}: a multiplier cannot be negative`);
    return { kind: "multipliers", multipliers: values[0]! };
  }
  return { kind: "loads", loadsKw: Object.fromEntries(columns.map((id, c) => [id, values[c]!])) };
}

/** Parses profile text; the extension decides the format (.csv, else JSON). */
export function parseDayProfile(text: string, file: string): DayProfile {
  return file.toLowerCase().endsWith(".csv") ? parseCsvProfile(text, file) : parseJsonProfile(text, file);
}

export function loadDayProfile(file: string): DayProfile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ProfileError(file, `cannot read it: ${(error as Error).message}`);
  }
  return parseDayProfile(text, file);
}
