// Entity store: the current state in memory (host functions are synchronous), every version persisted in SQL with
// its block range [block_start, block_end) as graph-node keeps them, so queries can ask for a past block and a
// reorg rolls back by deleting and reopening versions.
import type { Db } from "./db";
import type { HostStore } from "./host";
import type { DynamicDataSourceRecord } from "./mapping";
import type { SchemaModel } from "./schema";
import { MappingError } from "./values";
import type { EntityData, StoredValue } from "./values";

export interface IndexedBlock {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
}

interface Version {
  entity: string;
  id: string;
  block: number;
  data: EntityData | null;
  /** Whether an open version existed before this change (only then is there a row to close in SQL). */
  replaces: boolean;
}

const DDL = `
CREATE TABLE IF NOT EXISTS entity_versions (
  entity TEXT NOT NULL,
  id TEXT NOT NULL,
  block_start BIGINT NOT NULL,
  block_end BIGINT,
  data JSONB NOT NULL,
  PRIMARY KEY (entity, id, block_start)
);
CREATE INDEX IF NOT EXISTS entity_versions_current ON entity_versions (entity, id) WHERE block_end IS NULL;
CREATE INDEX IF NOT EXISTS entity_versions_end ON entity_versions (block_end);
CREATE TABLE IF NOT EXISTS indexed_blocks (
  number BIGINT PRIMARY KEY,
  hash TEXT NOT NULL,
  parent_hash TEXT NOT NULL,
  timestamp BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS dynamic_data_sources (
  seq BIGINT PRIMARY KEY,
  template TEXT NOT NULL,
  address TEXT NOT NULL,
  block BIGINT NOT NULL,
  context JSONB NOT NULL
);
CREATE TABLE IF NOT EXISTS runner_meta (
  key TEXT PRIMARY KEY,
  value JSONB NOT NULL
);
`;

export class EntityStore implements HostStore {
  private readonly current = new Map<string, Map<string, EntityData>>();
  /** Changes of the block being processed; merged into `current` when the block completes. */
  private overlay = new Map<string, { entity: string; id: string; data: EntityData | null }>();
  private pending: Version[] = [];
  private pendingBlocks: IndexedBlock[] = [];
  /** Data sources created from templates: committed ones (in order), those of the open block, unflushed ones. */
  private dynamic: DynamicDataSourceRecord[] = [];
  private overlayDataSources: DynamicDataSourceRecord[] = [];
  private pendingDataSources: DynamicDataSourceRecord[] = [];
  private blockNumber = -1;
  private latest: IndexedBlock | null = null;
  /** The last block whose changes are in SQL: what queries may see (`latest` runs ahead until the flush). */
  private persisted: IndexedBlock | null = null;

  constructor(
    readonly db: Db,
    readonly schema: SchemaModel,
  ) {}

  async init(): Promise<void> {
    await this.db.exec(DDL);
    await this.reload();
  }

  /** Reloads the current state (every open version) and the latest indexed block from SQL. */
  private async reload(): Promise<void> {
    this.current.clear();
    const rows = await this.db.query<{ entity: string; id: string; data: EntityData }>(
      "SELECT entity, id, data FROM entity_versions WHERE block_end IS NULL",
    );
    for (const row of rows) this.table(row.entity).set(row.id, row.data);
    const [last] = await this.db.query<{ number: string; hash: string; parent_hash: string; timestamp: string }>(
      "SELECT number, hash, parent_hash, timestamp FROM indexed_blocks ORDER BY number DESC LIMIT 1",
    );
    this.latest = last
      ? {
          number: Number(last.number),
          hash: last.hash,
          parentHash: last.parent_hash,
          timestamp: Number(last.timestamp),
        }
      : null;
    this.persisted = this.latest;
    const sources = await this.db.query<{ template: string; address: string; block: string; context: EntityData }>(
      "SELECT template, address, block, context FROM dynamic_data_sources ORDER BY seq",
    );
    this.dynamic = sources.map((r) => ({
      template: r.template,
      address: r.address as DynamicDataSourceRecord["address"],
      block: Number(r.block),
      context: r.context,
    }));
  }

  /** Data sources created from templates by committed blocks, in creation order. */
  dynamicDataSources(): readonly DynamicDataSourceRecord[] {
    return this.dynamic;
  }

  /** Data sources created by the block being processed so far. */
  dataSourcesCreatedInBlock(): readonly DynamicDataSourceRecord[] {
    return this.overlayDataSources;
  }

  createDataSource(record: DynamicDataSourceRecord): void {
    this.overlayDataSources.push(record);
  }

  private table(entity: string): Map<string, EntityData> {
    let t = this.current.get(entity);
    if (!t) {
      t = new Map();
      this.current.set(entity, t);
    }
    return t;
  }

  /** The last block whose changes are part of the state (indexed, maybe not yet flushed). */
  latestBlock(): IndexedBlock | null {
    return this.latest;
  }

