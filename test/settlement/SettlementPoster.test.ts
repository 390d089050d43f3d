// settleSession: from FlexMarket's final awards, the committed baselines and certified readings to tokens in the
// customers' wallets, once (a second run settles nothing).
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { DEFAULT_SCHEME } from "../../oracles/market/settlement/assessment";
import type { CertifiedReading } from "../../oracles/market/settlement/settlement";
import { settleSession } from "../../oracles/market/service/settlementPoster";
import { createScheme, deploySettlementFixture, POD, postAndSeal, RIGHT_AWARDS, SLOT, validateAll } from "./fixture";

async function finalWithSchemes() {
  const f = await deploySettlementFixture();
  await postAndSeal(f, RIGHT_AWARDS);
  await validateAll(f, RIGHT_AWARDS.length);
  await time.increaseTo(await f.challenge.challengeDeadline(f.sessionId));
  // The fixture enrolled the PoDs before gate closure; a scheme created and enrolled now applies to later sessions
  // only, so this session still settles under the fixture's schemes.
  const late = await createScheme(f.factory, f.aggregator2, DEFAULT_SCHEME);
  await late.connect(f.aggregator2).enrolPod(POD.p796, f.customer1.address);
  const addresses = {
    market: await f.market.getAddress(),
    registry: await f.registry.getAddress(),
    challenge: await f.challenge.getAddress(),
    schemes: await f.factory.getAddress(),
    settlement: await f.settlement.getAddress(),
  };
  return { ...f, addresses };
}

describe("settleSession", function () {
  it("settles each final award from certified readings only, and never twice", async function () {
    const f = await loadFixture(finalWithSchemes);
    const slotStartMs = (f.dayStartTime + SLOT * 900) * 1000;
    let sequence = 0;
    const reading = (pod: string, activePowerW: number, certified: boolean): CertifiedReading => ({
      certified,
      measurement: {
        pod,
        timestampMs: slotStartMs + 60_000 * ++sequence,
        sequence,
        activePowerW,
        reactivePowerVar: 0,
        importedEnergyWh: 0,
        exportedEnergyWh: 0,
        meterStatus: 0,
      },
    });
    const readings = [
      // 978: baseline 2,279 kW, measured 1,279 kW → 1,000 kW delivered, exact.
      reading("IT002E61899978", 1_279_000, true),
      // 469: an uncertified reading claims full delivery; the certified one shows none (baseline 4,557 kW).
      reading("IT002E60974469", 4_280_000, false),
      reading("IT002E60974469", 4_557_000, true),
      // 796 and 189 exact: baselines 312 and 70 kW.
      reading("IT002E60976796", 212_000, true),
      reading("IT002E60550189", 342_000, true),
    ];
    const report = await settleSession(f.sessionId, readings, f.addresses, f.marketOperator);
    expect(report.final).to.equal(true);
    expect(report.settled.map((r) => [r.pod, r.deliveredW, r.effectivenessBps])).to.deep.equal([
      ["IT002E61899978", 1_000_000, 10_000],
      ["IT002E60976796", 100_000, 10_000],
      ["IT002E60974469", 0, 0],
      ["IT002E60550189", -272_000, 10_000],
    ]);
    // 978: 30 EUR. 469: nothing delivered → penalty 277 kW × 0.03 × 50 % = 4.155 EUR, all debt (empty wallet).
    expect(await f.token.balanceOf(f.customer1.address)).to.equal(30_000_000n);
    expect(await f.token.balanceOf(f.customer2.address)).to.equal(0n);
    expect(await f.settlement.totalDebtMicroEur()).to.equal(4_155_000n);
    // 796: 3 EUR × 60 % (ACEAE_2's scheme at gate closure); 189: 272 kW × 0.07 = 19.04 EUR.
    expect(await f.token.balanceOf(f.customer3.address)).to.equal(1_800_000n + 19_040_000n);

    const block = await ethers.provider.getBlockNumber();
    const again = await settleSession(f.sessionId, readings, f.addresses, f.marketOperator);
    expect(again.settled).to.deep.equal([]);
    expect(again.alreadySettled).to.deep.equal([0, 1, 2, 3]);
    expect(await ethers.provider.getBlockNumber()).to.equal(block);
  });

  it("does nothing before the result is final", async function () {
    const f = await loadFixture(deploySettlementFixture);
    await postAndSeal(f, RIGHT_AWARDS);
    const addresses = {
      market: await f.market.getAddress(),
      registry: await f.registry.getAddress(),
      challenge: await f.challenge.getAddress(),
      schemes: await f.factory.getAddress(),
      settlement: await f.settlement.getAddress(),
    };
    const report = await settleSession(f.sessionId, [], addresses, f.marketOperator);
    expect(report).to.include({ final: false });
    expect(report.settled).to.deep.equal([]);
  });
});
