// The DSO oracle service on an in-process Hardhat chain with the platform's contracts and the Tor di Valle demo:
// mapping, requests and lights before gate closure, validation of the cleared awards, final outcome → setpoints
// over MQTT with ack tracking; restarts and a second instance never post twice; malformed data fails clearly.
import { expect } from "chai";
import net from "node:net";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import type { Signer } from "ethers";
import {
  createLogger,
  generateLightNodeKey,
  podIdToBytes32,
  recoverSetpointSigner,
  setpointMessageSchema,
  signPacket,
  SLOT_MS,
  topics,
} from "../../../protocol";
import { buildSetpoints, signSetpoints } from "../core/setpoints";
import { torDiValleInputs } from "../demo/torDiValle";
import { NANCHINO_LIMITED_BRANCH, type Network } from "../../grid";
import { DsoDataError } from "../errors";
import {
  connectDsoContracts,
  gridIdFromChain,
  parseAward,
  readAwards,
  readDsoRequests,
  baselineFromChain,
  SESSION_STATUS,
  UNCHECKED_REASON_CODE,
  VERDICT,
} from "./chain";
import { parseActivation, SetpointDispatcher } from "./dispatch";
import { DsoOracle } from "./oracle";

const { ethers } = hre;
const log = createLogger("dso-test", "silent");
const TDV = torDiValleInputs();
const SLOT = TDV.scenario.slot;
const ROLE = (name: string) => ethers.keccak256(ethers.toUtf8Bytes(name));
const DAY_SECONDS = 86_400;

/** Platform deployed, roles granted, Tor di Valle PoDs registered and confirmed, perimeters per feeder, a day-ahead
 * session open with the aggregators' baselines (slot 50 as in the field test, 40 % of it elsewhere). */
async function platformWithOpenSession(confirm = true) {
  await hre.run("compile", { quiet: true });
  const [admin, dso, dsoOracle, tso, marketOperator, aggregator, aggregator2] = await ethers.getSigners();
  const roles = await ethers.deployContract("RoleRegistry", [admin.address]);
  const registry = await ethers.deployContract("PodRegistry", [await roles.getAddress()]);
  const market = await ethers.deployContract("FlexMarket", [await roles.getAddress(), await registry.getAddress()]);
  const trafficLight = await ethers.deployContract("DynamicTrafficLight", [
    await roles.getAddress(),
    await market.getAddress(),
  ]);
  for (const [role, who] of [
    ["DSO", dso],
    ["DSO_ORACLE", dsoOracle],
    ["TSO", tso],
    ["MARKET_OPERATOR", marketOperator],
    ["AGGREGATOR", aggregator],
    ["AGGREGATOR", aggregator2],
  ] as const)
    await roles.grantRole(ROLE(role), who.address);
  await registry.setCalendar(await market.getAddress());
  const aggregators: Record<string, typeof aggregator> = { ACEAE: aggregator, ACEAE_2: aggregator2 };
  for (const p of TDV.scenario.pods) {
    await registry.connect(aggregators[p.aggregator]).registerPod(podIdToBytes32(p.pod), {
      voltageLevel: 1,
      contractualPowerWithdrawnKw: p.contractualPowerWithdrawn,
      contractualPowerInjectedKw: p.contractualPowerInjected,
      cosPhiMilli: Math.round(p.cosPhi * 1000),
      maxUpKw: p.maxUp,
      maxDownKw: p.maxDown,
      remunerationScheme: ethers.ZeroAddress,
    });
    // The field test's DSO admitted the declared flexibility as is.
    if (confirm) await registry.connect(dso).confirmQualification(podIdToBytes32(p.pod));
  }
  for (const feeder of ["Mostacciano", "Nanchino"])
    await trafficLight.connect(dso).definePerimeter(
      podIdToBytes32(feeder),
      TDV.scenario.pods.filter((p) => p.feeder === feeder).map((p) => podIdToBytes32(p.pod)),
    );
  const now = await time.latest();
  const day = Math.floor(now / DAY_SECONDS) + 2;
  const dayStartTime = day * DAY_SECONDS - 2 * 3600;
  const openingTime = now + 3600;
  const gateClosureTime = dayStartTime - 10 * 3600;
  await market.connect(marketOperator).createSession(0, day, 0, dayStartTime, openingTime, gateClosureTime);
  const sessionId = await market.sessionCount();
  await time.increaseTo(openingTime);
  for (const p of TDV.scenario.pods) {
    const values = Array.from({ length: 96 }, (_, s) => Math.round(s === SLOT ? p.baseline : 0.4 * p.baseline));
    await registry.connect(aggregators[p.aggregator]).submitBaseline(podIdToBytes32(p.pod), day, values);
  }
  const addresses = {
    market: await market.getAddress(),
    registry: await registry.getAddress(),
    trafficLight: await trafficLight.getAddress(),
  };
  const oracleFor = (signer: Signer, dsoSigner?: Signer, network: Network = TDV.network) =>
    new DsoOracle({
      contracts: connectDsoContracts(addresses, signer),
      oracleSigner: signer,
      ...(dsoSigner ? { dso: { contracts: connectDsoContracts(addresses, dsoSigner), signer: dsoSigner } } : {}),
      network,
      log,
    });
  return {
    roles,
    registry,
    market,
    trafficLight,
    dso,
    dsoOracle,
    tso,
    marketOperator,
    aggregators,
    sessionId,
    day,
    dayStartTime,
    gateClosureTime,
    addresses,
    oracleFor,
  };
}