  /** The last block written to SQL; `_meta` and `block:` queries never go past it. */
  persistedBlock(): IndexedBlock | null {
    return this.persisted;
  }

  async blockHash(number: number): Promise<string | null> {
    const pending = this.pendingBlocks.find((b) => b.number === number);
    if (pending) return pending.hash;
    const [row] = await this.db.query<{ hash: string }>("SELECT hash FROM indexed_blocks WHERE number = $1", [number]);
    return row?.hash ?? null;
  }

  // ---- HostStore -----------------------------------------------------------------------------------------------

  get(entity: string, id: string): EntityData | null {
    const change = this.overlay.get(`${entity}\u0000${id}`);
    if (change) return change.data ? { ...change.data } : null;
    const row = this.current.get(entity)?.get(id);
    return row ? { ...row } : null;
  }

  getInBlock(entity: string, id: string): EntityData | null {
    const change = this.overlay.get(`${entity}\u0000${id}`);
    return change?.data ? { ...change.data } : null;
  }

  set(entity: string, id: string, data: EntityData): void {
    const model = this.schema.entities.get(entity);
    if (model?.immutable && (this.current.get(entity)?.has(id) ?? false))
      throw new MappingError(`Immutable entity ${entity}[${id}] can not be modified`);
    this.overlay.set(`${entity}\u0000${id}`, { entity, id, data });
  }

  remove(entity: string, id: string): void {
    const model = this.schema.entities.get(entity);
    if (model?.immutable && this.get(entity, id) !== null)
      throw new MappingError(
        `entities of type \`${entity}\` can not be deleted since they are immutable. Entity ids are [${id}]`,
      );
    this.overlay.set(`${entity}\u0000${id}`, { entity, id, data: null });
  }

  loadRelated(entity: string, id: string, field: string): { entity: string; rows: EntityData[] } {
    const model = this.schema.entities.get(entity);
    const f = model?.fields.get(field);
    if (!f?.relation) throw new Error(`${entity}.${field} is not a relation`);
    const target = f.relation;
    if (!f.derivedFrom) {
      const own = this.get(entity, id);
      const ids = own?.[field];
      const list = Array.isArray(ids) ? ids : ids == null ? [] : [ids];
      return { entity: target, rows: list.map((i) => this.get(target, String(i))).filter((r): r is EntityData => !!r) };
    }
    const back = f.derivedFrom;
    const seen = new Map<string, EntityData | null>();
    for (const [key, row] of this.current.get(target) ?? []) seen.set(key, row);
    for (const change of this.overlay.values()) if (change.entity === target) seen.set(change.id, change.data);
    const rows: EntityData[] = [];
    for (const row of seen.values()) {
      if (!row) continue;
      const ref = row[back];
      if (ref === id || (Array.isArray(ref) && ref.includes(id))) rows.push({ ...row });
    }
    return { entity: target, rows };
  }

  // ---- block lifecycle -----------------------------------------------------------------------------------------

  beginBlock(number: number): void {
    this.overlay.clear();
    this.overlayDataSources = [];
    this.blockNumber = number;
  }

  /** Drops the changes of a block whose handler failed, as graph-node does not commit a failed block. */
  discardBlock(): void {
    this.overlay.clear();
    this.overlayDataSources = [];
  }

  commitBlock(block: IndexedBlock): void {
    if (block.number !== this.blockNumber)
      throw new Error(`committing block ${block.number} while in ${this.blockNumber}`);
    for (const change of this.overlay.values()) {
      const table = this.table(change.entity);
      const replaces = table.has(change.id);
      // graph-node writes no version for a save that changes nothing (nor for removing what does not exist).
      if (change.data ? sameEntity(table.get(change.id), change.data) : !replaces) continue;
      if (change.data) table.set(change.id, change.data);
      else table.delete(change.id);
      this.pending.push({ entity: change.entity, id: change.id, block: block.number, data: change.data, replaces });
    }
    this.overlay.clear();
    this.dynamic = [...this.dynamic, ...this.overlayDataSources];
    this.pendingDataSources.push(...this.overlayDataSources);
    this.overlayDataSources = [];
    this.pendingBlocks.push(block);
    this.latest = block;
  }

  /** Records a block that had no triggers, so reorg detection knows its hash. */
  recordBlock(block: IndexedBlock): void {
    this.beginBlock(block.number);
    this.commitBlock(block);
  }

