import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DEFAULT_HEARTBEAT_INTERVAL_MS, Heartbeat } from "../admission";
import { ENV, Env, required } from "./settings";

/**
 * The heartbeat function: runs the admission library's `Heartbeat` (admission/heartbeat.ts),
 * writing this region's `heartbeat#<region>` into the DR control table every `intervalMs`, for
 * `runMs`, then returns. An EventBridge Scheduler schedule invokes it every minute
 * (components/functions/heartbeat.ts); consecutive runs overlap, so the item never goes stale
 * while the schedule runs. Peers' write admission (the queue consumer, the services) refuses
 * writes once this region's heartbeat is older than the lease: without this function nothing
 * writes heartbeats and no consumer in any region writes (docs/layers/functions.md, Heartbeats).
 */

/** Its own variables; the shared ones (region, control table) are in ./settings. */
export const HEARTBEAT_ENV = {
  intervalMs: "DR_HEARTBEAT_INTERVAL_MS",
  runMs: "DR_HEARTBEAT_RUN_MS",
} as const;

/**
 * How long one invocation beats. Scheduler invokes a rate(1 minute) target somewhere within each
 * minute (60 s precision, no flexible window), so two consecutive starts can be up to ~119 s
 * apart: a run of 120 s always reaches the next one.
 */
export const DEFAULT_HEARTBEAT_RUN_MS = 120_000;

/** Stop this long before Lambda's deadline, so the last beat settles and the run returns. */
export const DEADLINE_MARGIN_MS = 3_000;

export interface HeartbeatRunOptions {
  region: string;
  tableName: string;
  dynamodb: DynamoDBClient;
  intervalMs: number;
  runMs: number;
  /** Lambda's `context.getRemainingTimeInMillis`; the run ends DEADLINE_MARGIN_MS before it. */
  remainingMs?: () => number;
  log?: (entry: Record<string, unknown>) => void;
}

export interface HeartbeatRunResult {
  region: string;
  beats: number;
  failures: number;
  ranMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Beats for `runMs` (or until near the deadline), then stops and reports the counts. */
export async function runHeartbeat(o: HeartbeatRunOptions): Promise<HeartbeatRunResult> {
  const log = o.log ?? ((e) => console.log(JSON.stringify(e)));
  const started = Date.now();
  const budget = o.remainingMs ? o.remainingMs() - DEADLINE_MARGIN_MS : Infinity;
  const runFor = Math.max(0, Math.min(o.runMs, budget));
  const hb = new Heartbeat({
    region: o.region,
    tableName: o.tableName,
    dynamodb: o.dynamodb,
    intervalMs: o.intervalMs,
    onError: (e) =>
      log({ msg: "heartbeat failed", error: `${(e as Error)?.name}: ${(e as Error)?.message}` }),
  });
  hb.start();
  await sleep(runFor);
  await hb.stop();
  const result = {
    region: o.region,
    beats: hb.beats,
    failures: hb.failures,
    ranMs: Date.now() - started,
  };
  log({ msg: "heartbeat run ended", ...result });
  // A run that wrote nothing is an error, so the function's Errors metric shows it.
  if (hb.beats === 0) {
    throw new Error(
      `no heartbeat written for ${o.region} in ${result.ranMs} ms (${hb.failures} failed); peers refuse writes after their lease`,
    );
  }
  return result;
}

function positiveMs(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!(Number.isSafeInteger(n) && n > 0)) {
    throw new Error(
      `environment variable ${name} must be a positive whole number of ms, got '${raw}'`,
    );
  }
  return n;
}

export interface HeartbeatSettings {
  region: string;
  tableName: string;
  intervalMs: number;
  runMs: number;
}

export function heartbeatSettings(env: Env): HeartbeatSettings {
  return {
    region: required(env, ENV.region),
    tableName: required(env, ENV.controlTable),
    intervalMs: positiveMs(env, HEARTBEAT_ENV.intervalMs, DEFAULT_HEARTBEAT_INTERVAL_MS),
    runMs: positiveMs(env, HEARTBEAT_ENV.runMs, DEFAULT_HEARTBEAT_RUN_MS),
  };
}

let client: DynamoDBClient | undefined;

/** The Lambda entry point (`index.handler` in the bundle); the scheduled event carries nothing. */
export const handler = async (
  _event: unknown,
  context?: { getRemainingTimeInMillis?: () => number },
): Promise<HeartbeatRunResult> => {
  const s = heartbeatSettings(process.env);
  // This region's client: the heartbeat speaks for the region whose replica it writes.
  client ??= new DynamoDBClient({ region: s.region });
  return runHeartbeat({
    ...s,
    dynamodb: client,
    ...(context?.getRemainingTimeInMillis
      ? { remainingMs: () => context.getRemainingTimeInMillis!() }
      : {}),
  });
};
