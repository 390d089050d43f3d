// Gas of the hot paths: each must stay within 2 % of the committed snapshot (gas-snapshots/market.json, reviewed in
// diffs as v4-core does; `UPDATE_GAS_SNAPSHOT=1` rewrites it), and the snapshot records each figure against the
// issue's goal.
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import {
  deployPlatform,
  createDayAheadSession,
  podData,
  singleSlotOffer,
  deltaRequest,
  registerQualifiedPod,
  deploySchemeFor,
} from "./helpers/platform";
import { Direction, perimeterId, podId, pomId, Verdict } from "./helpers/units";

const SNAPSHOT = path.join(__dirname, "..", "gas-snapshots", "market.json");
const GOALS: Record<string, number> = {
  registerPod: 150_000,
  registerPodWithScheme: 150_000,
  submitOfferSingleSlot: 80_000,
  submitBaseline96: 120_000,
  postAwards100_podMajor: 2_500_000,
  postAwards100_slotMajor: 2_500_000,
  trafficLightsPerPerimeterSlot: 25_000,
  settlementPerAward: 80_000,
};
const REGRESSION_TOLERANCE = 1.02;
const committed: Record<string, number> = fs.existsSync(SNAPSHOT)
  ? (JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) as { gasUsed: Record<string, number> }).gasUsed
  : {};
const POD_COUNT = 10;
const SLOT_COUNT = 10;
const measured: Record<string, number> = {};

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return Number((await (await tx).wait())!.gasUsed);
}

async function bookOf100() {
  const p = await deployPlatform();
  const pods = Array.from({ length: POD_COUNT }, (_, i) => podId(`IT002E9000000${i}`));
  for (const id of pods) await registerQualifiedPod(p, id);
  await p.registry.connect(p.dsoOracle).mapPodsToPoms(
    pods,
    pods.map(() => pomId("CP-IRLANDESE")),
  );
  // Settlement: each PoD enrolled (before gate closure) with one of ten customer wallets in a default scheme.
  const rolesAddress = await p.roles.getAddress();
  const challenge = await ethers.deployContract("MeritOrderChallenge", [await p.market.getAddress()]);
  const factory = await ethers.deployContract("RemunerationSchemeFactory", [
    rolesAddress,
    await p.registry.getAddress(),
  ]);
  const settlement = await ethers.deployContract("Settlement", [
    rolesAddress,
    await challenge.getAddress(),
    await factory.getAddress(),
  ]);
  await p.registry.setSchemeFactory(await factory.getAddress());
  await p.market.setChallenge(await challenge.getAddress());
  const parameters = { toleranceBps: 3000, rewardShareBps: 10000, penaltyBps: 5000 };
  const schemeAddress = await factory.connect(p.aggregator).createScheme.staticCall(parameters);
  await factory.connect(p.aggregator).createScheme(parameters);
  const scheme = await ethers.getContractAt("RemunerationScheme", schemeAddress);
  const customers = (await ethers.getSigners()).slice(8, 8 + POD_COUNT);
  for (let i = 0; i < POD_COUNT; i++) await scheme.connect(p.aggregator).enrolPod(pods[i]!, customers[i]!.address);
  const s = await createDayAheadSession(p);
  await time.increaseTo(s.openingTime);
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    await p.market.connect(p.dsoOracle).submitDsoRequest(s.sessionId, pods, deltaRequest(slot, -1000, 100));
  }
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    for (const id of pods) {
      await p.market
        .connect(p.aggregator)
        .submitOffer(
          singleSlotOffer(s.sessionId, id, slot, Direction.Down, [{ quantityKw: 100, priceMilliEurPerKw: 20 }]),
        );
    }
  }
  await time.increaseTo(s.gateClosureTime);
  return { ...p, ...s, pods, challenge, settlement };
}

