// The graph-node query API generated from schema.graphql: `entity(id)`, `entities(first, skip, orderBy,
// orderDirection, where, block)`, relation and @derivedFrom fields, `_meta`; resolved by SQL over entity_versions.
import { GraphQLError, buildSchema, graphql, validate, parse, specifiedRules } from "graphql";
import type { GraphQLFieldResolver, GraphQLSchema, ExecutionResult } from "graphql";
import type { Db } from "./db";
import type { EntityModel, FieldModel, SchemaModel } from "./schema";
import type { EntityData } from "./values";

/** graph-node's defaults (GRAPH_GRAPHQL_MAX_FIRST = 1000, GRAPH_GRAPHQL_MAX_SKIP = u32::MAX), same variables. */
export const MAX_FIRST = Number(process.env.GRAPH_GRAPHQL_MAX_FIRST ?? 1000);
export const MAX_SKIP = Number(process.env.GRAPH_GRAPHQL_MAX_SKIP ?? 4_294_967_295);

/** Plural collection name as graph-node derives it (`Pod` -> `pods`, `Batch` -> `batches`). */
export function pluralize(name: string): string {
  if (/[^aeiou]y$/i.test(name)) return name.slice(0, -1) + "ies";
  if (/(s|x|z|ch|sh)$/i.test(name)) return name + "es";
  return name + "s";
}

export function singularField(name: string): string {
  return name[0].toLowerCase() + name.slice(1);
}

const BLOCK_SYMBOL = Symbol("block");

type Row = EntityData & { [BLOCK_SYMBOL]?: number | null };

function scalarGraphqlType(field: FieldModel): string {
  if (field.relation) return field.relation;
  if (field.enumType) return field.enumType;
  return field.kind === "String" && field.name === "id" ? "ID" : field.kind;
}

function fieldTypeSdl(field: FieldModel): string {
  const base = scalarGraphqlType(field);
  if (field.list) return `[${base}!]${field.nonNull ? "!" : ""}`;
  return `${base}${field.nonNull ? "!" : ""}`;
}

function inputScalar(field: FieldModel): string {
  if (field.enumType) return field.enumType;
  if (field.relation) return "String";
  return field.name === "id" ? "ID" : field.kind;
}

const STRING_OPS = [
  "_contains",
  "_contains_nocase",
  "_not_contains",
  "_not_contains_nocase",
  "_starts_with",
  "_starts_with_nocase",
  "_not_starts_with",
  "_not_starts_with_nocase",
  "_ends_with",
  "_ends_with_nocase",
  "_not_ends_with",
  "_not_ends_with_nocase",
];

