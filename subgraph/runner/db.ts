// SQL access for the runner: embedded PGlite by default, PostgreSQL when DATABASE_URL is given; both speak the
// same SQL, so the store and the GraphQL resolvers do not care which one they get.
import { mkdirSync } from "node:fs";
import path from "node:path";

export interface Db {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly kind: "pglite" | "postgres";
}

/** Opens PGlite in memory (no dataDir) or on disk, or PostgreSQL at `databaseUrl` with its own schema. */
export async function openDb(options: { databaseUrl?: string; dataDir?: string; pgSchema?: string }): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.pgSchema ?? "subgraph_flexgrid");
  const { PGlite } = await import("@electric-sql/pglite");
  // PGlite creates its own directory but not the parents.
  if (options.dataDir) mkdirSync(path.dirname(options.dataDir), { recursive: true });
  const pg = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
  await pg.waitReady;
  const wrap = (q: { query: typeof pg.query; exec: typeof pg.exec }): Db => ({
    kind: "pglite",
    async query<T>(sql: string, params?: unknown[]) {
      return (await q.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      return pg.transaction(async (tx) => fn(wrap(tx as unknown as typeof pg)));
    },
    async close() {
      await pg.close();
    },
  });
  return wrap(pg);
}

async function openPostgres(url: string, schema: string): Promise<Db> {
  const { Pool } = await import("pg");
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  // Every pooled connection starts in the runner's own schema, so it never touches other tables of the database.
  const pool = new Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}` });
  {
    const client = await pool.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`SET search_path TO ${schema}`);
    } finally {
      client.release();
    }
  }
  const db: Db = {
    kind: "postgres",
    async query<T>(sql: string, params?: unknown[]) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const tx: Db = {
          kind: "postgres",
          query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
          exec: async (sql: string) => {
            await client.query(sql);
          },
          transaction: (inner) => inner(tx),
          close: async () => undefined,
        };
        const result = await fn(tx);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
  return db;
}
