// The BAL's HTTP API (express): a reading with its proof, a PoD's data export (CSV/JSON by day, week, month),
// the 15-min publications, Light Node status, anomalies, rejection counts and batches. Personal data (GDPR: a
// PoD's readings) only to a signed-in party allowed to read that PoD (see auth.ts); readings are addressed by their
// packet hash, never by a sequential id. Public: /health, /stats (counters), /batches (roots, on chain anyway).
import express, { type Request, type Response, type NextFunction } from "express";
import { z } from "zod";
import { gridIdSchema, parseWith, ValidationError } from "../../../protocol";
import { certificateOf } from "../certificate";
import type { Auth, Principal } from "./auth";
import type { ScdStore, StoredPacketWithBatch } from "../scd/scdStore";

export interface BalApiContext {
  store: ScdStore;
  chainId: number;
  measurementAnchor: string;
  lightNodeRegistry: string;
  /** live counters of the service */
  stats(): unknown;
  /** sign-in and roles; every personal-data route requires it */
  auth: Auth;
}

const exportQuerySchema = z.object({
  period: z.enum(["day", "week", "month"]).default("day"),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD"),
  format: z.enum(["json", "csv"]).default("json"),
  kind: z.enum(["measurement", "anomaly", "activation"]).default("measurement"),
});

/** [from, to) in UTC of the day, ISO week (Monday first) or month containing `date`. */
export function periodRange(period: "day" | "week" | "month", date: string): { fromMs: number; toMs: number } {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  if (period === "day") return { fromMs: Date.UTC(y, m - 1, d), toMs: Date.UTC(y, m - 1, d + 1) };
  if (period === "month") return { fromMs: Date.UTC(y, m - 1, 1), toMs: Date.UTC(y, m, 1) };
  const day = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  const monday = d - ((day + 6) % 7);
  return { fromMs: Date.UTC(y, m - 1, monday), toMs: Date.UTC(y, m - 1, monday + 7) };
}

const CSV_COLUMNS = [
  "id",
  "hash",
  "pod",
  "kind",
  "sequence",
  "timestampMs",
  "timestampUtc",
  "activePowerW",
  "reactivePowerVar",
  "importedEnergyWh",
  "exportedEnergyWh",
  "meterStatus",
  "anomaly",
  "detail",
  "batchRoot",
  "anchorTx",
];

export function toCsv(rows: readonly StoredPacketWithBatch[]): string {
  const esc = (v: unknown) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = rows.map((r) => {
    const d = r.data as Record<string, unknown>;
    return [
      r.id,
      r.hash,
      r.pod,
      r.kind,
      r.seq,
      r.timestampMs,
      new Date(r.timestampMs).toISOString(),
      d.activePowerW,
      d.reactivePowerVar,
      d.importedEnergyWh,
      d.exportedEnergyWh,
      d.meterStatus,
      d.anomaly,
      d.detail,
      r.batch?.root,
      r.batch?.txHash,
    ]
      .map(esc)
      .join(",");
  });
  return [CSV_COLUMNS.join(","), ...lines].join("\n") + "\n";
}

