// The Platone field test (23 June 2021, slot 50) as DSO inputs: the scenario file's PoDs and baselines on the grid
// engine's two-feeder Tor di Valle model (oracles/grid/synthetic/torDiValle.ts), with offer prices as the DSO's expected prices. Used by tests, the CLI demo and the bench.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseWith, TOR_DI_VALLE_SCENARIO } from "../../../protocol";
import { buildTorDiValleNetwork, type Network } from "../../grid";
import type { DsoPod, ForecastSlot } from "../core/types";

const scenarioSchema = z.object({
  marketDayStartUtc: z.string(),
  slot: z.number().int(),
  pom: z.string(),
  pods: z.array(
    z.object({
      pod: z.string(),
      feeder: z.string(),
      secondarySubstation: z.string(),
      aggregator: z.string(),
      contractualPowerWithdrawn: z.number(),
      contractualPowerInjected: z.number(),
      cosPhi: z.number(),
      maxUp: z.number(),
      maxDown: z.number(),
      baseline: z.number(),
    }),
  ),
  offers: z.array(z.object({ pod: z.string(), slot: z.number(), deltaP: z.number(), price: z.number() })),
});
export type TorDiValleScenario = z.infer<typeof scenarioSchema>;

export function loadTorDiValleScenario(file = TOR_DI_VALLE_SCENARIO): TorDiValleScenario {
  return parseWith(scenarioSchema, JSON.parse(readFileSync(file, "utf8")), file);
}

export interface TorDiValleInputs {
  scenario: TorDiValleScenario;
  network: Network;
  pods: DsoPod[];
  forecast: ForecastSlot;
}

export function torDiValleInputs(scenario = loadTorDiValleScenario()): TorDiValleInputs {
  const baselines = Object.fromEntries(scenario.pods.map((p) => [p.pod, p.baseline]));
  const network = buildTorDiValleNetwork(baselines);
  const pods: DsoPod[] = scenario.pods.map((p) => {
    const offers = scenario.offers.filter((o) => o.pod === p.pod);
    const priceOf = (sign: number) => offers.find((o) => Math.sign(o.deltaP) === sign)?.price;
    const up = priceOf(1);
    const down = priceOf(-1);
    return {
      pod: p.pod,
      feeder: p.feeder,
      pom: scenario.pom,
      secondarySubstation: p.secondarySubstation,
      prequalified: true,
      maxUpKw: p.maxUp,
      maxDownKw: p.maxDown,
      cosPhi: p.cosPhi,
      // Without an offer the DSO expects its own cap (0.1 EUR/kW): PoDs with cheaper offers go first.
      expectedPriceEurPerKw: { up: up ?? 0.1, down: down ?? 0.1 },
    };
  });
  return { scenario, network, pods, forecast: { slot: scenario.slot, podsKw: baselines } };
}
