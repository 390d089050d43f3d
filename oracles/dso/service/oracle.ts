// The DSO oracle service: derives all its work from chain state (registry, sessions, requests, awards, lights) and
// its network model, runs the pure core, and posts what is missing. Idempotent and restartable: each step re-reads
// the chain and posts only what is not there yet; posts go out with the wallet's *mined* nonce read before that
// chain read, so a second instance sharing the DSO oracle wallet whose transaction is pending or mined in between
// makes this one's transaction fail on the nonce (or as an underpriced replacement) instead of posting twice.
// Failures are isolated per step, session and item: each becomes an alarm and the pass goes on. Work is
// incremental: a session's plan and lights are recomputed only when their chain inputs change.
import { createHash } from "node:crypto";
import { id as keccakId, type Signer } from "ethers";
import type { TrafficLightInputStruct } from "../../../typechain-types/contracts/market/DynamicTrafficLight";
import { AlarmBook, podIdToBytes32, type Logger } from "../../../protocol";
import { mapPodsToPoms } from "../../grid/mapping";
import type { Network } from "../../grid/model";
import { detectViolations, type DetectionResult } from "../core/detect";
import { GridStudy } from "../core/gridStudy";
import { sizeRequests, type RequestOptions, type SlotRequestResult } from "../core/requests";
import { buildSetpoints, signSetpoints, type FinalOutcome } from "../core/setpoints";
import type { SetpointDispatcher } from "./dispatch";
import { marketDateOf, type SlotBackground } from "./forecast";
import { SLOT_MS, SLOTS_PER_SETPOINT } from "../../../protocol";
import {
  chainColour,
  dynamicTrafficLight,
  proposeRedraw,
  staticTrafficLight,
  type DynamicLight,
  type LocalPlan,
  type RedrawProposal,
  type StaticRuling,
} from "../core/trafficLights";
import type { AwardToValidate, AwardValidation, DsoPod, ForecastSlot } from "../core/types";
import { validateSlotAwards } from "../core/validation";
import { DsoDataError } from "../errors";
import {
  colourCode,
  DIRECTION,
  NO_PRICE_CAP,
  PRICE_SCALE,
  QUALIFICATION,
  readAwards,
  readBaselines,
  readDsoRequests,
  readPerimeters,
  readPods,
  readSession,
  REASON_CODE,
  SESSION_STATUS,
  TARGET_KIND,
  UNCHECKED_REASON_CODE,
  VERDICT,
  type ChainAward,
  type ChainPod,
  type ChainSession,
  type DsoContracts,
} from "./chain";

export interface DsoOracleDeps {
  /** Contracts connected with the DSO oracle wallet (DSO_ORACLE role). */
  contracts: DsoContracts;
  oracleSigner: Signer;
  /** Contracts connected with the DSO's own wallet (DSO role: static lights, perimeters); optional. */
  dso?: { contracts: DsoContracts; signer: Signer };
  network: Network;
  /** Background (non-PoD) loads per slot of a day; default: the model's values. */
  backgroundLoadsKw?: (session: ChainSession) => (Record<string, number> | ArrayLike<number>)[] | undefined;
  /**
   * The day forecast of the model (loads from typical profiles or certified history, PV from irradiance), per
   * market day; takes precedence over backgroundLoadsKw. The service passes a DayForecaster's.
   */
  forecastDay?: (date: string) => SlotBackground[];
  requestOptions?: RequestOptions;
  log: Logger;
  /** Where failures are reported (default: a book of its own, logged). */
  alarms?: AlarmBook;
}

export interface SessionPlan {
  session: ChainSession;
  forecast: ForecastSlot[];
  detection: DetectionResult;
  requests: SlotRequestResult[];
  localPlan: Map<number, LocalPlan>;
  /** Hash of the chain inputs the plan was computed from (session window, PoDs, baselines, background). */
  fingerprint: string;
  /** Slots whose study failed (alarmed): no request, and a red light with no capability. */
  failedSlots: Set<number>;
}

export interface StepReport {
  posted: number;
  skipped: number;
  /** Another instance posted first (nonce moved): nothing was posted twice; the next tick re-derives. */
  yielded?: boolean;
}

// Another transaction of the same wallet took this nonce: mined ("nonce too low") or pending with the same fee
// ("replacement transaction underpriced", "already known").
const isNonceError = (error: unknown) =>
  /nonce|replacement|replaced|already known|underpriced/i.test(String((error as Error)?.message ?? error));

