// The entity model read from schema.graphql: entities, their fields, scalar kinds, relations and @derivedFrom,
// in the shape the store, the host functions and the GraphQL server all share.
import { Kind, parse } from "graphql";
import type { DocumentNode, TypeNode } from "graphql";

export type ScalarKind = "ID" | "String" | "Bytes" | "BigInt" | "BigDecimal" | "Int" | "Int8" | "Boolean" | "Timestamp";

export interface FieldModel {
  name: string;
  /** Scalar kind of the stored value; for relations, the kind of the target's id; enums are "String". */
  kind: ScalarKind;
  /** Target entity name when the field references another entity. */
  relation?: string;
  enumType?: string;
  list: boolean;
  nonNull: boolean;
  /** `@derivedFrom(field)`: not stored; the reverse of `relation.field`. */
  derivedFrom?: string;
  description?: string;
}

export interface EntityModel {
  name: string;
  immutable: boolean;
  idKind: ScalarKind;
  fields: Map<string, FieldModel>;
  description?: string;
}

export interface SchemaModel {
  entities: Map<string, EntityModel>;
  enums: Map<string, string[]>;
  document: DocumentNode;
}

const SCALARS = new Set(["ID", "String", "Bytes", "BigInt", "BigDecimal", "Int", "Int8", "Boolean", "Timestamp"]);

function unwrap(type: TypeNode): { name: string; list: boolean; nonNull: boolean } {
  let nonNull = false;
  let list = false;
  let t = type;
  if (t.kind === Kind.NON_NULL_TYPE) {
    nonNull = true;
    t = t.type;
  }
  if (t.kind === Kind.LIST_TYPE) {
    list = true;
    t = t.type;
    if (t.kind === Kind.NON_NULL_TYPE) t = t.type;
  }
  if (t.kind !== Kind.NAMED_TYPE) throw new Error("nested lists are not supported in entity fields");
  return { name: t.name.value, list, nonNull };
}

export function parseSchema(sdl: string): SchemaModel {
  const document = parse(sdl);
  const enums = new Map<string, string[]>();
  const objectTypes: { name: string; node: (typeof document.definitions)[number] }[] = [];
  for (const def of document.definitions) {
    if (def.kind === Kind.ENUM_TYPE_DEFINITION)
      enums.set(
        def.name.value,
        (def.values ?? []).map((v) => v.name.value),
      );
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION) objectTypes.push({ name: def.name.value, node: def });
  }
  const entityNames = new Set(objectTypes.map((o) => o.name));
  const entities = new Map<string, EntityModel>();
  for (const { node } of objectTypes) {
    if (node.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const entityDirective = node.directives?.find((d) => d.name.value === "entity");
    if (!entityDirective) continue;
    const immutableArg = entityDirective.arguments?.find((a) => a.name.value === "immutable");
    const fields = new Map<string, FieldModel>();
    for (const f of node.fields ?? []) {
      const { name, list, nonNull } = unwrap(f.type);
      const derived = f.directives?.find((d) => d.name.value === "derivedFrom");
      const derivedArg = derived?.arguments?.find((a) => a.name.value === "field");
      const field: FieldModel = {
        name: f.name.value,
        kind: "String",
        list,
        nonNull,
        description: f.description?.value,
      };
      if (SCALARS.has(name)) field.kind = name as ScalarKind;
      else if (enums.has(name)) field.enumType = name;
      else if (entityNames.has(name)) field.relation = name;
      else throw new Error(`field ${node.name.value}.${f.name.value} has unknown type ${name}`);
      if (derivedArg && derivedArg.value.kind === Kind.STRING) field.derivedFrom = derivedArg.value.value;
      fields.set(field.name, field);
    }
    const id = fields.get("id");
    if (!id) throw new Error(`entity ${node.name.value} has no id field`);
    entities.set(node.name.value, {
      name: node.name.value,
      immutable: immutableArg?.value.kind === Kind.BOOLEAN && immutableArg.value.value,
      idKind: id.kind === "ID" ? "String" : id.kind,
      fields,
      description: node.description?.value,
    });
  }
  // Relations store the target's id, so their kind is the target id's kind.
  for (const entity of entities.values()) {
    for (const field of entity.fields.values()) {
      if (field.relation) field.kind = entities.get(field.relation)!.idKind;
      if (field.kind === "ID") field.kind = "String";
    }
  }
  return { entities, enums, document };
}
