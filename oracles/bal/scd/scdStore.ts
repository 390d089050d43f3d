// The BAL's part of the SCD: accepted packets, the queue of unbatched ones, batches with their leaves, proofs and
// anchoring, rejection counts, Light Node status and the 15-min publications. Bulk paths use unnest() so 1,000 rows are one statement.
import type { SqlClient, SqlQueryable } from "./sqlClient";
import { migrate } from "./migrations";
import { decodeProofRecord, encodeProofBlob, type BatchProofBlob } from "./proofBlob";

export type PacketKind = "measurement" | "anomaly" | "activation";

export interface NewPacket {
  hash: string;
  kind: PacketKind;
  pod: string;
  seq: number;
  timestampMs: number;
  publicKey: string;
  signature: string;
  data: unknown;
  receivedMs: number;
}

export interface StoredPacket extends NewPacket {
  id: number;
  batchId: number | null;
  leafIndex: number | null;
  proof: string[] | null;
}

export interface BatchRow {
  id: number;
  root: string;
  fromMs: number;
  toMs: number;
  count: number;
  status: "pending" | "anchored";
  createdMs: number;
  txHash: string | null;
  blockNumber: number | null;
  chainBatchId: number | null;
  anchoredMs: number | null;
  /** chain head when the batch was cut: where recovery starts looking for its event */
  checkpointBlock?: number | null;
  /** the anchoring transaction in flight (or the last one sent) and its nonce */
  submittedTx?: string | null;
  submittedNonce?: number | null;
  /** anchored and at least N confirmations deep */
  final?: boolean;
}

export interface StoredPacketWithBatch extends StoredPacket {
  batch: BatchRow | null;
}

export interface LightNodeStatusRow {
  pod: string;
  online: boolean;
  lastSeenMs: number;
  lastSeq: number | null;
  statusReason: string | null;
  updatedMs: number;
}

export interface RejectedPacketRow {
  id: number;
  atMs: number;
  reason: string;
  topic: string | null;
  pod: string | null;
  detail: string | null;
}

/**
 * Tree over a batch's packet hashes, in the order given: root and each leaf's proof, as hex strings or already in
 * the SCD's storage form (`buildBatchProofBlob`, what the anchorer computes on a worker thread); may be async.
 */
export type BatchTreeBuilder = (
  hashes: string[],
) =>
  | { root: string; proofs: string[][] }
  | BatchProofBlob
  | Promise<{ root: string; proofs: string[][] } | BatchProofBlob>;

// a packet with its leaf (batch and leaf index, since migration 3 outside bal_packets); select from PACKETS
const PACKETS = `bal_packets p left join bal_batch_leaves l on l.packet_id = p.id`;
// a packet's proof: its jsonb column (batched before migration 2) or its record in the batch's proof blob
const PACKET_COLUMNS = `p.id, p.hash, p.kind, p.pod, p.seq, p.ts_ms, p.public_key, p.signature, p.data, p.received_ms,
  l.batch_id, l.leaf_index, p.proof,
  (select substring(pb.proofs from 1 + l.leaf_index * pb.proof_stride for pb.proof_stride) from bal_batches pb
   where pb.id = l.batch_id and p.proof is null and pb.proofs is not null) as proof_record`;
// every column of bal_batches but the proof blob
const BATCH_ROW_COLUMNS = `id, root, from_ms, to_ms, count, status, created_ms, tx_hash, block_number, chain_batch_id,
  anchored_ms, checkpoint_block, submitted_tx, submitted_nonce, final`;
const BATCH_COLUMNS = `b.id as b_id, b.root, b.from_ms, b.to_ms, b.count, b.status, b.created_ms, b.tx_hash,
  b.block_number, b.chain_batch_id, b.anchored_ms`;

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const json = <T>(v: unknown): T => (typeof v === "string" ? (JSON.parse(v) as T) : (v as T));

function toPacket(r: Row): StoredPacket {
  return {
    id: num(r.id),
    hash: String(r.hash),
    kind: r.kind as PacketKind,
    pod: String(r.pod),
    seq: num(r.seq),
    timestampMs: num(r.ts_ms),
    publicKey: String(r.public_key),
    signature: String(r.signature),
    data: json(r.data),
    receivedMs: num(r.received_ms),
    batchId: numOrNull(r.batch_id),
    leafIndex: numOrNull(r.leaf_index),
    proof:
      r.proof !== null && r.proof !== undefined
        ? json<string[]>(r.proof)
        : r.proof_record instanceof Uint8Array
          ? decodeProofRecord(r.proof_record)
          : null,
  };
}

