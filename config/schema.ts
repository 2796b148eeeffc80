import { z } from "zod";
import { AWS_REGIONS, isAwsRegion } from "./regions";
import { parseCidr } from "./cidr";
import { DR_TIER_NAMES } from "./tiers";

/*
 * The typed stack configuration. Every key lives under the project namespace `dr:` in
 * `Pulumi.<stack>.yaml`, except `aws:region`. Defaults are applied here, once, with zod's
 * `.default()`; the README's config table is the user-facing copy of this file.
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
  });

const cidr = z
  .string({ error: "must be an IPv4 CIDR block such as 10.10.0.0/16." })
  .refine((v) => parseCidr(v) !== undefined, {
    error: (iss) =>
      `'${String(iss.input)}' is not an IPv4 CIDR on its own boundary; write it like 10.10.0.0/16.`,
  })
  .refine((v) => (parseCidr(v)?.prefix ?? 0) >= 16 && (parseCidr(v)?.prefix ?? 99) <= 20, {
    error: "must be a /16 to /20 block: the VPC needs room for 3 AZs x 3 subnet tiers.",
  });

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
    .min(1, { error: "must be the peer's stack name, e.g. prod-euw1." }),
  region,
  cidr,
});

export const tableSchema = z.strictObject({
  name: z.string({ error: "must be a table name." }).regex(/^[a-zA-Z0-9_.-]{3,200}$/, {
    error: "must be 3-200 characters of a-z, A-Z, 0-9, '_', '-' or '.' (DynamoDB's rule).",
  }),
  partitionKey: z.string({ error: "must name the table's partition key attribute." }).min(1),
  partitionKeyType: z
    .enum(["S", "N", "B"], { error: "must be S, N or B (DynamoDB scalar types)." })
    .default("S"),
  sortKey: z.string().min(1).optional(),
  sortKeyType: z.enum(["S", "N", "B"], { error: "must be S, N or B." }).default("S"),
});

export const trafficSwitchSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z.literal("cloudwatch-gate"),
      /**
       * Regions that hold writer gates but no cell. The writer check is a majority of the gate
       * regions (cells + witnesses), so a single region's loss can neither open nor close a
       * gate by itself; two cells need at least one witness to make three.
       */
      witnessRegions: z
        .array(region, { error: "must be a list of AWS regions, e.g. [us-west-2]." })
        .default([]),
    }),
    z.strictObject({
      type: z.literal("arc-routing-control"),
      /** The ARC cluster that owns the routing control (created outside this project). */
      clusterArn: z.string().regex(/^arn:aws:route53-recovery-control::\d{12}:cluster\/[\w-]+$/, {
        error:
          "must be an ARC cluster ARN (arn:aws:route53-recovery-control::<acct>:cluster/<id>).",
      }),
      /** The routing control that gates this cell as the writer. */
      routingControlArn: z
        .string()
        .regex(
          /^arn:aws:route53-recovery-control::\d{12}:controlpanel\/[\w-]+\/routingcontrol\/[\w-]+$/,
          {
            error:
              "must be an ARC routing control ARN (...:controlpanel/<id>/routingcontrol/<id>).",
          },
        ),
    }),
  ],
  { error: "must have type 'cloudwatch-gate' (default) or 'arc-routing-control'." },
);

