import { DrManifest } from "../../../manifest";
import { WireFault } from "../wire";
import { AttributeValue, canonicalNumber, Item, typeName } from "./expressions";

/**
 * The key schema of the emulated tables, and how an item's key becomes the string key of the
 * simulator's GlobalTable. A table whose only key is a string partition key uses the string
 * itself, so the DR control table's items are the simulator's own (`writer`, `fence#<r>`);
 * other schemas (number or binary keys, a sort key) use a JSON list of the key values in
 * canonical form, so that `1`, `1.0` and `10E-1` are one key, as in DynamoDB.
 */

export type KeyType = "S" | "N" | "B";

export interface KeyAttribute {
  name: string;
  type: KeyType;
  role: "HASH" | "RANGE";
}

type TableEntry = DrManifest["stores"]["dynamodb"][number];

/** From a manifest's table entry; key types and the sort key are read when it records them. */
export function keySchema(entry: TableEntry | undefined): KeyAttribute[] {
  // Read structurally: manifests from before the key types were recorded have only the name.
  const e = (entry ?? { partitionKey: "pk" }) as {
    partitionKey: string;
    partitionKeyType?: string;
    sortKey?: string;
    sortKeyType?: string;
  };
  const type = (t: string | undefined): KeyType => (t === "N" || t === "B" ? t : "S");
  const hash: KeyAttribute = { name: e.partitionKey, type: type(e.partitionKeyType), role: "HASH" };
  if (!e.sortKey) return [hash];
  return [hash, { name: e.sortKey, type: type(e.sortKeyType), role: "RANGE" }];
}

function invalid(message: string): WireFault {
  return new WireFault("ValidationException", message, 400);
}

/**
 * The GlobalTable key of `attrs`: a request's `Key` (exactly the key attributes) or a whole
 * `Item` (which must hold them). Refuses what DynamoDB refuses, with its messages.
 */
export function encodeKey(schema: KeyAttribute[], attrs: Item, from: "key" | "item"): string {
  if (from === "key" && Object.keys(attrs).length !== schema.length) {
    throw invalid("The provided key element does not match the schema");
  }
  const parts = schema.map((k) => {
    const v = attrs[k.name];
    if (!v) {
      throw invalid(
        from === "key"
          ? "The provided key element does not match the schema"
          : `One or more parameter values were invalid: Missing the key ${k.name} in the item`,
      );
    }
    const actual = typeName(v);
    if (actual !== k.type) {
      throw invalid(
        from === "key"
          ? "The provided key element does not match the schema"
          : `One or more parameter values were invalid: Type mismatch for key ${k.name} expected: ${k.type} actual: ${actual}`,
      );
    }
    const raw = (v as Record<KeyType, string>)[k.type];
    if (raw === "") {
      throw invalid(
        `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${k.type === "B" ? "binary" : "string"} value. Key: ${k.name}`,
      );
    }
    if (k.type === "N") return canonicalNumber(raw);
    if (k.type === "B") return Buffer.from(raw, "base64").toString("base64");
    return raw;
  });
  return simple(schema) ? parts[0] : JSON.stringify(parts);
}

/** The key attributes of a stored item; undefined for a key this schema did not write. */
export function decodeKey(schema: KeyAttribute[], key: string): Item | undefined {
  if (simple(schema)) return { [schema[0].name]: { S: key } };
  let parts: unknown;
  try {
    parts = JSON.parse(key);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parts) || parts.length !== schema.length) return undefined;
  const out: Item = {};
  schema.forEach((k, i) => (out[k.name] = { [k.type]: String(parts[i]) } as AttributeValue));
  return out;
}

/** Removes the key attributes (the GlobalTable key carries them). */
export function withoutKey(schema: KeyAttribute[], item: Item): Item {
  const rest = { ...item };
  for (const k of schema) delete rest[k.name];
  return rest;
}

function simple(schema: KeyAttribute[]): boolean {
  return schema.length === 1 && schema[0].type === "S";
}
