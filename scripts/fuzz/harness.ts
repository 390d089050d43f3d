// Hostile-input fuzzing of FlexGrid's external boundaries: each boundary is fed malformed, oversized, forged and
// truncated input derived from valid samples, and must answer every one with an acceptance or a refusal that names
// its reason. A crash (any exception that is not a FlexGridError), a hang, or an accepted forgery is a failure.
import fc from "fast-check";
import { FlexGridError } from "../../core/errors";

/** What a boundary did with one input. */
export type Verdict = { outcome: "accepted" } | { outcome: "refused"; reason: string };

export interface Boundary<T> {
  /** Where the input comes from, as the threat model names it. */
  name: string;
  /** Inputs: valid samples, their mutations and hostile shapes. */
  inputs: fc.Arbitrary<T>;
  /** Feeds one input to the boundary. Throwing means the boundary crashed, unless a FlexGridError was thrown
   * (a typed refusal), which counts as refused with its message. */
  probe(input: T): Verdict | Promise<Verdict>;
  /** An extra property of an accepted input (e.g. "no forged packet is accepted"); returns a problem or undefined. */
  checkAccepted?(input: T): string | undefined;
}

export interface FuzzReport {
  boundary: string;
  tried: number;
  accepted: number;
  refused: number;
  /** Distinct refusal reasons seen (their first 60 characters). */
  reasons: number;
  failures: string[];
}

/** Runs `runs` inputs through a boundary; collects failures instead of stopping at the first. */
export async function fuzzBoundary<T>(boundary: Boundary<T>, runs: number, seed = 20261204): Promise<FuzzReport> {
  const report: FuzzReport = { boundary: boundary.name, tried: 0, accepted: 0, refused: 0, reasons: 0, failures: [] };
  const reasons = new Set<string>();
  const samples = fc.sample(boundary.inputs, { numRuns: runs, seed });
  for (const input of samples) {
    report.tried++;
    let verdict: Verdict;
    try {
      verdict = await boundary.probe(input);
    } catch (error) {
      if (error instanceof FlexGridError && error.message.length > 0) {
        verdict = { outcome: "refused", reason: error.message };
      } else {
        report.failures.push(
          `crash: ${(error as Error)?.stack?.split("\n").slice(0, 3).join(" | ")} on ${preview(input)}`,
        );
        continue;
      }
    }
    if (verdict.outcome === "accepted") {
      report.accepted++;
      const problem = boundary.checkAccepted?.(input);
      if (problem) report.failures.push(`accepted ${problem}: ${preview(input)}`);
    } else {
      report.refused++;
      if (!verdict.reason.trim()) report.failures.push(`refused without a reason: ${preview(input)}`);
      reasons.add(verdict.reason.slice(0, 60));
    }
  }
  report.reasons = reasons.size;
  return report;
}

function preview(input: unknown): string {
  const text =
    typeof input === "string" ? input : JSON.stringify(input, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
  return text === undefined
    ? String(input)
    : text.length > 200
      ? `${text.slice(0, 200)}… (${text.length} chars)`
      : text;
}

/** The table the suite prints: one line a boundary. */
export function formatReports(reports: FuzzReport[]): string {
  const rows = reports.map((r) => [r.boundary, r.tried, r.accepted, r.refused, r.reasons, r.failures.length]);
  const head = ["boundary", "tried", "accepted", "refused", "reasons", "failures"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells: (string | number)[]) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}

// ---- input shapes shared by the boundaries ----

/** Text mutations a hostile or broken sender produces: truncation, a flipped, deleted or inserted character,
 * a duplicated slice, a huge padding. */
export function mutatedText(valid: string): fc.Arbitrary<string> {
  const at = fc.nat({ max: Math.max(0, valid.length - 1) });
  return fc.oneof(
    at.map((i) => valid.slice(0, i)),
    fc
      .tuple(at, fc.string({ minLength: 1, maxLength: 1, unit: "binary" }))
      .map(([i, c]) => valid.slice(0, i) + c + valid.slice(i + 1)),
    at.map((i) => valid.slice(0, i) + valid.slice(i + 1)),
    fc.tuple(at, fc.string({ maxLength: 8 })).map(([i, s]) => valid.slice(0, i) + s + valid.slice(i)),
    fc.tuple(at, at).map(([a, b]) => valid.slice(0, Math.max(a, b)) + valid.slice(Math.min(a, b))),
    fc
      .constantFrom("NaN", "Inf", "-Inf", "1e309", "-0", "[]", "{}", "null", '"', "\u0000", "9".repeat(400))
      .chain((token) => at.map((i) => valid.slice(0, i) + token + valid.slice(i))),
  );
}

/** A JSON value with one field replaced by hostile data (wrong types, huge numbers and strings, nesting). */
export function mutatedJson(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const hostile = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(-1, 0, 2 ** 53, -(2 ** 63), 1e308, 0.5, "", "0x", "x".repeat(100_000), null, true, [], {}),
    fc.string({ maxLength: 64 }),
  );
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), hostile).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.constantFrom(...keys).map((k) => {
      const copy = { ...valid };
      delete copy[k];
      return copy;
    }),
    fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), hostile).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.jsonValue({ maxDepth: 4 }),
  );
}
