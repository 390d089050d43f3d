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

export const scenarioSchema = z.object({
  description: z.string(),
  marketDayStartUtc: z.string().datetime(),
  slot: z.number().int().min(0).max(95),
  pom: gridIdSchema,
  feeders: z.array(z.string()),
  pods: z.array(scenarioPodSchema).min(1),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioPod = z.infer<typeof scenarioPodSchema>;

export function loadScenario(file = TOR_DI_VALLE_SCENARIO): Scenario {
  return parseWith(scenarioSchema, JSON.parse(readFileSync(file, "utf8")), file);
}
