// The demo scenario file (../shared/domain/tor-di-valle-2021-06-23.json): its PoDs as the registry needs them.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { gridIdSchema, parseWith, TOR_DI_VALLE_SCENARIO } from "../../protocol";

const kw = z.number().finite().nonnegative();

export const scenarioPodSchema = z.object({
  pod: gridIdSchema,
  feeder: z.string().min(1),
  secondarySubstation: z.string().min(1),
  aggregator: z.string().min(1),
  contractualPowerWithdrawn: kw,
  contractualPowerInjected: kw,
  cosPhi: z.number().gt(0).max(1),
  maxUp: kw,
  maxDown: kw,
  baseline: z.number().finite(),
});

export const scenarioOfferSchema = z.object({
  pod: gridIdSchema,
  slot: z.number().int().min(0).max(95),
  /** kW, load convention: negative = the PoD lowers its consumption. */
  deltaP: z
    .number()
    .finite()
    .refine((v) => v !== 0, "an offer must move power"),
  /** EUR per kW. */
  price: z.number().finite().nonnegative(),
});

export const scenarioTsoRequestSchema = z.object({
  by: z.literal("TSO"),
  pom: gridIdSchema,
  slot: z.number().int().min(0).max(95),
  targetP: z.number().finite(),
  maxPrice: z.number().finite().nonnegative().nullable(),
});

export const scenarioSchema = z.object({
  description: z.string(),
  marketDayStartUtc: z.string().datetime(),
  slot: z.number().int().min(0).max(95),
  pom: gridIdSchema,
  feeders: z.array(z.string()),
  pods: z.array(scenarioPodSchema).min(1),
  offers: z.array(scenarioOfferSchema).default([]),
  /** DSO requests are the DSO oracle's to compute; only the TSO's are replayed from the file. */
  requests: z.array(z.object({ by: z.enum(["DSO", "TSO"]) }).passthrough()).default([]),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioPod = z.infer<typeof scenarioPodSchema>;
export type ScenarioTsoRequest = z.infer<typeof scenarioTsoRequestSchema>;

/** The scenario's TSO requests, each checked against its schema. */
export function tsoRequestsOf(scenario: Scenario): ScenarioTsoRequest[] {
  return scenario.requests
    .filter((r) => r.by === "TSO")
    .map((r, i) => parseWith(scenarioTsoRequestSchema, r, `TSO request ${i}`));
}

export function loadScenario(file = TOR_DI_VALLE_SCENARIO): Scenario {
  return parseWith(scenarioSchema, JSON.parse(readFileSync(file, "utf8")), file);
}
