// Property of the technical validation on the Tor di Valle model: whatever the awards, the admitted quantities
// together create no violation the forecast did not have, and an award that is not answerable stays whole.
import { expect } from "chai";
import fc from "fast-check";
import { torDiValleInputs } from "../demo/torDiValle";
import { GridStudy, newOrWorse } from "./gridStudy";
import { signOf, type AwardToValidate } from "./types";
import { validateAwards } from "./validation";

describe("validateAwards (property)", function () {
  this.timeout(120_000);

  it("leaves no new or worse violation once the admitted quantities are applied", async function () {
    const { network, forecast, pods } = torDiValleInputs();
    const study = new GridStudy(network);
    const before = study.solve(forecast).alarms;
    const awardArb = fc
      .record({
        podIndex: fc.integer({ min: 0, max: pods.length - 1 }),
        up: fc.boolean(),
        fraction: fc.double({ min: 0.05, max: 1, noNaN: true }),
      })
      .filter(({ podIndex, up }) => (up ? pods[podIndex].maxUpKw : pods[podIndex].maxDownKw) > 0);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(awardArb, { minLength: 1, maxLength: 5, selector: (a) => a.podIndex }),
        async (raw) => {
          const awards: AwardToValidate[] = raw.map((a, i) => {
            const pod = pods[a.podIndex];
            const max = a.up ? pod.maxUpKw : pod.maxDownKw;
            return {
              awardIndex: i,
              pod: pod.pod,
              slot: forecast.slot,
              direction: a.up ? "up" : "down",
              quantityKw: Math.max(1, Math.round(a.fraction * max)),
            };
          });
          const results = await validateAwards(study, [forecast], awards);
          const admitted: Record<string, number> = {};
          for (const r of results) {
            const award = awards[r.awardIndex];
            expect(r.admittedKw).to.be.within(0, award.quantityKw);
            if (r.verdict === "ok") expect(r.admittedKw).to.equal(award.quantityKw);
            else expect(r.reason, "a cut names its reason").to.not.equal(undefined);
            admitted[award.pod] = signOf(award.direction) * r.admittedKw;
          }
          expect(newOrWorse(before, study.solve(forecast, admitted).alarms)).to.deep.equal([]);
        },
      ),
      { numRuns: 40, seed: 2021 },
    );
  });
});
