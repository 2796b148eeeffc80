import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isAwsRegion } from "../../config/regions";
import { CellIdentity, cellTags, regionalName } from "../naming";
import {
  AlarmSpec,
  AlarmThresholds,
  auroraLagAlarm,
  dashboardBody,
  dynamodbLagAlarm,
  loadBalancer5xxAlarm,
  mskLagAlarm,
  ResolvedAlarmSpec,
} from "./alarms";

export interface CellObservabilityArgs {
  identity: CellIdentity;
  /** Regions of every peer cell: DynamoDB reports replication latency per receiving region. */
  peerRegions: string[];
  /**
   * This cell's Aurora cluster. Leave it out (or resolve to null) while a joiner has no
   * cluster yet: no Aurora alarm is created.
   */
  auroraClusterIdentifier?: pulumi.Input<string | undefined | null>;
  /** Global table names replicated from this region; one alarm per table and peer region. */
  tableNames: pulumi.Input<string[]>;
  /** The MSK replicator in this cell; leave out (or resolve to null) while it is deferred. */
  replicatorName?: pulumi.Input<string | undefined | null>;
  /** The load balancer's ARN suffix (`app/<name>/<id>`), CloudWatch's LoadBalancer dimension. */
  loadBalancerArnSuffix: pulumi.Input<string>;
  /** Alarm thresholds, as in the stack config (`dr:alarms`): lags in seconds. */
  thresholds: AlarmThresholds;
  /** SNS topic the alarms notify. Defaults to a new topic for this cell. */
  alarmTopicArn?: pulumi.Input<string>;
}

export interface CreatedAlarm {
  spec: AlarmSpec;
  alarm: aws.cloudwatch.MetricAlarm;
}

export interface CellObservabilityOutputs {
  /** Every alarm; resolves once the optional ones (built from Outputs) exist. */
  alarms: pulumi.Output<CreatedAlarm[]>;
  dashboard: aws.cloudwatch.Dashboard;
  /** Created only when no alarmTopicArn was given. */
  alarmTopic?: aws.sns.Topic;
  alarmTopicArn: pulumi.Output<string>;
}

/**
 * A cell's replication and traffic alarms and its dashboard. The alarms watch this cell's
 * own metrics only (what replicates out of it and into it), so each cell's alarms keep
 * working when a peer region is gone, and none depends on which region writes.
 */
export function createCellObservability(
  name: string,
  args: CellObservabilityArgs,
  parent: pulumi.Resource,
): CellObservabilityOutputs {
  validateArgs(args);
  const { identity, thresholds } = args;
  const tags = cellTags(identity);

  const alarmTopic =
    args.alarmTopicArn === undefined
      ? new aws.sns.Topic(
          `${name}-alarmTopic`,
          {
            name: regionalName(identity, "dr-alarms"),
            displayName: `DR alarms ${identity.app} ${identity.cell}`,
            tags,
          },
          { parent },
        )
      : undefined;
  const alarmTopicArn = pulumi.output(alarmTopic ? alarmTopic.arn : args.alarmTopicArn!);

  const create = (spec: AlarmSpec): CreatedAlarm => ({
    spec,
    alarm: new aws.cloudwatch.MetricAlarm(
      `${name}-${spec.role}`,
      {
        name: spec.alarmName,
        alarmDescription: spec.description,
        namespace: spec.namespace,
        metricName: spec.metricName,
        dimensions: spec.dimensions,
        statistic: spec.statistic,
        threshold: spec.threshold,
        comparisonOperator: spec.comparisonOperator,
        period: spec.periodSeconds,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: spec.treatMissingData,
        alarmActions: [alarmTopicArn],
        okActions: [alarmTopicArn],
        tags,
      },
      { parent },
    ),
  });

  // Always present, and its dimension may stay an Output: created now, not in an apply.
  const loadBalancerAlarms = [
    create(loadBalancer5xxAlarm(identity, args.loadBalancerArnSuffix, thresholds)),
  ];
  const groups: pulumi.Output<CreatedAlarm[]>[] = [
    pulumi.output(undefined).apply(() => loadBalancerAlarms),
    whenPresent(args.auroraClusterIdentifier, (id) => [
      create(auroraLagAlarm(identity, id, thresholds)),
    ]),
    whenPresent(args.tableNames, (tables) => {
      validateTableNames(tables);
      return tables.flatMap((table) =>
        args.peerRegions.map((peer) => create(dynamodbLagAlarm(identity, table, peer, thresholds))),
      );
    }),
    whenPresent(args.replicatorName, (replicator) => [
      create(mskLagAlarm(identity, replicator, thresholds)),
    ]),
  ];
  const alarms = pulumi.all(groups).apply((lists) => lists.flat());

  const resolved = alarms.apply((list) =>
    pulumi.all(
      list.map(({ spec, alarm }) =>
        pulumi
          .all([pulumi.output(spec.dimensions), alarm.arn])
          .apply(([dimensions, alarmArn]): ResolvedAlarmSpec => ({
            ...spec,
            dimensions,
            alarmArn,
          })),
      ),
    ),
  );
  const dashboard = new aws.cloudwatch.Dashboard(
    `${name}-dashboard`,
    {
      dashboardName: regionalName(identity, "dr"),
      dashboardBody: resolved.apply((specs) =>
        JSON.stringify(
          dashboardBody(identity.region, `DR ${identity.app} ${identity.cell} alarms`, specs),
        ),
      ),
    },
    { parent },
  );
  return { alarms, dashboard, alarmTopic, alarmTopicArn };
}

