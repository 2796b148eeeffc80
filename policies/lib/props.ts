/*
 * Small, total readers over resource props. Props arrive as plain JSON under both the engine
 * and the offline runner; these never throw on a missing or oddly-shaped value, so a policy
 * reports "X is not set" instead of crashing the preview.
 */

export type Props = Record<string, unknown>;

export function isObject(value: unknown): value is Props {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Reads `a.b.c`; undefined as soon as a step is missing. */
export function at(props: unknown, path: string): unknown {
  let cur: unknown = props;
  for (const part of path.split(".")) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Arrays as they are; a single object (a `maxItems: 1` block) as a one-element array. */
export function list(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === undefined || value === null) return [];
  return [value];
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

export function num(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** How a value reads in a message: `"PROVISIONED"`, `false`, or `not set`. */
export function shown(value: unknown): string {
  return value === undefined || value === null ? "not set" : JSON.stringify(value);
}

/** The tags of a taggable resource (`dr:app`, `dr:cell`, `dr:region`). */
export function tags(props: Props): Record<string, string> {
  const t = props.tags;
  if (!isObject(t)) return {};
  return Object.fromEntries(Object.entries(t).filter(([, v]) => typeof v === "string")) as Record<
    string,
    string
  >;
}

/** The physical name a resource will have: its explicit name input, else its Pulumi name. */
export function physicalName(props: Props, fallback: string): string {
  for (const key of [
    "name",
    "bucket",
    "identifier",
    "clusterIdentifier",
    "replicationGroupId",
    "clusterName",
    "replicatorName",
    "globalClusterIdentifier",
  ]) {
    const v = str(props[key]);
    if (v) return v;
  }
  return fallback;
}

/** The last path segment of an ARN-like string (`.../table/shop-orders` -> `shop-orders`). */
export function arnTail(arn: unknown): string | undefined {
  const s = str(arn);
  return s ? s.split(/[/:]/).pop() : undefined;
}

/** Parses a JSON-string prop (SQS redrive policies); undefined when it is not JSON. */
export function jsonProp(value: unknown): unknown {
  if (isObject(value)) return value;
  if (typeof value !== "string") return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
