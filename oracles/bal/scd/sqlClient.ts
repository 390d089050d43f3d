// One SQL interface over embedded PGlite (default) and real PostgreSQL (DATABASE_URL): same SQL, same migrations.
import { mkdirSync } from "node:fs";
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

/** PGlite unless a PostgreSQL URL is given. */
export async function openSqlClient(options: {
  databaseUrl?: string;
  dataDir?: string;
  schema?: string;
}): Promise<SqlClient> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.schema) : openPglite(options.dataDir);
}
