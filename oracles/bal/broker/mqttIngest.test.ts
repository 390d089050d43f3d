// Ingest from a real Mosquitto (when reachable): failed ingests must not hold the broker's in-flight slots, or the
// broker stops delivering to the BAL after max_inflight_messages (20) of them.
import { expect } from "chai";
import mqtt from "mqtt";
import { createLogger, topics } from "../../../protocol";
import { reachable, TEST_MQTT_URL } from "../testing/reachable";
import { waitFor } from "../testing/wait";
import { startMqttIngest } from "./mqttIngest";

const silent = createLogger("test", "silent");

describe("MQTT ingest from an external broker (Mosquitto, when reachable)", function () {
  this.timeout(60_000);
  before(async function () {
    if (!(await reachable("127.0.0.1", 1883))) this.skip();
  });

  it("goes on receiving after 25 failed ingests in a row (no stuck in-flight window)", async () => {
    const tag = `${process.pid % 100000}${Date.now() % 100000}`;
    const pod = `ITMQ${tag}`.slice(0, 32);
    const topic = topics.measurements(pod);
    let failed = 0;
    const stored: string[] = [];
    const ingest = await startMqttIngest({
      url: TEST_MQTT_URL,
      clientId: `bal-inflight-${tag}`,
      cleanSession: true,
      log: silent,
      ingest: async (t, payload) => {
        if (t !== topic) return;
        if (failed < 25) {
          failed++;
          throw new Error("SCD down");
        }
        stored.push(payload.toString());
      },
    });
    const publisher = await mqtt.connectAsync(TEST_MQTT_URL, { clientId: `node-inflight-${tag}`, reconnectPeriod: 0 });
    try {
      for (let i = 0; i < 40; i++) await publisher.publishAsync(topic, `reading ${i}`, { qos: 1 });
      await waitFor("the 15 readings after the failures", () => stored.length >= 15, 15_000);
      expect(failed).to.equal(25);
      expect(stored).to.deep.equal(Array.from({ length: 15 }, (_, i) => `reading ${25 + i}`));
    } finally {
      await publisher.endAsync(true);
      await ingest.close();
    }
  });
});
