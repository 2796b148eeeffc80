// ADAPTER INTERFACES STABLE
/*
 * The small interfaces the failover runbooks talk to AWS through. Two implementations exist:
 * `failover/adapters/aws/` (AWS SDK v3, one client per service and region) and the region
 * simulator (`failover/simulator/`), which runs the same engine and runbooks in virtual time.
 *
 * Rules every implementation follows, so that the runbooks behave the same against both:
 * - Every call names the region it goes to. No implementation picks a region on its own
 *   (except Route 53, whose API is global, and ARC, which rotates over the cluster endpoints
 *   it was given, skipping `avoidRegions`).
 * - Reads never change state. The only state-changing calls are: switchoverGlobalCluster,
 *   failoverGlobalCluster, putMetric, putWriter, putFence, failoverGlobalDatastore,
 *   updateRoutingControlStates and setEventSourceMappingEnabled.
 * - Failures are thrown as `AdapterError` with a `kind`; the engine retries the `transient`
 *   ones (it reads `retryable`) and knows no AWS error names, so an implementation classifies
 *   every SDK error before it leaves (`failover/adapters/aws/errors.ts`); none lets a raw one
 *   through.
 * - Times are epoch milliseconds taken from the engine's clock, never from the wall clock, so
 *   that a virtual-time run is deterministic.
 *
 * This file changes only additively (new optional fields, new methods on new interfaces).
 */

/** An AWS region name, e.g. `us-east-1`. */
export type Region = string;

// ---------------------------------------------------------------------------------------------
// Errors

/**
 * What went wrong, as far as the runbooks care:
 * - `transient`: throttling, InternalFailure, 5xx, timeouts, an unreachable endpoint. Retried.
 * - `not-found`: the named resource does not exist in that region.
 * - `conflict`: a conditional write lost (another run moved the epoch on) or the service
 *   refused because of a concurrent operation.
 * - `invalid-state`: the resource is not in a state that allows the call (e.g. a global
 *   cluster that is already switching over).
 * - `access-denied`, `credentials`: IAM or credential problems. Never retried.
 * - `validation`: the request was malformed (a bug or bad manifest). Never retried.
 * - `unknown`: anything else. Never retried.
 */
export type AdapterErrorKind =
  | "transient"
  | "not-found"
  | "conflict"
  | "invalid-state"
  | "access-denied"
  | "credentials"
  | "validation"
  | "unknown";

export class AdapterError extends Error {
  constructor(
    readonly kind: AdapterErrorKind,
    readonly service: string,
    readonly operation: string,
    readonly region: Region | undefined,
    message: string,
    /** The AWS error name (`ThrottlingException`, ...), when the error came from AWS. */
    readonly awsName?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AdapterError";
  }

  get retryable(): boolean {
    return this.kind === "transient";
  }
}

// ---------------------------------------------------------------------------------------------
// Aurora (RDS): DescribeGlobalClusters, SwitchoverGlobalCluster, FailoverGlobalCluster

export interface AuroraGlobalMember {
  clusterArn: string;
  /** Parsed from the cluster ARN. */
  region: Region;
  isWriter: boolean;
  /** `connected` or `pending-resync` on secondaries; undefined when AWS does not report it. */
  synchronizationStatus?: string;
}

export interface AuroraGlobalClusterState {
  globalClusterIdentifier: string;
  /** `available`, `failing-over`, `switching-over`, `modifying`, ... as AWS reports it. */
  status: string;
  engine: string;
  engineVersion: string;
  members: AuroraGlobalMember[];
  /** Present while a switchover or failover is pending or running. */
  failover?: {
    /** `pending`, `failing-over` or `cancelling`. */
    status: string;
    fromClusterArn?: string;
    toClusterArn?: string;
    isDataLossAllowed: boolean;
  };
}

