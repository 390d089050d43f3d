// Settlement math: the ±30 % rule on under-, over- and exact delivery, delivery from certified readings only,
// exports by period, and the token ledger's supply = net of settlements (property test).
import { expect } from "chai";
import fc from "fast-check";
import type { Measurement } from "../../../protocol";
import { assessDelivery, DEFAULT_SCHEME, TokenLedger, type SchemeParameters } from "./assessment";
import {
  exportSettlements,
  measuredPowerW,
  periodKey,
  settleAwards,
  summarise,
  SLOT_MS,
  type CertifiedReading,
  type SettlementAward,
} from "./settlement";

// Tor di Valle: IT002E61899978 awarded −1,000 kW (consumption down) paid 30 EUR, baseline 2,278.545 kW.
const AWARD_W = -1_000_000n;
const PAYMENT = 30_000_000n;

describe("assessDelivery (default scheme: ±30 %, reward share 100 %, penalty 50 %)", function () {
  const assess = (deliveredW: bigint, scheme: SchemeParameters = DEFAULT_SCHEME) =>
    assessDelivery(scheme, AWARD_W, deliveredW, PAYMENT);

  it("pays the award in full for exact delivery", function () {
    const a = assess(1_000_000n);
    expect([a.effectivenessBps, a.inBand, a.paidMicroEur, a.penaltyMicroEur]).to.deep.equal([
      10_000n,
      true,
      PAYMENT,
      0n,
    ]);
  });

  it("pays what was delivered without penalty for under-delivery inside the band", function () {
    // 800 kW of 1,000: 80 % → 30 EUR × 0.8 = 24 EUR, inside 70–130 %.
    const a = assess(800_000n);
    expect([a.effectivenessBps, a.inBand, a.paidMicroEur, a.penaltyMicroEur]).to.deep.equal([
      8_000n,
      true,
      24_000_000n,
      0n,
    ]);
  });

  it("keeps exactly 70 % inside the band and penalises just below it", function () {
    expect(assess(700_000n).penaltyMicroEur).to.equal(0n);
    // 699.9 kW: 6,999 bps, outside → pays 30 × 0.6999 = 20.997 EUR, penalty 30 × 50 % = 15 EUR.
    const a = assess(699_900n);
    expect([a.effectivenessBps, a.inBand, a.paidMicroEur, a.penaltyMicroEur]).to.deep.equal([
      6_999n,
      false,
      20_997_000n,
      15_000_000n,
    ]);
  });

  it("pays at most the award for over-delivery and penalises beyond +30 %", function () {
    const inside = assess(1_300_000n);
    expect([inside.paidMicroEur, inside.penaltyMicroEur]).to.deep.equal([PAYMENT, 0n]);
    const beyond = assess(1_400_000n);
    expect([beyond.effectivenessBps, beyond.paidMicroEur, beyond.penaltyMicroEur]).to.deep.equal([
      14_000n,
      PAYMENT,
      15_000_000n,
    ]);
  });

  it("pays nothing and penalises a move in the wrong direction", function () {
    const a = assess(-200_000n);
    expect([a.effectivenessBps, a.paidMicroEur, a.penaltyMicroEur]).to.deep.equal([-2_000n, 0n, 15_000_000n]);
  });

  it("passes the customer its share of reward and penalty", function () {
    const a = assess(500_000n, { toleranceBps: 3000, rewardShareBps: 6000, penaltyBps: 2000 });
    // paid 15 EUR × 60 % = 9 EUR; penalty 30 × 20 % = 6 EUR × 60 % = 3.6 EUR.
    expect([a.rewardMicroEur, a.customerPenaltyMicroEur]).to.deep.equal([9_000_000n, 3_600_000n]);
  });
});

