// The settlement input file (awards, baselines, readings with their certification, schemes) parsed with zod.
import { z } from "zod";
import { measurementSchema, parseWith } from "../../../protocol";
import { DEFAULT_SCHEME, type SchemeParameters } from "./assessment";
import type { SettlementInput } from "./settlement";

const bps = z.number().int().min(0).max(10_000);
const schemeSchema = z.object({ toleranceBps: bps, rewardShareBps: bps, penaltyBps: bps });

export const settlementFileSchema = z.object({
  awards: z.array(
    z.object({
      sessionId: z.string(),
      awardIndex: z.number().int().nonnegative(),
      pod: z.string().min(1),
      slot: z.number().int().min(0).max(95),
      slotStartMs: z.number().int().positive(),
      powerW: z
        .number()
        .int()
        .refine((w) => w !== 0, "an award moves power"),
      paymentMicroEur: z.number().int().nonnegative(),
    }),
  ),
  /** Baseline per PoD: W per slot index ("50": 2278545). */
  baselinesW: z.record(z.string(), z.record(z.string(), z.number().int())),
  readings: z.array(z.object({ measurement: measurementSchema, certified: z.boolean() })),
  /** Scheme per PoD; the factory default (±30 %) for the others. */
  schemes: z.record(z.string(), schemeSchema).default({}),
});

export function parseSettlementInput(raw: unknown, what = "settlement input"): SettlementInput {
  const file = parseWith(settlementFileSchema, raw, what);
  return {
    awards: file.awards,
    readings: file.readings,
    baselineW: (pod, slot) => {
      const value = file.baselinesW[pod]?.[String(slot)];
      if (value === undefined) throw new RangeError(`no baseline for pod ${pod} slot ${slot}`);
      return value;
    },
    schemeOf: (pod): SchemeParameters => file.schemes[pod] ?? DEFAULT_SCHEME,
  };
}
