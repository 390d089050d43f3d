// The demo validates what the clearing awarded on the field test's book (not the TSO's whole 500 kW offer nor
// hand-picked DSO quantities), and the DSO admits it all: the traffic lights bounded the TSO's award already.
import { expect } from "chai";
import { GridStudy } from "../../oracles/dso/core/gridStudy";
import { validateAwards } from "../../oracles/dso/core/validation";
import { torDiValleInputs } from "../../oracles/dso/demo/torDiValle";
import { clearedScenarioAwards } from "./cleared-awards";

describe("the demo's cleared awards", function () {
  it("are the clearing's: the DSO need on the two cheapest Mostacciano offers, the TSO need on Nanchino", function () {
    const awards = clearedScenarioAwards();
    expect(awards.map((a) => [a.pod, a.by, a.direction])).to.deep.equal([
      ["IT002E61899978", "DSO", "down"],
      ["IT002E60974469", "DSO", "down"],
      ["IT002E60550189", "TSO", "up"],
    ]);
    expect(awards[0].quantityKw).to.equal(1000);
    expect(awards[1].quantityKw).to.be.within(370, 380);
    expect(awards[2].quantityKw).to.be.lessThan(500);
  });

  it("are validated as cleared", async function () {
    const { network, forecast } = torDiValleInputs();
    const results = await validateAwards(new GridStudy(network), [forecast], clearedScenarioAwards());
    expect(results.map((r) => r.awardedKw)).to.deep.equal(clearedScenarioAwards().map((a) => a.quantityKw));
  });
});
