// Forwarding setpoints to the customer's EMS: Modbus register write, REST POST or MQTT publish, by config.
import mqtt from "mqtt";
import { z } from "zod";
import type { SetpointMessage } from "../../protocol";
import { modbusLinkSchema, MeterReader } from "../meter/meterReader";
import type { MeterMap } from "../meter/registerMap";

export const emsConfigSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("modbus"), link: modbusLinkSchema }),
  z.object({ kind: z.literal("rest"), url: z.string().url(), timeoutMs: z.number().int().positive().default(3000) }),
  z.object({ kind: z.literal("mqtt"), url: z.string().url(), topic: z.string().min(1) }),
  z.object({ kind: z.literal("none") }),
]);
export type EmsConfig = z.infer<typeof emsConfigSchema>;

/** What the EMS needs: the schedule and which slot applies now. */
export interface EmsCommand {
  setpoint: SetpointMessage;
  /** index (0..15) of the slot to apply now */
  slotIndex: number;
  /** monotonically increasing per node, so the EMS sees each command as new */
  commandSeq: number;
}

export interface EmsLink {
  /** Delivers a command; resolves with the time the EMS acknowledged it (ms). */
  send(command: EmsCommand): Promise<number>;
  /** Link probe: true when the EMS answers. */
  probe(): Promise<boolean>;
  close(): Promise<void>;
}

export function createEmsLink(config: EmsConfig, map: MeterMap, clock: () => number = Date.now): EmsLink {
  switch (config.kind) {
    case "modbus": {
      const writer = new MeterReader(config.link, map);
      return {
        async send(c) {
          const slot = c.setpoint.slots[c.slotIndex]!;
          await writer.writeSetpoint(slot.pW, slot.qVar, c.commandSeq);
          return clock();
        },
        async probe() {
          try {
            await writer.connect();
            return true;
          } catch {
            return false;
          }
        },
        close: () => writer.close(),
      };
    }
    case "rest":
      return {
        async send(c) {
          const res = await fetch(config.url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              setpointId: c.setpoint.setpointId,
              windowStartMs: c.setpoint.windowStartMs,
              slots: c.setpoint.slots,
              slotIndex: c.slotIndex,
              commandSeq: c.commandSeq,
            }),
            signal: AbortSignal.timeout(config.timeoutMs),
          });
          if (!res.ok) throw new Error(`EMS answered HTTP ${res.status}`);
          const body = (await res.json().catch(() => ({}))) as { receivedMs?: unknown };
          return typeof body.receivedMs === "number" ? body.receivedMs : clock();
        },
        async probe() {
          try {
            const res = await fetch(config.url, { method: "GET", signal: AbortSignal.timeout(config.timeoutMs) });
            return res.status < 500;
          } catch {
            return false;
          }
        },
        close: async () => undefined,
      };
    case "mqtt": {
      const client = mqtt.connect(config.url, { reconnectPeriod: 1000 });
      client.on("error", () => undefined);
      return {
        async send(c) {
          await client.publishAsync(
            config.topic,
            JSON.stringify({ ...c.setpoint, slotIndex: c.slotIndex, commandSeq: c.commandSeq }),
            { qos: 1 },
          );
          return clock();
        },
        probe: async () => client.connected,
        close: async () => {
          await client.endAsync(true);
        },
      };
    }
    case "none":
      return {
        send: async () => {
          throw new Error("no EMS configured");
        },
        probe: async () => false,
        close: async () => undefined,
      };
  }
}