function toBatch(r: Row, idColumn = "id"): BatchRow {
  return {
    id: num(r[idColumn]),
    root: String(r.root),
    fromMs: num(r.from_ms),
    toMs: num(r.to_ms),
    count: num(r.count),
    status: r.status as BatchRow["status"],
    createdMs: num(r.created_ms),
    txHash: (r.tx_hash as string | null) ?? null,
    blockNumber: numOrNull(r.block_number),
    chainBatchId: numOrNull(r.chain_batch_id),
    anchoredMs: numOrNull(r.anchored_ms),
    ...(r.final !== undefined
      ? {
          checkpointBlock: numOrNull(r.checkpoint_block),
          submittedTx: (r.submitted_tx as string | null) ?? null,
          submittedNonce: numOrNull(r.submitted_nonce),
          final: Boolean(r.final),
        }
      : {}),
  };
}

/**
 * The parameters of a bulk insert into bal_packets: one array per column, in the order
 * (hash, kind, pod, seq, ts_ms, public_key, signature, data, received_ms), for `unnest`.
 */
export function packetColumns(packets: readonly NewPacket[]): unknown[] {
  return [
    packets.map((p) => p.hash),
    packets.map((p) => p.kind),
    packets.map((p) => p.pod),
    packets.map((p) => p.seq),
    packets.map((p) => p.timestampMs),
    packets.map((p) => p.publicKey),
    packets.map((p) => p.signature),
    packets.map((p) => JSON.stringify(p.data)),
    packets.map((p) => p.receivedMs),
  ];
}

export class ScdStore {
  private constructor(readonly db: SqlClient) {}