  /** Writes every committed block since the last flush in one transaction (two set-based statements). */
  async flush(): Promise<void> {
    if (this.pending.length === 0 && this.pendingBlocks.length === 0) return;
    const versions = this.pending;
    const blocks = this.pendingBlocks;
    const sources = this.pendingDataSources;
    this.pending = [];
    this.pendingBlocks = [];
    this.pendingDataSources = [];
    // Collapse the batch: per entity, the versions in block order; each closes the one before it.
    const byKey = new Map<string, Version[]>();
    for (const v of versions) {
      const key = `${v.entity}\u0000${v.id}`;
      const list = byKey.get(key) ?? [];
      // Several changes in one block collapse to the last, which replaces what the first replaced.
      if (list.length && list[list.length - 1].block === v.block)
        list[list.length - 1] = { ...v, replaces: list[list.length - 1].replaces };
      else list.push(v);
      byKey.set(key, list);
    }
    const close = { entity: [] as string[], id: [] as string[], block: [] as string[] };
    const insert = {
      entity: [] as string[],
      id: [] as string[],
      start: [] as string[],
      end: [] as (string | null)[],
      data: [] as string[],
    };
    for (const list of byKey.values()) {
      // Entities created in this batch have no open row yet: most event records, so most of the batch.
      if (list[0].replaces) {
        close.entity.push(list[0].entity);
        close.id.push(list[0].id);
        close.block.push(String(list[0].block));
      }
      list.forEach((v, i) => {
        if (!v.data) return;
        insert.entity.push(v.entity);
        insert.id.push(v.id);
        insert.start.push(String(v.block));
        insert.end.push(i + 1 < list.length ? String(list[i + 1].block) : null);
        insert.data.push(JSON.stringify(v.data));
      });
    }
    await this.db.transaction(async (tx) => {
      if (sources.length)
        await tx.query(
          `INSERT INTO dynamic_data_sources (seq, template, address, block, context)
           SELECT (SELECT COALESCE(max(seq), 0) FROM dynamic_data_sources) + n, t, a, b, c::jsonb
             FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY AS s(t, a, b, c, n)`,
          [
            sources.map((d) => d.template),
            sources.map((d) => d.address),
            sources.map((d) => String(d.block)),
            sources.map((d) => JSON.stringify(d.context)),
          ],
        );
      if (close.entity.length)
        await tx.query(
          `UPDATE entity_versions e SET block_end = c.block
             FROM (SELECT unnest($1::text[]) AS entity, unnest($2::text[]) AS id, unnest($3::bigint[]) AS block) c
            WHERE e.entity = c.entity AND e.id = c.id AND e.block_end IS NULL`,
          [close.entity, close.id, close.block],
        );
      if (insert.entity.length)
        await tx.query(
          `INSERT INTO entity_versions (entity, id, block_start, block_end, data)
           SELECT unnest($1::text[]), unnest($2::text[]), unnest($3::bigint[]), unnest($4::bigint[]), unnest($5::text[])::jsonb
           ON CONFLICT (entity, id, block_start) DO UPDATE SET block_end = EXCLUDED.block_end, data = EXCLUDED.data`,
          [insert.entity, insert.id, insert.start, insert.end, insert.data],
        );
      if (blocks.length)
        await tx.query(
          `INSERT INTO indexed_blocks (number, hash, parent_hash, timestamp)
           SELECT unnest($1::bigint[]), unnest($2::text[]), unnest($3::text[]), unnest($4::bigint[])
           ON CONFLICT (number) DO UPDATE SET hash = EXCLUDED.hash, parent_hash = EXCLUDED.parent_hash, timestamp = EXCLUDED.timestamp`,
          [
            blocks.map((b) => String(b.number)),
            blocks.map((b) => b.hash),
            blocks.map((b) => b.parentHash),
            blocks.map((b) => String(b.timestamp)),
          ],
        );
    });
    if (blocks.length) this.persisted = blocks[blocks.length - 1];
  }

  /** Undoes every block above `number` (a reorg): versions started later go, versions closed later reopen. */
  async rollbackTo(number: number): Promise<void> {
    await this.flush();
    await this.db.transaction(async (tx) => {
      await tx.query("DELETE FROM entity_versions WHERE block_start > $1", [number]);
      await tx.query("UPDATE entity_versions SET block_end = NULL WHERE block_end > $1", [number]);
      await tx.query("DELETE FROM indexed_blocks WHERE number > $1", [number]);
      await tx.query("DELETE FROM dynamic_data_sources WHERE block > $1", [number]);
    });
    await this.reload();
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    await this.db.query(
      "INSERT INTO runner_meta (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
      [key, JSON.stringify(value)],
    );
  }

  async getMeta<T>(key: string): Promise<T | null> {
    const [row] = await this.db.query<{ value: T }>("SELECT value FROM runner_meta WHERE key = $1", [key]);
    return row?.value ?? null;
  }

  /** Number of current entities per type (for logs and tests). */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.current].map(([k, v]) => [k, v.size]));
  }
}

function sameValue(a: StoredValue | undefined, b: StoredValue | undefined): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i]));
  }
  return (a ?? null) === (b ?? null);
}

/** Whether two versions of an entity hold the same values (a missing field and null are the same). */
function sameEntity(current: EntityData | undefined, next: EntityData): boolean {
  if (!current) return false;
  for (const key of new Set([...Object.keys(current), ...Object.keys(next)]))
    if (!sameValue(current[key], next[key])) return false;
  return true;
}