/** Builds the API schema SDL the way graph-node exposes it for a subgraph. */
export function apiSchemaSdl(model: SchemaModel): string {
  const out: string[] = [
    "scalar BigInt",
    "scalar BigDecimal",
    "scalar Bytes",
    "scalar Int8",
    "scalar Timestamp",
    "enum OrderDirection { asc desc }",
    "enum _SubgraphErrorPolicy_ { allow deny }",
    "input Block_height { hash: Bytes number: Int number_gte: Int }",
    "input BlockChangedFilter { number_gte: Int! }",
    "type _Block_ { hash: Bytes number: Int! timestamp: Int parentHash: Bytes }",
    "type _Meta_ { block: _Block_! deployment: String! hasIndexingErrors: Boolean! }",
  ];
  for (const [name, values] of model.enums) out.push(`enum ${name} { ${values.join(" ")} }`);
  const query: string[] = [];
  for (const entity of model.entities.values()) {
    const fields: string[] = [];
    const filter: string[] = [];
    const orderBy: string[] = [];
    for (const field of entity.fields.values()) {
      const desc = field.description ? `"""${field.description.replace(/"""/g, "'")}""" ` : "";
      if (field.relation && field.list) {
        const target = field.relation;
        fields.push(
          `${desc}${field.name}(skip: Int = 0, first: Int = 100, orderBy: ${target}_orderBy, orderDirection: OrderDirection, where: ${target}_filter): ${fieldTypeSdl(field)}`,
        );
      } else fields.push(`${desc}${field.name}: ${fieldTypeSdl(field)}`);
      if (field.relation) filter.push(`${field.name}_: ${field.relation}_filter`);
      if (field.derivedFrom) continue;
      const t = inputScalar(field);
      const f = field.name;
      orderBy.push(f);
      // graph-node's child ordering: `pod__code` orders by a field of the entity a single relation points to.
      if (field.relation && !field.list)
        for (const child of model.entities.get(field.relation)!.fields.values())
          if (!child.relation && !child.list && !child.derivedFrom) orderBy.push(`${f}__${child.name}`);
      if (field.list) {
        filter.push(`${f}: [${t}!]`, `${f}_not: [${t}!]`, `${f}_contains: [${t}!]`, `${f}_contains_nocase: [${t}!]`);
        filter.push(`${f}_not_contains: [${t}!]`, `${f}_not_contains_nocase: [${t}!]`);
        continue;
      }
      filter.push(`${f}: ${t}`, `${f}_not: ${t}`);
      if (field.kind !== "Boolean") {
        filter.push(`${f}_gt: ${t}`, `${f}_lt: ${t}`, `${f}_gte: ${t}`, `${f}_lte: ${t}`);
      }
      filter.push(`${f}_in: [${t}!]`, `${f}_not_in: [${t}!]`);
      if (field.kind === "String" && !field.enumType && f !== "id")
        for (const op of STRING_OPS) filter.push(`${f}${op}: String`);
      if (field.kind === "Bytes") filter.push(`${f}_contains: Bytes`, `${f}_not_contains: Bytes`);
    }
    filter.push("_change_block: BlockChangedFilter", `and: [${entity.name}_filter]`, `or: [${entity.name}_filter]`);
    const desc = entity.description ? `"""${entity.description.replace(/"""/g, "'")}"""\n` : "";
    out.push(`${desc}type ${entity.name} {\n  ${fields.join("\n  ")}\n}`);
    out.push(`input ${entity.name}_filter {\n  ${filter.join("\n  ")}\n}`);
    out.push(`enum ${entity.name}_orderBy { ${orderBy.join(" ")} }`);
    const single = singularField(entity.name);
    const plural = singularField(pluralize(entity.name));
    query.push(
      `${single}(id: ID!, block: Block_height, subgraphError: _SubgraphErrorPolicy_! = deny): ${entity.name}`,
      `${plural}(skip: Int = 0, first: Int = 100, orderBy: ${entity.name}_orderBy, orderDirection: OrderDirection, where: ${entity.name}_filter, block: Block_height, subgraphError: _SubgraphErrorPolicy_! = deny): [${entity.name}!]!`,
    );
  }
  query.push("_meta(block: Block_height): _Meta_");
  out.push(`type Query {\n  ${query.join("\n  ")}\n}`);
  return out.join("\n\n");
}

/** A query error with graph-node's wording. */
class QueryError extends GraphQLError {}

interface QueryContext {
  db: Db;
  latest: () => Promise<{ number: number; hash: string; timestamp: number; parentHash: string } | null>;
  deployment: string;
  hasIndexingErrors: () => Promise<boolean>;
  /** Number of the canonical block with this hash, from the chain; null when the chain has none. */
  blockNumberByHash?: (hash: string) => Promise<number | null>;
}

/** SQL builder with positional parameters. */
class Sql {
  params: unknown[] = [];
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

function blockCondition(sql: Sql, alias: string, block: number | null): string {
  if (block === null) return `${alias}.block_end IS NULL`;
  const b = sql.param(block);
  return `${alias}.block_start <= ${b} AND (${alias}.block_end IS NULL OR ${alias}.block_end > ${b})`;
}

function isNumeric(field: FieldModel): boolean {
  return ["BigInt", "BigDecimal", "Int", "Int8", "Timestamp"].includes(field.kind);
}

function columnExpr(alias: string, field: FieldModel): string {
  if (field.name === "id") return isNumeric(field) ? `${alias}.id::numeric` : `${alias}.id`;
  if (isNumeric(field)) return `(${alias}.data->>'${field.name}')::numeric`;
  if (field.kind === "Boolean") return `(${alias}.data->>'${field.name}')::boolean`;
  return `(${alias}.data->>'${field.name}')`;
}

function normalizeInput(field: FieldModel, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => normalizeInput(field, v));
  if (field.kind === "Bytes") return String(value).toLowerCase();
  if (isNumeric(field)) {
    const s = String(value);
    if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s))
      throw new QueryError(`Failed to decode \`${field.kind}\` value: \`${s}\``);
    return s;
  }
  return value;
}

