// A Light Node as a process: `node bin/run.js light-node/main.ts <config.json>` (see lightNodeConfigSchema; an
// optional "simulator": { "peakW": ... } block starts a Modbus meter simulator and points the meter link at it).
import { readFileSync } from "node:fs";
import { z } from "zod";
import { createLogger, parseWith } from "../protocol";
import { LightNode, lightNodeConfigSchema } from "./client/lightNode";
import { MeterSimulator } from "./meter-simulator/meterSimulator";

const fileSchema = lightNodeConfigSchema.extend({
  meter: lightNodeConfigSchema.shape.meter.optional(),
  simulator: z
    .object({
      peakW: z.number().positive(),
      pvPeakW: z.number().min(0).optional(),
      cosPhi: z.number().gt(0).max(1).optional(),
    })
    .optional(),
});

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error("usage: node bin/run.js light-node/main.ts <config.json>");
  const config = parseWith(fileSchema, JSON.parse(readFileSync(file, "utf8")), file);
  const log = createLogger(`light-node:${config.pod}`);
  let sim: MeterSimulator | undefined;
  if (config.simulator) {
    sim = new MeterSimulator(config.simulator);
    await sim.start();
    log.info({ url: sim.url }, "meter simulator listening");
  }
  const meter = config.meter ?? (sim ? { transport: "tcp" as const, host: sim.host, port: sim.port } : undefined);
  if (!meter) throw new Error(`${file}: set "meter" (Modbus link) or "simulator"`);
  const node = new LightNode({ ...config, meter }, { logger: log });
  await node.start();
  log.info({ publicKey: node.publicKey }, "Light Node running");
  const stop = () =>
    void node
      .stop()
      .then(() => sim?.stop())
      .then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
