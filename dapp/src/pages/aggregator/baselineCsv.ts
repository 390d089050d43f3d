// Baseline CSV parsing: 96 quarter-hour values in kW (load convention, integers) for one PoD and day, either one
// value per line or `slot,kW` rows (any order, each slot 0..95 once), with an optional header. Every problem is
// reported with its line so a person can fix the file; nothing is sent unless the whole file is right.
import { z } from "zod";

export const DAY_SLOTS = 96;
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

const kwSchema = z.coerce
  .number({ error: "not a number" })
  .int("kW must be a whole number")
  .min(INT32.min, "below the int32 range")
  .max(INT32.max, "above the int32 range");
const slotSchema = z.coerce
  .number({ error: "not a number" })
  .int("slot must be a whole number")
  .min(0)
  .max(DAY_SLOTS - 1);

export type BaselineParse = { ok: true; valuesKw: number[] } | { ok: false; errors: string[] };

export function parseBaselineCsv(text: string): BaselineParse {
  const lines = text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter((l) => l.line !== "" && !l.line.startsWith("#"));
  if (lines.length > 0 && /[a-z]/i.test(lines[0]!.line)) lines.shift(); // header such as "slot,kW"
  const errors: string[] = [];
  const values: (number | undefined)[] = new Array(DAY_SLOTS).fill(undefined);
  const twoColumns = lines.length > 0 && lines[0]!.line.includes(",");
  lines.forEach(({ line, number }, index) => {
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    if (twoColumns !== cells.length > 1 || cells.length > 2) {
      errors.push(`line ${number}: expected ${twoColumns ? "slot,kW" : "one kW value"}, got "${line}"`);
      return;
    }
    const slot = twoColumns ? slotSchema.safeParse(cells[0]) : { success: true as const, data: index };
    if (!slot.success) return void errors.push(`line ${number}: slot "${cells[0]}": ${slot.error.issues[0]?.message}`);
    if (slot.data >= DAY_SLOTS) return void errors.push(`line ${number}: more than ${DAY_SLOTS} values`);
    const kw = kwSchema.safeParse(cells[cells.length - 1] === "" ? undefined : cells[cells.length - 1]);
    if (!kw.success)
      return void errors.push(`line ${number}: value "${cells[cells.length - 1]}": ${kw.error.issues[0]?.message}`);
    if (values[slot.data] !== undefined) return void errors.push(`line ${number}: slot ${slot.data} given twice`);
    values[slot.data] = kw.data;
  });
  const missing = values.flatMap((v, slot) => (v === undefined ? [slot] : []));
  if (missing.length > 0 && errors.length === 0)
    errors.push(
      `${missing.length} of ${DAY_SLOTS} slots have no value (first missing: slot ${missing[0]}); a baseline needs all ${DAY_SLOTS}`,
    );
  return errors.length > 0 ? { ok: false, errors } : { ok: true, valuesKw: values as number[] };
}