const fingerprintOf = (value: unknown) =>
  createHash("sha256")
    .update(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)))
    .digest("hex");

const messageOf = (error: unknown) => String((error as Error)?.message ?? error);

// A post that reaches the chain after gate closure lost a race with the clock, not a fault: the session has moved on.
const GATE_CLOSED_SELECTORS = [
  "FlexMarketGateClosed(uint256,uint64)",
  "DynamicTrafficLightGateClosed(uint256,uint64)",
].map((signature) => keccakId(signature).slice(0, 10));
const isGateClosedError = (error: unknown) => {
  const data = (error as { data?: unknown })?.data;
  return typeof data === "string" && GATE_CLOSED_SELECTORS.includes(data.slice(0, 10));
};

export class DsoOracle {
  readonly study: GridStudy;
  readonly alarms: AlarmBook;
  private readonly log: Logger;
  /** The last plan of each session, reused while its chain inputs are unchanged. */
  private readonly plans = new Map<bigint, SessionPlan>();
  /** Per session, the inputs (plan + perimeters) whose lights are all on chain: nothing to compute or read. */
  private readonly lightsOnChain = new Map<bigint, string>();
  /** Computed lights per session, kept while their inputs are unchanged (a post that failed is retried as is). */
  private readonly lightsComputed = new Map<
    bigint,
    { key: string; lights: DynamicLight[]; proposals: RedrawProposal[] }
  >();

  constructor(private readonly deps: DsoOracleDeps) {
    this.study = new GridStudy(deps.network);
    this.log = deps.log;
    this.alarms = deps.alarms ?? new AlarmBook({ source: "dso-oracle", log: deps.log });
  }

  /** The model's forecast of one market day, computed once per day (it does not change within the day). */
  private readonly days = new Map<string, SlotBackground[]>();
  /** The background forecast of a market day, or undefined when the oracle uses the model's static values. */
  forecastOfDay(date: string): SlotBackground[] | undefined {
    return this.deps.forecastDay ? this.dayForecast(date) : undefined;
  }

  private dayForecast(date: string): SlotBackground[] {
    let day = this.days.get(date);
    if (!day) {
      day = this.deps.forecastDay!(date);
      if (this.days.size > 8) this.days.clear();
      this.days.set(date, day);
    }
    return day;
  }

  /** Runs one unit of work; a failure becomes the alarm `key` (resolved when the unit later succeeds). */
  private async isolated<T>(key: string, what: string, sessionId: bigint | undefined, work: () => Promise<T>) {
    try {
      const value = await work();
      this.alarms.resolve(key);
      return value;
    } catch (error) {
      this.alarms.raise(key, { message: `${what} failed: ${messageOf(error)}`, sessionId });
      return undefined;
    }
  }

  /** The registry's PoDs, each bad registration left out with an alarm. */
  private readChainPods(registry = this.deps.contracts.registry): Promise<ChainPod[]> {
    return readPods(registry, (error, raw) =>
      this.alarms.raise(`pod:${raw}`, { severity: "warning", message: `PoD left out: ${error.message}` }),
    );
  }

  private get market() {
    return this.deps.contracts.market;
  }

  /** Sends transactions in order with consecutive nonces from `nonce`; stops when another instance got there first. */
  private async sendAll(
    nonce: number,
    sends: ((overrides: { nonce: number }) => Promise<{ wait(): Promise<unknown> }>)[],
  ): Promise<StepReport> {
    let posted = 0;
    for (const [i, send] of sends.entries()) {
      try {
        const tx = await send({ nonce: nonce + i });
        await tx.wait();
        posted++;
      } catch (error) {
        if (isNonceError(error)) {
          this.log.warn({ posted }, "the DSO oracle wallet moved on (another instance?): yielding this step");
          return { posted, skipped: sends.length - posted, yielded: true };
        }
        if (isGateClosedError(error)) {
          this.log.warn({ posted }, "the gate closed before these posts landed: the rest of this step is dropped");
          return { posted, skipped: sends.length - posted };
        }
        throw error;
      }
    }
    return { posted, skipped: 0 };
  }

  // ------------------------------------------------------------------------------------------ registry

