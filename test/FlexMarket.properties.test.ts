// Property tests (fast-check): random sequences of market calls never break the session state machine or the
// award invariants (no offer outside the open window, no award for an unregistered or unqualified PoD, one award
// per PoD and slot, every award within its offer and request, validations complete before Finalised).
import { expect, AssertionError as chaiAssertionError } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  deployPlatform,
  registerQualifiedPod,
  dayAheadSchedule,
  singleSlotOffer,
  POD_A,
  POD_B,
} from "./helpers/platform";
import {
  Direction,
  PodStatus,
  Qualification,
  SessionKind,
  SessionStatus,
  TargetKind,
  Verdict,
  pomId,
} from "./helpers/units";

const PODS = [POD_A, POD_B];
const POM = pomId("CP-PROP");
const SLOTS = [10, 11];
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 30);

async function propertyFixture() {
  const p = await deployPlatform();
  await registerQualifiedPod(p, POD_A, p.aggregator);
  await registerQualifiedPod(p, POD_B, p.aggregator2);
  await p.registry.connect(p.dsoOracle).mapPodsToPoms(PODS, [POM, POM]);
  const s = await dayAheadSchedule();
  const now = await time.latest();
  const openingTime = now + 60;
  const gateClosureTime = now + 2 * 3600;
  await p.market
    .connect(p.marketOperator)
    .createSession(SessionKind.DayAhead, s.day, 0, s.dayStartTime, openingTime, gateClosureTime);
  await time.increaseTo(openingTime);
  return { ...p, sessionId: 1n, day: s.day, openingTime, gateClosureTime };
}

type Action =
  | { t: "wait"; seconds: number }
  | {
      t: "offer";
      pod: number;
      asOwner: boolean;
      slot: number;
      up: boolean;
      quantityKw: number;
      price: number;
    }
  | { t: "cancelOffer"; offer: number }
  | { t: "request"; tso: boolean; slot: number; up: boolean; cap: number }
  | {
      t: "stl";
      pod: number;
      op: "invalidate" | "confirm" | "modulate" | "deregister";
    }
  | {
      t: "awards";
      items: {
        offer: number;
        request: number;
        quantityKw: number;
        price: number;
        fit: boolean;
      }[];
    }
  | { t: "closeGate" }
  | { t: "seal" }
  | {
      t: "validate";
      items: { award: number; verdict: number; reducedQuantityKw: number }[];
    };

const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({
  weight,
  arbitrary,
});

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  w(
    3,
    fc.record({
      t: fc.constant("wait" as const),
      seconds: fc.integer({ min: 0, max: 1800 }),
    }),
  ),
  w(
    5,
    fc.record({
      t: fc.constant("offer" as const),
      pod: fc.integer({ min: 0, max: 1 }),
      asOwner: fc.oneof(w(4, fc.constant(true)), w(1, fc.constant(false))),
      slot: fc.constantFrom(...SLOTS),
      up: fc.boolean(),
      quantityKw: fc.integer({ min: 1, max: 400 }),
      price: fc.integer({ min: 1, max: 100 }),
    }),
  ),
  w(1, fc.record({ t: fc.constant("cancelOffer" as const), offer: fc.nat(8) })),
  w(
    3,
    fc.record({
      t: fc.constant("request" as const),
      tso: fc.boolean(),
      slot: fc.constantFrom(...SLOTS),
      up: fc.boolean(),
      cap: fc.integer({ min: 1, max: 120 }),
    }),
  ),
  w(
    1,
    fc.record({
      t: fc.constant("stl" as const),
      pod: fc.integer({ min: 0, max: 1 }),
      op: fc.constantFrom(
        "invalidate" as const,
        "confirm" as const,
        "confirm" as const,
        "modulate" as const,
        "deregister" as const,
      ),
    }),
  ),
  w(
    4,
    fc.record({
      t: fc.constant("awards" as const),
      items: fc.array(
        fc.record({
          offer: fc.nat(8),
          request: fc.nat(8),
          quantityKw: fc.integer({ min: 0, max: 600 }),
          price: fc.integer({ min: 0, max: 120 }),
          fit: fc.oneof(w(3, fc.constant(true)), w(1, fc.constant(false))),
        }),
        { maxLength: 3 },
      ),
    }),
  ),
  w(1, fc.constant({ t: "closeGate" as const })),
  w(3, fc.constant({ t: "seal" as const })),
  w(
    2,
    fc.record({
      t: fc.constant("validate" as const),
      items: fc.array(
        fc.record({
          award: fc.nat(4),
          verdict: fc.constantFrom(Verdict.Ok, Verdict.Ko, Verdict.Partial),
          reducedQuantityKw: fc.nat(300),
        }),
        { maxLength: 3 },
      ),
    }),
  ),
);

const stats = { succeeded: new Map<string, number>() };

type Fixture = Awaited<ReturnType<typeof propertyFixture>>;

async function blockTimeOf(tx: { wait(): Promise<unknown> }): Promise<number> {
  const receipt = (await tx.wait()) as { blockNumber: number };
  return (await ethers.provider.getBlock(receipt.blockNumber))!.timestamp;
}

