// SCD store behaviour on embedded PGlite, and on real PostgreSQL (db `test`) when it is reachable.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { openPglite, openPostgres, type SqlClient } from "./sqlClient";
import { packetColumns, ScdStore, type NewPacket } from "./scdStore";
import { migrate } from "./migrations";
import { encodeProofBlob } from "./proofBlob";
import { reachable, TEST_DATABASE_URL } from "../testing/reachable";

const h = (s: string) => "0x" + createHash("sha256").update(s).digest("hex");
// the store does not care how the tree is built: a stand-in that records the order it was given
const fakeTree = (hashes: string[]) => ({ root: h(hashes.join()), proofs: hashes.map((x, i) => [h(`${x}/${i}`)]) });

function packet(pod: string, seq: number, kind: NewPacket["kind"] = "measurement"): NewPacket {
  return {
    hash: h(`${pod}/${kind}/${seq}`),
    kind,
    pod,
    seq,
    timestampMs: 1_700_000_000_000 + seq * 1000,
    publicKey: "0x04" + "ab".repeat(64),
    signature: "0x" + "cd".repeat(64),
    data: { pod, seq, pW: 1000 + seq, note: 'it\'s "quoted"' },
    receivedMs: 1_700_000_000_500 + seq * 1000,
  };
}

/** Packets stored but not exactly once in the queue or the leaves (the queue/leaves invariant; must be none). */
async function packetsNotQueuedOrBatchedOnce(db: SqlClient): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `select p.id from bal_packets p
     where (select count(*) from bal_unbatched u where u.id = p.id)
         + (select count(*) from bal_batch_leaves l where l.packet_id = p.id) <> 1
     order by p.id`,
  );
  return rows.map((r) => Number(r.id));
}

