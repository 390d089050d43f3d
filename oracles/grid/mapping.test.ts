// Checks that PoDs follow the switch states to their feeder and PoM.
import { expect } from "chai";
import { mapPodsToPoms } from "./mapping";
import { parseNetwork, type NetworkInput } from "./model";

/** One primary substation, two feeders A (buses a1, a2) and B (b1, b2), tie switch between a2 and b2. */
function twoFeeders(tieClosed: boolean, a2Switch: boolean): NetworkInput {
  return {
    buses: [
      { id: "hv", nominalKv: 150 },
      { id: "mv", nominalKv: 20 },
      { id: "a1", nominalKv: 20 },
      { id: "a2", nominalKv: 20, secondarySubstation: "12157" },
      { id: "a2x", nominalKv: 20 },
      { id: "b1", nominalKv: 20 },
      { id: "b2", nominalKv: 20 },
    ],
    transformers: [{ id: "TR1", hvBus: "hv", lvBus: "mv", ratedMva: 25, vkPercent: 12 }],
    lines: [
      { id: "A-head", from: "mv", to: "a1", rOhm: 0.3, xOhm: 0.2 },
      { id: "A-2", from: "a1", to: "a2x", rOhm: 0.3, xOhm: 0.2 },
      { id: "B-head", from: "mv", to: "b1", rOhm: 0.3, xOhm: 0.2 },
      { id: "B-2", from: "b1", to: "b2", rOhm: 0.3, xOhm: 0.2 },
    ],
    switches: [
      { id: "S-a2", from: "a2x", to: "a2", closed: a2Switch },
      { id: "TIE", from: "a2", to: "b2", closed: tieClosed },
    ],
    loads: [
      { id: "l1", bus: "a2", pKw: 100, pod: "IT002E60550189" },
      { id: "l2", bus: "b1", pKw: 100, pod: "IT002E60499620" },
    ],
    slacks: [{ bus: "hv" }],
    primarySubstations: [{ id: "CP-TEST", hvBus: "hv" }],
    feeders: [
      { id: "A", primarySubstation: "CP-TEST", headBranch: "A-head" },
      { id: "B", primarySubstation: "CP-TEST", headBranch: "B-head" },
    ],
  };
}

describe("mapPodsToPoms", () => {
  it("maps each PoD to the feeder and PoM that feed it with the tie switch open", () => {
    const located = mapPodsToPoms(parseNetwork(twoFeeders(false, true)));
    expect(located).to.deep.include({
      pod: "IT002E60550189",
      bus: "a2",
      secondarySubstation: "12157",
      pom: "CP-TEST",
      feeder: "A",
    });
    expect(located).to.deep.include({ pod: "IT002E60499620", bus: "b1", pom: "CP-TEST", feeder: "B" });
  });

  it("moves a PoD to the other feeder when the tie closes and its own feeder's switch opens", () => {
    const located = mapPodsToPoms(parseNetwork(twoFeeders(true, false)));
    expect(located.find((l) => l.pod === "IT002E60550189")?.feeder).to.equal("B");
  });

  it("leaves a PoD unmapped when no primary substation reaches it", () => {
    const located = mapPodsToPoms(parseNetwork(twoFeeders(false, false)));
    expect(located.find((l) => l.pod === "IT002E60550189")).to.include({ pom: null, feeder: null });
  });
});
