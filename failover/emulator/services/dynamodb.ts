import {
  marshall,
  NativeAttributeValue,
  NumberValueImpl,
  unmarshall,
} from "@aws-sdk/util-dynamodb";
import { GlobalTable } from "../../simulator/dynamo";
import { JsonObject, jsonCodec } from "../protocols/json";
import { CallContext, defineService, WireFault } from "../wire";
import { decodeKey, encodeKey, KeyAttribute, keySchema, withoutKey } from "./dynamodbKeys";
import {
  applyUpdate,
  AttributeValue,
  Condition,
  evaluate,
  ExpressionError,
  Item,
  parseCondition,
  parseProjection,
  parseUpdate,
  Path,
  Placeholders,
  project,
  UpdateAction,
} from "./expressions";

/**
 * DynamoDB's item API over the simulator's global tables: each request reads or writes the
 * replica of the region it was signed for, so replication lag, partitions and last-writer-wins
 * behave as the simulator models them. Conditions are the request's own ConditionExpression,
 * evaluated against the local replica's item inside `GlobalTable.put` (atomically, as
 * DynamoDB's conditional writes are within a region).
 *
 * Items are stored as plain values (unmarshalled) under a key built from their key attributes
 * (dynamodbKeys.ts): the key schema is the manifest's (partition key, its type, a sort key).
 */
export const dynamodb = defineService<JsonObject, JsonObject>({
  name: "dynamodb",
  codec: jsonCodec({
    targetPrefix: "DynamoDB_20120810",
    errorNamespace: "com.amazonaws.dynamodb.v20120810",
  }),
  throttle: { code: "ThrottlingException", status: 400 },
  errors: {},
  operations: {
    async DescribeTable(input, ctx) {
      const name = tableName(input);
      const t = table(name, ctx);
      const d = await ctx.adapters.dynamodb.describeTable(ctx.region, name);
      return {
        Table: {
          TableName: name,
          TableStatus: d.tableStatus,
          TableArn: `arn:aws:dynamodb:${ctx.region}:${ctx.account}:table/${name}`,
          TableId: `00000000-0000-4000-8000-${hex12(name)}`,
          KeySchema: t.keys.map((k) => ({ AttributeName: k.name, KeyType: k.role })),
          AttributeDefinitions: t.keys.map((k) => ({
            AttributeName: k.name,
            AttributeType: k.type,
          })),
          BillingModeSummary: { BillingMode: "PAY_PER_REQUEST" },
          ItemCount: t.table.entries(ctx.region).length,
          CreationDateTime: Math.floor(Date.parse(ctx.manifests[0].generatedAt) / 1000),
          GlobalTableVersion: "2019.11.21",
          Replicas: d.replicas.map((r) => ({ RegionName: r.region, ReplicaStatus: r.status })),
        },
      };
    },
    GetItem(input, ctx) {
      const t = table(tableName(input), ctx);
      const pk = encodeKey(t.keys, object(input.Key, "key") as Item, "key");
      const p = placeholders(input);
      const projection = projectionOf(input, p);
      checkUsed(p);
      const item = read(t, ctx.region, pk);
      return item ? { Item: projection ? project(item, projection) : item } : {};
    },
    BatchGetItem(input, ctx) {
      const requests = object(input.RequestItems, "RequestItems");
      const responses: Record<string, Item[]> = {};
      let keys = 0;
      for (const [name, spec] of Object.entries(requests)) {
        const r = object(spec, `RequestItems.${name}`);
        const t = table(name, ctx);
        const p = placeholders(r);
        const projection = projectionOf(r, p);
        checkUsed(p);
        const list = Array.isArray(r.Keys) ? r.Keys : [];
        keys += list.length;
        responses[name] = list.flatMap((k) => {
          const item = read(t, ctx.region, encodeKey(t.keys, object(k, "key") as Item, "key"));
          return item ? [projection ? project(item, projection) : item] : [];
        });
      }
      if (keys === 0 || keys > 100) {
        throw validation(
          keys === 0
            ? "The requested keys are empty"
            : "Too many items requested for the BatchGetItem call",
        );
      }
      return { Responses: responses, UnprocessedKeys: {} };
    },
    PutItem(input, ctx) {
      const t = table(tableName(input), ctx);
      const item = object(input.Item, "Item") as Item;
      const pk = encodeKey(t.keys, item, "item");
      const p = placeholders(input);
      const condition = conditionOf(input, p);
      checkUsed(p);
      const old = write(t, ctx.region, pk, () => item, condition, input);
      return input.ReturnValues === "ALL_OLD" && old ? { Attributes: old } : {};
    },
    UpdateItem(input, ctx) {
      const t = table(tableName(input), ctx);
      const key = object(input.Key, "key") as Item;
      const pk = encodeKey(t.keys, key, "key");
      const p = placeholders(input);
      const actions = updateOf(input, p);
      const condition = conditionOf(input, p);
      checkUsed(p);
      const touched = t.keys.find((k) => actions.some((a) => a.path[0] === k.name));
      if (touched) {
        throw validation(
          `One or more parameter values were invalid: Cannot update attribute ${touched.name}. This attribute is part of the key`,
        );
      }
      let updated: Item = {};
      const old = write(
        t,
        ctx.region,
        pk,
        (current) => (updated = { ...applyUpdate(current, actions), ...key }),
        condition,
        input,
      );
      switch (input.ReturnValues) {
        case "ALL_NEW":
          return { Attributes: updated };
        case "ALL_OLD":
          return old ? { Attributes: old } : {};
        default:
          return {};
      }
    },
  },
});

