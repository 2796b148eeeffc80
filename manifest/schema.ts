import { z } from "zod";

/*
 * The DR manifest: the typed stack output `drManifest` that each cell publishes. It is the
 * contract between the cells (peers read it through StackReference), the policy pack (peer
 * parity) and the failover commands (which never need the Pulumi backend: they read the
 * manifest from a file). Bump MANIFEST_SCHEMA_VERSION on any breaking change.
 */

export const MANIFEST_SCHEMA_VERSION = 2;

/** The name of the stack output that carries the manifest. */
export const MANIFEST_OUTPUT = "drManifest";

const arn = z.string().regex(/^arn:aws[\w-]*:[\w-]+:[\w-]*:\d{0,12}:.+$/, {
  error: "must be an AWS ARN.",
});
const nonEmpty = z.string().min(1, { error: "must not be empty." });
const seconds = z.number().nonnegative({ error: "must be a number of seconds, 0 or more." });

export const auroraStoreSchema = z.strictObject({
  engine: z.enum(["aurora-postgresql", "aurora-mysql"]),
  engineVersion: nonEmpty,
  globalClusterIdentifier: nonEmpty,
  globalClusterArn: arn,
  clusterIdentifier: nonEmpty,
  clusterArn: arn,
  writerEndpoint: nonEmpty,
  readerEndpoint: nonEmpty,
  proxyEndpoint: nonEmpty,
  instanceClass: nonEmpty,
  instances: z.number().int().positive(),
});

export const dynamoTableSchema = z.strictObject({
  /** The global table's name, the same in every region. */
  tableName: nonEmpty,
  /** This region's table (or replica) ARN. */
  tableArn: arn,
  partitionKey: nonEmpty,
  /** The key attributes' types. Absent in manifests from before they were recorded: "S". */
  partitionKeyType: z.enum(["S", "N", "B"]).optional(),
  sortKey: nonEmpty.optional(),
  sortKeyType: z.enum(["S", "N", "B"]).optional(),
});

export const mskStoreSchema = z.strictObject({
  clusterArn: arn,
  clusterName: nonEmpty,
  kafkaVersion: nonEmpty,
  bootstrapBrokersIam: nonEmpty,
  /** Where a peer's replicator attaches to this cluster (its VPC config for this side). */
  clientSubnetIds: z.array(nonEmpty),
  securityGroupIds: z.array(nonEmpty),
  topics: z.array(nonEmpty),
  brokers: z.number().int().positive(),
  brokerInstanceType: nonEmpty,
  /**
   * The replicators in this cell, one per peer cell that has published its cluster: each
   * pulls that peer's topics into this cluster. A peer not deployed yet has none (and is in
   * `deferred`).
   */
  replicators: z.array(
    z.strictObject({
      /** The peer region the replicator pulls from. */
      sourceRegion: nonEmpty,
      sourceClusterArn: arn,
      replicatorArn: arn,
      /** CloudWatch's ReplicatorName dimension. */
      replicatorName: nonEmpty,
      /** ENHANCED once the peer replicates from this cell too (needed to fail consumers back). */
      offsetSyncMode: z.enum(["LEGACY", "ENHANCED"]),
      /** Where it started reading; peers read it to choose their own (components/msk). */
      startingPosition: z.enum(["EARLIEST", "LATEST"]),
    }),
  ),
});

export const cacheStoreSchema = z.strictObject({
  engine: z.enum(["valkey", "redis"]),
  engineVersion: nonEmpty,
  replicationGroupId: nonEmpty,
  /** AWS prefixes the id it is given; null until the home cell's manifest is readable. */
  globalReplicationGroupId: nonEmpty.nullable(),
  primaryEndpoint: nonEmpty,
  nodeType: nonEmpty,
});

/** A cell's event path: regional by design, only the lake is replicated (with the bucket). */
export const eventsStoreSchema = z.strictObject({
  busName: nonEmpty,
  busArn: arn,
  /** The bus archive: a replay is possible in this region only. */
  archiveName: nonEmpty,
  topicArn: arn,
  kinesisStreamArn: arn,
  firehoseArn: arn,
  /** The Express job workflow (admission, conditional write, event). */
  stateMachineArn: arn,
  /** The dead-letter queue of the bus -> Kinesis target. */
  deadLetterQueueArn: arn,
  /** Where Firehose writes: the cell's replicated bucket, under this region's partition. */
  lake: z.strictObject({ bucketArn: arn, prefix: nonEmpty, errorPrefix: nonEmpty }),
});

/** One route of a cell's API (components/api/routes.ts); every cell has the same. */
const apiRouteSchema = z.strictObject({
  method: z.enum(["GET", "POST"]),
  path: nonEmpty,
  authorization: z.enum(["NONE", "COGNITO_USER_POOLS"]),
  integration: z.enum(["mock", "sqs", "states"]),
});