  /** PoD → PoM mapping from the network model, written for every registered PoD whose chain PoM differs. */
  async syncMappings(): Promise<StepReport & { mapping: { pod: string; pom: string }[] }> {
    const nonce = await this.deps.oracleSigner.getNonce("latest");
    const pods = await this.readChainPods();
    const located = new Map(mapPodsToPoms(this.deps.network).map((l) => [l.pod, l]));
    const changes = pods.flatMap((p) => {
      const pom = located.get(p.pod)?.pom;
      return pom && pom !== p.pom ? [{ pod: p.pod, pom }] : [];
    });
    if (changes.length === 0) return { posted: 0, skipped: pods.length, mapping: [] };
    const registry = this.deps.contracts.registry;
    const report = await this.sendAll(nonce, [
      (o) =>
        registry.mapPodsToPoms(
          changes.map((c) => podIdToBytes32(c.pod)),
          changes.map((c) => podIdToBytes32(c.pom)),
          o,
        ),
    ]);
    return { ...report, mapping: changes };
  }

  /**
   * Static traffic light for every registered PoD still Pending (needs the DSO wallet).
   * UNFINISHED: not run by `tick()` nor the CLI, because the configuration has no DSO (role DSO) key yet; the
   * composition root passes `dso` when one is configured.
   */
  async prequalify(snapshots: ForecastSlot[]): Promise<StaticRuling[]> {
    const dso = this.deps.dso;
    if (!dso) throw new DsoDataError("configuration", "prequalification needs the DSO wallet (DSO role)");
    const nonce = await dso.signer.getNonce("latest");
    const pods = (await this.readChainPods(dso.contracts.registry)).filter(
      (p) => p.registered && p.qualification === QUALIFICATION.Pending && this.study.hasPod(p.pod),
    );
    const rulings = pods.map((p) =>
      staticTrafficLight(
        this.study,
        {
          pod: p.pod,
          contractualPowerWithdrawnKw: p.contractualPowerWithdrawnKw,
          contractualPowerInjectedKw: p.contractualPowerInjectedKw,
          maxUpKw: p.declaredUpKw,
          maxDownKw: p.declaredDownKw,
        },
        snapshots,
      ),
    );
    const registry = dso.contracts.registry;
    await this.sendAll(
      nonce,
      rulings.map((r) => (o: { nonce: number }) => {
        const id = podIdToBytes32(r.pod);
        if (r.status === "confirmed") return registry.confirmQualification(id, o);
        if (r.status === "modulated") return registry.modulateQualification(id, r.upKw, r.downKw, o);
        return registry.invalidateQualification(id, o);
      }),
    );
    return rulings;
  }

  /** The PoDs as the core sees them: chain registration and qualification, model mapping. */
  dsoPodsOf(chainPods: ChainPod[]): DsoPod[] {
    const located = new Map(mapPodsToPoms(this.deps.network).map((l) => [l.pod, l]));
    return chainPods
      .filter((p) => p.registered && located.has(p.pod))
      .map((p) => {
        const loc = located.get(p.pod)!;
        const qualified = p.qualification === QUALIFICATION.Confirmed || p.qualification === QUALIFICATION.Modulated;
        return {
          pod: p.pod,
          feeder: loc.feeder,
          pom: loc.pom,
          ...(loc.secondarySubstation !== undefined ? { secondarySubstation: loc.secondarySubstation } : {}),
          prequalified: qualified,
          maxUpKw: qualified ? p.qualifiedUpKw : 0,
          maxDownKw: qualified ? p.qualifiedDownKw : 0,
          cosPhi: p.cosPhi,
        };
      });
  }

  // ------------------------------------------------------------------------------------------ session