const SLOT_50 = Date.parse("2021-06-22T22:00:00.000Z") + 50 * SLOT_MS;
const reading = (timestampMs: number, importedEnergyWh: number, activePowerW: number): Measurement => ({
  pod: "IT002E61899978",
  timestampMs,
  sequence: timestampMs,
  activePowerW,
  reactivePowerVar: 0,
  importedEnergyWh,
  exportedEnergyWh: 0,
  meterStatus: 0,
});

describe("settleAwards", function () {
  const award: SettlementAward = {
    sessionId: "1",
    awardIndex: 0,
    pod: "IT002E61899978",
    slot: 50,
    slotStartMs: SLOT_50,
    powerW: -1_000_000,
    paymentMicroEur: 30_000_000,
  };
  const base = { baselineW: () => 2_278_545, schemeOf: () => DEFAULT_SCHEME };

  it("measures from certified energy counters: delivered = baseline − measured", function () {
    // 15 min at 1,278,545 W = 319,636.25 Wh; counters at slot start and 14 min later: 1,278,545 × 14/60 Wh.
    const readings: CertifiedReading[] = [
      { measurement: reading(SLOT_50, 10_000_000, 1_278_545), certified: true },
      { measurement: reading(SLOT_50 + 14 * 60_000, 10_000_000 + (1_278_545 * 14) / 60, 1_278_545), certified: true },
    ];
    const [row] = settleAwards({ ...base, awards: [award], readings });
    expect([row.evidence, row.measuredW, row.deliveredW, row.effectivenessBps]).to.deep.equal([
      "energy",
      1_278_545,
      2_278_545 - 1_278_545,
      10_000,
    ]);
    expect(row.paidMicroEur).to.equal(30_000_000);
  });

  it("ignores uncertified readings, even when they claim full delivery", function () {
    const readings: CertifiedReading[] = [
      { measurement: reading(SLOT_50 + 60_000, 0, 1_278_545), certified: false },
      { measurement: reading(SLOT_50 + 120_000, 0, 1_778_545), certified: true },
    ];
    const [row] = settleAwards({ ...base, awards: [award], readings });
    // One certified reading: its power. delivered = 2,278,545 − 1,778,545 = 500,000 W → 50 %, outside ±30 %.
    expect([row.evidence, row.deliveredW, row.effectivenessBps, row.inBand]).to.deep.equal([
      "power",
      500_000,
      5_000,
      false,
    ]);
    expect([row.paidMicroEur, row.penaltyMicroEur]).to.deep.equal([15_000_000, 15_000_000]);
  });

  it("counts nothing as delivered without certified readings", function () {
    const [row] = settleAwards({ ...base, awards: [award], readings: [] });
    expect([row.evidence, row.deliveredW, row.paidMicroEur, row.penaltyMicroEur]).to.deep.equal([
      "none",
      0,
      0,
      15_000_000,
    ]);
  });

  it("shares a PoD-slot's delivery among its awards in proportion to their power", function () {
    const awards = [
      { ...award, powerW: -600_000, paymentMicroEur: 18_000_000 },
      { ...award, awardIndex: 1, powerW: -400_000, paymentMicroEur: 12_000_000 },
    ];
    const readings = [{ measurement: reading(SLOT_50, 0, 1_478_545), certified: true }];
    const rows = settleAwards({ ...base, awards, readings });
    // delivered 800,000 W: 60 % → 480,000, 40 % → 320,000; both 80 %.
    expect(rows.map((r) => [r.deliveredW, r.effectivenessBps])).to.deep.equal([
      [480_000, 8_000],
      [320_000, 8_000],
    ]);
  });

  it("averages power only over readings inside the slot", function () {
    expect(measuredPowerW([reading(SLOT_50 - 1, 0, 5)], SLOT_50, SLOT_50 + SLOT_MS)).to.deep.equal({
      measuredW: null,
      evidence: "none",
    });
  });
});

