// Sessions rebuilt from chain data alone: FlexMarket (session, requests, offers, earlier sessions' awards),
// PodRegistry (PoDs, PoM mapping, qualified flexibility, baselines) and the DynamicTrafficLight (perimeters,
// lights). This is what makes the clearing re-runnable by anyone: `market verify` and the oracle use it.
import type { Provider, Signer } from "ethers";
import { bytes32ToPodId } from "../../../protocol";
import { DynamicTrafficLight__factory, FlexMarket__factory, PodRegistry__factory } from "../../../typechain-types";
import { parseBook, type BookFile } from "../clearing/book";
import type { ClosedSession, SessionSource } from "./ports";

const NO_PRICE_CAP = 2n ** 32n - 1n;
const PRICE_SCALE = 1000;
/** Enums of IFlexMarket.sol / Types.sol / IPodRegistry.sol. */
const ACTIVE = 1n;
const DOWN = 1n;
const DELTA = 1n;
const BLOCK = 1n;
const REGISTERED = 1n;
const INVALIDATED = 3n;
const CLEARING = 4n;
const KO = 2n;
const COLOURS = ["green", "yellow", "red"] as const;

export interface ChainAddresses {
  market: string;
  registry: string;
  trafficLight?: string;
}

/** Reads at one block: view calls take it as `blockTag`, event queries run up to it. */
type At = { blockTag: number | "latest" };

export class ChainSessionSource implements SessionSource {
  private readonly market;
  private readonly registry;
  private readonly trafficLight;
  private readonly provider: Provider;
  /** The gate-closure block of each closed session (found once: it never changes). */
  private readonly gateBlocks = new Map<bigint, number>();

  constructor(addresses: ChainAddresses, runner: Signer | Provider) {
    this.market = FlexMarket__factory.connect(addresses.market, runner);
    this.registry = PodRegistry__factory.connect(addresses.registry, runner);
    this.trafficLight = addresses.trafficLight
      ? DynamicTrafficLight__factory.connect(addresses.trafficLight, runner)
      : undefined;
    const provider = "provider" in runner && runner.provider ? runner.provider : (runner as Provider);
    this.provider = provider;
  }

  async closedSessionIds(nowMs: number): Promise<bigint[]> {
    const count = Number(await this.market.sessionCount());
    const closed: bigint[] = [];
    for (let id = 1n; id <= BigInt(count); id++) {
      const s = await this.market.session(id);
      if (s.status !== 0n && Number(s.gateClosureTime) * 1000 <= nowMs) closed.push(id);
    }
    return closed;
  }