describe("FlexMarket gas", function () {
  afterEach(function () {
    if (process.env.UPDATE_GAS_SNAPSHOT === "1") return;
    for (const [name, gas] of Object.entries(measured)) {
      if (committed[name] !== undefined) {
        expect(gas, `${name} regressed against gas-snapshots/market.json`).to.be.lte(
          Math.ceil(committed[name] * REGRESSION_TOLERANCE),
        );
      }
    }
  });

  after(function () {
    if (process.env.UPDATE_GAS_SNAPSHOT !== "1") return;
    const names = Object.keys(measured).sort();
    const snapshot = {
      gasUsed: Object.fromEntries(names.map((k) => [k, measured[k]])),
      goals: Object.fromEntries(
        names.filter((k) => GOALS[k] !== undefined).map((k) => [k, { goal: GOALS[k], met: measured[k]! < GOALS[k]! }]),
      ),
    };
    fs.mkdirSync(path.dirname(SNAPSHOT), { recursive: true });
    fs.writeFileSync(SNAPSHOT, `${JSON.stringify(snapshot, null, 2)}\n`);
  });

  it("registers a PoD (without a scheme) under its goal", async function () {
    const p = await loadFixture(deployPlatform);
    measured.registerPod = await gasOf(
      p.registry.connect(p.aggregator).registerPod(podId("IT002E00000001"), podData()),
    );
    const { scheme } = await deploySchemeFor(p);
    measured.registerPodWithScheme = await gasOf(
      p.registry.connect(p.aggregator).registerPod(podId("IT002E00000002"), podData({ remunerationScheme: scheme })),
    );
    expect(measured.registerPod).to.be.lt(GOALS.registerPod!);
    expect(measured.registerPodWithScheme).to.be.lt(GOALS.registerPodWithScheme!);
  });

  it("submits a 96-slot baseline under its goal", async function () {
    const p = await loadFixture(deployPlatform);
    const id = podId("IT002E00000001");
    await registerQualifiedPod(p, id);
    const values = Array.from({ length: 96 }, (_, i) => 2000 + 17 * i);
    measured.submitBaseline96 = await gasOf(p.registry.connect(p.aggregator).submitBaseline(id, 20_000, values));
    expect(measured.submitBaseline96).to.be.lt(GOALS.submitBaseline96!);
  });

  it("measures single-slot offers, one and three steps", async function () {
    const p = await loadFixture(deployPlatform);
    const id = podId("IT002E00000001");
    await registerQualifiedPod(p, id);
    const s = await createDayAheadSession(p);
    await time.increaseTo(s.openingTime);
    const offer = (slot: number) =>
      singleSlotOffer(s.sessionId, id, slot, Direction.Down, [{ quantityKw: 100, priceMilliEurPerKw: 20 }]);
    await p.market.connect(p.aggregator).submitOffer(offer(0)); // first offer also initialises the counter
    measured.submitOfferSingleSlot = await gasOf(p.market.connect(p.aggregator).submitOffer(offer(1)));
    measured.submitOfferThreeSteps = await gasOf(
      p.market.connect(p.aggregator).submitOffer(
        singleSlotOffer(s.sessionId, id, 2, Direction.Down, [
          { quantityKw: 100, priceMilliEurPerKw: 20 },
          { quantityKw: 100, priceMilliEurPerKw: 30 },
          { quantityKw: 100, priceMilliEurPerKw: 40 },
        ]),
      ),
    );
    expect(measured.submitOfferSingleSlot).to.be.lt(GOALS.submitOfferSingleSlot!);
    // A curve of several steps also stores its hash (one fresh slot more); a one-step curve's is implied.
    expect(measured.submitOfferThreeSteps).to.be.gt(measured.submitOfferSingleSlot!);
  });

  for (const order of ["podMajor", "slotMajor"] as const) {
    it(`posts 100 awards (${order} order) and validates them`, async function () {
      const p = await loadFixture(bookOf100);
      const awards = [];
      for (let outer = 0; outer < 10; outer++) {
        for (let inner = 0; inner < 10; inner++) {
          const [slot, pod] = order === "slotMajor" ? [outer, inner] : [inner, outer];
          awards.push({
            offerId: slot * POD_COUNT + pod + 1,
            requestId: slot + 1,
            slotIndex: slot,
            quantityKw: 100,
            priceMilliEurPerKw: 20,
          });
        }
      }
      const posted = await gasOf(p.market.connect(p.marketOperator).postAwards(p.sessionId, ethers.ZeroHash, awards));
      measured[`postAwards100_${order}`] = posted;
      expect(posted).to.be.lt(GOALS[`postAwards100_${order}`]!);
      measured.sealClearing = await gasOf(p.market.connect(p.marketOperator).sealClearing(p.sessionId));
      measured.postValidations100 = await gasOf(
        p.market.connect(p.dsoOracle).postValidations(
          p.sessionId,
          awards.map((_, i) => ({ awardIndex: i, verdict: Verdict.Ok, reducedQuantityKw: 0, reasonCode: 0 })),
        ),
      );
      expect((await p.market.awardsOf(p.sessionId)).length).to.equal(100);
      if (order !== "podMajor") return;
      // Settlement of the 100 awards in one batch, each delivered in full (100 kW down = +100,000 W).
      await time.increaseTo(await p.challenge.challengeDeadline(p.sessionId));
      const items = awards.map((_, i) => ({ awardIndex: i, deliveredW: 100_000n }));
      const settled = await gasOf(p.settlement.connect(p.marketOperator).settle(p.sessionId, ethers.ZeroHash, items));
      measured.settlementPerAward = Math.round(settled / items.length);
      expect(measured.settlementPerAward).to.be.lte(GOALS.settlementPerAward!);
    });
  }

  it("publishes a day of traffic lights for a perimeter under its goal per perimeter-slot", async function () {
    const p = await loadFixture(deployPlatform);
    const s = await createDayAheadSession(p);
    const perimeter = perimeterId("Mostacciano");
    await p.trafficLight.connect(p.dso).definePerimeter(perimeter, [podId("IT002E90000000")]);
    await time.increaseTo(s.openingTime);
    const lights = Array.from({ length: 96 }, (_, slotIndex) => ({
      slotIndex,
      colour: slotIndex % 3,
      capabilityUpKw: 1000 + slotIndex,
      capabilityDownKw: 2000 + slotIndex,
    }));
    const gas = await gasOf(p.trafficLight.connect(p.dsoOracle).publishTrafficLights(s.sessionId, perimeter, lights));
    measured.trafficLightsPerPerimeterSlot = Math.round(gas / lights.length);
    expect(measured.trafficLightsPerPerimeterSlot).to.be.lte(GOALS.trafficLightsPerPerimeterSlot!);
  });
});