type Platform = Awaited<ReturnType<typeof platformWithOpenSession>>;

async function eventCount(p: Platform) {
  const [requests, lights, mapped] = await Promise.all([
    p.market.queryFilter(p.market.filters.DsoRequestSubmitted()),
    p.trafficLight.queryFilter(p.trafficLight.filters.TrafficLightPublished()),
    p.registry.queryFilter(p.registry.filters.PodMappedToPom()),
  ]);
  return { requests: requests.length, lights: lights.length, mapped: mapped.length };
}

/** Offers, the TSO request, gate closure and the market operator's awards (DSO first, then the TSO). */
async function clearTorDiValle(p: Platform) {
  const tsoTarget = 7500;
  await p.market.connect(p.tso).submitTsoRequest(p.sessionId, podIdToBytes32(TDV.scenario.pom), {
    slotIndex: SLOT,
    targetKind: 0,
    direction: 0,
    targetPowerKw: tsoTarget,
    maxPriceMilliEurPerKw: 2 ** 32 - 1,
  });
  const offerIds: Record<string, bigint> = {};
  for (const o of TDV.scenario.offers) {
    const pod = TDV.scenario.pods.find((x) => x.pod === o.pod)!;
    await p.market.connect(p.aggregators[pod.aggregator]).submitOffer({
      sessionId: p.sessionId,
      podId: podIdToBytes32(o.pod),
      kind: 0,
      direction: o.deltaP < 0 ? 1 : 0,
      firstSlot: SLOT,
      lastSlot: SLOT,
      energyKwh: 0,
      steps: [{ quantityKw: Math.abs(o.deltaP), priceMilliEurPerKw: Math.round(o.price * 1000) }],
    });
    offerIds[o.pod] = (await p.market.entryCounts())[1];
  }
  await time.increaseTo(p.gateClosureTime);
  const [dsoRequest] = await readDsoRequests(p.market, p.sessionId);
  const baselines = Object.fromEntries(TDV.scenario.pods.map((x) => [x.pod, Math.round(x.baseline)]));
  const dsoNeed = dsoRequest.pods.reduce((s, pod) => s + baselines[pod], 0) - dsoRequest.targetKw;
  const tsoNeed = tsoTarget - Object.values(baselines).reduce((s, v) => s + v, 0);
  const first = Math.min(1000, dsoNeed);
  const awards = [
    {
      offerId: offerIds.IT002E61899978,
      requestId: dsoRequest.requestId,
      slotIndex: SLOT,
      quantityKw: first,
      priceMilliEurPerKw: 30,
    },
    {
      offerId: offerIds.IT002E60974469,
      requestId: dsoRequest.requestId,
      slotIndex: SLOT,
      quantityKw: dsoNeed - first,
      priceMilliEurPerKw: 30,
    },
    { offerId: offerIds.IT002E60550189, requestId: 2n, slotIndex: SLOT, quantityKw: tsoNeed, priceMilliEurPerKw: 70 },
  ];
  await p.market.connect(p.marketOperator).postAwards(p.sessionId, ethers.id("tor-di-valle"), awards);
  await p.market.connect(p.marketOperator).sealClearing(p.sessionId);
  return { dsoNeed, tsoNeed };
}