/** A cell's API layer: its REST APIs, records and Cognito user pool (components/api). */
export const apiManifestSchema = z.strictObject({
  type: z.literal("rest"),
  /** The stage throttle of every API of the cell (requests per second, burst). */
  throttle: z.strictObject({ rateLimit: z.number().positive(), burstLimit: z.number().positive() }),
  apis: z.array(
    z.strictObject({
      role: z.enum(["regional", "writer"]),
      restApiId: nonEmpty,
      authorizerId: nonEmpty.nullable(),
      stageName: nonEmpty,
      domainNames: z.array(nonEmpty),
      routes: z.array(apiRouteSchema),
    }),
  ),
  /** HTTPS check on GET /health through the cell's own API name. */
  healthCheckId: nonEmpty,
  latencyRecord: z.strictObject({ name: nonEmpty, setIdentifier: nonEmpty }),
  /** On the writer API name, behind traffic's writer check; null while that is deferred. */
  writerRecord: z.strictObject({ name: nonEmpty, setIdentifier: nonEmpty }).nullable(),
  cellName: nonEmpty,
  userPool: z.strictObject({
    userPoolId: nonEmpty,
    userPoolArn: arn,
    clientId: nonEmpty,
    issuer: nonEmpty,
    tokenValidityMinutes: z.number().int().positive(),
  }),
  /** Pools whose tokens this cell's authorizers accept: its own and every published peer's. */
  acceptedUserPoolArns: z.array(arn),
});

/** A Lambda consumer of a cell and its event source mapping (components/functions). */
export const functionConsumerSchema = z.strictObject({
  /** The same in every cell: `queue-consumer`, `stream-processor`. */
  name: nonEmpty,
  functionName: nonEmpty,
  functionArn: arn,
  eventSourceMappingUuid: nonEmpty,
  /** The queue or the table stream (this region's replica) the mapping reads. */
  sourceArn: arn,
  source: z.enum(["sqs", "dynamodb-stream"]),
  /** Enabled only in the writer cell; switched by the failover commands. */
  writerOnly: z.boolean(),
});

export const functionsStoreSchema = z.strictObject({ consumers: z.array(functionConsumerSchema) });

/** One writer gate of a cell: an alarm on the cell's gate metric in one gate region. */
const gateSchema = z.strictObject({
  region: nonEmpty,
  alarmName: nonEmpty,
  /** The Route 53 CLOUDWATCH_METRIC check on the alarm. */
  healthCheckId: nonEmpty,
  /** The stack that owns the alarm and its check (the gate region's cell, or this cell). */
  hostedBy: nonEmpty,
});

export const trafficSwitchSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("cloudwatch-gate"),
    /**
     * The cell's gate metric. Each gate region (every cell region and each witness region)
     * holds an alarm on it; the writer check is healthy when at least `quorum` of those alarms
     * are OK. The commands put 1 (open) or 0 (close) in every region they can reach, so no
     * single region's loss can open or close a gate by itself.
     */
    namespace: nonEmpty,
    metricName: nonEmpty,
    dimensions: z.record(z.string(), z.string()),
    /** Every gate region, in the cell's config order: cells first, then witnesses. */
    gateRegions: z.array(nonEmpty),
    witnessRegions: z.array(nonEmpty),
    /** A majority of gateRegions. */
    quorum: z.number().int().positive(),
    /** The gates that exist so far; all of gateRegions once every peer has deployed. */
    gates: z.array(gateSchema),
  }),
  z.strictObject({
    type: z.literal("arc-routing-control"),
    clusterArn: arn,
    routingControlArn: arn,
    healthCheckId: nonEmpty,
  }),
]);

/** The global edge the home stack owns (components/edge). */
export const edgeManifestSchema = z.strictObject({
  /** The edge's fully-qualified name (A/AAAA aliases to the distribution). */
  name: nonEmpty,
  distributionId: nonEmpty,
  distributionArn: arn,
  distributionDomainName: nonEmpty,
  /** The WAF web ACL (CLOUDFRONT scope, us-east-1) on the distribution. */
  webAclArn: arn,
  /** The viewer certificate (ACM, us-east-1). */
  certificateArn: arn,
  /** The latency-routed service name reads go to first. */
  primaryOrigin: nonEmpty,
  /** The writer name: reads fail over to it, writes go only to it. */
  secondaryOrigin: nonEmpty,
  shieldAdvanced: z.boolean(),
});

/** A gate this stack hosts in its region for another cell (its alarm and health check). */
const hostedGateSchema = z.strictObject({
  forRegion: nonEmpty,
  region: nonEmpty,
  alarmName: nonEmpty,
  healthCheckId: nonEmpty,
});

