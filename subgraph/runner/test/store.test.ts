// The entity store and query API against graph-node's semantics, on a small schema of their own: unchanged saves,
// immutable entities, get_in_block, enum ordering, and the same behaviour on PostgreSQL as on PGlite.
import { expect } from "chai";
import { openDb } from "../db";
import type { Db } from "../db";
import { QueryService } from "../graphql";
import { parseSchema } from "../schema";
import { EntityStore } from "../store";
import { MappingError } from "../values";

const SDL = `
enum Colour { Red Green Amber }
type Lamp @entity(immutable: false) { id: ID! colour: Colour! watts: BigInt! }
type Reading @entity(immutable: true) { id: ID! lamp: Lamp! watts: BigInt! }
`;
const schema = parseSchema(SDL);

function behavesLikeGraphNode(open: () => Promise<Db | null>) {
  let db: Db | null;
  let store: EntityStore;
  let query: QueryService;

  before(async function () {
    db = await open();
    if (!db) this.skip();
  });

  after(async () => {
    await db?.close();
  });

  beforeEach(async () => {
    await db!.exec("DROP TABLE IF EXISTS entity_versions, indexed_blocks, runner_meta, dynamic_data_sources");
    store = new EntityStore(db!, schema);
    await store.init();
    query = new QueryService(schema, {
      db: db!,
      deployment: "store-test",
      latest: async () => store.persistedBlock(),
      hasIndexingErrors: async () => false,
    });
  });

  async function block(number: number, changes: (s: EntityStore) => void) {
    store.beginBlock(number);
    changes(store);
    store.commitBlock({
      number,
      hash: `0x${number.toString(16).padStart(64, "0")}`,
      parentHash: "0x",
      timestamp: number,
    });
    await store.flush();
  }

  async function versions(entity: string, id: string): Promise<{ block_start: string; block_end: string | null }[]> {
    return db!.query(
      "SELECT block_start::text, block_end::text FROM entity_versions WHERE entity = $1 AND id = $2 ORDER BY block_start",
      [entity, id],
    );
  }

  it("writes no new version for a save that changes nothing", async () => {
    await block(1, (s) => s.set("Lamp", "l1", { id: "l1", colour: "Red", watts: "5" }));
    await block(2, (s) => s.set("Lamp", "l1", { id: "l1", colour: "Red", watts: "5" }));
    await block(3, (s) => s.set("Lamp", "l1", { id: "l1", colour: "Green", watts: "5" }));
    expect(await versions("Lamp", "l1")).to.deep.equal([
      { block_start: "1", block_end: "3" },
      { block_start: "3", block_end: null },
    ]);
  });

  it("refuses to modify or remove an immutable entity, with graph-node's messages", async () => {
    await block(1, (s) => s.set("Reading", "r1", { id: "r1", lamp: "l1", watts: "5" }));
    store.beginBlock(2);
    expect(() => store.set("Reading", "r1", { id: "r1", lamp: "l1", watts: "6" }))
      .to.throw(MappingError)
      .with.property("message", "Immutable entity Reading[r1] can not be modified");
    expect(() => store.remove("Reading", "r1"))
      .to.throw(MappingError)
      .with.property(
        "message",
        "entities of type `Reading` can not be deleted since they are immutable. Entity ids are [r1]",
      );
    store.discardBlock();
    expect(await versions("Reading", "r1")).to.deep.equal([{ block_start: "1", block_end: null }]);
  });

  it("sees only the current block's writes with get_in_block", async () => {
    await block(1, (s) => s.set("Lamp", "l1", { id: "l1", colour: "Red", watts: "5" }));
    store.beginBlock(2);
    expect(store.getInBlock("Lamp", "l1")).to.equal(null);
    expect(store.get("Lamp", "l1")).to.deep.include({ watts: "5" });
    store.set("Lamp", "l1", { id: "l1", colour: "Red", watts: "7" });
    expect(store.getInBlock("Lamp", "l1")).to.deep.include({ watts: "7" });
    store.discardBlock();
  });

  it("orders by an enum in its declaration order, not alphabetically", async () => {
    await block(1, (s) => {
      s.set("Lamp", "a", { id: "a", colour: "Amber", watts: "1" });
      s.set("Lamp", "g", { id: "g", colour: "Green", watts: "1" });
      s.set("Lamp", "r", { id: "r", colour: "Red", watts: "1" });
    });
    const result = await query.execute(
      `{ asc: lamps(orderBy: colour) { id } desc: lamps(orderBy: colour, orderDirection: desc) { id } }`,
    );
    expect(result.data).to.deep.equal({
      asc: [{ id: "r" }, { id: "g" }, { id: "a" }],
      desc: [{ id: "a" }, { id: "g" }, { id: "r" }],
    });
  });

  it("answers as of a block after a rollback reopens closed versions", async () => {
    await block(1, (s) => s.set("Lamp", "l1", { id: "l1", colour: "Red", watts: "5" }));
    await block(2, (s) => s.set("Lamp", "l1", { id: "l1", colour: "Red", watts: "6" }));
    await block(3, (s) => s.remove("Lamp", "l1"));
    await store.rollbackTo(2);
    const result = await query.execute(
      `{ now: lamp(id: "l1") { watts } then: lamp(id: "l1", block: { number: 1 }) { watts } }`,
    );
    expect(result.data).to.deep.equal({ now: { watts: "6" }, then: { watts: "5" } });
  });
}

describe("subgraph entity store (graph-node semantics)", function () {
  this.timeout(120_000);

  describe("on PGlite", () => {
    behavesLikeGraphNode(() => openDb({}));
  });

  describe("on PostgreSQL", () => {
    // The shared server of the development machine (or DATABASE_URL); skipped when none answers.
    const url = process.env.SUBGRAPH_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
    behavesLikeGraphNode(async () => {
      try {
        return await openDb({ databaseUrl: url, pgSchema: `subgraph_store_test_${process.pid}` });
      } catch {
        return null;
      }
    });
    after(async () => {
      const { Client } = await import("pg");
      const client = new Client({ connectionString: url });
      await client.connect().then(
        () => client.query(`DROP SCHEMA IF EXISTS subgraph_store_test_${process.pid} CASCADE`),
        () => undefined,
      );
      await client.end().catch(() => undefined);
    });
  });
});
