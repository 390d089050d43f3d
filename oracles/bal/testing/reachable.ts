// Test helper: is a real service (Mosquitto, PostgreSQL) listening? Real-service variants run only when it is.
import { tcpAnswers } from "../../../core/net";

/** Whether a real service answers at host:port (a short timeout: the suites probe before every variant). */
export function reachable(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return tcpAnswers(host, port, timeoutMs);
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const TEST_MQTT_URL = process.env.TEST_MQTT_URL ?? "mqtt://127.0.0.1:1883";
