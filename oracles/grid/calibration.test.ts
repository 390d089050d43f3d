// Calibration fits the model's uncertain parameters to measurements, reports residuals and versions the result;
// on the demo it reproduces the field test's published Mostacciano head current from the unscaled guesses.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { applyParameters, calibrateNetwork, modelHash, parseScadaCsv } from "./calibration";
import { solvePowerFlow } from "./powerflow";
import { GridModelError, GridValidationError } from "./errors";
import {
  torDiValleCalibrationProblem,
  MOSTACCIANO_BACKGROUND_SCALE,
  MOSTACCIANO_CONGESTED_BRANCH,
} from "./synthetic/torDiValle";

// The field test's inputs (../shared/domain), located without importing the protocol package.
const scenarioPath = join(
  process.env.FLEXGRID_SHARED_DIR ?? resolve(__dirname, "..", "..", "..", "shared"),
  "domain",
  "tor-di-valle-2021-06-23.json",
);

describe("calibrateNetwork on the Tor di Valle demo", () => {
  before(function () {
    if (!existsSync(scenarioPath)) this.skip();
  });
  const problem = () => torDiValleCalibrationProblem(JSON.parse(readFileSync(scenarioPath, "utf8")));

  it("fits the background load behind Mostacciano to the published head current, residual under 0.01 A", () => {
    const { background, parameters, measurements } = problem();
    const before = solvePowerFlow(background).branches.find((b) => b.id === MOSTACCIANO_CONGESTED_BRANCH)!;
    expect(Math.abs(before.iFromA - 259.54)).to.be.above(10); // the unscaled guess is 14 A off
    const fit = calibrateNetwork(background, parameters, measurements);
    expect(fit.converged).to.equal(true);
    expect(fit.residuals).to.have.length(1);
    expect(Math.abs(fit.residuals[0].residual)).to.be.below(0.01);
    expect(fit.residuals[0].value).to.equal(259.54);
    const scale = fit.parameters.find((p) => p.id === "background-Mostacciano")!.value;
    // The hand-tuned scale of the demo model, found again by the fit (the busbar voltage stays near its prior).
    expect(scale).to.be.closeTo(MOSTACCIANO_BACKGROUND_SCALE, 0.02 * MOSTACCIANO_BACKGROUND_SCALE);
    expect(fit.parameters.find((p) => p.id === "hv-busbar-voltage")!.value).to.be.closeTo(1, 0.01);
    // Nothing measures Nanchino: its scale stays at the prior.
    expect(fit.parameters.find((p) => p.id === "background-Nanchino")!.value).to.be.closeTo(1, 1e-6);
  });

  it("versions the calibrated model by a hash that changes with the parameters and not otherwise", () => {
    const { background, parameters, measurements } = problem();
    const fit = calibrateNetwork(background, parameters, measurements);
    expect(fit.modelHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(modelHash(fit.network)).to.equal(fit.modelHash);
    expect(modelHash(JSON.parse(JSON.stringify(fit.network)))).to.equal(fit.modelHash);
    expect(modelHash(background)).to.not.equal(fit.modelHash);
    const nudged = applyParameters(fit.network, [parameters[0]], [1.001]);
    expect(modelHash(nudged)).to.not.equal(fit.modelHash);
  });

  it("keeps the published limit in the model", () => {
    const { background, publishedLimitsA } = problem();
    for (const { branch, limitA } of publishedLimitsA)
      expect(background.lines.find((l) => l.id === branch)!.ampacityA).to.equal(limitA);
  });
});

describe("parseScadaCsv", () => {
  it("reads currents and voltages with their accuracy", () => {
    const csv =
      "kind,element,value,sigma\n# feeder heads\ncurrent,MOS/head,259.54,0.5\nvoltage,CP-IRLANDESE/MV20,1.021,0.002\n";
    expect(parseScadaCsv(csv)).to.deep.equal([
      { kind: "current", element: "MOS/head", value: 259.54, sigma: 0.5 },
      { kind: "voltage", element: "CP-IRLANDESE/MV20", value: 1.021, sigma: 0.002 },
    ]);
  });
  it("names the bad row of a malformed file", () => {
    expect(() => parseScadaCsv("kind,element,value,sigma\ncurrent,MOS/head,abc,0.5\n")).to.throw(
      GridValidationError,
      /0\.value/,
    );
    expect(() => parseScadaCsv("element,value\nMOS/head,1\n")).to.throw(GridModelError, /header/);
  });
});
