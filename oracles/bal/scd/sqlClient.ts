// One SQL interface over embedded PGlite (default) and real PostgreSQL (DATABASE_URL): same SQL, same migrations.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

export interface SqlQueryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export interface SqlClient extends SqlQueryable {
  readonly kind: "pglite" | "postgres";
  /** Runs several statements (no parameters), e.g. a migration. */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Embedded PostgreSQL (WASM); `dataDir` undefined = in memory. */
export async function openPglite(dataDir?: string): Promise<SqlClient> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = new PGlite(dataDir);
  await db.waitReady;
  return {
    kind: "pglite",
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await db.query<T>(sql, params)).rows }),
    exec: async (sql) => {
      await db.exec(sql);
    },
    transaction: (fn) =>
      db.transaction(async (tx) =>
        fn({ query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await tx.query<T>(sql, params)).rows }) }),
      ),
    close: () => db.close(),
  };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type PgliteRequest =
  | { id: number; op: "query"; sql: string; params?: unknown[]; txId?: number }
  | { id: number; op: "exec"; sql: string }
  | { id: number; op: "begin" }
  | { id: number; op: "end"; txId: number; commit: boolean }
  | { id: number; op: "close" };
export interface PgliteReply {
  id: number;
  rows?: unknown[];
  error?: { message: string; code?: string; detail?: string };
}

/**
 * PGlite on its own worker thread (pgliteWorkerMain.ts), same SqlClient: on the BAL's hot path the WASM database was
 * more than half of the main thread's time, competing with the broker. Statements and transactions keep PGlite's
 * in-process semantics (one connection; a transaction holds it until it ends).
 */
export async function openPgliteInWorker(dataDir?: string): Promise<SqlClient> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const worker = new Worker(path.join(__dirname, "pgliteWorker.js"), {
    workerData: { dataDir },
    // the worker allocates every statement's parameters and rows; see verifyPool.ts
    resourceLimits: { maxYoungGenerationSizeMb: 192 },
  });
  const pending = new Map<number, { resolve: (r: PgliteReply) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failed: Error | undefined;
  const toError = (e: NonNullable<PgliteReply["error"]>) =>
    Object.assign(new Error(e.message), e.code ? { code: e.code } : {}, e.detail ? { detail: e.detail } : {});
  const ready = new Promise<void>((resolve, reject) => {
    pending.set(0, { resolve: () => resolve(), reject });
  });
  worker.on("message", (m: PgliteReply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(toError(m.error));
    else p.resolve(m);
  });
  const failAll = (error: Error) => {
    failed = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on("error", failAll);
  worker.on("exit", (code) => failAll(new Error(`the SCD worker exited (${code})`)));
  const request = (m: DistributiveOmit<PgliteRequest, "id">, id = nextId++): Promise<PgliteReply> => {
    if (failed) return Promise.reject(failed);
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...m, id } as PgliteRequest);
    });
  };
  await ready;
  const query = async <T>(sql: string, params?: unknown[], txId?: number) => ({
    rows: (await request({ op: "query", sql, params, txId })).rows as T[],
  });
  return {
    kind: "pglite",
    query: (sql, params) => query(sql, params),
    exec: async (sql) => {
      await request({ op: "exec", sql });
    },
    transaction: async (fn) => {
      const txId = nextId++;
      await request({ op: "begin" }, txId);
      let result;
      try {
        result = await fn({ query: (sql, params) => query(sql, params, txId) });
      } catch (error) {
        // PGlite answers a rollback with its "rolled back" error: nothing to report
        await request({ op: "end", txId, commit: false }).catch(() => undefined);
        throw error;
      }
      await request({ op: "end", txId, commit: true });
      return result;
    },
    close: async () => {
      await request({ op: "close" });
      await worker.terminate();
    },
  };
}

/** Real PostgreSQL through `pg` (loaded lazily so the embedded default needs no driver). */
export async function openPostgres(databaseUrl: string, schema?: string): Promise<SqlClient> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require("pg") as typeof import("pg");
  // int8 as JS numbers, as PGlite returns them: every bigint here is a ms timestamp or a counter < 2^53
  pg.types.setTypeParser(20, (v) => Number(v));
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  // a private schema (tests, or several SCDs in one database) goes on every connection's search path
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 8,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  if (schema) await pool.query(`create schema if not exists ${schema}`);
  await pool.query("select 1");
  return {
    kind: "postgres",
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await pool.query(sql, params)).rows as T[] }),
    exec: async (sql) => {
      await pool.query(sql);
    },
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query("begin");
        const result = await fn({
          query: async <T>(sql: string, params?: unknown[]) => ({
            rows: (await client.query(sql, params)).rows as T[],
          }),
        });
        await client.query("commit");
        return result;
      } catch (error) {
        await client.query("rollback").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** PGlite unless a PostgreSQL URL is given; `pgliteWorker` puts PGlite on its own thread (the BAL service does). */
export async function openSqlClient(options: {
  databaseUrl?: string;
  dataDir?: string;
  schema?: string;
  pgliteWorker?: boolean;
}): Promise<SqlClient> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.schema);
  return options.pgliteWorker ? openPgliteInWorker(options.dataDir) : openPglite(options.dataDir);
}
