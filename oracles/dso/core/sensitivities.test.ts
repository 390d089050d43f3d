// The DSO's perturbation sensitivities against the grid engine's analytical ones (Jacobian solves): two independent
// ways to the same dI/dP and dV/dP on the Tor di Valle model at slot 50.
import { expect } from "chai";
import { computeSensitivities, MOSTACCIANO_CONGESTED_BRANCH, NANCHINO_LIMITED_BRANCH } from "../../grid";
import { torDiValleInputs } from "../demo/torDiValle";
import { GridStudy, type Constraint } from "./gridStudy";
import { stressSensitivities } from "./sensitivities";

describe("stressSensitivities", function () {
  it("agrees with the grid engine's analytical branch-current and voltage sensitivities within 1 %", function () {
    const { network, forecast } = torDiValleInputs();
    const study = new GridStudy(network);
    const pods = Object.keys(forecast.podsKw);
    const lowBus = study.solve(forecast).result.minVoltage.bus;
    const constraints: Constraint[] = [
      { kind: "overload", element: MOSTACCIANO_CONGESTED_BRANCH, limit: 212.8, unit: "A" },
      { kind: "overload", element: NANCHINO_LIMITED_BRANCH, limit: 19.6, unit: "A" },
      { kind: "undervoltage", element: lowBus, limit: 0.9, unit: "pu" },
    ];
    const ours = stressSensitivities(study, forecast, {}, constraints, pods, 1);
    const analytical = computeSensitivities(network, { pods, slot: { podsKw: forecast.podsKw } });
    const branchAt = (id: string) => analytical.branchIds.indexOf(id);
    const busAt = analytical.busIds.indexOf(lowBus);
    for (const pod of pods) {
      const injection = analytical.injections.find((i) => i.pods.includes(pod))!;
      // +1 kW of consumption at cos φ 0.9 is −1 kW and −tan φ kvar of injection.
      const load = network.loads.find((l) => l.pod === pod)!;
      const tanPhi = load.qKvar / load.pKw;
      const perKw = (dP: number, dQ: number) => -(dP + tanPhi * dQ);
      const expected = [
        perKw(
          injection.dIdPAPerKw[branchAt(MOSTACCIANO_CONGESTED_BRANCH)],
          injection.dIdQAPerKvar[branchAt(MOSTACCIANO_CONGESTED_BRANCH)],
        ),
        perKw(
          injection.dIdPAPerKw[branchAt(NANCHINO_LIMITED_BRANCH)],
          injection.dIdQAPerKvar[branchAt(NANCHINO_LIMITED_BRANCH)],
        ),
        // Undervoltage stress is limit − V: its sensitivity is −dV.
        -perKw(injection.dVdPPuPerKw[busAt], injection.dVdQPuPerKvar[busAt]),
      ];
      const got = ours.perPod.get(pod)!;
      expected.forEach((e, k) => {
        if (Math.abs(e) < 1e-9) expect(Math.abs(got[k])).to.be.below(1e-6);
        else expect(got[k]).to.be.closeTo(e, 0.01 * Math.abs(e) + 1e-9);
      });
    }
  });
});

describe("GridStudy.localAlarms", function () {
  it("finds the same alarms as a full power flow when only some PoDs move", function () {
    const { network, forecast } = torDiValleInputs();
    const study = new GridStudy(network);
    const base = study.solve(forecast);
    const extras: Record<string, number>[] = [
      { IT002E60550189: 500 },
      { IT002E61899978: -1500, IT002E60499620: 200 },
      { IT002E60974469: 800 },
    ];
    for (const extra of extras) {
      const local = study.localAlarms(forecast, {}, base, extra);
      const full = new GridStudy(network).solve(forecast, extra).alarms;
      expect(local.map((a) => a.element).sort()).to.deep.equal(full.map((a) => a.element).sort());
      for (const a of full) expect(local.find((l) => l.element === a.element)!.value).to.be.closeTo(a.value, 1e-6);
    }
    // The operating point is left as it was: the next local answer does not carry the previous change.
    expect(study.localAlarms(forecast, {}, base, {}).map((a) => a.element)).to.deep.equal(
      base.alarms.map((a) => a.element),
    );
  });
});
