import { compileNetwork } from "./compile";
import { forecastLoadsKw } from "./forecast/profiles";
import { solveBatch } from "./powerflow";
import { buildRomeNetwork } from "./synthetic/rome";
for (const size of [13000]) {
  const network = buildRomeNetwork(
    size === 186 ? { primarySubstations: 1, feeders: 9, secondarySubstations: 186 } : {},
  );
  const compiled = compileNetwork(network);
  const slots = forecastLoadsKw(network.loads, "2021-06-23").map((loadsKw) => ({ loadsKw }));
  for (let k = 0; k < 3; k++) {
    const c0 = process.cpuUsage();
    solveBatch(compiled, slots, { detail: "summary" });
    const c = process.cpuUsage(c0);
    console.log(size, "cpu ms", ((c.user + c.system) / 1000).toFixed(0));
  }
}