interface TableRef {
  table: GlobalTable;
  keys: KeyAttribute[];
}

function table(name: string, ctx: CallContext): TableRef {
  const sim = ctx.sim;
  const m = ctx.manifests[0].stores;
  const refs: TableRef[] = sim.tables.map((t) => ({
    table: t,
    keys: keySchema(m.dynamodb.find((d) => d.tableName === t.tableName)),
  }));
  if (sim.control) refs.push({ table: sim.control, keys: keySchema(m.controlTable ?? undefined) });
  const t = refs.find((r) => r.table.tableName === name);
  if (!t || !t.table.regions.includes(ctx.region)) {
    throw new WireFault("ResourceNotFoundException", "Requested resource not found", 400);
  }
  return t;
}

/** A stored item as AttributeValues, its key attributes included. */
function itemOf(t: TableRef, pk: string, stored: { value: Record<string, unknown> }): Item {
  return { ...toWire(stored.value), ...decodeKey(t.keys, pk) };
}

/** The local replica's item. */
function read(t: TableRef, region: string, pk: string): Item | undefined {
  const stored = t.table.get(region, pk);
  return stored ? itemOf(t, pk, stored) : undefined;
}

/**
 * A (conditional) write through the global table, in the request's region. `next` builds the
 * stored attributes from the current item (UpdateItem) or ignores it (PutItem). The condition
 * is the request's ConditionExpression, evaluated by GlobalTable.put against the local item.
 * Returns the old item (for ReturnValues); a failed condition throws
 * ConditionalCheckFailedException, with the old item when the request asked for it.
 */
function write(
  t: TableRef,
  region: string,
  pk: string,
  next: (current: Item | undefined) => Item,
  condition: Condition | undefined,
  input: JsonObject,
): Item | undefined {
  const current = (stored: { value: Record<string, unknown> } | undefined) =>
    stored ? itemOf(t, pk, stored) : undefined;
  // The new value is built from the item as it is now; put() runs in the same synchronous
  // turn, so no other write can come between (a conditional write is atomic in its region).
  // The GlobalTable key carries the key attributes; the stored value holds the others.
  let value: Record<string, unknown> = {};
  let invalid: ExpressionError | undefined;
  try {
    value = fromWire(withoutKey(t.keys, next(current(t.table.get(region, pk)))));
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    invalid = e;
  }
  let old: Item | undefined;
  let failed = false;
  const written = t.table.put(region, pk, value, (stored) => {
    old = current(stored);
    failed = condition !== undefined && !evaluate(condition, old);
    return !failed && invalid === undefined;
  });
  if (failed) {
    const withItem = input.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && old;
    throw new WireFault(
      "ConditionalCheckFailedException",
      "The conditional request failed",
      400,
      withItem ? { Item: old } : {},
    );
  }
  if (invalid) throw validation(`Invalid UpdateExpression: ${invalid.message}`);
  if (!written) {
    // Only a region that is down refuses a write; the server black-holes those before here.
    throw new WireFault("InternalServerError", "Internal server error", 500);
  }
  return old;
}