/**
 * Runs `build` on the value of an optional input: now for a plain value, once resolved for an
 * Output (peer-dependent names arrive from StackReferences).
 */
function whenPresent<T, R>(
  input: pulumi.Input<T | undefined | null> | undefined,
  build: (value: T) => R[],
): pulumi.Output<R[]> {
  if (input === undefined || input === null) return pulumi.output(undefined).apply(() => []);
  if (pulumi.Output.isInstance(input) || input instanceof Promise) {
    return pulumi
      .output(input as pulumi.Input<T | undefined | null>)
      .apply((v) => (v === undefined || v === null ? [] : build(v as T)));
  }
  const built = build(input as T);
  return pulumi.output(undefined).apply(() => built);
}

function inputError(propertyPath: string, reason: string): pulumi.InputPropertyError {
  return new pulumi.InputPropertyError({ propertyPath, reason: `${propertyPath} ${reason}` });
}

function validateArgs(args: CellObservabilityArgs): void {
  args.peerRegions.forEach((peer, i) => {
    if (!isAwsRegion(peer)) {
      throw inputError(`peerRegions[${i}]`, `'${peer}' is not an AWS region such as eu-west-1.`);
    }
    if (peer === args.identity.region) {
      throw inputError(
        `peerRegions[${i}]`,
        `is this cell's own region (${peer}); list only the other cells' regions.`,
      );
    }
    if (args.peerRegions.indexOf(peer) !== i) {
      throw inputError(`peerRegions[${i}]`, `'${peer}' is listed twice; list each peer once.`);
    }
  });
  for (const [key, value] of Object.entries(args.thresholds)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw inputError(
        `thresholds.${key}`,
        `is ${String(value)}; use a positive number (lags in seconds, 5xx as a count per minute).`,
      );
    }
  }
  if (Array.isArray(args.tableNames)) validateTableNames(args.tableNames);
}

function validateTableNames(tables: string[]): void {
  tables.forEach((table, i) => {
    if (typeof table !== "string" || table.length === 0) {
      throw inputError(`tableNames[${i}]`, "is empty; pass the global table's name.");
    }
  });
}

/** A cell's DR alarms (replication lag per store, load balancer 5xx) and its dashboard. */
export class CellObservability extends pulumi.ComponentResource {
  readonly alarmArns: pulumi.Output<string[]>;
  readonly alarmNames: pulumi.Output<string[]>;
  readonly dashboardName: pulumi.Output<string>;
  readonly alarmTopicArn: pulumi.Output<string>;

  constructor(name: string, args: CellObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:observability:CellObservability", name, {}, opts);
    const out = createCellObservability(name, args, this);
    this.alarmArns = out.alarms.apply((list) => pulumi.all(list.map((a) => a.alarm.arn)));
    this.alarmNames = out.alarms.apply((list) => list.map((a) => a.spec.alarmName));
    this.dashboardName = out.dashboard.dashboardName;
    this.alarmTopicArn = out.alarmTopicArn;
    this.registerOutputs({
      alarmArns: this.alarmArns,
      alarmNames: this.alarmNames,
      dashboardName: this.dashboardName,
      alarmTopicArn: this.alarmTopicArn,
    });
  }
}