  /** Forecast of a session's slots: chain baselines for the PoDs, the background for the rest of the model. */
  async forecastOf(
    session: ChainSession,
  ): Promise<{ forecast: ForecastSlot[]; baselines: Map<string, number[]>; backgroundKey: string }> {
    const baselines = await readBaselines(this.deps.contracts.registry, session.day, (error) =>
      this.alarms.raise(`baseline:${session.day}:${error.source}`, {
        severity: "warning",
        message: `baseline left out: ${error.message}`,
        sessionId: session.sessionId,
      }),
    );
    const date = marketDateOf(session.dayStartTime * 1000);
    const day = this.deps.forecastDay ? this.dayForecast(date) : undefined;
    const background = day ? undefined : this.deps.backgroundLoadsKw?.(session);
    const forecast: ForecastSlot[] = [];
    for (let slot = session.firstSlot; slot < session.firstSlot + session.slotCount; slot++) {
      const podsKw: Record<string, number> = {};
      // A PoD without a baseline keeps the DSO's own forecast of it (its profile or refit): see README.
      for (const [pod, values] of baselines) if (this.study.hasPod(pod)) podsKw[pod] = values[slot];
      const rest = day
        ? { loadsKw: day[slot].loadsKw, generatorsKw: day[slot].generatorsKw }
        : background
          ? { loadsKw: background[slot] }
          : {};
      forecast.push({ slot, podsKw, ...rest });
    }
    return { forecast, baselines, backgroundKey: day ? date : background ? `custom:${date}` : "model" };
  }

  /** Forecast, detection and least-cost requests of a session: pure given the chain state it reads. */
  async planSession(sessionId: bigint): Promise<SessionPlan> {
    const session = await readSession(this.market, sessionId);
    const { forecast, backgroundKey, baselines } = await this.forecastOf(session);
    // The missing-baseline rule (README): a PoD without a baseline for the day takes no part in its market, so no
    // request counts on it; the DSO still forecasts it (profile or certified history) in the power flows.
    const pods = this.dsoPodsOf(await this.readChainPods()).filter((p) => {
      const has = baselines.has(p.pod);
      const key = `session:${sessionId}:baseline:${p.pod}`;
      if (has || !p.prequalified) this.alarms.resolve(key);
      else
        this.alarms.raise(key, {
          severity: "warning",
          message: `PoD ${p.pod} has no baseline for day ${session.day}: forecast from the DSO's profile, no request counts on it`,
          sessionId,
          pod: p.pod,
        });
      return has;
    });
    const fingerprint = fingerprintOf({
      window: [session.day, session.firstSlot, session.slotCount],
      pods,
      baselines: forecast.map((f) => f.podsKw),
      background: backgroundKey,
    });
    const cached = this.plans.get(sessionId);
    // Same inputs, same plan: the power flows, sizing LPs and lights of a session are not redone every pass.
    if (cached?.fingerprint === fingerprint) return { ...cached, session };
    // Slot by slot, each isolated: a slot whose power flow diverges (or whose sizing fails) is an alarm and is left
    // out of the plan; the other slots are still detected, requested and lit.
    const detections: DetectionResult[] = [];
    const requests: SlotRequestResult[] = [];
    const failedSlots = new Set<number>();
    for (const f of forecast) {
      const key = `session:${sessionId}:slot:${f.slot}`;
      try {
        const detection = detectViolations(this.study, [f]);
        detections.push(detection);
        if (detection.alarms.length > 0)
          requests.push(...(await sizeRequests(this.study, [f], detection.alarms, pods, this.deps.requestOptions)));
        this.alarms.resolve(key);
      } catch (error) {
        failedSlots.add(f.slot);
        this.alarms.raise(key, {
          message: `slot ${f.slot} of session ${sessionId} could not be studied, no request nor light for it: ${messageOf(error)}`,
          sessionId,
        });
      }
    }
    const detection = mergeDetections(detections);
    const localPlan = new Map(requests.map((r) => [r.slot, r.plan]));
    const plan = { session, forecast, detection, requests, localPlan, fingerprint, failedSlots };
    this.plans.set(sessionId, plan);
    return plan;
  }

  private async chainNow(): Promise<number> {
    const block = await this.deps.oracleSigner.provider!.getBlock("latest");
    return Number(block!.timestamp);
  }