/** Runs one action; returns true if the transaction went through. Reverts are expected and ignored. */
async function run(f: Fixture, a: Action): Promise<boolean> {
  const { market, registry } = f;
  try {
    switch (a.t) {
      case "wait":
        await time.increase(a.seconds);
        return true;
      case "offer": {
        const owner = a.pod === 0 ? f.aggregator : f.aggregator2;
        const signer = a.asOwner ? owner : a.pod === 0 ? f.aggregator2 : f.aggregator;
        const direction = a.up ? Direction.Up : Direction.Down;
        const before = await registry.flexibilityOf(PODS[a.pod]);
        const tx = await market
          .connect(signer)
          .submitOffer(
            singleSlotOffer(f.sessionId, PODS[a.pod], a.slot, direction, [
              { quantityKw: a.quantityKw, priceMilliEurPerKw: a.price },
            ]),
          );
        const at = await blockTimeOf(tx);
        // No offer outside the open window, from anyone but the PoD's aggregator, or above its qualified limit.
        expect(at).to.be.gte(f.openingTime).and.lt(f.gateClosureTime);
        expect(before.aggregator).to.equal(signer.address);
        expect(before.status).to.equal(PodStatus.Registered);
        expect([Qualification.Confirmed, Qualification.Modulated]).to.include(Number(before.qualification));
        expect(a.quantityKw).to.be.lte(Number(a.up ? before.qualifiedUpKw : before.qualifiedDownKw));
        return true;
      }
      case "cancelOffer": {
        const [, offers] = await market.entryCounts();
        if (offers === 0n) return false;
        const id = BigInt(a.offer % Number(offers)) + 1n;
        const o = await market.offer(id);
        const signer =
          (await registry.flexibilityAt(o.registrationIndex)).aggregator === f.aggregator.address
            ? f.aggregator
            : f.aggregator2;
        const tx = await market.connect(signer).cancelOffer(id);
        expect(await blockTimeOf(tx)).to.be.lt(f.gateClosureTime);
        return true;
      }
      case "request": {
        const input = {
          slotIndex: a.slot,
          targetKind: TargetKind.Delta,
          direction: a.up ? Direction.Up : Direction.Down,
          targetPowerKw: a.up ? 500 : -500,
          maxPriceMilliEurPerKw: a.cap,
        };
        const tx = a.tso
          ? await market.connect(f.tso).submitTsoRequest(f.sessionId, POM, input)
          : await market.connect(f.dsoOracle).submitDsoRequest(f.sessionId, PODS, input);
        expect(await blockTimeOf(tx)).to.be.lt(f.gateClosureTime);
        return true;
      }
      case "stl": {
        const id = PODS[a.pod];
        if (a.op === "invalidate") await registry.connect(f.dso).invalidateQualification(id);
        if (a.op === "confirm") await registry.connect(f.dso).confirmQualification(id);
        if (a.op === "modulate") await registry.connect(f.dso).modulateQualification(id, 100, 100);
        if (a.op === "deregister") await registry.connect(f.dso).deregisterPod(id);
        return true;
      }
      case "awards": {
        const [requests, offers] = await market.entryCounts();
        const items = [];
        const expected = [];
        for (const it of requests === 0n || offers === 0n ? [] : a.items) {
          const offerId = BigInt(it.offer % Number(offers)) + 1n;
          const o = await market.offer(offerId);
          let requestId = BigInt(it.request % Number(requests)) + 1n;
          let quantityKw = it.quantityKw;
          let price = it.price;
          if (it.fit) {
            // Half of the items aim at a valid award so the sequences reach clearing; the rest probe the checks.
            for (let id = 1n; id <= requests; id++) {
              const r = await market.request(id);
              if (r.input.slotIndex === o.firstSlot && r.input.direction === o.direction) requestId = id;
            }
            quantityKw = 1 + (it.quantityKw % Number(o.maxQuantityKw));
            price = Number(o.minPriceMilliEurPerKw);
          }
          const r = await market.request(requestId);
          const reg = await registry.flexibilityAt(o.registrationIndex);
          items.push({
            offerId,
            requestId,
            slotIndex: r.input.slotIndex,
            quantityKw,
            priceMilliEurPerKw: price,
          });
          expected.push({ o, r, reg, quantityKw, price });
        }
        const tx = await market.connect(f.marketOperator).postAwards(f.sessionId, ethers.ZeroHash, items);
        expect(await blockTimeOf(tx)).to.be.gte(f.gateClosureTime);
        for (const e of expected) {
          // No award for an unregistered or unqualified PoD, outside its offer, or above the request's cap.
          expect(e.reg.status).to.equal(PodStatus.Registered);
          expect([Qualification.Confirmed, Qualification.Modulated]).to.include(Number(e.reg.qualification));
          expect(e.o.status).to.equal(1n);
          expect(e.r.status).to.equal(1n);
          expect(e.quantityKw).to.be.gt(0).and.lte(Number(e.o.maxQuantityKw));
          expect(e.price).to.be.gte(Number(e.o.minPriceMilliEurPerKw)).and.lte(Number(e.r.input.maxPriceMilliEurPerKw));
          expect(e.o.direction).to.equal(e.r.input.direction);
        }
        return true;
      }
      case "closeGate":
        await market.closeGate(f.sessionId);
        return true;
      case "seal":
        await market.connect(f.marketOperator).sealClearing(f.sessionId);
        return true;
      case "validate": {
        const count = (await market.session(f.sessionId)).awardCount;
        if (count === 0n) return false;
        const items = a.items.map((it) => ({
          awardIndex: it.award % Number(count),
          verdict: it.verdict,
          reducedQuantityKw: it.verdict === Verdict.Partial ? it.reducedQuantityKw : 0,
          reasonCode: 0,
        }));
        await market.connect(f.dsoOracle).postValidations(f.sessionId, items);
        return true;
      }
    }
  } catch (error) {
    if (error instanceof chaiAssertionError) throw error;
    if (process.env.DEBUG_PROPS) console.log(a.t, String(error).slice(0, 160));
    return false;
  }
}

