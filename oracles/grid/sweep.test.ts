// Cross-checks Newton–Raphson against the backward/forward sweep on radial networks (agreement to 1e-6 pu).
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileNetwork } from "./compile";
import { GridModelError } from "./errors";
import { parseMatpowerCase } from "./importers/matpower";
import { parseNetwork } from "./model";
import { elementPowers, solveCompiled } from "./powerflow";
import { solveRadialSweep } from "./sweep";
import { buildRomeNetwork } from "./synthetic/rome";
import { buildTorDiValleNetwork } from "./synthetic/torDiValle";

function largestDifferencePu(network: Parameters<typeof compileNetwork>[0]): number {
  const compiled = compileNetwork(network);
  const powers = elementPowers(compiled);
  const newton = solveCompiled(compiled, powers).state;
  const sweep = solveRadialSweep(compiled, powers).state;
  let worst = 0;
  for (let n = 0; n < compiled.nodeCount; n++) {
    worst = Math.max(worst, Math.abs(newton.vm[n] - sweep.vm[n]), Math.abs(newton.va[n] - sweep.va[n]));
  }
  return worst;
}

describe("solveRadialSweep", () => {
  it("agrees with Newton–Raphson to 1e-6 pu on case33bw", () => {
    const network = parseMatpowerCase(readFileSync(join(__dirname, "cases", "case33bw.m"), "utf8"));
    expect(largestDifferencePu(network)).to.be.below(1e-6);
  });

  it("agrees with Newton–Raphson on the Tor di Valle model (transformers with taps, cable charging)", () => {
    expect(largestDifferencePu(buildTorDiValleNetwork())).to.be.below(1e-6);
  });

  it("agrees with Newton–Raphson on a synthetic Rome network with several primary substations", () => {
    expect(
      largestDifferencePu(buildRomeNetwork({ primarySubstations: 3, feeders: 26, secondarySubstations: 560 })),
    ).to.be.below(1e-6);
  });

  it("refuses a meshed network, naming the branch that closes the loop", () => {
    const radial = parseMatpowerCase(readFileSync(join(__dirname, "cases", "case33bw.m"), "utf8"));
    const meshed = parseNetwork({ ...radial, lines: radial.lines.map((l) => ({ ...l, inService: true })) });
    const compiled = compileNetwork(meshed);
    expect(() => solveRadialSweep(compiled, elementPowers(compiled))).to.throw(GridModelError, /meshed/);
  });
});
