// The whole session lifecycle on the Tor di Valle demo inputs (Platone Italian demo, 23 June 2021, slot 50):
// registration, prequalification, PoM mapping, perimeters and lights, baselines, requests, offers, gate closure,
// clearing, technical validation, final outcome and notarisation.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployPlatform, dayAheadSchedule } from "./helpers/platform";
import { loadTorDiValle, podDataOf } from "./helpers/torDiValle";
import {
  kw,
  podId,
  pomId,
  perimeterId,
  priceMilli,
  baselineHash,
  Colour,
  Direction,
  NO_PRICE_CAP,
  OfferKind,
  SessionKind,
  SessionStatus,
  TargetKind,
  Verdict,
} from "./helpers/units";

const TDV = loadTorDiValle();
const SLOT = TDV.slot;
const POM = pomId(TDV.pom);
/** Scenario assumption (the network model is not public): kW the overloaded Nanchino branch can still take. */
const NANCHINO_HEADROOM_KW = 150;
/** Reason code the DSO oracle uses for a branch current above its limit. */
const REASON_BRANCH_OVERLOAD = 1;

interface Offer {
  offerId: bigint;
  pod: string;
  direction: number;
  quantityKw: number;
  price: number;
}

/** Merit order for one request: cheapest first, the marginal offer partly; pays the marginal price. */
function meritOrder(needKw: number, offers: Offer[], maxPrice: number) {
  const direction = needKw < 0 ? Direction.Down : Direction.Up;
  let remaining = Math.abs(needKw);
  const awards: { offer: Offer; quantityKw: number }[] = [];
  for (const o of [...offers].sort((a, b) => a.price - b.price)) {
    if (remaining === 0 || o.direction !== direction || o.price > maxPrice) continue;
    const q = Math.min(remaining, o.quantityKw);
    awards.push({ offer: o, quantityKw: q });
    remaining -= q;
  }
  const price = awards.length ? awards[awards.length - 1].offer.price : 0;
  return { direction, awards, price };
}

async function torDiValleSession() {
  const p = await deployPlatform();
  const aggregators: Record<string, typeof p.aggregator> = { ACEAE: p.aggregator, ACEAE_2: p.aggregator2 };
  // Flow 1: registration, PoM mapping, static traffic light.
  for (const pod of TDV.pods) {
    await p.registry
      .connect(aggregators[pod.aggregator])
      .registerPod(podId(pod.pod), podDataOf(pod, ethers.ZeroAddress));
    await p.registry.connect(p.dso).confirmQualification(podId(pod.pod));
  }
  await p.registry.connect(p.dsoOracle).mapPodsToPoms(
    TDV.pods.map((x) => podId(x.pod)),
    TDV.pods.map(() => POM),
  );
  // Perimeters: one per MV feeder.
  for (const feeder of ["Mostacciano", "Nanchino"]) {
    const pods = TDV.pods.filter((x) => x.feeder === feeder).map((x) => podId(x.pod));
    await p.trafficLight.connect(p.dso).definePerimeter(perimeterId(feeder), pods);
  }
  // The demo day is in 2021; the chain runs now, so the same day is replayed on a future date.
  const s = await dayAheadSchedule();
  await p.market
    .connect(p.marketOperator)
    .createSession(SessionKind.DayAhead, s.day, 0, s.dayStartTime, s.openingTime, s.gateClosureTime);
  const sessionId = await p.market.sessionCount();
  await time.increaseTo(s.openingTime);
  return { ...p, ...s, sessionId, aggregators };
}

