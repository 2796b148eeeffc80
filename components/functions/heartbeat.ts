import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { heartbeatPk } from "../../admission";
import { ENV } from "../../functions/settings";
import { DEFAULT_HEARTBEAT_RUN_MS, HEARTBEAT_ENV } from "../../functions/heartbeat";
import { CellIdentity, cellTags, regionalName } from "../naming";
import { BUNDLE_FILE, handlerArchive } from "./bundle";
import { LAMBDA_TRUST_POLICY } from "./iam";

/*
 * The cell's heartbeat (functions/heartbeat.ts): an EventBridge Scheduler schedule invokes a
 * function every minute that writes `heartbeat#<region>` into this region's control-table
 * replica every `intervalMs` for DEFAULT_HEARTBEAT_RUN_MS. Each peer's write admission (the
 * queue consumer, the services) needs it: without it, no region's consumers write.
 *
 * Timing: rate(1 minute) is Scheduler's shortest rate, and Scheduler fires somewhere within each
 * minute (60 s precision; the flexible window is off). A 120 s run therefore always overlaps the
 * next invocation; at most three runs are alive at once, hence the reserved concurrency of 3.
 */

export const HEARTBEAT_SCHEDULE = "rate(1 minute)";
/** The run plus Lambda's start-up and the last beat's settling. */
export const HEARTBEAT_TIMEOUT_SECONDS = DEFAULT_HEARTBEAT_RUN_MS / 1000 + 15;
/** Runs alive at once: a 120 s run started each minute, anywhere within that minute. */
export const HEARTBEAT_RESERVED_CONCURRENCY = 3;

export const SCHEDULER_TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "scheduler.amazonaws.com" },
      Action: "sts:AssumeRole",
    },
  ],
});

/** The heartbeat can write only its own region's heartbeat item, nothing else in the table. */
export function heartbeatPolicy(p: {
  region: string;
  controlTableArn: string;
  kmsKeyArn: string;
  logGroupArn: string;
}): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "OwnHeartbeat",
        Effect: "Allow",
        Action: "dynamodb:PutItem",
        Resource: p.controlTableArn,
        Condition: {
          "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [heartbeatPk(p.region)] },
        },
      },
      // The environment variables are encrypted with the cell key.
      { Sid: "CellKey", Effect: "Allow", Action: "kms:Decrypt", Resource: p.kmsKeyArn },
      {
        Sid: "OwnLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${p.logGroupArn}:*`,
      },
    ],
  });
}

/** The schedule's role may invoke this one function and nothing else. */
export function schedulerInvokePolicy(functionArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "InvokeHeartbeat",
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: functionArn,
      },
    ],
  });
}

/** Problems with the heartbeat settings, each naming the key and the fix. */
export function heartbeatArgIssues(
  intervalMs: number,
  leaseSeconds: number,
): { propertyPath: string; reason: string }[] {
  const most = (leaseSeconds * 1000) / 2;
  if (intervalMs <= most) return [];
  return [
    {
      propertyPath: "settings.heartbeatIntervalMs",
      reason:
        `dr:functions.heartbeatIntervalMs is ${intervalMs} ms but must be at most half the writer lease ` +
        `(${leaseSeconds} s), ${most} ms: a peer must hear a beat (plus the table's replication lag) ` +
        `within the lease or its writers refuse; lower dr:functions.heartbeatIntervalMs to ${most} or less.`,
    },
  ];
}

export interface CellHeartbeatArgs {
  identity: CellIdentity;
  kmsKeyArn: pulumi.Input<string>;
  controlTable: { tableName: string; tableArn: pulumi.Input<string> };
  intervalMs: number;
  memoryMb: number;
  logRetentionDays: number;
}

export interface CellHeartbeatOutputs {
  fn: aws.lambda.Function;
  schedule: aws.scheduler.Schedule;
  schedulerRole: aws.iam.Role;
}

export function createCellHeartbeat(
  name: string,
  args: CellHeartbeatArgs,
  parent: pulumi.Resource,
): CellHeartbeatOutputs {
  const { identity } = args;
  const tags = cellTags(identity);
  const functionName = regionalName(identity, "heartbeat");
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-heartbeatLogGroup`,
    { name: `/aws/lambda/${functionName}`, retentionInDays: args.logRetentionDays, tags },
    { parent },
  );
  const role = new aws.iam.Role(
    `${name}-heartbeatRole`,
    { name: functionName, assumeRolePolicy: LAMBDA_TRUST_POLICY, tags },
    { parent },
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-heartbeatPolicy`,
    {
      role: role.id,
      policy: pulumi
        .all([args.controlTable.tableArn, args.kmsKeyArn, logGroup.arn])
        .apply(([controlTableArn, kmsKeyArn, logGroupArn]) =>
          heartbeatPolicy({ region: identity.region, controlTableArn, kmsKeyArn, logGroupArn }),
        ),
    },
    { parent },
  );
  const fn = new aws.lambda.Function(
    `${name}-heartbeat`,
    {
      name: functionName,
      role: role.arn,
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      handler: `${BUNDLE_FILE.replace(/\.js$/, "")}.handler`,
      code: handlerArchive("heartbeat"),
      memorySize: args.memoryMb,
      timeout: HEARTBEAT_TIMEOUT_SECONDS,
      reservedConcurrentExecutions: HEARTBEAT_RESERVED_CONCURRENCY,
      kmsKeyArn: args.kmsKeyArn,
      environment: {
        variables: {
          [ENV.controlTable]: args.controlTable.tableName,
          [HEARTBEAT_ENV.intervalMs]: String(args.intervalMs),
          [HEARTBEAT_ENV.runMs]: String(DEFAULT_HEARTBEAT_RUN_MS),
        },
      },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      tags,
    },
    { parent, dependsOn: [policy, logGroup] },
  );
  // Scheduler invokes asynchronously: a late or retried run only adds a concurrent beater, so
  // Lambda's own retries are off and an event older than a minute is dropped.
  new aws.lambda.FunctionEventInvokeConfig(
    `${name}-heartbeatInvokeConfig`,
    { functionName: fn.name, maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
    { parent },
  );
  const schedulerRole = new aws.iam.Role(
    `${name}-heartbeatSchedulerRole`,
    {
      name: regionalName(identity, "heartbeat-scheduler"),
      assumeRolePolicy: SCHEDULER_TRUST_POLICY,
      tags,
    },
    { parent },
  );
  const schedulerPolicy = new aws.iam.RolePolicy(
    `${name}-heartbeatSchedulerPolicy`,
    { role: schedulerRole.id, policy: fn.arn.apply(schedulerInvokePolicy) },
    { parent },
  );
  const schedule = new aws.scheduler.Schedule(
    `${name}-heartbeatSchedule`,
    {
      name: functionName,
      scheduleExpression: HEARTBEAT_SCHEDULE,
      flexibleTimeWindow: { mode: "OFF" },
      state: "ENABLED",
      target: {
        arn: fn.arn,
        roleArn: schedulerRole.arn,
        // The next minute's invocation is the retry.
        retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
      },
    },
    { parent, dependsOn: [schedulerPolicy] },
  );
  return { fn, schedule, schedulerRole };
}
