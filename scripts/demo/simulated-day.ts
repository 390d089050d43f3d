// A simulated grid day on the local chain: the Tor di Valle day-ahead session played by its actors (market operator,
// aggregators, TSO, DSO), while the DSO and market oracles of the stack do their part on their own: the DSO oracle
// posts its request and traffic lights, the market oracle clears after gate closure, the DSO oracle validates.
// Chain time is fast-forwarded (evm_increaseTime), so the whole day plays in a minute or two.
import type { JsonRpcProvider, Signer } from "ethers";
import { contractAddress, podIdToBytes32, pomIdToBytes32, type Deployment, type Logger } from "../../protocol";
import { DynamicTrafficLight__factory, FlexMarket__factory, PodRegistry__factory } from "../../typechain-types";
import { tsoRequestsOf, type Scenario } from "./scenario";

const DAY_SECONDS = 86_400;
const SLOTS_PER_DAY = 96;
/** Longer than one DSO oracle pass (5 s by default). */
const LIGHTS_QUIET_MS = 12_000;
/** Rome is UTC+2 in summer: the market day starts at 22:00 UTC the day before. */
const MARKET_DAY_OFFSET_SECONDS = 2 * 3600;
/** Day-ahead gate closure at 12:00 local time on D-1, as the Italian demo's market. */
const GATE_CLOSURE_BEFORE_DAY_START_SECONDS = 12 * 3600;
const PRICE_SCALE = 1000;
const NO_PRICE_CAP = 2 ** 32 - 1;
const SESSION_KIND_DAY_AHEAD = 0;
const OFFER_KIND_SINGLE_SLOT = 0;
const TARGET_ABSOLUTE = 0;
const DIRECTION = { up: 0, down: 1 } as const;
const SESSION_STATUS = { Cleared: 5n, Finalised: 6n } as const;
const VERDICTS = ["pending", "OK", "KO", "partial"];
/** Outside the field test's slot a PoD draws this share of its slot-50 baseline (a flat, quiet day). */
const OFF_PEAK_SHARE = 0.4;

export interface SimulatedDayOptions {
  provider: JsonRpcProvider;
  deployment: Deployment;
  scenario: Scenario;
  log: Logger;
  /** How long to wait for each oracle's step before giving up (ms). */
  stepTimeoutMs?: number;
  pollMs?: number;
}

export interface SimulatedDayResult {
  sessionId: bigint;
  awards: {
    pod: string;
    slot: number;
    quantityKw: number;
    priceEurPerKw: number;
    verdict: string;
    finalQuantityKw: number;
  }[];
}

