import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CellIdentity, cellTags, regionalName } from "../naming";
import { throwArgIssues } from "../../validation/componentArgs";
import { jobWorkflowDefinition } from "./workflow";
import { lakePrefixes } from "./lake";

export { lakePrefixes };

export interface CellEventsArgs {
  identity: CellIdentity;
  /** The region that writes when the control table has no writer item (`dr:homeRegion`). */
  homeRegion: string;
  /** Every other cell's region: the workflow's admission reads one heartbeat per peer. */
  peerRegions: string[];
  /** The cell's KMS key: the Kinesis stream, the SNS topic and the lake objects. */
  kmsKeyArn: pulumi.Input<string>;
  /**
   * The cell's replicated bucket (components/storage): the data lake. Firehose writes under
   * `<lakePrefix>region=<region>/`, so the copies the bucket replicates to every peer never
   * collide with the peer's own objects.
   */
  lakeBucketArn: pulumi.Input<string>;
  /** The DR control table (partition key `pk`): the workflow's admission reads it. */
  controlTable: { tableName: string; tableArn: pulumi.Input<string> };
  /** The global table the workflow writes job items to (string partition key). */
  jobTable: {
    tableName: string;
    tableArn: pulumi.Input<string>;
    partitionKey: string;
    sortKey?: string;
  };
  /** Kinesis shards; 0 is on-demand. Defaults to 0. */
  streamShards?: number;
  /** Defaults to 24 hours. */
  streamRetentionHours?: number;
  /** Defaults to `lake/`. Must end in `/`. */
  lakePrefix?: string;
  /** Firehose buffering; default 300 s and 64 MB. */
  bufferSeconds?: number;
  bufferMb?: number;
  /** The bus archive's retention. Defaults to 7 days. */
  archiveRetentionDays?: number;
  /** The workflow's log level. Defaults to ALL (an Express workflow keeps no history). */
  workflowLogLevel?: "ALL" | "ERROR" | "FATAL";
  /** Defaults to false. */
  includeExecutionData?: boolean;
  /** The writer lease of the admission check. Defaults to 3 s (docs/admission.md). */
  leaseSeconds?: number;
}

/** What the manifest publishes about a cell's event path (`stores.events`). */
export interface ManifestEvents {
  busName: string;
  busArn: string;
  archiveName: string;
  topicArn: string;
  kinesisStreamArn: string;
  firehoseArn: string;
  stateMachineArn: string;
  /** The rule -> Kinesis target's dead-letter queue. */
  deadLetterQueueArn: string;
  lake: { bucketArn: string; prefix: string; errorPrefix: string };
}

function argIssues(args: CellEventsArgs): pulumi.InputPropertyErrorDetails[] {
  const issues: pulumi.InputPropertyErrorDetails[] = [];
  const prefix = args.lakePrefix ?? "lake/";
  if (!/^[a-z0-9][a-z0-9_-]*(\/[a-z0-9_-]+)*\/$/.test(prefix)) {
    issues.push({
      propertyPath: "lakePrefix",
      reason: `'${prefix}' must be an S3 key prefix ending in '/', e.g. lake/.`,
    });
  }
  if (args.peerRegions.includes(args.identity.region)) {
    issues.push({
      propertyPath: "peerRegions",
      reason: `lists this cell's own region ${args.identity.region}; list only the other cells.`,
    });
  }
  const lease = args.leaseSeconds ?? 3;
  if (!(Number.isInteger(lease) && lease >= 1 && lease <= 60)) {
    issues.push({
      propertyPath: "leaseSeconds",
      reason: `must be a whole number of seconds from 1 to 60, got ${lease}.`,
    });
  }
  return issues;
}

const assumedBy = (service: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });

export interface CellEventsOutputs {
  bus: aws.cloudwatch.EventBus;
  archive: aws.cloudwatch.EventArchive;
  topic: aws.sns.Topic;
  stream: aws.kinesis.Stream;
  lakeRule: aws.cloudwatch.EventRule;
  lakeTarget: aws.cloudwatch.EventTarget;
  deadLetterQueue: aws.sqs.Queue;
  firehose: aws.kinesis.FirehoseDeliveryStream;
  stateMachine: aws.sfn.StateMachine;
  workflowLogGroup: aws.cloudwatch.LogGroup;
  manifestEvents: pulumi.Output<ManifestEvents>;
}

