// Prometheus metrics and a health endpoint for every FlexGrid service (BAL, DSO oracle, market oracle, subgraph
// runner, aggregator, TSO): one registry per service, served at /metrics in Prometheus' text format, and /health
// answering 200 when every check passes and 503 naming the failed ones, as a load balancer or a supervisor expects.
// prom-client is the Prometheus project's Node client: its formats and default process metrics are what the
// scrapers and dashboards already know, so nothing here re-implements them.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** One health check: a name and a probe that resolves to true when healthy (a throw counts as unhealthy). */
export interface HealthCheck {
  name: string;
  probe(): boolean | Promise<boolean>;
}

export interface ServiceMetrics {
  /** The service's registry (default Node process metrics included, prefixed `flexgrid_`). */
  registry: Registry;
  counter(name: string, help: string, labelNames?: string[]): Counter<string>;
  gauge(name: string, help: string, labelNames?: string[]): Gauge<string>;
  /** A histogram in seconds, with buckets from 1 ms to 2 min (a pass of an oracle, a batch's anchoring delay). */
  histogram(name: string, help: string, labelNames?: string[]): Histogram<string>;
}

const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** A registry for one service: every metric is named `flexgrid_<service>_<name>` and labelled with the instance. */
export function createServiceMetrics(service: string, instance = service): ServiceMetrics {
  if (!/^[a-z][a-z0-9_]*$/.test(service)) throw new Error(`metric service name "${service}": lowercase, digits, _`);
  const registry = new Registry();
  registry.setDefaultLabels({ service, instance });
  collectDefaultMetrics({ register: registry, prefix: "flexgrid_" });
  const full = (name: string) => `flexgrid_${service}_${name}`;
  return {
    registry,
    counter: (name, help, labelNames = []) =>
      new Counter({ name: full(name), help, labelNames, registers: [registry] }),
    gauge: (name, help, labelNames = []) => new Gauge({ name: full(name), help, labelNames, registers: [registry] }),
    histogram: (name, help, labelNames = []) =>
      new Histogram({ name: full(name), help, labelNames, buckets: SECONDS_BUCKETS, registers: [registry] }),
  };
}

export interface HealthReport {
  status: "ok" | "failing";
  checks: Record<string, "ok" | "failing">;
}

/** Runs every check (each bounded by `timeoutMs`, so one hung dependency cannot hang the endpoint). */
export async function runHealthChecks(checks: HealthCheck[], timeoutMs = 2_000): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async (check) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      try {
        return [check.name, await Promise.race([Promise.resolve().then(() => check.probe()), timeout])] as const;
      } catch {
        return [check.name, false] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checksOut = Object.fromEntries(
    results.map(([name, ok]) => [name, ok ? "ok" : "failing"]),
  ) as HealthReport["checks"];
  return { status: results.every(([, ok]) => ok) ? "ok" : "failing", checks: checksOut };
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** Serves /metrics and /health on its own port (operators scrape it on the internal network only). */
export async function startMetricsServer(options: {
  metrics: ServiceMetrics;
  checks?: HealthCheck[];
  port?: number;
  host?: string;
}): Promise<MetricsServer> {
  const checks = options.checks ?? [];
  const server: Server = createServer((request, response) => {
    const route = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET") {
      response.writeHead(405, { allow: "GET", "content-type": "text/plain" }).end("only GET\n");
      return;
    }
    if (route === "/metrics") {
      options.metrics.registry
        .metrics()
        .then((text) => response.writeHead(200, { "content-type": options.metrics.registry.contentType }).end(text))
        .catch((error: Error) => response.writeHead(500, { "content-type": "text/plain" }).end(`${error.message}\n`));
      return;
    }
    if (route === "/health") {
      void runHealthChecks(checks).then((report) =>
        response
          .writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json" })
          .end(JSON.stringify(report)),
      );
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" }).end("not found: /metrics and /health are served here\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(":") ? `[${address}]` : address}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
