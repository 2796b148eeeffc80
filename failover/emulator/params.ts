import { z } from "zod";
import { InputIssue } from "../../validation/issues";
import { ParamOverrides } from "../simulator/params";
import { zodIssues } from "./faults";

/**
 * The emulator's simulator parameters: AWS's figures shrunk so that a whole switchover takes
 * seconds of wall time (the emulator runs the models in real time). `--params FILE` overrides
 * any of them with the simulator's own parameter shape (failover/simulator/params.ts).
 */
export const EMULATOR_PARAMS: ParamOverrides = {
  aurora: {
    replicationLag: { kind: "lognormal", median: 0.01, p99: 0.05, max: 0.2 },
    switchoverSeconds: { kind: "uniform", min: 0.03, max: 0.08 },
    failoverSeconds: { kind: "uniform", min: 0.03, max: 0.08 },
    rejoinSeconds: { kind: "uniform", min: 0.2, max: 0.5 },
  },
  dynamodb: { replicationLag: { kind: "lognormal", median: 0.02, p99: 0.1, max: 0.5 } },
  msk: {
    replicationLag: { kind: "lognormal", median: 0.02, p99: 0.1, max: 0.5 },
    offsetSyncSeconds: 0.5,
  },
  cache: {
    replicationLag: { kind: "lognormal", median: 0.01, p99: 0.05, max: 0.2 },
    failoverSeconds: { kind: "uniform", min: 0.03, max: 0.08 },
  },
  route53: {
    alarmEvaluationSeconds: { kind: "uniform", min: 0.02, max: 0.05 },
    alarmPeriodSeconds: 0.5,
    healthPropagationSeconds: { kind: "uniform", min: 0.02, max: 0.05 },
    clientExtraCacheSeconds: { kind: "uniform", min: 0, max: 0.05 },
  },
  consumers: {
    transitionSeconds: { kind: "uniform", min: 0.05, max: 0.2 },
    pollSeconds: 0.1,
    handlerSeconds: 0.02,
    visibilityTimeoutSeconds: 1,
    enqueueIntervalSeconds: 0.05,
  },
  api: {
    latency: { kind: "lognormal", median: 0.002, p99: 0.01, max: 0.05 },
    hangSeconds: 30,
    connectTimeoutSeconds: 5,
  },
};

/** `over` applied on top of `base`, section by section (as resolveParams applies overrides). */
export function mergeParams(base: ParamOverrides, over: ParamOverrides): ParamOverrides {
  const out: Record<string, unknown> = { ...base };
  for (const [section, values] of Object.entries(over)) {
    out[section] = { ...(out[section] as object | undefined), ...(values as object) };
  }
  return out as ParamOverrides;
}

const seconds = z.number().nonnegative({ error: "must be seconds, 0 or more." });
const distribution = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("constant"), value: seconds }),
    z.strictObject({ kind: z.literal("uniform"), min: seconds, max: seconds }),
    z.strictObject({
      kind: z.literal("lognormal"),
      median: z.number().positive({ error: "must be more than 0." }),
      p99: z.number().positive({ error: "must be more than 0." }),
      max: seconds.optional(),
    }),
  ],
  { error: 'must be a distribution: {"kind": "constant" | "uniform" | "lognormal", ...}.' },
);

/** The simulator's ParamOverrides, checked key by key. */
const paramsSchema = z
  .strictObject({
    aurora: z
      .strictObject({
        replicationLag: distribution,
        switchoverSeconds: distribution,
        failoverSeconds: distribution,
        rejoinSeconds: distribution,
      })
      .partial(),
    dynamodb: z.strictObject({ replicationLag: distribution }).partial(),
    msk: z.strictObject({ replicationLag: distribution, offsetSyncSeconds: seconds }).partial(),
    cache: z
      .strictObject({ replicationLag: distribution, failoverSeconds: distribution })
      .partial(),
    route53: z
      .strictObject({
        alarmEvaluationSeconds: distribution,
        alarmPeriodSeconds: z.number().positive({ error: "must be more than 0 seconds." }),
        healthPropagationSeconds: distribution,
        unreachableAlarm: z.enum(["healthy", "unhealthy", "last-known"], {
          error: "must be healthy, unhealthy or last-known.",
        }),
        clientExtraCacheSeconds: distribution,
      })
      .partial(),
    api: z
      .strictObject({
        latency: distribution,
        hangSeconds: seconds,
        connectTimeoutSeconds: seconds,
      })
      .partial(),
    workload: z
      .strictObject({
        writeIntervalSeconds: z.number().positive({ error: "must be more than 0." }),
        clientsPerRegion: z.number().int().nonnegative(),
      })
      .partial(),
    consumers: z
      .strictObject({
        transitionSeconds: distribution,
        pollSeconds: z.number().positive({ error: "must be more than 0 seconds." }),
        batchSize: z.number().int().positive(),
        handlerSeconds: seconds,
        visibilityTimeoutSeconds: seconds,
        maxReceiveCount: z.number().int().positive(),
        enqueueIntervalSeconds: z.number().positive({ error: "must be more than 0 seconds." }),
      })
      .partial(),
    app: z.strictObject({ leaseSeconds: seconds }).partial(),
  })
  .partial();

export function parseParams(json: unknown): { params: ParamOverrides } | { issues: InputIssue[] } {
  const parsed = paramsSchema.safeParse(json);
  if (!parsed.success) return { issues: zodIssues(parsed.error.issues) };
  const params: ParamOverrides = parsed.data;
  return { params };
}
