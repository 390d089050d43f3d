// SCD store behaviour on embedded PGlite, and on real PostgreSQL (db `test`) when it is reachable.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { openPglite, openPgliteInWorker, openPostgres, type SqlClient } from "./sqlClient";
import { ScdStore, type NewPacket } from "./scdStore";
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
      expect(seqs.get("IT001")).to.equal(12);
      expect(seqs.get("IT002")).to.equal(3);
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

    it("marks a batch anchored with its transaction", async () => {
      await store.insertPackets([packet("IT001", 1)]);
      const b = await store.cutBatch(10, fakeTree);
      await store.markBatchAnchored(b!.id, { txHash: h("tx"), blockNumber: 12, chainBatchId: 0, anchoredMs: 99 });
      expect(await store.pendingBatches()).to.deep.equal([]);
      const p = await store.packet(1);
      expect(p?.batch).to.include({ status: "anchored", txHash: h("tx"), blockNumber: 12, chainBatchId: 0 });
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

describe("SCD store (PGlite on its worker thread, as the BAL service runs it)", function () {
  this.timeout(60_000);
  behavesLikeScdStore(() => openPgliteInWorker());

  it("rolls a failed transaction back and reports the database's error with its code", async () => {
    const db = await openPgliteInWorker();
    await db.exec(`create table t (k int primary key)`);
    const failing = db.transaction(async (tx) => {
      await tx.query(`insert into t values (1)`);
      await tx.query(`insert into t values (1)`);
    });
    await failing.then(
      () => expect.fail("the duplicate key must fail the transaction"),
      (error: Error & { code?: string }) => expect(error.code).to.equal("23505"),
    );
    expect((await db.query(`select count(*)::int as n from t`)).rows).to.deep.equal([{ n: 0 }]);
    await db.close();
  });
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