const OPS = [
  "_not_contains_nocase",
  "_not_starts_with_nocase",
  "_not_ends_with_nocase",
  "_contains_nocase",
  "_starts_with_nocase",
  "_ends_with_nocase",
  "_not_starts_with",
  "_not_ends_with",
  "_not_contains",
  "_starts_with",
  "_ends_with",
  "_contains",
  "_not_in",
  "_gte",
  "_lte",
  "_not",
  "_in",
  "_gt",
  "_lt",
  "_",
  "",
];

function splitFilterKey(entity: EntityModel, key: string): { field: FieldModel; op: string } {
  for (const op of OPS) {
    if (op && !key.endsWith(op)) continue;
    const name = op ? key.slice(0, -op.length) : key;
    const field = entity.fields.get(name);
    if (field) return { field, op };
  }
  throw new QueryError(`Type \`${entity.name}_filter\` has no field \`${key}\``);
}

function likePattern(op: string, value: string): string {
  const escaped = value.replace(/[\\%_]/g, (c) => `\\${c}`);
  if (op.includes("contains")) return `%${escaped}%`;
  if (op.includes("starts_with")) return `${escaped}%`;
  return `%${escaped}`;
}

/** Translates a `where` object into SQL over the rows of alias `e` (entity `entity`, at `block`). */
function filterSql(
  sql: Sql,
  model: SchemaModel,
  entity: EntityModel,
  alias: string,
  where: Record<string, unknown>,
  block: number | null,
  depth = 0,
): string {
  const parts: string[] = [];
  for (const [key, raw] of Object.entries(where)) {
    if (raw === undefined) continue;
    if (key === "and" || key === "or") {
      const subs = (raw as Record<string, unknown>[]).map(
        (w) => `(${filterSql(sql, model, entity, alias, w, block, depth)})`,
      );
      if (subs.length) parts.push(`(${subs.join(key === "and" ? " AND " : " OR ")})`);
      continue;
    }
    if (key === "_change_block") {
      const gte = (raw as { number_gte: number }).number_gte;
      parts.push(`${alias}.block_start >= ${sql.param(gte)}`);
      continue;
    }
    const { field, op } = splitFilterKey(entity, key);
    if (op === "_") {
      const target = model.entities.get(field.relation!)!;
      const sub = `s${depth + 1}`;
      const inner = filterSql(sql, model, target, sub, raw as Record<string, unknown>, block, depth + 1);
      const cond = blockCondition(sql, sub, block);
      if (field.derivedFrom) {
        const back = target.fields.get(field.derivedFrom)!;
        const backExpr = back.list
          ? `SELECT jsonb_array_elements_text(${sub}.data->'${back.name}')`
          : `SELECT ${sub}.data->>'${back.name}'`;
        parts.push(
          `${alias}.id IN (${backExpr} FROM entity_versions ${sub} WHERE ${sub}.entity = ${sql.param(target.name)} AND ${cond} AND ${inner})`,
        );
      } else {
        const subIds = `SELECT ${sub}.id FROM entity_versions ${sub} WHERE ${sub}.entity = ${sql.param(target.name)} AND ${cond} AND ${inner}`;
        if (field.list)
          parts.push(
            `EXISTS (SELECT 1 FROM jsonb_array_elements_text(${alias}.data->'${field.name}') r WHERE r IN (${subIds}))`,
          );
        else parts.push(`(${alias}.data->>'${field.name}') IN (${subIds})`);
      }
      continue;
    }
    const value = normalizeInput(field, raw);
    if (field.list) {
      const json = sql.param(JSON.stringify(value));
      const col = `${alias}.data->'${field.name}'`;
      if (op === "") parts.push(value === null ? `${col} = 'null'::jsonb` : `${col} = ${json}::jsonb`);
      else if (op === "_not") parts.push(`${col} <> ${json}::jsonb`);
      else if (op === "_contains") parts.push(`${col} @> ${json}::jsonb`);
      else if (op === "_not_contains") parts.push(`NOT (${col} @> ${json}::jsonb)`);
      else if (op === "_contains_nocase" || op === "_not_contains_nocase") {
        const lowered = sql.param((value as string[]).map((v) => String(v).toLowerCase()));
        const cond = `(SELECT array_agg(lower(x)) FROM jsonb_array_elements_text(${col}) x) @> ${lowered}::text[]`;
        parts.push(op === "_contains_nocase" ? cond : `NOT ${cond}`);
      } else throw new QueryError(`Filter not supported by value \`${key}\`: \`${op}\``);
      continue;
    }
    const col = columnExpr(alias, field);
    const cast = isNumeric(field) ? "::numeric" : field.kind === "Boolean" ? "::boolean" : "";
    switch (op) {
      case "":
        parts.push(value === null ? `${col} IS NULL` : `${col} = ${sql.param(value)}${cast}`);
        break;
      case "_not":
        parts.push(value === null ? `${col} IS NOT NULL` : `${col} IS DISTINCT FROM ${sql.param(value)}${cast}`);
        break;
      case "_gt":
        parts.push(`${col} > ${sql.param(value)}${cast}`);
        break;
      case "_gte":
        parts.push(`${col} >= ${sql.param(value)}${cast}`);
        break;
      case "_lt":
        parts.push(`${col} < ${sql.param(value)}${cast}`);
        break;
      case "_lte":
        parts.push(`${col} <= ${sql.param(value)}${cast}`);
        break;
      case "_in":
      case "_not_in": {
        const arr = sql.param((value as unknown[]).map((v) => String(v)));
        const arrCast = isNumeric(field) ? "::numeric[]" : field.kind === "Boolean" ? "::boolean[]" : "::text[]";
        parts.push(`${op === "_in" ? "" : "NOT "}(${col} = ANY(${arr}${arrCast}))`);
        break;
      }
      default: {
        const negate = op.startsWith("_not_");
        const nocase = op.endsWith("_nocase");
        if (field.kind === "Bytes") {
          const hex = String(value).replace(/^0x/, "");
          parts.push(`${negate ? "NOT " : ""}(${col} LIKE ${sql.param(`%${hex}%`)})`);
          break;
        }
        const like = `${nocase ? "ILIKE" : "LIKE"} ${sql.param(likePattern(op, String(value)))}`;
        parts.push(`${negate ? "NOT " : ""}(${col} ${like})`);
      }
    }
  }
  return parts.length ? parts.join(" AND ") : "TRUE";
}