function behavesLikeScdStore(open: () => Promise<SqlClient>) {
  let store: ScdStore;
  beforeEach(async () => {
    store = await ScdStore.open(await open());
  });
  afterEach(async () => store.close());

  describe("insertPackets", () => {
    it("stores packets and reports a replayed hash as duplicate without storing it twice", async () => {
      const a = await store.insertPackets([packet("IT001", 1), packet("IT001", 2)]);
      expect(a.inserted.size).to.equal(2);
      const b = await store.insertPackets([packet("IT001", 2), packet("IT001", 3)]);
      expect(b.duplicates).to.deep.equal([packet("IT001", 2).hash]);
      expect((await store.countPackets()).total).to.equal(3);
      const got = await store.packet(packet("IT001", 2).hash);
      expect(got?.data).to.deep.equal(packet("IT001", 2).data);
      expect(got?.batch).to.equal(null);
    });

    it("remembers the last sequence per PoD across packet kinds", async () => {
      await store.insertPackets([
        packet("IT001", 4),
        packet("IT001", 9),
        packet("IT002", 3),
        packet("IT001", 12, "anomaly"),
      ]);
      const seqs = await store.lastSequences();
      expect(seqs.get("IT001")?.seq).to.equal(12);
      expect(seqs.get("IT002")?.seq).to.equal(3);
    });

    it("refuses a second packet with a used sequence number and tells it from a redelivery", async () => {
      await store.insertPackets([packet("IT001", 4)]);
      const reused = { ...packet("IT001", 4), hash: h("another packet, same sequence") };
      const r = await store.insertPackets([reused, packet("IT001", 4)]);
      expect(r.inserted.size).to.equal(0);
      const stored = await store.storedHashes(r.duplicates);
      expect([...stored]).to.deep.equal([packet("IT001", 4).hash]);
    });
  });

  describe("cutBatch", () => {
    it("batches the oldest unbatched packets with proofs, then the rest, and never a packet twice", async () => {
      await store.insertPackets([1, 2, 3, 4, 5].map((s) => packet("IT001", s)));
      const first = await store.cutBatch(3, fakeTree, 42);
      expect(first).to.include({
        count: 3,
        status: "pending",
        fromMs: packet("IT001", 1).timestampMs,
        toMs: packet("IT001", 3).timestampMs,
      });
      expect(first?.root).to.equal(fakeTree([1, 2, 3].map((s) => packet("IT001", s).hash)).root);
      const second = await store.cutBatch(10, fakeTree);
      expect(second?.count).to.equal(2);
      expect(await store.cutBatch(10, fakeTree)).to.equal(undefined);
      const p3 = await store.packet(packet("IT001", 3).hash);
      expect(p3).to.include({ batchId: first?.id, leafIndex: 2 });
      expect(p3?.proof).to.deep.equal([h(`${packet("IT001", 3).hash}/2`)]);
      expect((await store.pendingBatches()).map((b) => b.id)).to.deep.equal([first?.id, second?.id]);
    });

    it("queues every stored packet exactly once and never batches a packet twice, even when two cuts race", async () => {
      await store.insertPackets([1, 2, 3, 4].map((s) => packet("IT001", s)));
      // redeliveries (batched or not) and a reused sequence number queue nothing
      await store.cutBatch(2, fakeTree);
      await store.insertPackets([packet("IT001", 1), packet("IT001", 3), packet("IT001", 5), packet("IT002", 1)]);
      await store.insertPackets([{ ...packet("IT001", 5), hash: h("same sequence, another packet") }]);
      expect(await packetsNotQueuedOrBatchedOnce(store.db)).to.deep.equal([]);
      expect(await store.countPackets()).to.include({ total: 6, unbatched: 4 });
      // both cuts read the same queue; one of them gets the packets, the other finds them gone or locked
      // a root per call, so the batch that loses the race fails on its packets, not on a duplicate root
      let call = 0;
      const slowTree = async (hashes: string[]) => {
        const root = h(`call ${call++}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { ...fakeTree(hashes), root };
      };
      const cuts = await Promise.allSettled([store.cutBatch(10, slowTree), store.cutBatch(10, slowTree)]);
      const failed = cuts.filter((c) => c.status === "rejected").map((c) => String(c.reason));
      for (const reason of failed) expect(reason).to.match(/batched meanwhile; cut again/);
      while (await store.cutBatch(10, fakeTree));
      expect(await packetsNotQueuedOrBatchedOnce(store.db)).to.deep.equal([]);
      expect(await store.countPackets()).to.include({ total: 6, unbatched: 0 });
      const { rows } = await store.db.query<{ n: number }>(`select sum(count)::int as n from bal_batches`);
      expect(rows[0].n).to.equal(6);
    });

    it("marks a batch anchored with its transaction", async () => {
      await store.insertPackets([packet("IT001", 1)]);
      const b = await store.cutBatch(10, fakeTree);
      await store.markBatchAnchored(b!.id, { txHash: h("tx"), blockNumber: 12, chainBatchId: 0, anchoredMs: 99 });
      expect(await store.pendingBatches()).to.deep.equal([]);
      const p = await store.packet(1);
      expect(p?.batch).to.include({ status: "anchored", txHash: h("tx"), blockNumber: 12, chainBatchId: 0 });
    });
  });

  describe("migration 3 (queue and leaves out of bal_packets)", () => {
    it("serves a version-2 store's packets with the same batches and proofs and batches its unbatched ones next", async () => {
      const db = await open();
      expect(await migrate(db, 2)).to.deep.equal([1, 2]);
      const ps = [1, 2, 3, 4, 5].map((s) => packet("IT001", s));
      const { rows: ids } = await db.query<{ id: number }>(
        `insert into bal_packets (hash, kind, pod, seq, ts_ms, public_key, signature, data, received_ms)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[],
                              $8::jsonb[], $9::bigint[]) returning id`,
        packetColumns(ps),
      );
      expect(ids.map((r) => Number(r.id))).to.deep.equal([1, 2, 3, 4, 5]);
      // packet 1 batched before migration 2 (jsonb proof); packets 2 and 3 by the version-2 code (proof blob)
      const legacyProof = [h("legacy sibling")];
      await db.query(
        `insert into bal_batches (id, root, from_ms, to_ms, count, status, created_ms) values (1, $1, 0, 0, 1, 'anchored', 1)`,
        [h("root 1")],
      );
      await db.query(`update bal_packets set batch_id = 1, leaf_index = 0, proof = $1 where id = 1`, [
        JSON.stringify(legacyProof),
      ]);
      const tree = fakeTree([ps[1].hash, ps[2].hash]);
      const blob = encodeProofBlob(tree.proofs);
      await db.query(
        `insert into bal_batches (id, root, from_ms, to_ms, count, status, created_ms, proof_stride, proofs)
         values (2, $1, 0, 0, 2, 'pending', 2, $2, decode($3, 'base64'))`,
        [tree.root, blob.stride, Buffer.from(blob.bytes).toString("base64")],
      );
      await db.query(`update bal_packets set batch_id = 2, leaf_index = id - 2 where id in (2, 3)`);
      await db.exec(`select setval(pg_get_serial_sequence('bal_batches', 'id'), 2)`);

      const migrated = await ScdStore.open(db);
      try {
        expect(await packetsNotQueuedOrBatchedOnce(db)).to.deep.equal([]);
        expect(await migrated.countPackets()).to.deep.equal({
          total: 5,
          unbatched: 2,
          pendingBatches: 1,
          anchoredBatches: 1,
        });
        const p1 = await migrated.packet(ps[0].hash);
        expect(p1).to.include({ batchId: 1, leafIndex: 0 });
        expect(p1?.proof).to.deep.equal(legacyProof);
        expect(p1?.batch).to.include({ id: 1, status: "anchored" });
        for (const i of [1, 2]) {
          const p = await migrated.packet(ps[i].hash);
          expect(p).to.include({ batchId: 2, leafIndex: i - 1 });
          expect(p?.proof).to.deep.equal(tree.proofs[i - 1]);
          expect(p?.batch?.root).to.equal(tree.root);
        }
        const exported = await migrated.packetsOfPod("IT001", 0, Number.MAX_SAFE_INTEGER);
        expect(exported.map((p) => p.batchId)).to.deep.equal([1, 2, 2, null, null]);

        const next = await migrated.cutBatch(10, fakeTree);
        expect(next).to.include({ id: 3, count: 2, root: fakeTree([ps[3].hash, ps[4].hash]).root });
        const p5 = await migrated.packet(ps[4].hash);
        expect(p5).to.include({ batchId: 3, leafIndex: 1 });
        expect(p5?.proof).to.deep.equal([h(`${ps[4].hash}/1`)]);
        expect(await migrated.cutBatch(10, fakeTree)).to.equal(undefined);
        expect(await packetsNotQueuedOrBatchedOnce(db)).to.deep.equal([]);
      } finally {
        await migrated.close();
      }
    });
  });

  describe("queries", () => {
    it("exports a PoD's packets in a time range in time order", async () => {
      await store.insertPackets([3, 1, 2, 7].map((s) => packet("IT001", s)).concat(packet("IT002", 2)));
      const rows = await store.packetsOfPod("IT001", packet("IT001", 1).timestampMs, packet("IT001", 7).timestampMs);
      expect(rows.map((r) => r.seq)).to.deep.equal([1, 2, 3]);
    });

    it("lists anomalies newest first", async () => {
      await store.insertPackets([packet("IT001", 1, "anomaly"), packet("IT001", 2, "anomaly"), packet("IT001", 3)]);
      await store.touchLightNodes([{ pod: "IT001", online: true, lastSeenMs: 5, lastSeq: 3, statusReason: null }], 6);
      expect((await store.lightNodes())[0]).to.include({ pod: "IT001", online: true, lastSeq: 3 });
      expect((await store.anomalies()).map((a) => a.seq)).to.deep.equal([2, 1]);
    });
  });

  describe("rejections", () => {
    it("counts rejections per reason and keeps the latest ones", async () => {
      await store.recordRejections([
        { reason: "bad-signature", pod: "IT001", atMs: 1 },
        { reason: "replay", pod: "IT001", atMs: 2 },
        { reason: "bad-signature", topic: "x", atMs: 3, detail: "d" },
      ]);
      await store.recordRejections([{ reason: "replay", atMs: 4 }], 2);
      expect(await store.rejectionCounts()).to.deep.equal({ "bad-signature": 2, replay: 2 });
      expect((await store.recentRejections()).map((r) => r.atMs)).to.deep.equal([4, 3]);
    });
  });

  describe("light nodes and publications", () => {
    it("upserts Light Node status and never moves lastSeq back", async () => {
      await store.setLightNodeStatus({ pod: "IT001", online: true, lastSeenMs: 10, lastSeq: 5 }, 10);
      await store.setLightNodeStatus(
        { pod: "IT001", online: false, lastSeenMs: 8, lastSeq: 3, statusReason: "last-will" },
        11,
      );
      expect(await store.lightNodes()).to.deep.equal([
        { pod: "IT001", online: false, lastSeenMs: 10, lastSeq: 5, statusReason: "last-will", updatedMs: 11 },
      ]);
    });

    it("records a publication once per slot and PoD", async () => {
      expect(
        await store.recordPublication({
          slotStartMs: 900_000,
          pod: "IT001",
          gap: true,
          payload: { gap: true },
          publishedMs: 1,
        }),
      ).to.equal(true);
      expect(
        await store.recordPublication({ slotStartMs: 900_000, pod: "IT001", gap: false, payload: {}, publishedMs: 2 }),
      ).to.equal(false);
      expect(await store.publications(900_000)).to.deep.equal([{ pod: "IT001", gap: true, payload: { gap: true } }]);
    });
  });
}

describe("SCD store (PGlite)", () => {
  behavesLikeScdStore(() => openPglite());
});

describe("SCD store (PostgreSQL, when reachable)", function () {
  const schemas: string[] = [];
  before(async function () {
    if (!(await reachable("127.0.0.1", 5432))) this.skip();
  });
  after(async () => {
    if (schemas.length === 0) return;
    const admin = await openPostgres(TEST_DATABASE_URL);
    for (const s of schemas) await admin.exec(`drop schema if exists ${s} cascade`);
    await admin.close();
  });
  behavesLikeScdStore(() => {
    const schema = `bal_test_${process.pid}_${schemas.length}`;
    schemas.push(schema);
    return openPostgres(TEST_DATABASE_URL, schema);
  });
});
