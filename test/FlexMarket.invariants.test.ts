// Invariant suite over a real state space: several PoDs of two aggregators, sessions of both kinds, offer curves of
// 1-3 steps, DSO and TSO requests, awards right and wrong, re-registrations, validations, settlement and token
// transfers. A model decides, independently of the contracts, whether each award must be accepted (role, gate,
// offer, curve, request, PoD limits and set, one award per PoD and slot) and what each wallet holds; after every
// session the token supply must equal the net settlement and every balance the model's ledger.
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { assessDelivery, TokenLedger, type SchemeParameters } from "../oracles/market/settlement/assessment";
import { deployPlatform, podData } from "./helpers/platform";
import { DAY_SECONDS, Direction, OfferKind, SessionKind, TargetKind, podId, pomId, Verdict } from "./helpers/units";

const POD_COUNT = 8;
const POM = pomId("CP-INVARIANT");
const PODS = Array.from({ length: POD_COUNT }, (_, i) => podId(`IT002E7700000${i}`));
const SCHEMES: SchemeParameters[] = [
  { toleranceBps: 3000, rewardShareBps: 10000, penaltyBps: 5000 },
  { toleranceBps: 2000, rewardShareBps: 6000, penaltyBps: 2500 },
];
const HOLD_SECONDS = 7 * 24 * 3600;
const RUNS = Number(process.env.INVARIANT_RUNS ?? 6);

async function platformFixture() {
  const p = await deployPlatform();
  const signers = await ethers.getSigners();
  const wallets = signers.slice(10, 14);
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
  const aggregators = [p.aggregator, p.aggregator2];
  const schemes = [];
  for (const [i, a] of aggregators.entries()) {
    const address = await factory.connect(a).createScheme.staticCall(SCHEMES[i]!);
    await factory.connect(a).createScheme(SCHEMES[i]!);
    schemes.push(await ethers.getContractAt("RemunerationScheme", address));
  }
  for (const [i, id] of PODS.entries()) {
    const owner = aggregators[i % 2]!;
    await p.registry.connect(owner).registerPod(id, podData({ maxUpKw: 200 + 20 * i, maxDownKw: 300 + 10 * i }));
    await p.registry.connect(p.dso).confirmQualification(id);
    await schemes[i % 2]!.connect(owner).enrolPod(id, wallets[i % wallets.length]!.address);
  }
  await p.registry.connect(p.dsoOracle).mapPodsToPoms(
    PODS,
    PODS.map(() => POM),
  );
  const token = await ethers.getContractAt("RewardToken", await settlement.rewardToken());
  return { ...p, challenge, factory, settlement, token, wallets, aggregators, schemes };
}

const stepsArb = fc
  .array(fc.record({ quantityKw: fc.integer({ min: 10, max: 150 }), add: fc.integer({ min: 0, max: 40 }) }), {
    minLength: 1,
    maxLength: 3,
  })
  .map((raw) => {
    let price = 5;
    return raw.map((s) => ({ quantityKw: s.quantityKw, priceMilliEurPerKw: (price += s.add) }));
  });

