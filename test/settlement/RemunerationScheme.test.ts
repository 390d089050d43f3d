// RemunerationSchemeFactory and its clones: aggregators create schemes with their own parameters, enrol PoDs
// with customer wallets, and the scheme's assessment equals the off-chain rule (oracles/market/settlement).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { assessDelivery, DEFAULT_SCHEME } from "../../oracles/market/settlement/assessment";
import { shouldBehaveLikeRoleGuarded } from "../helpers/shouldBehaveLikeRoleGuarded";
import { createScheme, deploySettlementFixture, POD } from "./fixture";

const CUSTOM = { toleranceBps: 2000, rewardShareBps: 6000, penaltyBps: 2500 };

async function schemesFixture() {
  const f = await deploySettlementFixture();
  const defaults = await f.factory.defaultParameters();
  const scheme1 = await createScheme(f.factory, f.aggregator, {
    toleranceBps: Number(defaults.toleranceBps),
    rewardShareBps: Number(defaults.rewardShareBps),
    penaltyBps: Number(defaults.penaltyBps),
  });
  const scheme2 = await createScheme(f.factory, f.aggregator2, CUSTOM);
  return { ...f, scheme1, scheme2 };
}

describe("RemunerationSchemeFactory", function () {
  shouldBehaveLikeRoleGuarded(async () => {
    const f = await loadFixture(deploySettlementFixture);
    return { ...f, guarded: f.factory };
  }, [{ fn: "createScheme", role: "AGGREGATOR", send: (f, s) => f.factory.connect(s).createScheme(CUSTOM) }]);

  describe("defaultParameters", function () {
    it("is ±30 % tolerance (ARERA 300/2017), all rewards to the customer, a 50 % penalty — as the off-chain default", async function () {
      const f = await loadFixture(deploySettlementFixture);
      const p = await f.factory.defaultParameters();
      expect([p.toleranceBps, p.rewardShareBps, p.penaltyBps].map(Number)).to.deep.equal([
        DEFAULT_SCHEME.toleranceBps,
        DEFAULT_SCHEME.rewardShareBps,
        DEFAULT_SCHEME.penaltyBps,
      ]);
    });
  });

  describe("createScheme", function () {
    it("clones the implementation for the calling aggregator with its parameters", async function () {
      const f = await loadFixture(schemesFixture);
      const address = await f.scheme2.getAddress();
      expect(await f.factory.isScheme(address)).to.equal(true);
      // The fixture created ACEAE_2's first scheme; this one is its second.
      expect((await f.factory.schemesOf(f.aggregator2.address)).at(-1)).to.equal(address);
      expect(await f.scheme2.aggregator()).to.equal(f.aggregator2.address);
      const p = await f.scheme2.parameters();
      expect([p.toleranceBps, p.rewardShareBps, p.penaltyBps].map(Number)).to.deep.equal([2000, 6000, 2500]);
      // An EIP-1167 clone: 45 bytes of code that delegate to the implementation.
      const code = await ethers.provider.getCode(address);
      expect((code.length - 2) / 2).to.equal(45);
      expect(code.toLowerCase()).to.contain((await f.factory.implementation()).slice(2).toLowerCase());
    });

    it("emits SchemeCreated", async function () {
      const f = await loadFixture(deploySettlementFixture);
      const predicted = await f.factory.connect(f.aggregator).createScheme.staticCall(CUSTOM);
      await expect(f.factory.connect(f.aggregator).createScheme(CUSTOM))
        .to.emit(f.factory, "SchemeCreated")
        .withArgs(f.aggregator.address, predicted, [2000, 6000, 2500]);
    });

    it("reverts on a parameter above 100 %", async function () {
      const f = await loadFixture(deploySettlementFixture);
      const scheme = await ethers.getContractAt("RemunerationScheme", await f.factory.implementation());
      await expect(f.factory.connect(f.aggregator).createScheme({ ...CUSTOM, penaltyBps: 10_001 }))
        .to.be.revertedWithCustomError(scheme, "RemunerationSchemeInvalidParameter")
        .withArgs(10_001, 10_000);
    });

    it("leaves neither the implementation nor a clone re-initialisable", async function () {
      const f = await loadFixture(schemesFixture);
      const implementation = await ethers.getContractAt("RemunerationScheme", await f.factory.implementation());
      await expect(implementation.initialize(f.stranger.address, CUSTOM)).to.be.revertedWithCustomError(
        implementation,
        "InvalidInitialization",
      );
      await expect(f.scheme1.initialize(f.stranger.address, CUSTOM)).to.be.revertedWithCustomError(
        f.scheme1,
        "InvalidInitialization",
      );
    });
  });

  describe("bindRemunerationScheme (PodRegistry)", function () {
    it("reverts for a caller that is not one of the factory's schemes", async function () {
      const f = await loadFixture(schemesFixture);
      await expect(f.registry.connect(f.stranger).bindRemunerationScheme(POD.p978))
        .to.be.revertedWithCustomError(f.registry, "PodRegistryInvalidScheme")
        .withArgs(POD.p978, f.stranger.address, f.aggregator.address);
    });
  });

  describe("parameters floor", function () {
    it("refuses a tolerance wider than ±30 %, a penalty under 10 % and a customer share under 10 %", async function () {
      const f = await loadFixture(schemesFixture);
      const implementation = await ethers.getContractAt("RemunerationScheme", await f.factory.implementation());
      for (const [parameters, value, bound] of [
        [{ toleranceBps: 3001, rewardShareBps: 10000, penaltyBps: 5000 }, 3001, 3000],
        [{ toleranceBps: 3000, rewardShareBps: 10000, penaltyBps: 999 }, 999, 1000],
        [{ toleranceBps: 3000, rewardShareBps: 0, penaltyBps: 5000 }, 0, 1000],
      ] as const) {
        await expect(f.factory.connect(f.aggregator).createScheme(parameters))
          .to.be.revertedWithCustomError(implementation, "RemunerationSchemeInvalidParameter")
          .withArgs(value, bound);
      }
    });
  });
});