export interface RdsAdapter {
  /** Throws AdapterError(`not-found`) when the global cluster does not exist. */
  describeGlobalCluster(
    region: Region,
    globalClusterIdentifier: string,
  ): Promise<AuroraGlobalClusterState>;
  /** Planned, RPO 0. Returns once AWS accepted the request; poll describeGlobalCluster. */
  switchoverGlobalCluster(
    region: Region,
    globalClusterIdentifier: string,
    targetClusterArn: string,
  ): Promise<void>;
  /** Unplanned. `allowDataLoss` must be true: it is typed so that no caller forgets it. */
  failoverGlobalCluster(
    region: Region,
    globalClusterIdentifier: string,
    targetClusterArn: string,
    options: { allowDataLoss: true },
  ): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// CloudWatch: lag metrics (GetMetricData), the writer gate (PutMetricData), alarm states

export interface MetricQuery {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: "Maximum" | "Average" | "Minimum" | "Sum";
  periodSeconds: number;
  /** How far back to look for the newest datapoint. */
  lookbackSeconds: number;
  /** End of the window, epoch ms, from the engine's clock. */
  endTimeMs: number;
}

export interface MetricSample {
  value: number;
  /** Epoch ms of the datapoint. */
  timestampMs: number;
}

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA" | "MISSING";

export interface CloudWatchAdapter {
  /** The newest datapoint in the window, or undefined when there is none. */
  latestMetric(region: Region, query: MetricQuery): Promise<MetricSample | undefined>;
  /** One datapoint now. This is the traffic switch's data-plane call (the writer gate). */
  putMetric(
    region: Region,
    datum: {
      namespace: string;
      metricName: string;
      dimensions: Record<string, string>;
      value: number;
    },
  ): Promise<void>;
  /** State per alarm name; `MISSING` when the alarm does not exist in that region. */
  alarmStates(region: Region, alarmNames: string[]): Promise<Record<string, AlarmState>>;
}

// ---------------------------------------------------------------------------------------------
// DynamoDB: global table replicas and the DR control table (write fences)

export interface DynamoReplicaState {
  region: Region;
  /** `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, `INACCESSIBLE_ENCRYPTION_CREDENTIALS`, ... */
  status: string;
}

export interface DynamoTableState {
  tableName: string;
  /** The region that answered. */
  region: Region;
  tableStatus: string;
  /** The other replicas, as the answering region sees them. */
  replicas: DynamoReplicaState[];
}

/** Control table item `pk = "writer"`: which region is meant to write, and since which epoch. */
export interface WriterRecord {
  region: Region;
  epoch: number;
  runId?: string;
  /** ISO time written by the run (from the engine clock). */
  updatedAt?: string;
}

/** Control table item `pk = "fence#<region>"`: whether that region must refuse writes. */
export interface FenceRecord {
  region: Region;
  fenced: boolean;
  epoch: number;
  runId?: string;
  updatedAt?: string;
}

/**
 * Control table item `pk = "run"`: the claim that makes one run at a time. A run takes it, in
 * each region it acts through, with a conditional write before it changes anything, and marks
 * it `finished` when done (see failover/adapters/control.ts).
 */
export interface RunClaim {
  runId: string;
  epoch: number;
  state: "active" | "finished" | "abandoned";
  kind: string;
  from: Region;
  to: Region;
  /** ISO time from the engine clock. */
  updatedAt?: string;
}

export interface ControlState {
  writer?: WriterRecord;
  /** One entry per region asked for that has an item. */
  fences: FenceRecord[];
  /** The run claim, when one was ever taken. */
  claim?: RunClaim;
}

/** A key attribute's value, typed as the table declares it. */
export type DynamoKeyValue = { S: string } | { N: string } | { B: Uint8Array };

/** `held`: another run holds the claim (`holder`), so this one must not act. */
export type ClaimResult = { outcome: "claimed" } | { outcome: "held"; holder?: RunClaim };

/**
 * Conditional writes on the control table. `written` also covers a repeat of the same write
 * (same epoch, same run), which keeps every step idempotent. `superseded` means the item holds
 * a newer epoch, or the same epoch written by another run: another run owns it.
 */
export type ConditionalWriteResult =
  { outcome: "written" } | { outcome: "superseded"; currentEpoch?: number };

export interface DynamoDbAdapter {
  describeTable(region: Region, tableName: string): Promise<DynamoTableState>;
  /**
   * Reads `writer`, `run` and `fence#<r>` for each of `regions`, strongly consistent in `region`.
   */
  readControl(region: Region, tableName: string, regions: Region[]): Promise<ControlState>;
  /**
   * Writes `pk = "writer"` if the stored epoch is lower, or equal and written by the same run.
   * Written in `region` (the region being acted from).
   */
  putWriter(
    region: Region,
    tableName: string,
    record: WriterRecord,
  ): Promise<ConditionalWriteResult>;
  /**
   * Writes `pk = "fence#<record.region>"` if the stored epoch is lower, or equal and written by
   * the same run. Written in `region`.
   */
  putFence(region: Region, tableName: string, record: FenceRecord): Promise<ConditionalWriteResult>;
  /**
   * Takes the run claim in `region` (conditional write; see `claimAllowed`). `takeOver` names
   * the run the operator abandoned, whose active claim may be taken.
   */
  claimRun(
    region: Region,
    tableName: string,
    claim: RunClaim,
    options?: { takeOver?: string },
  ): Promise<ClaimResult>;
  /**
   * Writes a drain marker item (`key`, plus `drMarker: runId`) into a data table in `region`.
   * The switchover's drain waits until the target's replica has it: proof that the table's
   * replication has carried a write made after the source was fenced.
   */
  putDrainMarker(
    region: Region,
    tableName: string,
    key: Record<string, DynamoKeyValue>,
    runId: string,
  ): Promise<void>;
  /**
   * When `region`'s replica last heard from `of`: the `at` (epoch ms) of the `heartbeat#<of>`
   * item the services' Heartbeat writes (admission/); undefined when there is none.
   */
  lastHeartbeat(region: Region, tableName: string, of: Region): Promise<number | undefined>;
  /** Whether `region`'s replica holds the item with `key` (strongly consistent read). */
  hasItem(region: Region, tableName: string, key: Record<string, DynamoKeyValue>): Promise<boolean>;
  /** Marks this run's claim finished or abandoned, if it still holds it. */
  releaseRun(region: Region, tableName: string, claim: RunClaim): Promise<ConditionalWriteResult>;
}

// ---------------------------------------------------------------------------------------------
// MSK (Kafka): replicators. Their lag is a CloudWatch metric (AWS/Kafka).

export interface ReplicatorState {
  replicatorArn: string;
  replicatorName: string;
  /** `RUNNING`, `CREATING`, `UPDATING`, `DELETING`, `FAILED`. */
  state: string;
  stateReason?: string;
  sourceClusterArns: string[];
  targetClusterArns: string[];
}

export interface KafkaAdapter {
  describeReplicator(region: Region, replicatorArn: string): Promise<ReplicatorState>;
}

// ---------------------------------------------------------------------------------------------
// ElastiCache: global datastore roles and failover

export interface CacheGlobalMember {
  replicationGroupId: string;
  region: Region;
  /** `primary` or `secondary` (lower-cased). */
  role: string;
  /** The member's status, e.g. `associated`. */
  status: string;
}

export interface CacheGlobalDatastoreState {
  globalReplicationGroupId: string;
  /** `available`, `modifying`, `primary-only`, ... */
  status: string;
  members: CacheGlobalMember[];
}

export interface ElastiCacheAdapter {
  describeGlobalDatastore(
    region: Region,
    globalReplicationGroupId: string,
  ): Promise<CacheGlobalDatastoreState>;
  /** Makes `primaryReplicationGroupId` in `primaryRegion` the primary. Called in `region`. */
  failoverGlobalDatastore(
    region: Region,
    globalReplicationGroupId: string,
    primaryRegion: Region,
    primaryReplicationGroupId: string,
  ): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Route 53: health-check status reads only (no record or health-check changes, ever)

export interface HealthCheckStatus {
  healthCheckId: string;
  /** Route 53 counts a check healthy when more than 18% of its checkers report success. */
  healthy: boolean;
  checkersReporting: number;
  checkersHealthy: number;
}

export interface Route53Adapter {
  healthCheckStatus(healthCheckId: string): Promise<HealthCheckStatus>;
}

// ---------------------------------------------------------------------------------------------
// ARC routing controls: the data plane only (cluster endpoints, rotated on failure)

export type RoutingControlState = "On" | "Off";

/** One of an ARC cluster's regional data-plane endpoints (from DescribeCluster, done ahead). */
export interface ArcEndpoint {
  region: Region;
  url: string;
}

export interface ArcAdapter {
  /** Tries the endpoints in turn, skipping any in `avoidRegions`. */
  getRoutingControlState(
    routingControlArn: string,
    options?: { avoidRegions?: Region[] },
  ): Promise<RoutingControlState>;
  /** One atomic update of several controls (UpdateRoutingControlStates). */
  updateRoutingControlStates(
    updates: { routingControlArn: string; state: RoutingControlState }[],
    options?: { avoidRegions?: Region[]; safetyRulesToOverride?: string[] },
  ): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// STS: credential check through the regional endpoint

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export interface StsAdapter {
  callerIdentity(region: Region): Promise<CallerIdentity>;
}

// ---------------------------------------------------------------------------------------------
// Lambda event source mappings (the consumers' on/off switch) and SQS queue depth

export interface EventSourceMappingState {
  uuid: string;
  /** `Creating`, `Enabling`, `Enabled`, `Disabling`, `Disabled`, `Updating`, `Deleting`. */
  state: string;
  functionArn: string;
  eventSourceArn: string;
}

export interface LambdaAdapter {
  /** GetEventSourceMapping. Throws AdapterError(`not-found`) for an unknown UUID. */
  getEventSourceMapping(region: Region, uuid: string): Promise<EventSourceMappingState>;
  /**
   * UpdateEventSourceMapping with only `Enabled`. Returns the mapping as AWS reports it right
   * after (usually `Enabling` or `Disabling`); poll getEventSourceMapping for the end state.
   */
  setEventSourceMappingEnabled(
    region: Region,
    uuid: string,
    enabled: boolean,
  ): Promise<EventSourceMappingState>;
}

/** GetQueueAttributes' approximate counts (eventually consistent, about a minute behind). */
export interface QueueDepth {
  visible: number;
  notVisible: number;
  delayed: number;
}

export interface SqsAdapter {
  queueDepth(region: Region, queueUrl: string): Promise<QueueDepth>;
}

// ---------------------------------------------------------------------------------------------
// The bundle the commands and runbooks take

export interface Adapters {
  rds: RdsAdapter;
  cloudwatch: CloudWatchAdapter;
  dynamodb: DynamoDbAdapter;
  kafka: KafkaAdapter;
  elasticache: ElastiCacheAdapter;
  route53: Route53Adapter;
  arc: ArcAdapter;
  sts: StsAdapter;
  lambda: LambdaAdapter;
  sqs: SqsAdapter;
}

export interface AdapterOptions {
  /** A named profile from the shared config files; the default credential chain otherwise. */
  profile?: string;
  /** ARC cluster data-plane endpoints; required only when a cell uses `arc-routing-control`. */
  arcEndpoints?: ArcEndpoint[];
  /** Deadline of one AWS call, credential resolution included. Defaults to 10 s. */
  requestTimeoutMs?: number;
}

/** Commands take a factory so tests and the simulator inject their own adapters. */
export type AdaptersFactory = (options: AdapterOptions) => Adapters;