  /** Opens the store on a client and applies pending migrations. */
  static async open(db: SqlClient): Promise<ScdStore> {
    await migrate(db);
    return new ScdStore(db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /**
   * Inserts accepted packets and queues them for batching in one statement, so no crash can store a packet without
   * queueing it. A packet whose hash, or whose (PoD, sequence), is already stored is skipped and reported in
   * `duplicates`, never stored (or queued) twice (unique indexes decide, so concurrent BAL instances agree);
   * `storedHashes` then tells a redelivery from a reused sequence number.
   */
  async insertPackets(packets: readonly NewPacket[]): Promise<{ inserted: Map<string, number>; duplicates: string[] }> {
    if (packets.length === 0) return { inserted: new Map(), duplicates: [] };
    const { rows } = await this.db.query<{ id: number; hash: string }>(
      `with ins as (
         insert into bal_packets (hash, kind, pod, seq, ts_ms, public_key, signature, data, received_ms)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[],
                              $8::jsonb[], $9::bigint[])
         on conflict do nothing
         returning id, hash),
       queued as (insert into bal_unbatched (id) select id from ins)
       select id, hash from ins`,
      packetColumns(packets),
    );
    const inserted = new Map(rows.map((r) => [String(r.hash), num(r.id)]));
    return { inserted, duplicates: packets.filter((p) => !inserted.has(p.hash)).map((p) => p.hash) };
  }

  /** Which of these hashes are stored. */
  async storedHashes(hashes: readonly string[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const { rows } = await this.db.query<{ hash: string }>(
      `select hash from bal_packets where hash = any($1::text[])`,
      [hashes],
    );
    return new Set(rows.map((r) => String(r.hash)));
  }

  /**
   * Highest accepted sequence number per PoD and its timestamp (a node numbers every packet kind in one series): the
   * order and monotonic-time guard's memory. The node's last will is left out (it carries an older sequence).
   */
  async lastSequences(): Promise<Map<string, { seq: number; ts: number }>> {
    const { rows } = await this.db.query<Row>(
      `select distinct on (pod) pod, seq, ts_ms from bal_packets
       where (data->>'anomaly') is distinct from 'node-offline' order by pod, seq desc`,
    );
    return new Map(rows.map((r) => [String(r.pod), { seq: num(r.seq), ts: num(r.ts_ms) }]));
  }

  /**
   * For each (PoD, sequence): whether that sequence is stored, and the timestamps of the nearest stored packets
   * before and after it (null when none). Keyed `${pod}\u0000${seq}`. What a late gap filler is checked against.
   */
  async neighbourTimes(
    wanted: readonly { pod: string; seq: number }[],
  ): Promise<Map<string, { taken: boolean; beforeTs: number | null; afterTs: number | null }>> {
    if (wanted.length === 0) return new Map();
    const { rows } = await this.db.query<Row>(
      `select w.pod, w.seq,
         exists (select 1 from bal_packets p where p.pod = w.pod and p.seq = w.seq) as taken,
         (select p.ts_ms from bal_packets p where p.pod = w.pod and p.seq < w.seq
            and (p.data->>'anomaly') is distinct from 'node-offline' order by p.seq desc limit 1) as before_ts,
         (select p.ts_ms from bal_packets p where p.pod = w.pod and p.seq > w.seq
            and (p.data->>'anomaly') is distinct from 'node-offline' order by p.seq limit 1) as after_ts
       from unnest($1::text[], $2::bigint[]) as w(pod, seq)`,
      [wanted.map((w) => w.pod), wanted.map((w) => w.seq)],
    );
    return new Map(
      rows.map((r) => [
        `${String(r.pod)}\u0000${num(r.seq)}`,
        { taken: Boolean(r.taken), beforeTs: numOrNull(r.before_ts), afterTs: numOrNull(r.after_ts) },
      ]),
    );
  }

  /**
   * Cuts the next batch of up to `limit` queued packets (oldest first): builds its tree, records the batch as pending
   * with its proofs (one blob), takes its packets off the queue and appends their leaves, in one transaction; packet
   * rows are never rewritten. On PostgreSQL the queue rows are locked with `skip locked`, so two BAL instances never
   * put one packet in two batches, and the tree is built inside the transaction (other connections go on inserting).
   * PGlite is one connection used by one process: there the tree is built before the transaction (so ingest is not
   * held up while it is computed), and the transaction re-checks that every packet is still queued.
   */
  async cutBatch(limit: number, buildTree: BatchTreeBuilder, nowMs = Date.now()): Promise<BatchRow | undefined> {
    const select = `select u.id, p.hash, p.ts_ms from bal_unbatched u join bal_packets p on p.id = u.id
      order by u.id limit $1`;
    if (this.db.kind === "postgres")
      return this.db.transaction(async (tx) => {
        const { rows } = await tx.query<Row>(`${select} for update of u skip locked`, [limit]);
        if (rows.length === 0) return undefined;
        return this.recordBatch(tx, rows, await buildTree(rows.map((r) => String(r.hash))), nowMs);
      });
    const { rows } = await this.db.query<Row>(select, [limit]);
    if (rows.length === 0) return undefined;
    const tree = await buildTree(rows.map((r) => String(r.hash)));
    return this.db.transaction((tx) => this.recordBatch(tx, rows, tree, nowMs));
  }

  private async recordBatch(
    tx: SqlQueryable,
    rows: Row[],
    tree: Awaited<ReturnType<BatchTreeBuilder>>,
    nowMs: number,
  ): Promise<BatchRow> {
    const blob = "proofBlob" in tree ? tree.proofBlob : encodeProofBlob(tree.proofs);
    if (blob.bytes.length !== blob.stride * rows.length)
      throw new Error("tree builder returned the wrong number of proofs");
    let fromMs = Infinity;
    let toMs = -Infinity;
    for (const r of rows) {
      const t = num(r.ts_ms);
      if (t < fromMs) fromMs = t;
      if (t > toMs) toMs = t;
    }
    const { rows: batchRows } = await tx.query<Row>(
      `insert into bal_batches (root, from_ms, to_ms, count, status, created_ms, proof_stride, proofs)
       values ($1, $2, $3, $4, 'pending', $5, $6, decode($7, 'base64')) returning ${BATCH_ROW_COLUMNS}`,
      // base64 text: PGlite serialises a Uint8Array parameter ~20x slower (2 s for a 10,000-leaf batch)
      [
        tree.root,
        fromMs,
        toMs,
        rows.length,
        nowMs,
        blob.stride,
        Buffer.from(blob.bytes.buffer, blob.bytes.byteOffset, blob.bytes.byteLength).toString("base64"),
      ],
    );
    const batch = toBatch(batchRows[0]);
    const ids = rows.map((r) => num(r.id));
    // a packet no longer queued was batched by someone else since it was read: the rollback keeps it in one batch
    const { rows: claimed } = await tx.query<Row>(
      `with taken as (delete from bal_unbatched where id = any($1::bigint[]) returning id) select count(*) as n from taken`,
      [ids],
    );
    const taken = num(claimed[0].n);
    if (taken !== rows.length)
      throw new Error(`batch ${batch.id}: ${rows.length - taken} packets were batched meanwhile; cut again`);
    // leaf i = the i-th packet by id, as given to the tree builder
    await tx.query(
      `insert into bal_batch_leaves (packet_id, batch_id, leaf_index)
       select v.id, $1, v.n - 1 from unnest($2::bigint[]) with ordinality as v(id, n)`,
      [batch.id, ids],
    );
    return batch;
  }

  async pendingBatches(): Promise<BatchRow[]> {
    const { rows } = await this.db.query<Row>(
      `select ${BATCH_ROW_COLUMNS} from bal_batches where status = 'pending' order by id`,
    );
    return rows.map((r) => toBatch(r));
  }

  async batch(id: number): Promise<BatchRow | undefined> {
    const { rows } = await this.db.query<Row>(`select ${BATCH_ROW_COLUMNS} from bal_batches where id = $1`, [id]);
    return rows[0] ? toBatch(rows[0]) : undefined;
  }

  async batches(limit = 50): Promise<BatchRow[]> {
    const { rows } = await this.db.query<Row>(
      `select ${BATCH_ROW_COLUMNS} from bal_batches order by id desc limit $1`,
      [limit],
    );
    return rows.map((r) => toBatch(r));
  }

  /** Records the chain head a batch's recovery may start from. */
  async setBatchCheckpoint(id: number, block: number): Promise<void> {
    await this.db.query(`update bal_batches set checkpoint_block = $2 where id = $1 and checkpoint_block is null`, [
      id,
      block,
    ]);
  }

  /** Records the anchoring transaction just sent (before waiting for it), so a restart finds it by hash. */
  async recordSubmission(id: number, txHash: string, nonce: number): Promise<void> {
    await this.db.query(`update bal_batches set submitted_tx = $2, submitted_nonce = $3 where id = $1`, [
      id,
      txHash,
      nonce,
    ]);
  }

  /** Anchored batches not yet N confirmations deep (what reconciliation looks at), oldest first. */
  async unfinalBatches(limit = 1000): Promise<BatchRow[]> {
    const { rows } = await this.db.query<Row>(
      `select ${BATCH_ROW_COLUMNS} from bal_batches where status = 'anchored' and not final order by id limit $1`,
      [limit],
    );
    return rows.map((r) => toBatch(r));
  }

  async markBatchFinal(id: number): Promise<void> {
    await this.db.query(`update bal_batches set final = true where id = $1 and status = 'anchored'`, [id]);
  }

  /** A reorg dropped the batch's anchoring: it becomes pending again (its packets and proofs are unchanged). */
  async reopenBatch(id: number, checkpointBlock: number): Promise<void> {
    await this.db.query(
      `update bal_batches set status = 'pending', tx_hash = null, block_number = null, chain_batch_id = null,
         anchored_ms = null, submitted_tx = null, submitted_nonce = null, final = false, checkpoint_block = $2
       where id = $1 and status = 'anchored' and not final`,
      [id, checkpointBlock],
    );
  }

  async markBatchAnchored(
    id: number,
    a: { txHash: string; blockNumber: number; chainBatchId: number; anchoredMs: number },
  ): Promise<void> {
    await this.db.query(
      `update bal_batches set status = 'anchored', tx_hash = $2, block_number = $3, chain_batch_id = $4, anchored_ms = $5
       where id = $1`,
      [id, a.txHash, a.blockNumber, a.chainBatchId, a.anchoredMs],
    );
  }

  /** A packet by numeric id or by hash, with its batch (null while unbatched). */
  async packet(idOrHash: string | number): Promise<StoredPacketWithBatch | undefined> {
    const byHash = typeof idOrHash === "string" && idOrHash.startsWith("0x");
    const { rows } = await this.db.query<Row>(
      `select ${PACKET_COLUMNS}, ${BATCH_COLUMNS} from ${PACKETS} left join bal_batches b on b.id = l.batch_id
       where ${byHash ? "p.hash = $1" : "p.id = $1"}`,
      [byHash ? String(idOrHash).toLowerCase() : Number(idOrHash)],
    );
    const r = rows[0];
    if (!r) return undefined;
    return { ...toPacket(r), batch: r.b_id === null || r.b_id === undefined ? null : toBatch(r, "b_id") };
  }

  /** A PoD's packets of the given kinds with fromMs <= timestamp < toMs, in time order. */
  async packetsOfPod(
    pod: string,
    fromMs: number,
    toMs: number,
    kinds: PacketKind[] = ["measurement"],
  ): Promise<StoredPacketWithBatch[]> {
    const { rows } = await this.db.query<Row>(
      `select ${PACKET_COLUMNS}, ${BATCH_COLUMNS} from ${PACKETS} left join bal_batches b on b.id = l.batch_id
       where p.pod = $1 and p.kind = any($2::text[]) and p.ts_ms >= $3 and p.ts_ms < $4 order by p.ts_ms, p.seq`,
      [pod, kinds, fromMs, toMs],
    );
    return rows.map((r) => ({
      ...toPacket(r),
      batch: r.b_id === null || r.b_id === undefined ? null : toBatch(r, "b_id"),
    }));
  }

  /** Latest anomaly packets, newest first (optionally of one PoD). */
  async anomalies(opts: { pod?: string; limit?: number } = {}): Promise<StoredPacket[]> {
    const { rows } = await this.db.query<Row>(
      `select ${PACKET_COLUMNS} from ${PACKETS} where p.kind = 'anomaly' and ($1::text is null or p.pod = $1)
       order by p.ts_ms desc, p.id desc limit $2`,
      [opts.pod ?? null, opts.limit ?? 100],
    );
    return rows.map(toPacket);
  }

  async countPackets(): Promise<{ total: number; unbatched: number; pendingBatches: number; anchoredBatches: number }> {
    const { rows } = await this.db.query<Row>(
      `select (select count(*) from bal_packets) as total,
              (select count(*) from bal_unbatched) as unbatched,
              (select count(*) from bal_batches where status = 'pending') as pending,
              (select count(*) from bal_batches where status = 'anchored') as anchored`,
    );
    const r = rows[0];
    return {
      total: num(r.total),
      unbatched: num(r.unbatched),
      pendingBatches: num(r.pending),
      anchoredBatches: num(r.anchored),
    };
  }

  /** Counts rejections per reason and keeps the latest `keep` rejected packets for inspection. */
  async recordRejections(
    items: readonly { reason: string; topic?: string; pod?: string; detail?: string; atMs: number }[],
    keep = 1000,
  ): Promise<void> {
    if (items.length === 0) return;
    const counts = new Map<string, number>();
    for (const i of items) counts.set(i.reason, (counts.get(i.reason) ?? 0) + 1);
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into bal_rejections (reason, count) select * from unnest($1::text[], $2::bigint[])
         on conflict (reason) do update set count = bal_rejections.count + excluded.count`,
        [[...counts.keys()], [...counts.values()]],
      );
      const logged = items.slice(-keep);
      await tx.query(
        `insert into bal_rejected_packets (at_ms, reason, topic, pod, detail)
         select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])`,
        [
          logged.map((i) => i.atMs),
          logged.map((i) => i.reason),
          logged.map((i) => i.topic ?? null),
          logged.map((i) => i.pod ?? null),
          logged.map((i) => (i.detail ?? "").slice(0, 500)),
        ],
      );
      await tx.query(`delete from bal_rejected_packets where id <= (select max(id) from bal_rejected_packets) - $1`, [
        keep,
      ]);
    });
  }

  async rejectionCounts(): Promise<Record<string, number>> {
    const { rows } = await this.db.query<Row>(`select reason, count from bal_rejections order by reason`);
    return Object.fromEntries(rows.map((r) => [String(r.reason), num(r.count)]));
  }

  async recentRejections(limit = 100): Promise<RejectedPacketRow[]> {
    const { rows } = await this.db.query<Row>(`select * from bal_rejected_packets order by id desc limit $1`, [limit]);
    return rows.map((r) => ({
      id: num(r.id),
      atMs: num(r.at_ms),
      reason: String(r.reason),
      topic: (r.topic as string | null) ?? null,
      pod: (r.pod as string | null) ?? null,
      detail: (r.detail as string | null) ?? null,
    }));
  }

  /** Upserts a Light Node's status; `lastSeq` only moves forward. */
  async setLightNodeStatus(
    s: { pod: string; online: boolean; lastSeenMs: number; lastSeq?: number; statusReason?: string },
    nowMs = Date.now(),
  ): Promise<void> {
    await this.db.query(
      `insert into bal_light_nodes (pod, online, last_seen_ms, last_seq, status_reason, updated_ms)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (pod) do update set online = excluded.online,
         last_seen_ms = greatest(bal_light_nodes.last_seen_ms, excluded.last_seen_ms),
         last_seq = greatest(bal_light_nodes.last_seq, excluded.last_seq),
         status_reason = excluded.status_reason, updated_ms = excluded.updated_ms`,
      [s.pod, s.online, s.lastSeenMs, s.lastSeq ?? null, s.statusReason ?? null, nowMs],
    );
  }

  /** Bulk form of setLightNodeStatus for the ingest path (one statement per flush). */
  async touchLightNodes(
    rows: readonly {
      pod: string;
      online: boolean;
      lastSeenMs: number;
      lastSeq: number | null;
      statusReason: string | null;
    }[],
    nowMs = Date.now(),
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `insert into bal_light_nodes (pod, online, last_seen_ms, last_seq, status_reason, updated_ms)
       select pod, online, last_seen_ms, last_seq, status_reason, $6 from unnest($1::text[], $2::boolean[], $3::bigint[], $4::bigint[], $5::text[])
         as v(pod, online, last_seen_ms, last_seq, status_reason)
       on conflict (pod) do update set online = excluded.online,
         last_seen_ms = greatest(bal_light_nodes.last_seen_ms, excluded.last_seen_ms),
         last_seq = greatest(bal_light_nodes.last_seq, excluded.last_seq),
         status_reason = excluded.status_reason, updated_ms = excluded.updated_ms`,
      [
        rows.map((r) => r.pod),
        rows.map((r) => r.online),
        rows.map((r) => r.lastSeenMs),
        rows.map((r) => r.lastSeq),
        rows.map((r) => r.statusReason),
        nowMs,
      ],
    );
  }

  async lightNodes(): Promise<LightNodeStatusRow[]> {
    const { rows } = await this.db.query<Row>(`select * from bal_light_nodes order by pod`);
    return rows.map((r) => ({
      pod: String(r.pod),
      online: Boolean(r.online),
      lastSeenMs: num(r.last_seen_ms),
      lastSeq: numOrNull(r.last_seq),
      statusReason: (r.status_reason as string | null) ?? null,
      updatedMs: num(r.updated_ms),
    }));
  }

  /** Records one 15-min publication row; idempotent per (slot, PoD) so a restart republishes nothing twice. */
  async recordPublication(
    p: { slotStartMs: number; pod: string; gap: boolean; payload: unknown; publishedMs: number },
    q: SqlQueryable = this.db,
  ): Promise<boolean> {
    const { rows } = await q.query(
      `insert into bal_publications (slot_start_ms, pod, gap, payload, published_ms) values ($1, $2, $3, $4, $5)
       on conflict do nothing returning pod`,
      [p.slotStartMs, p.pod, p.gap, JSON.stringify(p.payload), p.publishedMs],
    );
    return rows.length > 0;
  }

  async publications(slotStartMs: number): Promise<{ pod: string; gap: boolean; payload: unknown }[]> {
    const { rows } = await this.db.query<Row>(
      `select pod, gap, payload from bal_publications where slot_start_ms = $1 order by pod`,
      [slotStartMs],
    );
    return rows.map((r) => ({ pod: String(r.pod), gap: Boolean(r.gap), payload: json(r.payload) }));
  }

  /** Every PoD that ever sent a packet or has a Light Node status row (the set the publication covers). */
  async knownPods(): Promise<string[]> {
    const { rows } = await this.db.query<Row>(
      `select pod from bal_light_nodes union select distinct pod from bal_packets order by pod`,
    );
    return rows.map((r) => String(r.pod));
  }
}