describe("DsoOracle service", function () {
  this.timeout(180_000);

  describe("tick before gate closure", function () {
    it("maps the PoDs, requests the Mostacciano PoDs down at slot 50 and publishes the lights", async function () {
      const p = await platformWithOpenSession();
      const oracle = p.oracleFor(p.dsoOracle);
      await oracle.tick();
      for (const pod of TDV.scenario.pods)
        expect(gridIdFromChain(await p.registry.pomOf(podIdToBytes32(pod.pod)), "test")).to.equal("CP-IRLANDESE");
      const requests = await readDsoRequests(p.market, p.sessionId);
      expect(requests).to.have.length(1);
      expect(requests[0]).to.include({ slot: SLOT, direction: "down", active: true });
      expect(requests[0].pods).to.deep.equal(["IT002E60974469", "IT002E60976796", "IT002E61899978"]);
      const baselineSum = [2279, 312, 4557].reduce((s, v) => s + v, 0);
      expect(baselineSum - requests[0].targetKw).to.be.within(1300, 1500);
      // Slot 50: Mostacciano carries the local down service (up red, chain colour yellow); Nanchino is bounded by
      // its 19.60 A spur upwards; quiet slots are green.
      const light = (perimeter: string, slot: number) =>
        p.trafficLight.trafficLight(podIdToBytes32(perimeter), p.day, slot);
      const mostacciano = await light("Mostacciano", SLOT);
      expect(mostacciano.published).to.equal(true);
      expect(Number(mostacciano.colour)).to.equal(1);
      expect(Number(mostacciano.capabilityUpKw)).to.equal(0);
      const nanchino = await light("Nanchino", SLOT);
      expect(Number(nanchino.capabilityUpKw)).to.be.within(1, 699);
      expect(Number((await light("Mostacciano", 10)).colour)).to.equal(0);
    });

    it("posts nothing twice: a second tick, a restarted oracle and two instances racing", async function () {
      const p = await platformWithOpenSession();
      // Two instances sharing the DSO oracle wallet, started together.
      const ticks = await Promise.all([p.oracleFor(p.dsoOracle).tick(), p.oracleFor(p.dsoOracle).tick()]);
      // Together they posted one mapping, one request and one batch of lights per perimeter: the instance that
      // lost the race either saw the other's posts on chain or had its transaction refused on the wallet nonce.
      const posted = ticks.flat().reduce((s, t) => s + t.report.posted, 0);
      expect(posted).to.equal(1 + 1 + 2);
      const first = await eventCount(p);
      expect(first.requests).to.equal(1);
      expect(first.mapped).to.equal(5);
      expect(first.lights).to.equal(2 * 96);
      // The same instance again, then a fresh one (a restart): chain state says everything is there.
      const oracle = p.oracleFor(p.dsoOracle);
      await oracle.tick();
      await p.oracleFor(p.dsoOracle).tick();
      expect(await eventCount(p)).to.deep.equal(first);
    });
  });

  describe("on a chain that mines every few hundred ms (not instantly)", function () {
    it("two instances racing post nothing twice, and a duplicate request on chain is cancelled", async function () {
      const p = await platformWithOpenSession();
      await hre.network.provider.send("evm_setAutomine", [false]);
      await hre.network.provider.send("evm_setIntervalMining", [300]);
      try {
        // Both instances read the chain while the other's transactions are still pending.
        await Promise.all([p.oracleFor(p.dsoOracle).tick(), p.oracleFor(p.dsoOracle).tick()]);
        await Promise.all([p.oracleFor(p.dsoOracle).tick(), p.oracleFor(p.dsoOracle).tick()]);
      } finally {
        await hre.network.provider.send("evm_setIntervalMining", [0]);
        await hre.network.provider.send("evm_setAutomine", [true]);
      }
      const counts = await eventCount(p);
      expect(counts.mapped).to.equal(5);
      expect(counts.requests).to.equal(1);
      expect(counts.lights).to.equal(2 * 96);
      // A second wallet (or an old bug) posted the same request again: the next pass cancels the duplicate.
      const [request] = await readDsoRequests(p.market, p.sessionId);
      const onChain = await p.market.request(request.requestId);
      await p.market.connect(p.dsoOracle).submitDsoRequest(p.sessionId, request.pods.map(podIdToBytes32), {
        slotIndex: request.slot,
        targetKind: 0,
        direction: 1,
        targetPowerKw: request.targetKw,
        maxPriceMilliEurPerKw: onChain.input.maxPriceMilliEurPerKw,
      });
      await p.oracleFor(p.dsoOracle).tick();
      const active = (await readDsoRequests(p.market, p.sessionId)).filter((r) => r.active);
      expect(active.map((r) => r.requestId)).to.deep.equal([request.requestId]);
    });
  });

  describe("prequalify", function () {
    it("rules every pending PoD on chain: the Nanchino spur modulates IT002E60550189 upwards", async function () {
      const p = await platformWithOpenSession(false);
      const oracle = p.oracleFor(p.dsoOracle, p.dso);
      const rulings = await oracle.prequalify([TDV.forecast]);
      expect(rulings).to.have.length(5);
      const nanchino = rulings.find((r) => r.pod === "IT002E60550189")!;
      expect(nanchino.status).to.equal("modulated");
      expect(nanchino.upKw).to.be.within(1, 499);
      for (const ruling of rulings) {
        const flex = await p.registry.flexibilityOf(podIdToBytes32(ruling.pod));
        const code = { confirmed: 1, modulated: 2, invalidated: 3 }[ruling.status];
        expect(Number(flex.qualification)).to.equal(code);
        expect(Number(flex.qualifiedUpKw)).to.equal(ruling.upKw);
        expect(Number(flex.qualifiedDownKw)).to.equal(ruling.downKw);
      }
      // Nothing pending any more: a second run rules nothing.
      expect(await oracle.prequalify([TDV.forecast])).to.deep.equal([]);
    });
  });

  describe("validateSession", function () {
    it("admits the DSO awards and cuts the TSO award on Nanchino, once, then dispatches the final outcome", async function () {
      const p = await platformWithOpenSession();
      await p.oracleFor(p.dsoOracle).tick();
      const { tsoNeed } = await clearTorDiValle(p);
      const oracle = p.oracleFor(p.dsoOracle);
      const result = await oracle.validateSession(p.sessionId);
      expect(result.posted).to.equal(1);
      const awards = await readAwards(p.market, p.sessionId);
      expect(awards.map((a) => a.verdict)).to.deep.equal(["ok", "ok", "partial"]);
      const tso = awards[2];
      expect(tso.pod).to.equal("IT002E60550189");
      expect(tso.quantityKw).to.equal(tsoNeed);
      expect(tso.finalQuantityKw).to.be.within(1, tsoNeed - 1);
      const onChain = await p.market.award(p.sessionId, 2);
      expect(Number(onChain.reasonCode)).to.equal(1);
      expect(Number(onChain.verdict)).to.equal(VERDICT.partial);
      expect(result.validations[2].reason).to.include({ element: NANCHINO_LIMITED_BRANCH, limit: 19.6 });
      // Already validated: a restarted oracle posts nothing.
      expect((await p.oracleFor(p.dsoOracle).validateSession(p.sessionId)).posted).to.equal(0);

      // Final outcome → setpoints for the 12:00-16:00 window, signed by the oracle wallet, over MQTT.
      const { outcomes } = await oracle.finalOutcomes(p.sessionId);
      expect(outcomes).to.have.length(3);
      const baselinesKw = Object.fromEntries(
        TDV.scenario.pods.map((x) => [x.pod, Array.from({ length: 96 }, () => x.baseline)]),
      );
      const cosPhi = Object.fromEntries(TDV.scenario.pods.map((x) => [x.pod, x.cosPhi]));
      const dayStartMs = p.dayStartTime * 1000;
      const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;
      const messages = await signSetpoints(
        buildSetpoints({
          dayStartMs,
          firstSlot: 48,
          outcomes,
          baselinesKw,
          cosPhi,
          sentMs: dayStartMs + 47 * SLOT_MS,
          session: p.sessionId,
        }),
        key,
      );
      expect(messages.map((m) => m.pod)).to.deep.equal(["IT002E60550189", "IT002E60974469", "IT002E61899978"]);
      const nanchinoSetpoint = messages[0];
      expect(nanchinoSetpoint.slots[2].pW).to.equal(Math.round((70.38 + tso.finalQuantityKw) * 1000));
      expect(await recoverSetpointSigner(nanchinoSetpoint)).to.equal(new ethers.Wallet(key).address);

      const broker = await Aedes.createBroker();
      const server = net.createServer(broker.handle);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      const dsoClient = await mqtt.connectAsync(url);
      const nodeClient = await mqtt.connectAsync(url);
      try {
        const alarms: string[] = [];
        const dispatcher = new SetpointDispatcher(dsoClient, {
          ackTimeoutMs: 1000,
          log,
          onAlarm: (a) => alarms.push(a.pod),
        });
        await dispatcher.start();
        // One Light Node answers (IT002E61899978); the other two stay silent.
        const nodeKey = generateLightNodeKey();
        const received = new Promise<void>((resolve) => {
          nodeClient.on("message", (topic, payload) => {
            const message = setpointMessageSchema.parse(JSON.parse(payload.toString()));
            const activation = signPacket(
              "activation",
              {
                pod: message.pod,
                timestampMs: message.dsoSentMs + 40,
                sequence: 1,
                setpointId: message.setpointId,
                dsoSentMs: message.dsoSentMs,
                nodeReceivedMs: message.dsoSentMs + 20,
                emsReceivedMs: message.dsoSentMs + 35,
                outcome: "forwarded",
              },
              nodeKey.privateKey,
            );
            void nodeClient.publishAsync(topics.activations(message.pod), JSON.stringify(activation), { qos: 1 });
            resolve();
          });
        });
        await nodeClient.subscribeAsync(topics.setpoints("IT002E61899978"), { qos: 1 });
        const t0 = Date.now();
        expect(await dispatcher.publish(messages, t0)).to.equal(3);
        expect(await dispatcher.publish(messages, t0)).to.equal(0);
        await received;
        await waitFor(() => dispatcher.status().some((r) => r.ack !== undefined));
        const acked = dispatcher.status().find((r) => r.pod === "IT002E61899978")!;
        expect(acked.ack).to.deep.include({ outcome: "forwarded" });
        expect(dispatcher.checkAcks(t0 + 500)).to.deep.equal([]);
        expect(dispatcher.checkAcks(t0 + 1500).map((a) => a.pod)).to.deep.equal(["IT002E60550189", "IT002E60974469"]);
        expect(dispatcher.checkAcks(t0 + 3000)).to.deep.equal([]);
        expect(alarms).to.deep.equal(["IT002E60550189", "IT002E60974469"]);
        await dispatcher.stop();
      } finally {
        await dsoClient.endAsync();
        await nodeClient.endAsync();
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        server.close();
      }
    });
  });

  describe("isolation: one bad item never stalls the others", function () {
    /** The demo model without the Nanchino PoD the TSO's award lands on (a model the registry has outrun). */
    const withoutPod = (pod: string): Network => ({
      ...TDV.network,
      loads: TDV.network.loads.map((l) => (l.pod === pod ? { ...l, pod: undefined } : l)),
    });

    /** A second day-ahead session (the next day), open, with the same baselines. */
    async function openNextDay(p: Platform, baselineAt?: (pod: string, slot: number) => number | undefined) {
      const now = await time.latest();
      const day = p.day + 1;
      const dayStartTime = p.dayStartTime + DAY_SECONDS;
      await p.market
        .connect(p.marketOperator)
        .createSession(0, day, 0, dayStartTime, now + 60, dayStartTime - 10 * 3600);
      const sessionId = await p.market.sessionCount();
      await time.increaseTo(now + 60);
      for (const pod of TDV.scenario.pods) {
        const values = Array.from(
          { length: 96 },
          (_, s) => baselineAt?.(pod.pod, s) ?? Math.round(s === SLOT ? pod.baseline : 0.4 * pod.baseline),
        );
        const aggregator = p.aggregators[pod.aggregator];
        await p.registry.connect(aggregator).submitBaseline(podIdToBytes32(pod.pod), day, values);
      }
      return sessionId;
    }

    it("rejects an award whose PoD is not in the model (KO, code 4, alarm), validates the rest, and goes on with later sessions", async function () {
      const p = await platformWithOpenSession();
      await p.oracleFor(p.dsoOracle).tick();
      await clearTorDiValle(p);
      const next = await openNextDay(p);
      const oracle = p.oracleFor(p.dsoOracle, undefined, withoutPod("IT002E60550189"));
      await oracle.tick();
      const awards = await readAwards(p.market, p.sessionId);
      expect(awards.map((a) => a.verdict)).to.deep.equal(["ok", "ok", "ko"]);
      expect(Number((await p.market.award(p.sessionId, 2)).reasonCode)).to.equal(UNCHECKED_REASON_CODE.notInModel);
      expect(Number((await p.market.session(p.sessionId)).status)).to.equal(SESSION_STATUS.Finalised);
      const alarm = oracle.alarms.active().find((a) => a.key === `session:${p.sessionId}:award:2`)!;
      expect(alarm.message).to.match(/IT002E60550189.*not in the DSO's network model/);
      // The later session was planned and requested in the same pass.
      expect(await readDsoRequests(p.market, next)).to.have.length(1);
    });

    it("leaves a diverging slot out with an alarm and a red light, and still requests the congested one", async function () {
      const p = await platformWithOpenSession();
      // 2 GW at one Mostacciano PoD in slot 10: no power flow solution exists.
      const next = await openNextDay(p, (pod, slot) =>
        pod === "IT002E61899978" && slot === 10 ? 2_000_000 : undefined,
      );
      const oracle = p.oracleFor(p.dsoOracle);
      await oracle.tick();
      expect(await readDsoRequests(p.market, p.sessionId)).to.have.length(1);
      const requests = await readDsoRequests(p.market, next);
      expect(requests.map((r) => r.slot)).to.deep.equal([SLOT]);
      expect(oracle.alarms.active().map((a) => a.key)).to.include(`session:${next}:slot:10`);
      const red = await p.trafficLight.trafficLight(podIdToBytes32("Mostacciano"), p.day + 1, 10);
      expect(red.published).to.equal(true);
      expect([Number(red.colour), Number(red.capabilityUpKw), Number(red.capabilityDownKw)]).to.deep.equal([2, 0, 0]);
    });

    it("does no power flow again on a pass whose chain inputs are unchanged", async function () {
      const p = await platformWithOpenSession();
      const oracle = p.oracleFor(p.dsoOracle);
      await oracle.tick();
      const solves = oracle.study.solves;
      const before = await eventCount(p);
      await oracle.tick();
      expect(oracle.study.solves).to.equal(solves);
      expect(await eventCount(p)).to.deep.equal(before);
      // A new baseline is a new input: the session is planned again.
      const pod = TDV.scenario.pods[0];
      const values = Array.from({ length: 96 }, (_, s) => Math.round(s === SLOT ? pod.baseline : 0.5 * pod.baseline));
      await p.registry.connect(p.aggregators[pod.aggregator]).submitBaseline(podIdToBytes32(pod.pod), p.day, values);
      await oracle.tick();
      expect(oracle.study.solves).to.be.greaterThan(solves);
    });
  });

  describe("malformed chain and MQTT data", function () {
    it("names the award and the field when the chain holds what the oracle cannot read", function () {
      const good = {
        awardIndex: 3n,
        podId: podIdToBytes32("IT002E61899978"),
        requestId: 1n,
        slotIndex: 50n,
        direction: 1n,
        quantityKw: 10n,
        verdict: 0n,
        finalQuantityKw: 0n,
      };
      expect(parseAward(good)).to.include({ pod: "IT002E61899978", direction: "down", verdict: "pending" });
      expect(() => parseAward({ ...good, direction: 7n })).to.throw(DsoDataError, /award 3: direction 7/);
      expect(() => parseAward({ ...good, slotIndex: 120n })).to.throw(DsoDataError, /award 3: slot 120/);
      expect(() => parseAward({ ...good, podId: "0x1234" })).to.throw(DsoDataError, /award 3: 0x1234 is not a bytes32/);
      expect(() => parseAward({ ...good, podId: `0x${"ff".repeat(32)}` })).to.throw(DsoDataError, /does not decode/);
      expect(baselineFromChain([-5n, ...Array<bigint>(95).fill(7n)], "baseline").slice(0, 2)).to.deep.equal([-5, 7]);
      expect(() => baselineFromChain([1n, 2n], "baseline of IT002E61899978 for day 3")).to.throw(
        DsoDataError,
        /baseline of IT002E61899978 for day 3: expected 96 values, got 2/,
      );
    });

    it("rejects activation packets that are not JSON, not signed right or for another PoD", function () {
      const topic = topics.activations("IT002E61899978");
      expect(() => parseActivation(topic, "{oops")).to.throw(DsoDataError, /not JSON/);
      const key = generateLightNodeKey();
      const data = {
        pod: "IT002E60550189",
        timestampMs: 1_700_000_000_040,
        sequence: 1,
        setpointId: `0x${"11".repeat(32)}` as const,
        dsoSentMs: 1_700_000_000_000,
        nodeReceivedMs: 1_700_000_000_020,
        emsReceivedMs: null,
        outcome: "forwarded" as const,
      };
      const packet = signPacket("activation", data, key.privateKey);
      expect(() => parseActivation(topic, JSON.stringify(packet))).to.throw(DsoDataError, /for PoD IT002E60550189/);
      const own = signPacket("activation", { ...data, pod: "IT002E61899978" }, key.privateKey);
      const tampered = { ...own, data: { ...own.data, outcome: "rejected" as const } };
      expect(() => parseActivation(topic, JSON.stringify(tampered))).to.throw(DsoDataError, /hash-mismatch/);
      expect(parseActivation(topic, JSON.stringify(own))).to.include({ outcome: "forwarded" });
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
