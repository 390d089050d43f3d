// DynamicTrafficLight: perimeters and per-slot lights, fixed at the session's gate closure.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployPlatform, createDayAheadSession, POD_A, POD_B } from "./helpers/platform";
import { shouldBehaveLikeRoleGuarded } from "./helpers/shouldBehaveLikeRoleGuarded";
import { Colour, perimeterId, podSetHash, SessionKind } from "./helpers/units";

const MOSTACCIANO = perimeterId("Mostacciano");
const light = (slotIndex: number, colour: number, up: number, down: number) => ({
  slotIndex,
  colour,
  capabilityUpKw: up,
  capabilityDownKw: down,
});

async function withPerimeter() {
  const p = await deployPlatform();
  const s = await createDayAheadSession(p);
  await p.trafficLight.connect(p.dso).definePerimeter(MOSTACCIANO, [POD_A, POD_B]);
  return { ...p, ...s };
}

describe("DynamicTrafficLight", function () {
  shouldBehaveLikeRoleGuarded(async () => {
    const p = await loadFixture(withPerimeter);
    return { ...p, guarded: p.trafficLight };
  }, [
    {
      fn: "definePerimeter",
      role: "DSO",
      send: (f, s) => f.trafficLight.connect(s).definePerimeter(MOSTACCIANO, [POD_A]),
    },
    {
      fn: "publishTrafficLights",
      role: "DSO_ORACLE",
      send: (f, s) => f.trafficLight.connect(s).publishTrafficLights(f.sessionId, MOSTACCIANO, []),
    },
  ]);

  describe("definePerimeter", function () {
    it("stores the set hash and bumps the version on each redefinition", async function () {
      const p = await loadFixture(withPerimeter);
      expect(await p.trafficLight.perimeter(MOSTACCIANO)).to.deep.equal([podSetHash([POD_A, POD_B]), 1n]);
      await expect(p.trafficLight.connect(p.dso).definePerimeter(MOSTACCIANO, [POD_A]))
        .to.emit(p.trafficLight, "PerimeterDefined")
        .withArgs(MOSTACCIANO, 2, podSetHash([POD_A]), [POD_A]);
      expect(await p.trafficLight.perimeter(MOSTACCIANO)).to.deep.equal([podSetHash([POD_A]), 2n]);
    });

    it("reverts for an empty set", async function () {
      const p = await loadFixture(withPerimeter);
      await expect(p.trafficLight.connect(p.dso).definePerimeter(MOSTACCIANO, []))
        .to.be.revertedWithCustomError(p.trafficLight, "DynamicTrafficLightEmptyPerimeter")
        .withArgs(MOSTACCIANO);
    });
  });

  describe("publishTrafficLights", function () {
    it("stores a light per slot of the day and emits it", async function () {
      const p = await loadFixture(withPerimeter);
      await expect(
        p.trafficLight
          .connect(p.dsoOracle)
          .publishTrafficLights(p.sessionId, MOSTACCIANO, [
            light(50, Colour.Red, 0, 1500),
            light(51, Colour.Green, 800, 800),
          ]),
      )
        .to.emit(p.trafficLight, "TrafficLightPublished")
        .withArgs(MOSTACCIANO, p.day, 50, p.sessionId, Colour.Red, 0, 1500, 1);
      const l = await p.trafficLight.trafficLight(MOSTACCIANO, p.day, 50);
      expect([
        l.colour,
        l.capabilityUpKw,
        l.capabilityDownKw,
        l.perimeterVersion,
        l.sessionId,
        l.published,
      ]).to.deep.equal([BigInt(Colour.Red), 0n, 1500n, 1n, p.sessionId, true]);
      expect((await p.trafficLight.trafficLight(MOSTACCIANO, p.day, 52)).published).to.equal(false);
    });

    it("lets a later publication replace a light until gate closure, not after", async function () {
      const p = await loadFixture(withPerimeter);
      const oracle = p.trafficLight.connect(p.dsoOracle);
      await oracle.publishTrafficLights(p.sessionId, MOSTACCIANO, [light(50, Colour.Red, 0, 1500)]);
      await time.setNextBlockTimestamp(p.gateClosureTime - 1);
      await oracle.publishTrafficLights(p.sessionId, MOSTACCIANO, [light(50, Colour.Yellow, 100, 1000)]);
      expect((await p.trafficLight.trafficLight(MOSTACCIANO, p.day, 50)).colour).to.equal(BigInt(Colour.Yellow));
      await time.setNextBlockTimestamp(p.gateClosureTime);
      await expect(oracle.publishTrafficLights(p.sessionId, MOSTACCIANO, [light(50, Colour.Green, 1, 1)]))
        .to.be.revertedWithCustomError(p.trafficLight, "DynamicTrafficLightGateClosed")
        .withArgs(p.sessionId, p.gateClosureTime);
    });

    it("reverts for an unknown perimeter", async function () {
      const p = await loadFixture(withPerimeter);
      const other = perimeterId("Nanchino");
      await expect(p.trafficLight.connect(p.dsoOracle).publishTrafficLights(p.sessionId, other, []))
        .to.be.revertedWithCustomError(p.trafficLight, "DynamicTrafficLightUnknownPerimeter")
        .withArgs(other);
    });

    it("reverts for a slot outside a real-time session", async function () {
      const p = await loadFixture(withPerimeter);
      const now = await time.latest();
      await p.market
        .connect(p.marketOperator)
        .createSession(SessionKind.RealTime, p.day, 0, p.dayStartTime, now + 10, p.dayStartTime);
      await expect(
        p.trafficLight.connect(p.dsoOracle).publishTrafficLights(2, MOSTACCIANO, [light(16, Colour.Green, 1, 1)]),
      )
        .to.be.revertedWithCustomError(p.trafficLight, "DynamicTrafficLightSlotOutsideSession")
        .withArgs(2, 16);
    });

    it("exposes its market", async function () {
      const p = await loadFixture(withPerimeter);
      expect(await p.trafficLight.market()).to.equal(await p.market.getAddress());
    });
  });
});