describe("exports", function () {
  it("names periods by UTC day, ISO week and month", function () {
    expect(periodKey(SLOT_50, "day")).to.equal("2021-06-23");
    expect(periodKey(SLOT_50, "week")).to.equal("2021-W25");
    expect(periodKey(SLOT_50, "month")).to.equal("2021-06");
    // 1 January 2021 was a Friday: ISO week 53 of 2020.
    expect(periodKey(Date.UTC(2021, 0, 1), "week")).to.equal("2020-W53");
    expect(periodKey(Date.UTC(2021, 0, 4), "week")).to.equal("2021-W01");
  });

  it("sums per PoD and period, as CSV and JSON", function () {
    const mk = (awardIndex: number, slotStartMs: number, deliveredW: number) =>
      settleAwards({
        awards: [{ sessionId: "1", awardIndex, pod: "P1", slot: 0, slotStartMs, powerW: -1000, paymentMicroEur: 100 }],
        baselineW: () => 5000,
        readings: [
          {
            measurement: { ...reading(slotStartMs, 0, 5000 - deliveredW), pod: "P1" },
            certified: true,
          },
        ],
        schemeOf: () => DEFAULT_SCHEME,
      })[0];
    const day1 = Date.UTC(2021, 5, 21, 10);
    const rows = [mk(0, day1, 1000), mk(1, day1 + SLOT_MS, 500), mk(2, day1 + 86_400_000, 1000)];
    const daily = summarise(rows, "day");
    expect(
      daily.map((s) => [s.period, s.awards, s.awardedWh, s.deliveredWh, s.effectivenessBps, s.paidMicroEur]),
    ).to.deep.equal([
      ["2021-06-21", 2, 500, 375, 7_500, 150],
      ["2021-06-22", 1, 250, 250, 10_000, 100],
    ]);
    expect(summarise(rows, "week")).to.have.length(1);
    const csv = exportSettlements(rows, "month", "csv").trim().split("\n");
    expect(csv[0]).to.equal(
      "period,pod,awards,awardedWh,deliveredWh,effectivenessBps,paymentMicroEur,paidMicroEur,penaltyMicroEur,rewardMicroEur,customerPenaltyMicroEur",
    );
    expect(csv[1]).to.equal("2021-06,P1,3,750,625,8333,300,250,50,250,50");
    expect(JSON.parse(exportSettlements(rows, "month", "json"))).to.deep.equal(summarise(rows, "month"));
  });
});

describe("TokenLedger", function () {
  it("keeps supply = minted − burned = Σ(reward − penalty) + debt for any sequence of settlements", function () {
    const wallets = ["0xA", "0xB", "0xC"];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            wallet: fc.constantFrom(...wallets),
            awardW: fc.integer({ min: -2_000_000, max: 2_000_000 }).filter((w) => w !== 0),
            deliveredW: fc.integer({ min: -3_000_000, max: 3_000_000 }),
            payment: fc.integer({ min: 0, max: 100_000_000 }),
            tolerance: fc.integer({ min: 0, max: 10_000 }),
            share: fc.integer({ min: 0, max: 10_000 }),
            penalty: fc.integer({ min: 0, max: 10_000 }),
          }),
          { maxLength: 40 },
        ),
        (settlements) => {
          const ledger = new TokenLedger();
          for (const s of settlements) {
            const a = assessDelivery(
              { toleranceBps: s.tolerance, rewardShareBps: s.share, penaltyBps: s.penalty },
              BigInt(s.awardW),
              BigInt(s.deliveredW),
              BigInt(s.payment),
            );
            ledger.apply(s.wallet, a.rewardMicroEur, a.customerPenaltyMicroEur);
            for (const b of ledger.balances.values()) expect(b >= 0n).to.equal(true);
          }
          expect(ledger.supply).to.equal(ledger.minted - ledger.burned);
          // Debt is penalty not yet burned: the net of settlements is below the supply by exactly that.
          expect(ledger.supply).to.equal(ledger.netSettled + ledger.totalDebt);
        },
      ),
      { numRuns: 300 },
    );
  });
});