/**
 * The ORDER BY expression of a field: numbers as numbers, enums in declaration order (graph-node stores them as
 * PostgreSQL enums), `relation__field` through the related entity at the same block.
 */
function orderExpr(
  sql: Sql,
  model: SchemaModel,
  entity: EntityModel,
  alias: string,
  name: string,
  block: number | null,
) {
  const child = /^(.+)__(.+)$/.exec(name);
  if (child) {
    const parent = entity.fields.get(child[1]);
    const target = parent?.relation && !parent.list && !parent.derivedFrom ? model.entities.get(parent.relation) : null;
    const field = target?.fields.get(child[2]);
    if (!target || !field || field.relation || field.list || field.derivedFrom)
      throw new QueryError(`Ordering by \`${name}\` is not supported for type \`${entity.name}\``);
    const c = `${alias}c`;
    return `(SELECT ${scalarOrder(model, c, field)} FROM entity_versions ${c} WHERE ${c}.entity = ${sql.param(target.name)} AND ${c}.id = (${alias}.data->>'${parent!.name}') AND ${blockCondition(sql, c, block)})`;
  }
  const field = entity.fields.get(name);
  if (!field || field.derivedFrom)
    throw new QueryError(`Ordering by \`${name}\` is not supported for type \`${entity.name}\``);
  return field.list ? `${alias}.data->'${field.name}'` : scalarOrder(model, alias, field);
}