const sessionArb = fc.record({
  kind: fc.constantFrom(SessionKind.DayAhead, SessionKind.RealTime),
  realTimeIndex: fc.integer({ min: 0, max: 5 }),
  requests: fc.array(
    fc.record({
      tso: fc.boolean(),
      slot: fc.integer({ min: 0, max: 2 }),
      direction: fc.constantFrom(Direction.Up, Direction.Down),
      podMask: fc.integer({ min: 1, max: 255 }),
      cap: fc.integer({ min: 20, max: 120 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  offers: fc.array(
    fc.record({
      pod: fc.integer({ min: 0, max: POD_COUNT - 1 }),
      slot: fc.integer({ min: 0, max: 2 }),
      direction: fc.constantFrom(Direction.Up, Direction.Down),
      steps: stepsArb,
    }),
    { minLength: 1, maxLength: 8 },
  ),
  reregister: fc.option(fc.integer({ min: 0, max: POD_COUNT - 1 }), { nil: undefined }),
  awards: fc.array(
    fc.record({
      offer: fc.nat(),
      request: fc.nat(),
      quantityKw: fc.integer({ min: 0, max: 500 }),
      price: fc.integer({ min: 0, max: 130 }),
    }),
    { minLength: 1, maxLength: 10 },
  ),
  verdicts: fc.array(fc.constantFrom(Verdict.Ok, Verdict.Ko, Verdict.Partial), { minLength: 10, maxLength: 10 }),
  deliveredPercent: fc.array(fc.integer({ min: -50, max: 200 }), { minLength: 10, maxLength: 10 }),
  transfers: fc.array(fc.record({ from: fc.nat(3), to: fc.nat(3), amount: fc.integer({ min: 1, max: 40_000_000 }) }), {
    maxLength: 3,
  }),
  wait: fc.boolean(),
});

/** Moves block time forward to `t` (never back: a fixture revert can leave the clock ahead of `time.latest()`). */
async function advanceTo(t: number | bigint) {
  if (Number(t) > (await time.latest()) + 1) await time.increaseTo(t);
}

type Steps = { quantityKw: number; priceMilliEurPerKw: number }[];
const marginal = (steps: Steps, q: number) => {
  let c = 0;
  for (const s of steps) if ((c += s.quantityKw) >= q) return s.priceMilliEurPerKw;
  return steps.at(-1)!.priceMilliEurPerKw;
};

describe("FlexMarket invariants (model-checked sequences)", function () {
  it("accepts exactly the valid awards and keeps token supply = net settlement = the independent ledger", async function () {
    this.timeout(600_000);
    let sequences = 0;
    let actions = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(sessionArb, { minLength: 1, maxLength: 3 }), async (plan) => {
        const f = await loadFixture(platformFixture);
        sequences++;
        const ledger = new TokenLedger();
        const locks = new Map<string, { amount: bigint; until: number }>();
        const liveIndex = PODS.map((_, i) => i + 1); // registration index of each PoD's live registration
        let nextIndex = POD_COUNT + 1;
        let day = Math.floor((await time.latest()) / DAY_SECONDS) + 2;
        for (const s of plan) {
          day = Math.max(day + 1, Math.floor((await time.latest()) / DAY_SECONDS) + 2);
          const dayStartTime = day * DAY_SECONDS;
          const firstSlot = s.kind === SessionKind.DayAhead ? 40 : 16 * s.realTimeIndex;
          const rt = s.kind === SessionKind.DayAhead ? 0 : s.realTimeIndex;
          const now = await time.latest();
          const gateClosure = dayStartTime - 3600;
          await f.market.connect(f.marketOperator).createSession(s.kind, day, rt, dayStartTime, now + 10, gateClosure);
          const sessionId = await f.market.sessionCount();
          await advanceTo(now + 10);
          // Requests, then offers (each by its PoD's aggregator), then maybe a re-registration.
          const requests: {
            id: bigint;
            tso: boolean;
            slot: number;
            direction: number;
            members: Set<number>;
            cap: number;
          }[] = [];
          for (const r of s.requests) {
            const input = {
              slotIndex: firstSlot + r.slot,
              targetKind: TargetKind.Delta,
              direction: r.direction,
              targetPowerKw: r.direction === Direction.Up ? 100 : -100,
              maxPriceMilliEurPerKw: r.cap,
            };
            const members = new Set(PODS.map((_, i) => i).filter((i) => (r.podMask >> i) & 1));
            if (r.tso) await f.market.connect(f.tso).submitTsoRequest(sessionId, POM, input);
            else
              await f.market.connect(f.dsoOracle).submitDsoRequest(
                sessionId,
                [...members].map((i) => PODS[i]!),
                input,
              );
            requests.push({
              id: (await f.market.entryCounts())[0],
              tso: r.tso,
              slot: firstSlot + r.slot,
              direction: r.direction,
              members,
              cap: r.cap,
            });
            actions++;
          }
          const offers: { id: bigint; pod: number; index: number; slot: number; direction: number; steps: Steps }[] =
            [];
          for (const o of s.offers) {
            const total = o.steps.reduce((a, x) => a + x.quantityKw, 0);
            const limit = o.direction === Direction.Up ? 200 + 20 * o.pod : 300 + 10 * o.pod;
            const input = {
              sessionId,
              podId: PODS[o.pod]!,
              kind: OfferKind.SingleSlot,
              direction: o.direction,
              firstSlot: firstSlot + o.slot,
              lastSlot: firstSlot + o.slot,
              energyKwh: 0,
              steps: o.steps,
            };
            const send = f.market.connect(f.aggregators[o.pod % 2]!).submitOffer(input);
            actions++;
            if (total > limit) {
              await expect(send).to.be.revertedWithCustomError(f.market, "FlexMarketAboveLimit");
              continue;
            }
            await send;
            offers.push({
              id: (await f.market.entryCounts())[1],
              pod: o.pod,
              index: liveIndex[o.pod]!,
              slot: firstSlot + o.slot,
              direction: o.direction,
              steps: o.steps,
            });
          }
          if (s.reregister !== undefined) {
            const i = s.reregister;
            const owner = f.aggregators[i % 2]!;
            await f.registry.connect(owner).deregisterPod(PODS[i]!);
            await f.registry
              .connect(owner)
              .registerPod(PODS[i]!, podData({ maxUpKw: 200 + 20 * i, maxDownKw: 300 + 10 * i }));
            await f.registry.connect(f.dso).confirmQualification(PODS[i]!);
            await f.schemes[i % 2]!.connect(owner).enrolPod(PODS[i]!, f.wallets[i % f.wallets.length]!.address);
            liveIndex[i] = nextIndex++;
            actions += 4;
          }
          await advanceTo(gateClosure);
          // Awards one per call: the model says whether each must be accepted.
          const booked = new Set<string>();
          const accepted: { offer: (typeof offers)[number]; quantityKw: number; price: number }[] = [];
          for (const a of s.awards) {
            if (offers.length === 0) break;
            const o = offers[a.offer % offers.length]!;
            const r = requests[a.request % requests.length]!;
            const total = o.steps.reduce((x, y) => x + y.quantityKw, 0);
            const limit = o.direction === Direction.Up ? 200 + 20 * o.pod : 300 + 10 * o.pod;
            const valid =
              o.slot === r.slot &&
              o.direction === r.direction &&
              a.quantityKw > 0 &&
              a.quantityKw <= total &&
              a.price >= o.steps[0]!.priceMilliEurPerKw &&
              a.price <= r.cap &&
              a.price >= marginal(o.steps, a.quantityKw) &&
              liveIndex[o.pod] === o.index &&
              a.quantityKw <= limit &&
              (r.tso || r.members.has(o.pod)) &&
              !booked.has(`${o.pod}:${o.slot}`);
            const award = {
              offerId: o.id,
              requestId: r.id,
              slotIndex: r.slot,
              quantityKw: a.quantityKw,
              priceMilliEurPerKw: a.price,
            };
            const send = f.market.connect(f.marketOperator).postAwards(sessionId, ethers.ZeroHash, [award]);
            actions++;
            if (!valid) {
              await expect(send).to.be.reverted;
              continue;
            }
            await send;
            booked.add(`${o.pod}:${o.slot}`);
            accepted.push({ offer: o, quantityKw: a.quantityKw, price: a.price });
          }
          if ((await f.market.sessionStatus(sessionId)) !== 4n) {
            // No award: record the gate so the session can be sealed empty.
            await f.market.connect(f.marketOperator).postAwards(sessionId, ethers.ZeroHash, []);
          }
          await f.market.connect(f.marketOperator).sealClearing(sessionId);
          const finals = accepted.map((a, i) => {
            const v = s.verdicts[i]!;
            const q =
              v === Verdict.Ok ? a.quantityKw : v === Verdict.Partial && a.quantityKw > 1 ? a.quantityKw - 1 : 0;
            return { verdict: q === 0 ? Verdict.Ko : v === Verdict.Partial ? Verdict.Partial : Verdict.Ok, q };
          });
          if (accepted.length > 0) {
            await f.market.connect(f.dsoOracle).postValidations(
              sessionId,
              finals.map((x, i) => ({
                awardIndex: i,
                verdict: x.verdict,
                reducedQuantityKw: x.verdict === Verdict.Partial ? x.q : 0,
                reasonCode: x.verdict === Verdict.Ok ? 0 : 1,
              })),
            );
          }
          // Awards never exceed their offer, the PoD's limit or the request; one per PoD and slot.
          const onChain = await f.market.awardsOf(sessionId);
          expect(onChain.length).to.equal(accepted.length);
          await advanceTo(await f.challenge.challengeDeadline(sessionId));
          // Settlement against the independent ledger.
          const items = accepted.map((a, i) => {
            const powerW = BigInt(finals[i]!.q) * 1000n * (a.offer.direction === Direction.Down ? -1n : 1n);
            return { awardIndex: i, deliveredW: (-powerW * BigInt(s.deliveredPercent[i]!)) / 100n, powerW };
          });
          const tx = await f.settlement.connect(f.marketOperator).settle(sessionId, ethers.ZeroHash, items);
          const settledAt = (await ethers.provider.getBlock((await tx.wait())!.blockNumber))!.timestamp;
          actions++;
          for (const [i, it] of items.entries()) {
            if (finals[i]!.q === 0) continue;
            const a = accepted[i]!;
            const wallet = f.wallets[a.offer.pod % f.wallets.length]!.address;
            const payment = BigInt(finals[i]!.q) * BigInt(a.price) * 1000n;
            const e = assessDelivery(SCHEMES[a.offer.pod % 2]!, it.powerW, it.deliveredW, payment);
            const { minted, burned } = ledger.apply(wallet, e.rewardMicroEur, e.customerPenaltyMicroEur);
            const lock = locks.get(wallet) ?? { amount: 0n, until: 0 };
            const lockedNow = settledAt < lock.until ? lock.amount : 0n;
            if (minted > 0n) locks.set(wallet, { amount: lockedNow + minted, until: settledAt + HOLD_SECONDS });
            else if (burned > 0n)
              locks.set(wallet, { amount: lockedNow > burned ? lockedNow - burned : 0n, until: lock.until });
          }
          if (s.wait) await time.increase(HOLD_SECONDS);
          // Transfers: only the unlocked part of a wallet without debt moves.
          for (const t of s.transfers) {
            const from = f.wallets[t.from]!;
            const to = f.wallets[t.to]!.address;
            const now2 = (await time.latest()) + 1;
            const balance = ledger.balances.get(from.address) ?? 0n;
            const lock = locks.get(from.address) ?? { amount: 0n, until: 0 };
            const locked = now2 < lock.until ? lock.amount : 0n;
            const inDebt = (ledger.debts.get(from.address) ?? 0n) > 0n;
            const available = inDebt ? 0n : balance > locked ? balance - locked : 0n;
            const send = f.token.connect(from).transfer(to, t.amount);
            actions++;
            if (BigInt(t.amount) > available) {
              await expect(send).to.be.revertedWithCustomError(f.token, "RewardTokenLocked");
              continue;
            }
            await send;
            ledger.balances.set(from.address, balance - BigInt(t.amount));
            ledger.balances.set(to, (ledger.balances.get(to) ?? 0n) + BigInt(t.amount));
          }
          const supply = await f.token.totalSupply();
          expect(supply).to.equal(ledger.supply);
          expect(supply).to.equal((await f.settlement.netSettledMicroEur()) + (await f.settlement.totalDebtMicroEur()));
          for (const w of f.wallets)
            expect(await f.token.balanceOf(w.address)).to.equal(ledger.balances.get(w.address) ?? 0n);
        }
      }),
      { numRuns: RUNS },
    );
    console.log(
      `      invariants: ${sequences} sequences, ${actions} actions (${(actions / sequences).toFixed(1)} per sequence)`,
    );
  });
});
