import { z } from "zod";
import { AWS_REGIONS, isAwsRegion } from "./regions";
import { parseCidr } from "./cidr";
import { DR_TIER_NAMES, DR_TIERS } from "./tiers";

/*
 * The typed stack configuration. Every key lives under the project namespace `dr:` in
 * `Pulumi.<stack>.yaml`, except `aws:region`. Defaults are applied here, once, with zod's
 * `.default()`. docs/configuration.md's table is generated from this file (`npm run docs`):
 * give every key a `.describe()`.
 */

/** Pulumi hands top-level scalars over as strings; YAML numbers inside objects stay numbers. */
const numberFromConfig = (schema: z.ZodNumber) =>
  z.preprocess(
    (v) => (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v),
    schema,
  );

const int = (min: number, max: number, what: string) =>
  numberFromConfig(
    z
      .number({ error: `must be a whole number from ${min} to ${max} (${what}).` })
      .int({ error: `must be a whole number from ${min} to ${max} (${what}).` })
      .min(min, { error: `must be at least ${min} (${what}).` })
      .max(max, { error: `must be at most ${max} (${what}).` }),
  );

const region = z
  .string({ error: "must be an AWS region code such as us-east-1." })
  .refine(isAwsRegion, {
    error: (iss) =>
      `'${String(iss.input)}' is not an AWS region; use one of ${AWS_REGIONS.slice(0, 4).join(", ")}, ... (see config/regions.ts).`,
  })
  .meta({ format: "AWS region" });

const cidr = z
  .string({ error: "must be an IPv4 CIDR block such as 10.10.0.0/16." })
  .refine((v) => parseCidr(v) !== undefined, {
    error: (iss) =>
      `'${String(iss.input)}' is not an IPv4 CIDR on its own boundary; write it like 10.10.0.0/16.`,
  })
  .refine((v) => (parseCidr(v)?.prefix ?? 0) >= 16 && (parseCidr(v)?.prefix ?? 99) <= 20, {
    error: "must be a /16 to /20 block: the VPC needs room for 3 AZs x 3 subnet tiers.",
  })
  .meta({ format: "IPv4 CIDR" });

/** The retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

const name = (what: string, max: number) =>
  z
    .string({ error: `must be a string (${what}).` })
    .regex(/^[a-z][a-z0-9-]*$/, {
      error: `must start with a lowercase letter and use only a-z, 0-9 and '-' (${what}).`,
    })
    .max(max, { error: `must be at most ${max} characters (${what}).` });

export const peerSchema = z.strictObject({
  /** The peer's stack name (`prod-euw1`) or fully-qualified `org/project/stack`. */
  stack: z
    .string({ error: "must be the peer's stack name, e.g. prod-euw1." })
    .min(1, { error: "must be the peer's stack name, e.g. prod-euw1." })
    .describe("The peer's stack name (`prod-euw1`) or `org/project/stack`."),
  region: region.describe("The peer's region; not this cell's, and no region twice."),
  cidr: cidr.describe(
    "The peer's VPC block (its `dr:network.cidr`); overlapping no other cell's block.",
  ),
});

export const tableSchema = z.strictObject({
  name: z
    .string({ error: "must be a table name." })
    .regex(/^[a-zA-Z0-9_.-]{3,200}$/, {
      error: "must be 3-200 characters of a-z, A-Z, 0-9, '_', '-' or '.' (DynamoDB's rule).",
    })
    .describe("Table name, unique in the cell; the same list in every cell."),
  partitionKey: z
    .string({ error: "must name the table's partition key attribute." })
    .min(1)
    .describe("Partition key attribute."),
  partitionKeyType: z
    .enum(["S", "N", "B"], { error: "must be S, N or B (DynamoDB scalar types)." })
    .default("S")
    .describe("Partition key type: string, number or binary."),
  sortKey: z
    .string()
    .min(1)
    .optional()
    .describe("Sort key attribute; none makes a hash-only table."),
  sortKeyType: z
    .enum(["S", "N", "B"], { error: "must be S, N or B." })
    .default("S")
    .describe("Sort key type, when there is a sort key."),
});

