import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CellRole } from "../../config/load";
import { ENV } from "../../functions/settings";
import { STREAM_EVENT_SOURCE } from "../../functions/streamProcessor";
import { CellIdentity, cellTags, regionalName } from "../naming";
import { outOfBandProperties } from "../switchover/outOfBand";
import { throwArgIssues } from "../../validation/componentArgs";
import { BUNDLE_FILE, handlerArchive, HandlerRole } from "./bundle";
import { createCellHeartbeat, CellHeartbeatOutputs, heartbeatArgIssues } from "./heartbeat";
import { LAMBDA_TRUST_POLICY, queueConsumerPolicy, streamProcessorPolicy } from "./iam";

export const ESM_TYPE = "aws:lambda/eventSourceMapping:EventSourceMapping";

/** AWS's advice for an SQS source: visibility timeout at least 6x the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

export interface FunctionsSettings {
  memoryMb: number;
  timeoutSeconds: number;
  logRetentionDays: number;
  consumerBatchSize: number;
  consumerBatchingWindowSeconds: number;
  consumerReservedConcurrency: number;
  streamBatchSize: number;
  streamMaximumRetryAttempts: number;
  streamMaximumRecordAgeSeconds: number;
  streamReservedConcurrency: number;
  /** The heartbeat function (./heartbeat.ts): its beat interval and memory. */
  heartbeatIntervalMs: number;
  heartbeatMemoryMb: number;
  /** Unset: writer-only mappings start enabled in the home cell only. */
  mappingsEnabledAtCreation?: boolean;
}

export interface FunctionsTable {
  tableName: string;
  tableArn: pulumi.Input<string>;
  partitionKey: string;
  sortKey?: string;
}

export interface CellFunctionsArgs {
  identity: CellIdentity;
  role: CellRole;
  /** Admission settings (docs/admission.md): the home region and every other cell region. */
  homeRegion: string;
  peerRegions: string[];
  /** The writer lease the consumer's admission uses; the services' value. Defaults to 3. */
  leaseSeconds?: number;
  /** The cell key: environment variables, the on-failure queue. */
  kmsKeyArn: pulumi.Input<string>;
  /** The cell's work queue (components/queue) and the settings it was built with. */
  queue: {
    queueArn: pulumi.Input<string>;
    visibilityTimeoutSeconds: number;
    maxReceiveCount: number;
  };
  /** The table the queue consumer writes (this region's replica). */
  consumerTable: FunctionsTable;
  /** The table whose stream the processor reads, with this region's stream ARN. */
  streamTable: {
    tableName: string;
    tableArn: pulumi.Input<string>;
    streamArn: pulumi.Input<string>;
  };
  /** The DR control table, read for admission. */
  controlTable: { tableName: string; tableArn: pulumi.Input<string> };
  /** The cell's event path (components/events). */
  events: {
    busName: pulumi.Input<string>;
    busArn: pulumi.Input<string>;
    topicArn: pulumi.Input<string>;
  };
  settings: FunctionsSettings;
}

/** One consumer as the DR manifest publishes it (stores.functions.consumers[]). */
export interface ManifestConsumer {
  name: string;
  functionName: string;
  functionArn: string;
  eventSourceMappingUuid: string;
  sourceArn: string;
  source: "sqs" | "dynamodb-stream";
  /** Runs only in the writer cell: the failover commands enable it there, disable it elsewhere. */
  writerOnly: boolean;
}

export interface ManifestFunctions {
  consumers: ManifestConsumer[];
}

/** The handlers with an event source mapping (the heartbeat is scheduled: ./heartbeat.ts). */
export type ConsumerRole = Exclude<HandlerRole, "heartbeat">;

/** Consumer names, the same in every cell (the parity policy compares them). */
export const CONSUMERS = {
  queueConsumer: { name: "queue-consumer", source: "sqs", writerOnly: true },
  streamProcessor: { name: "stream-processor", source: "dynamodb-stream", writerOnly: true },
} as const satisfies Record<ConsumerRole, { name: string; source: string; writerOnly: boolean }>;

/** Whether a new writer-only mapping starts enabled: in the home cell, unless set. */
export function mappingsEnabledAtCreation(role: CellRole, settings: FunctionsSettings): boolean {
  return settings.mappingsEnabledAtCreation ?? role === "home";
}

/** Argument problems, each naming the config key and the fix. */
export function functionsArgIssues(
  args: CellFunctionsArgs,
): { propertyPath: string; reason: string }[] {
  const s = args.settings;
  const issues: { propertyPath: string; reason: string }[] = [];
  const needed = VISIBILITY_TIMEOUT_FACTOR * s.timeoutSeconds;
  if (args.queue.visibilityTimeoutSeconds < needed) {
    issues.push({
      propertyPath: "queue.visibilityTimeoutSeconds",
      reason:
        `dr:queue.visibilityTimeoutSeconds is ${args.queue.visibilityTimeoutSeconds} s but must be at least ` +
        `${VISIBILITY_TIMEOUT_FACTOR} x dr:functions.timeoutSeconds = ${needed} s (AWS's advice for an SQS ` +
        `event source: throttled batches are retried before the message becomes visible again); raise ` +
        `dr:queue.visibilityTimeoutSeconds to ${needed} or lower dr:functions.timeoutSeconds.`,
    });
  }
  issues.push(...heartbeatArgIssues(s.heartbeatIntervalMs, args.leaseSeconds ?? 3));
  return issues;
}