  /**
   * The last block mined before the gate closed (timestamp < gateClosureTime: FlexMarket refuses offers,
   * requests and baselines from gateClosureTime on), or "latest" while it is still open. Reading the book there
   * makes it what was committed at gate closure: a perimeter redrawn, a PoD requalified or remapped, a later
   * session's verdict afterwards changes nothing. Needs a node that keeps historical state (Hardhat, an archive
   * node, Besu with enough retained state).
   */
  private async gateBlock(sessionId: bigint, gateClosureTime: number): Promise<number | "latest"> {
    const known = this.gateBlocks.get(sessionId);
    if (known !== undefined) return known;
    const latest = (await this.provider.getBlock("latest"))!;
    if (latest.timestamp < gateClosureTime) return "latest";
    // Binary search for the last block with timestamp < gateClosureTime (block times only grow).
    let lo = -1;
    let hi = latest.number;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await this.provider.getBlock(mid))!.timestamp < gateClosureTime) lo = mid;
      else hi = mid;
    }
    const block = Math.max(0, lo);
    this.gateBlocks.set(sessionId, block);
    return block;
  }

  async session(sessionId: bigint): Promise<ClosedSession | null> {
    const current = await this.market.session(sessionId);
    if (current.status === 0n) return null;
    const at: At = { blockTag: await this.gateBlock(sessionId, Number(current.gateClosureTime)) };
    const day = current.day;
    const withoutBaseline: string[] = [];
    const pods = await this.pods(day, at, withoutBaseline);
    // The missing-baseline rule: such a PoD takes no part (no offer of it, in no request's PoD set or need).
    const inBook = new Set(pods.map((p) => p.pod));
    const requests = (await this.requests(sessionId, at)).flatMap((r) => {
      if (r.by !== "DSO" || !r.pods) return [r];
      const kept = r.pods.filter((p) => inBook.has(p));
      return kept.length > 0 ? [{ ...r, pods: kept }] : [];
    });
    const book: BookFile = {
      slots: 96,
      pods,
      offers: (await this.offers(sessionId, at)).filter((o) => inBook.has(o.pod)),
      requests,
      trafficLights: await this.lights(day, at),
      alreadySold: await this.soldEarlier(sessionId, day, at),
    };
    // Perimeters come from the DSO's definitions; a PoD outside every perimeter is its PoM's.
    const perimeters = await this.perimeters(at);
    for (const pod of book.pods) pod.perimeter = perimeters.get(pod.pod) ?? pod.pom;
    return {
      sessionId,
      gateClosureMs: Number(current.gateClosureTime) * 1000,
      book: parseBook(book),
      ...(withoutBaseline.length > 0 ? { withoutBaseline } : {}),
    };
  }

  private async pods(
    day: bigint,
    at: At,
    withoutBaseline: string[],
  ): Promise<(BookFile["pods"][number] & { pom: string })[]> {
    const count = Number(await this.registry.registrationCount(at));
    const pods: (BookFile["pods"][number] & { pom: string })[] = [];
    // Registration indexes run 1..count.
    for (let i = 1; i <= count; i++) {
      const f = await this.registry.flexibilityAt(i, at);
      if (f.status !== REGISTERED || f.qualification === INVALIDATED) continue;
      const baselines = await this.registry.queryFilter(
        this.registry.filters.BaselineSubmitted(f.podId, day),
        0,
        at.blockTag,
      );
      const last = baselines.at(-1);
      if (!last) {
        withoutBaseline.push(bytes32ToPodId(f.podId as `0x${string}`));
        continue;
      }
      pods.push({
        pod: bytes32ToPodId(f.podId as `0x${string}`),
        pom: bytes32ToPodId((await this.registry.pomOf(f.podId, at)) as `0x${string}`) || "unmapped",
        aggregator: f.aggregator,
        maxUp: Number(f.qualifiedUpKw),
        maxDown: Number(f.qualifiedDownKw),
        baseline: last.args.valuesKw.map(Number),
      });
    }
    return pods;
  }

  private async offers(sessionId: bigint, at: At): Promise<BookFile["offers"]> {
    const events = await this.market.queryFilter(
      this.market.filters.OfferSubmitted(undefined, sessionId),
      0,
      at.blockTag,
    );
    const offers: BookFile["offers"] = [];
    for (const e of events) {
      const { offerId, podId, kind, direction, firstSlot, lastSlot, energyKwh, steps } = e.args;
      if ((await this.market.offer(offerId, at)).status !== ACTIVE) continue;
      const sign = direction === DOWN ? -1 : 1;
      const pod = bytes32ToPodId(podId as `0x${string}`);
      if (kind === BLOCK) {
        // UNFINISHED: FlexMarket blocks cap energy over a window; the MILP's blocks hold a fixed power for a
        // fixed duration. Mapped as the whole curve's power for as many slots as the energy allows.
        const totalKw = steps.reduce((sum, st) => sum + Number(st.quantityKw), 0);
        const window = Number(lastSlot) - Number(firstSlot) + 1;
        const duration = Math.max(1, Math.min(window, Math.floor((Number(energyKwh) * 4) / totalKw)));
        offers.push({
          type: "block",
          id: offerId.toString(),
          pod,
          deltaP: sign * totalKw,
          durationSlots: duration,
          earliestSlot: Number(firstSlot),
          latestSlot: Number(lastSlot),
          price: Number(steps[steps.length - 1].priceMilliEurPerKw) / PRICE_SCALE,
        });
        continue;
      }
      offers.push({
        id: offerId.toString(),
        pod,
        slot: Number(firstSlot),
        steps: steps.map((st) => ({
          deltaP: sign * Number(st.quantityKw),
          price: Number(st.priceMilliEurPerKw) / PRICE_SCALE,
        })),
      });
    }
    return offers.sort((a, b) => Number(BigInt(a.id!) - BigInt(b.id!)));
  }

  private async requests(sessionId: bigint, at: At): Promise<BookFile["requests"]> {
    const dso = await this.market.queryFilter(
      this.market.filters.DsoRequestSubmitted(undefined, sessionId),
      0,
      at.blockTag,
    );
    const tso = await this.market.queryFilter(
      this.market.filters.TsoRequestSubmitted(undefined, sessionId),
      0,
      at.blockTag,
    );
    const requests: (BookFile["requests"][number] & { order: bigint })[] = [];
    const common = async (requestId: bigint, input: (typeof dso)[number]["args"]["input"]) => {
      if ((await this.market.request(requestId, at)).status !== ACTIVE) return undefined;
      const target = Number(input.targetPowerKw);
      return {
        id: requestId.toString(),
        order: requestId,
        slot: Number(input.slotIndex),
        ...(input.targetKind === DELTA ? { deltaP: target } : { targetP: target }),
        maxPrice:
          input.maxPriceMilliEurPerKw === NO_PRICE_CAP ? null : Number(input.maxPriceMilliEurPerKw) / PRICE_SCALE,
      };
    };
    for (const e of dso) {
      const base = await common(e.args.requestId, e.args.input);
      if (base)
        requests.push({ ...base, by: "DSO", pods: e.args.podIds.map((p) => bytes32ToPodId(p as `0x${string}`)) });
    }
    for (const e of tso) {
      const base = await common(e.args.requestId, e.args.input);
      if (base) requests.push({ ...base, by: "TSO", pom: bytes32ToPodId(e.args.pom as `0x${string}`) });
    }
    return requests.sort((a, b) => Number(a.order - b.order)).map(({ order: _order, ...r }) => r);
  }

  private async perimeters(at: At): Promise<Map<string, string>> {
    const byPod = new Map<string, string>();
    if (!this.trafficLight) return byPod;
    const events = await this.trafficLight.queryFilter(this.trafficLight.filters.PerimeterDefined(), 0, at.blockTag);
    // Later definitions replace earlier ones: walk in order, so the last one wins.
    const latest = new Map<string, string[]>();
    for (const e of events) latest.set(e.args.perimeterId, e.args.podIds);
    for (const [perimeterId, podIds] of latest)
      for (const p of podIds)
        byPod.set(bytes32ToPodId(p as `0x${string}`), bytes32ToPodId(perimeterId as `0x${string}`));
    return byPod;
  }

  private async lights(day: bigint, at: At): Promise<BookFile["trafficLights"]> {
    if (!this.trafficLight) return [];
    const events = await this.trafficLight.queryFilter(
      this.trafficLight.filters.TrafficLightPublished(undefined, day),
      0,
      at.blockTag,
    );
    const latest = new Map<string, NonNullable<BookFile["trafficLights"]>[number]>();
    for (const e of events) {
      const colour = COLOURS[Number(e.args.colour)];
      const perimeter = bytes32ToPodId(e.args.perimeterId as `0x${string}`);
      const slot = Number(e.args.slotIndex);
      const up = Number(e.args.capabilityUpKw);
      const down = Number(e.args.capabilityDownKw);
      // One colour per slot on chain; red means red in the direction the DSO left no capability in.
      const light = (capability: number) =>
        colour === "red" && capability === 0
          ? { colour: "red" as const }
          : { colour: colour === "red" ? ("yellow" as const) : colour, capability };
      latest.set(`${perimeter}|${slot}`, { perimeter, slot, up: light(up), down: light(down) });
    }
    return [...latest.values()];
  }

  /** What earlier sessions of the same day awarded (and the DSO did not reject): mutual unavailability. */
  private async soldEarlier(sessionId: bigint, day: bigint, at: At): Promise<BookFile["alreadySold"]> {
    const sold: NonNullable<BookFile["alreadySold"]> = [];
    for (let id = 1n; id < sessionId; id++) {
      const s = await this.market.session(id, at);
      if (s.day !== day || s.status < CLEARING) continue;
      for (const a of await this.market.awardsOf(id, at)) {
        if (a.verdict === KO) continue;
        const kw = a.verdict === 0n ? Number(a.quantityKw) : Number(a.finalQuantityKw);
        if (kw === 0) continue;
        const request = await this.market.request(a.requestId, at);
        sold.push({
          pod: bytes32ToPodId(a.podId as `0x${string}`),
          slot: Number(a.slotIndex),
          operator: request.kind === 0n ? "DSO" : "TSO",
          deltaP: a.direction === DOWN ? -kw : kw,
        });
      }
    }
    return sold;
  }
}