export const trafficSwitchSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z
        .literal("cloudwatch-gate")
        .describe(
          "The writer switch: CloudWatch-alarm writer gates in every gate region (default), or an ARC routing control; the same type in every cell.",
        ),
      /**
       * Regions that hold writer gates but no cell. The writer check is a majority of the gate
       * regions (cells + witnesses), so a single region's loss can neither open nor close a
       * gate by itself; two cells need at least one witness to make three.
       */
      witnessRegions: z
        .array(region, { error: "must be a list of AWS regions, e.g. [us-west-2]." })
        .default([])
        .describe(
          "Regions that hold writer gates but no cell. Cells + witnesses must make at least 3 (two cells need one witness); the same list in every cell (docs/architecture.md, writer routing).",
        ),
    }),
    z.strictObject({
      type: z.literal("arc-routing-control"),
      /** The ARC cluster that owns the routing control (created outside this project). */
      clusterArn: z
        .string()
        .regex(/^arn:aws:route53-recovery-control::\d{12}:cluster\/[\w-]+$/, {
          error:
            "must be an ARC cluster ARN (arn:aws:route53-recovery-control::<acct>:cluster/<id>).",
        })
        .describe("The ARC cluster that owns the routing control (created outside this project)."),
      /** The routing control that gates this cell as the writer. */
      routingControlArn: z
        .string()
        .regex(
          /^arn:aws:route53-recovery-control::\d{12}:controlpanel\/[\w-]+\/routingcontrol\/[\w-]+$/,
          {
            error:
              "must be an ARC routing control ARN (...:controlpanel/<id>/routingcontrol/<id>).",
          },
        )
        .describe("The routing control that gates this cell as the writer."),
    }),
  ],
  { error: "must have type 'cloudwatch-gate' (default) or 'arc-routing-control'." },
);

/** `dr:events`: the bus, the Kinesis -> Firehose -> lake path, and the Express job workflow. */
export const eventsSchema = z.strictObject({
  /** Kinesis shards; 0 (default) is on-demand mode, which scales without a shard count. */
  streamShards: int(0, 500, "Kinesis shards; 0 means on-demand")
    .default(0)
    .describe("Kinesis shards; 0 is on-demand mode, which scales without a shard count."),
  streamRetentionHours: int(24, 8760, "Kinesis retention; 24 to 8760 hours")
    .default(24)
    .describe("How long the Kinesis stream keeps records, in hours."),
  /** Where Firehose writes in the cell's bucket; each cell writes under `<prefix>region=<r>/`. */
  lakePrefix: z
    .string({ error: "must be an S3 key prefix ending in '/', e.g. lake/." })
    .regex(/^[a-z0-9][a-z0-9_-]*(\/[a-z0-9_-]+)*\/$/, {
      error: "must be an S3 key prefix of a-z, 0-9, '_', '-' ending in '/', e.g. lake/.",
    })
    .default("lake/")
    .describe(
      "Where Firehose writes in the cell's replicated bucket; each cell writes under `<prefix>region=<region>/`.",
    ),
  bufferSeconds: int(0, 900, "Firehose buffering interval")
    .default(300)
    .describe("Firehose buffering interval, in seconds."),
  bufferMb: int(1, 128, "Firehose buffering size")
    .default(64)
    .describe("Firehose buffering size, in MB."),
  /** How long the bus archive keeps events for a replay. */
  archiveRetentionDays: int(1, 3650, "event archive retention")
    .default(7)
    .describe("How long the bus archive keeps events for a replay, in days."),
  /** The table the job workflow writes its job items to; defaults to the first dr:dynamodb table. */
  jobTable: z
    .string({ error: "must name a table of dr:dynamodb.tables, e.g. orders." })
    .min(1, { error: "must name a table of dr:dynamodb.tables, e.g. orders." })
    .optional()
    .meta({
      description: "The table of `dr:dynamodb.tables` the job workflow writes its job items to.",
      defaultText: "the first `dr:dynamodb` table",
    }),
  workflowLogLevel: z
    .enum(["ALL", "ERROR", "FATAL"], {
      error: "must be ALL, ERROR or FATAL (an Express workflow's only history is its log).",
    })
    .default("ALL")
    .describe("The job workflow's log level; an Express workflow's only history is its log."),
  /** Log each state's input and output; off by default (job payloads may hold personal data). */
  includeExecutionData: z
    .boolean({ error: "must be true or false." })
    .default(false)
    .describe(
      "Log each state's input and output; off by default (job payloads may hold personal data).",
    ),
  /** The writer lease the workflow's admission check uses; the same as the services' (docs/admission.md). */
  leaseSeconds: int(1, 60, "writer lease of the job workflow's admission check")
    .default(3)
    .describe(
      "The writer lease the job workflow's admission check uses; the same as the services' (docs/admission.md).",
    ),
});