describe("Tor di Valle session lifecycle", function () {
  it("runs from registration to the notarised final outcome", async function () {
    const p = await loadFixture(torDiValleSession);
    const { market, registry, sessionId } = p;
    const baselineKw = new Map(TDV.pods.map((x) => [podId(x.pod), kw(x.baseline)]));

    // Flow 4: baselines (the field report gives slot 50; the profile is flat at that value).
    for (const pod of TDV.pods) {
      const values = Array.from({ length: 96 }, () => kw(pod.baseline));
      await registry.connect(p.aggregators[pod.aggregator]).submitBaseline(podId(pod.pod), p.day, values);
      expect(await registry.baselineHashOf(podId(pod.pod), p.day)).to.equal(baselineHash(values));
    }

    // Requests: the DSO on its PoD set (absolute target), the TSO on the PoM (no price cap published).
    const dsoRequest = TDV.requests.find((r) => r.by === "DSO")!;
    const tsoRequest = TDV.requests.find((r) => r.by === "TSO")!;
    const dsoPods = dsoRequest.pods!.map(podId);
    const dsoNeedKw = kw(dsoRequest.targetP) - dsoPods.reduce((sum, id) => sum + baselineKw.get(id)!, 0);
    const dsoCap = priceMilli(dsoRequest.maxPrice!);
    await market.connect(p.dsoOracle).submitDsoRequest(sessionId, dsoPods, {
      slotIndex: SLOT,
      targetKind: TargetKind.Absolute,
      direction: dsoNeedKw < 0 ? Direction.Down : Direction.Up,
      targetPowerKw: kw(dsoRequest.targetP),
      maxPriceMilliEurPerKw: dsoCap,
    });
    const pomPods = TDV.pods.map((x) => podId(x.pod));
    const tsoNeedKw = kw(tsoRequest.targetP) - pomPods.reduce((sum, id) => sum + baselineKw.get(id)!, 0);
    const tsoCap = tsoRequest.maxPrice === null ? NO_PRICE_CAP : priceMilli(tsoRequest.maxPrice);
    await market.connect(p.tso).submitTsoRequest(sessionId, POM, {
      slotIndex: SLOT,
      targetKind: TargetKind.Absolute,
      direction: tsoNeedKw < 0 ? Direction.Down : Direction.Up,
      targetPowerKw: kw(tsoRequest.targetP),
      maxPriceMilliEurPerKw: tsoCap,
    });

    // Dynamic traffic light: Mostacciano hosts the local (downward) service, so upward activation there is red.
    await p.trafficLight
      .connect(p.dsoOracle)
      .publishTrafficLights(sessionId, perimeterId("Mostacciano"), [
        { slotIndex: SLOT, colour: Colour.Red, capabilityUpKw: 0, capabilityDownKw: Math.abs(dsoNeedKw) },
      ]);

    // Offers: one single-slot price step each, from the PoD's own aggregator.
    const offers: Offer[] = [];
    for (const o of TDV.offers) {
      const pod = TDV.pods.find((x) => x.pod === o.pod)!;
      const offer: Offer = {
        offerId: 0n,
        pod: podId(o.pod),
        direction: o.deltaP < 0 ? Direction.Down : Direction.Up,
        quantityKw: Math.abs(kw(o.deltaP)),
        price: priceMilli(o.price),
      };
      await expect(
        market.connect(p.aggregators[pod.aggregator]).submitOffer({
          sessionId,
          podId: offer.pod,
          kind: OfferKind.SingleSlot,
          direction: offer.direction,
          firstSlot: SLOT,
          lastSlot: SLOT,
          energyKwh: 0,
          steps: [{ quantityKw: offer.quantityKw, priceMilliEurPerKw: offer.price }],
        }),
      ).to.emit(market, "OfferSubmitted");
      offer.offerId = (await market.entryCounts())[1];
      offers.push(offer);
    }

    // Gate closure: nothing changes any more.
    await time.increaseTo(p.gateClosureTime);
    expect(await market.sessionStatus(sessionId)).to.equal(SessionStatus.GateClosed);
    const late = TDV.pods[0];
    await expect(
      registry.connect(p.aggregators[late.aggregator]).submitBaseline(podId(late.pod), p.day, Array(96).fill(0)),
    ).to.be.revertedWithCustomError(registry, "PodRegistryBaselineFrozen");

    // Flow 5: clearing, DSO first then TSO, a PoD serves one operator per slot.
    const dsoClearing = meritOrder(
      dsoNeedKw,
      offers.filter((o) => dsoPods.includes(o.pod)),
      dsoCap,
    );
    const used = new Set(dsoClearing.awards.map((a) => a.offer.pod));
    const tsoClearing = meritOrder(
      tsoNeedKw,
      offers.filter((o) => pomPods.includes(o.pod) && !used.has(o.pod)),
      tsoCap,
    );
    const awards = [
      ...dsoClearing.awards.map((a) => ({ ...a, requestId: 1n, price: dsoClearing.price })),
      ...tsoClearing.awards.map((a) => ({ ...a, requestId: 2n, price: tsoClearing.price })),
    ];
    expect(awards.length).to.be.greaterThan(0);
    const inputsHash = ethers.keccak256(
      ethers.toUtf8Bytes(JSON.stringify({ requests: TDV.requests, offers: TDV.offers })),
    );
    await expect(
      market.connect(p.marketOperator).postAwards(
        sessionId,
        inputsHash,
        awards.map((a) => ({
          offerId: a.offer.offerId,
          requestId: a.requestId,
          slotIndex: SLOT,
          quantityKw: a.quantityKw,
          priceMilliEurPerKw: a.price,
        })),
      ),
    )
      .to.emit(market, "SessionGateClosed")
      .and.to.emit(market, "ClearingStarted");
    await expect(market.connect(p.marketOperator).sealClearing(sessionId))
      .to.emit(market, "ClearingSealed")
      .withArgs(sessionId, inputsHash, awards.length);

    // Flow 6: technical validation; the TSO award on the Nanchino feeder overloads a branch and is reduced.
    const nanchino = new Set(TDV.pods.filter((x) => x.feeder === "Nanchino").map((x) => podId(x.pod)));
    const validations = awards.map((a, i) => {
      const reduce = a.requestId === 2n && nanchino.has(a.offer.pod) && a.quantityKw > NANCHINO_HEADROOM_KW;
      return reduce
        ? {
            awardIndex: i,
            verdict: Verdict.Partial,
            reducedQuantityKw: NANCHINO_HEADROOM_KW,
            reasonCode: REASON_BRANCH_OVERLOAD,
          }
        : { awardIndex: i, verdict: Verdict.Ok, reducedQuantityKw: 0, reasonCode: 0 };
    });
    expect(validations.some((v) => v.verdict === Verdict.Partial)).to.equal(true);
    await expect(market.connect(p.dsoOracle).postValidations(sessionId, validations))
      .to.emit(market, "SessionFinalised")
      .withArgs(sessionId, awards.length);

    // Flow 7: the final outcome, per participant.
    const outcome = await market.awardsOf(sessionId);
    expect(outcome.map((a) => a.finalQuantityKw)).to.deep.equal(
      validations.map((v, i) => BigInt(v.verdict === Verdict.Partial ? v.reducedQuantityKw : awards[i].quantityKw)),
    );
    const delivered = outcome.filter((a) => a.requestId === 1n).reduce((sum, a) => sum + Number(a.finalQuantityKw), 0);
    expect(delivered).to.equal(Math.abs(dsoNeedKw));
    for (const [name, signer] of Object.entries(p.aggregators)) {
      const mine = await market.awardsOfAggregator(sessionId, signer.address);
      const expected = outcome.filter((a) => a.aggregator === signer.address);
      expect(
        mine.map((a) => a.awardIndex),
        name,
      ).to.deep.equal(expected.map((a) => a.awardIndex));
      for (const a of mine) {
        expect(TDV.pods.find((x) => podId(x.pod) === a.podId)!.aggregator).to.equal(name);
      }
    }
    expect(await market.sessionStatus(sessionId)).to.equal(SessionStatus.Finalised);

    // Notarisation of the published results.
    const resultsHash = ethers.keccak256(
      ethers.toUtf8Bytes(JSON.stringify(outcome.map((a) => [a.podId, a.finalQuantityKw.toString()]))),
    );
    await expect(
      p.notary.connect(p.marketOperator).anchor(resultsHash, ethers.encodeBytes32String("final-outcome"), ""),
    ).to.emit(p.notary, "DatasetAnchored");
  });

  it("refuses the DSO's local down service and a TSO award on the same PoD in the same slot", async function () {
    const p = await loadFixture(torDiValleSession);
    const pod = TDV.pods.find((x) => x.maxUp > 0 && x.maxDown > 0)!;
    const id = podId(pod.pod);
    const signer = p.aggregators[pod.aggregator];
    const step = [{ quantityKw: 100, priceMilliEurPerKw: 10 }];
    const offer = (direction: number) => ({
      sessionId: p.sessionId,
      podId: id,
      kind: OfferKind.SingleSlot,
      direction,
      firstSlot: SLOT,
      lastSlot: SLOT,
      energyKwh: 0,
      steps: step,
    });
    await p.market.connect(signer).submitOffer(offer(Direction.Down));
    await p.market.connect(signer).submitOffer(offer(Direction.Up));
    const request = (direction: number) => ({
      slotIndex: SLOT,
      targetKind: TargetKind.Delta,
      direction,
      targetPowerKw: direction === Direction.Down ? -100 : 100,
      maxPriceMilliEurPerKw: NO_PRICE_CAP,
    });
    await p.market.connect(p.dsoOracle).submitDsoRequest(p.sessionId, [id], request(Direction.Down));
    await p.market.connect(p.tso).submitTsoRequest(p.sessionId, POM, request(Direction.Up));
    await time.increaseTo(p.gateClosureTime);
    const award = (offerId: number, requestId: number) => ({
      offerId,
      requestId,
      slotIndex: SLOT,
      quantityKw: 100,
      priceMilliEurPerKw: 10,
    });
    await expect(
      p.market.connect(p.marketOperator).postAwards(p.sessionId, ethers.ZeroHash, [award(1, 1), award(2, 2)]),
    )
      .to.be.revertedWithCustomError(p.market, "FlexMarketPodAlreadyAwarded")
      .withArgs(id, p.day, SLOT);
  });
});
