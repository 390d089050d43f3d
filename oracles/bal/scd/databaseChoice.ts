// Which database the BAL's SCD uses when it runs as a service. PostgreSQL whenever it can: DATABASE_URL when set,
// else a PostgreSQL server answering locally (PGHOST/PGPORT, default 127.0.0.1:5432; database flexgrid_bal, created
// if missing). PGlite only when neither is there or BAL_DATABASE=pglite: PGlite does not fsync, so a reading it
// acknowledged can be lost on a power cut (a process crash is fine: the OS still has the pages).
import { tcpAnswers } from "../../../core/net";

export interface DatabaseChoice {
  /** undefined = PGlite in the data dir */
  databaseUrl?: string;
  why: string;
}

export const LOCAL_DATABASE_NAME = "flexgrid_bal";

/** Decides the SCD's database from the environment (and a probe of the local PostgreSQL port). */
export async function chooseDatabase(
  env: Record<string, string | undefined>,
  probe: (host: string, port: number) => Promise<boolean> = tcpAnswers,
): Promise<DatabaseChoice> {
  if (env.DATABASE_URL) return { databaseUrl: env.DATABASE_URL, why: "DATABASE_URL" };
  if (env.BAL_DATABASE === "pglite")
    return { why: "BAL_DATABASE=pglite (PGlite does not fsync: acknowledged readings can be lost on a power cut)" };
  const host = env.PGHOST ?? "127.0.0.1";
  const port = Number(env.PGPORT ?? 5432);
  if (await probe(host, port)) {
    const user = encodeURIComponent(env.PGUSER ?? "postgres");
    const password = env.PGPASSWORD ? `:${encodeURIComponent(env.PGPASSWORD)}` : "";
    return {
      databaseUrl: `postgres://${user}${password}@${host}:${port}/${env.PGDATABASE ?? LOCAL_DATABASE_NAME}`,
      why: `a PostgreSQL server answers at ${host}:${port}`,
    };
  }
  return {
    why: "no DATABASE_URL and no local PostgreSQL: PGlite (does not fsync: acknowledged readings can be lost on a power cut)",
  };
}

/** Creates the URL's database if it does not exist (a local server found by the probe starts empty). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require("pg") as typeof import("pg");
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) return; // not ours to create (or needs quoting): let the connect say so
  const probe = new pg.Client({ connectionString: databaseUrl });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== "3D000") throw error; // 3D000 = database does not exist
  } finally {
    await probe.end().catch(() => undefined);
  }
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } catch (error) {
    if ((error as { code?: string }).code !== "42P04") throw error; // created meanwhile by another instance
  } finally {
    await admin.end();
  }
}