export const EVENTS_DEFAULTS = {
  streamShards: 0,
  streamRetentionHours: 24,
  lakePrefix: "lake/",
  bufferSeconds: 300,
  bufferMb: 64,
  archiveRetentionDays: 7,
  workflowLogLevel: "ALL" as const,
  includeExecutionData: false,
  leaseSeconds: 3,
};

/** `dr:functions`: the queue consumer and the stream processor (components/functions). */
const tableRef = z
  .string({ error: "must name a table of dr:dynamodb.tables, e.g. orders." })
  .min(1, { error: "must name a table of dr:dynamodb.tables, e.g. orders." });

export const functionsSchema = z.strictObject({
  memoryMb: int(128, 10240, "memory of each function, MB")
    .default(256)
    .describe("Memory of each function, in MB."),
  timeoutSeconds: int(1, 900, "function timeout")
    .default(10)
    .describe(
      "Function timeout, in seconds; dr:queue.visibilityTimeoutSeconds must be at least 6x.",
    ),
  logRetentionDays: numberFromConfig(
    z.number().refine((d) => LOG_RETENTION_DAYS.includes(d), {
      error: `must be a CloudWatch Logs retention in days: ${LOG_RETENTION_DAYS.join(", ")}.`,
    }),
  )
    .default(30)
    .describe("Retention of the functions' log groups, in days."),
  consumerTable: tableRef.optional().meta({
    description: "The table the queue consumer writes.",
    defaultText: "the first dr:dynamodb table",
  }),
  streamTable: tableRef.optional().meta({
    description: "The table whose stream the stream processor reads.",
    defaultText: "the first dr:dynamodb table",
  }),
  consumerBatchSize: int(1, 10, "SQS messages per invocation")
    .default(10)
    .describe("SQS messages per invocation of the queue consumer."),
  consumerBatchingWindowSeconds: int(0, 300, "SQS maximum batching window")
    .default(0)
    .describe("Seconds the SQS mapping may wait to fill a batch."),
  consumerReservedConcurrency: int(2, 1000, "reserved concurrency of the queue consumer")
    .default(10)
    .describe(
      "Reserved concurrency of the queue consumer; also its mapping's maximum concurrency.",
    ),
  streamBatchSize: int(1, 10000, "stream records per invocation")
    .default(100)
    .describe("Stream records per invocation of the stream processor."),
  streamMaximumRetryAttempts: int(0, 10000, "stream retries before the on-failure queue")
    .default(5)
    .describe(
      "Retries of a failing stream batch before its position goes to the on-failure queue.",
    ),
  streamMaximumRecordAgeSeconds: int(60, 604800, "oldest stream record retried")
    .default(3600)
    .describe("Age after which a failing stream record is sent to the on-failure queue."),
  streamReservedConcurrency: int(1, 1000, "reserved concurrency of the stream processor")
    .default(5)
    .describe("Reserved concurrency of the stream processor."),
  heartbeatIntervalMs: int(100, 30000, "interval of this region's heartbeat, ms")
    .default(1000)
    .describe(
      "Interval, in ms, at which the heartbeat function writes heartbeat#<region>; at most half the writer lease.",
    ),
  heartbeatMemoryMb: int(128, 1024, "memory of the heartbeat function, MB")
    .default(128)
    .describe("Memory of the heartbeat function, in MB (it is billed for every second it runs)."),
  mappingsEnabledAtCreation: z.boolean({ error: "must be true or false." }).optional().meta({
    description:
      "Whether new writer-only mappings start enabled; set false when rebuilding a home cell that is not the writer.",
    defaultText: "true in the home cell, false elsewhere",
  }),
});

