// Worker thread body: hosts the embedded PostgreSQL (PGlite, WASM) so its CPU time is not the main thread's, which
// runs the MQTT broker and the ingest pipeline. Serves the SqlClient operations sent by `openPgliteInWorker`.
import { parentPort, workerData } from "node:worker_threads";
import { openPglite, type PgliteReply, type PgliteRequest, type SqlQueryable } from "./sqlClient";

interface OpenTransaction {
  tx: SqlQueryable;
  finish: (commit: boolean) => void;
  /** id of the "end" request, answered once PGlite has committed or rolled back */
  endId?: number;
}

async function main(): Promise<void> {
  const port = parentPort!;
  const db = await openPglite((workerData as { dataDir?: string }).dataDir);
  const transactions = new Map<number, OpenTransaction>();
  const reply = (m: PgliteReply) => port.postMessage(m);
  const fail = (id: number, error: unknown) => {
    const e = error as Error & { code?: unknown; detail?: unknown };
    reply({
      id,
      error: {
        message: e.message ?? String(error),
        code: typeof e.code === "string" ? e.code : undefined,
        detail: typeof e.detail === "string" ? e.detail : undefined,
      },
    });
  };
  port.on("message", (m: PgliteRequest) => {
    switch (m.op) {
      case "query": {
        const target = m.txId === undefined ? db : transactions.get(m.txId)?.tx;
        if (!target) return fail(m.id, new Error(`no open transaction ${m.txId}`));
        target.query(m.sql, m.params).then(
          (r) => reply({ id: m.id, rows: r.rows }),
          (e) => fail(m.id, e),
        );
        return;
      }
      case "exec":
        db.exec(m.sql).then(
          () => reply({ id: m.id }),
          (e) => fail(m.id, e),
        );
        return;
      case "begin": {
        // open until "end" arrives; PGlite queues every other statement meanwhile, as in process
        const settle = (error?: unknown) => {
          const endId = transactions.get(m.id)?.endId;
          transactions.delete(m.id);
          if (endId === undefined) return;
          if (error === undefined) reply({ id: endId });
          else fail(endId, error);
        };
        db.transaction(
          (tx) =>
            new Promise<void>((resolve, reject) => {
              transactions.set(m.id, {
                tx,
                finish: (commit) => (commit ? resolve() : reject(new Error("rolled back"))),
              });
              reply({ id: m.id });
            }),
        ).then(
          () => settle(),
          (e) => settle(e),
        );
        return;
      }
      case "end": {
        const t = transactions.get(m.txId);
        if (!t) return fail(m.id, new Error(`no open transaction ${m.txId}`));
        t.endId = m.id;
        t.finish(m.commit);
        return;
      }
      case "close":
        db.close().then(
          () => reply({ id: m.id }),
          (e) => fail(m.id, e),
        );
        return;
    }
  });
  reply({ id: 0 });
}

void main().catch((error: Error) => parentPort?.postMessage({ id: 0, error: { message: error.message } }));