describe("RemunerationScheme", function () {
  describe("enrolPod", function () {
    it("binds the PoD to the scheme in the PodRegistry, with the customer's wallet", async function () {
      const f = await loadFixture(schemesFixture);
      await expect(f.scheme1.connect(f.aggregator).enrolPod(POD.p978, f.customer1.address))
        .to.emit(f.scheme1, "PodEnrolled")
        .withArgs(POD.p978, f.customer1.address)
        .and.to.emit(f.registry, "RemunerationSchemeChanged")
        .withArgs(POD.p978, 1, await f.scheme1.getAddress());
      expect(await f.scheme1.walletOf(POD.p978)).to.equal(f.customer1.address);
      expect(await f.factory.schemeOfPod(POD.p978)).to.equal(await f.scheme1.getAddress());
    });

    it("changes the wallet of an enrolled PoD", async function () {
      const f = await loadFixture(schemesFixture);
      await f.scheme1.connect(f.aggregator).enrolPod(POD.p978, f.customer1.address);
      await f.scheme1.connect(f.aggregator).enrolPod(POD.p978, f.customer2.address);
      expect(await f.scheme1.walletOf(POD.p978)).to.equal(f.customer2.address);
    });

    it("reverts for anyone but the scheme's aggregator", async function () {
      const f = await loadFixture(schemesFixture);
      await expect(f.scheme1.connect(f.aggregator2).enrolPod(POD.p978, f.customer1.address))
        .to.be.revertedWithCustomError(f.scheme1, "RemunerationSchemeUnauthorized")
        .withArgs(f.aggregator2.address);
    });

    it("reverts for a zero wallet", async function () {
      const f = await loadFixture(schemesFixture);
      await expect(f.scheme1.connect(f.aggregator).enrolPod(POD.p978, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(f.scheme1, "RemunerationSchemeZeroWallet")
        .withArgs(POD.p978);
    });

    it("reverts for a PoD of another aggregator, even once its own scheme released it", async function () {
      const f = await loadFixture(schemesFixture);
      await f.scheme1.connect(f.aggregator).enrolPod(POD.p978, f.customer1.address);
      await expect(f.scheme2.connect(f.aggregator2).enrolPod(POD.p978, f.customer2.address))
        .to.be.revertedWithCustomError(f.scheme2, "RemunerationSchemeNotPodAggregator")
        .withArgs(POD.p978, f.aggregator2.address, f.aggregator.address);
      await expect(f.scheme1.connect(f.aggregator).withdrawPod(POD.p978))
        .to.emit(f.scheme1, "PodWithdrawn")
        .withArgs(POD.p978);
      expect(await f.factory.schemeOfPod(POD.p978)).to.equal(ethers.ZeroAddress);
      await expect(
        f.scheme2.connect(f.aggregator2).enrolPod(POD.p978, f.customer2.address),
      ).to.be.revertedWithCustomError(f.scheme2, "RemunerationSchemeNotPodAggregator");
    });

    it("moves the PoD between two schemes of its own aggregator", async function () {
      const f = await loadFixture(schemesFixture);
      const other = await createScheme(f.factory, f.aggregator, CUSTOM);
      await f.scheme1.connect(f.aggregator).enrolPod(POD.p978, f.customer1.address);
      await other.connect(f.aggregator).enrolPod(POD.p978, f.customer2.address);
      expect(await f.factory.schemeOfPod(POD.p978)).to.equal(await other.getAddress());
    });
  });

  describe("withdrawPod", function () {
    it("reverts for a PoD that is not enrolled", async function () {
      const f = await loadFixture(schemesFixture);
      await expect(f.scheme1.connect(f.aggregator).withdrawPod(POD.p469))
        .to.be.revertedWithCustomError(f.scheme1, "RemunerationSchemePodNotEnrolled")
        .withArgs(POD.p469);
    });
  });

  describe("assess", function () {
    // Award −1,000 kW paid 30 EUR; deliveries: exact, under in band, under/over out of band, wrong way.
    const cases = [1_000_000n, 800_000n, 700_000n, 699_900n, 1_300_000n, 1_400_000n, 0n, -200_000n];

    it("equals the off-chain rule for under-, over- and exact delivery under each scheme", async function () {
      const f = await loadFixture(schemesFixture);
      await f.scheme1.connect(f.aggregator).enrolPod(POD.p978, f.customer1.address);
      await f.scheme2.connect(f.aggregator2).enrolPod(POD.p796, f.customer2.address);
      for (const [scheme, pod, params] of [
        [f.scheme1, POD.p978, DEFAULT_SCHEME],
        [f.scheme2, POD.p796, CUSTOM],
      ] as const) {
        for (const delivered of cases) {
          const onChain = await scheme.assess(pod, -1_000_000n, delivered, 30_000_000n);
          const offChain = assessDelivery(params, -1_000_000n, delivered, 30_000_000n);
          expect([onChain.effectivenessBps, onChain.rewardMicroEur, onChain.penaltyMicroEur]).to.deep.equal([
            offChain.effectivenessBps,
            offChain.rewardMicroEur,
            offChain.customerPenaltyMicroEur,
          ]);
        }
      }
      // Spot check by hand, default scheme, 50 % delivered: paid 15 EUR, penalty 30 × 50 % = 15 EUR.
      const half = await f.scheme1.assess(POD.p978, -1_000_000n, 500_000n, 30_000_000n);
      expect([half.wallet, half.rewardMicroEur, half.penaltyMicroEur]).to.deep.equal([
        f.customer1.address,
        15_000_000n,
        15_000_000n,
      ]);
    });

    it("reverts for a PoD that is not enrolled and for a zero award", async function () {
      const f = await loadFixture(schemesFixture);
      await expect(f.scheme1.assess(POD.p469, -1n, 0n, 0n))
        .to.be.revertedWithCustomError(f.scheme1, "RemunerationSchemePodNotEnrolled")
        .withArgs(POD.p469);
      await f.scheme1.connect(f.aggregator).enrolPod(POD.p469, f.customer1.address);
      await expect(f.scheme1.assess(POD.p469, 0n, 0n, 0n))
        .to.be.revertedWithCustomError(f.scheme1, "RemunerationSchemeZeroAward")
        .withArgs(POD.p469);
    });
  });
});