class StepTimeoutError extends Error {}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  pollMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new StepTimeoutError(`simulated day: gave up waiting for ${what} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function advanceChainTo(provider: JsonRpcProvider, timestamp: number): Promise<void> {
  const latest = (await provider.getBlock("latest"))!.timestamp;
  if (latest >= timestamp) return;
  await provider.send("evm_increaseTime", [timestamp - latest]);
  await provider.send("evm_mine", []);
}

/** Plays one day-ahead session of the scenario end to end and returns the final outcome. */
export async function runSimulatedDay(options: SimulatedDayOptions): Promise<SimulatedDayResult> {
  const { provider, deployment, scenario, log } = options;
  const stepTimeoutMs = options.stepTimeoutMs ?? 120_000;
  const pollMs = options.pollMs ?? 1_000;
  const signer = (name: string): Promise<Signer> => {
    const address = deployment.accounts[name];
    if (!address) throw new Error(`the address book names no ${name} account`);
    return provider.getSigner(address);
  };
  const market = FlexMarket__factory.connect(contractAddress(deployment, "FlexMarket"), provider);
  const registry = PodRegistry__factory.connect(contractAddress(deployment, "PodRegistry"), provider);
  const lights = DynamicTrafficLight__factory.connect(contractAddress(deployment, "DynamicTrafficLight"), provider);
  const slot = scenario.slot;

  // DSO perimeters: one per feeder, so a TSO activation on one feeder is bounded by that feeder's capability.
  const dso = await signer("dso");
  for (const feeder of scenario.feeders) {
    const id = podIdToBytes32(feeder);
    if ((await lights.perimeter(id)).version > 0n) continue;
    const pods = scenario.pods.filter((p) => p.feeder === feeder).map((p) => podIdToBytes32(p.pod));
    await (await lights.connect(dso).definePerimeter(id, pods)).wait();
  }

  // The market operator opens the day-ahead session for the day after tomorrow (chain time).
  const now = (await provider.getBlock("latest"))!.timestamp;
  const day = Math.floor(now / DAY_SECONDS) + 2;
  const dayStartTime = day * DAY_SECONDS - MARKET_DAY_OFFSET_SECONDS;
  const gateClosureTime = dayStartTime - GATE_CLOSURE_BEFORE_DAY_START_SECONDS;
  const openingTime = now + 60;
  const operator = await signer("marketOperator");
  await (
    await market
      .connect(operator)
      .createSession(SESSION_KIND_DAY_AHEAD, day, 0, dayStartTime, openingTime, gateClosureTime)
  ).wait();
  const sessionId = await market.sessionIdOf(SESSION_KIND_DAY_AHEAD, day, 0);
  await advanceChainTo(provider, openingTime);
  log.info({ sessionId: Number(sessionId), day }, "simulated day: day-ahead session open");

  // Aggregators: baselines for the 96 slots, then their offers.
  for (const pod of scenario.pods) {
    const values = Array.from({ length: SLOTS_PER_DAY }, (_, s) =>
      Math.round(s === slot ? pod.baseline : OFF_PEAK_SHARE * pod.baseline),
    );
    await (
      await registry
        .connect(await signer(`aggregator:${pod.aggregator}`))
        .submitBaseline(podIdToBytes32(pod.pod), day, values)
    ).wait();
  }
  for (const offer of scenario.offers) {
    const pod = scenario.pods.find((p) => p.pod === offer.pod);
    if (!pod) throw new Error(`scenario offer for unknown PoD ${offer.pod}`);
    const aggregator = await signer(`aggregator:${pod.aggregator}`);
    await (
      await market.connect(aggregator).submitOffer({
        sessionId,
        podId: podIdToBytes32(offer.pod),
        kind: OFFER_KIND_SINGLE_SLOT,
        direction: offer.deltaP < 0 ? DIRECTION.down : DIRECTION.up,
        firstSlot: offer.slot,
        lastSlot: offer.slot,
        energyKwh: 0,
        steps: [
          { quantityKw: Math.round(Math.abs(offer.deltaP)), priceMilliEurPerKw: Math.round(offer.price * PRICE_SCALE) },
        ],
      })
    ).wait();
  }
  // The TSO's request on the PoM (the field report gives no price cap).
  const tso = await signer("tso");
  for (const request of tsoRequestsOf(scenario)) {
    const baselineAtPom = scenario.pods.reduce((sum, p) => sum + p.baseline, 0);
    await (
      await market.connect(tso).submitTsoRequest(sessionId, pomIdToBytes32(request.pom), {
        slotIndex: request.slot,
        targetKind: TARGET_ABSOLUTE,
        direction: request.targetP >= baselineAtPom ? DIRECTION.up : DIRECTION.down,
        targetPowerKw: Math.round(request.targetP),
        maxPriceMilliEurPerKw: request.maxPrice === null ? NO_PRICE_CAP : Math.round(request.maxPrice * PRICE_SCALE),
      })
    ).wait();
  }
  log.info({ offers: scenario.offers.length }, "simulated day: baselines, offers and the TSO request are in");

  // The DSO oracle sees the session, forecasts, runs power flow and posts its request before gate closure.
  const dsoRequests = await waitFor(
    "the DSO oracle's flexibility request",
    async () => {
      const events = await market.queryFilter(market.filters.DsoRequestSubmitted(undefined, sessionId));
      return events.length > 0 ? events : undefined;
    },
    stepTimeoutMs,
    pollMs,
  );
  // ... and its dynamic traffic lights for every slot of every perimeter, which the clearing reads for the TSO's
  // awards. The oracle may refine them on its next pass (once its own request is on chain), so the gate closes only
  // after the lights have been quiet for longer than one oracle pass: in real time gate closure is hours away.
  let lastCount = -1;
  let quietSince = Date.now();
  await waitFor(
    "the DSO oracle's traffic lights",
    async () => {
      const events = (await lights.queryFilter(lights.filters.TrafficLightPublished(undefined, day))).filter(
        (e) => e.args.sessionId === sessionId,
      );
      const published = new Set(events.map((e) => `${e.args.perimeterId}:${e.args.slotIndex}`));
      if (events.length !== lastCount) {
        lastCount = events.length;
        quietSince = Date.now();
      }
      const complete = published.size >= scenario.feeders.length * SLOTS_PER_DAY;
      return complete && Date.now() - quietSince >= LIGHTS_QUIET_MS ? true : undefined;
    },
    stepTimeoutMs,
    pollMs,
  );
  log.info({ requests: dsoRequests.length }, "simulated day: the DSO oracle posted its request and traffic lights");

  // Gate closure: the market oracle clears, then the DSO oracle validates every award.
  await advanceChainTo(provider, gateClosureTime + 1);
  log.info("simulated day: gate closed");
  await waitFor(
    "the market oracle's clearing",
    async () => ((await market.sessionStatus(sessionId)) >= SESSION_STATUS.Cleared ? true : undefined),
    stepTimeoutMs,
    pollMs,
  );
  await waitFor(
    "the DSO oracle's validation",
    async () => ((await market.sessionStatus(sessionId)) === SESSION_STATUS.Finalised ? true : undefined),
    stepTimeoutMs,
    pollMs,
  );

  const awards = (await market.awardsOf(sessionId)).map((a) => ({
    pod: scenario.pods.find((p) => podIdToBytes32(p.pod) === a.podId)?.pod ?? a.podId,
    slot: Number(a.slotIndex),
    quantityKw: Number(a.quantityKw),
    priceEurPerKw: Number(a.priceMilliEurPerKw) / PRICE_SCALE,
    verdict: VERDICTS[Number(a.verdict)] ?? String(a.verdict),
    finalQuantityKw: Number(a.finalQuantityKw),
  }));
  log.info({ awards }, "simulated day: final outcome");
  return { sessionId, awards };
}
