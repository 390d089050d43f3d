// PodRegistry: registration, PoM mapping, static traffic light and baselines.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  deployPlatform,
  podData,
  POD_A,
  createDayAheadSession,
  dayAheadSchedule,
  registerQualifiedPod,
  deploySchemeFor,
} from "./helpers/platform";
import { shouldBehaveLikeRoleGuarded } from "./helpers/shouldBehaveLikeRoleGuarded";
import { baselineHash, PodStatus, pomId, Qualification, SessionKind } from "./helpers/units";

const BASELINE = Array.from({ length: 96 }, (_, i) => 200 + (i % 7) * 10 - (i > 40 && i < 60 ? 150 : 0));
const POM = pomId("CP-IRLANDESE");

async function withPod() {
  const p = await deployPlatform();
  await p.registry.connect(p.aggregator).registerPod(POD_A, podData());
  return p;
}

describe("PodRegistry", function () {
  shouldBehaveLikeRoleGuarded(async () => {
    const p = await loadFixture(withPod);
    return { ...p, guarded: p.registry };
  }, [
    { fn: "registerPod", role: "AGGREGATOR", send: (f, s) => f.registry.connect(s).registerPod(POD_A, podData()) },
    { fn: "mapPodsToPoms", role: "DSO_ORACLE", send: (f, s) => f.registry.connect(s).mapPodsToPoms([POD_A], [POM]) },
    { fn: "confirmQualification", role: "DSO", send: (f, s) => f.registry.connect(s).confirmQualification(POD_A) },
    {
      fn: "modulateQualification",
      role: "DSO",
      send: (f, s) => f.registry.connect(s).modulateQualification(POD_A, 1, 1),
    },
    {
      fn: "invalidateQualification",
      role: "DSO",
      send: (f, s) => f.registry.connect(s).invalidateQualification(POD_A),
    },
    { fn: "setCalendar", role: "ADMIN", send: (f, s) => f.registry.connect(s).setCalendar(ethers.ZeroAddress) },
    {
      fn: "setSchemeFactory",
      role: "ADMIN",
      send: (f, s) => f.registry.connect(s).setSchemeFactory(ethers.ZeroAddress),
    },
    { fn: "updatePod", role: "AGGREGATOR", send: (f, s) => f.registry.connect(s).updatePod(POD_A, podData()) },
  ]);

  describe("registerPod", function () {
    it("records the PoD for the calling aggregator with a pending static traffic light", async function () {
      const p = await loadFixture(deployPlatform);
      const data = podData();
      await expect(p.registry.connect(p.aggregator).registerPod(POD_A, data))
        .to.emit(p.registry, "PodRegistered")
        .withArgs(POD_A, p.aggregator.address, 1, Object.values(data));
      const f = await p.registry.flexibilityOf(POD_A);
      expect(f.aggregator).to.equal(p.aggregator.address);
      expect(f.status).to.equal(PodStatus.Registered);
      expect(f.qualification).to.equal(Qualification.Pending);
      expect(f.index).to.equal(1n);
      expect(await p.registry.registrationCount()).to.equal(1n);
      const stored = await p.registry.podData(POD_A);
      expect(stored.maxDownKw).to.equal(500n);
      expect(stored.cosPhiMilli).to.equal(900n);
    });

    it("stores the remuneration scheme when one is given", async function () {
      const p = await loadFixture(deployPlatform);
      const { scheme } = await deploySchemeFor(p);
      await p.registry.connect(p.aggregator).registerPod(POD_A, podData({ remunerationScheme: scheme }));
      expect((await p.registry.podData(POD_A)).remunerationScheme).to.equal(scheme);
      // In force for sessions whose gate closes after this block, not before.
      const now = BigInt(await time.latest());
      expect(await p.registry.remunerationSchemeAt(1, now + 1n)).to.equal(scheme);
      expect(await p.registry.remunerationSchemeAt(1, now)).to.equal(ethers.ZeroAddress);
    });

    it("refuses a scheme that is not the factory's, or owned by another aggregator", async function () {
      const p = await loadFixture(deployPlatform);
      const { scheme } = await deploySchemeFor(p, p.aggregator2);
      const random = ethers.Wallet.createRandom().address;
      for (const s of [random, scheme]) {
        await expect(p.registry.connect(p.aggregator).registerPod(POD_A, podData({ remunerationScheme: s })))
          .to.be.revertedWithCustomError(p.registry, "PodRegistryInvalidScheme")
          .withArgs(POD_A, s, p.aggregator.address);
      }
    });

    it("reverts for the zero PoD id", async function () {
      const p = await loadFixture(deployPlatform);
      await expect(
        p.registry.connect(p.aggregator).registerPod(ethers.ZeroHash, podData()),
      ).to.be.revertedWithCustomError(p.registry, "PodRegistryZeroPodId");
    });

    it("reverts when the PoD is already registered", async function () {
      const p = await loadFixture(withPod);
      await expect(p.registry.connect(p.aggregator2).registerPod(POD_A, podData()))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryPodAlreadyRegistered")
        .withArgs(POD_A, p.aggregator.address);
    });

    it("reverts for cos phi 0 or above 1", async function () {
      const p = await loadFixture(deployPlatform);
      for (const cosPhiMilli of [0, 1001]) {
        await expect(p.registry.connect(p.aggregator).registerPod(POD_A, podData({ cosPhiMilli })))
          .to.be.revertedWithCustomError(p.registry, "PodRegistryInvalidCosPhi")
          .withArgs(POD_A, cosPhiMilli);
      }
    });

    it("reverts when a flexibility exceeds the contractual range", async function () {
      const p = await loadFixture(deployPlatform);
      await expect(p.registry.connect(p.aggregator).registerPod(POD_A, podData({ maxUpKw: 1201 })))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryFlexibilityAboveContract")
        .withArgs(POD_A, 1201, 1200);
      await expect(p.registry.connect(p.aggregator).registerPod(POD_A, podData({ maxDownKw: 1300 })))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryFlexibilityAboveContract")
        .withArgs(POD_A, 1300, 1200);
    });

    it("accepts a flexibility equal to the contractual range", async function () {
      const p = await loadFixture(deployPlatform);
      await expect(p.registry.connect(p.aggregator).registerPod(POD_A, podData({ maxUpKw: 1200, maxDownKw: 1200 }))).to
        .not.be.reverted;
    });

    it("registers again after deregistration under a new index", async function () {
      const p = await loadFixture(withPod);
      await p.registry.connect(p.aggregator).deregisterPod(POD_A);
      await expect(p.registry.connect(p.aggregator2).registerPod(POD_A, podData()))
        .to.emit(p.registry, "PodRegistered")
        .withArgs(POD_A, p.aggregator2.address, 2, Object.values(podData()));
      expect((await p.registry.flexibilityAt(1)).status).to.equal(PodStatus.Deregistered);
      expect((await p.registry.flexibilityOf(POD_A)).aggregator).to.equal(p.aggregator2.address);
    });
  });

  describe("updatePod", function () {
    it("resets the static traffic light when powers change", async function () {
      const p = await loadFixture(withPod);
      await p.registry.connect(p.dso).confirmQualification(POD_A);
      const data = podData({ maxDownKw: 400 });
      await expect(p.registry.connect(p.aggregator).updatePod(POD_A, data))
        .to.emit(p.registry, "PodUpdated")
        .withArgs(POD_A, p.aggregator.address, Object.values(data), true)
        .and.to.emit(p.registry, "PodQualificationChanged")
        .withArgs(POD_A, Qualification.Pending, 0, 0);
      expect((await p.registry.flexibilityOf(POD_A)).qualifiedDownKw).to.equal(0n);
    });

    it("keeps the static traffic light when only the remuneration scheme changes", async function () {
      const p = await loadFixture(withPod);
      await p.registry.connect(p.dso).confirmQualification(POD_A);
      const { scheme } = await deploySchemeFor(p);
      await expect(p.registry.connect(p.aggregator).updatePod(POD_A, podData({ remunerationScheme: scheme })))
        .to.emit(p.registry, "PodUpdated")
        .withArgs(POD_A, p.aggregator.address, Object.values(podData({ remunerationScheme: scheme })), false)
        .and.not.to.emit(p.registry, "PodQualificationChanged");
      expect((await p.registry.flexibilityOf(POD_A)).qualification).to.equal(Qualification.Confirmed);
    });

    it("reverts for another aggregator", async function () {
      const p = await loadFixture(withPod);
      await expect(p.registry.connect(p.aggregator2).updatePod(POD_A, podData()))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryNotPodAggregator")
        .withArgs(POD_A, p.aggregator2.address, p.aggregator.address);
    });

    it("reverts for an unregistered PoD", async function () {
      const p = await loadFixture(deployPlatform);
      await expect(p.registry.connect(p.aggregator).updatePod(POD_A, podData()))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryPodNotRegistered")
        .withArgs(POD_A);
    });

    it("checks the new data", async function () {
      const p = await loadFixture(withPod);
      await expect(p.registry.connect(p.aggregator).updatePod(POD_A, podData({ cosPhiMilli: 0 })))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryInvalidCosPhi")
        .withArgs(POD_A, 0);
    });
  });

  describe("deregisterPod", function () {
    it("lets the aggregator end the registration", async function () {
      const p = await loadFixture(withPod);
      await expect(p.registry.connect(p.aggregator).deregisterPod(POD_A))
        .to.emit(p.registry, "PodDeregistered")
        .withArgs(POD_A, p.aggregator.address, p.aggregator.address);
      expect((await p.registry.flexibilityOf(POD_A)).status).to.equal(PodStatus.Deregistered);
    });

    it("lets the DSO end the registration", async function () {
      const p = await loadFixture(withPod);
      await expect(p.registry.connect(p.dso).deregisterPod(POD_A))
        .to.emit(p.registry, "PodDeregistered")
        .withArgs(POD_A, p.aggregator.address, p.dso.address);
    });

    it("reverts for anyone else", async function () {
      const p = await loadFixture(withPod);
      await expect(p.registry.connect(p.stranger).deregisterPod(POD_A))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryNotPodAggregator")
        .withArgs(POD_A, p.stranger.address, p.aggregator.address);
    });

    it("reverts when already deregistered", async function () {
      const p = await loadFixture(withPod);
      await p.registry.connect(p.aggregator).deregisterPod(POD_A);
      await expect(p.registry.connect(p.aggregator).deregisterPod(POD_A))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryPodNotRegistered")
        .withArgs(POD_A);
    });
  });

  describe("mapPodsToPoms", function () {
    it("writes each PoD's PoM", async function () {
      const p = await loadFixture(withPod);
      await expect(p.registry.connect(p.dsoOracle).mapPodsToPoms([POD_A], [POM]))
        .to.emit(p.registry, "PodMappedToPom")
        .withArgs(POD_A, POM);
      expect(await p.registry.pomOf(POD_A)).to.equal(POM);
    });

    it("reverts when the arrays differ in length", async function () {
      const p = await loadFixture(withPod);
      await expect(p.registry.connect(p.dsoOracle).mapPodsToPoms([POD_A], []))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryLengthMismatch")
        .withArgs(1, 0);
    });
  });

  describe("static traffic light", function () {
    it("confirms the declared flexibility", async function () {
      const p = await loadFixture(withPod);
      await expect(p.registry.connect(p.dso).confirmQualification(POD_A))
        .to.emit(p.registry, "PodQualificationChanged")
        .withArgs(POD_A, Qualification.Confirmed, 300, 500);
    });

    it("modulates to limits within the declared ones", async function () {
      const p = await loadFixture(withPod);
      await expect(p.registry.connect(p.dso).modulateQualification(POD_A, 100, 500))
        .to.emit(p.registry, "PodQualificationChanged")
        .withArgs(POD_A, Qualification.Modulated, 100, 500);
      const f = await p.registry.flexibilityOf(POD_A);
      expect([f.qualifiedUpKw, f.qualifiedDownKw]).to.deep.equal([100n, 500n]);
    });

    it("refuses a modulation above the declared flexibility", async function () {
      const p = await loadFixture(withPod);
      await expect(p.registry.connect(p.dso).modulateQualification(POD_A, 301, 10))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryModulationAboveDeclared")
        .withArgs(POD_A, 301, 10, 300, 500);
      await expect(p.registry.connect(p.dso).modulateQualification(POD_A, 10, 501))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryModulationAboveDeclared")
        .withArgs(POD_A, 10, 501, 300, 500);
    });

    it("invalidates the flexible power", async function () {
      const p = await loadFixture(withPod);
      await p.registry.connect(p.dso).confirmQualification(POD_A);
      await expect(p.registry.connect(p.dso).invalidateQualification(POD_A))
        .to.emit(p.registry, "PodQualificationChanged")
        .withArgs(POD_A, Qualification.Invalidated, 0, 0);
    });

    it("reverts for an unregistered PoD", async function () {
      const p = await loadFixture(deployPlatform);
      await expect(p.registry.connect(p.dso).confirmQualification(POD_A))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryPodNotRegistered")
        .withArgs(POD_A);
    });
  });

  describe("submitBaseline", function () {
    it("stores the hash and emits the 96 values", async function () {
      const p = await loadFixture(withPod);
      const day = 20_000;
      await expect(p.registry.connect(p.aggregator).submitBaseline(POD_A, day, BASELINE))
        .to.emit(p.registry, "BaselineSubmitted")
        .withArgs(POD_A, day, p.aggregator.address, baselineHash(BASELINE), BASELINE);
      expect(await p.registry.baselineHashOf(POD_A, day)).to.equal(baselineHash(BASELINE));
    });

    it("reverts for another aggregator", async function () {
      const p = await loadFixture(withPod);
      await expect(p.registry.connect(p.aggregator2).submitBaseline(POD_A, 1, BASELINE))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryNotPodAggregator")
        .withArgs(POD_A, p.aggregator2.address, p.aggregator.address);
    });

    it("can be updated until the day-ahead gate closure and is frozen from it on", async function () {
      const p = await loadFixture(withPod);
      const s = await createDayAheadSession(p);
      await p.registry.connect(p.aggregator).submitBaseline(POD_A, s.day, BASELINE);
      const updated = BASELINE.map((v) => v + 1);
      await time.setNextBlockTimestamp(s.gateClosureTime - 1);
      await p.registry.connect(p.aggregator).submitBaseline(POD_A, s.day, updated);
      expect(await p.registry.baselineHashOf(POD_A, s.day)).to.equal(baselineHash(updated));
      await time.setNextBlockTimestamp(s.gateClosureTime);
      await expect(p.registry.connect(p.aggregator).submitBaseline(POD_A, s.day, BASELINE))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryBaselineFrozen")
        .withArgs(POD_A, s.day, s.gateClosureTime);
      expect(await p.registry.baselineHashOf(POD_A, s.day)).to.equal(baselineHash(updated));
    });

    it("stays open while the day has no day-ahead session", async function () {
      const p = await loadFixture(withPod);
      await time.increase(30 * 86_400);
      expect(await p.registry.dayAheadGateClosureOf(1)).to.equal(0n);
      await expect(p.registry.connect(p.aggregator).submitBaseline(POD_A, 1, BASELINE)).to.emit(
        p.registry,
        "BaselineSubmitted",
      );
    });
  });

  describe("recordDayAheadGateClosure", function () {
    it("is written by the market when it creates a day-ahead session", async function () {
      const p = await loadFixture(withPod);
      const s = await dayAheadSchedule();
      await expect(
        p.market
          .connect(p.marketOperator)
          .createSession(SessionKind.DayAhead, s.day, 0, s.dayStartTime, s.openingTime, s.gateClosureTime),
      )
        .to.emit(p.registry, "DayAheadGateClosureRecorded")
        .withArgs(s.day, s.gateClosureTime);
      expect(await p.registry.dayAheadGateClosureOf(s.day)).to.equal(BigInt(s.gateClosureTime));
    });

    it("reverts for anyone but the calendar", async function () {
      const p = await loadFixture(withPod);
      await expect(p.registry.connect(p.admin).recordDayAheadGateClosure(1, 2))
        .to.be.revertedWithCustomError(p.registry, "PodRegistryNotCalendar")
        .withArgs(p.admin.address, await p.market.getAddress());
    });

    it("makes the market refuse a session while it is not the registry's calendar", async function () {
      const p = await loadFixture(withPod);
      const registry = await ethers.deployContract("PodRegistry", [await p.roles.getAddress()]);
      const market = await ethers.deployContract("FlexMarket", [
        await p.roles.getAddress(),
        await registry.getAddress(),
      ]);
      await expect(createDayAheadSession({ ...p, registry, market }))
        .to.be.revertedWithCustomError(registry, "PodRegistryNotCalendar")
        .withArgs(await market.getAddress(), ethers.ZeroAddress);
      await expect(registry.setCalendar(await market.getAddress()))
        .to.emit(registry, "CalendarSet")
        .withArgs(await market.getAddress());
    });

    it("keeps the earliest gate closure of a day, whatever the session kind", async function () {
      const p = await loadFixture(withPod);
      const s = await createDayAheadSession(p);
      await p.market
        .connect(p.marketOperator)
        .createSession(SessionKind.RealTime, s.day, 5, s.dayStartTime, s.openingTime, s.dayStartTime + 80 * 900);
      expect(await p.registry.dayAheadGateClosureOf(s.day)).to.equal(BigInt(s.gateClosureTime));
    });
  });

  describe("views", function () {
    it("returns an empty record for an unknown PoD", async function () {
      const p = await loadFixture(deployPlatform);
      const f = await p.registry.flexibilityOf(POD_A);
      expect(f.status).to.equal(PodStatus.None);
      expect(f.aggregator).to.equal(ethers.ZeroAddress);
    });

    it("reverts flexibilityAt for an unknown index", async function () {
      const p = await loadFixture(withPod);
      for (const index of [0, 2]) {
        await expect(p.registry.flexibilityAt(index))
          .to.be.revertedWithCustomError(p.registry, "PodRegistryUnknownIndex")
          .withArgs(index);
      }
    });

    it("exposes the role registry and the calendar", async function () {
      const p = await loadFixture(deployPlatform);
      expect(await p.registry.roleRegistry()).to.equal(await p.roles.getAddress());
      expect(await p.registry.calendar()).to.equal(await p.market.getAddress());
    });

    it("lists a qualified PoD after registration and confirmation", async function () {
      const p = await loadFixture(deployPlatform);
      await registerQualifiedPod(p, POD_A);
      expect((await p.registry.flexibilityAt(1)).qualification).to.equal(Qualification.Confirmed);
    });
  });
});
