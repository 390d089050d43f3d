// Writes oracles/grid/cases/tor-di-valle.json from buildTorDiValleNetwork's input (run after changing the model):
// node bin/run.js oracles/grid/synthetic/exportTorDiValle.ts
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { torDiValleNetworkInput } from "./torDiValle";

writeFileSync(
  join(__dirname, "..", "cases", "tor-di-valle.json"),
  JSON.stringify(torDiValleNetworkInput(), null, 2) + "\n",
);
