// The DSO oracle's view of the chain: typed reads through TypeChain (FlexMarket, PodRegistry, DynamicTrafficLight)
// turned into plain data at this boundary (every id and number checked), and the enum mappings of Types.sol.
import type { ContractRunner } from "ethers";
import { z } from "zod";
import { bytes32ToPodId, gridIdSchema } from "../../../protocol";
import type { DynamicTrafficLight, FlexMarket, PodRegistry } from "../../../typechain-types";
import { DynamicTrafficLight__factory, FlexMarket__factory, PodRegistry__factory } from "../../../typechain-types";
import { DsoDataError } from "../errors";
import type { Direction, Verdict, ViolationKind } from "../core/types";
import type { Colour } from "../core/trafficLights";

export interface DsoContracts {
  market: FlexMarket;
  registry: PodRegistry;
  trafficLight: DynamicTrafficLight;
}

export interface DsoAddresses {
  market: string;
  registry: string;
  trafficLight: string;
}

export function connectDsoContracts(addresses: DsoAddresses, runner: ContractRunner): DsoContracts {
  return {
    market: FlexMarket__factory.connect(addresses.market, runner),
    registry: PodRegistry__factory.connect(addresses.registry, runner),
    trafficLight: DynamicTrafficLight__factory.connect(addresses.trafficLight, runner),
  };
}

// Solidity enums (contracts/libraries/Types.sol, IFlexMarket.sol, IPodRegistry.sol) as numbers.
export const DIRECTION = { up: 0, down: 1 } as const;
export const COLOUR = { green: 0, yellow: 1, red: 2 } as const;
export const VERDICT = { pending: 0, ok: 1, ko: 2, partial: 3 } as const;
export const SESSION_STATUS = {
  None: 0,
  Scheduled: 1,
  Open: 2,
  GateClosed: 3,
  Clearing: 4,
  Cleared: 5,
  Finalised: 6,
  Voided: 7,
} as const;
export const QUALIFICATION = { Pending: 0, Confirmed: 1, Modulated: 2, Invalidated: 3 } as const;
export const TARGET_KIND = { absolute: 0, delta: 1 } as const;
export const ENTRY_ACTIVE = 1;
export const POD_REGISTERED = 1;
/** MarketUnits.PRICE_SCALE and NO_PRICE_CAP. */
export const PRICE_SCALE = 1000;
export const NO_PRICE_CAP = 2 ** 32 - 1;

/** Reason codes of a validation on chain: 0 OK, then one per violation kind (the off-chain report has the detail). */
export const REASON_CODE: Record<ViolationKind, number> = { overload: 1, undervoltage: 2, overvoltage: 3 };
/**
 * Reason codes of a KO the DSO gives because it cannot check the award against its physics: the PoD is not in its
 * network model, or the slot's power flow fails (diverges, or the validation's solver fails). The DSO admits only
 * what its model has checked, so such awards are rejected (the PoD's slot is freed for a later session).
 */
export const UNCHECKED_REASON_CODE = { notInModel: 4, powerFlowFailed: 5 } as const;

export function directionOf(value: bigint | number, what: string): Direction {
  if (Number(value) === DIRECTION.up) return "up";
  if (Number(value) === DIRECTION.down) return "down";
  throw new DsoDataError(what, `direction ${value} is neither Up (0) nor Down (1)`);
}

export function verdictOf(value: bigint | number): Verdict | "pending" {
  const v = Number(value);
  return v === VERDICT.ok ? "ok" : v === VERDICT.ko ? "ko" : v === VERDICT.partial ? "partial" : "pending";
}

export function colourCode(colour: Colour): number {
  return COLOUR[colour];
}

/** A bytes32 PoD/PoM id from the chain, decoded and checked. */
export function gridIdFromChain(value: string, what: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new DsoDataError(what, `${value} is not a bytes32 id`);
  const id = bytes32ToPodId(value as `0x${string}`);
  if (!gridIdSchema.safeParse(id).success)
    throw new DsoDataError(what, `id ${value} does not decode to a PoD/PoM code`);
  return id;
}

const uint = (max: number) => z.coerce.number().int().min(0).max(max);