// --- request fields -----------------------------------------------------------------------------

function validation(message: string): WireFault {
  return new WireFault("ValidationException", message, 400);
}

function object(v: unknown, name: string): JsonObject {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw validation(
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v as JsonObject;
}

function tableName(input: JsonObject): string {
  if (typeof input.TableName !== "string" || input.TableName === "") {
    throw validation(
      "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
    );
  }
  return input.TableName;
}

function placeholders(input: JsonObject): Placeholders {
  try {
    return new Placeholders(
      input.ExpressionAttributeNames as Record<string, string> | undefined,
      input.ExpressionAttributeValues as Record<string, AttributeValue> | undefined,
    );
  } catch (e) {
    throw asValidation(e, "");
  }
}

function conditionOf(input: JsonObject, p: Placeholders): Condition | undefined {
  if (input.Expected !== undefined || input.ConditionalOperator !== undefined) {
    throw validation(
      "the emulator supports ConditionExpression, not the legacy Expected parameter",
    );
  }
  if (typeof input.ConditionExpression !== "string") return undefined;
  try {
    return parseCondition(input.ConditionExpression, p);
  } catch (e) {
    throw asValidation(e, "Invalid ConditionExpression: ");
  }
}

function updateOf(input: JsonObject, p: Placeholders): UpdateAction[] {
  if (input.AttributeUpdates !== undefined) {
    throw validation(
      "the emulator supports UpdateExpression, not the legacy AttributeUpdates parameter",
    );
  }
  if (typeof input.UpdateExpression !== "string") return [];
  try {
    return parseUpdate(input.UpdateExpression, p);
  } catch (e) {
    throw asValidation(e, "Invalid UpdateExpression: ");
  }
}

function projectionOf(input: JsonObject, p: Placeholders): Path[] | undefined {
  if (typeof input.ProjectionExpression !== "string") return undefined;
  try {
    return parseProjection(input.ProjectionExpression, p);
  } catch (e) {
    throw asValidation(e, "Invalid ProjectionExpression: ");
  }
}

/** AWS refuses placeholders that no expression of the request used. */
function checkUsed(p: Placeholders): void {
  try {
    p.checkAllUsed();
  } catch (e) {
    throw asValidation(e, "");
  }
}

function asValidation(e: unknown, prefix: string): unknown {
  return e instanceof ExpressionError ? validation(prefix + e.message) : e;
}

// --- AttributeValues <-> stored values ----------------------------------------------------------

/** Numbers a double holds exactly stay numbers; others keep their digits (NumberValue). */
const unwrapNumber = (s: string) => (String(Number(s)) === s ? Number(s) : NumberValueImpl.from(s));

/** Wire AttributeValues (binary as base64) to the plain values the simulator stores. */
function fromWire(item: Item): Record<string, unknown> {
  return unmarshall(binaryToBytes(item) as Parameters<typeof unmarshall>[0], {
    wrapNumbers: unwrapNumber,
  });
}

/** Stored plain values back to wire AttributeValues. */
function toWire(value: Record<string, unknown>): Item {
  const av = marshall(value as Record<string, NativeAttributeValue>, {
    removeUndefinedValues: true,
  });
  return bytesToBinary(av) as Item;
}

function binaryToBytes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(binaryToBytes);
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === "B" && typeof o.B === "string") {
    return { B: Buffer.from(o.B, "base64") };
  }
  if (keys.length === 1 && keys[0] === "BS" && Array.isArray(o.BS)) {
    return { BS: o.BS.map((b) => Buffer.from(String(b), "base64")) };
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, binaryToBytes(x)]));
}

function bytesToBinary(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (Array.isArray(v)) return v.map(bytesToBinary);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, bytesToBinary(x)]),
  );
}

function hex12(s: string): string {
  let h = 0;
  for (const c of s) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(12, "0").slice(-12);
}
