// Modbus TCP meter simulator: P/Q/energy registers following a 15-min load profile, plus the EMS setpoint block.
// It stands in for the customer's meter (and EMS) in tests and in the local demo stack.
import net from "node:net";
import { ServerTCP } from "modbus-serial";
import {
  encodeRegisters,
  decodeRegisters,
  registerCount,
  loadMeterMap,
  type MeterMap,
  type RegisterSpec,
} from "../meter/registerMap";
import { profileFactor, romeSlotOf } from "../meter/loadProfile";

export interface MeterSimulatorOptions {
  /** consumption at the profile's peak, W (load convention: + = consumption) */
  peakW: number;
  /** PV peak injection at solar noon, W (0 = no PV) */
  pvPeakW?: number;
  cosPhi?: number;
  /** relative amplitude of the random noise on P (0.03 = ±3 %) */
  noise?: number;
  seed?: number;
  host?: string;
  /** 0 = pick a free port */
  port?: number;
  map?: MeterMap;
  clock?: () => number;
  initialImportWh?: number;
}

export interface EmsSetpoint {
  pW: number;
  qVar: number;
  sequence: number;
  receivedMs: number;
}

/** Finds a free TCP port (modbus-serial's ServerTCP treats port 0 as "use 502"). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export class MeterSimulator {
  readonly map: MeterMap;
  readonly host: string;
  private _port: number;
  private _server?: ServerTCP;
  private readonly _clock: () => number;
  private _importWh: number;
  private _exportWh = 0;
  private _lastMs: number;
  private _lastPW = 0;
  private _rng: () => number;
  private _statusWord = 0;
  private _emsWords = new Map<number, number>();
  private _setpoint?: EmsSetpoint;
  private readonly _setpointListeners: ((s: EmsSetpoint) => void)[] = [];

  constructor(private readonly options: MeterSimulatorOptions) {
    this.map = options.map ?? loadMeterMap();
    this.host = options.host ?? "127.0.0.1";
    this._port = options.port ?? 0;
    this._clock = options.clock ?? Date.now;
    this._importWh = options.initialImportWh ?? 1_000_000;
    this._lastMs = this._clock();
    this._rng = mulberry32(options.seed ?? 1);
    this._lastPW = this.instantPowerW(this._lastMs);
  }

  get port(): number {
    return this._port;
  }
  get url(): string {
    return `modbus-tcp://${this.host}:${this._port}`;
  }
  get setpoint(): EmsSetpoint | undefined {
    return this._setpoint;
  }
  /** Counters as the simulator holds them (Wh, unrounded). */
  get counters(): { importWh: number; exportWh: number } {
    return { importWh: this._importWh, exportWh: this._exportWh };
  }
  /** Meter status flags (0 = ok); nonzero values show up in the readings. */
  setStatusWord(value: number): void {
    this._statusWord = value & 0xffff;
  }
  onSetpoint(listener: (s: EmsSetpoint) => void): void {
    this._setpointListeners.push(listener);
  }

  async start(): Promise<void> {
    if (this._server) return;
    if (this._port === 0) this._port = await freePort(this.host);
    await new Promise<void>((resolve, reject) => {
      const server = new ServerTCP(this.vector(), { host: this.host, port: this._port, unitID: this.map.unitId });
      server.once("initialized", () => resolve());
      server.once("serverError", (e: Error) => reject(e));
      server.on("socketError", () => undefined);
      this._server = server;
    });
  }

  /** Stops listening (open connections are dropped); `start()` listens again on the same port. */
  async stop(): Promise<void> {
    const server = this._server;
    this._server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Active power now: the load profile (or the EMS setpoint while one is active) with noise, minus PV. */
  instantPowerW(timeMs: number): number {
    if (this._setpoint) return this._setpoint.pW;
    const load = this.options.peakW * profileFactor(romeSlotOf(timeMs));
    const noise = 1 + (this.options.noise ?? 0.03) * (2 * this._rng() - 1);
    return load * noise - this.pvW(timeMs);
  }

  private pvW(timeMs: number): number {
    const pvPeak = this.options.pvPeakW ?? 0;
    if (pvPeak <= 0) return 0;
    const hour = romeSlotOf(timeMs) / 4;
    // bell between 06:00 and 20:00 local, noon peak around 13:00 (CEST solar noon in Rome)
    const x = (hour - 13) / 7;
    return Math.abs(x) >= 1 ? 0 : pvPeak * Math.cos((x * Math.PI) / 2) ** 2;
  }

  /** Integrates energy up to `now` (trapezoid over the last interval) and refreshes the instantaneous power. */
  private advance(now: number): void {
    const dtH = Math.max(0, now - this._lastMs) / 3_600_000;
    const p = this.instantPowerW(now);
    const mean = (p + this._lastPW) / 2;
    if (mean >= 0) this._importWh += mean * dtH;
    else this._exportWh += -mean * dtH;
    this._lastMs = now;
    this._lastPW = p;
  }

  /** The register image of the meter block (and the EMS block as last written). */
  registerImage(now = this._clock()): Map<number, number> {
    this.advance(now);
    const cosPhi = this.options.cosPhi ?? 0.9;
    const qVar = this._lastPW * Math.tan(Math.acos(cosPhi));
    const image = new Map<number, number>(this._emsWords);
    const put = (spec: RegisterSpec, value: number) =>
      encodeRegisters(spec, value, this.map.wordOrder).forEach((w, i) => image.set(spec.address + i, w));
    const m = this.map.meter;
    put(m.activePowerW, this._lastPW);
    put(m.reactivePowerVar, qVar);
    // counters on the wire are truncated to their resolution, as a real meter's are
    put(m.importEnergyWh, Math.floor(this._importWh / m.importEnergyWh.scale) * m.importEnergyWh.scale);
    put(m.exportEnergyWh, Math.floor(this._exportWh / m.exportEnergyWh.scale) * m.exportEnergyWh.scale);
    put(m.statusWord, this._statusWord);
    return image;
  }

  private writeRegister(addr: number, value: number): void {
    this._emsWords.set(addr, value & 0xffff);
    const ems = this.map.ems;
    const seqSpec = ems.setpointSequence;
    // the sequence register is written last by the client: act when its last word arrives
    if (addr !== seqSpec.address + registerCount(seqSpec.type) - 1) return;
    const read = (spec: RegisterSpec) =>
      decodeRegisters(
        spec,
        Array.from({ length: registerCount(spec.type) }, (_, i) => this._emsWords.get(spec.address + i) ?? 0),
        this.map.wordOrder,
      );
    this.advance(this._clock());
    this._setpoint = {
      pW: read(ems.setpointActivePowerW),
      qVar: read(ems.setpointReactivePowerVar),
      sequence: read(seqSpec),
      receivedMs: this._clock(),
    };
    for (const l of this._setpointListeners) l(this._setpoint);
  }

  /** Ends the EMS override: the meter follows the load profile again. */
  clearSetpoint(): void {
    this._setpoint = undefined;
  }

  private vector() {
    return {
      getHoldingRegister: (addr: number) => this.registerImage().get(addr) ?? 0,
      getMultipleHoldingRegisters: (addr: number, length: number) => {
        const image = this.registerImage();
        return Array.from({ length }, (_, i) => image.get(addr + i) ?? 0);
      },
      getInputRegister: (addr: number) => this.registerImage().get(addr) ?? 0,
      getMultipleInputRegisters: (addr: number, length: number) => {
        const image = this.registerImage();
        return Array.from({ length }, (_, i) => image.get(addr + i) ?? 0);
      },
      setRegister: (addr: number, value: number) => this.writeRegister(addr, value),
    };
  }
}

/** Small deterministic PRNG so simulated noise is reproducible per seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
