import { expect } from "chai";
import { createServiceMetrics, runHealthChecks, startMetricsServer } from "./metrics";

describe("service metrics and health (core/metrics.ts)", () => {
  it("serves the service's metrics in Prometheus' text format, named and labelled by service", async () => {
    const metrics = createServiceMetrics("bal", "bal-1");
    const stored = metrics.counter("readings_stored_total", "readings stored in the SCD");
    const delay = metrics.histogram("anchor_delay_seconds", "from a reading's arrival to its batch's anchoring");
    stored.inc(3);
    delay.observe(0.2);
    const server = await startMetricsServer({ metrics });
    try {
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).to.equal(200);
      expect(response.headers.get("content-type")).to.match(/text\/plain/);
      const text = await response.text();
      expect(text).to.match(/^flexgrid_bal_readings_stored_total\{service="bal",instance="bal-1"\} 3$/m);
      expect(text).to.match(
        /^flexgrid_bal_anchor_delay_seconds_bucket\{le="0\.25",service="bal",instance="bal-1"\} 1$/m,
      );
      expect(text).to.match(/^flexgrid_process_cpu_seconds_total/m);
    } finally {
      await server.close();
    }
  });

  it("answers /health 200 when every check passes and 503 naming the failed one", async () => {
    let brokerUp = true;
    const metrics = createServiceMetrics("dso");
    const server = await startMetricsServer({
      metrics,
      checks: [
        { name: "chain", probe: () => true },
        { name: "broker", probe: () => brokerUp },
      ],
    });
    try {
      const ok = await fetch(`${server.url}/health`);
      expect(ok.status).to.equal(200);
      expect(await ok.json()).to.deep.equal({ status: "ok", checks: { chain: "ok", broker: "ok" } });
      brokerUp = false;
      const failing = await fetch(`${server.url}/health`);
      expect(failing.status).to.equal(503);
      expect(await failing.json()).to.deep.equal({ status: "failing", checks: { chain: "ok", broker: "failing" } });
    } finally {
      await server.close();
    }
  });

  it("counts a hung or throwing check as failing instead of hanging the endpoint", async () => {
    const report = await runHealthChecks(
      [
        { name: "hung", probe: () => new Promise<boolean>(() => {}) },
        { name: "throws", probe: () => Promise.reject(new Error("down")) },
      ],
      50,
    );
    expect(report).to.deep.equal({ status: "failing", checks: { hung: "failing", throws: "failing" } });
  });

  it("refuses other methods and paths with a reason", async () => {
    const server = await startMetricsServer({ metrics: createServiceMetrics("market") });
    try {
      const post = await fetch(`${server.url}/metrics`, { method: "POST" });
      expect(post.status).to.equal(405);
      const other = await fetch(`${server.url}/admin`);
      expect(other.status).to.equal(404);
      expect(await other.text()).to.match(/\/metrics and \/health/);
    } finally {
      await server.close();
    }
  });

  it("refuses a service name Prometheus would not accept", () => {
    expect(() => createServiceMetrics("BAL-1")).to.throw(/lowercase/);
  });
});
