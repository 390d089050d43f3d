import { describe, expect, it } from "vitest";
import { podDataOf, podSchema } from "../src/pages/aggregator/podSchema";

const pod = {
  code: "IT002E61899978",
  voltageLevel: "MV",
  contractualPowerWithdrawnKw: "3000",
  contractualPowerInjectedKw: "0",
  cosPhi: "0.95",
  maxUpKw: "0",
  maxDownKw: "2000",
};

describe("podSchema", () => {
  it("turns the form into the registry's PodData (cos φ × 1000, voltage level index)", () => {
    expect(podDataOf(podSchema.parse(pod))).toEqual({
      voltageLevel: 1,
      contractualPowerWithdrawnKw: 3000,
      contractualPowerInjectedKw: 0,
      cosPhiMilli: 950,
      maxUpKw: 0,
      maxDownKw: 2000,
      remunerationScheme: "0x0000000000000000000000000000000000000000",
    });
  });

  it("refuses a code the chain cannot hold, a cos φ outside (0, 1] and fractional or negative kW", () => {
    const issues = (input: object) =>
      podSchema.safeParse({ ...pod, ...input }).error?.issues.map((i) => i.path.join("."));
    expect(issues({ code: "IT 002" })).toEqual(["code"]);
    expect(issues({ code: "X".repeat(33) })).toEqual(["code"]);
    expect(issues({ cosPhi: "0" })).toEqual(["cosPhi"]);
    expect(issues({ cosPhi: "1.2" })).toEqual(["cosPhi"]);
    expect(issues({ maxUpKw: "1.5", maxDownKw: "-1" })).toEqual(["maxUpKw", "maxDownKw"]);
  });
});
