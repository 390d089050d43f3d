// The SCD's database: PostgreSQL whenever DATABASE_URL is set or a local server answers; PGlite (which never fsyncs)
// only when neither, or when asked for.
import { expect } from "chai";
import { openPostgres } from "./sqlClient";
import { chooseDatabase, ensureDatabase, LOCAL_DATABASE_NAME } from "./databaseChoice";
import { reachable, TEST_DATABASE_URL } from "../testing/reachable";

describe("chooseDatabase", () => {
  const up = async () => true;
  const down = async () => false;

  it("takes DATABASE_URL when set", async () => {
    const c = await chooseDatabase({ DATABASE_URL: "postgres://db.example/scd" }, down);
    expect(c.databaseUrl).to.equal("postgres://db.example/scd");
  });

  it("takes a local PostgreSQL server that answers, before PGlite", async () => {
    const probed: string[] = [];
    const c = await chooseDatabase({ PGPORT: "6543" }, async (h, p) => (probed.push(`${h}:${p}`), true));
    expect(probed).to.deep.equal(["127.0.0.1:6543"]);
    expect(c.databaseUrl).to.equal(`postgres://postgres@127.0.0.1:6543/${LOCAL_DATABASE_NAME}`);
  });

  it("falls back to PGlite, saying it does not fsync, when no server answers or PGlite is asked for", async () => {
    const none = await chooseDatabase({}, down);
    expect(none.databaseUrl).to.equal(undefined);
    expect(none.why).to.match(/does not fsync/);
    expect((await chooseDatabase({ BAL_DATABASE: "pglite" }, up)).databaseUrl).to.equal(undefined);
  });

  it("creates the local database when missing (real PostgreSQL, when reachable)", async function () {
    if (!(await reachable("127.0.0.1", 5432))) this.skip();
    const name = `flexgrid_certdata_choice_${process.pid}`;
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    await ensureDatabase(url.toString());
    await ensureDatabase(url.toString()); // idempotent
    const db = await openPostgres(url.toString());
    expect((await db.query<{ ok: number }>("select 1 as ok")).rows[0]?.ok).to.equal(1);
    await db.close();
    const admin = await openPostgres(TEST_DATABASE_URL);
    await admin.query(`drop database if exists ${name}`);
    await admin.close();
  });
});