  /** Posts the session's requests that are not on chain yet (one per slot and direction), before gate closure. */
  async postRequests(sessionId: bigint, plan?: SessionPlan): Promise<StepReport & { plan: SessionPlan }> {
    const nonce = await this.deps.oracleSigner.getNonce("latest");
    const p = plan ?? (await this.planSession(sessionId));
    const existing = (await readDsoRequests(this.market, sessionId)).filter((r) => r.active);
    const now = await this.chainNow();
    if (p.session.status !== SESSION_STATUS.Open || now >= p.session.gateClosureTime) {
      this.log.info({ sessionId, status: p.session.status }, "session not open: no requests posted");
      return { posted: 0, skipped: 0, plan: p };
    }
    const wanted = p.requests.flatMap((r) => r.requests);
    const missing = wanted.filter((w) => !existing.some((e) => e.slot === w.slot && e.direction === w.direction));
    // One request per slot and direction: a duplicate (two instances with different wallets, an old bug) would
    // make the market buy the same relief twice; the later ones are cancelled while the session is open.
    const seen = new Set<string>();
    const duplicates = existing.filter((e) => {
      const key = `${e.slot}|${e.direction}`;
      if (!seen.has(key)) return !seen.add(key);
      return true;
    });
    const maxPrice = (eur: number) => (Number.isFinite(eur) ? Math.round(eur * PRICE_SCALE) : NO_PRICE_CAP);
    const report = await this.sendAll(nonce, [
      ...duplicates.map((d) => (o: { nonce: number }) => {
        this.log.warn({ sessionId, requestId: d.requestId, slot: d.slot }, "cancelling a duplicate DSO request");
        return this.market.cancelRequest(d.requestId, o);
      }),
      ...missing.map((r) => (o: { nonce: number }) => {
        // Absolute target in whole kW, rounded so the need (target − Σ baselines) is at least what was sized.
        const target = r.direction === "down" ? Math.floor(r.targetKw) : Math.ceil(r.targetKw);
        return this.market.submitDsoRequest(
          sessionId,
          r.pods.map(podIdToBytes32),
          {
            slotIndex: r.slot,
            targetKind: TARGET_KIND.absolute,
            direction: DIRECTION[r.direction],
            targetPowerKw: target,
            maxPriceMilliEurPerKw: maxPrice(r.maxPriceEurPerKw),
          },
          o,
        );
      }),
    ]);
    return { ...report, skipped: report.skipped + (wanted.length - missing.length), plan: p };
  }

  /** The dynamic lights of every perimeter on chain for the session's slots (and redraw proposals). */
  computeLights(plan: SessionPlan, perimeters: { id: string; pods: string[] }[], pods: DsoPod[]) {
    const lights: DynamicLight[] = [];
    const proposals: RedrawProposal[] = [];
    for (const perimeter of perimeters)
      for (const f of plan.forecast) {
        const local = plan.localPlan.get(f.slot) ?? {};
        let light: DynamicLight;
        try {
          if (plan.failedSlots.has(f.slot)) throw new Error("the slot's study failed");
          light = dynamicTrafficLight(this.study, f, perimeter, pods, local);
        } catch (error) {
          // What the DSO cannot check it does not admit: red both ways, no capability.
          const reason = `not checked: ${messageOf(error)}`;
          const red = { colour: "red" as const, capabilityKw: 0, flexibilityKw: 0, reason };
          lights.push({ perimeter: perimeter.id, slot: f.slot, up: red, down: red });
          continue;
        }
        lights.push(light);
        try {
          const proposal = proposeRedraw(this.study, f, perimeter, light, pods, local);
          if (proposal) proposals.push(proposal);
        } catch {
          // A proposal is advice to the DSO; one that cannot be computed is simply not made.
        }
      }
    return { lights, proposals };
  }

