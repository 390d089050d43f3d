// Reads the meter (and writes the EMS setpoint block) over Modbus TCP or RTU with modbus-serial, per a register map.
import ModbusRTU from "modbus-serial";
import { z } from "zod";
import { decodeRegisters, encodeRegisters, registerSpan, type MeterMap, type RegisterSpec } from "./registerMap";

export const modbusLinkSchema = z.discriminatedUnion("transport", [
  z.object({ transport: z.literal("tcp"), host: z.string().min(1), port: z.number().int().min(1).max(65535) }),
  z.object({
    transport: z.literal("rtu"),
    path: z.string().min(1),
    baudRate: z.number().int().positive().default(9600),
    parity: z.enum(["none", "even", "odd"]).default("none"),
    dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  }),
]);
export type ModbusLink = z.infer<typeof modbusLinkSchema>;

/** One meter reading in wire units: integers only (W, var, Wh), as the signed packet carries them. */
export interface MeterValues {
  pW: number;
  qVar: number;
  importWh: number;
  exportWh: number;
  statusWord: number;
}

export class MeterLinkError extends Error {
  constructor(
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = "MeterLinkError";
  }
}

export class MeterReader {
  private readonly _client = new ModbusRTU();
  private _connected = false;

  constructor(
    readonly link: ModbusLink,
    readonly map: MeterMap,
    readonly timeoutMs = 2000,
  ) {}

  get connected(): boolean {
    return this._connected && this._client.isOpen;
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    try {
      if (this.link.transport === "tcp") {
        await this._client.connectTCP(this.link.host, { port: this.link.port });
      } else {
        // RTU needs a serial device; selectable by config, not exercised by the tests on this machine
        await this._client.connectRTUBuffered(this.link.path, {
          baudRate: this.link.baudRate,
          parity: this.link.parity,
          dataBits: this.link.dataBits,
          stopBits: this.link.stopBits,
        });
      }
      this._client.setID(this.map.unitId);
      this._client.setTimeout(this.timeoutMs);
      this._connected = true;
    } catch (error) {
      this._connected = false;
      throw new MeterLinkError(`cannot open the meter link (${describeLink(this.link)})`, error);
    }
  }

  async close(): Promise<void> {
    this._connected = false;
    if (!this._client.isOpen) return;
    await new Promise<void>((resolve) => this._client.close(() => resolve()));
  }

  /** Reads the whole meter block in one request; reconnects once when the link dropped. */
  async read(): Promise<MeterValues> {
    const m = this.map.meter;
    const specs = [m.activePowerW, m.reactivePowerVar, m.importEnergyWh, m.exportEnergyWh, m.statusWord];
    const { start, length } = registerSpan(specs);
    const words = await this.withLink(async () => (await this._client.readHoldingRegisters(start, length)).data);
    const at = (spec: RegisterSpec) => decodeRegisters(spec, words.slice(spec.address - start), this.map.wordOrder);
    return {
      pW: Math.round(at(m.activePowerW)),
      qVar: Math.round(at(m.reactivePowerVar)),
      importWh: Math.round(at(m.importEnergyWh)),
      exportWh: Math.round(at(m.exportEnergyWh)),
      statusWord: Math.round(at(m.statusWord)),
    };
  }

  /** Writes an EMS setpoint: P and Q first, the sequence register last (the EMS acts when it changes). */
  async writeSetpoint(pW: number, qVar: number, sequence: number): Promise<void> {
    const e = this.map.ems;
    const wo = this.map.wordOrder;
    await this.withLink(async () => {
      await this._client.writeRegisters(
        e.setpointActivePowerW.address,
        encodeRegisters(e.setpointActivePowerW, pW, wo),
      );
      await this._client.writeRegisters(
        e.setpointReactivePowerVar.address,
        encodeRegisters(e.setpointReactivePowerVar, qVar, wo),
      );
      await this._client.writeRegisters(e.setpointSequence.address, encodeRegisters(e.setpointSequence, sequence, wo));
    });
  }

  private async withLink<T>(op: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (!this.connected) await this.connect();
        return await op();
      } catch (error) {
        this._connected = false;
        await this.close().catch(() => undefined);
        if (attempt >= 1) {
          throw error instanceof MeterLinkError
            ? error
            : new MeterLinkError(`meter request failed: ${String(error)}`, error);
        }
      }
    }
  }
}

function describeLink(link: ModbusLink): string {
  return link.transport === "tcp" ? `tcp ${link.host}:${link.port}` : `rtu ${link.path} @${link.baudRate}`;
}