export function createBalApi(ctx: BalApiContext): express.Express {
  const app = express();
  const where = {
    chainId: ctx.chainId,
    measurementAnchor: ctx.measurementAnchor,
    lightNodeRegistry: ctx.lightNodeRegistry,
  };
  const wrap =
    (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) =>
      fn(req, res).catch(next);

  const auth = ctx.auth;
  const signedIn = auth.requireSignIn();
  const principal = (res: Response) => res.locals.principal as Principal;
  const forbidden = (res: Response, what: string) =>
    void res.status(403).json({ error: `not allowed to read ${what}` });
  app.disable("x-powered-by");
  app.use("/auth", auth.router());

  app.get("/health", (_req, res) => void res.json({ ok: true }));
  app.get(
    "/stats",
    wrap(async (_req, res) => void res.json({ ...(ctx.stats() as object), scd: await ctx.store.countPackets() })),
  );

  app.get(
    "/readings/:id",
    signedIn,
    wrap(async (req, res) => {
      const id = String(req.params.id);
      // the packet hash only: a sequential id would let anyone walk every PoD's readings
      if (!/^0x[0-9a-fA-F]{64}$/.test(id)) throw new ValidationError("reading id", [`${id}: a 32-byte packet hash`]);
      const p = await ctx.store.packet(id.toLowerCase());
      // the same answer for "not there" and "not yours": a refusal must not confirm that a reading exists
      if (!p || !(await auth.mayReadPod(principal(res), p.pod)))
        return void res.status(404).json({ error: `no reading ${id} you may read` });
      res.json(certificateOf(p, where));
    }),
  );

  app.get(
    "/pods/:pod/export",
    signedIn,
    wrap(async (req, res) => {
      const pod = parseWith(gridIdSchema, req.params.pod, "PoD id");
      if (!(await auth.mayReadPod(principal(res), pod))) return forbidden(res, `PoD ${pod}`);
      const q = parseWith(exportQuerySchema, req.query, "export query");
      const { fromMs, toMs } = periodRange(q.period, q.date);
      const rows = await ctx.store.packetsOfPod(pod, fromMs, toMs, [q.kind]);
      const name = `${pod}-${q.kind}-${q.period}-${q.date}`;
      if (q.format === "csv") {
        res.type("text/csv").attachment(`${name}.csv`).send(toCsv(rows));
      } else {
        res
          .attachment(`${name}.json`)
          .json({ pod, period: q.period, fromMs, toMs, readings: rows.map((r) => certificateOf(r, where)) });
      }
    }),
  );

  app.get(
    "/publications/:slotStartMs",
    signedIn,
    wrap(async (req, res) => {
      const slot = Number(req.params.slotStartMs);
      if (!Number.isSafeInteger(slot)) throw new ValidationError("slot", ["slotStartMs must be an integer (ms)"]);
      const all = await ctx.store.publications(slot);
      const p = principal(res);
      // the DSO sees every PoD's summary, anyone else only those of the PoDs it may read
      const pods = (await auth.mayReadAll(p))
        ? all
        : (await Promise.all(all.map(async (row) => ((await auth.mayReadPod(p, row.pod)) ? row : undefined)))).filter(
            (row) => row !== undefined,
          );
      res.json({ slotStartMs: slot, pods });
    }),
  );

  app.get(
    "/light-nodes",
    signedIn,
    wrap(async (_req, res) => {
      if (!(await auth.mayReadAll(principal(res)))) return forbidden(res, "every Light Node's status (DSO only)");
      res.json(await ctx.store.lightNodes());
    }),
  );
  app.get(
    "/anomalies",
    signedIn,
    wrap(async (req, res) => {
      const pod = req.query.pod === undefined ? undefined : parseWith(gridIdSchema, req.query.pod, "PoD id");
      const p = principal(res);
      if (pod === undefined ? !(await auth.mayReadAll(p)) : !(await auth.mayReadPod(p, pod)))
        return forbidden(res, pod === undefined ? "every PoD's anomalies (DSO only; add ?pod=)" : `PoD ${pod}`);
      const limit = Math.min(1000, Number(req.query.limit ?? 100) || 100);
      res.json(await ctx.store.anomalies({ pod, limit }));
    }),
  );
  app.get(
    "/rejections",
    signedIn,
    wrap(async (_req, res) => {
      if (!(await auth.mayReadAll(principal(res)))) return forbidden(res, "the rejections (DSO only)");
      res.json({ counts: await ctx.store.rejectionCounts(), recent: await ctx.store.recentRejections(100) });
    }),
  );
  app.get(
    "/batches",
    wrap(async (_req, res) => void res.json(await ctx.store.batches(50))),
  );

  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ValidationError)
      return void res.status(400).json({ error: error.message, issues: error.issues });
    res.status(500).json({ error: error.message });
  });
  return app;
}