function scalarOrder(model: SchemaModel, alias: string, field: FieldModel): string {
  if (!field.enumType) return columnExpr(alias, field);
  const values = model.enums.get(field.enumType) ?? [];
  const list = values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",");
  return `array_position(ARRAY[${list}]::text[], ${columnExpr(alias, field)})`;
}

interface CollectionArgs {
  first?: number;
  skip?: number;
  orderBy?: string;
  orderDirection?: "asc" | "desc";
  where?: Record<string, unknown>;
}

async function selectRows(
  ctx: QueryContext,
  model: SchemaModel,
  entity: EntityModel,
  args: CollectionArgs,
  block: number | null,
  extra?: (sql: Sql) => string,
): Promise<Row[]> {
  const first = args.first ?? 100;
  const skip = args.skip ?? 0;
  if (first < 0 || first > MAX_FIRST)
    throw new QueryError(`The \`first\` argument must be between 0 and ${MAX_FIRST}, but is ${first}`);
  if (skip < 0 || skip > MAX_SKIP)
    throw new QueryError(`The \`skip\` argument must be between 0 and ${MAX_SKIP}, but is ${skip}`);
  const sql = new Sql();
  const conds = [`e.entity = ${sql.param(entity.name)}`, blockCondition(sql, "e", block)];
  if (args.where) conds.push(filterSql(sql, model, entity, "e", args.where, block));
  if (extra) conds.push(extra(sql));
  const dir = args.orderDirection === "desc" ? "DESC" : "ASC";
  let order = `${columnExpr("e", entity.fields.get("id")!)} ${dir}`;
  if (args.orderBy && args.orderBy !== "id") {
    const expr = orderExpr(sql, model, entity, "e", args.orderBy, block);
    order = `${expr} ${dir} NULLS ${dir === "ASC" ? "FIRST" : "LAST"}, ${columnExpr("e", entity.fields.get("id")!)} ${dir}`;
  }
  const rows = await ctx.db.query<{ data: EntityData }>(
    `SELECT e.data FROM entity_versions e WHERE ${conds.join(" AND ")} ORDER BY ${order} LIMIT ${first} OFFSET ${skip}`,
    sql.params,
  );
  return rows.map((r) => Object.assign(r.data as Row, { [BLOCK_SYMBOL]: block }));
}

async function resolveBlock(
  ctx: QueryContext,
  arg: { number?: number; hash?: string; number_gte?: number } | undefined,
): Promise<number | null> {
  if (!arg) return null;
  const latest = await ctx.latest();
  const latestNumber = latest?.number ?? -1;
  if (arg.hash) {
    const [row] = await ctx.db.query<{ number: string }>("SELECT number FROM indexed_blocks WHERE hash = $1", [
      arg.hash.toLowerCase(),
    ]);
    // Blocks without triggers are not stored: graph-node finds any block in its chain store, so ask the chain.
    const number = row ? Number(row.number) : ((await ctx.blockNumberByHash?.(arg.hash.toLowerCase())) ?? null);
    if (number === null) throw new QueryError(`no block with that hash found`);
    if (number > latestNumber)
      throw new QueryError(
        `Failed to decode \`block.hash\` value: \`subgraph ${ctx.deployment} has only indexed up to block number ${latestNumber} and data for block number ${number} is therefore not yet available\``,
      );
    return number;
  }
  if (arg.number !== undefined) {
    if (arg.number > latestNumber)
      throw new QueryError(
        `Failed to decode \`block.number\` value: \`subgraph ${ctx.deployment} has only indexed up to block number ${latestNumber} and data for block number ${arg.number} is therefore not yet available\``,
      );
    return arg.number;
  }
  if (arg.number_gte !== undefined) {
    if (arg.number_gte > latestNumber)
      throw new QueryError(
        `Failed to decode \`block.number_gte\` value: \`subgraph ${ctx.deployment} has only indexed up to block number ${latestNumber} and data for block number ${arg.number_gte} is therefore not yet available\``,
      );
    return null;
  }
  return null;
}

/**
 * Batches the relation lookups of one query (the N+1 of nested fields): every `load` made while graphql-js walks
 * a list is answered by one SQL statement per (entity, key field, block, order) group.
 */