/** Invariants that hold after any sequence of calls. */
async function checkInvariants(f: Fixture, previous: number): Promise<number> {
  const s = await f.market.session(f.sessionId);
  const status = Number(s.status);
  expect(status, "status never goes back").to.be.gte(previous);
  const now = await time.latest();
  if (status <= SessionStatus.Open) expect(now).to.be.lt(f.gateClosureTime);
  if (status < SessionStatus.Cleared) expect(s.pendingValidations).to.equal(0n);
  const awards = await f.market.awardsOf(f.sessionId);
  expect(BigInt(awards.length)).to.equal(s.awardCount);
  const pending = awards.filter((a) => Number(a.verdict) === Verdict.Pending).length;
  if (status >= SessionStatus.Cleared) expect(s.pendingValidations).to.equal(BigInt(pending));
  if (status === SessionStatus.Finalised) expect(pending).to.equal(0);
  // One live (not KO) award per PoD and slot, and the bitmap says exactly that.
  for (const pod of PODS) {
    const live = awards
      .filter((a) => a.podId === pod && Number(a.verdict) !== Verdict.Ko)
      .map((a) => Number(a.slotIndex));
    expect(new Set(live).size, "one award per PoD per slot").to.equal(live.length);
    const bitmap = live.reduce((acc, slot) => acc | (1n << BigInt(slot)), 0n);
    expect(await f.market.awardedSlotsOf(pod, f.day)).to.equal(bitmap);
  }
  for (const a of awards) {
    const expectedFinal =
      Number(a.verdict) === Verdict.Ok ? a.quantityKw : Number(a.verdict) === Verdict.Partial ? a.finalQuantityKw : 0n;
    expect(a.finalQuantityKw).to.equal(expectedFinal);
    expect(a.finalQuantityKw).to.be.lte(a.quantityKw);
  }
  return status;
}

/** A run that surely walks the whole lifecycle, so every transition is exercised whatever the random seed. */
const GOLDEN_PATH: [Action[], Action[]] = [
  [
    { t: "offer", pod: 0, asOwner: true, slot: 10, up: false, quantityKw: 100, price: 10 },
    { t: "offer", pod: 1, asOwner: true, slot: 10, up: false, quantityKw: 100, price: 20 },
    { t: "request", tso: false, slot: 10, up: false, cap: 50 },
  ],
  [
    {
      t: "awards",
      items: [
        { offer: 0, request: 0, quantityKw: 80, price: 0, fit: true },
        { offer: 1, request: 0, quantityKw: 80, price: 0, fit: true },
      ],
    },
    { t: "seal" },
    { t: "validate", items: [{ award: 0, verdict: Verdict.Partial, reducedQuantityKw: 40 }] },
    { t: "validate", items: [{ award: 1, verdict: Verdict.Ko, reducedQuantityKw: 0 }] },
  ],
];

describe("FlexMarket properties", function () {
  this.timeout(600_000);

  it("keeps the state machine and award invariants under random call sequences", async function () {
    await fc.assert(
      // Any action may come at any time; the jump in the middle makes sure most runs also reach the clearing.
      fc.asyncProperty(
        fc.array(actionArb, { minLength: 4, maxLength: 14 }),
        fc.array(actionArb, { minLength: 4, maxLength: 14 }),
        async (before, after) => {
          const actions: Action[] = [...before, { t: "wait", seconds: 2 * 3600 }, ...after];
          const f = await loadFixture(propertyFixture);
          let status = SessionStatus.Scheduled as number;
          for (const a of actions) {
            if (await run(f, a)) stats.succeeded.set(a.t, (stats.succeeded.get(a.t) ?? 0) + 1);
            status = await checkInvariants(f, status);
          }
        },
      ),
      { numRuns: NUM_RUNS, examples: [GOLDEN_PATH] },
    );
    if (process.env.DEBUG_PROPS) console.log(Object.fromEntries(stats.succeeded));
    // The generator must actually reach the interesting transitions, or the property proves little.
    for (const t of ["offer", "request", "awards", "seal", "validate"]) {
      expect(stats.succeeded.get(t) ?? 0, `successful ${t} calls`).to.be.greaterThan(0);
    }
  });
});
