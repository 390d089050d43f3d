// MarketDataNotary: the market operator anchors published data sets once.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployPlatform } from "./helpers/platform";
import { shouldBehaveLikeRoleGuarded } from "./helpers/shouldBehaveLikeRoleGuarded";

const RESULTS = ethers.keccak256(ethers.toUtf8Bytes("session 1 results csv"));
const KIND = ethers.encodeBytes32String("clearing-results");

describe("MarketDataNotary", function () {
  shouldBehaveLikeRoleGuarded(async () => {
    const p = await loadFixture(deployPlatform);
    return { ...p, guarded: p.notary };
  }, [{ fn: "anchor", role: "MARKET_OPERATOR", send: (f, s) => f.notary.connect(s).anchor(RESULTS, KIND, "") }]);

  describe("anchor", function () {
    it("records who anchored the hash and when", async function () {
      const p = await loadFixture(deployPlatform);
      await expect(p.notary.connect(p.marketOperator).anchor(RESULTS, KIND, "ipfs://results"))
        .to.emit(p.notary, "DatasetAnchored")
        .withArgs(RESULTS, KIND, p.marketOperator.address, "ipfs://results");
      const a = await p.notary.anchorOf(RESULTS);
      expect([a.anchoredBy, a.anchoredAt, a.datasetKind]).to.deep.equal([
        p.marketOperator.address,
        BigInt(await time.latest()),
        KIND,
      ]);
    });

    it("refuses a second anchoring of the same hash", async function () {
      const p = await loadFixture(deployPlatform);
      await p.notary.connect(p.marketOperator).anchor(RESULTS, KIND, "");
      const at = await time.latest();
      await expect(p.notary.connect(p.marketOperator).anchor(RESULTS, KIND, ""))
        .to.be.revertedWithCustomError(p.notary, "MarketDataNotaryAlreadyAnchored")
        .withArgs(RESULTS, at);
    });

    it("refuses the zero hash", async function () {
      const p = await loadFixture(deployPlatform);
      await expect(p.notary.connect(p.marketOperator).anchor(ethers.ZeroHash, KIND, "")).to.be.revertedWithCustomError(
        p.notary,
        "MarketDataNotaryZeroHash",
      );
    });

    it("reports an unknown hash as not anchored", async function () {
      const p = await loadFixture(deployPlatform);
      expect((await p.notary.anchorOf(RESULTS)).anchoredAt).to.equal(0n);
    });
  });
});