class RelationLoader {
  private pending = new Map<
    string,
    {
      run: (keys: string[]) => Promise<Map<string, Row[]>>;
      waiting: Map<string, ((rows: Row[]) => void)[]>;
      failed: ((e: unknown) => void)[];
    }
  >();
  private scheduled = false;

  load(group: string, key: string, run: (keys: string[]) => Promise<Map<string, Row[]>>): Promise<Row[]> {
    return new Promise<Row[]>((resolve, reject) => {
      let batch = this.pending.get(group);
      if (!batch) {
        batch = { run, waiting: new Map(), failed: [] };
        this.pending.set(group, batch);
      }
      const list = batch.waiting.get(key) ?? [];
      list.push(resolve);
      batch.waiting.set(key, list);
      batch.failed.push(reject);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.dispatch());
      }
    });
  }

  private async dispatch(): Promise<void> {
    const batches = [...this.pending.values()];
    this.pending.clear();
    this.scheduled = false;
    await Promise.all(
      batches.map(async (batch) => {
        try {
          const rows = await batch.run([...batch.waiting.keys()]);
          for (const [key, resolvers] of batch.waiting) for (const r of resolvers) r(rows.get(key) ?? []);
        } catch (error) {
          for (const fail of batch.failed) fail(error);
        }
      }),
    );
  }
}

/** Answers graph-node style queries for one subgraph. */
export class QueryService {
  readonly schema: GraphQLSchema;
  private readonly single = new Map<string, EntityModel>();
  private readonly plural = new Map<string, EntityModel>();

  constructor(
    private readonly model: SchemaModel,
    private readonly ctx: QueryContext,
  ) {
    this.schema = buildSchema(apiSchemaSdl(model));
    for (const entity of model.entities.values()) {
      this.single.set(singularField(entity.name), entity);
      this.plural.set(singularField(pluralize(entity.name)), entity);
    }
  }

