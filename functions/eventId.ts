import { createHash } from "crypto";
import type { AttributeValue } from "aws-lambda";

/**
 * An event id derived from the write itself, not from the stream record: the same write has
 * the same id in every replica's stream (global tables replicate the item unchanged; the
 * sequence number and creation time differ per replica). Downstream consumers de-duplicate on
 * it, which is what makes a replayed or doubly-emitted event harmless after a failover.
 */
export function streamEventId(input: {
  tableName: string;
  eventName: string;
  keys: Record<string, AttributeValue> | undefined;
  oldImage: Record<string, AttributeValue> | undefined;
  newImage: Record<string, AttributeValue> | undefined;
}): string {
  const canonical = canonicalJson([
    input.tableName,
    input.eventName,
    input.keys ?? null,
    input.oldImage ?? null,
    input.newImage ?? null,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** JSON with object keys sorted at every level, so equal items hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