export interface CellFunctionsOutputs {
  queueConsumer: aws.lambda.Function;
  streamProcessor: aws.lambda.Function;
  queueMapping: aws.lambda.EventSourceMapping;
  streamMapping: aws.lambda.EventSourceMapping;
  streamFailureQueue: aws.sqs.Queue;
  heartbeat: CellHeartbeatOutputs;
  manifestFunctions: pulumi.Output<ManifestFunctions>;
}

/**
 * The cell's Lambda consumers: the queue consumer (the cell's SQS queue -> DynamoDB, with
 * write admission) and the stream processor (a table's stream -> the cell's bus and topic).
 * Identical in every cell; both mappings are writer-only (docs/layers/functions.md): created
 * in every cell, enabled at creation in the home cell, then switched by the failover commands,
 * which is why `enabled` is in ignoreChanges.
 */
export function createCellFunctions(
  name: string,
  args: CellFunctionsArgs,
  parent: pulumi.Resource,
): CellFunctionsOutputs {
  throwArgIssues(`dr:functions:CellFunctions ${name}`, functionsArgIssues(args));
  const s = args.settings;
  const { identity } = args;
  const tags = cellTags(identity);
  const enabled = mappingsEnabledAtCreation(args.role, s);
  if (args.queue.maxReceiveCount < 5) {
    void pulumi.log.warn(
      `dr:queue.maxReceiveCount is ${args.queue.maxReceiveCount}: a message the consumer returns while writes ` +
        `are not admitted (a switchover's seconds) or while it is throttled can reach the dead-letter queue ` +
        `after that many receives; AWS advises at least 5.`,
      parent,
    );
  }

  const fn = (
    role: ConsumerRole,
    spec: {
      reservedConcurrency: number;
      environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
      policy: (logGroupArn: string) => pulumi.Output<string>;
    },
  ) => {
    const functionName = regionalName(identity, CONSUMERS[role].name);
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-${role}LogGroup`,
      { name: `/aws/lambda/${functionName}`, retentionInDays: s.logRetentionDays, tags },
      { parent },
    );
    const iamRole = new aws.iam.Role(
      `${name}-${role}Role`,
      { name: functionName, assumeRolePolicy: LAMBDA_TRUST_POLICY, tags },
      { parent },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-${role}Policy`,
      { role: iamRole.id, policy: logGroup.arn.apply((arn) => spec.policy(arn)) },
      { parent },
    );
    const lambda = new aws.lambda.Function(
      `${name}-${role}`,
      {
        name: functionName,
        role: iamRole.arn,
        runtime: aws.lambda.Runtime.NodeJS22dX,
        architectures: ["arm64"],
        handler: `${BUNDLE_FILE.replace(/\.js$/, "")}.handler`,
        code: handlerArchive(role),
        memorySize: s.memoryMb,
        timeout: s.timeoutSeconds,
        reservedConcurrentExecutions: spec.reservedConcurrency,
        tracingConfig: { mode: "Active" },
        kmsKeyArn: args.kmsKeyArn,
        environment: { variables: spec.environment },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        tags,
      },
      // The role must hold its permissions before the mapping first polls.
      { parent, dependsOn: [policy, logGroup] },
    );
    return lambda;
  };

  const peers = args.peerRegions.join(",");
  const queueConsumer = fn("queueConsumer", {
    reservedConcurrency: s.consumerReservedConcurrency,
    environment: {
      [ENV.homeRegion]: args.homeRegion,
      [ENV.peerRegions]: peers,
      [ENV.controlTable]: args.controlTable.tableName,
      [ENV.leaseSeconds]: String(args.leaseSeconds ?? 3),
      [ENV.tableName]: args.consumerTable.tableName,
      [ENV.partitionKey]: args.consumerTable.partitionKey,
      ...(args.consumerTable.sortKey ? { [ENV.sortKey]: args.consumerTable.sortKey } : {}),
    },
    policy: (logGroupArn) =>
      pulumi
        .all([
          args.queue.queueArn,
          args.consumerTable.tableArn,
          args.controlTable.tableArn,
          args.kmsKeyArn,
        ])
        .apply(([queueArn, tableArn, controlTableArn, kmsKeyArn]) =>
          queueConsumerPolicy({
            region: identity.region,
            queueArn,
            tableArn,
            controlTableArn,
            kmsKeyArn,
            logGroupArn,
          }),
        ),
  });

  // Where a stream batch's position goes after the bounded retries: the records themselves stay
  // in the stream for 24 hours, long enough to replay from the recorded sequence numbers.
  const streamFailureQueue = new aws.sqs.Queue(
    `${name}-streamFailureQueue`,
    {
      name: regionalName(identity, "stream-dlq"),
      kmsMasterKeyId: args.kmsKeyArn,
      messageRetentionSeconds: 1209600,
      tags,
    },
    { parent },
  );

  const streamProcessor = fn("streamProcessor", {
    reservedConcurrency: s.streamReservedConcurrency,
    environment: {
      [ENV.busName]: args.events.busName,
      [ENV.topicArn]: args.events.topicArn,
      [ENV.eventSource]: STREAM_EVENT_SOURCE,
    },
    policy: (logGroupArn) =>
      pulumi
        .all([
          args.streamTable.tableArn,
          args.events.busArn,
          args.events.topicArn,
          streamFailureQueue.arn,
          args.kmsKeyArn,
        ])
        .apply(([tableArn, busArn, topicArn, failureQueueArn, kmsKeyArn]) =>
          streamProcessorPolicy({
            tableArn,
            busArn,
            topicArn,
            failureQueueArn,
            kmsKeyArn,
            logGroupArn,
          }),
        ),
  });

  const toggled = { parent, ignoreChanges: outOfBandProperties(ESM_TYPE) };
  const queueMapping = new aws.lambda.EventSourceMapping(
    `${name}-queueMapping`,
    {
      functionName: queueConsumer.arn,
      eventSourceArn: args.queue.queueArn,
      enabled,
      batchSize: s.consumerBatchSize,
      maximumBatchingWindowInSeconds: s.consumerBatchingWindowSeconds,
      // Only the failed messages return to the queue; the rest of the batch is deleted.
      functionResponseTypes: ["ReportBatchItemFailures"],
      // At most the reserved concurrency, so the mapping never invokes into throttling.
      scalingConfig: { maximumConcurrency: s.consumerReservedConcurrency },
      tags,
    },
    toggled,
  );
  const streamMapping = new aws.lambda.EventSourceMapping(
    `${name}-streamMapping`,
    {
      functionName: streamProcessor.arn,
      eventSourceArn: args.streamTable.streamArn,
      enabled,
      // A mapping enabled by a failover starts at the new writer's present (docs: what is lost).
      startingPosition: "LATEST",
      batchSize: s.streamBatchSize,
      // One batch per shard at a time: events keep the table's per-item order.
      parallelizationFactor: 1,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: s.streamMaximumRetryAttempts,
      maximumRecordAgeInSeconds: s.streamMaximumRecordAgeSeconds,
      functionResponseTypes: ["ReportBatchItemFailures"],
      destinationConfig: { onFailure: { destinationArn: streamFailureQueue.arn } },
      tags,
    },
    toggled,
  );

  const consumer = (
    role: ConsumerRole,
    lambda: aws.lambda.Function,
    mapping: aws.lambda.EventSourceMapping,
    sourceArn: pulumi.Input<string>,
  ): pulumi.Output<ManifestConsumer> =>
    pulumi
      .all([lambda.name, lambda.arn, mapping.uuid, sourceArn])
      .apply(([functionName, functionArn, uuid, source]) => ({
        name: CONSUMERS[role].name,
        functionName,
        functionArn,
        eventSourceMappingUuid: uuid,
        sourceArn: source,
        source: CONSUMERS[role].source,
        writerOnly: CONSUMERS[role].writerOnly,
      }));

  // Every cell beats, whatever its role: each peer's admission needs this region's heartbeat.
  const heartbeat = createCellHeartbeat(
    name,
    {
      identity,
      kmsKeyArn: args.kmsKeyArn,
      controlTable: args.controlTable,
      intervalMs: s.heartbeatIntervalMs,
      memoryMb: s.heartbeatMemoryMb,
      logRetentionDays: s.logRetentionDays,
    },
    parent,
  );

  return {
    queueConsumer,
    streamProcessor,
    queueMapping,
    streamMapping,
    streamFailureQueue,
    heartbeat,
    manifestFunctions: pulumi
      .all([
        consumer("queueConsumer", queueConsumer, queueMapping, args.queue.queueArn),
        consumer("streamProcessor", streamProcessor, streamMapping, args.streamTable.streamArn),
      ])
      .apply((consumers) => ({ consumers })),
  };
}

/** The cell's Lambda consumers and their event source mappings. */
export class CellFunctions extends pulumi.ComponentResource {
  readonly queueConsumerArn: pulumi.Output<string>;
  readonly streamProcessorArn: pulumi.Output<string>;
  readonly streamFailureQueueArn: pulumi.Output<string>;
  readonly heartbeatArn: pulumi.Output<string>;
  /** The manifest section `stores.functions` (the contract with the failover commands). */
  readonly manifestFunctions: pulumi.Output<ManifestFunctions>;

  constructor(name: string, args: CellFunctionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:functions:CellFunctions", name, {}, opts);
    const out = createCellFunctions(name, args, this);
    this.queueConsumerArn = out.queueConsumer.arn;
    this.streamProcessorArn = out.streamProcessor.arn;
    this.streamFailureQueueArn = out.streamFailureQueue.arn;
    this.heartbeatArn = out.heartbeat.fn.arn;
    this.manifestFunctions = out.manifestFunctions;
    this.registerOutputs({ manifestFunctions: this.manifestFunctions });
  }
}