  async execute(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<ExecutionResult> {
    let document;
    try {
      document = parse(query);
    } catch (error) {
      return { errors: [error as GraphQLError] };
    }
    const errors = validate(this.schema, document, specifiedRules);
    if (errors.length) {
      // graph-node's messages are graphql-js's without the "Did you mean" suggestions.
      return {
        errors: errors.map((e) => new GraphQLError(e.message.replace(/ Did you mean .*$/, ""), { nodes: e.nodes })),
      };
    }
    const result = await graphql({
      schema: this.schema,
      source: query,
      variableValues: variables,
      operationName,
      fieldResolver: this.resolver,
      contextValue: { loader: new RelationLoader() },
    });
    if (result.errors?.length) return { errors: result.errors, data: result.errors.length ? undefined : result.data };
    return result;
  }

  /** Rows of `target` whose key field (`id`, or the field a derived relation points back with) is in `keys`. */
  private batchRows(
    target: EntityModel,
    keyField: string,
    block: number | null,
    orderBy: string | undefined,
    direction: string | undefined,
  ) {
    return async (keys: string[]): Promise<Map<string, Row[]>> => {
      const sql = new Sql();
      const keyExpr = keyField === "id" ? "e.id" : `(e.data->>'${keyField}')`;
      const idField = target.fields.get("id")!;
      const dir = direction === "desc" ? "DESC" : "ASC";
      const order =
        orderBy && orderBy !== "id"
          ? `${orderExpr(sql, this.model, target, "e", orderBy, block)} ${dir} NULLS ${dir === "ASC" ? "FIRST" : "LAST"}, ${columnExpr("e", idField)} ${dir}`
          : `${columnExpr("e", idField)} ${dir}`;
      const rows = await this.ctx.db.query<{ key: string; data: EntityData }>(
        `SELECT ${keyExpr} AS key, e.data FROM entity_versions e WHERE e.entity = ${sql.param(target.name)} AND ${blockCondition(sql, "e", block)} AND ${keyExpr} = ANY(${sql.param(keys)}::text[]) ORDER BY ${order}`,
        sql.params,
      );
      const out = new Map<string, Row[]>();
      for (const r of rows) {
        const list = out.get(r.key) ?? [];
        list.push(Object.assign(r.data as Row, { [BLOCK_SYMBOL]: block }));
        out.set(r.key, list);
      }
      return out;
    };
  }

  private readonly resolver: GraphQLFieldResolver<unknown, { loader: RelationLoader }, Record<string, unknown>> =
    async (source, args, context, info) => {
      const name = info.fieldName;
      if (info.parentType.name === "Query") {
        if (name === "_meta") {
          const latest = await this.ctx.latest();
          const block = await resolveBlock(this.ctx, args.block as never);
          // A past block the store recorded answers with its own hash and time, as graph-node's chain store does.
          const [asked] =
            block === null
              ? []
              : await this.ctx.db.query<{ hash: string; parent_hash: string; timestamp: string }>(
                  "SELECT hash, parent_hash, timestamp FROM indexed_blocks WHERE number = $1",
                  [block],
                );
          return {
            block: latest
              ? block === null
                ? {
                    number: latest.number,
                    hash: latest.hash,
                    timestamp: latest.timestamp,
                    parentHash: latest.parentHash,
                  }
                : {
                    number: block,
                    hash: asked?.hash ?? null,
                    timestamp: asked ? Number(asked.timestamp) : null,
                    parentHash: asked?.parent_hash ?? null,
                  }
              : { number: 0, hash: null, timestamp: null, parentHash: null },
            deployment: this.ctx.deployment,
            hasIndexingErrors: await this.ctx.hasIndexingErrors(),
          };
        }
        const block = await resolveBlock(this.ctx, args.block as never);
        const one = this.single.get(name);
        if (one) {
          const idField = one.fields.get("id")!;
          const id = normalizeInput(idField, args.id);
          const rows = await selectRows(this.ctx, this.model, one, { first: 1, where: { id } }, block);
          return rows[0] ?? null;
        }
        const many = this.plural.get(name);
        if (many) return selectRows(this.ctx, this.model, many, args as CollectionArgs, block);
        return null;
      }
      const row = source as Row;
      const entity = this.model.entities.get(info.parentType.name);
      const field = entity?.fields.get(name);
      if (!entity || !field?.relation) return (row as Record<string, unknown>)[name] ?? null;
      const block = row[BLOCK_SYMBOL] ?? null;
      const target = this.model.entities.get(field.relation)!;
      const loader = context.loader;
      const plain = !args.where && !args.skip;
      if (field.derivedFrom) {
        const back = target.fields.get(field.derivedFrom)!;
        const id = row.id;
        if (plain && !back.list) {
          const orderBy = args.orderBy as string | undefined;
          const direction = args.orderDirection as string | undefined;
          const group = `${target.name}|${back.name}|${block}|${orderBy}|${direction}`;
          const rows = await loader.load(
            group,
            String(id),
            this.batchRows(target, back.name, block, orderBy, direction),
          );
          const first = field.list ? ((args.first as number | undefined) ?? 100) : 1;
          if (first < 0 || first > MAX_FIRST)
            throw new QueryError(`The \`first\` argument must be between 0 and ${MAX_FIRST}, but is ${first}`);
          return field.list ? rows.slice(0, first) : (rows[0] ?? null);
        }
        const extra = (sql: Sql) =>
          back.list
            ? `e.data->'${back.name}' @> ${sql.param(JSON.stringify([id]))}::jsonb`
            : `(e.data->>'${back.name}') = ${sql.param(id)}`;
        const rows = await selectRows(
          this.ctx,
          this.model,
          target,
          field.list ? (args as CollectionArgs) : { first: 1 },
          block,
          extra,
        );
        return field.list ? rows : (rows[0] ?? null);
      }
      const ref = row[name];
      if (ref === null || ref === undefined) return field.list ? [] : null;
      if (field.list) {
        const ids = ref as string[];
        const extra = (sql: Sql) => `e.id = ANY(${sql.param(ids)}::text[])`;
        return selectRows(this.ctx, this.model, target, args as CollectionArgs, block, extra);
      }
      const rows = await loader.load(
        `${target.name}|id|${block}`,
        String(ref),
        this.batchRows(target, "id", block, undefined, undefined),
      );
      return rows[0] ?? null;
    };
}