/** The raw shape of every `dr:` key. Keys are written as in YAML, without the namespace. */
export const drConfigSchema = z.strictObject({
  "aws:region": region,
  app: name("the application name, used in every global resource name", 20),
  cell: name("the cell's short name, used in regional resource names", 12).optional(),
  homeRegion: region,
  tier: z
    .enum(DR_TIER_NAMES as [string, ...string[]], {
      error: `must be one of ${DR_TIER_NAMES.join(", ")}; the tier sets the RTO and RPO targets.`,
    })
    .default("tier1"),
  targets: z
    .strictObject({
      rtoSeconds: int(30, 86400, "recovery time objective in seconds").optional(),
      rpoSeconds: int(0, 86400, "recovery point objective in seconds").optional(),
    })
    .default({}),
  peers: z
    .array(peerSchema, { error: "must be a list of {stack, region, cidr}, one per peer cell." })
    .min(1, {
      error: "must list at least one peer cell: a DR cell needs somewhere to fail over to.",
    }),
  network: z.strictObject({
    cidr,
    azCount: int(3, 6, "availability zones; at least 3 so one AZ loss keeps a quorum").default(3),
  }),
  dns: z.strictObject({
    hostedZoneId: z
      .string({ error: "must be the Route 53 public hosted zone id, e.g. Z0123456789ABCDEFGHIJ." })
      .regex(/^Z[A-Z0-9]{5,32}$/, {
        error: "must be a Route 53 hosted zone id such as Z0123456789ABC.",
      }),
    zoneName: z
      .string({ error: "must be the hosted zone's domain, e.g. example.com." })
      .regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, {
        error: "must be a lowercase domain such as example.com.",
      }),
    serviceName: name("the latency-routed read name, relative to the zone", 40).default("api"),
    writerName: name("the failover-routed writer name, relative to the zone", 40).default("writer"),
    ttlSeconds: int(1, 60, "TTL of health-checked records; over 60 s slows failover").default(60),
    healthCheckPath: z
      .string()
      .regex(/^\/[\w\-./]*$/, { error: "must be a URL path starting with '/', e.g. /healthz." })
      .default("/healthz"),
    healthCheckIntervalSeconds: numberFromConfig(
      z.number().refine((v) => v === 10 || v === 30, {
        error: "must be 10 or 30: the only intervals Route 53 health checks support.",
      }),
    ).default(10),
    healthCheckFailureThreshold: int(1, 10, "Route 53's failure threshold").default(3),
    certificateArn: z
      .string({ error: "must be the ACM certificate ARN for the service names, in this region." })
      .regex(/^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, {
        error: "must be an ACM certificate ARN (arn:aws:acm:<region>:<acct>:certificate/<id>).",
      }),
  }),
  trafficSwitch: trafficSwitchSchema.default({ type: "cloudwatch-gate", witnessRegions: [] }),
  eks: z
    .strictObject({
      version: z
        .string()
        .regex(/^1\.\d{2}$/, { error: "must be an EKS Kubernetes version such as 1.33." })
        .default("1.33"),
      instanceType: z.string().min(1).default("m7i.large"),
      minNodes: int(1, 100, "node group minimum").default(2),
      desiredNodes: int(1, 100, "node group desired size").default(3),
      maxNodes: int(1, 100, "node group maximum").default(6),
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
        .default([]),
      /** The explicit opt-in that 0.0.0.0/0 in publicAccessCidrs needs. */
      allowApiFromAnywhere: z.boolean({ error: "must be true or false." }).default(false),
      /** IAM roles (on-call, CI) given cluster-admin through EKS access entries. */
      adminRoleArns: z
        .array(
          z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
            error: "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>).",
          }),
          { error: "must be a list of IAM role ARNs." },
        )
        .default([]),
      /** Pods of the cell service answering the health path, spread over the AZs. */
      cellServiceReplicas: int(2, 50, "cell service pods; 2+ so one node is not the cell").default(
        3,
      ),
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
    }),
  aurora: z.strictObject({
    engine: z
      .enum(["aurora-postgresql", "aurora-mysql"], {
        error:
          "must be aurora-postgresql or aurora-mysql (the engines Aurora Global Database supports).",
      })
      .default("aurora-postgresql"),
    engineVersion: z
      .string({ error: "must be the exact engine version, e.g. 16.4; all regions must match." })
      .regex(/^\d+\.\d+(\.[\w.]+)?$/, { error: "must be an exact engine version such as 16.4." }),
    instanceClass: z
      .string()
      .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, {
        error: "must be a DB instance class such as db.r7g.large.",
      })
      .default("db.r7g.large"),
    instances: int(1, 15, "instances per regional cluster; 2+ for an in-region failover").default(
      2,
    ),
    databaseName: z
      .string()
      .regex(/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/, {
        error: "must be a database name (letter first, then a-z, 0-9, _).",
      })
      .default("app"),
    masterUsername: z
      .string()
      .regex(/^[a-zA-Z][a-zA-Z0-9_]{0,15}$/, { error: "must be 1-16 characters, letter first." })
      .default("dbadmin"),
    backupRetentionDays: int(1, 35, "automated backup retention").default(7),
    /** Budgeted time for a global failover, used in the RTO budget. */
    promotionSeconds: int(10, 3600, "budgeted Aurora global failover time").default(120),
  }),
  dynamodb: z.strictObject({
    tables: z
      .array(tableSchema, { error: "must be a list of tables." })
      .min(1, { error: "must list at least one table." }),
  }),
  msk: z.strictObject({
    kafkaVersion: z
      .string({ error: "must be the MSK Kafka version, e.g. 3.8.x." })
      .regex(/^\d+\.\d+\.(\d+|x)(\.kraft)?$/, {
        error: "must be a Kafka version such as 3.8.x or 3.6.0.",
      }),
    brokerInstanceType: z
      .string()
      .regex(/^kafka\.[a-z0-9]+\.[a-z0-9]+$/, {
        error: "must be an MSK broker type such as kafka.m7g.large.",
      })
      .default("kafka.m7g.large"),
    brokersPerAz: int(1, 10, "brokers in each availability zone").default(1),
    volumeGb: int(1, 16384, "EBS storage per broker").default(100),
    topics: z
      .array(z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, { error: "must be a Kafka topic name." }))
      .min(1, { error: "must list at least one topic the replicator copies." }),
    /** ENHANCED (default) translates consumer offsets both ways, so consumers can fail back. */
    offsetSyncMode: z
      .enum(["ENHANCED", "LEGACY"], {
        error: "must be ENHANCED (consumers fail over and back) or LEGACY (over only).",
      })
      .default("ENHANCED"),
    /**
     * Where new replicators start reading; unset, each picks its own (README, MSK). Set LATEST
     * while converting an existing LEGACY deployment, so history is not copied again.
     */
    startingPosition: z
      .enum(["EARLIEST", "LATEST"], { error: "must be EARLIEST or LATEST." })
      .optional(),
  }),
  cache: z.strictObject({
    engine: z.enum(["valkey", "redis"], { error: "must be valkey or redis." }).default("valkey"),
    engineVersion: z
      .string({ error: "must be the engine version, e.g. 7.2; all regions must match." })
      .regex(/^\d+\.\d+(\.\d+)?$/, { error: "must be an engine version such as 7.2." }),
    nodeType: z
      .string()
      .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, {
        error: "must be a node type such as cache.r7g.large.",
      })
      .default("cache.r7g.large"),
    replicas: int(1, 5, "read replicas per shard; 1+ for Multi-AZ").default(1),
  }),
  queue: z
    .strictObject({
      maxReceiveCount: int(
        1,
        1000,
        "receives before a message goes to the dead-letter queue",
      ).default(5),
      visibilityTimeoutSeconds: int(0, 43200, "SQS visibility timeout").default(60),
    })
    .default({ maxReceiveCount: 5, visibilityTimeoutSeconds: 60 }),
  alarms: z
    .strictObject({
      auroraLagSeconds: int(1, 3600, "Aurora global replication lag alarm").default(5),
      dynamodbLagSeconds: int(1, 3600, "DynamoDB ReplicationLatency alarm").default(5),
      mskLagSeconds: int(1, 3600, "MSK Replicator ReplicationLatency alarm").default(60),
      loadBalancer5xxPerMinute: int(1, 100000, "load balancer 5xx alarm").default(50),
    })
    .default({
      auroraLagSeconds: 5,
      dynamodbLagSeconds: 5,
      mskLagSeconds: 60,
      loadBalancer5xxPerMinute: 50,
    }),
});

export type RawDrConfig = z.input<typeof drConfigSchema>;
export type ParsedDrConfig = z.output<typeof drConfigSchema>;