/**
 * The cell's event path: a custom EventBridge bus (archived), an SNS topic for fan-out, a rule
 * that copies every event on the bus into a Kinesis stream, Firehose from the stream into the
 * cell's replicated bucket, and the Express job workflow. All regional and identical in every
 * cell; what survives a region's loss is the lake (replicated with the bucket), not events in
 * flight (docs/layers/events.md).
 */
export function createCellEvents(
  name: string,
  args: CellEventsArgs,
  parent: pulumi.Resource,
): CellEventsOutputs {
  throwArgIssues(`dr:events:CellEvents ${name}`, argIssues(args));
  const { identity } = args;
  const region = identity.region;
  const tags = cellTags(identity);
  const opts = { parent };
  const lake = lakePrefixes(args.lakePrefix ?? "lake/", region);

  // A fixed name, computed the same way in every cell, so the workflow definition and the
  // functions name the bus without an Output.
  const busName = regionalName(identity, "events");
  const bus = new aws.cloudwatch.EventBus(
    `${name}-bus`,
    { name: busName, description: `Events of cell ${identity.cell} (${region})`, tags },
    opts,
  );
  // An archive keeps what the bus received for a replay in this region (a consumer that was
  // down, a bug fixed); it does not leave the region.
  const archiveName = regionalName(identity, "events-archive");
  const archive = new aws.cloudwatch.EventArchive(
    `${name}-archive`,
    {
      name: archiveName,
      eventSourceArn: bus.arn,
      retentionDays: args.archiveRetentionDays ?? 7,
      description: `Every event on ${busName}`,
    },
    opts,
  );

  const topic = new aws.sns.Topic(
    `${name}-topic`,
    { name: regionalName(identity, "events"), kmsMasterKeyId: args.kmsKeyArn, tags },
    opts,
  );

  const shards = args.streamShards ?? 0;
  const stream = new aws.kinesis.Stream(
    `${name}-stream`,
    {
      name: regionalName(identity, "events"),
      retentionPeriod: args.streamRetentionHours ?? 24,
      encryptionType: "KMS",
      kmsKeyId: args.kmsKeyArn,
      ...(shards === 0
        ? { streamModeDetails: { streamMode: "ON_DEMAND" } }
        : { shardCount: shards, streamModeDetails: { streamMode: "PROVISIONED" } }),
      tags,
    },
    opts,
  );

  // SSE-SQS, not the cell key: EventBridge sends to the DLQ as the service, which the cell
  // key's default policy (IAM delegation only) does not admit.
  const deadLetterQueue = new aws.sqs.Queue(
    `${name}-deadLetterQueue`,
    {
      name: regionalName(identity, "events-dlq"),
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1209600,
      tags,
    },
    opts,
  );
  const lakeRule = new aws.cloudwatch.EventRule(
    `${name}-lakeRule`,
    {
      name: regionalName(identity, "events-to-lake"),
      eventBusName: bus.name,
      description: "Every event on the bus, into the lake's Kinesis stream",
      // Matches every event: `source` is always present and every string has the prefix "".
      eventPattern: JSON.stringify({ source: [{ prefix: "" }] }),
      tags,
    },
    opts,
  );
  const ruleRole = new aws.iam.Role(
    `${name}-lakeRuleRole`,
    {
      description: `EventBridge -> Kinesis of cell ${identity.cell}`,
      assumeRolePolicy: assumedBy("events.amazonaws.com"),
      tags,
    },
    opts,
  );
  new aws.iam.RolePolicy(
    `${name}-lakeRulePolicy`,
    {
      role: ruleRole.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["kinesis:PutRecord", "kinesis:PutRecords"],
            Resource: stream.arn,
          },
          { Effect: "Allow", Action: "kms:GenerateDataKey", Resource: args.kmsKeyArn },
        ],
      }),
    },
    opts,
  );
  const lakeTarget = new aws.cloudwatch.EventTarget(
    `${name}-lakeTarget`,
    {
      rule: lakeRule.name,
      eventBusName: bus.name,
      targetId: "lake-stream",
      arn: stream.arn,
      roleArn: ruleRole.arn,
      kinesisTarget: { partitionKeyPath: "$.id" },
      // An event Kinesis keeps refusing lands in the DLQ after a day, instead of vanishing.
      retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
      deadLetterConfig: { arn: deadLetterQueue.arn },
    },
    opts,
  );
  new aws.sqs.QueuePolicy(
    `${name}-deadLetterQueuePolicy`,
    {
      queueUrl: deadLetterQueue.url,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "LakeRuleDeadLetters",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: deadLetterQueue.arn,
            Condition: { ArnEquals: { "aws:SourceArn": lakeRule.arn } },
          },
        ],
      }),
    },
    opts,
  );

  const firehoseLogGroup = new aws.cloudwatch.LogGroup(
    `${name}-firehoseLogs`,
    { name: `/aws/kinesisfirehose/${regionalName(identity, "lake")}`, retentionInDays: 30, tags },
    opts,
  );
  const firehoseLogStream = new aws.cloudwatch.LogStream(
    `${name}-firehoseLogStream`,
    { name: "S3Delivery", logGroupName: firehoseLogGroup.name },
    opts,
  );
  const firehoseRole = new aws.iam.Role(
    `${name}-firehoseRole`,
    {
      description: `Firehose lake delivery of cell ${identity.cell}`,
      assumeRolePolicy: assumedBy("firehose.amazonaws.com"),
      tags,
    },
    opts,
  );
  const firehosePolicy = new aws.iam.RolePolicy(
    `${name}-firehosePolicy`,
    {
      role: firehoseRole.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ReadStream",
            Effect: "Allow",
            Action: [
              "kinesis:DescribeStream",
              "kinesis:GetShardIterator",
              "kinesis:GetRecords",
              "kinesis:ListShards",
            ],
            Resource: stream.arn,
          },
          {
            Sid: "DecryptStream",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: args.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `kinesis.${region}.amazonaws.com` } },
          },
          {
            Sid: "WriteLake",
            Effect: "Allow",
            Action: [
              "s3:AbortMultipartUpload",
              "s3:GetBucketLocation",
              "s3:GetObject",
              "s3:ListBucket",
              "s3:ListBucketMultipartUploads",
              "s3:PutObject",
            ],
            Resource: [args.lakeBucketArn, pulumi.interpolate`${args.lakeBucketArn}/*`],
          },
          {
            Sid: "EncryptLake",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: args.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
          },
          {
            Sid: "Logs",
            Effect: "Allow",
            Action: "logs:PutLogEvents",
            Resource: pulumi.interpolate`${firehoseLogGroup.arn}:*`,
          },
        ],
      }),
    },
    opts,
  );
  const firehose = new aws.kinesis.FirehoseDeliveryStream(
    `${name}-firehose`,
    {
      name: regionalName(identity, "lake"),
      destination: "extended_s3",
      // With a Kinesis source, the stream's own KMS encryption protects the records at rest;
      // Firehose's serverSideEncryption applies to Direct PUT only.
      kinesisSourceConfiguration: { kinesisStreamArn: stream.arn, roleArn: firehoseRole.arn },
      extendedS3Configuration: {
        bucketArn: args.lakeBucketArn,
        roleArn: firehoseRole.arn,
        prefix: lake.prefix,
        errorOutputPrefix: lake.errorPrefix,
        bufferingInterval: args.bufferSeconds ?? 300,
        bufferingSize: args.bufferMb ?? 64,
        compressionFormat: "GZIP",
        kmsKeyArn: args.kmsKeyArn,
        cloudwatchLoggingOptions: {
          enabled: true,
          logGroupName: firehoseLogGroup.name,
          logStreamName: firehoseLogStream.name,
        },
      },
      tags,
    },
    // Firehose checks the role's access when the stream is created.
    { parent, dependsOn: [firehosePolicy] },
  );

  // The job workflow. Its log group is the only execution history an Express workflow has.
  const workflowName = regionalName(identity, "jobs");
  const workflowLogGroup = new aws.cloudwatch.LogGroup(
    `${name}-workflowLogs`,
    { name: `/aws/vendedlogs/states/${workflowName}`, retentionInDays: 30, tags },
    opts,
  );
  const definition = jobWorkflowDefinition({
    region,
    homeRegion: args.homeRegion,
    peerRegions: args.peerRegions,
    controlTableName: args.controlTable.tableName,
    jobTable: {
      tableName: args.jobTable.tableName,
      partitionKey: args.jobTable.partitionKey,
      sortKey: args.jobTable.sortKey,
    },
    busName,
    eventSource: `${identity.app}.jobs`,
    leaseSeconds: args.leaseSeconds ?? 3,
  });
  const workflowRole = new aws.iam.Role(
    `${name}-workflowRole`,
    {
      description: `Job workflow of cell ${identity.cell}`,
      assumeRolePolicy: assumedBy("states.amazonaws.com"),
      tags,
    },
    opts,
  );
  const workflowPolicy = new aws.iam.RolePolicy(
    `${name}-workflowPolicy`,
    {
      role: workflowRole.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            // The admission items only (docs/admission.md, IAM for a service).
            Sid: "ReadAdmission",
            Effect: "Allow",
            Action: "dynamodb:GetItem",
            Resource: args.controlTable.tableArn,
            Condition: {
              "ForAllValues:StringLike": {
                "dynamodb:LeadingKeys": ["writer", `fence#${region}`, "heartbeat#*"],
              },
            },
          },
          {
            Sid: "WriteJobs",
            Effect: "Allow",
            Action: "dynamodb:PutItem",
            Resource: args.jobTable.tableArn,
          },
          {
            Sid: "TablesKey",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: args.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
          },
          { Sid: "Publish", Effect: "Allow", Action: "events:PutEvents", Resource: bus.arn },
          {
            // Vended log delivery and X-Ray take no resource-level permissions (Step Functions
            // developer guide, IAM for logging and tracing).
            Sid: "LogsAndTraces",
            Effect: "Allow",
            Action: [
              "logs:CreateLogDelivery",
              "logs:GetLogDelivery",
              "logs:UpdateLogDelivery",
              "logs:DeleteLogDelivery",
              "logs:ListLogDeliveries",
              "logs:PutResourcePolicy",
              "logs:DescribeResourcePolicies",
              "logs:DescribeLogGroups",
              "xray:PutTraceSegments",
              "xray:PutTelemetryRecords",
              "xray:GetSamplingRules",
              "xray:GetSamplingTargets",
            ],
            Resource: "*",
          },
        ],
      }),
    },
    opts,
  );
  const stateMachine = new aws.sfn.StateMachine(
    `${name}-workflow`,
    {
      name: workflowName,
      type: "EXPRESS",
      roleArn: workflowRole.arn,
      definition: JSON.stringify(definition),
      loggingConfiguration: {
        logDestination: pulumi.interpolate`${workflowLogGroup.arn}:*`,
        level: args.workflowLogLevel ?? "ALL",
        includeExecutionData: args.includeExecutionData ?? false,
      },
      tracingConfiguration: { enabled: true },
      tags,
    },
    // Step Functions validates the role's log delivery permission at creation.
    { parent, dependsOn: [workflowPolicy] },
  );

  const manifestEvents = pulumi
    .all([
      bus.arn,
      topic.arn,
      stream.arn,
      firehose.arn,
      stateMachine.arn,
      deadLetterQueue.arn,
      pulumi.output(args.lakeBucketArn),
    ])
    .apply(
      ([
        busArn,
        topicArn,
        kinesisStreamArn,
        firehoseArn,
        stateMachineArn,
        dlqArn,
        bucketArn,
      ]): ManifestEvents => ({
        busName,
        busArn,
        archiveName,
        topicArn,
        kinesisStreamArn,
        firehoseArn,
        stateMachineArn,
        deadLetterQueueArn: dlqArn,
        lake: { bucketArn, ...lake },
      }),
    );
  return {
    bus,
    archive,
    topic,
    stream,
    lakeRule,
    lakeTarget,
    deadLetterQueue,
    firehose,
    stateMachine,
    workflowLogGroup,
    manifestEvents,
  };
}

/** A cell's event path and job workflow (createCellEvents). */
export class CellEvents extends pulumi.ComponentResource {
  readonly busName: pulumi.Output<string>;
  readonly busArn: pulumi.Output<string>;
  readonly topicArn: pulumi.Output<string>;
  readonly stateMachineArn: pulumi.Output<string>;
  readonly kinesisStreamArn: pulumi.Output<string>;
  readonly firehoseArn: pulumi.Output<string>;
  readonly manifestEvents: pulumi.Output<ManifestEvents>;

  constructor(name: string, args: CellEventsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:events:CellEvents", name, {}, opts);
    const out = createCellEvents(name, args, this);
    this.busName = out.bus.name;
    this.busArn = out.bus.arn;
    this.topicArn = out.topic.arn;
    this.stateMachineArn = out.stateMachine.arn;
    this.kinesisStreamArn = out.stream.arn;
    this.firehoseArn = out.firehose.arn;
    this.manifestEvents = out.manifestEvents;
    this.registerOutputs({
      busName: this.busName,
      busArn: this.busArn,
      topicArn: this.topicArn,
      stateMachineArn: this.stateMachineArn,
      kinesisStreamArn: this.kinesisStreamArn,
      firehoseArn: this.firehoseArn,
    });
  }
}
