import { Distribution } from "./rng";

/**
 * What Route 53 makes of a CLOUDWATCH_METRIC check whose alarm lives in a region it cannot
 * read (down or cut off). AWS does not document it, so the drills run under each value.
 */
export type UnreachableAlarm = "healthy" | "unhealthy" | "last-known";

/** A CLOUDWATCH_METRIC check's insufficientDataHealthStatus (Healthy, Unhealthy, LastKnownStatus). */
export type InsufficientDataStatus = "healthy" | "unhealthy" | "last-known";

/**
 * The writer record's check. "gate-quorum" is the shipped design (manifest v2): at least
 * `quorum` gates healthy, the HTTPS check plays no part. "https-and-all-gates" is the design
 * before it (HTTPS healthy AND every gate healthy), kept so that a test can show the robustness
 * property failing on it.
 */
export type WriterCheckDesign = "gate-quorum" | "https-and-all-gates";

/**
 * Every figure the simulator draws from, in seconds. Defaults follow DESIGN.md section 7
 * (AWS documentation); an operator rehearsing their own numbers overrides any of them.
 */
export interface SimParams {
  aurora: {
    /** Storage replication lag per write. AWS: "typically < 1 s". */
    replicationLag: Distribution;
    /** SwitchoverGlobalCluster, after the source drained. AWS: "about a minute or more". */
    switchoverSeconds: Distribution;
    /** FailoverGlobalCluster with AllowDataLoss. AWS: "order of minutes" (marketing < 1 min). */
    failoverSeconds: Distribution;
    /** An old primary coming back as a secondary after its region returns. */
    rejoinSeconds: Distribution;
  };
  dynamodb: {
    /** Global tables (MREC) replication per item. AWS: "typically <= 1 s, no SLA". */
    replicationLag: Distribution;
  };
  msk: {
    /** MSK Replicator per record. AWS publishes no figure; new topics seen within 30 s. */
    replicationLag: Distribution;
    /** How often the replicator syncs consumer-group offsets. */
    offsetSyncSeconds: number;
  };
  cache: {
    /** ElastiCache global datastore replication lag. */
    replicationLag: Distribution;
    /** FailoverGlobalReplicationGroup: promoting a secondary. */
    failoverSeconds: Distribution;
  };
  route53: {
    /** From a gate's PutMetricData to its alarm's next evaluation. */
    alarmEvaluationSeconds: Distribution;
    /**
     * The gate alarm's period: it takes the Minimum of the datapoints of the last this-many
     * seconds, so a close (0) wins over an open (1) put in the same period.
     */
    alarmPeriodSeconds: number;
    /** From a health check's inputs changing to Route 53 acting on the new status. */
    healthPropagationSeconds: Distribution;
    /** How long clients keep an answer beyond its TTL (stub resolvers, JVM caches). */
    clientExtraCacheSeconds: Distribution;
    /**
     * Route 53 health checkers polling each HTTPS endpoint, each on its own phase and failure
     * threshold. Route 53's default is one checker per region in eight regions.
     */
    healthCheckers: number;
    /** A check is healthy while more than this fraction of its checkers report healthy. */
    healthyCheckerFraction: number;
    /** What Route 53 makes of a gate alarm in an unreachable region (not documented). */
    unreachableAlarm: UnreachableAlarm;
    /**
     * The gate checks' insufficientDataHealthStatus; the stacks set Unhealthy
     * (components/traffic/switch.ts GATE_INSUFFICIENT_DATA), so a gate never opened is closed.
     */
    gateInsufficientData: InsufficientDataStatus;
    /** The writer record's check (the shipped design, or the old one for comparison). */
    writerCheck: WriterCheckDesign;
  };
  api: {
    /** Latency of an ordinary API call. */
    latency: Distribution;
    /** A hung call gives up after this long (the SDK's socket timeout). */
    hangSeconds: number;
    /** A call to a region that is down fails after this long (connect timeout). */
    connectTimeoutSeconds: number;
  };
  workload: {
    /** Each canary writes one sequence-numbered record to every store this often. */
    writeIntervalSeconds: number;
    clientsPerRegion: number;
  };
  consumers: {
    /** UpdateEventSourceMapping: Enabling/Disabling until Enabled/Disabled. */
    transitionSeconds: Distribution;
    /** How often an enabled mapping polls its queue. */
    pollSeconds: number;
    batchSize: number;
    /** One invocation's run time. */
    handlerSeconds: number;
    /** A refused message is visible again after this long. */
    visibilityTimeoutSeconds: number;
    /** Receives before the queue's redrive policy moves a message to the DLQ. */
    maxReceiveCount: number;
    /** The API's write route puts one message on the writer name's queue this often. */
    enqueueIntervalSeconds: number;
  };
  app: {
    /**
     * The application's writer lease: a region stops accepting writes when it has not heard
     * from every peer (control-table heartbeats, modelled as link state) for this long. It
     * closes the split-brain window of a partitioned old writer that never sees its fence
     * item, and bounds what that writer accepts (and loses) to about this many seconds, so
     * keep it under the RPO target. See docs/drills.md.
     */
    leaseSeconds: number;
  };
}

export function defaultParams(): SimParams {
  return {
    aurora: {
      replicationLag: { kind: "lognormal", median: 0.25, p99: 1, max: 5 },
      switchoverSeconds: { kind: "uniform", min: 60, max: 120 },
      failoverSeconds: { kind: "uniform", min: 40, max: 110 },
      rejoinSeconds: { kind: "uniform", min: 120, max: 300 },
    },
    dynamodb: { replicationLag: { kind: "lognormal", median: 0.5, p99: 1.5, max: 10 } },
    msk: {
      replicationLag: { kind: "lognormal", median: 1, p99: 5, max: 30 },
      offsetSyncSeconds: 5,
    },
    cache: {
      replicationLag: { kind: "lognormal", median: 0.3, p99: 1, max: 5 },
      failoverSeconds: { kind: "uniform", min: 20, max: 60 },
    },
    route53: {
      alarmEvaluationSeconds: { kind: "uniform", min: 10, max: 60 },
      alarmPeriodSeconds: 60,
      healthPropagationSeconds: { kind: "uniform", min: 2, max: 10 },
      clientExtraCacheSeconds: { kind: "uniform", min: 0, max: 5 },
      healthCheckers: 8,
      healthyCheckerFraction: 0.18,
      unreachableAlarm: "last-known",
      gateInsufficientData: "unhealthy",
      writerCheck: "gate-quorum",
    },
    api: {
      latency: { kind: "lognormal", median: 0.08, p99: 0.5, max: 3 },
      hangSeconds: 30,
      connectTimeoutSeconds: 5,
    },
    workload: { writeIntervalSeconds: 1, clientsPerRegion: 1 },
    consumers: {
      transitionSeconds: { kind: "uniform", min: 1, max: 10 },
      pollSeconds: 1,
      batchSize: 10,
      handlerSeconds: 0.2,
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 5,
      enqueueIntervalSeconds: 0.5,
    },
    app: { leaseSeconds: 3 },
  };
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type ParamOverrides = DeepPartial<SimParams>;

/** Defaults with `overrides` applied section by section. */
export function resolveParams(overrides: ParamOverrides = {}): SimParams {
  const base = defaultParams();
  const out = base as unknown as Record<string, Record<string, unknown>>;
  for (const [section, values] of Object.entries(overrides)) {
    if (values === undefined) continue;
    out[section] = { ...out[section], ...(values as Record<string, unknown>) };
  }
  return base;
}
