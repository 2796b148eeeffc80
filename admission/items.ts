import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { FenceItem, WriterItem } from "./decision";

/**
 * The DR control table's items, as the failover runbooks write them
 * (failover/adapters/aws/dynamodb.ts): partition key `pk`;
 * `writer` = {region, epoch, runId, updatedAt (ISO)};
 * `fence#<region>` = {region, fenced, epoch, runId, updatedAt};
 * and the heartbeats this library writes, `heartbeat#<region>` = {region, at (epoch ms)}.
 */

export const CONTROL_KEY = "pk";
export const WRITER_PK = "writer";
export const fencePk = (region: string): string => `fence#${region}`;
export const heartbeatPk = (region: string): string => `heartbeat#${region}`;

export type Item = Record<string, AttributeValue>;

/** A malformed item: admission fails closed on it. */
export class ControlItemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ControlItemError";
  }
}

function num(item: Item, name: string): number | undefined {
  const n = item[name]?.N;
  if (n === undefined) return undefined;
  const v = Number(n);
  return Number.isFinite(v) ? v : undefined;
}

/** The `writer` item; `undefined` when there is none. */
export function parseWriter(item: Item | undefined): WriterItem | undefined {
  if (!item) return undefined;
  const region = item.region?.S;
  if (!region) throw new ControlItemError(`the writer item has no region: ${JSON.stringify(item)}`);
  const out: WriterItem = { region };
  const epoch = num(item, "epoch");
  if (epoch !== undefined) out.epoch = epoch;
  if (item.runId?.S !== undefined) out.runId = item.runId.S;
  const updatedAt = item.updatedAt?.S;
  if (updatedAt !== undefined) {
    const ms = Date.parse(updatedAt);
    if (Number.isFinite(ms)) out.writtenAtMs = ms;
  }
  return out;
}

/** The `fence#<region>` item; `undefined` when there is none. */
export function parseFence(item: Item | undefined): FenceItem | undefined {
  if (!item) return undefined;
  const fenced = item.fenced?.BOOL;
  if (fenced === undefined)
    throw new ControlItemError(`the fence item has no boolean fenced: ${JSON.stringify(item)}`);
  const out: FenceItem = { fenced };
  const epoch = num(item, "epoch");
  if (epoch !== undefined) out.epoch = epoch;
  if (item.runId?.S !== undefined) out.runId = item.runId.S;
  return out;
}

/** A `heartbeat#<region>` item's time (epoch ms); `undefined` when there is none. */
export function parseHeartbeat(item: Item | undefined): number | undefined {
  if (!item) return undefined;
  const at = num(item, "at");
  if (at === undefined)
    throw new ControlItemError(`the heartbeat item has no numeric at: ${JSON.stringify(item)}`);
  return at;
}