  /**
   * Publishes the lights not yet published (or published with other values) for this session.
   * Cost: about 1.3 ms per perimeter and slot on the Rome-scale network (subnetwork bisection), so a whole city for
   * 96 slots is ~75 s: fine for a day-ahead session, to be narrowed to perimeters with flexibility for real time.
   */
  async postTrafficLights(
    sessionId: bigint,
    plan?: SessionPlan,
  ): Promise<StepReport & { proposals: RedrawProposal[] }> {
    const nonce = await this.deps.oracleSigner.getNonce("latest");
    const p = plan ?? (await this.planSession(sessionId));
    // Gate closure is by block time: a session still marked Open may already refuse lights.
    const gateClosed = (await this.chainNow()) >= p.session.gateClosureTime;
    if ((p.session.status !== SESSION_STATUS.Open && p.session.status !== SESSION_STATUS.Scheduled) || gateClosed)
      return { posted: 0, skipped: 0, proposals: [] };
    const tl = this.deps.contracts.trafficLight;
    const perimeters = await readPerimeters(tl);
    const key = fingerprintOf({ plan: p.fingerprint, perimeters });
    // Everything published for these inputs already: no bisection and no read of every light on chain.
    if (this.lightsOnChain.get(sessionId) === key) return { posted: 0, skipped: 0, proposals: [] };
    let computed = this.lightsComputed.get(sessionId);
    if (computed?.key !== key) {
      const pods = this.dsoPodsOf(await this.readChainPods());
      computed = { key, ...this.computeLights(p, perimeters, pods) };
      this.lightsComputed.set(sessionId, computed);
    }
    const { lights, proposals } = computed;
    const sends = [];
    let skipped = 0;
    for (const perimeter of perimeters) {
      const inputs: TrafficLightInputStruct[] = [];
      for (const light of lights.filter((l) => l.perimeter === perimeter.id)) {
        const input = {
          slotIndex: light.slot,
          colour: colourCode(chainColour(light)),
          capabilityUpKw: Math.max(0, Math.floor(light.up.capabilityKw)),
          capabilityDownKw: Math.max(0, Math.floor(light.down.capabilityKw)),
        };
        const onChain = await tl.trafficLight(perimeter.raw, p.session.day, light.slot);
        const same =
          onChain.published &&
          onChain.sessionId === sessionId &&
          Number(onChain.perimeterVersion) === perimeter.version &&
          Number(onChain.colour) === input.colour &&
          Number(onChain.capabilityUpKw) === input.capabilityUpKw &&
          Number(onChain.capabilityDownKw) === input.capabilityDownKw;
        if (same) skipped++;
        else inputs.push(input);
      }
      if (inputs.length > 0)
        sends.push((o: { nonce: number }) => tl.publishTrafficLights(sessionId, perimeter.raw, inputs, o));
    }
    // UNFINISHED: redraw proposals are logged for the DSO, not applied: defining perimeters needs the DSO wallet, and
    // splitting one means retiring the old perimeter (a PoD in two perimeters would get two lights).
    for (const proposal of proposals)
      this.log.info(
        { perimeter: proposal.perimeter, parts: proposal.parts.map((x) => x.perimeter.id), gainKw: proposal.gainKw },
        "redrawing this perimeter per secondary substation would free capability (DSO decision)",
      );
    const report = await this.sendAll(nonce, sends);
    if (report.skipped === 0 && !report.yielded) this.lightsOnChain.set(sessionId, key);
    return { ...report, skipped: report.skipped + skipped, proposals };
  }