export const FUNCTIONS_DEFAULTS = {
  memoryMb: 256,
  timeoutSeconds: 10,
  logRetentionDays: 30,
  consumerBatchSize: 10,
  consumerBatchingWindowSeconds: 0,
  consumerReservedConcurrency: 10,
  streamBatchSize: 100,
  streamMaximumRetryAttempts: 5,
  streamMaximumRecordAgeSeconds: 3600,
  streamReservedConcurrency: 5,
  heartbeatIntervalMs: 1000,
  heartbeatMemoryMb: 128,
};

/** `dr:edge`: the home stack's CloudFront distribution, WAF and certificate (components/edge). */
export const edgeSchema = z.strictObject({
  enabled: z
    .boolean({ error: "must be true or false." })
    .default(true)
    .describe("Build the edge in the home stack (joiners never build it)."),
  name: name("the edge's name, relative to the zone", 40)
    .default("www")
    .describe(
      "The edge's name, relative to the zone (`www` -> www.<zone>); not a service or writer name.",
    ),
  certificateArn: z
    .string({ error: "must be an ACM certificate ARN in us-east-1." })
    .regex(/^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/, {
      error:
        "must be an ACM certificate ARN in us-east-1 (CloudFront uses certificates from us-east-1 only); leave it unset to have the stack create one.",
    })
    .optional()
    .describe(
      "An existing us-east-1 certificate for the edge name; unset, the stack creates and DNS-validates one.",
    ),
  writePathPatterns: z
    .array(
      z
        .string({ error: "must be a CloudFront path pattern such as /write/*." })
        .regex(/^\/[\w\-./*?~]*$/, {
          error: "must be a CloudFront path pattern starting with '/', such as /write/*.",
        })
        .refine((p) => p !== "/*", {
          error: "must not match every path: reads need the default behaviour (origin failover).",
        }),
      { error: "must be a list of path patterns, e.g. [/write/*]." },
    )
    .max(20, { error: "must list at most 20 patterns." })
    .default(["/write/*"])
    .describe("Paths that take writes: sent to the writer name, never cached, never failed over."),
  priceClass: z
    .enum(["PriceClass_All", "PriceClass_200", "PriceClass_100"], {
      error: "must be PriceClass_All, PriceClass_200 or PriceClass_100.",
    })
    .default("PriceClass_All")
    .describe("CloudFront price class; All keeps every region's viewers on the edge."),
  minimumProtocolVersion: z
    .enum(["TLSv1.3_2025", "TLSv1.2_2025", "TLSv1.2_2021", "TLSv1.2_2019"], {
      error: "must be a CloudFront security policy with TLS 1.2 or newer, e.g. TLSv1.2_2021.",
    })
    .default("TLSv1.2_2021")
    .describe("The viewer TLS security policy (TLS 1.2 or newer)."),
  rateLimitPer5Minutes: int(10, 2000000000, "WAF requests per client IP per 5 minutes")
    .default(2000)
    .describe("Requests per client IP per 5 minutes before the web ACL blocks it."),
  originConnectionAttempts: int(1, 3, "CloudFront tries per origin")
    .default(1)
    .describe("Connection tries per origin before CloudFront fails over (or gives up)."),
  originConnectionTimeoutSeconds: int(1, 10, "CloudFront's connection timeout per try")
    .default(5)
    .describe("Seconds per connection try; tries x timeout is the wait before failover."),
  shieldAdvanced: z
    .boolean({ error: "must be true or false." })
    .default(false)
    .describe(
      "Protect the distribution with Shield Advanced; the account must already be subscribed.",
    ),
});

export const EDGE_DEFAULTS = {
  enabled: true,
  name: "www",
  writePathPatterns: ["/write/*"],
  priceClass: "PriceClass_All" as const,
  minimumProtocolVersion: "TLSv1.2_2021" as const,
  rateLimitPer5Minutes: 2000,
  originConnectionAttempts: 1,
  originConnectionTimeoutSeconds: 5,
  shieldAdvanced: false,
};

/** The raw shape of every `dr:` key. Keys are written as in YAML, without the namespace. */
export const drConfigSchema = z.strictObject({
  "aws:region": region.describe(
    "The cell's region, where the stack's resources live and are managed (not under `dr:`).",
  ),
  app: name("the application name, used in every global resource name", 20).describe(
    "Application name, the prefix of every global name (`shop-global`, `shop-orders`).",
  ),
  cell: name("the cell's short name, used in regional resource names", 12).optional().meta({
    description: "Short cell name used in regional resource names.",
    defaultText: "the region's code (`use1`)",
  }),
  homeRegion: region.describe(
    "The region whose stack creates the global objects; this stack's region or a peer's.",
  ),
  tier: z
    .enum(DR_TIER_NAMES as [string, ...string[]], {
      error: `must be one of ${DR_TIER_NAMES.join(", ")}; the tier sets the RTO and RPO targets.`,
    })
    .default("tier1")
    .describe(
      `Sets the RTO / RPO targets: ${DR_TIER_NAMES.map((t) => `${t} ${DR_TIERS[t].rtoSeconds} s / ${DR_TIERS[t].rpoSeconds} s`).join(", ")}.`,
    ),
  targets: z
    .strictObject({
      rtoSeconds: int(30, 86400, "recovery time objective in seconds")
        .optional()
        .meta({ description: "Overrides the tier's RTO target.", defaultText: "from `tier`" }),
      rpoSeconds: int(0, 86400, "recovery point objective in seconds")
        .optional()
        .meta({ description: "Overrides the tier's RPO target.", defaultText: "from `tier`" }),
    })
    .default({})
    .describe("Recovery targets, when the tier's do not fit."),
  peers: z
    .array(peerSchema, { error: "must be a list of {stack, region, cidr}, one per peer cell." })
    .min(1, {
      error: "must list at least one peer cell: a DR cell needs somewhere to fail over to.",
    })
    .describe("The other cells, one entry each."),
  network: z
    .strictObject({
      cidr: cidr.describe("The VPC block, /16 to /20, on its own boundary."),
      azCount: int(3, 6, "availability zones; at least 3 so one AZ loss keeps a quorum")
        .default(3)
        .describe("Availability zones."),
    })
    .describe("The cell's VPC."),
  dns: z
    .strictObject({
      hostedZoneId: z
        .string({
          error: "must be the Route 53 public hosted zone id, e.g. Z0123456789ABCDEFGHIJ.",
        })
        .regex(/^Z[A-Z0-9]{5,32}$/, {
          error: "must be a Route 53 hosted zone id such as Z0123456789ABC.",
        })
        .describe("Public hosted zone of the service names."),
      zoneName: z
        .string({ error: "must be the hosted zone's domain, e.g. example.com." })
        .regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, {
          error: "must be a lowercase domain such as example.com.",
        })
        .describe("That zone's domain."),
      serviceName: name("the latency-routed read name, relative to the zone", 40)
        .default("api")
        .describe("Latency-routed read name (`api.<zone>`)."),
      writerName: name(
        "the writer name (weighted records, moved by the failover commands), relative to the zone",
        40,
      )
        .default("writer")
        .describe("Weighted writer name (`writer.<zone>`); must differ from serviceName."),
      ttlSeconds: int(1, 60, "TTL of health-checked records; over 60 s slows failover")
        .default(60)
        .describe("TTL of the health-checked records; more than 60 s slows failover."),
      healthCheckPath: z
        .string()
        .regex(/^\/[\w\-./]*$/, { error: "must be a URL path starting with '/', e.g. /healthz." })
        .default("/healthz")
        .describe(
          "The one health path: the target group checks the pods on it, the pods answer it, Route 53 requests it through the load balancer (shallow; docs/cell.md).",
        ),
      healthCheckIntervalSeconds: numberFromConfig(
        z.number().refine((v) => v === 10 || v === 30, {
          error: "must be 10 or 30: the only intervals Route 53 health checks support.",
        }),
      )
        .default(10)
        .describe("Route 53 health check interval: 10 or 30 seconds."),
      healthCheckFailureThreshold: int(1, 10, "Route 53's failure threshold")
        .default(3)
        .describe("Failed checks before Route 53 counts the cell unhealthy."),
      certificateArn: z
        .string({ error: "must be the ACM certificate ARN for the service names, in this region." })
        .regex(/^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, {
          error: "must be an ACM certificate ARN (arn:aws:acm:<region>:<acct>:certificate/<id>).",
        })
        .describe("ACM certificate for the HTTPS listener, in this region."),
    })
    .describe("Route 53 names and health checks."),
  trafficSwitch: trafficSwitchSchema
    .default({ type: "cloudwatch-gate", witnessRegions: [] })
    .describe("How the failover commands move the writer (docs/architecture.md, writer routing)."),
  eks: z
    .strictObject({
      version: z
        .string()
        .regex(/^1\.\d{2}$/, { error: "must be an EKS Kubernetes version such as 1.33." })
        .default("1.33")
        .describe("Kubernetes version."),
      instanceType: z.string().min(1).default("m7i.large").describe("Node instance type."),
      minNodes: int(1, 100, "node group minimum")
        .default(2)
        .describe("Node group minimum; min <= desired <= max."),
      desiredNodes: int(1, 100, "node group desired size")
        .default(3)
        .describe("Node group desired size."),
      maxNodes: int(1, 100, "node group maximum").default(6).describe("Node group maximum."),
      /**
       * Egress blocks (operators, CI) allowed to reach a public Kubernetes API endpoint. Empty:
       * the endpoint is private only, and `pulumi up` must run inside the VPC or a network
       * joined to it (it installs the cell's workload through the API). Checked in load.ts.
       */
      publicAccessCidrs: z
        .array(z.string({ error: "must be an IPv4 CIDR block such as 203.0.113.0/24." }), {
          error: "must be a list of CIDR blocks, e.g. [203.0.113.0/24].",
        })
        .max(40, { error: "must list at most 40 blocks (EKS's limit)." })
        .default([])
        .describe(
          "Public egress blocks (operators, CI) allowed to the Kubernetes API; empty keeps the API private, so `pulumi up` must run inside the VPC or a network joined to it. No private blocks; no 0.0.0.0/0 unless allowApiFromAnywhere.",
        ),
      /** The explicit opt-in that 0.0.0.0/0 in publicAccessCidrs needs. */
      allowApiFromAnywhere: z
        .boolean({ error: "must be true or false." })
        .default(false)
        .describe("The explicit opt-in that 0.0.0.0/0 in publicAccessCidrs needs."),
      /** IAM roles (on-call, CI) given cluster-admin through EKS access entries. */
      adminRoleArns: z
        .array(
          z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
            error: "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>).",
          }),
          { error: "must be a list of IAM role ARNs." },
        )
        .default([])
        .describe(
          "Roles given cluster-admin through EKS access entries: whoever runs `pulumi up` besides the cluster's creator (CI, on-call).",
        ),
      /** Pods of the cell service answering the health path, spread over the AZs. */
      cellServiceReplicas: int(2, 50, "cell service pods; 2+ so one node is not the cell")
        .default(3)
        .describe("Pods of the cell service that answers the health path, spread over the AZs."),
    })
    .default({
      version: "1.33",
      instanceType: "m7i.large",
      minNodes: 2,
      desiredNodes: 3,
      maxNodes: 6,
      publicAccessCidrs: [],
      allowApiFromAnywhere: false,
      adminRoleArns: [],
      cellServiceReplicas: 3,
    })
    .describe("The cell's EKS cluster and its node group."),
  aurora: z
    .strictObject({
      engine: z
        .enum(["aurora-postgresql", "aurora-mysql"], {
          error:
            "must be aurora-postgresql or aurora-mysql (the engines Aurora Global Database supports).",
        })
        .default("aurora-postgresql")
        .describe("Aurora engine."),
      engineVersion: z
        .string({ error: "must be the exact engine version, e.g. 16.4; all regions must match." })
        .regex(/^\d+\.\d+(\.[\w.]+)?$/, { error: "must be an exact engine version such as 16.4." })
        .describe("Exact engine version; the same in every cell."),
      instanceClass: z
        .string()
        .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, {
          error: "must be a DB instance class such as db.r7g.large.",
        })
        .default("db.r7g.large")
        .describe("Instance class."),
      instances: int(1, 15, "instances per regional cluster; 2+ for an in-region failover")
        .default(2)
        .describe("Instances per regional cluster."),
      databaseName: z
        .string()
        .regex(/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/, {
          error: "must be a database name (letter first, then a-z, 0-9, _).",
        })
        .default("app")
        .describe("Initial database (home cell only)."),
      masterUsername: z
        .string()
        .regex(/^[a-zA-Z][a-zA-Z0-9_]{0,15}$/, { error: "must be 1-16 characters, letter first." })
        .default("dbadmin")
        .describe(
          "Master user (home cell only); the password is generated and kept in the replicated secret.",
        ),
      backupRetentionDays: int(1, 35, "automated backup retention")
        .default(7)
        .describe("Automated backup retention, in days."),
      promotionSeconds: int(10, 3600, "budgeted Aurora global failover time")
        .default(120)
        .describe("Budgeted time for a global failover, a term of the RTO budget."),
    })
    .describe("The Aurora global database's member in this cell."),
  dynamodb: z
    .strictObject({
      tables: z
        .array(tableSchema, { error: "must be a list of tables." })
        .min(1, { error: "must list at least one table." })
        .describe("The global tables."),
    })
    .describe("DynamoDB global tables."),
  msk: z
    .strictObject({
      kafkaVersion: z
        .string({ error: "must be the MSK Kafka version, e.g. 3.8.x." })
        .regex(/^\d+\.\d+\.(\d+|x)(\.kraft)?$/, {
          error: "must be a Kafka version such as 3.8.x or 3.6.0.",
        })
        .describe("MSK Kafka version, e.g. `3.8.x`."),
      brokerInstanceType: z
        .string()
        .regex(/^kafka\.[a-z0-9]+\.[a-z0-9]+$/, {
          error: "must be an MSK broker type such as kafka.m7g.large.",
        })
        .default("kafka.m7g.large")
        .describe("Broker instance type."),
      brokersPerAz: int(1, 10, "brokers in each availability zone")
        .default(1)
        .describe("Brokers in each availability zone."),
      volumeGb: int(1, 16384, "EBS storage per broker")
        .default(100)
        .describe("EBS storage per broker, in GB."),
      topics: z
        .array(
          z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, { error: "must be a Kafka topic name." }),
        )
        .min(1, { error: "must list at least one topic the replicator copies." })
        .describe("Topics the replicators copy, with identical names both ways."),
      /** ENHANCED (default) translates consumer offsets both ways, so consumers can fail back. */
      offsetSyncMode: z
        .enum(["ENHANCED", "LEGACY"], {
          error: "must be ENHANCED (consumers fail over and back) or LEGACY (over only).",
        })
        .default("ENHANCED")
        .describe(
          "Consumer-offset sync; ENHANCED lets consumers fail back. Each replicator is LEGACY until its peer replicates back (docs/cell.md, MSK).",
        ),
      /**
       * Where new replicators start reading; unset, each picks its own (docs/cell.md, MSK). Set LATEST
       * while converting an existing LEGACY deployment, so history is not copied again.
       */
      startingPosition: z
        .enum(["EARLIEST", "LATEST"], { error: "must be EARLIEST or LATEST." })
        .optional()
        .meta({
          description:
            "Where new replicators start reading; LATEST while converting a LEGACY deployment.",
          defaultText: "each replicator's own (docs/cell.md, MSK)",
        }),
    })
    .describe("The cell's MSK cluster and its replicators from every peer."),
  cache: z
    .strictObject({
      engine: z
        .enum(["valkey", "redis"], { error: "must be valkey or redis." })
        .default("valkey")
        .describe("ElastiCache engine."),
      engineVersion: z
        .string({ error: "must be the engine version, e.g. 7.2; all regions must match." })
        .regex(/^\d+\.\d+(\.\d+)?$/, { error: "must be an engine version such as 7.2." })
        .describe("Engine version; the same in every cell."),
      nodeType: z
        .string()
        .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, {
          error: "must be a node type such as cache.r7g.large.",
        })
        .default("cache.r7g.large")
        .describe("Node type."),
      replicas: int(1, 5, "read replicas per shard; 1+ for Multi-AZ")
        .default(1)
        .describe("Read replicas per shard."),
    })
    .describe("The cell's member of the ElastiCache global datastore."),
  queue: z
    .strictObject({
      maxReceiveCount: int(1, 1000, "receives before a message goes to the dead-letter queue")
        .default(5)
        .describe("Receives before a message goes to the dead-letter queue."),
      visibilityTimeoutSeconds: int(0, 43200, "SQS visibility timeout")
        .default(60)
        .describe("SQS visibility timeout, in seconds."),
    })
    .default({ maxReceiveCount: 5, visibilityTimeoutSeconds: 60 })
    .describe("The cell's SQS queue and its dead-letter queue."),
  /** The event path and the job workflow (components/events, docs/layers/events.md). */
  events: eventsSchema
    .default(EVENTS_DEFAULTS)
    .describe(
      "The event path: bus, Kinesis to Firehose lake, job workflow (docs/layers/events.md).",
    ),
  /** The Lambda consumers (components/functions, docs/layers/functions.md). */
  functions: functionsSchema
    .default(FUNCTIONS_DEFAULTS)
    .describe("The queue consumer and stream processor Lambdas (docs/layers/functions.md)."),
  /** The global edge, home stack only (components/edge, docs/layers/edge.md). */
  edge: edgeSchema.default(EDGE_DEFAULTS).describe("The global edge (home stack only)."),
  alarms: z
    .strictObject({
      auroraLagSeconds: int(1, 3600, "Aurora global replication lag alarm")
        .default(5)
        .describe("Aurora global replication lag alarm threshold, in seconds."),
      dynamodbLagSeconds: int(1, 3600, "DynamoDB ReplicationLatency alarm")
        .default(5)
        .describe("DynamoDB ReplicationLatency alarm threshold, in seconds."),
      mskLagSeconds: int(1, 3600, "MSK Replicator ReplicationLatency alarm")
        .default(60)
        .describe("MSK Replicator lag alarm threshold, in seconds."),
      loadBalancer5xxPerMinute: int(1, 100000, "load balancer 5xx alarm")
        .default(50)
        .describe("Load balancer 5xx responses per minute that raise the alarm."),
    })
    .default({
      auroraLagSeconds: 5,
      dynamodbLagSeconds: 5,
      mskLagSeconds: 60,
      loadBalancer5xxPerMinute: 50,
    })
    .describe("Alarm thresholds."),
  api: z
    .strictObject({
      serviceName: name("the latency-routed API Gateway name, relative to the zone", 40)
        .default("gateway")
        .describe("Latency-routed API Gateway name (regional API: GET /health)."),
      writerName: name("the weighted API Gateway name that reaches the writer cell", 40)
        .default("gateway-writer")
        .describe("Weighted API name behind the writer check (writer API: writes and jobs)."),
      certificateArn: z
        .string({ error: "must be a regional ACM certificate ARN for the API names." })
        .regex(/^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, {
          error: "must be an ACM certificate ARN (arn:aws:acm:<region>:<acct>:certificate/<id>).",
        })
        .optional()
        .describe(
          "Regional ACM certificate in this stack's region covering the three API names; defaults to dr:dns.certificateArn.",
        ),
      throttle: z
        .strictObject({
          rateLimit: int(1, 10000, "steady requests per second per API stage")
            .default(500)
            .describe("Steady requests per second on every API stage."),
          burstLimit: int(1, 5000, "burst per API stage")
            .default(1000)
            .describe("Burst per stage."),
        })
        .default({ rateLimit: 500, burstLimit: 1000 })
        .describe("Stage throttling (every route of both APIs)."),
      logRetentionDays: numberFromConfig(
        z.number().refine((v) => LOG_RETENTION_DAYS.includes(v), {
          error: `must be a CloudWatch Logs retention: ${LOG_RETENTION_DAYS.join(", ")} days.`,
        }),
      )
        .default(30)
        .describe("Access-log retention in days."),
      manageAccountLogRole: z
        .boolean({ error: "must be true or false." })
        .default(true)
        .describe(
          "Set the region's API Gateway CloudWatch role (per account and region); false if the account already sets it.",
        ),
      tokenValidityMinutes: int(5, 1440, "Cognito ID and access token validity in minutes")
        .default(60)
        .describe("Cognito ID/access token validity: how long a token outlives its pool's region."),
    })
    .default({
      serviceName: "gateway",
      writerName: "gateway-writer",
      throttle: { rateLimit: 500, burstLimit: 1000 },
      logRetentionDays: 30,
      manageAccountLogRole: true,
      tokenValidityMinutes: 60,
    })
    .describe("API Gateway and Cognito (components/api, docs/layers/api.md)."),
});

export type RawDrConfig = z.input<typeof drConfigSchema>;
export type ParsedDrConfig = z.output<typeof drConfigSchema>;
