import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isAwsRegion } from "../../config/regions";
import { CellIdentity, cellTags, regionalName } from "../naming";
import { throwArgIssues } from "../../validation/componentArgs";
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
   * This cell's Aurora cluster identifier; the value may be an Output (it is only the alarm's
   * dimension). Leave it out while the cell has no cluster: no Aurora alarm is created.
   */
  auroraClusterIdentifier?: pulumi.Input<string>;
  /**
   * Global table names replicated from this region (from config, not from the tables' outputs:
   * the alarms' count and names must be known before anything is created, so that a first
   * preview shows them). One alarm per table and peer region.
   */
  tableNames: string[];
  /**
   * The MSK replicators this cell runs, one per peer that has published its cluster
   * (`StreamingCell.plannedReplicators`); one lag alarm each. Defaults to none.
   */
  replicators?: ReadonlyArray<{ sourceRegion: string; replicatorName: string }>;
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
  /** Every alarm; all are registered when the component is constructed (known at preview). */
  alarms: CreatedAlarm[];
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
  throwArgIssues(`dr:observability:CellObservability ${name}`, observabilityArgIssues(args));
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

  // Whether each alarm exists depends on plain values only, so every alarm is registered now,
  // not inside an apply: a first deploy's preview and the policy pack see all of them.
  const alarms: CreatedAlarm[] = [
    create(loadBalancer5xxAlarm(identity, args.loadBalancerArnSuffix, thresholds)),
    ...(args.auroraClusterIdentifier === undefined
      ? []
      : [create(auroraLagAlarm(identity, args.auroraClusterIdentifier, thresholds))]),
    ...args.tableNames.flatMap((table) =>
      args.peerRegions.map((peer) => create(dynamodbLagAlarm(identity, table, peer, thresholds))),
    ),
    ...(args.replicators ?? []).map((r) =>
      create(mskLagAlarm(identity, r.replicatorName, r.sourceRegion, thresholds)),
    ),
  ];

  const resolved = pulumi.all(
    alarms.map(({ spec, alarm }) =>
      pulumi
        .all([pulumi.output(spec.dimensions), alarm.arn])
        .apply(([dimensions, alarmArn]): ResolvedAlarmSpec => ({ ...spec, dimensions, alarmArn })),
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

/** Every problem with the observability args, each naming the arg and the fix. */
function observabilityArgIssues(args: CellObservabilityArgs): pulumi.InputPropertyErrorDetails[] {
  const issues: pulumi.InputPropertyErrorDetails[] = [];
  const add = (propertyPath: string, reason: string) =>
    issues.push({ propertyPath, reason: `${propertyPath} ${reason}` });
  args.peerRegions.forEach((peer, i) => {
    if (!isAwsRegion(peer)) {
      add(`peerRegions[${i}]`, `'${peer}' is not an AWS region such as eu-west-1.`);
    } else if (peer === args.identity.region) {
      add(
        `peerRegions[${i}]`,
        `is this cell's own region (${peer}); list only the other cells' regions.`,
      );
    } else if (args.peerRegions.indexOf(peer) !== i) {
      add(`peerRegions[${i}]`, `'${peer}' is listed twice; list each peer once.`);
    }
  });
  for (const [key, value] of Object.entries(args.thresholds)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      add(
        `thresholds.${key}`,
        `is ${String(value)}; use a positive number (lags in seconds, 5xx as a count per minute).`,
      );
    }
  }
  if (!Array.isArray(args.tableNames)) {
    add(
      "tableNames",
      "is not a list; pass the configured table names (dr:dynamodb.tables) as plain strings, not an Output, so the alarms show in a preview.",
    );
  }
  (Array.isArray(args.tableNames) ? args.tableNames : []).forEach((table, i) => {
    if (typeof table !== "string" || table.length === 0) {
      add(`tableNames[${i}]`, "is empty; pass the global table's name.");
    } else if (args.tableNames.indexOf(table) !== i) {
      add(`tableNames[${i}]`, `'${table}' is listed twice; list each table once.`);
    }
  });
  (args.replicators ?? []).forEach((r, i) => {
    if (!args.peerRegions.includes(r.sourceRegion)) {
      add(
        `replicators[${i}].sourceRegion`,
        `is ${r.sourceRegion}, not one of peerRegions (${args.peerRegions.join(", ")}); a replicator pulls from a peer cell.`,
      );
    }
    if (typeof r.replicatorName !== "string" || r.replicatorName.length === 0) {
      add(`replicators[${i}].replicatorName`, "is empty; pass StreamingCell.plannedReplicators.");
    }
    if ((args.replicators ?? []).findIndex((x) => x.sourceRegion === r.sourceRegion) !== i) {
      add(
        `replicators[${i}].sourceRegion`,
        `'${r.sourceRegion}' has two replicators; a cell runs one per peer.`,
      );
    }
  });
  return issues;
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
    this.alarmArns = pulumi.all(out.alarms.map((a) => a.alarm.arn));
    this.alarmNames = pulumi.output(out.alarms.map((a) => a.spec.alarmName));
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
