// SCD schema migrations for the BAL's tables: plain PostgreSQL SQL that PGlite runs unchanged.
import type { SqlClient } from "./sqlClient";

/** Ordered migrations; never edit a released one, append a new version. */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: "bal packets, batches, rejections, light-node status",
    sql: `
      create table if not exists bal_batches (
        id            bigserial primary key,
        root          text not null unique,
        from_ms       bigint not null,
        to_ms         bigint not null,
        count         integer not null,
        status        text not null check (status in ('pending', 'anchored')),
        created_ms    bigint not null,
        tx_hash       text,
        block_number  bigint,
        chain_batch_id bigint,
        anchored_ms   bigint
      );
      create index if not exists bal_batches_status on bal_batches (status) where status = 'pending';

      -- every accepted packet (measurement, anomaly, activation) as signed by its Light Node
      create table if not exists bal_packets (
        id           bigserial primary key,
        hash         text not null unique,
        kind         text not null check (kind in ('measurement', 'anomaly', 'activation')),
        pod          text not null,
        seq          bigint not null,
        ts_ms        bigint not null,
        public_key   text not null,
        signature    text not null,
        data         jsonb not null,
        received_ms  bigint not null,
        batch_id     bigint references bal_batches (id),
        leaf_index   integer,
        proof        jsonb
      );
      create index if not exists bal_packets_pod_ts on bal_packets (pod, kind, ts_ms);
      create index if not exists bal_packets_unbatched on bal_packets (id) where batch_id is null;
      -- a node's sequence number is used once, across every kind of packet: the replay guard shared by BAL instances
      create unique index if not exists bal_packets_pod_seq on bal_packets (pod, seq);

      create table if not exists bal_rejections (
        reason  text primary key,
        count   bigint not null
      );
      -- the most recent rejected packets with their reason, for operators (trimmed by the service)
      create table if not exists bal_rejected_packets (
        id        bigserial primary key,
        at_ms     bigint not null,
        reason    text not null,
        topic     text,
        pod       text,
        detail    text
      );

      create table if not exists bal_light_nodes (
        pod           text primary key,
        online        boolean not null,
        last_seen_ms  bigint not null,
        last_seq      bigint,
        status_reason text,
        updated_ms    bigint not null
      );

      -- what was published to the aggregator per PoD and 15-min slot (a gap record when the PoD sent nothing)
      create table if not exists bal_publications (
        slot_start_ms bigint not null,
        pod           text not null,
        gap           boolean not null,
        payload       jsonb not null,
        published_ms  bigint not null,
        primary key (slot_start_ms, pod)
      );
    `,
  },
  {
    version: 2,
    name: "batch proofs in one blob per batch",
    // Writing a jsonb proof into each packet row made cutting a 10,000-reading batch cost ~140 µs per reading on
    // PGlite (a wide non-HOT update through five indexes). A batch's proofs are now one fixed-stride bytea (per leaf:
    // a length byte, then that many 32-byte siblings, padded to the stride); a packet keeps only its leaf index and
    // its proof is sliced out on read. Stored uncompressed (random hashes do not compress) so a slice reads only
    // its own TOAST chunks. Rows batched before this migration keep their jsonb proof.
    sql: `
      alter table bal_batches add column if not exists proof_stride integer;
      alter table bal_batches add column if not exists proofs bytea;
      alter table bal_batches alter column proofs set storage external;
    `,
  },
  {
    version: 3,
    name: "unbatched queue and batch membership out of bal_packets",
    // Setting batch_id/leaf_index on every packet row when its batch is cut was a wide non-HOT update through five
    // indexes (~40-50 µs per reading on PGlite). A packet row is now written once: its id goes into an insert-only
    // queue in the same statement, cutting a batch deletes the ids from the queue and appends narrow leaf rows.
    // bal_packets keeps batch_id, leaf_index and proof for nothing but history; every read goes through the leaves.
    sql: `
      create table if not exists bal_unbatched (id bigint primary key);
      create table if not exists bal_batch_leaves (
        packet_id  bigint primary key,
        batch_id   bigint not null references bal_batches (id),
        leaf_index integer not null
      );
      insert into bal_unbatched (id) select id from bal_packets where batch_id is null on conflict do nothing;
      insert into bal_batch_leaves (packet_id, batch_id, leaf_index)
        select id, batch_id, leaf_index from bal_packets where batch_id is not null on conflict do nothing;
      drop index if exists bal_packets_unbatched;
    `,
  },
  {
    version: 4,
    name: "anchoring checkpoints and confirmation depth",
    // checkpoint_block: the chain head when the batch was cut, so recovery searches its BatchAnchored event from
    // there (public RPCs refuse a range from block 0). submitted_tx/nonce: the transaction in flight, so a restart
    // or a stuck transaction finds (or replaces) it by hash. final: anchored at least N confirmations deep; an
    // anchored batch whose root vanished before that (a reorg) goes back to pending.
    sql: `
      alter table bal_batches add column if not exists checkpoint_block bigint;
      alter table bal_batches add column if not exists submitted_tx text;
      alter table bal_batches add column if not exists submitted_nonce bigint;
      alter table bal_batches add column if not exists final boolean not null default false;
      create index if not exists bal_batches_not_final on bal_batches (id) where status = 'anchored' and not final;
    `,
  },
];

/**
 * Applies pending migrations under an advisory lock so concurrent BAL instances migrate once; `upToVersion` stops
 * early (tests build a store as an older release left it).
 */
export async function migrate(db: SqlClient, upToVersion = Infinity): Promise<number[]> {
  await db.exec(
    `create table if not exists bal_schema_migrations (version integer primary key, name text not null, applied_ms bigint not null)`,
  );
  return db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(7157001)`);
    const { rows } = await tx.query<{ version: number }>(`select version from bal_schema_migrations`);
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version) || m.version > upToVersion) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query(`insert into bal_schema_migrations (version, name, applied_ms) values ($1, $2, $3)`, [
        m.version,
        m.name,
        Date.now(),
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}

/** Splits a migration on `;` at line ends (our migrations hold no procedural bodies). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.replace(/--[^\n]*\n/g, "\n").trim())
    .filter((s) => s.length > 0);
}
