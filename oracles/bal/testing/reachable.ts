// Test helper: is a real service (Mosquitto, PostgreSQL) listening? Real-service variants run only when it is.
import net from "node:net";

export function reachable(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
  });
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const TEST_MQTT_URL = process.env.TEST_MQTT_URL ?? "mqtt://127.0.0.1:1883";