const sessionSchema = z.object({
  sessionId: z.coerce.bigint(),
  kind: uint(1),
  day: uint(2 ** 32 - 1),
  firstSlot: uint(95),
  slotCount: uint(96),
  dayStartTime: uint(Number.MAX_SAFE_INTEGER),
  openingTime: uint(Number.MAX_SAFE_INTEGER),
  gateClosureTime: uint(Number.MAX_SAFE_INTEGER),
  status: uint(6),
  awardCount: uint(2 ** 32 - 1),
});
export type ChainSession = z.infer<typeof sessionSchema>;

export function parseSession(raw: unknown, what: string): ChainSession {
  const parsed = sessionSchema.safeParse(raw);
  if (!parsed.success)
    throw new DsoDataError(what, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  if (parsed.data.firstSlot + parsed.data.slotCount > 96)
    throw new DsoDataError(what, `slots ${parsed.data.firstSlot}+${parsed.data.slotCount} run past the day`);
  return parsed.data;
}

export async function readSession(market: FlexMarket, sessionId: bigint): Promise<ChainSession> {
  const s = await market.session(sessionId);
  return parseSession(
    {
      sessionId: s.sessionId,
      kind: s.kind,
      day: s.day,
      firstSlot: s.firstSlot,
      slotCount: s.slotCount,
      dayStartTime: s.dayStartTime,
      openingTime: s.openingTime,
      gateClosureTime: s.gateClosureTime,
      status: s.status,
      awardCount: s.awardCount,
    },
    `session ${sessionId}`,
  );
}

export interface ChainPod {
  pod: string;
  registered: boolean;
  qualification: number;
  qualifiedUpKw: number;
  qualifiedDownKw: number;
  declaredUpKw: number;
  declaredDownKw: number;
  contractualPowerWithdrawnKw: number;
  contractualPowerInjectedKw: number;
  cosPhi: number;
  pom: string | null;
}

/**
 * Every PoD ever registered, with its current registration, qualification and PoM. A PoD whose data cannot be read
 * is left out and reported to `onMalformed` (default: thrown), so one bad registration does not hide the others.
 */
export async function readPods(
  registry: PodRegistry,
  onMalformed?: (error: DsoDataError, raw: string) => void,
): Promise<ChainPod[]> {
  const events = await registry.queryFilter(registry.filters.PodRegistered());
  const ids = [...new Set(events.map((e) => e.args.podId))];
  const read = await Promise.all(
    ids.map(async (raw): Promise<ChainPod | undefined> => {
      try {
        return await readPod(registry, raw);
      } catch (error) {
        if (!onMalformed || !(error instanceof DsoDataError)) throw error;
        onMalformed(error, raw);
        return undefined;
      }
    }),
  );
  return read.filter((p): p is ChainPod => p !== undefined);
}

async function readPod(registry: PodRegistry, raw: string): Promise<ChainPod> {
  const pod = gridIdFromChain(raw, "PodRegistered event");
  const [flex, data, pomRaw] = await Promise.all([
    registry.flexibilityOf(raw),
    registry.podData(raw),
    registry.pomOf(raw),
  ]);
  const cosPhiMilli = Number(data.cosPhiMilli);
  if (!(cosPhiMilli >= 1 && cosPhiMilli <= 1000))
    throw new DsoDataError(`PoD ${pod} data`, `cos φ × 1000 = ${cosPhiMilli} is outside 1..1000`);
  return {
    pod,
    registered: Number(flex.status) === POD_REGISTERED,
    qualification: Number(flex.qualification),
    qualifiedUpKw: Number(flex.qualifiedUpKw),
    qualifiedDownKw: Number(flex.qualifiedDownKw),
    declaredUpKw: Number(data.maxUpKw),
    declaredDownKw: Number(data.maxDownKw),
    contractualPowerWithdrawnKw: Number(data.contractualPowerWithdrawnKw),
    contractualPowerInjectedKw: Number(data.contractualPowerInjectedKw),
    cosPhi: cosPhiMilli / 1000,
    pom: /^0x0{64}$/.test(pomRaw) ? null : gridIdFromChain(pomRaw, `PoM of ${pod}`),
  };
}

/** Checks a committed baseline read from chain: 96 int32 kW values (PodRegistry.submitBaseline). */
export function baselineFromChain(values: readonly bigint[], what: string): number[] {
  if (values.length !== 96) throw new DsoDataError(what, `expected 96 values, got ${values.length}`);
  return values.map(Number);
}

/** The latest committed baseline per PoD for a market day (96 kW values, load convention). */
export async function readBaselines(
  registry: PodRegistry,
  day: number,
  onMalformed?: (error: DsoDataError) => void,
): Promise<Map<string, number[]>> {
  const events = await registry.queryFilter(registry.filters.BaselineSubmitted(undefined, day));
  const out = new Map<string, number[]>();
  for (const e of events) {
    try {
      const pod = gridIdFromChain(e.args.podId, "BaselineSubmitted event");
      // Events come in chain order: the last one of a PoD is its committed baseline.
      out.set(pod, baselineFromChain(e.args.valuesKw, `baseline of ${pod} for day ${day}`));
    } catch (error) {
      if (!onMalformed || !(error instanceof DsoDataError)) throw error;
      onMalformed(error);
    }
  }
  return out;
}

export interface ChainDsoRequest {
  requestId: bigint;
  slot: number;
  direction: Direction;
  pods: string[];
  targetKw: number;
  active: boolean;
}

export async function readDsoRequests(market: FlexMarket, sessionId: bigint): Promise<ChainDsoRequest[]> {
  const events = await market.queryFilter(market.filters.DsoRequestSubmitted(undefined, sessionId));
  return Promise.all(
    events.map(async (e) => {
      const view = await market.request(e.args.requestId);
      return {
        requestId: e.args.requestId,
        slot: Number(e.args.slotIndex),
        direction: directionOf(e.args.input.direction, `request ${e.args.requestId}`),
        pods: e.args.podIds.map((p) => gridIdFromChain(p, `request ${e.args.requestId}`)),
        targetKw: Number(e.args.input.targetPowerKw),
        active: Number(view.status) === ENTRY_ACTIVE,
      };
    }),
  );
}

export interface ChainAward {
  awardIndex: number;
  pod: string;
  requestId: bigint;
  slot: number;
  direction: Direction;
  quantityKw: number;
  verdict: Verdict | "pending";
  finalQuantityKw: number;
  /** The price the market awarded at (milli-EUR/kW), when read from FlexMarket. */
  priceMilliEurPerKw?: number;
}

export function parseAward(raw: {
  awardIndex: bigint;
  podId: string;
  requestId: bigint;
  slotIndex: bigint;
  direction: bigint;
  quantityKw: bigint;
  verdict: bigint;
  finalQuantityKw: bigint;
  priceMilliEurPerKw?: bigint;
}): ChainAward {
  const what = `award ${raw.awardIndex}`;
  const slot = Number(raw.slotIndex);
  if (!(slot >= 0 && slot < 96)) throw new DsoDataError(what, `slot ${slot} is outside 0..95`);
  return {
    awardIndex: Number(raw.awardIndex),
    pod: gridIdFromChain(raw.podId, what),
    requestId: raw.requestId,
    slot,
    direction: directionOf(raw.direction, what),
    quantityKw: Number(raw.quantityKw),
    verdict: verdictOf(raw.verdict),
    finalQuantityKw: Number(raw.finalQuantityKw),
    ...(raw.priceMilliEurPerKw !== undefined ? { priceMilliEurPerKw: Number(raw.priceMilliEurPerKw) } : {}),
  };
}

export async function readAwards(market: FlexMarket, sessionId: bigint): Promise<ChainAward[]> {
  return (await market.awardsOf(sessionId)).map(parseAward);
}

export interface ChainPerimeter {
  id: string;
  raw: string;
  pods: string[];
  version: number;
}

/** The current definition of every perimeter (the last PerimeterDefined event of each). */
export async function readPerimeters(trafficLight: DynamicTrafficLight): Promise<ChainPerimeter[]> {
  const events = await trafficLight.queryFilter(trafficLight.filters.PerimeterDefined());
  const latest = new Map<string, ChainPerimeter>();
  for (const e of events) {
    const id = gridIdFromChain(e.args.perimeterId, "PerimeterDefined event");
    latest.set(id, {
      id,
      raw: e.args.perimeterId,
      pods: e.args.podIds.map((p) => gridIdFromChain(p, `perimeter ${id}`)),
      version: Number(e.args.version),
    });
  }
  return [...latest.values()];
}