  /**
   * Technical validation of a cleared session: every award still Pending gets OK / KO / partial. Slot by slot, each
   * isolated: an award whose PoD is not in the network model, or the awards of a slot whose power flow fails, cannot
   * be checked and are rejected (KO with an UNCHECKED_REASON_CODE) with an alarm, so the session still finalises.
   */
  async validateSession(sessionId: bigint): Promise<StepReport & { validations: AwardValidation[] }> {
    const nonce = await this.deps.oracleSigner.getNonce("latest");
    const session = await readSession(this.market, sessionId);
    if (session.status !== SESSION_STATUS.Cleared) return { posted: 0, skipped: 0, validations: [] };
    const awards = await readAwards(this.market, sessionId);
    const { forecast } = await this.forecastOf(session);
    const validations: AwardValidation[] = [];
    const unchecked = new Map<number, number>();
    const reject = (award: ChainAward, code: number, message: string) => {
      unchecked.set(award.awardIndex, code);
      validations.push({
        awardIndex: award.awardIndex,
        pod: award.pod,
        slot: award.slot,
        verdict: "ko",
        awardedKw: award.quantityKw,
        admittedKw: 0,
      });
      this.alarms.raise(`session:${sessionId}:award:${award.awardIndex}`, {
        message: `award ${award.awardIndex} of session ${sessionId} (PoD ${award.pod}, slot ${award.slot}) rejected: ${message}`,
        sessionId,
        pod: award.pod,
      });
    };
    const bySlot = new Map<number, ChainAward[]>();
    for (const a of awards) {
      if (!this.study.hasPod(a.pod)) {
        reject(a, UNCHECKED_REASON_CODE.notInModel, "the PoD is not in the DSO's network model");
        continue;
      }
      bySlot.set(a.slot, [...(bySlot.get(a.slot) ?? []), a]);
    }
    // The market's priority order (DSO requests before TSO ones, then by request, then cheapest first): the seeds'
    // penalty factors, so validation cuts the later awards first.
    const kindOf = new Map<bigint, number>();
    for (const id of new Set(awards.map((a) => a.requestId)))
      kindOf.set(id, Number((await this.market.request(id)).kind));
    const order = [...awards].sort(
      (x, y) =>
        kindOf.get(x.requestId)! - kindOf.get(y.requestId)! ||
        Number(x.requestId - y.requestId) ||
        (x.priceMilliEurPerKw ?? 0) - (y.priceMilliEurPerKw ?? 0) ||
        x.awardIndex - y.awardIndex,
    );
    const priorityOf = new Map(order.map((a, i) => [a.awardIndex, i]));
    const toValidate = (a: ChainAward): AwardToValidate => ({
      awardIndex: a.awardIndex,
      pod: a.pod,
      slot: a.slot,
      direction: a.direction,
      quantityKw: a.quantityKw,
      by: kindOf.get(a.requestId) === 0 ? "DSO" : "TSO",
      priority: priorityOf.get(a.awardIndex)!,
    });
    for (const [slot, slotAwards] of bySlot) {
      // Validation looks at every award of the slot together (a KO'd one still counts), but posts only the pending.
      const f = forecast.find((x) => x.slot === slot);
      try {
        if (!f) throw new DsoDataError(`awards of session ${sessionId}`, `slot ${slot} is outside the session`);
        validations.push(...(await validateSlotAwards(this.study, f, slotAwards.map(toValidate))));
      } catch (error) {
        for (const a of slotAwards)
          reject(a, UNCHECKED_REASON_CODE.powerFlowFailed, `slot ${slot} could not be checked (${messageOf(error)})`);
      }
    }
    validations.sort((a, b) => a.awardIndex - b.awardIndex);
    const pending = new Set(awards.filter((a) => a.verdict === "pending").map((a) => a.awardIndex));
    const inputs = validations
      .filter((v) => pending.has(v.awardIndex))
      .map((v) => ({
        awardIndex: v.awardIndex,
        verdict: VERDICT[v.verdict],
        reducedQuantityKw: v.verdict === "partial" ? v.admittedKw : 0,
        reasonCode: unchecked.get(v.awardIndex) ?? (v.reason ? REASON_CODE[v.reason.kind] : 0),
      }));
    for (const v of validations)
      if (v.verdict !== "ok" && !unchecked.has(v.awardIndex))
        this.log.warn(
          { awardIndex: v.awardIndex, pod: v.pod, verdict: v.verdict, admittedKw: v.admittedKw, reason: v.reason },
          "award cut by technical validation",
        );
    if (inputs.length === 0) return { posted: 0, skipped: awards.length, validations };
    const report = await this.sendAll(nonce, [(o) => this.market.postValidations(sessionId, inputs, o)]);
    return { ...report, validations };
  }

  /** The final outcome of a finalised session: what each PoD must deliver per slot. */
  async finalOutcomes(sessionId: bigint): Promise<{ session: ChainSession; outcomes: FinalOutcome[] }> {
    const session = await readSession(this.market, sessionId);
    if (session.status !== SESSION_STATUS.Finalised) return { session, outcomes: [] };
    const awards = await readAwards(this.market, sessionId);
    return {
      session,
      outcomes: awards
        .filter((a) => a.finalQuantityKw > 0)
        .map((a) => ({ pod: a.pod, slot: a.slot, direction: a.direction, quantityKw: a.finalQuantityKw })),
    };
  }

  /**
   * Publishes the setpoints of a finalised session whose 4-hour window starts within `leadMs` (15 minutes by
   * default) or has started and not ended; the dispatcher skips what it already sent (deterministic ids).
   */
  async dispatchDue(
    sessionId: bigint,
    dispatcher: SetpointDispatcher,
    oracleKey: `0x${string}`,
    nowMs = Date.now(),
    leadMs = 15 * 60 * 1000,
  ): Promise<number> {
    const { session, outcomes } = await this.finalOutcomes(sessionId);
    if (outcomes.length === 0) return 0;
    const { baselines } = await this.forecastOf(session);
    const chainPods = await this.readChainPods();
    const cosPhi = Object.fromEntries(chainPods.map((p) => [p.pod, p.cosPhi]));
    const dayStartMs = session.dayStartTime * 1000;
    let sent = 0;
    for (let first = session.firstSlot; first < session.firstSlot + session.slotCount; first += SLOTS_PER_SETPOINT) {
      const windowStartMs = dayStartMs + first * SLOT_MS;
      const windowEndMs = windowStartMs + SLOTS_PER_SETPOINT * SLOT_MS;
      if (nowMs < windowStartMs - leadMs || nowMs >= windowEndMs) continue;
      const unsigned = buildSetpoints({
        dayStartMs,
        firstSlot: first,
        outcomes,
        baselinesKw: Object.fromEntries(baselines),
        cosPhi,
        sentMs: nowMs,
        session: sessionId,
      });
      sent += await dispatcher.publish(await signSetpoints(unsigned, oracleKey), nowMs);
    }
    return sent;
  }