export const drManifestSchema = z.strictObject({
  schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION, {
    error: `must be ${MANIFEST_SCHEMA_VERSION}; re-export the manifest with this version of the tool.`,
  }),
  app: nonEmpty,
  stack: nonEmpty,
  cell: nonEmpty,
  region: nonEmpty,
  homeRegion: nonEmpty,
  /** Which side created the global objects. Which region *writes* is a runtime fact. */
  roleAtCreation: z.enum(["home", "joiner"]),
  peers: z.array(z.strictObject({ stack: nonEmpty, region: nonEmpty })),
  /** ISO time of the render that produced the manifest; failover warns when it is old. */
  generatedAt: z.iso.datetime({ error: "must be an ISO 8601 time." }),
  targets: z.strictObject({ tier: nonEmpty, rtoSeconds: seconds, rpoSeconds: seconds }),
  budget: z.strictObject({
    detectionSeconds: seconds,
    dnsTtlSeconds: seconds,
    promotionSeconds: seconds,
    /** Closing the old writer's switch and opening the target's (beside the promotion). */
    writerSwitchSeconds: seconds,
    totalSeconds: seconds,
  }),
  network: z.strictObject({ vpcId: nonEmpty, cidr: nonEmpty, azCount: z.number().int() }),
  endpoints: z.strictObject({
    loadBalancerDnsName: nonEmpty,
    regionalName: nonEmpty,
    serviceName: nonEmpty,
    writerName: nonEmpty,
  }),
  stores: z.strictObject({
    /** Null on a joiner until the home cell's manifest is readable. */
    aurora: auroraStoreSchema.nullable(),
    dynamodb: z.array(dynamoTableSchema),
    /** The table the failover commands use for write fences (a global table too). */
    controlTable: dynamoTableSchema.nullable(),
    msk: mskStoreSchema,
    cache: cacheStoreSchema,
    s3: z.strictObject({
      bucketName: nonEmpty,
      bucketArn: arn,
      /** Peer buckets this bucket replicates to; empty until the peers exist. */
      replicationDestinations: z.array(arn),
    }),
    kms: z.strictObject({
      keyArn: arn,
      keyId: nonEmpty,
      multiRegion: z.boolean(),
      /** The primary key's ARN; equals keyArn in the home cell. */
      primaryKeyArn: arn,
    }),
    secrets: z.strictObject({ secretArn: arn, replicaRegions: z.array(nonEmpty) }),
    queue: z.strictObject({ queueUrl: nonEmpty, queueArn: arn, deadLetterQueueArn: arn }),
    /** The event path (components/events). Optional: manifests written before it still load. */
    events: eventsStoreSchema.optional(),
    /**
     * The Lambda consumers (components/functions) and their event source mappings; the
     * failover commands enable the writer-only ones in the new writer and disable them in the
     * old. Optional: manifests written before it still load.
     */
    functions: functionsStoreSchema.optional(),
  }),
  traffic: z.strictObject({
    hostedZoneId: nonEmpty,
    ttlSeconds: seconds,
    healthCheck: z.strictObject({
      /** The cell's HTTPS health check (latency record only: it never moves the writer). */
      healthCheckId: nonEmpty,
      /**
       * The writer record's check: the gate quorum (CALCULATED), or the ARC routing control's
       * check. Null until every gate exists (a peer has not deployed yet).
       */
      writerHealthCheckId: nonEmpty.nullable(),
      path: nonEmpty,
      intervalSeconds: z.number().int(),
      failureThreshold: z.number().int(),
    }),
    latencyRecord: z.strictObject({ name: nonEmpty, setIdentifier: nonEmpty }),
    /**
     * This cell's weighted record on the writer name (every cell has one, equal weights): Route
     * 53 answers the cells whose writer check is healthy. Null while the check is deferred.
     */
    writerRecord: z.strictObject({ name: nonEmpty, setIdentifier: nonEmpty }).nullable(),
    switch: trafficSwitchSchema,
    /** Gates this stack hosts in its own region for the other cells. */
    hostedGates: z.array(hostedGateSchema),
  }),
  /**
   * The global edge: in the home cell's manifest, null in a joiner's (the edge is the home
   * stack's). Optional: manifests written before the edge existed still load.
   */
  edge: edgeManifestSchema.nullable().optional(),
  capacity: z.strictObject({
    eksInstanceType: nonEmpty,
    eksDesiredNodes: z.number().int(),
    eksMaxNodes: z.number().int(),
  }),
  /** The API layer (components/api). Optional: manifests written before it still load. */
  api: apiManifestSchema.optional(),
  /** What a later `pulumi up` adds once the peers' manifests are readable. */
  deferred: z.array(nonEmpty),
});

export type DrManifest = z.infer<typeof drManifestSchema>;
export type AuroraStore = z.infer<typeof auroraStoreSchema>;
export type DynamoTableEntry = z.infer<typeof dynamoTableSchema>;
export type MskStore = z.infer<typeof mskStoreSchema>;
export type MskReplicatorEntry = MskStore["replicators"][number];
export type CacheStore = z.infer<typeof cacheStoreSchema>;
export type EventsStore = z.infer<typeof eventsStoreSchema>;
export type ApiManifest = z.infer<typeof apiManifestSchema>;
export type EdgeManifest = z.infer<typeof edgeManifestSchema>;
export type TrafficSwitch = z.infer<typeof trafficSwitchSchema>;
export type FunctionsStore = z.infer<typeof functionsStoreSchema>;
export type FunctionConsumer = z.infer<typeof functionConsumerSchema>;
export type WriterGate = z.infer<typeof gateSchema>;
export type HostedGate = z.infer<typeof hostedGateSchema>;