  /**
   * Dispatches the due setpoints of every finalised session, each session isolated (a failure is an alarm, the
   * others still go out). Sessions whose every window has ended are not read again.
   */
  async dispatchAllDue(dispatcher: SetpointDispatcher, oracleKey: `0x${string}`, nowMs: number): Promise<number> {
    let sent = 0;
    const count = await this.market.sessionCount();
    for (let id = 1n; id <= count; id++) {
      if (this.dispatchedUntilEnd.has(id)) continue;
      const n = await this.isolated(`session:${id}:dispatch`, `setpoint dispatch of session ${id}`, id, async () => {
        const session = await readSession(this.market, id);
        const endMs = (session.dayStartTime + (session.firstSlot + session.slotCount) * (SLOT_MS / 1000)) * 1000;
        if (nowMs >= endMs && session.status === SESSION_STATUS.Finalised) this.dispatchedUntilEnd.add(id);
        if (session.status !== SESSION_STATUS.Finalised) return 0;
        return this.dispatchDue(id, dispatcher, oracleKey, nowMs);
      });
      sent += n ?? 0;
    }
    return sent;
  }

  private readonly dispatchedUntilEnd = new Set<bigint>();
  /** Sessions finalised or past (nothing left to post): skipped by later passes. */
  private readonly settled = new Set<bigint>();

  /**
   * One pass over every session: post what is due and missing. Safe to call any number of times. Each step runs
   * isolated: a session that fails (unreadable data, a diverging power flow, a revert) raises an alarm and the pass
   * goes on with the next one.
   */
  async tick(): Promise<{ sessionId: bigint; step: string; report: StepReport }[]> {
    const done: { sessionId: bigint; step: string; report: StepReport }[] = [];
    const mapping = await this.isolated("mapping", "PoD → PoM mapping", undefined, () => this.syncMappings());
    if (mapping && mapping.posted > 0) done.push({ sessionId: 0n, step: "mapping", report: mapping });
    const count = await this.market.sessionCount();
    for (let id = 1n; id <= count; id++) {
      if (this.settled.has(id)) continue;
      await this.isolated(`session:${id}`, `session ${id}`, id, async () => {
        const session = await readSession(this.market, id);
        if (session.status === SESSION_STATUS.Open) {
          const requests = await this.postRequests(id);
          done.push({ sessionId: id, step: "requests", report: requests });
          done.push({ sessionId: id, step: "lights", report: await this.postTrafficLights(id, requests.plan) });
        } else if (session.status === SESSION_STATUS.Cleared) {
          done.push({ sessionId: id, step: "validation", report: await this.validateSession(id) });
        } else if (session.status === SESSION_STATUS.Finalised) {
          // Nothing more to post for it; its plan and lights are no longer needed.
          this.settled.add(id);
          this.plans.delete(id);
          this.lightsComputed.delete(id);
          this.lightsOnChain.delete(id);
        }
      });
    }
    return done;
  }
}

function mergeDetections(parts: DetectionResult[]): DetectionResult {
  const worst = { loadingPercent: 0, branch: "", slot: -1, minVPu: Infinity, maxVPu: -Infinity };
  for (const d of parts) {
    if (d.worst.loadingPercent > worst.loadingPercent)
      Object.assign(worst, { loadingPercent: d.worst.loadingPercent, branch: d.worst.branch, slot: d.worst.slot });
    worst.minVPu = Math.min(worst.minVPu, d.worst.minVPu);
    worst.maxVPu = Math.max(worst.maxVPu, d.worst.maxVPu);
  }
  return {
    alarms: parts.flatMap((d) => d.alarms),
    congestedSlots: parts.flatMap((d) => d.congestedSlots).sort((a, b) => a - b),
    worst,
  };
}
